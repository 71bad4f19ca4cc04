/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 bzImage parsing (bzimage.c): the boot header, the embedded vmlinux
 * (zstd), ELF sections and the kernel's BTF.
 */
#ifndef KTSTR_KERNEL_BZIMAGE_H
#define KTSTR_KERNEL_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/* What the x86 boot header of a bzImage says. */
struct kt_bzimage_info {
	uint16_t protocol;	 /* boot protocol version, 0x020f = 2.15 */
	uint8_t setup_sects;	 /* real-mode setup size in 512-byte sectors */
	uint64_t file_size;	 /* size of the image file in bytes */
	uint64_t payload_offset; /* file offset of the compressed vmlinux */
	uint64_t payload_length; /* its length (0 if the header has none) */
	char release[128];	 /* "7.2.13+deb14-cloud-amd64", or "" */
};

/*
 * Validate path as an x86 bzImage: boot-sector magic, "HdrS", protocol
 * >= 2.06, loaded high (loadflags bit 0), payload inside the file. Fills
 * info (may be NULL). -ENOENT if the file is missing, -EINVAL if it is not
 * a usable bzImage; kt_last_error() names the file and the reason.
 */
int kt_bzimage_probe(const char *path, struct kt_bzimage_info *info);

/*
 * Decompress the vmlinux ELF embedded in a bzImage (zstd payloads only)
 * into a malloc'd buffer the caller frees.
 */
int kt_bzimage_vmlinux(const char *path, void **elf, size_t *len);

/* Write the embedded vmlinux ELF of a bzImage to out_path. */
int kt_bzimage_extract_vmlinux(const char *path, const char *out_path);

/*
 * Find section name in an in-memory ELF64 image. *data points into elf.
 * -ENOENT if there is no such section, -EINVAL if the ELF is malformed.
 */
int kt_elf_section(const void *elf, size_t len, const char *name,
		   const void **data, size_t *size);

/* Copy section name of the ELF64 file elf_path into out_path. */
int kt_elf_extract_section(const char *elf_path, const char *name,
			   const char *out_path);

/* BTF blobs start with this 16-bit magic (little-endian bytes 9f eb). */
#define KT_BTF_MAGIC 0xEB9F

/*
 * Extract the raw .BTF section of the vmlinux inside a bzImage into
 * out_path (usable as vmlinux BTF by bpftool); checks the BTF magic.
 */
int kt_bzimage_extract_btf(const char *path, const char *out_path);

#endif
