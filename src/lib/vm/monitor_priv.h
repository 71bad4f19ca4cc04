/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host monitor inside one VM run (monitor.c, monitor_layout.c): the
 * shared guest RAM, where the kernel's structures are, and the sampler
 * thread. The data it gathers is <ktstr/monitor.h>'s struct kt_monitor.
 */
#ifndef KTSTR_VM_MONITOR_PRIV_H
#define KTSTR_VM_MONITOR_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include <ktstr/monitor.h>
#include <ktstr/vm.h>

#include "guest_mem.h"

/* The kernel symbols the monitor reads, in this order. */
enum kt_mon_sym {
	KT_SYM_RUNQUEUES,	 /* per-CPU struct rq (an offset) */
	KT_SYM_PER_CPU_OFFSET,	 /* unsigned long __per_cpu_offset[] */
	KT_SYM_INIT_UTS_NS,	 /* struct uts_namespace: the step mark */
	KT_SYM_PHYS_BASE,	 /* the kernel's physical load offset */
	KT_SYM_PAGE_OFFSET_BASE, /* the direct map's start */
	KT_SYM__COUNT,
};
extern const char *const kt_mon_sym_names[KT_SYM__COUNT];

/* Member offsets (bytes) from the kernel's BTF. */
struct kt_mon_layout {
	uint32_t rq_nr_running, rq_scx_nr_running, rq_clock, rq_curr;
	uint32_t rq_nr_switches;
	uint32_t task_pid, task_comm;
	uint32_t uts_sysname, uts_domainname;
};

/* Read the offsets from the BTF beside the kernel image (a cache
 * entry's btf, else a vmlinux ELF beside it or at a source tree's top). */
int kt_mon_layout_load(const char *kernel, struct kt_mon_layout *l);

struct kt_vm_monitor {
	struct kt_monitor *out; /* the run result's monitor */
	struct kt_guest_mem mem;
	struct kt_mon_layout l;
	unsigned nr_cpus;
	uint64_t t0_ns;
	/* symbols: from System.map at setup, else the guest's `ksyms` */
	uint64_t sym[KT_SYM__COUNT];
	atomic_bool syms_ready;
	/* the kernel located: phys_base, direct map, per-CPU offsets */
	bool located;
	unsigned locate_tries;
	uint64_t phys_base, page_offset;
	uint64_t *pcpu;
	size_t cap; /* out->samples' room */
	pthread_t thread;
	bool started;
	atomic_bool stop;
};

/*
 * Set up the monitor of a run (o->no_monitor: nothing, fds NULL): guest
 * RAM on memfds, the BTF layout, System.map symbols if the kernel has a
 * real one. A missing fact turns it off with out->reason said on stderr
 * (unless quiet) and the run goes on. -errno only when out of memory.
 */
int kt_vm_monitor_setup(struct kt_vm_monitor *m, const struct kt_vm_opts *o,
			unsigned memory_mb, struct kt_monitor *out);
/* The memfds for QEMU (one per node), or NULL when the monitor is off. */
const int *kt_vm_monitor_fds(const struct kt_vm_monitor *m);
/* The kernel command line for a monitored guest: extra plus "nokaslr"
 * (*out malloc'd; NULL when the monitor is off: use extra). */
int kt_vm_monitor_append(const struct kt_vm_monitor *m, const char *extra,
			 char **out);
/* The sampler thread, from QEMU's start (t0_ns) on. */
int kt_vm_monitor_start(struct kt_vm_monitor *m, uint64_t t0_ns);
/* The guest's `ksyms` message: {"syms": {"name": "0xADDR", ...}}. */
void kt_vm_monitor_ksyms(struct kt_vm_monitor *m, const struct json_t *msg);
/* Stop and join the sampler, detect stalls into out. */
void kt_vm_monitor_stop(struct kt_vm_monitor *m);
void kt_vm_monitor_free(struct kt_vm_monitor *m);

/* One sampling tick (monitor.c's thread calls it; tests may too). */
void kt_vm_monitor_tick(struct kt_vm_monitor *m, uint64_t now_ns);

#endif
