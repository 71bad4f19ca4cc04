/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the host monitor finds things in guest RAM: struct member offsets
 * from the kernel's BTF (libbpf), and kernel virtual -> guest physical
 * addresses (x86-64, KASLR off: the kernel image at __START_KERNEL_map +
 * phys_base, the direct map at page_offset_base), the per-CPU offsets
 * (the rq of CPU c is runqueues + __per_cpu_offset[c]).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel/kernel_btf.h"
#include "monitor_layout.h"

#define START_KERNEL_MAP 0xffffffff80000000ULL
#define DIRECT_MAP_SPAN	 (1ULL << 46) /* 64 TiB: 4-level paging */

const char *const kt_mon_sym_names[KT_SYM__COUNT] = {
    [KT_SYM_RUNQUEUES] = "runqueues",
    [KT_SYM_PER_CPU_OFFSET] = "__per_cpu_offset",
    [KT_SYM_INIT_UTS_NS] = "init_uts_ns",
    [KT_SYM_PHYS_BASE] = "phys_base",
    [KT_SYM_PAGE_OFFSET_BASE] = "page_offset_base",
};

/* The BTF of kernel: <dir>/btf, <dir>/vmlinux, <dir>/../../../vmlinux. */
static struct btf *open_btf(const char *kernel, char *path, size_t len)
{
	static const char *const rel[] = {"btf", "vmlinux", "../../../vmlinux"};
	char *copy = strdup(kernel);
	struct btf *b = NULL;

	if (!copy)
		return NULL;
	for (size_t i = 0; !b && i < KT_ARRAY_SIZE(rel); i++) {
		snprintf(path, len, "%s/%s", dirname(copy), rel[i]);
		if (!access(path, R_OK))
			b = btf__parse(path, NULL);
		if (libbpf_get_error(b))
			b = NULL;
		strcpy(copy, kernel);
	}
	free(copy);
	return b;
}

int kt_mon_layout_load(const char *kernel, struct kt_mon_layout *l)
{
	static const struct {
		const char *s, *path;
		size_t off;
	} rows[] = {
	    {"rq", "nr_running", offsetof(struct kt_mon_layout, rq_nr_running)},
	    {"rq", "scx.nr_running",
	     offsetof(struct kt_mon_layout, rq_scx_nr_running)},
	    {"rq", "clock", offsetof(struct kt_mon_layout, rq_clock)},
	    {"rq", "curr", offsetof(struct kt_mon_layout, rq_curr)},
	    {"rq", "nr_switches",
	     offsetof(struct kt_mon_layout, rq_nr_switches)},
	    {"task_struct", "pid", offsetof(struct kt_mon_layout, task_pid)},
	    {"task_struct", "comm", offsetof(struct kt_mon_layout, task_comm)},
	    {"uts_namespace", "name.sysname",
	     offsetof(struct kt_mon_layout, uts_sysname)},
	    {"uts_namespace", "name.domainname",
	     offsetof(struct kt_mon_layout, uts_domainname)},
	};
	char path[4200];
	struct btf *b = open_btf(kernel, path, sizeof(path));
	int err = 0;

	if (!b)
		return kt_err(ENOENT,
			      "no BTF beside %s (a cache entry's btf, or a "
			      "vmlinux)",
			      kernel);
	for (size_t i = 0; i < KT_ARRAY_SIZE(rows) && !err; i++) {
		uint32_t size;

		err =
		    kt_btf_member(b, rows[i].s, rows[i].path,
				  (uint32_t *)((char *)l + rows[i].off), &size);
	}
	btf__free(b);
	return err ? kt_err_wrap(err, "BTF %s", path) : 0;
}

int kt_mon_kread(const struct kt_vm_monitor *m, uint64_t kva, void *buf,
		 size_t len)
{
	uint64_t gpa;

	if (kva >= START_KERNEL_MAP)
		gpa = kva - START_KERNEL_MAP + m->phys_base;
	else if (m->page_offset && kva >= m->page_offset &&
		 kva - m->page_offset < DIRECT_MAP_SPAN)
		gpa = kva - m->page_offset;
	else
		return -EFAULT;
	return kt_guest_mem_read(&m->mem, gpa, buf, len);
}

/* With phys_base pb, init_uts_ns.name.sysname reads "Linux". */
static bool try_phys_base(struct kt_vm_monitor *m, uint64_t pb)
{
	char sys[6] = {0};

	m->phys_base = pb;
	return !kt_mon_kread(m, m->sym[KT_SYM_INIT_UTS_NS] + m->l.uts_sysname,
			     sys, 5) &&
	       !strcmp(sys, "Linux");
}

int kt_mon_locate(struct kt_vm_monitor *m)
{
	uint64_t pb = 0, v;

	/* phys_base is 0 when the kernel runs where it was linked (no
	 * KASLR); the variable itself says otherwise. */
	if (!try_phys_base(m, 0) &&
	    (kt_mon_kread(m, m->sym[KT_SYM_PHYS_BASE], &pb, sizeof(pb)) ||
	     !try_phys_base(m, pb)))
		return -EAGAIN;
	if (kt_mon_kread(m, m->sym[KT_SYM_PAGE_OFFSET_BASE], &v, sizeof(v)) ||
	    v < 0xff00000000000000ULL)
		return -EAGAIN;
	m->page_offset = v;
	for (unsigned c = 0; c < m->nr_cpus; c++) {
		if (kt_mon_kread(m, m->sym[KT_SYM_PER_CPU_OFFSET] + 8ULL * c,
				 &v, sizeof(v)) ||
		    !v)
			return -EAGAIN;
		m->pcpu[c] = v;
	}
	m->located = true;
	return 0;
}
