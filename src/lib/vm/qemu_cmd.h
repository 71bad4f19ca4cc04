/* SPDX-License-Identifier: GPL-2.0-only */
/* The QEMU command line of a VM for a topology (qemu_cmd.c). */
#ifndef KTSTR_VM_QEMU_CMD_H
#define KTSTR_VM_QEMU_CMD_H

#include <ktstr/topo.h>
#include <ktstr/vm.h>

struct kt_qemu_opts {
	struct kt_topo_spec topo;
	const char *qemu;	  /* binary; NULL = "qemu-system-x86_64" */
	const char *kernel;	  /* bzImage (or PVH vmlinux) */
	const char *initrd;	  /* cpio archive */
	unsigned memory_mb;	  /* 0 = kt_vm_default_memory_mb() */
	const char *console_path; /* ttyS0 -> this file */
	bool console_stdio;	  /* ttyS0 on stdio (mon:stdio), interactive */
	const char *channel_path; /* virtio-serial org.ktstr.0 -> this file */
	enum kt_accel accel;	  /* AUTO is treated as TCG (no probing) */
	const char *extra_append; /* appended to the kernel command line */
	/* The host monitor's shared RAM (guest_mem.c): one fd per NUMA node
	 * (one without NUMA), each a memory-backend-file with mem-path
	 * /proc/self/fd/N and share=on; NULL = private anonymous RAM. */
	const int *mem_fds;
};

/*
 * Build QEMU's argv (argv[0] = the binary) into out (appends). Layout: one
 * socket per LLC (-smp N,sockets=llcs,cores=C,threads=T), -cpu
 * Skylake-Client when threads > 1, and with numa > 1 one memory backend +
 * -numa node per node covering its llcs/numa sockets (memory split
 * evenly); with one node no -numa options are given (the guest then sees
 * one node holding every CPU and all memory, which is the same view).
 * -append: KT_VM_BASE_APPEND, KT_VM_TCG_APPEND unless accel is KVM, then
 * extra_append.
 */
int kt_qemu_argv(const struct kt_qemu_opts *o, struct kt_strv *out);

/* The fixed kernel command line (before extra_append). */
#define KT_VM_BASE_APPEND                                                      \
	"console=ttyS0 panic=-1 rdinit=/init loglevel=4 "                      \
	"sysctl.kernel.sched_schedstats=1"
/*
 * Added after the base for TCG guests (not KVM): TCG gives every vCPU the
 * same TSC (one host-tick counter), but a multi-socket guest with the
 * default AMD-vendor CPU model marks it unstable and falls back to HPET,
 * which the vDSO cannot read: every clock_gettime becomes a syscall plus
 * an emulated HPET read (1.6 us against 0.15 us). docs/emulation.md.
 */
#define KT_VM_TCG_APPEND "tsc=reliable"

#endif
