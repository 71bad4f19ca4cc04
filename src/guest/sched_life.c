/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's side of a scheduler under test: start, announce, stop, and
 * the two scheduler messages of the protocol.
 */
#include <errno.h>
#include <string.h>

#include <ktstr/common.h>

#include "result/result_dump.h"
#include "sched_life.h"
#include "sysinit.h"

#define SCHED_PATH_LOG "/tmp/sched.log"

static json_t *lines_json(char *const *v, size_t nr)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < nr; i++)
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *kt_msg_sched_attached(const char *name, pid_t pid, uint64_t after_ms)
{
	return json_pack("{s:s, s:s, s:i, s:I}", "type", "sched_attached",
			 "name", name ? name : "", "pid", (int)pid, "after_ms",
			 (json_int_t)after_ms);
}

json_t *kt_msg_sched_exit(const struct kt_sched_exit *e)
{
	json_t *kl = lines_json(e->kernel_lines, e->nr_kernel_lines);
	json_t *lt = lines_json(e->log_tail, e->nr_log_tail);
	json_t *d = e->dump ? kt_result_dump_to_json(e->dump) : json_null();

	if (!kl || !lt || !d) {
		json_decref(kl);
		json_decref(lt);
		json_decref(d);
		return NULL;
	}
	return json_pack(
	    "{s:s, s:s, s:I, s:s, s:s, s:b, s:o, s:o, s:o}", "type",
	    "sched_exit", "phase", kt_sched_phase_name(e->phase), "at_ms",
	    (json_int_t)e->at_ms, "event", e->event ? e->event : "", "reason",
	    e->reason ? e->reason : "", "ejected", e->ejected, "kernel_lines",
	    kl, "log_tail", lt, "dump", d);
}

int kt_guest_sched_start(const struct kt_plan_sched *ps, kt_guest_send_fn send,
			 struct kt_sched_run **out)
{
	struct kt_sched_run_opts o = {
	    .path = ps->path,
	    .name = ps->name,
	    .args = (const char *const *)ps->args,
	    .attach_timeout_ns = ps->attach_timeout_ns,
	    .log_path = SCHED_PATH_LOG,
	    .dump_tracefs = "/sys/kernel/tracing",
	};
	const struct kt_sched_exit *e;
	int err;

	kt_guest_log("starting scheduler %s: %s (%zu args, log %s)", ps->label,
		     ps->path, ps->nr_args, SCHED_PATH_LOG);
	err = kt_sched_start(&o, out);
	if (!err) {
		kt_guest_log("scheduler %s attached after %llu ms (pid %d)",
			     ps->name,
			     (unsigned long long)kt_sched_run_attach_ms(*out),
			     (int)kt_sched_run_pid(*out));
		send(kt_msg_sched_attached(ps->name, kt_sched_run_pid(*out),
					   kt_sched_run_attach_ms(*out)));
		return 0;
	}
	if (err != -ESRCH)
		return err;
	e = kt_sched_run_exit(*out);
	if (e) {
		kt_guest_log("%s", e->reason);
		for (size_t i = 0; i < e->nr_log_tail; i++)
			kt_guest_log("  sched.log: %s", e->log_tail[i]);
		send(kt_msg_sched_exit(e));
	}
	return err;
}

enum kt_verdict kt_guest_sched_end(struct kt_sched_run *r, bool exit_sent,
				   const char *topo, const char *label,
				   kt_guest_send_fn send,
				   struct kt_result *stop_result)
{
	const struct kt_sched_exit *e;
	enum kt_verdict v = KT_VERDICT_PASS;
	bool was_gone;
	int err;

	if (!r)
		return v;
	was_gone = !kt_sched_run_alive(r);
	err = kt_sched_stop(r);
	e = kt_sched_run_exit(r);
	if (e && !exit_sent) {
		kt_guest_log("%s", e->reason);
		send(kt_msg_sched_exit(e));
	}
	if (err == -ESRCH && !was_gone) {
		v = KT_VERDICT_SCHED;
		kt_result_set_header(stop_result, "sched_stop", topo, label);
		kt_sched_exit_to_result(r, 0, "", stop_result);
	} else if (!e) {
		kt_guest_log("scheduler stopped and detached");
	}
	kt_sched_run_free(r);
	return v;
}
