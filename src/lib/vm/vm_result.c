/* SPDX-License-Identifier: GPL-2.0-only */
/* The kt_vm_result that comes out of a VM run: names, JSON, free. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ktstr/vm.h>

#include "result/result_dump.h"
#include "strv.h"
#include "vm_internal.h"

const char *kt_vm_end_name(enum kt_vm_end e)
{
	switch (e) {
	case KT_VM_END_EXIT:
		return "exit";
	case KT_VM_END_CRASH:
		return "crash";
	case KT_VM_END_BOOT_FAILED:
		return "boot-failed";
	case KT_VM_END_DIED:
		return "died";
	case KT_VM_END_TIMEOUT:
		return "timeout";
	case KT_VM_END_INTERRUPTED:
		return "interrupted";
	}
	return "?";
}

void kt_vm_result_free(struct kt_vm_result *r)
{
	for (size_t i = 0; i < r->nr_results; i++)
		kt_result_free(&r->results[i]);
	free(r->results);
	free(r->reason);
	free(r->console_excerpt);
	free(r->console_text);
	free(r->kernel_release);
	free(r->accel);
	free(r->guest_topo.shape);
	kt_strv_free(&r->guest_topo.llcs);
	kt_strv_free(&r->guest_topo.nodes);
	kt_strv_free(&r->guest_topo.siblings);
	kt_strv_free(&r->errors);
	free(r->sched.name);
	free(r->sched.phase);
	free(r->sched.reason);
	kt_strv_free(&r->sched.kernel_lines);
	kt_strv_free(&r->sched.log_tail);
	kt_result_dump_free(r->sched.dump);
	kt_monitor_free(&r->monitor);
	kt_vm_artifacts_free(r);
	memset(r, 0, sizeof(*r));
}

static json_t *strv_json(const struct kt_strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* {attached, name, pid, after_ms, exit: {...} or null}, or null when the
 * guest said nothing about a scheduler. */
static json_t *sched_json(const struct kt_vm_sched *s)
{
	json_t *j, *e = json_null();

	if (!s->attached && !s->exited)
		return json_null();
	if (s->exited)
		e = json_pack("{s:s?, s:I, s:b, s:s?, s:o, s:o, s:o}", "phase",
			      s->phase, "at_ms", (json_int_t)s->at_ms,
			      "ejected", s->ejected, "reason", s->reason,
			      "kernel_lines", strv_json(&s->kernel_lines),
			      "log_tail", strv_json(&s->log_tail), "dump",
			      s->dump ? kt_result_dump_to_json(s->dump)
				      : json_null());
	j = json_pack("{s:b, s:s?, s:i, s:I, s:o}", "attached", s->attached,
		      "name", s->name, "pid", s->pid, "after_ms",
		      (json_int_t)s->after_ms, "exit", e ? e : json_null());
	return j;
}

json_t *kt_vm_result_to_json(const struct kt_vm_result *r)
{
	json_t *j = json_object(), *results = json_array(), *topo = NULL;

	if (!j || !results) {
		json_decref(j);
		json_decref(results);
		return NULL;
	}
	for (size_t i = 0; i < r->nr_results; i++)
		json_array_append_new(results,
				      kt_result_to_json(&r->results[i]));
	if (r->has_topo) {
		topo = json_object();
		json_object_set_new(topo, "topo",
				    str_or_null(r->guest_topo.shape));
		json_object_set_new(topo, "llcs",
				    strv_json(&r->guest_topo.llcs));
		json_object_set_new(topo, "nodes",
				    strv_json(&r->guest_topo.nodes));
		json_object_set_new(topo, "siblings",
				    strv_json(&r->guest_topo.siblings));
	}
	json_object_set_new(j, "end", json_string(kt_vm_end_name(r->end)));
	json_object_set_new(j, "verdict",
			    json_string(kt_verdict_name(r->verdict)));
	json_object_set_new(j, "exit_code", json_integer(r->exit_code));
	json_object_set_new(j, "reason", str_or_null(r->reason));
	json_object_set_new(j, "accel", str_or_null(r->accel));
	json_object_set_new(j, "boot",
			    r->boot ? json_string(kt_vm_boot_name(r->boot))
				    : json_null());
	json_object_set_new(j, "memory_mb", json_integer(r->memory_mb));
	json_object_set_new(j, "booted", json_boolean(r->booted));
	json_object_set_new(j, "boot_ms", json_integer((json_int_t)r->boot_ms));
	json_object_set_new(j, "wall_ms", json_integer((json_int_t)r->wall_ms));
	json_object_set_new(j, "host_wait_ms",
			    json_integer((json_int_t)r->host_wait_ms));
	json_object_set_new(j, "kernel", str_or_null(r->kernel_release));
	json_object_set_new(j, "guest_cpus", json_integer(r->guest_cpus));
	json_object_set_new(j, "guest_topo", topo ? topo : json_null());
	json_object_set_new(j, "guest_errors", strv_json(&r->errors));
	json_object_set_new(j, "console",
			    json_string(kt_console_kind_name(r->console_kind)));
	json_object_set_new(j, "console_excerpt",
			    str_or_null(r->console_excerpt));
	json_object_set_new(j, "sched", sched_json(&r->sched));
	json_object_set_new(j, "artifacts", kt_vm_artifacts_json(r));
	if (r->artifact_errors.nr) {
		json_t *e = json_array();

		for (size_t i = 0; e && i < r->artifact_errors.nr; i++)
			json_array_append_new(
			    e, json_string(r->artifact_errors.v[i]));
		json_object_set_new(j, "artifact_errors", e);
	}
	json_object_set_new(j, "results", results);
	json_object_set_new(j, "monitor", kt_monitor_to_json(&r->monitor));
	return j;
}
