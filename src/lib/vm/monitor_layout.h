/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the guest kernel's memory for the monitor (monitor_layout.c). */
#ifndef KTSTR_VM_MONITOR_LAYOUT_H
#define KTSTR_VM_MONITOR_LAYOUT_H

#include "monitor_priv.h"

/* Copy len bytes at kernel virtual address kva; -EFAULT outside the
 * kernel image and the direct map (or past the RAM). */
int kt_mon_kread(const struct kt_vm_monitor *m, uint64_t kva, void *buf,
		 size_t len);
/* Find phys_base, the direct map and the per-CPU offsets once the
 * symbols are known and the kernel is up; -EAGAIN until then. */
int kt_mon_locate(struct kt_vm_monitor *m);

#endif
