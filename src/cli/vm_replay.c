/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the `ktstr vm` arguments that rerun one VM (vm_replay.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "vm_replay.h"

int kt_cli_argv_push(struct kt_cli_argv *a, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	if (a->nr + 2 > a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 32;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			free(copy);
			return -ENOMEM;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->nr++] = copy;
	a->v[a->nr] = NULL;
	return 0;
}

int kt_cli_argv_pushf(struct kt_cli_argv *a, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return kt_cli_argv_push(a, buf);
}

void kt_cli_argv_free(struct kt_cli_argv *a)
{
	for (size_t i = 0; i < a->nr; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static int push_path(struct kt_cli_argv *a, const char *opt, const char *p)
{
	char abs[PATH_MAX];

	if (!realpath(p, abs))
		return kt_err(errno, "replay: %s %s: %s", opt, p,
			      strerror(errno));
	return (opt ? kt_cli_argv_push(a, opt) : 0) ?: kt_cli_argv_push(a, abs);
}

static int push_sched(struct kt_cli_argv *a, const struct kt_cli_sched *s)
{
	char profile[256];
	int err;

	if (!s || !s->arg)
		return 0;
	err = push_path(a, "--scheduler", s->arg);
	for (size_t i = 0; !err && i < s->extra.nr; i++)
		err = kt_cli_argv_push(a, "--sched-arg")
			  ?: kt_cli_argv_push(a, s->extra.v[i]);
	if (!err && s->mask &&
	    !kt_sched_profile_name(&s->def, s->mask, profile, sizeof(profile)))
		err = kt_cli_argv_push(a, "--flags")
			  ?: kt_cli_argv_push(a, profile);
	return err;
}

int kt_cli_vm_replay_args(const struct kt_vm_opts *o,
			  const struct kt_cli_sched *sched,
			  struct kt_cli_argv *a)
{
	char topo[64];
	int err;

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	err = kt_cli_argv_push(a, "vm") ?: kt_cli_argv_push(a, "--topo") ?:
	      kt_cli_argv_push(a, topo) ?: push_path(a, "--kernel", o->kernel);
	if (!err && o->duration_ns)
		err = kt_cli_argv_push(a, "--duration")
			  ?: kt_cli_argv_pushf(a, "%.3f", o->duration_ns / 1e9);
	if (!err && o->workers)
		err = kt_cli_argv_push(a, "--workers")
			  ?: kt_cli_argv_pushf(a, "%u", o->workers);
	if (!err && o->memory_mb)
		err = kt_cli_argv_push(a, "--memory")
			  ?: kt_cli_argv_pushf(a, "%u", o->memory_mb);
	if (!err && o->accel != KT_ACCEL_AUTO)
		err = kt_cli_argv_push(a, "--accel")
			  ?: kt_cli_argv_push(a, kt_accel_name(o->accel));
	if (!err && o->boot != KT_VM_BOOT_AUTO)
		err = kt_cli_argv_push(a, "--boot")
			  ?: kt_cli_argv_push(a, kt_vm_boot_name(o->boot));
	if (!err && o->keep_going)
		err = kt_cli_argv_push(a, "--keep-going");
	if (!err && o->work_type)
		err = kt_cli_argv_push(a, "--work-type")
			  ?: kt_cli_argv_push(a, o->work_type);
	if (!err && o->no_trace)
		err = kt_cli_argv_push(a, "--no-trace");
	err = err ?: push_sched(a, sched);
	for (size_t i = 0; !err && i < o->nr_scenarios; i++)
		err = kt_cli_argv_push(a, o->scenarios[i]);
	for (size_t i = 0; !err && i < o->nr_scenario_files; i++)
		err = push_path(a, NULL, o->scenario_files[i]);
	return err;
}
