/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM shared with QEMU (guest_mem.c): memfds QEMU maps as its
 * memory backends, mapped read-only here, and the guest-physical ->
 * backend-offset arithmetic of QEMU's "pc" machine.
 */
#ifndef KTSTR_VM_GUEST_MEM_H
#define KTSTR_VM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#define KT_GUEST_MEM_MAX 16 /* backends: one per NUMA node */

struct kt_guest_mem {
	unsigned nr;	   /* backends, each seg_size bytes, in RAM order */
	uint64_t seg_size; /* bytes */
	int fd[KT_GUEST_MEM_MAX];
	const uint8_t *map[KT_GUEST_MEM_MAX];
};

/*
 * QEMU 7.2's "pc" (i440fx) machine splits RAM around the PCI hole below
 * 4 GiB: with ram_size >= 3.5 GiB (max-ram-below-4g's default) the first
 * 3 GiB (gigabyte-aligned) sit at [0, 3G) and the rest at [4G, ...);
 * smaller guests have all their RAM at [0, ram_size). The legacy VGA/BIOS
 * window at 0xa0000-0xfffff is backed by RAM too (shadowed), so file
 * offset == address below the split.
 */
uint64_t kt_pc_below_4g(uint64_t ram_size);
/* The offset into the machine's RAM (the backends in order) of guest
 * physical address gpa; -EFAULT in the hole or past the end. */
int kt_pc_ram_offset(uint64_t ram_size, uint64_t gpa, uint64_t *off);

/* nr memfds of total/nr bytes each (close-on-exec; the child that runs
 * QEMU clears that), mapped read-only. Nothing is ever in /dev/shm: the
 * memory goes with the last fd or mapping. */
int kt_guest_mem_create(struct kt_guest_mem *m, unsigned nr, uint64_t total);
void kt_guest_mem_free(struct kt_guest_mem *m);
/* Copy len bytes at guest physical gpa (within one backend); -EFAULT. */
int kt_guest_mem_read(const struct kt_guest_mem *m, uint64_t gpa, void *buf,
		      size_t len);

#endif
