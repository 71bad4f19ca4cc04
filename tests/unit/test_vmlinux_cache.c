/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the kept vmlinux of a bzImage (kernel/vmlinux_cache.c):
 * beside a cache entry's vmlinuz, under <root>/vmlinux/ for other images,
 * extracted once, eviction, stale temp files, failures leave nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "kernel_fixture.h"

static char root[64];
static uint64_t elf64[128];
static unsigned char *const elf = (unsigned char *)elf64;
static size_t elf_len;

static const char *at(const char *fmt, ...) KT_PRINTF(1, 2);

static const char *at(const char *fmt, ...)
{
	static char p[8][512];
	static int n;
	char rel[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	n = (n + 1) % 8;
	snprintf(p[n], sizeof(p[n]), "%s/%s", root, rel);
	return p[n];
}

/* A bzImage whose zstd payload is the test ELF; tag makes it unique. */
static void make_bzimage(const char *path, const char *tag)
{
	struct kt_fx_bz bz = {.release = tag,
			      .payload = elf,
			      .payload_len = elf_len,
			      .zstd = true};

	assert_int_equal(kt_fx_bzimage(path, &bz), 0);
}

static void assert_is_elf(const char *path)
{
	size_t n;
	char *got = kt_fx_read(path, &n);

	assert_non_null(got);
	assert_int_equal(n, elf_len);
	assert_memory_equal(got, elf, n);
	free(got);
}

/* Regular files in dir (names not starting with skip_prefix). */
static int count_files(const char *dir, const char *skip_prefix)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_type == DT_REG &&
		    (!skip_prefix ||
		     strncmp(e->d_name, skip_prefix, strlen(skip_prefix))))
			n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	static const uint64_t entry = 0x1000000;
	const struct kt_fx_note notes[] = {{"Xen", 18, &entry, 8}};

	(void)state;
	snprintf(root, sizeof(root), "/tmp/kt-test-vmlx-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	setenv("KTSTR_CACHE_DIR", root, 1);
	elf_len =
	    kt_fx_elf_notes(elf, sizeof(elf64), 0x1000000, 0x1000, notes, 1);
	return elf_len ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("KTSTR_CACHE_DIR");
	return kt_fx_rmtree(root);
}

static void test_cache_entry(void **state)
{
	char out[4096], again[4096];
	struct stat a, b;

	(void)state;
	assert_int_equal(kt_fx_mkdirs(at("kernels/7.9.0-x")), 0);
	make_bzimage(at("kernels/7.9.0-x/vmlinuz"), "7.9.0-x");
	/* an entry fetched before PVH boots: extracted on first use */
	assert_int_equal(
	    kt_kernel_vmlinux(at("kernels/7.9.0-x/vmlinuz"), out, sizeof(out)),
	    0);
	assert_string_equal(out, at("kernels/7.9.0-x/vmlinux"));
	assert_is_elf(out);
	/* no temp file left beside it */
	assert_int_equal(count_files(at("kernels/7.9.0-x"), NULL), 2);
	/* then kept: the same file, not written again */
	assert_int_equal(stat(out, &a), 0);
	assert_int_equal(kt_kernel_vmlinux(at("kernels/7.9.0-x/vmlinuz"), again,
					   sizeof(again)),
			 0);
	assert_string_equal(again, out);
	assert_int_equal(stat(again, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);
	/* the entry dir reached another way is the same entry */
	assert_int_equal(kt_kernel_vmlinux(at("kernels/../kernels/7.9.0-x/"
					      "vmlinuz"),
					   again, sizeof(again)),
			 0);
	assert_string_equal(again, out);
}

static void test_other_image(void **state)
{
	char out[4096], again[4096];

	(void)state;
	assert_int_equal(kt_fx_mkdirs(at("src/arch/x86/boot")), 0);
	make_bzimage(at("src/arch/x86/boot/bzImage"), "7.9.0-dev");
	assert_int_equal(kt_kernel_vmlinux(at("src/arch/x86/boot/bzImage"), out,
					   sizeof(out)),
			 0);
	assert_int_equal(strncmp(out, at("vmlinux/"), strlen(at("vmlinux/"))),
			 0);
	assert_is_elf(out);
	/* nothing written beside the user's image */
	assert_int_equal(count_files(at("src/arch/x86/boot"), NULL), 1);
	/* the same image: the same file */
	assert_int_equal(kt_kernel_vmlinux(at("src/arch/x86/boot/bzImage"),
					   again, sizeof(again)),
			 0);
	assert_string_equal(again, out);
	/* a rebuilt image (other bytes, other mtime): another file */
	make_bzimage(at("src/arch/x86/boot/bzImage"), "7.9.0-dev2");
	assert_int_equal(kt_kernel_vmlinux(at("src/arch/x86/boot/bzImage"),
					   again, sizeof(again)),
			 0);
	assert_string_not_equal(again, out);
	assert_is_elf(again);
}

static void test_eviction_keeps_three(void **state)
{
	char out[4096], first[4096];
	struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};

	(void)state;
	kt_fx_rmtree(at("vmlinux"));
	for (int i = 0; i < 5; i++) {
		char name[32];

		snprintf(name, sizeof(name), "img%d", i);
		make_bzimage(at("%s", name), name);
		assert_int_equal(
		    kt_kernel_vmlinux(at("%s", name), out, sizeof(out)), 0);
		if (i == 0)
			snprintf(first, sizeof(first), "%s", out);
		/* the files' mtimes order them; make each older than now */
		utimes(out, old);
		old[0].tv_sec = old[1].tv_sec += 10;
	}
	assert_int_equal(count_files(at("vmlinux"), "."), 3);
	assert_int_not_equal(access(first, F_OK), 0);
	/* using an entry again refreshes it: img2 survives two more */
	assert_int_equal(kt_kernel_vmlinux(at("img2"), out, sizeof(out)), 0);
	make_bzimage(at("img5"), "img5");
	assert_int_equal(kt_kernel_vmlinux(at("img5"), first, sizeof(first)),
			 0);
	make_bzimage(at("img6"), "img6");
	assert_int_equal(kt_kernel_vmlinux(at("img6"), first, sizeof(first)),
			 0);
	assert_int_equal(access(out, F_OK), 0);
	assert_int_equal(count_files(at("vmlinux"), "."), 3);
}

static void test_stale_temp_removed(void **state)
{
	struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};
	char out[4096];

	(void)state;
	assert_int_equal(kt_fx_mkdirs(at("kernels/7.9.1-y")), 0);
	make_bzimage(at("kernels/7.9.1-y/vmlinuz"), "7.9.1-y");
	/* a killed extraction's leftover, and a running one's */
	assert_int_equal(
	    kt_fx_write(at("kernels/7.9.1-y/.vmlinux-dead01"), "half"), 0);
	utimes(at("kernels/7.9.1-y/.vmlinux-dead01"), old);
	assert_int_equal(
	    kt_fx_write(at("kernels/7.9.1-y/.vmlinux-live01"), "half"), 0);
	assert_int_equal(
	    kt_kernel_vmlinux(at("kernels/7.9.1-y/vmlinuz"), out, sizeof(out)),
	    0);
	assert_int_not_equal(
	    access(at("kernels/7.9.1-y/.vmlinux-dead01"), F_OK), 0);
	assert_int_equal(access(at("kernels/7.9.1-y/.vmlinux-live01"), F_OK),
			 0);
}

static void test_failures_leave_nothing(void **state)
{
	struct kt_fx_bz gz = {.payload = "\x1f\x8b\x08\x00", .payload_len = 4};
	char out[4096];

	(void)state;
	assert_int_equal(kt_fx_mkdirs(at("kernels/7.9.2-gz")), 0);
	assert_int_equal(kt_fx_bzimage(at("kernels/7.9.2-gz/vmlinuz"), &gz), 0);
	assert_int_equal(
	    kt_kernel_vmlinux(at("kernels/7.9.2-gz/vmlinuz"), out, sizeof(out)),
	    -EINVAL);
	assert_non_null(strstr(kt_last_error(), "only zstd"));
	assert_int_equal(count_files(at("kernels/7.9.2-gz"), NULL), 1);
	/* a missing image */
	assert_int_equal(kt_kernel_vmlinux(at("nope"), out, sizeof(out)),
			 -ENOENT);
	assert_non_null(strstr(kt_last_error(), "nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cache_entry),
	    cmocka_unit_test(test_other_image),
	    cmocka_unit_test(test_eviction_keeps_three),
	    cmocka_unit_test(test_stale_temp_removed),
	    cmocka_unit_test(test_failures_leave_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
