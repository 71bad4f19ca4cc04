/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The QEMU command line for a topology. One LLC per socket (works on every
 * QEMU version: L3 is reported per socket), NUMA nodes covering whole
 * sockets, an Intel CPU model for SMT shapes (QEMU's default AMD-vendor
 * model reports L2 per thread and cannot present hyperthreads), console on
 * ttyS0, the host<->guest channel on a named virtio-serial port, and under
 * TCG a TSC the guest keeps as its clocksource (KT_VM_TCG_APPEND).
 */
#include <errno.h>
#include <string.h>

#include "qemu_cmd.h"
#include "strv.h"

#define KT_QEMU_DEFAULT "qemu-system-x86_64"

unsigned kt_vm_default_memory_mb(const struct kt_topo_spec *spec,
				 unsigned workers)
{
	unsigned cpus = kt_topo_spec_cpus(spec);
	unsigned numa = spec->numa ? spec->numa : 1;
	unsigned mb = KT_VM_MEM_BASE_MB + KT_VM_MEM_PER_CPU_MB * cpus;

	if (workers > KT_VM_MEM_DFL_WORKERS)
		mb += KT_VM_MEM_PER_WORKER_MB * KT_VM_MEM_CGROUPS *
		      (workers - KT_VM_MEM_DFL_WORKERS);
	if (mb < KT_VM_MEM_MIN_MB)
		mb = KT_VM_MEM_MIN_MB;
	if (mb < KT_VM_MEM_NODE_MIN_MB * numa)
		mb = KT_VM_MEM_NODE_MIN_MB * numa;
	return (mb + numa - 1) / numa * numa;
}

static int push_accel(struct kt_strv *a, enum kt_accel accel)
{
	switch (accel) {
	case KT_ACCEL_KVM:
		return kt_strv_push(a, "kvm");
	case KT_ACCEL_TCG_MULTI:
		return kt_strv_push(a, "tcg,thread=multi");
	case KT_ACCEL_AUTO:
	case KT_ACCEL_TCG:
	default:
		return kt_strv_push(a, "tcg,thread=single");
	}
}

/* -object: node n's RAM, anonymous or (fd >= 0) the shared memfd fd
 * that this process hands QEMU (/proc/self/fd/fd is QEMU's own fd). */
static int push_backend(struct kt_strv *a, unsigned n, unsigned mb, int fd)
{
	int err = kt_strv_push(a, "-object");

	if (err)
		return err;
	if (fd < 0)
		return kt_strv_pushf(a, "memory-backend-ram,id=m%u,size=%uM", n,
				     mb);
	return kt_strv_pushf(a,
			     "memory-backend-file,id=m%u,size=%uM,mem-path=/"
			     "proc/self/fd/%d,share=on",
			     n, mb, fd);
}

static int push_numa(struct kt_strv *a, const struct kt_topo_spec *t,
		     unsigned memory_mb, const int *fds)
{
	unsigned per_socket = t->cores * t->threads;
	unsigned sockets_per_node = t->llcs / t->numa;
	unsigned node_mb = memory_mb / t->numa;
	int err = 0;

	for (unsigned n = 0; n < t->numa && !err; n++) {
		unsigned first = n * sockets_per_node * per_socket;
		unsigned last = first + sockets_per_node * per_socket - 1;

		err = push_backend(a, n, node_mb, fds ? fds[n] : -1);
		if (!err)
			err = kt_strv_push(a, "-numa");
		if (!err && first == last)
			err = kt_strv_pushf(a,
					    "node,nodeid=%u,cpus=%u,memdev=m%u",
					    n, first, n);
		else if (!err)
			err = kt_strv_pushf(
			    a, "node,nodeid=%u,cpus=%u-%u,memdev=m%u", n, first,
			    last, n);
	}
	return err;
}

/* QemuOpts values escape ',' as ",,". */
static int push_chardev_file(struct kt_strv *a, const char *path)
{
	size_t n = strlen(path);
	char buf[n * 2 + 1], *p = buf;

	for (size_t i = 0; i < n; i++) {
		*p++ = path[i];
		if (path[i] == ',')
			*p++ = ',';
	}
	*p = '\0';
	return kt_strv_pushf(a, "file,id=ktchan,path=%s", buf);
}

int kt_qemu_argv(const struct kt_qemu_opts *o, struct kt_strv *a)
{
	const struct kt_topo_spec *t = &o->topo;
	const char *tcg = o->accel == KT_ACCEL_KVM ? "" : " " KT_VM_TCG_APPEND;
	const char *extra = o->extra_append ? o->extra_append : "";
	unsigned cpus, memory_mb;
	int err;

	err = kt_topo_spec_validate(t);
	if (err)
		return err;
	if (!o->kernel || !o->initrd)
		return kt_err(EINVAL, "qemu command: kernel and initrd are "
				      "required");
	if (!o->console_stdio && !o->console_path)
		return kt_err(EINVAL, "qemu command: no console destination");
	if (!o->channel_path)
		return kt_err(EINVAL, "qemu command: no channel path");

	cpus = kt_topo_spec_cpus(t);
	memory_mb = o->memory_mb ? o->memory_mb : kt_vm_default_memory_mb(t, 0);
	if (memory_mb % t->numa)
		return kt_err(EINVAL,
			      "qemu command: memory %u MB does not split "
			      "evenly over %u NUMA nodes",
			      memory_mb, t->numa);

	err = kt_strv_push(a, o->qemu ? o->qemu : KT_QEMU_DEFAULT);
	err = err ?: kt_strv_push(a, "-machine");
	if (o->mem_fds && t->numa <= 1) {
		err = err ?: kt_strv_push(a, "pc,memory-backend=m0");
		err = err ?: push_backend(a, 0, memory_mb, o->mem_fds[0]);
	} else {
		err = err ?: kt_strv_push(a, "pc");
	}
	err = err ?: kt_strv_push(a, "-accel");
	err = err ?: push_accel(a, o->accel);
	err = err ?: kt_strv_push(a, "-display");
	err = err ?: kt_strv_push(a, "none");
	err = err ?: kt_strv_push(a, "-nodefaults");
	err = err ?: kt_strv_push(a, "-no-reboot");
	err = err ?: kt_strv_push(a, "-m");
	err = err ?: kt_strv_pushf(a, "%u", memory_mb);
	err = err ?: kt_strv_push(a, "-smp");
	err = err
		  ?: kt_strv_pushf(a, "%u,sockets=%u,cores=%u,threads=%u", cpus,
				   t->llcs, t->cores, t->threads);
	if (t->threads > 1) {
		err = err ?: kt_strv_push(a, "-cpu");
		err = err ?: kt_strv_push(a, "Skylake-Client");
	}
	if (t->numa > 1)
		err = err ?: push_numa(a, t, memory_mb, o->mem_fds);
	err = err ?: kt_strv_push(a, "-serial");
	if (o->console_stdio)
		err = err ?: kt_strv_push(a, "mon:stdio");
	else
		err = err ?: kt_strv_pushf(a, "file:%s", o->console_path);
	err = err ?: kt_strv_push(a, "-device");
	err = err ?: kt_strv_push(a, "virtio-serial-pci,id=ktser");
	err = err ?: kt_strv_push(a, "-chardev");
	err = err ?: push_chardev_file(a, o->channel_path);
	err = err ?: kt_strv_push(a, "-device");
	err = err
		  ?: kt_strv_push(a, "virtserialport,bus=ktser.0,"
				     "chardev=ktchan,name=org.ktstr.0");
	err = err ?: kt_strv_push(a, "-kernel");
	err = err ?: kt_strv_push(a, o->kernel);
	err = err ?: kt_strv_push(a, "-initrd");
	err = err ?: kt_strv_push(a, o->initrd);
	err = err ?: kt_strv_push(a, "-append");
	err = err
		  ?: kt_strv_pushf(a, "%s%s%s%s", KT_VM_BASE_APPEND, tcg,
				   *extra ? " " : "", extra);
	return err;
}
