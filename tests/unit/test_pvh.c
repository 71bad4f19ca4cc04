/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the PVH entry note of a vmlinux (kernel/pvh.c). */
#include <elf.h>
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

#include "kernel/pvh.h"

#include "kernel_fixture.h"

/* 8-byte aligned, as a mapped file is. */
static uint64_t buf64[512];
static unsigned char *const buf = (unsigned char *)buf64;

static const uint64_t entry8 = 0x39a5140;
static const uint32_t entry4 = 0x1000123;

static void assert_msg_has(const char *needle)
{
	if (!strstr(kt_last_error(), needle))
		fail_msg("error '%s' lacks '%s'", kt_last_error(), needle);
}

/* Notes like the 7.2 cloud kernel's: Linux ones, Xen ones, the entry. */
static size_t kernel_like(const void *entry, uint32_t entry_len)
{
	const struct kt_fx_note notes[] = {
	    {"Linux", 6, "7.2.13", 7},
	    {"Xen", 6, "linux", 6},
	    {"Xen", KT_XEN_ELFNOTE_PHYS32_ENTRY, entry, entry_len},
	    {"GNU", NT_GNU_BUILD_ID, "0123456789abcdefghij", 20},
	};

	return kt_fx_elf_notes(buf, sizeof(buf64), 0x1000000, 0x3800000, notes,
			       KT_ARRAY_SIZE(notes));
}

static void test_entry_found(void **state)
{
	struct kt_pvh_info info;
	size_t len;

	(void)state;
	len = kernel_like(&entry8, 8);
	assert_true(len > 0);
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_true(info.has_entry);
	assert_int_equal(info.entry, entry8);
	assert_int_equal(info.load_end, 0x4800000); /* 72 MB */

	/* a 4-byte descriptor (32-bit kernels' _ASM_PTR) */
	len = kernel_like(&entry4, 4);
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_true(info.has_entry);
	assert_int_equal(info.entry, entry4);
}

static void test_no_entry(void **state)
{
	static const uint64_t above_4g = 0x100000000ULL;
	const struct kt_fx_note others[] = {
	    {"Xen", 6, "linux", 6},
	    {"Linux", KT_XEN_ELFNOTE_PHYS32_ENTRY, &entry8, 8}, /* not Xen */
	    {"Xe", KT_XEN_ELFNOTE_PHYS32_ENTRY, &entry8, 8},
	    {"Xen", KT_XEN_ELFNOTE_PHYS32_ENTRY, &entry8, 2}, /* odd size */
	};
	const struct kt_fx_note high[] = {
	    {"Xen", KT_XEN_ELFNOTE_PHYS32_ENTRY, &above_4g, 8},
	};
	struct kt_pvh_info info;
	size_t len;

	(void)state;
	len = kt_fx_elf_notes(buf, sizeof(buf64), 0x1000000, 0x100000, others,
			      KT_ARRAY_SIZE(others));
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_false(info.has_entry);
	assert_int_equal(info.load_end, 0x1100000);

	/* no PT_NOTE segment at all (CONFIG_PVH off, notes stripped) */
	len = kt_fx_elf_notes(buf, sizeof(buf64), 0x1000000, 0x100000, NULL, 0);
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_false(info.has_entry);

	/* a PHYS32 entry must be a 32-bit address */
	len = kt_fx_elf_notes(buf, sizeof(buf64), 0x1000000, 0x100000, high, 1);
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_false(info.has_entry);
}

static void test_truncated_notes(void **state)
{
	const struct kt_fx_note entry[] = {
	    {"Xen", KT_XEN_ELFNOTE_PHYS32_ENTRY, &entry8, 8},
	};
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr));
	struct kt_pvh_info info;
	size_t len;

	(void)state;
	len =
	    kt_fx_elf_notes(buf, sizeof(buf64), 0x1000000, 0x100000, entry, 1);
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_true(info.has_entry);
	/* a descriptor running past the segment: ignored, no crash */
	ph[1].p_filesz -= 4;
	assert_int_equal(kt_pvh_parse(buf, len, &info), 0);
	assert_false(info.has_entry);
	/* the note segment past the end of the file */
	ph[1].p_filesz = len;
	assert_int_equal(kt_pvh_parse(buf, len, &info), -EINVAL);
	assert_msg_has("outside the file");
}

static void test_malformed(void **state)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	struct kt_pvh_info info;
	size_t len;

	(void)state;
	assert_int_equal(kt_pvh_parse("MZ not an elf", 13, &info), -EINVAL);
	assert_msg_has("not an ELF file");
	len = kernel_like(&entry8, 8);
	assert_int_equal(kt_pvh_parse(buf, 40, &info), -EINVAL);
	eh->e_phnum = 200; /* headers past the end */
	assert_int_equal(kt_pvh_parse(buf, len, &info), -EINVAL);
	assert_msg_has("program headers lie outside");
	len = kernel_like(&entry8, 8);
	eh->e_phnum = 0;
	assert_int_equal(kt_pvh_parse(buf, len, &info), -EINVAL);
	assert_msg_has("no usable program headers");
	len = kernel_like(&entry8, 8);
	eh->e_machine = EM_AARCH64;
	assert_int_equal(kt_pvh_parse(buf, len, &info), -EINVAL);
	assert_msg_has("not an x86-64 ELF");
	len = kernel_like(&entry8, 8);
	buf[EI_CLASS] = ELFCLASS32;
	assert_int_equal(kt_pvh_parse(buf, len, &info), -EINVAL);
	assert_msg_has("ELF64");
}

static void test_probe_file(void **state)
{
	char dir[] = "/tmp/kt-test-pvh-XXXXXX", path[64];
	struct kt_pvh_info info;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	len = kernel_like(&entry8, 8);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(kt_pvh_probe(path, &info), 0);
	assert_true(info.has_entry);
	assert_int_equal(info.entry, entry8);

	assert_int_equal(kt_fx_write(path, "not an elf\n"), 0);
	assert_int_equal(kt_pvh_probe(path, &info), -EINVAL);
	assert_msg_has("vmlinux ");
	assert_msg_has(": not an ELF file");
	unlink(path);
	assert_int_equal(kt_pvh_probe(path, &info), -ENOENT);
	assert_msg_has(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entry_found),
	    cmocka_unit_test(test_no_entry),
	    cmocka_unit_test(test_truncated_notes),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_probe_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
