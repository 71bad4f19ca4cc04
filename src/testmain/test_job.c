/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One test job, run in a forked child of kt_test_main: boot the test's VM
 * (the test binary is the guest's /init, the plan names the test) or run
 * a host_only test right here, then condense the outcome into a record
 * (raw verdict, one-line reason, multi-line report) sent to the parent as
 * JSON over a pipe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <jansson.h>

#include <ktstr/payload.h>
#include <ktstr/sched.h>

#include "testmain.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

/* The first violation of the worst result, or its skip reason. */
static const char *result_reason(const struct kt_result *r)
{
	if (r->verdict == KT_VERDICT_SKIP && r->skip_reason)
		return r->skip_reason;
	for (size_t i = 0; i < r->nr_details; i++)
		if (r->details[i].kind != KT_DETAIL_NOTE)
			return r->details[i].msg;
	return NULL;
}

static void set_reason(struct kt_test_record *rec, const char *s)
{
	if (!rec->reason && s)
		rec->reason = strdup(s);
}

/* rec's report: every result's text report, then the VM's own story. */
static void build_report(struct kt_test_record *rec,
			 const struct kt_result *results, size_t nr,
			 const struct kt_vm_result *vm)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	for (size_t i = 0; i < nr; i++) {
		kt_result_print(&results[i], f);
		for (size_t k = 0; vm && k < vm->nr_artifacts; k++)
			if (!strcmp(vm->artifacts[k].scenario,
				    results[i].scenario ? results[i].scenario
							: ""))
				fprintf(f, "  artifact %s: %s\n",
					vm->artifacts[k].kind,
					vm->artifacts[k].path);
	}
	if (vm && vm->reason)
		fprintf(f, "vm: %s: %s\n", kt_vm_end_name(vm->end), vm->reason);
	if (vm && vm->end != KT_VM_END_EXIT && vm->console_excerpt)
		fprintf(f, "--- console ---\n%s--- end of console ---\n",
			vm->console_excerpt);
	fclose(f);
	rec->report = text;
}

static void worst_reason(struct kt_test_record *rec,
			 const struct kt_result *results, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (results[i].verdict == rec->verdict)
			set_reason(rec, result_reason(&results[i]));
}

/* The test's payload programs found here, for its VM (paths malloc'd);
 * one not found stays out, and the test SKIPs in the guest naming it. */
static size_t payloads(const struct kt_test *t, struct kt_vm_payload *out,
		       size_t max)
{
	size_t n = 0;
	char path[4096];

	for (size_t i = 0; t->payloads && t->payloads[i] && n < max; i++) {
		char *real;

		if (kt_payload_resolve(t->payloads[i], path, sizeof(path)))
			continue;
		real = realpath(path, NULL);
		if (real)
			out[n++] = (struct kt_vm_payload){t->payloads[i], real};
	}
	return n;
}

static void run_in_vm(const struct kt_test *t, const struct kt_job_opts *o,
		      struct kt_test_record *rec)
{
	struct kt_vm_payload pl[16];
	struct kt_vm_opts vo = {
	    .topo = kt_test_topo(t),
	    .kernel = o->kernel,
	    .memory_mb = t->memory_mb,
	    .accel = o->accel,
	    .mode = KT_VM_TEST,
	    .test = t->name,
	    .duration_ns =
		o->duration_ns ? o->duration_ns : kt_test_duration_ns(t),
	    .workers = t->workers,
	    .keep_going = o->keep_going,
	    .quiet = true,
	    .artifacts_dir = o->artifacts_dir,
	    .no_trace = !o->artifacts_dir,
	};
	struct kt_vm_result vr;
	uint64_t t0 = kt_now_ns();
	int err;

	if (!kt_sched_def_is_eevdf(t->scheduler)) {
		char why[256];

		/* A topology the scheduler refuses is a skip, not a run. */
		if (!kt_sched_topo_ok(t->scheduler, &vo.topo, why,
				      sizeof(why))) {
			rec->verdict = KT_VERDICT_SKIP;
			set_reason(rec, why);
			return;
		}
		vo.sched = t->scheduler;
	}
	vo.payloads = pl;
	vo.nr_payloads = payloads(t, pl, KT_ARRAY_SIZE(pl));
	err = kt_vm_run(&vo, &vr);
	for (size_t i = 0; i < vo.nr_payloads; i++)
		free((char *)pl[i].path);
	if (err) {
		rec->verdict = KT_VERDICT_INFRA;
		set_reason(rec, kt_last_error());
		rec->seconds = (double)(kt_now_ns() - t0) / 1e9;
		return;
	}
	rec->verdict = vr.verdict;
	rec->seconds = (double)vr.wall_ms / 1000.0;
	/* A VM that did not end normally: its own story comes first. */
	if (vr.end != KT_VM_END_EXIT)
		set_reason(rec, vr.reason);
	worst_reason(rec, vr.results, vr.nr_results);
	set_reason(rec, vr.reason);
	build_report(rec, vr.results, vr.nr_results, &vr);
	kt_vm_result_free(&vr);
}

static void on_stop(int sig)
{
	(void)sig;
	kt_request_stop();
}

static void run_on_host(const struct kt_test *t, const struct kt_job_opts *o,
			struct kt_test_record *rec)
{
	struct sigaction sa = {.sa_handler = on_stop};
	char parent[256], why[512] = "";
	struct kt_test_env env = {
	    .sysfs_root = "/",
	    .duration_ns = o->duration_ns,
	    .keep_going = o->keep_going,
	};
	struct kt_result res;
	uint64_t t0 = kt_now_ns();

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The real manager where cgroup v2 offers cpu+cpuset, else the
	 * no-op double (the test can tell by ctx->cgroups->parent()). */
	if (geteuid())
		snprintf(why, sizeof(why), "not root");
	else if (kt_cgroup_host_supported(HOST_CGROUP_ROOT))
		snprintf(why, sizeof(why), "%s", kt_last_error());
	if (!why[0]) {
		snprintf(parent, sizeof(parent), HOST_CGROUP_ROOT "/ktstr-%d",
			 (int)getpid());
		env.cgroup_parent = parent;
	}
	kt_result_init(&res);
	kt_test_run_here(t, &env, &res);
	if (why[0])
		kt_result_add(&res, KT_DETAIL_NOTE,
			      "host cgroups: no-op double (%s)", why);
	rec->verdict = res.verdict;
	rec->seconds = (double)(kt_now_ns() - t0) / 1e9;
	worst_reason(rec, &res, 1);
	build_report(rec, &res, 1, NULL);
	kt_result_free(&res);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

_Noreturn void kt_job_child(const struct kt_test *t,
			    const struct kt_job_opts *o, int fd)
{
	struct kt_test_record rec = {.name = t->name};
	json_t *j;
	char *text = NULL;

	/* The parent owns the TAP stream: whatever a body prints goes to
	 * stderr. If the parent dies, end the VM in order. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (t->host_only)
		run_on_host(t, o, &rec);
	else
		run_in_vm(t, o, &rec);
	j = json_pack("{s:s, s:s*, s:s*, s:f}", "verdict",
		      kt_verdict_name(rec.verdict), "reason", rec.reason,
		      "report", rec.report, "seconds", rec.seconds);
	if (j)
		text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	kt_test_record_free(&rec);
	if (!text || write_all(fd, text, strlen(text)))
		_exit(KT_EXIT_INFRA);
	free(text);
	close(fd);
	fflush(NULL);
	_exit(0);
}

int kt_job_parse(const char *text, struct kt_test_record *rec)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	const char *verdict = NULL, *reason = NULL, *report = NULL;
	double seconds = 0;
	int v;

	if (!j)
		return kt_err(EINVAL, "job record: %s", jerr.text);
	if (json_unpack(j, "{s:s, s?s, s?s, s?F}", "verdict", &verdict,
			"reason", &reason, "report", &report, "seconds",
			&seconds)) {
		json_decref(j);
		return kt_err(EINVAL, "job record: missing or bad keys");
	}
	v = kt_verdict_parse(verdict);
	if (v < 0) {
		json_decref(j);
		return kt_err(EINVAL, "job record: unknown verdict %s",
			      verdict);
	}
	rec->verdict = (enum kt_verdict)v;
	rec->reason = reason ? strdup(reason) : NULL;
	rec->report = report ? strdup(report) : NULL;
	rec->seconds = seconds;
	json_decref(j);
	return 0;
}
