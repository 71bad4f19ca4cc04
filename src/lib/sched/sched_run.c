/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The life of a scheduler under test inside the kernel it schedules:
 * start it (output to a log file), require it alive and attached, watch
 * it from a monitor thread (sched_watch.c: process, sched_ext state,
 * kernel log) that records once, with the kernel's own reason, when it
 * dies or is ejected; stop it cleanly at the end and require the kernel
 * to detach it.
 *
 * Judged from the kernel, not the loader: loaders print `EXIT:` and exit
 * 0 after an ejection, so a disable line with an error reason (or the
 * state leaving "enabled") is an ejection whatever the process does.
 * The monitor is a thread of the calling process rather than a forked
 * watcher so the record is plain memory; it only reads files, reaps its
 * own child by pid (never waitpid(-1)) and uses no stdio, so the forks
 * the runner makes for workers meanwhile are safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/scenario.h>
#include <ktstr/sched.h>

#include "sched_run_priv.h"

const char *kt_sched_phase_name(enum kt_sched_phase p)
{
	switch (p) {
	case KT_SCHED_PHASE_START:
		return "start";
	case KT_SCHED_PHASE_ATTACH:
		return "attach";
	case KT_SCHED_PHASE_RUN:
		return "run";
	case KT_SCHED_PHASE_STOP:
		return "stop";
	}
	return "?";
}

static void kill_group(const struct kt_sched_run *r, int sig)
{
	if (r->pid <= 0 || r->reaped)
		return;
	if (kill(-r->pid, sig) && errno == ESRCH)
		kill(r->pid, sig);
}

/* ---- start ---- */

static char *dup_or(const char *s, const char *dfl)
{
	return strdup(s ? s : dfl);
}

static struct kt_sched_run *run_new(const struct kt_sched_run_opts *o)
{
	struct kt_sched_run *r = calloc(1, sizeof(*r));
	const char *slash = strrchr(o->path, '/');
	size_t nargs = 0;
	bool ok;

	if (!r)
		return NULL;
	r->kmsg_fd = -1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->path = strdup(o->path);
	r->name = dup_or(o->name, slash ? slash + 1 : o->path);
	r->log_path = dup_or(o->log_path, "/tmp/sched.log");
	r->scx_dir = dup_or(o->scx_dir, "/sys/kernel/sched_ext");
	r->kmsg_path = dup_or(o->kmsg_path, "/dev/kmsg");
	r->attach_ns = o->attach_timeout_ns ?: KT_SCHED_DEFAULT_ATTACH_NS;
	r->alive_ns = o->alive_ns ?: KT_SCHED_DEFAULT_ALIVE_NS;
	r->stop_wait_ns = o->stop_wait_ns ?: KT_SCHED_DEFAULT_STOP_WAIT_NS;
	r->poll_ns = o->poll_ns ?: KT_MS(50);
	r->tail_lines = o->log_tail_lines ?: 40;
	while (o->args && o->args[nargs])
		nargs++;
	r->argv = calloc(nargs + 2, sizeof(*r->argv));
	ok = r->path && r->name && r->log_path && r->scx_dir && r->kmsg_path &&
	     r->argv;
	if (ok)
		r->argv[0] = strdup(r->path);
	ok = ok && r->argv[0];
	for (size_t i = 0; ok && i < nargs; i++)
		ok = (r->argv[i + 1] = strdup(o->args[i])) != NULL;
	if (!ok) {
		kt_sched_run_free(r);
		return NULL;
	}
	return r;
}

static void open_kmsg(struct kt_sched_run *r)
{
	if (!r->kmsg_path[0])
		return;
	r->kmsg_fd = open(r->kmsg_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* /dev/kmsg: start at the end (only what happens from now on). A
	 * regular file (tests) is read from its start. */
	if (r->kmsg_fd >= 0) {
		struct stat st;

		if (!fstat(r->kmsg_fd, &st) && S_ISCHR(st.st_mode))
			lseek(r->kmsg_fd, 0, SEEK_END);
	}
}

/* The sched_ext_dump trace, when asked for: without it (a kernel with no
 * such event) the run goes on with the loader's own dump only. */
static void start_dumps(struct kt_sched_run *r, const char *tracefs)
{
	struct kt_err_saved e;

	if (!tracefs)
		return;
	kt_err_save(&e);
	r->dump_capture = !kt_scx_dump_capture_start(tracefs);
	if (!r->dump_capture)
		fprintf(stderr, "ktstr: scheduler %s: %s\n", r->name,
			kt_last_error());
	kt_err_restore(&e);
}

/* fork + exec with output to the log; exec errors come back through a
 * close-on-exec pipe as an errno. */
static int spawn(struct kt_sched_run *r, int *exec_errno)
{
	int pfd[2], logfd, e = 0;
	ssize_t n;

	*exec_errno = 0;
	logfd =
	    open(r->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		return kt_err(errno, "scheduler %s: create log %s: %s", r->name,
			      r->log_path, strerror(errno));
	if (pipe2(pfd, O_CLOEXEC)) {
		close(logfd);
		return kt_err(errno, "scheduler %s: pipe: %s", r->name,
			      strerror(errno));
	}
	r->t0 = kt_now_ns();
	r->pid = fork();
	if (r->pid < 0) {
		int err = errno;

		close(logfd);
		close(pfd[0]);
		close(pfd[1]);
		return kt_err(err, "scheduler %s: fork: %s", r->name,
			      strerror(err));
	}
	if (r->pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(r->path, r->argv);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	setpgid(r->pid, r->pid); /* both sides: no race with kill(-pid) */
	close(logfd);
	close(pfd[1]);
	do
		n = read(pfd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof(e))
		*exec_errno = e;
	return 0;
}

static int start_failed(struct kt_sched_run *r, enum kt_sched_phase phase,
			const char *event, const char *why)
{
	char reason[1200];

	snprintf(reason, sizeof(reason), "%s", why);
	kt_sched_watch_kmsg(r);
	kt_sched_watch_record(r, phase, false, event, why, reason);
	kill_group(r, SIGKILL);
	if (!r->reaped && waitpid(r->pid, &r->status, 0) == r->pid)
		r->reaped = true;
	return -ESRCH;
}

int kt_sched_start(const struct kt_sched_run_opts *o, struct kt_sched_run **out)
{
	struct kt_sched_run *r;
	uint64_t limit;
	char state[64], why[1024], st[96];
	int exec_errno, err;

	*out = NULL;
	if (!o || !o->path)
		return kt_err(EINVAL, "scheduler: no binary given");
	r = run_new(o);
	if (!r)
		return kt_err(ENOMEM, "scheduler: out of memory");
	kt_sched_clear_gone();
	open_kmsg(r);
	start_dumps(r, o->dump_tracefs);
	err = spawn(r, &exec_errno);
	if (err) {
		kt_sched_run_free(r);
		return err;
	}
	*out = r;
	if (exec_errno) {
		kt_sched_watch_reap(r);
		snprintf(why, sizeof(why),
			 "scheduler failed to start: exec %s: %s", r->path,
			 strerror(exec_errno));
		return start_failed(r, KT_SCHED_PHASE_START, "failed", why);
	}
	limit = r->attach_ns > r->alive_ns ? r->attach_ns : r->alive_ns;
	for (;;) {
		uint64_t el = kt_now_ns() - r->t0;

		kt_sched_watch_kmsg(r);
		kt_sched_watch_state(r, state, sizeof(state));
		if (!r->attached && !strcmp(state, "enabled") &&
		    kt_sched_watch_ops_present(r)) {
			r->attached = true;
			r->attach_ms = el / 1000000;
		}
		if (kt_sched_watch_reap(r)) {
			kt_sched_status_text(r->status, st, sizeof(st));
			snprintf(why, sizeof(why),
				 "scheduler exited at once (%s) %s", st,
				 r->attached ? "right after attaching"
					     : "before attaching");
			return start_failed(r, KT_SCHED_PHASE_START, "exited",
					    why);
		}
		if (r->attached && r->dis_seen) {
			kt_sched_watch_settle(r, state, sizeof(state),
					      KT_SCHED_PHASE_START);
			kill_group(r, SIGKILL);
			return -ESRCH;
		}
		if (r->attached && el >= r->alive_ns)
			break;
		if (el >= limit) {
			snprintf(why, sizeof(why),
				 "scheduler never attached (state=%s, waited "
				 "%.1fs)",
				 state, (double)el / 1e9);
			return start_failed(r, KT_SCHED_PHASE_ATTACH,
					    "not attached", why);
		}
		kt_sleep(r->poll_ns);
	}
	err = pthread_create(&r->thr, NULL, kt_sched_monitor, r);
	if (err)
		return kt_err(err, "scheduler %s: start the monitor: %s",
			      r->name, strerror(err));
	r->thr_started = true;
	return 0;
}

pid_t kt_sched_run_pid(const struct kt_sched_run *r)
{
	return r ? r->pid : 0;
}

bool kt_sched_run_alive(const struct kt_sched_run *r)
{
	return r && !atomic_load(&r->gone);
}

uint64_t kt_sched_run_attach_ms(const struct kt_sched_run *r)
{
	return r ? r->attach_ms : 0;
}

const struct kt_sched_exit *kt_sched_run_exit(struct kt_sched_run *r)
{
	const struct kt_sched_exit *e = NULL;
	struct timespec until;

	if (!r || !atomic_load(&r->gone))
		return NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3 + (time_t)(SETTLE_NS / KT_SEC(1));
	pthread_mutex_lock(&r->mu);
	while (!r->has_exit &&
	       pthread_cond_timedwait(&r->cv, &r->mu, &until) != ETIMEDOUT)
		;
	if (r->has_exit)
		e = &r->exit;
	pthread_mutex_unlock(&r->mu);
	return e;
}

static void stop_monitor(struct kt_sched_run *r)
{
	if (!r->thr_started)
		return;
	atomic_store(&r->stop_monitor, true);
	pthread_join(r->thr, NULL);
	r->thr_started = false;
}

/* Wait up to ns for the process to end; true when reaped. */
static bool wait_exit(struct kt_sched_run *r, uint64_t ns)
{
	uint64_t end = kt_now_ns() + ns;

	while (!kt_sched_watch_reap(r) && kt_now_ns() < end)
		kt_sleep(KT_MS(20));
	return r->reaped;
}

int kt_sched_stop(struct kt_sched_run *r)
{
	char state[64], why[256];
	uint64_t end;

	if (!r)
		return 0;
	stop_monitor(r);
	if (r->has_exit) {
		kill_group(r, SIGKILL);
		wait_exit(r, KT_SEC(5));
		return 0;
	}
	kill_group(r, SIGINT);
	if (!wait_exit(r, r->stop_wait_ns)) {
		kill_group(r, SIGKILL);
		wait_exit(r, KT_SEC(5));
	}
	end = kt_now_ns() + r->stop_wait_ns;
	for (;;) {
		kt_sched_watch_kmsg(r);
		kt_sched_watch_state(r, state, sizeof(state));
		if (!strcmp(state, "disabled") || !strcmp(state, "missing"))
			return 0;
		if (kt_now_ns() >= end)
			break;
		kt_sleep(r->poll_ns);
	}
	snprintf(why, sizeof(why),
		 "scheduler did not detach (state=%s %.1fs after SIGINT)",
		 state, (double)r->stop_wait_ns / 1e9);
	kt_sched_watch_record(r, KT_SCHED_PHASE_STOP, false, "not detached",
			      why, why);
	return -ESRCH;
}

void kt_sched_run_free(struct kt_sched_run *r)
{
	if (!r)
		return;
	stop_monitor(r);
	if (r->pid > 0 && !r->reaped) {
		kill_group(r, SIGKILL);
		wait_exit(r, KT_SEC(5));
	}
	if (r->kmsg_fd >= 0)
		close(r->kmsg_fd);
	if (r->dump_capture)
		kt_scx_dump_capture_stop();
	kt_result_dump_free(r->dump);
	kt_result_dump_free(r->exit.dump);
	for (size_t i = 0; i < r->nr_klines; i++)
		free(r->klines[i]);
	free(r->exit.event);
	free(r->exit.why);
	free(r->exit.reason);
	kt_sched_free_lines(r->exit.kernel_lines, r->exit.nr_kernel_lines);
	kt_sched_free_lines(r->exit.log_tail, r->exit.nr_log_tail);
	for (size_t i = 0; r->argv && r->argv[i]; i++)
		free(r->argv[i]);
	free(r->argv);
	free(r->path);
	free(r->name);
	free(r->log_path);
	free(r->scx_dir);
	free(r->kmsg_path);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

int kt_sched_exit_detail(const struct kt_sched_exit *e, uint64_t since_ns,
			 char *buf, size_t len)
{
	int n;

	if (e->phase == KT_SCHED_PHASE_RUN && since_ns && e->at_ns >= since_ns)
		n = snprintf(buf, len, "scheduler %s at +%.1fs: %s", e->event,
			     (double)(e->at_ns - since_ns) / 1e9, e->why);
	else
		n = snprintf(buf, len, "%s", e->reason);
	return n < 0 ? kt_err(EINVAL, "format") : 0;
}
