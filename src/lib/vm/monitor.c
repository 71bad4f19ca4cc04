/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host monitor of one VM run: set up (guest RAM on memfds, the BTF
 * layout, the symbols), a sampler thread that reads every CPU's runqueue
 * out of guest RAM each KT_MONITOR_INTERVAL_NS with no help from the
 * guest, and, once QEMU is gone, the stall detector over the samples.
 * The guest marks its scenario and step in init_uts_ns's domainname
 * ("ktstr:<step>:<scenario>", src/guest/monitor_mark.c), which the
 * sampler reads with the runqueues, so a wedged guest userspace leaves
 * the last mark in place and the samples go on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "kernel/ksyms.h"
#include "monitor_layout.h"
#include "monitor_priv.h"

static void monitor_off(struct kt_vm_monitor *m, const struct kt_vm_opts *o,
			const char *why)
{
	snprintf(m->out->reason, sizeof(m->out->reason), "%s", why);
	m->out->enabled = false;
	kt_guest_mem_free(&m->mem);
	if (!o->quiet)
		fprintf(stderr, "ktstr: monitor off: %s\n", why);
}

/* System.map beside the kernel image, when it is a real one. */
static void sysmap_symbols(struct kt_vm_monitor *m, const char *kernel)
{
	char path[4200];
	const char *slash = strrchr(kernel, '/');
	int n = slash ? (int)(slash - kernel) : 1;

	snprintf(path, sizeof(path), "%.*s/System.map", n,
		 slash ? kernel : ".");
	if (kt_sysmap_lookup(path, kt_mon_sym_names, m->sym, KT_SYM__COUNT))
		return;
	snprintf(m->out->symbols_from, sizeof(m->out->symbols_from),
		 "System.map");
	atomic_store(&m->syms_ready, true);
}

int kt_vm_monitor_setup(struct kt_vm_monitor *m, const struct kt_vm_opts *o,
			unsigned memory_mb, struct kt_monitor *out)
{
	unsigned numa = o->topo.numa ? o->topo.numa : 1;

	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < KT_GUEST_MEM_MAX; i++)
		m->mem.fd[i] = -1;
	m->out = out;
	if (o->no_monitor || o->mode != KT_VM_RUN) {
		snprintf(out->reason, sizeof(out->reason), "%s",
			 o->no_monitor ? "--no-monitor" : "not a scenario run");
		return 0;
	}
	out->enabled = true;
	out->interval_ms = KT_MONITOR_INTERVAL_NS / 1000000;
	m->nr_cpus = out->nr_cpus = kt_topo_spec_cpus(&o->topo);
	m->pcpu = calloc(m->nr_cpus, sizeof(*m->pcpu));
	if (!m->pcpu)
		return kt_err(ENOMEM, "monitor: out of memory");
	if (kt_mon_layout_load(o->kernel, &m->l)) {
		monitor_off(m, o, kt_last_error());
		return 0;
	}
	if (kt_guest_mem_create(&m->mem, numa, (uint64_t)memory_mb << 20)) {
		monitor_off(m, o, kt_last_error());
		return 0;
	}
	sysmap_symbols(m, o->kernel);
	return 0;
}

const int *kt_vm_monitor_fds(const struct kt_vm_monitor *m)
{
	return m->out && m->out->enabled && m->mem.nr ? m->mem.fd : NULL;
}

int kt_vm_monitor_append(const struct kt_vm_monitor *m, const char *extra,
			 char **out)
{
	*out = NULL;
	if (!kt_vm_monitor_fds(m))
		return 0;
	if (asprintf(out, "%s%snokaslr", extra ? extra : "",
		     extra && *extra ? " " : "") < 0) {
		*out = NULL;
		return kt_err(ENOMEM, "out of memory");
	}
	return 0;
}

void kt_vm_monitor_ksyms(struct kt_vm_monitor *m, const json_t *msg)
{
	const json_t *syms = json_object_get(msg, "syms");
	uint64_t v[KT_SYM__COUNT];

	if (!kt_vm_monitor_fds(m) || atomic_load(&m->syms_ready) ||
	    !json_is_object(syms))
		return;
	for (int i = 0; i < KT_SYM__COUNT; i++) {
		const json_t *s = json_object_get(syms, kt_mon_sym_names[i]);
		char *end;

		if (!json_is_string(s))
			return;
		v[i] = strtoull(json_string_value(s), &end, 16);
		if (*end)
			return;
	}
	memcpy(m->sym, v, sizeof(v));
	snprintf(m->out->symbols_from, sizeof(m->out->symbols_from),
		 "guest kallsyms");
	atomic_store(&m->syms_ready, true);
}

static void *sampler(void *arg)
{
	struct kt_vm_monitor *m = arg;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&m->stop)) {
		next.tv_nsec += KT_MONITOR_INTERVAL_NS;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if (!atomic_load(&m->stop))
			kt_vm_monitor_tick(m, kt_now_ns());
	}
	if (!clock_gettime(CLOCK_THREAD_CPUTIME_ID, &next))
		m->out->host_cpu_ns = (uint64_t)next.tv_sec * 1000000000ULL +
				      (uint64_t)next.tv_nsec;
	return NULL;
}

int kt_vm_monitor_start(struct kt_vm_monitor *m, uint64_t t0_ns)
{
	int err;

	if (!kt_vm_monitor_fds(m))
		return 0;
	m->t0_ns = t0_ns;
	err = pthread_create(&m->thread, NULL, sampler, m);
	if (err)
		return kt_err(err, "monitor: thread: %s", strerror(err));
	m->started = true;
	return 0;
}

void kt_vm_monitor_stop(struct kt_vm_monitor *m)
{
	struct kt_monitor *o = m->out;

	if (m->started) {
		atomic_store(&m->stop, true);
		pthread_join(m->thread, NULL);
		m->started = false;
	}
	if (!o || !o->enabled)
		return;
	if (!o->nr_samples && !o->reason[0])
		snprintf(o->reason, sizeof(o->reason), "%s",
			 atomic_load(&m->syms_ready)
			     ? "the kernel was never located in guest RAM"
			     : "the guest sent no kernel symbols");
	free(o->stalls);
	o->stalls = NULL;
	o->nr_stalls = 0;
	if (kt_monitor_detect(o->samples, o->nr_samples, o->nr_cpus, NULL,
			      &o->stalls, &o->nr_stalls))
		snprintf(o->reason, sizeof(o->reason),
			 "stall detection: out of memory");
}

void kt_vm_monitor_free(struct kt_vm_monitor *m)
{
	kt_vm_monitor_stop(m);
	kt_guest_mem_free(&m->mem);
	free(m->pcpu);
	m->pcpu = NULL;
}
