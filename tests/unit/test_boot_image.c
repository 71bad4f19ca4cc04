/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the boot image choice (vm/boot_image.c): the names, the
 * pure decision (PVH or the bzImage, and why) and the whole choice on
 * fabricated kernels: a PVH vmlinux, one without the note, a payload that
 * cannot be extracted, $KTSTR_BOOT.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/vm.h>

#include "vm/boot_image.h"

#include "kernel_fixture.h"

static char root[64];

static const char *at(const char *name)
{
	static char p[4][256];
	static int n;

	n = (n + 1) % 4;
	snprintf(p[n], sizeof(p[n]), "%s/%s", root, name);
	return p[n];
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/kt-test-boot-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	setenv("KTSTR_CACHE_DIR", root, 1);
	unsetenv("KTSTR_BOOT");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("KTSTR_CACHE_DIR");
	unsetenv("KTSTR_BOOT");
	return kt_fx_rmtree(root);
}

static void test_names(void **state)
{
	enum kt_vm_boot b = KT_VM_BOOT_AUTO;

	(void)state;
	assert_int_equal(kt_vm_boot_parse("pvh", &b), 0);
	assert_int_equal(b, KT_VM_BOOT_PVH);
	assert_int_equal(kt_vm_boot_parse("bzimage", &b), 0);
	assert_int_equal(b, KT_VM_BOOT_BZIMAGE);
	assert_int_equal(kt_vm_boot_parse("auto", &b), 0);
	assert_int_equal(b, KT_VM_BOOT_AUTO);
	assert_int_equal(kt_vm_boot_parse("elf", &b), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "auto, pvh or bzimage"));
	for (int i = KT_VM_BOOT_AUTO; i <= KT_VM_BOOT_BZIMAGE; i++) {
		assert_int_equal(kt_vm_boot_parse(kt_vm_boot_name(i), &b), 0);
		assert_int_equal(b, i);
	}
}

static void test_decide(void **state)
{
	struct kt_boot_facts f = {
	    .want = KT_VM_BOOT_AUTO,
	    .has_entry = true,
	    .load_end = 72ULL << 20,
	    .initrd_bytes = 4ULL << 20,
	    .memory_mb = 256,
	};
	char why[256];

	(void)state;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_PVH);
	assert_string_equal(why, "");
	f.want = KT_VM_BOOT_PVH;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_PVH);
	/* asked for the bzImage: no reason needed */
	f.want = KT_VM_BOOT_BZIMAGE;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_BZIMAGE);
	assert_string_equal(why, "");
	/* exactly fits: 72 + 4 + 64 spare = 140 MB */
	f.want = KT_VM_BOOT_AUTO;
	f.memory_mb = 140;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_PVH);
	f.memory_mb = 139;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_BZIMAGE);
	assert_non_null(strstr(why, "need 140 MB; the guest has 139 MB"));
	f.memory_mb = 256;
	f.has_entry = false;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_BZIMAGE);
	assert_non_null(strstr(why, "no PVH entry note"));
	f.vmlinux_err = -EINVAL;
	f.vmlinux_why = "kernel x: only zstd (CONFIG_KERNEL_ZSTD) is supported";
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_BZIMAGE);
	assert_string_equal(why, f.vmlinux_why);
	f.vmlinux_why = NULL;
	assert_int_equal(kt_vm_boot_decide(&f, why, sizeof(why)),
			 KT_VM_BOOT_BZIMAGE);
	assert_string_equal(why, "no uncompressed vmlinux");
}

/* A bzImage at name whose vmlinux has the PVH note or not. */
static void make_kernel(const char *name, bool pvh)
{
	static uint64_t elf64[128];
	static const uint64_t entry = 0x1000000;
	const struct kt_fx_note notes[] = {
	    {"Xen", pvh ? 18 : 6, &entry, 8},
	};
	struct kt_fx_bz bz = {.release = name, .zstd = true};

	bz.payload = elf64;
	bz.payload_len = kt_fx_elf_notes((unsigned char *)elf64, sizeof(elf64),
					 0x1000000, 72ULL << 20, notes, 1);
	assert_int_equal(kt_fx_bzimage(at(name), &bz), 0);
}

static void test_choose(void **state)
{
	char path[4096];
	enum kt_vm_boot b;

	(void)state;
	make_kernel("pvh-kernel", true);
	make_kernel("plain-kernel", false);
	kt_clear_error();
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_AUTO, 256, 1 << 20, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_PVH);
	assert_int_equal(strncmp(path, at("vmlinux/"), strlen(at("vmlinux/"))),
			 0);
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_BZIMAGE, 256, 1 << 20,
			 path, sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_BZIMAGE);
	assert_string_equal(path, at("pvh-kernel"));
	/* too little RAM: the bzImage */
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_AUTO, 128, 1 << 20, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_BZIMAGE);
	assert_string_equal(path, at("pvh-kernel"));
	/* no PVH note, asked for by name: the bzImage (and one stderr line) */
	kt_vm_boot_image(at("plain-kernel"), KT_VM_BOOT_PVH, 256, 1 << 20, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_BZIMAGE);
	assert_string_equal(path, at("plain-kernel"));
	/* not a zstd bzImage: no vmlinux, the bzImage */
	assert_int_equal(kt_fx_write(at("not-zstd"), "x"), 0);
	kt_vm_boot_image(at("not-zstd"), KT_VM_BOOT_AUTO, 256, 0, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_BZIMAGE);
	/* a fallback is not an error: the error slot is as it was */
	assert_string_equal(kt_last_error(), "no error recorded");
}

static void test_env(void **state)
{
	char path[4096];
	enum kt_vm_boot b;

	(void)state;
	make_kernel("pvh-kernel", true);
	setenv("KTSTR_BOOT", "bzimage", 1);
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_AUTO, 256, 0, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_BZIMAGE);
	/* an explicit choice beats the environment */
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_PVH, 256, 0, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_PVH);
	/* a bad value is ignored (with a line on stderr) */
	setenv("KTSTR_BOOT", "floppy", 1);
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_AUTO, 256, 0, path,
			 sizeof(path), &b);
	assert_int_equal(b, KT_VM_BOOT_PVH);
	unsetenv("KTSTR_BOOT");
}

static void test_elf_kernel(void **state)
{
	char path[4096], elf[4096];
	enum kt_vm_boot b;

	(void)state;
	make_kernel("pvh-kernel", true);
	kt_vm_boot_image(at("pvh-kernel"), KT_VM_BOOT_AUTO, 256, 0, elf,
			 sizeof(elf), &b);
	assert_int_equal(b, KT_VM_BOOT_PVH);
	/* the vmlinux itself given as the kernel: booted as it is */
	kt_vm_boot_image(elf, KT_VM_BOOT_BZIMAGE, 256, 0, path, sizeof(path),
			 &b);
	assert_int_equal(b, KT_VM_BOOT_PVH);
	assert_string_equal(path, elf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),      cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_choose),     cmocka_unit_test(test_env),
	    cmocka_unit_test(test_elf_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
