/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH entry of an uncompressed vmlinux (pvh.c): whether QEMU can boot
 * the ELF directly with -kernel, and how much guest RAM its image takes.
 */
#ifndef KTSTR_KERNEL_PVH_H
#define KTSTR_KERNEL_PVH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Xen ELF note type QEMU looks for (xen/include/public/elfnote.h). */
#define KT_XEN_ELFNOTE_PHYS32_ENTRY 18

struct kt_pvh_info {
	bool has_entry;	   /* a "Xen" note of type 18 in a PT_NOTE segment */
	uint64_t entry;	   /* its 32-bit physical entry address */
	uint64_t load_end; /* highest p_paddr + p_memsz of the PT_LOADs */
};

/*
 * Read the program headers of an in-memory ELF64 (x86-64, little-endian):
 * the PVH entry note and the end of the loaded image. 0 with
 * info->has_entry false when there is no such note; -EINVAL (message)
 * when the ELF is malformed or not a 64-bit little-endian ELF.
 */
int kt_pvh_parse(const void *elf, size_t len, struct kt_pvh_info *info);

/* kt_pvh_parse() on the file at path (mapped, not read whole). */
int kt_pvh_probe(const char *path, struct kt_pvh_info *info);

#endif
