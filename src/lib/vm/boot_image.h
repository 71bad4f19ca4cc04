/* SPDX-License-Identifier: GPL-2.0-only */
/* Which kernel image QEMU boots: the PVH vmlinux or the bzImage. */
#ifndef KTSTR_VM_BOOT_IMAGE_H
#define KTSTR_VM_BOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/vm.h>

/*
 * Room PVH needs in guest RAM beyond the ELF's loaded image and the
 * initrd (QEMU puts the initrd at the top of RAM, below 4 GiB): the kernel
 * must still have memory to run in.
 */
#define KT_PVH_SPARE_MB 64

/* What the choice depends on, gathered by kt_vm_boot_image(). */
struct kt_boot_facts {
	enum kt_vm_boot want; /* AUTO, PVH or BZIMAGE ($KTSTR_BOOT applied) */
	int vmlinux_err;      /* 0, or -errno: no vmlinux could be had */
	const char *vmlinux_why; /* the message that goes with vmlinux_err */
	bool has_entry;		 /* the vmlinux has the PVH entry note */
	uint64_t load_end;	 /* end of its PT_LOAD segments, bytes */
	uint64_t initrd_bytes;
	unsigned memory_mb; /* the guest's RAM */
};

/*
 * The decision, pure: PVH when it was not ruled out (want != BZIMAGE), a
 * vmlinux exists, carries the PVH note and fits in RAM with the initrd
 * and KT_PVH_SPARE_MB; else BZIMAGE with the reason in why (""
 * when the bzImage was asked for).
 */
enum kt_vm_boot kt_vm_boot_decide(const struct kt_boot_facts *f, char *why,
				  size_t len);

/*
 * Choose the image to boot for kernel (a bzImage, or an ELF vmlinux that
 * is booted as it is): path gets the file for QEMU's -kernel, *chosen
 * PVH or BZIMAGE. want AUTO takes $KTSTR_BOOT when set. When PVH was
 * asked for (want or $KTSTR_BOOT) and is not possible, one line on stderr
 * says why (once per process); AUTO falls back silently. Never fails:
 * the bzImage is always there to boot.
 */
void kt_vm_boot_image(const char *kernel, enum kt_vm_boot want,
		      unsigned memory_mb, uint64_t initrd_bytes, char *path,
		      size_t len, enum kt_vm_boot *chosen);

#endif
