/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run plan sent into a VM (docs/protocol.md): mode, scenarios and
 * scenario files, durations, topology and the scheduler under test, as
 * the JSON the guest reads from /ktstr/plan.json.
 */
#include <errno.h>

#include <jansson.h>

#include <ktstr/runner.h>
#include <ktstr/sched.h>

#include "initramfs.h"
#include "monitor_priv.h"
#include "vm_plan.h"

static const char *mode_name(enum kt_vm_mode m)
{
	switch (m) {
	case KT_VM_SHELL:
		return "shell";
	case KT_VM_PANIC:
		return "panic";
	case KT_VM_TEST:
		return "test";
	case KT_VM_RUN:
	default:
		return "run";
	}
}

/* The plan's "sched" object (docs/protocol.md), or null for EEVDF. */
static json_t *kt_vm_plan_sched_json(const struct kt_vm_opts *o)
{
	struct kt_sched_def bare = {0};
	const struct kt_sched_def *d = o->sched;
	json_t *s, *args;
	char **argv = NULL, label[1024];
	bool ok;

	if (!d && o->scheduler) {
		if (kt_sched_def_from_binary(&bare, o->scheduler))
			return NULL;
		d = &bare;
	}
	if (!d || kt_sched_def_is_eevdf(d))
		return json_null();
	s = json_object();
	args = json_array();
	ok = s && args &&
	     !kt_sched_argv(d, o->sched_flags, o->sched_extra_args, &argv,
			    NULL) &&
	     !kt_sched_label(d, o->sched_flags, label, sizeof(label));
	for (size_t i = 0; ok && argv[i]; i++)
		ok = !json_array_append_new(args, json_string(argv[i]));
	ok = ok &&
	     !json_object_set_new(s, "path", json_string(KT_VM_SCHED_PATH));
	ok = ok && !json_object_set_new(s, "name", json_string(d->name));
	ok = ok && !json_object_set_new(s, "label", json_string(label));
	ok = ok && !json_object_set(s, "args", args);
	ok = ok &&
	     !json_object_set_new(
		 s, "attach_timeout_ms",
		 json_integer((json_int_t)((d->attach_timeout_ns
						?: KT_SCHED_DEFAULT_ATTACH_NS) /
					   KT_MS(1))));
	ok = ok &&
	     !json_object_set_new(s, "assert", kt_assert_to_json(&d->assert));
	kt_sched_argv_free(argv);
	json_decref(args);
	kt_sched_def_free(&bare);
	if (!ok) {
		json_decref(s);
		return NULL;
	}
	return s;
}

/* The host monitor's part: the symbols the guest reports, the wedge. */
static int monitor_plan(const struct kt_vm_opts *o, json_t *p)
{
	json_t *a;

	if (o->wedge_after_ns &&
	    json_object_set_new(
		p, "wedge_after_ms",
		json_integer((json_int_t)(o->wedge_after_ns / 1000000))))
		return -ENOMEM;
	if (o->no_monitor || o->mode != KT_VM_RUN)
		return 0;
	a = json_array();
	for (int i = 0; a && i < KT_SYM__COUNT; i++)
		if (json_array_append_new(a, json_string(kt_mon_sym_names[i])))
			break;
	if (!a || json_array_size(a) != KT_SYM__COUNT) {
		json_decref(a);
		return -ENOMEM;
	}
	return json_object_set_new(p, "monitor_symbols", a) ? -ENOMEM : 0;
}

char *kt_vm_plan_json(const struct kt_vm_opts *o)
{
	json_t *p = json_object(), *sc = json_array();
	char topo[64] = "";
	char *text = NULL;
	bool ok = p && sc;
	uint64_t dur;

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	for (size_t i = 0; ok && i < o->nr_scenarios; i++)
		ok = !json_array_append_new(sc, json_string(o->scenarios[i]));
	ok = ok && !json_object_set_new(p, "version", json_integer(1));
	ok = ok &&
	     !json_object_set_new(p, "mode", json_string(mode_name(o->mode)));
	ok = ok && !json_object_set(p, "scenarios", sc);
	/* Scenario files: 0 lets each use its own duration_s (the guest's
	 * default, KT_RUN_DEFAULT_DURATION_NS, for everything else). */
	dur = o->duration_ns	     ? o->duration_ns
	      : o->nr_scenario_files ? 0
				     : KT_RUN_DEFAULT_DURATION_NS;
	ok = ok && !json_object_set_new(p, "duration_ns",
					json_integer((json_int_t)dur));
	if (o->nr_scenario_files) {
		json_t *f = json_array();

		for (size_t i = 0; f && i < o->nr_scenario_files; i++)
			if (json_array_append_new(
				f, json_sprintf(KT_VM_SCENARIO_DIR "/%zu.json",
						i)))
				break;
		ok = ok && f && json_array_size(f) == o->nr_scenario_files &&
		     !json_object_set(p, "scenario_files", f);
		json_decref(f);
	}
	ok = ok && !json_object_set_new(p, "workers", json_integer(o->workers));
	if (o->keep_going)
		ok = ok && !json_object_set_new(p, "keep_going", json_true());
	/* how the guest's vCPUs run (the guest sizes its vCPU probe by it) */
	if (o->accel != KT_ACCEL_AUTO)
		ok = ok &&
		     !json_object_set_new(p, "accel",
					  json_string(kt_accel_name(o->accel)));
	ok = ok && !json_object_set_new(p, "topo", json_string(topo));
	if (o->work_type)
		ok = ok && !json_object_set_new(p, "work_type",
						json_string(o->work_type));
	if (o->test)
		ok =
		    ok && !json_object_set_new(p, "test", json_string(o->test));
	if (o->exec)
		ok =
		    ok && !json_object_set_new(p, "exec", json_string(o->exec));
	ok = ok && !json_object_set_new(p, "sched", kt_vm_plan_sched_json(o));
	if (ok && o->nr_payloads) {
		json_t *pl = json_object();

		for (size_t i = 0; pl && i < o->nr_payloads; i++)
			if (json_object_set_new(
				pl, o->payloads[i].program,
				json_string(o->payloads[i].path)))
				break;
		ok = pl && json_object_size(pl) &&
		     !json_object_set_new(p, "payloads", pl);
	}
	ok = ok && !monitor_plan(o, p);
	if (o->no_trace)
		ok = ok && !json_object_set_new(p, "no_trace", json_true());
	if (ok)
		text = json_dumps(p, JSON_COMPACT);
	json_decref(sc);
	json_decref(p);
	if (!text)
		kt_err(ENOMEM, "plan: out of memory");
	return text;
}
