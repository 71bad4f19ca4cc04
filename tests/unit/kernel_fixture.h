/* SPDX-License-Identifier: GPL-2.0-only */
/* Fabricated kernel images for unit tests: ELF64 with .BTF or with
 * program headers and notes, bzImages. */
#ifndef KTSTR_TEST_KERNEL_FIXTURE_H
#define KTSTR_TEST_KERNEL_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A sample BTF blob: the magic 0x9f 0xeb, then filler. */
extern const unsigned char kt_fx_btf[64];

/*
 * Build an ELF64 image in buf: sections NULL, .text, .BTF (btf, len) or
 * none if btf is NULL, .shstrtab. Returns its length (0 if cap is short).
 */
size_t kt_fx_elf(unsigned char *buf, size_t cap, const void *btf, size_t len);

/* One ELF note: owner name, type, descriptor. */
struct kt_fx_note {
	const char *name;
	uint32_t type;
	const void *desc;
	uint32_t desc_len;
};

/*
 * Build an ELF64 x86-64 image with program headers in buf: a PT_LOAD of
 * load_memsz bytes at physical load_paddr and, when nr > 0, a PT_NOTE
 * holding the notes. Returns its length (0 if cap is short).
 */
size_t kt_fx_elf_notes(unsigned char *buf, size_t cap, uint64_t load_paddr,
		       uint64_t load_memsz, const struct kt_fx_note *notes,
		       size_t nr);

struct kt_fx_bz {
	const char *release; /* in the kernel_version string, or NULL */
	const void *payload; /* raw payload, zstd-compressed if zstd */
	size_t payload_len;
	bool zstd;		/* compress the payload with zstd */
	uint16_t protocol;	/* 0 = 0x020f */
	bool zimage;		/* clear loadflags bit 0 */
	uint32_t extra_payload; /* claim this many more payload bytes */
};

/* Write a minimal bzImage file; 0 or -errno. */
int kt_fx_bzimage(const char *path, const struct kt_fx_bz *bz);

/* Write text to path; 0 or -errno. */
int kt_fx_write(const char *path, const char *text);

/* mkdir -p; 0 or -errno. */
int kt_fx_mkdirs(const char *path);

/* rm -rf; 0 or -errno. */
int kt_fx_rmtree(const char *path);

/* The whole file in a malloc'd buffer (NUL-terminated), or NULL. */
char *kt_fx_read(const char *path, size_t *len);

#endif
