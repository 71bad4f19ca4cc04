/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for bzImage validation and vmlinux/.BTF extraction. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "kernel/bzimage.h"

#include "kernel_fixture.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kt-test-bz-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return kt_fx_rmtree(dir);
}

static const char *at(const char *name)
{
	static char p[4][256];
	static int n;

	n = (n + 1) % 4;
	snprintf(p[n], sizeof(p[n]), "%s/%s", dir, name);
	return p[n];
}

static void assert_msg_has(const char *needle)
{
	if (!strstr(kt_last_error(), needle))
		fail_msg("error '%s' lacks '%s'", kt_last_error(), needle);
}

static void test_valid_header(void **state)
{
	struct kt_fx_bz bz = {
	    .release = "6.99.1-test", .payload = "abcd", .payload_len = 4};
	struct kt_bzimage_info info;
	const char *p = at("bzImage");

	(void)state;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_probe(p, &info), 0);
	assert_int_equal(info.protocol, 0x020f);
	assert_int_equal(info.setup_sects, 3);
	assert_string_equal(info.release, "6.99.1-test");
	assert_int_equal(info.payload_offset, 4 * 512 + 0x100);
	assert_int_equal(info.payload_length, 4);
	assert_int_equal(kt_bzimage_probe(p, NULL), 0);

	/* No kernel_version pointer: valid, release unknown. */
	bz.release = NULL;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_probe(p, &info), 0);
	assert_string_equal(info.release, "");
}

static void test_not_bzimage(void **state)
{
	const char *p = at("vmlinux.txt");
	char text[2048];

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(kt_fx_write(p, text), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), -EINVAL);
	assert_msg_has(p);
	assert_msg_has("is not a Linux bzImage (no HdrS header at offset "
		       "0x202); pass the kernel image (vmlinuz/bzImage), not "
		       "vmlinux or a .deb");
}

static void test_empty_small_missing(void **state)
{
	const char *p = at("empty");

	(void)state;
	assert_int_equal(kt_fx_write(p, ""), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), -EINVAL);
	assert_msg_has(p);
	assert_msg_has("is empty");

	p = at("small");
	assert_int_equal(kt_fx_write(p, "#!/bin/sh\necho hi\n"), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), -EINVAL);
	assert_msg_has(p);
	assert_msg_has("too small to be a Linux bzImage (18 bytes)");

	p = at("no-such-file");
	assert_int_equal(kt_bzimage_probe(p, NULL), -ENOENT);
	assert_msg_has(p);
	assert_msg_has("no such file");

	assert_int_equal(kt_bzimage_probe(dir, NULL), -EISDIR);
	assert_msg_has("not a regular file");
}

static void test_bad_headers(void **state)
{
	struct kt_fx_bz bz = {.payload = "abcd", .payload_len = 4};
	const char *p = at("bad");

	(void)state;
	bz.protocol = 0x0205;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), -EINVAL);
	assert_msg_has("boot protocol 2.05 is too old");

	bz.protocol = 0;
	bz.zimage = true;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), -EINVAL);
	assert_msg_has("loadflags bit 0 clear");

	bz.zimage = false;
	bz.extra_payload = 1000;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), -EINVAL);
	assert_msg_has("is truncated");
}

static void test_elf_section(void **state)
{
	unsigned char elf[1024];
	const char *p = at("vmlinux"), *out = at("btf.out");
	size_t len, n;
	char *got;

	(void)state;
	len = kt_fx_elf(elf, sizeof(elf), kt_fx_btf, sizeof(kt_fx_btf));
	assert_true(len > 0);
	{
		FILE *f = fopen(p, "w");

		assert_non_null(f);
		assert_int_equal(fwrite(elf, 1, len, f), len);
		fclose(f);
	}
	assert_int_equal(kt_elf_extract_section(p, ".BTF", out), 0);
	got = kt_fx_read(out, &n);
	assert_non_null(got);
	assert_int_equal(n, sizeof(kt_fx_btf));
	assert_memory_equal(got, kt_fx_btf, n);
	free(got);

	assert_int_equal(kt_elf_extract_section(p, ".BTF.ext", out), -ENOENT);
	assert_msg_has("no .BTF.ext section");

	/* Section headers pointing past the end of the file. */
	((unsigned char *)elf)[0x28] = 0xff; /* e_shoff low byte */
	((unsigned char *)elf)[0x29] = 0xff;
	{
		const void *d;
		size_t sz;

		assert_int_equal(kt_elf_section(elf, len, ".BTF", &d, &sz),
				 -EINVAL);
		assert_msg_has("outside the file");
		assert_int_equal(kt_elf_section("abc", 3, ".BTF", &d, &sz),
				 -EINVAL);
	}
}

static void test_extract_btf_from_bzimage(void **state)
{
	unsigned char elf[1024];
	struct kt_fx_bz bz = {.release = "6.99.1-test", .zstd = true};
	const char *p = at("bzImage-btf"), *out = at("btf"), *vm = at("vml");
	size_t len, n;
	char *got;

	(void)state;
	len = kt_fx_elf(elf, sizeof(elf), kt_fx_btf, sizeof(kt_fx_btf));
	bz.payload = elf;
	bz.payload_len = len;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);

	assert_int_equal(kt_bzimage_extract_vmlinux(p, vm), 0);
	got = kt_fx_read(vm, &n);
	assert_non_null(got);
	assert_int_equal(n, len);
	assert_memory_equal(got, elf, len);
	free(got);

	assert_int_equal(kt_bzimage_extract_btf(p, out), 0);
	got = kt_fx_read(out, &n);
	assert_non_null(got);
	assert_int_equal(n, sizeof(kt_fx_btf));
	assert_int_equal((unsigned char)got[0], 0x9f);
	assert_int_equal((unsigned char)got[1], 0xeb);
	assert_memory_equal(got, kt_fx_btf, n);
	free(got);

	/* An ELF without .BTF. */
	len = kt_fx_elf(elf, sizeof(elf), NULL, 0);
	bz.payload_len = len;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_extract_btf(p, out), -ENOENT);
	assert_msg_has("no .BTF section");

	/* A .BTF section without the BTF magic. */
	len = kt_fx_elf(elf, sizeof(elf), "not btf at all", 14);
	bz.payload_len = len;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_extract_btf(p, out), -EINVAL);
	assert_msg_has("BTF magic");
}

static void test_non_zstd_payload(void **state)
{
	static const unsigned char gz[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
	struct kt_fx_bz bz = {.payload = gz, .payload_len = sizeof(gz)};
	const char *p = at("bzImage-gz");
	void *elf;
	size_t len;

	(void)state;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_probe(p, NULL), 0);
	assert_int_equal(kt_bzimage_vmlinux(p, &elf, &len), -EINVAL);
	assert_null(elf);
	assert_msg_has("compressed with gzip");
	assert_msg_has("only zstd");

	/* zstd magic followed by garbage: corrupt, not a crash. */
	bz.payload = "\x28\xb5\x2f\xfd garbage garbage";
	bz.payload_len = 20;
	assert_int_equal(kt_fx_bzimage(p, &bz), 0);
	assert_int_equal(kt_bzimage_vmlinux(p, &elf, &len), -EINVAL);
	assert_msg_has("zstd payload is corrupt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_header),
	    cmocka_unit_test(test_not_bzimage),
	    cmocka_unit_test(test_empty_small_missing),
	    cmocka_unit_test(test_bad_headers),
	    cmocka_unit_test(test_elf_section),
	    cmocka_unit_test(test_extract_btf_from_bzimage),
	    cmocka_unit_test(test_non_zstd_payload),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
