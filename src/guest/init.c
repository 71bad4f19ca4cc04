/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_guest_main: ktstr as the guest's PID 1. Sets the system up, reports
 * boot and topology over the channel, runs the plan (scenarios, a shell,
 * or a deliberate panic), sends the exit code and powers off. It never
 * returns: PID 1 exiting would panic the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/payload.h>
#include <ktstr/result.h>
#include <ktstr/runner.h>
#include <ktstr/scenario_file.h>
#include <ktstr/sched.h>
#include <ktstr/test.h>
#include <ktstr/topo.h>
#include <ktstr/workload.h>

#include "core/small_file.h"
#include "artifact.h"
#include "channel.h"
#include "guest.h"
#include "monitor_mark.h"
#include "msg.h"
#include "plan.h"
#include "recorder.h"
#include "sched_life.h"
#include "shell.h"
#include "sysinit.h"

#define CGROUP_ROOT	   "/sys/fs/cgroup"
#define CGROUP_CONTROLLERS "+cpu +cpuset"
#define CHAN_WAIT_MS	   5000

static int chan_fd = -1;

static void send_msg(json_t *m)
{
	if (chan_fd < 0) {
		json_decref(m);
		return;
	}
	if (kt_chan_send_steal(chan_fd, m))
		kt_guest_log("%s", kt_last_error());
}

/* Send exit (status: see kt_msg_exit) and power off. */
static _Noreturn void finish_status(int code, int status)
{
	if (getpid() != 1)
		_exit(KT_EXIT_INFRA); /* a forked child must never get here */
	send_msg(kt_msg_exit(code, status));
	kt_guest_log("exit code %d; powering off", code);
	kt_chan_close(chan_fd);
	chan_fd = -1;
	kt_guest_reap();
	kt_guest_poweroff();
}

static _Noreturn void finish(int code)
{
	finish_status(code, -1);
}

static _Noreturn KT_PRINTF(1, 2) void fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kt_guest_log("error: %s", msg);
	send_msg(kt_msg_error(msg));
	finish(KT_EXIT_INFRA);
}

static void send_boot(void)
{
	struct utsname u = {0};
	uint64_t uptime_ms = 0;
	char up[128];
	long cpus;

	if (kt_read_small("/proc/uptime", up, sizeof(up)) ||
	    kt_parse_uptime_ms(up, &uptime_ms))
		kt_guest_log("cannot read /proc/uptime; reporting 0");
	uname(&u);
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	kt_guest_log("up: kernel %s, %ld cpus, %llu ms since boot", u.release,
		     cpus, (unsigned long long)uptime_ms);
	send_msg(kt_msg_boot(uptime_ms, u.release, (int)cpus));
}

static void send_topo(void)
{
	struct kt_topo *t = NULL;
	char name[128];
	json_t *m;

	if (kt_topo_from_sysfs("/", &t))
		fail("topology: %s", kt_last_error());
	kt_topo_name(t, name, sizeof(name));
	kt_guest_log("topology %s (%d cpus, %d llcs, %d nodes)", name,
		     t->nr_cpus, t->nr_llcs, t->nr_nodes);
	m = kt_msg_topo(t);
	kt_topo_free(t);
	if (!m)
		fail("topology: out of memory building the message");
	send_msg(m);
}

static const struct kt_plan *run_plan; /* for the monitor's knobs */

static void on_start(const char *name, void *arg)
{
	(void)arg;
	kt_guest_monitor_scenario(name);
	if (run_plan)
		kt_guest_wedge_arm(run_plan->wedge_after_ms);
	kt_recorder_clear();
	send_msg(
	    json_pack("{s:s, s:s}", "type", "scenario_start", "name", name));
}

/* A failing result's trace window goes before the result itself, so the
 * host knows the trace when the result arrives. */
/* A failing result's files for the host's --artifacts directory, sent
 * before its result (the BUG SUMMARY names them): the flight recorder's
 * window and each sched_ext dump the result carries (the ejection's,
 * the SysRq-D one taken at a stall; docs/dumps.md). */
static void save_artifacts(const struct kt_result *r)
{
	if (kt_recorder_save(r, kt_now_ns()))
		kt_guest_log("recorder: %s", kt_last_error());
	for (size_t i = 0; i < r->nr_dumps; i++) {
		const struct kt_result_dump *d = &r->dumps[i];
		bool sysrq = !strcmp(d->trigger, KT_DUMP_TRIGGER_SYSRQ);

		if (kt_guest_send_artifact(r->scenario ? r->scenario : "",
					   "dump",
					   sysrq ? "sysrq-d.dump" : "dump",
					   d->text, strlen(d->text)))
			kt_guest_log("dump artifact: %s", kt_last_error());
	}
}

static void on_result(const struct kt_result *r, void *arg)
{
	(void)arg;
	kt_guest_monitor_scenario(NULL);
	save_artifacts(r);
	send_msg(kt_msg_result(r));
}

/* The flight recorder (docs/recorder.md), unless the plan says no_trace;
 * artifacts' file names carry the variant: "<scheduler>-<topology>". */
static void recorder_begin(const struct kt_plan *p, const char *sched_label)
{
	char variant[256];

	snprintf(variant, sizeof(variant), "%s-%s",
		 sched_label ? sched_label : "eevdf", p->topo ? p->topo : "vm");
	kt_guest_artifact_attach(chan_fd, variant);
	if (p->no_trace)
		return;
	if (kt_recorder_start(NULL))
		kt_guest_log("recorder off: %s", kt_last_error());
}

/* The harness's footing (runner.h); one probe thread for every vCPU under
 * single-threaded TCG, where they all stall together; TCG's slow IPIs
 * forgiven by work conservation (check.h). */
static void harness_begin(const struct kt_plan *p)
{
	kt_harness_shared_probe(p->accel && !strcmp(p->accel, "tcg"));
	if (p->accel && !strncmp(p->accel, "tcg", 3))
		kt_set_wake_allowance(KT_WAKE_ALLOWANCE_TCG_NS);
	kt_harness_begin(stderr);
}

/* Scenario files the host checked; one that does not load here is an
 * infrastructure failure (a truncated initramfs). */
static void load_files(const struct kt_plan *p, struct kt_run_opts *o)
{
	struct kt_scenario_file **f;

	if (!p->nr_scenario_files)
		return;
	f = calloc(p->nr_scenario_files, sizeof(*f));
	if (!f)
		fail("scenario files: out of memory");
	for (size_t i = 0; i < p->nr_scenario_files; i++)
		if (kt_scenario_file_load(p->scenario_files[i], &f[i]))
			fail("%s", kt_last_error());
	o->files = (const struct kt_scenario_file *const *)f;
	o->nr_files = p->nr_scenario_files;
}

static _Noreturn void run_scenarios(const struct kt_plan *p,
				    const char *setup_err)
{
	enum kt_verdict worst = KT_VERDICT_PASS;
	struct kt_run_opts o = {
	    .names = (const char *const *)p->scenarios,
	    .nr_names = p->nr_scenarios,
	    .duration_ns = p->duration_ns,
	    .workers = p->workers,
	    .sysfs_root = "/",
	    .cgroup_root = CGROUP_ROOT,
	    .cgroup_name = "ktstr",
	    .topo_label = p->topo,
	    .report = stdout,
	    .on_start = on_start,
	    .on_result = on_result,
	    .keep_going = p->keep_going,
	};

	struct kt_sched_run *sr = NULL;
	struct kt_work_type work = {0};
	static atomic_ushort step;
	bool exit_sent = false;
	int err;

	if (setup_err)
		fail("%s", setup_err);
	/* before the harness's SCHED_FIFO: the mark thread stays normal */
	o.current_step = &step;
	run_plan = p;
	kt_guest_monitor_begin(p, &step, send_msg);
	/* SCHED_FIFO and the vCPU probe before the scheduler starts: its
	 * monitor thread inherits the policy (runner.h) */
	harness_begin(p);
	recorder_begin(p, p->sched ? p->sched->label : NULL);
	load_files(p, &o);
	if (p->work_type) {
		if (kt_work_kind_parse(p->work_type, &work.kind))
			fail("plan: work_type: %s", kt_last_error());
		o.work_type = &work;
	}
	if (p->sched) {
		err = kt_guest_sched_start(p->sched, send_msg, &sr);
		if (err && err != -ESRCH)
			fail("scheduler %s: %s", p->sched->name,
			     kt_last_error());
		exit_sent = err == -ESRCH;
		o.sched = sr;
		o.sched_label = p->sched->label;
		if (p->sched->has_assert)
			o.sched_assert = &p->sched->assert;
	}
	if (p->nr_scenarios || p->nr_scenario_files)
		kt_guest_log("running %zu scenario(s), %zu scenario file(s)",
			     p->nr_scenarios, p->nr_scenario_files);
	else
		kt_guest_log("running the default set");
	fflush(NULL);
	err = kt_run_scenarios(&o, &worst);
	if (sr) {
		struct kt_result stop;

		kt_result_init(&stop);
		if (kt_guest_sched_end(sr, exit_sent, p->topo, p->sched->label,
				       send_msg, &stop) == KT_VERDICT_SCHED) {
			kt_result_print(&stop, stdout);
			save_artifacts(&stop);
			send_msg(kt_msg_result(&stop));
			worst =
			    KT_VERDICT_SCHED > worst ? KT_VERDICT_SCHED : worst;
		}
		kt_result_free(&stop);
	}
	if (err)
		fail("run: %s", kt_last_error());
	fflush(stdout);
	kt_guest_log("worst verdict: %s", kt_verdict_name(worst));
	finish(kt_verdict_exit_code(worst));
}

/* The SysRq-D dump the stall watch took (docs/dumps.md). */
static void attach_sysrq_dump(struct kt_result *res)
{
	struct kt_result_dump *d = kt_scx_dump_take_sysrq();

	if (d)
		kt_result_add_dump(res, d);
	kt_result_dump_free(d);
}

/* Test mode: the plan names one KTSTR_TEST of this very binary. */
static _Noreturn void run_test(const struct kt_plan *p, const char *setup_err)
{
	const struct kt_test *t = kt_test_find(p->test);
	const struct kt_sched_def *sd;
	struct kt_test_env env = {
	    .sysfs_root = "/",
	    .cgroup_parent = CGROUP_ROOT "/ktstr",
	    .duration_ns = p->duration_ns,
	    .workers = p->workers,
	    .topo_label = p->topo,
	    .keep_going = p->keep_going,
	};
	struct kt_result res, stop;
	struct kt_sched_run *sr = NULL;
	bool started = true;
	uint64_t t0;
	int code, err;

	if (setup_err)
		fail("%s", setup_err);
	if (!t)
		fail("test %s is not registered in this binary (%zu tests)",
		     p->test, kt_test_count());
	harness_begin(p); /* before the scheduler: see run_scenarios */
	recorder_begin(p, p->sched	 ? p->sched->label
			  : t->scheduler ? t->scheduler->name
					 : NULL);
	sd = t->scheduler;
	if (sd) {
		env.sched_label = sd->name;
		env.sched_assert = &sd->assert;
	}
	/* The plan's "sched" (the host built it from t->scheduler) is what
	 * runs: start it, and judge its death or ejection as SCHED. */
	if (p->sched) {
		err = kt_guest_sched_start(p->sched, send_msg, &sr);
		if (err && err != -ESRCH)
			fail("scheduler %s: %s", p->sched->name,
			     kt_last_error());
		started = !err;
		env.sched_label = p->sched->label;
		env.sched_pid = kt_sched_run_pid(sr);
		if (p->sched->has_assert)
			env.sched_assert = &p->sched->assert;
	}
	kt_result_init(&res);
	if (started) {
		kt_guest_log("running test %s", t->name);
		on_start(t->name, NULL);
		fflush(NULL);
		t0 = kt_now_ns();
		kt_test_run_here(t, &env, &res);
		if (sr && !kt_sched_run_alive(sr))
			kt_sched_exit_to_result(sr, t0, "", &res);
		attach_sysrq_dump(&res);
	} else {
		kt_result_set_header(&res, t->name, p->topo, env.sched_label);
		kt_sched_exit_to_result(sr, 0, "not run: ", &res);
	}
	kt_result_print(&res, stdout);
	fflush(stdout);
	save_artifacts(&res);
	send_msg(kt_msg_result(&res));
	code = kt_verdict_exit_code(res.verdict);
	kt_result_free(&res);
	kt_result_init(&stop);
	if (sr && kt_guest_sched_end(sr, !started, p->topo, env.sched_label,
				     send_msg, &stop) == KT_VERDICT_SCHED) {
		kt_result_print(&stop, stdout);
		save_artifacts(&stop);
		send_msg(kt_msg_result(&stop));
		code = kt_verdict_exit_code(KT_VERDICT_SCHED);
	}
	kt_result_free(&stop);
	finish(code);
}

static _Noreturn void run_shell(const struct kt_plan *p)
{
	int st;

	if (kt_guest_busybox_install())
		fail("%s", kt_last_error());
	if (kt_guest_shell_run(p->exec, &st))
		fail("%s", kt_last_error());
	finish_status(kt_guest_shell_exit_code(st), kt_guest_shell_status(st));
}

static _Noreturn void run_panic(void)
{
	int fd;

	kt_guest_log("panic mode: crashing the kernel on purpose");
	fd = open("/proc/sys/kernel/sysrq", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		fail("panic: enable sysrq: %s", strerror(errno));
	close(fd);
	sync();
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fail("panic: open /proc/sysrq-trigger: %s", strerror(errno));
	if (write(fd, "c", 1) != 1)
		fail("panic: write /proc/sysrq-trigger: %s", strerror(errno));
	close(fd);
	fail("panic: the kernel did not crash after sysrq c");
}

int kt_guest_main(int argc, char **argv)
{
	char setup_err[1024] = "";
	struct kt_plan plan;

	(void)argc;
	(void)argv;
	/* jansson seeds its hash from /dev/urandom at the first object, which
	 * blocks until the guest's RNG is ready (about 2.3 s under TCG with no
	 * hardware entropy). Hash-flooding protection is moot in here. */
	json_object_seed((size_t)kt_now_ns());
	if (kt_guest_mount_all()) {
		/* Without proc, sysfs or devtmpfs there is no channel; cgroup2
		 * matters only to run mode: keep going and say so there. */
		snprintf(setup_err, sizeof(setup_err), "%s", kt_last_error());
		if (access("/proc/self", F_OK) || access("/sys/class", F_OK) ||
		    access("/dev/null", F_OK)) {
			kt_guest_log("error: %s", setup_err);
			finish(KT_EXIT_INFRA);
		}
	}
	kt_guest_log("mounts done");
	kt_guest_setenv();
	if (!setup_err[0] &&
	    kt_guest_enable_controllers(CGROUP_ROOT, CGROUP_CONTROLLERS))
		snprintf(setup_err, sizeof(setup_err), "%s", kt_last_error());
	if (setup_err[0])
		kt_guest_log("warning: %s", setup_err);

	chan_fd = kt_chan_open("/", "/dev", KT_CHAN_NAME, CHAN_WAIT_MS);
	if (chan_fd < 0) {
		kt_guest_log("error: %s", kt_last_error());
		finish(KT_EXIT_INFRA);
	}
	send_boot();
	send_topo();

	if (kt_plan_load(KT_PLAN_PATH, &plan))
		fail("%s", kt_last_error());
	kt_guest_log("plan: mode %s", kt_plan_mode_name(plan.mode));
	for (size_t i = 0; i < plan.nr_payloads; i++)
		if (kt_payload_provide(plan.payload_programs[i],
				       plan.payload_paths[i]))
			fail("%s", kt_last_error());
	switch (plan.mode) {
	case KT_PLAN_RUN:
		run_scenarios(&plan, setup_err[0] ? setup_err : NULL);
	case KT_PLAN_SHELL:
		run_shell(&plan);
	case KT_PLAN_PANIC:
		run_panic();
	case KT_PLAN_TEST:
		run_test(&plan, setup_err[0] ? setup_err : NULL);
	}
	fail("plan: unknown mode %d", (int)plan.mode);
}
