/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The life of a scheduler under test inside the kernel it schedules:
 * start it (output to a log file), require it alive and attached, watch
 * it from a monitor thread (process, sched_ext state, kernel log) and
 * record once, with the kernel's own reason, when it dies or is ejected;
 * stop it cleanly at the end and require the kernel to detach it.
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

#include "core/small_file.h"

#define MAX_KLINES    48
#define KLINE_MAX_LEN 400
#define LOG_TAIL_MAX  (64 * 1024)
/* After noticing a death/ejection: gather evidence for this long at most,
 * or 300 ms after the kernel's disable line. */
#define SETTLE_NS     KT_MS(1500)
#define AFTER_LINE_NS KT_MS(300)

struct kt_sched_run {
	char *path, *name, *log_path, *scx_dir, *kmsg_path;
	char **argv; /* argv[0] = path */
	uint64_t attach_ns, alive_ns, stop_wait_ns, poll_ns;
	unsigned tail_lines;

	pid_t pid;
	bool reaped;
	int status;
	uint64_t t0;
	bool attached;
	uint64_t attach_ms;

	int kmsg_fd;
	char kbuf[8192];
	size_t klen;
	char *klines[MAX_KLINES];
	size_t nr_klines;
	bool dis_seen;
	uint64_t dis_ns;
	char dis_reason[256];
	char dis_detail[KLINE_MAX_LEN];

	pthread_t thr;
	bool thr_started;
	atomic_bool stop_monitor;
	atomic_bool gone;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool has_exit; /* under mu; the record is immutable once set */
	struct kt_sched_exit exit;
};

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

/* ---- small readers ---- */

static int read_text(const char *path, char *buf, size_t len)
{
	int err = kt_read_small(path, buf, len);
	size_t n = err ? 0 : strlen(buf);

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return err;
}

/* scx_dir/state into buf ("enabled", ... or "missing"). */
static void read_state(const struct kt_sched_run *r, char *buf, size_t len)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/state", r->scx_dir);
	if (read_text(path, buf, len))
		snprintf(buf, len, "missing");
}

static bool ops_present(const struct kt_sched_run *r)
{
	char path[4200], buf[256];

	snprintf(path, sizeof(path), "%s/root/ops", r->scx_dir);
	return !read_text(path, buf, sizeof(buf)) && buf[0];
}

/* ---- the kernel log ---- */

static void add_kline(struct kt_sched_run *r, const char *text)
{
	char *s = strndup(text, KLINE_MAX_LEN);

	if (!s)
		return;
	if (r->nr_klines == MAX_KLINES) {
		free(r->klines[0]);
		memmove(r->klines, r->klines + 1,
			(MAX_KLINES - 1) * sizeof(r->klines[0]));
		r->nr_klines--;
	}
	r->klines[r->nr_klines++] = s;
}

static void take_line(struct kt_sched_run *r, char *line)
{
	char *text = kt_kmsg_text(line);
	char name[128], reason[256];

	if (!text || !kt_kmsg_is_scx(text))
		return;
	add_kline(r, text);
	if (!r->dis_seen && kt_kmsg_scx_disabled(text, name, sizeof(name),
						 reason, sizeof(reason))) {
		r->dis_seen = true;
		r->dis_ns = kt_now_ns();
		snprintf(r->dis_reason, sizeof(r->dis_reason), "%s", reason);
		return;
	}
	/* The detail after the disable line: "sched_ext: NAME: msg". */
	if (r->dis_seen && !r->dis_detail[0]) {
		char *p = text + strlen("sched_ext: ");

		snprintf(r->dis_detail, sizeof(r->dis_detail), "%s", p);
	}
}

/* Read whatever the kernel log gained: /dev/kmsg gives one record per
 * read; a regular file (tests) gives chunks. Records are split on '\n';
 * continuation lines (" KEY=value") are not records and are dropped. */
static void drain_kmsg(struct kt_sched_run *r)
{
	if (r->kmsg_fd < 0)
		return;
	for (int guard = 0; guard < 4096; guard++) {
		ssize_t n = read(r->kmsg_fd, r->kbuf + r->klen,
				 sizeof(r->kbuf) - 1 - r->klen);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten: go on */
		if (n <= 0)
			break;
		r->klen += (size_t)n;
		r->kbuf[r->klen] = '\0';
		while ((nl = memchr(r->kbuf, '\n', r->klen))) {
			size_t used = (size_t)(nl - r->kbuf) + 1;

			*nl = '\0';
			take_line(r, r->kbuf);
			memmove(r->kbuf, r->kbuf + used, r->klen - used);
			r->klen -= used;
			r->kbuf[r->klen] = '\0';
		}
		if (r->klen == sizeof(r->kbuf) - 1)
			r->klen = 0; /* an absurd line: drop it */
	}
}

/* ---- the scheduler's output ---- */

static char **log_tail(const struct kt_sched_run *r, size_t *nr)
{
	char *buf = NULL, **v = NULL, *p;
	size_t n = 0, len = 0, want = r->tail_lines;
	struct stat st;
	ssize_t got;
	off_t off;
	int fd = open(r->log_path, O_RDONLY | O_CLOEXEC);

	*nr = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !(buf = malloc(LOG_TAIL_MAX + 1))) {
		close(fd);
		return NULL;
	}
	off = st.st_size > LOG_TAIL_MAX ? st.st_size - LOG_TAIL_MAX : 0;
	got = pread(fd, buf, LOG_TAIL_MAX, off);
	close(fd);
	len = got > 0 ? (size_t)got : 0;
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	/* Walk back want lines. */
	p = buf + len;
	while (p > buf && n < want) {
		p--;
		if (*p == '\n')
			n++;
	}
	if (n == want && *p == '\n')
		p++;
	if (off && p == buf) {
		char *nl = strchr(p, '\n'); /* skip a partial first line */

		p = nl ? nl + 1 : p + len;
	}
	n = 0;
	v = calloc(want + 1, sizeof(*v));
	while (v && *p && n < want) {
		char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l && p[l - 1] == '\r')
			l--;
		v[n] = strndup(p, l > KLINE_MAX_LEN ? KLINE_MAX_LEN : l);
		if (!v[n])
			break;
		n++;
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(buf);
	*nr = n;
	return v;
}

/* ---- the process ---- */

static bool reap_nohang(struct kt_sched_run *r)
{
	pid_t w;

	if (r->reaped)
		return true;
	w = waitpid(r->pid, &r->status, WNOHANG);
	if (w == r->pid || (w < 0 && errno == ECHILD)) {
		if (w < 0)
			r->status = -1; /* reaped elsewhere: status unknown */
		r->reaped = true;
	}
	return r->reaped;
}

static void status_text(int st, char *buf, size_t len)
{
	if (st == -1)
		snprintf(buf, len, "status unknown");
	else if (WIFEXITED(st))
		snprintf(buf, len, "status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d, %s", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "wait status 0x%x", st);
}

static void kill_group(const struct kt_sched_run *r, int sig)
{
	if (r->pid <= 0 || r->reaped)
		return;
	if (kill(-r->pid, sig) && errno == ESRCH)
		kill(r->pid, sig);
}

/* ---- the exit record ---- */

static char **dup_lines(char *const *v, size_t nr)
{
	char **out = calloc(nr + 1, sizeof(*out));

	for (size_t i = 0; out && i < nr; i++)
		out[i] = strdup(v[i]);
	return out;
}

static void free_lines(char **v, size_t nr)
{
	for (size_t i = 0; v && i < nr; i++)
		free(v[i]);
	free(v);
}

/* Fill r->exit (once) and wake waiters. event/why may be NULL. */
static void record(struct kt_sched_run *r, enum kt_sched_phase phase,
		   bool ejected, const char *event, const char *why,
		   const char *reason)
{
	struct kt_sched_exit *e = &r->exit;
	uint64_t now = kt_now_ns();

	pthread_mutex_lock(&r->mu);
	if (r->has_exit) {
		pthread_mutex_unlock(&r->mu);
		return;
	}
	e->phase = phase;
	e->at_ns = now;
	e->at_ms = (now - r->t0) / 1000000;
	e->ejected = ejected;
	e->event = strdup(event ? event : "failed");
	e->why = strdup(why ? why : "");
	e->reason = strdup(reason);
	e->kernel_lines = dup_lines(r->klines, r->nr_klines);
	e->nr_kernel_lines = e->kernel_lines ? r->nr_klines : 0;
	e->log_tail = log_tail(r, &e->nr_log_tail);
	r->has_exit = true;
	atomic_store(&r->gone, true);
	kt_sched_mark_gone();
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* A death or ejection noticed while running: the event, why, reason. */
static void record_run_end(struct kt_sched_run *r, const char *state,
			   enum kt_sched_phase phase)
{
	char why[1024], reason[1200], st[96];
	const char *event;
	bool ejected = false;
	double at = (double)(kt_now_ns() - r->t0) / 1e9;

	if (r->dis_seen && strncmp(r->dis_reason, "unregistered", 12)) {
		ejected = true;
		event = "ejected";
		if (r->dis_detail[0])
			snprintf(why, sizeof(why), "%s (%s)", r->dis_reason,
				 r->dis_detail);
		else
			snprintf(why, sizeof(why), "%s", r->dis_reason);
	} else if (r->reaped) {
		status_text(r->status, st, sizeof(st));
		event = "died";
		snprintf(why, sizeof(why), "process exited (%s)%s%s", st,
			 r->dis_seen ? "; kernel: " : "",
			 r->dis_seen ? r->dis_reason : "");
	} else {
		event = "detached";
		snprintf(
		    why, sizeof(why),
		    "sched_ext state is %s while its process still runs%s%s",
		    state, r->dis_seen ? "; kernel: " : "",
		    r->dis_seen ? r->dis_reason : "");
	}
	snprintf(reason, sizeof(reason), "scheduler %s at +%.1fs: %s", event,
		 at, why);
	record(r, phase, ejected, event, why, reason);
}

/* Is something wrong right now? state gets the current state. */
static bool noticed(struct kt_sched_run *r, char *state, size_t len)
{
	drain_kmsg(r);
	reap_nohang(r);
	read_state(r, state, len);
	return r->reaped || r->dis_seen || strcmp(state, "enabled");
}

/* Gather evidence after noticing, then record. */
static void settle_and_record(struct kt_sched_run *r, char *state, size_t len,
			      enum kt_sched_phase phase)
{
	uint64_t t = kt_now_ns();

	for (;;) {
		uint64_t now = kt_now_ns();

		noticed(r, state, len);
		if (now - t >= SETTLE_NS)
			break;
		if (r->dis_seen && now - r->dis_ns >= AFTER_LINE_NS &&
		    strcmp(state, "enabled"))
			break;
		if (r->reaped && !strcmp(state, "missing"))
			break; /* no sched_ext here (tests): nothing to wait */
		kt_sleep(r->poll_ns);
	}
	record_run_end(r, state, phase);
}

static void *monitor(void *arg)
{
	struct kt_sched_run *r = arg;
	char state[64];

	while (!atomic_load(&r->stop_monitor)) {
		if (noticed(r, state, sizeof(state))) {
			atomic_store(&r->gone, true);
			kt_sched_mark_gone(); /* end holds now; details follow
					       */
			settle_and_record(r, state, sizeof(state),
					  KT_SCHED_PHASE_RUN);
			break;
		}
		kt_sleep(r->poll_ns);
	}
	return NULL;
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
	drain_kmsg(r);
	record(r, phase, false, event, why, reason);
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
	err = spawn(r, &exec_errno);
	if (err) {
		kt_sched_run_free(r);
		return err;
	}
	*out = r;
	if (exec_errno) {
		reap_nohang(r);
		snprintf(why, sizeof(why),
			 "scheduler failed to start: exec %s: %s", r->path,
			 strerror(exec_errno));
		return start_failed(r, KT_SCHED_PHASE_START, "failed", why);
	}
	limit = r->attach_ns > r->alive_ns ? r->attach_ns : r->alive_ns;
	for (;;) {
		uint64_t el = kt_now_ns() - r->t0;

		drain_kmsg(r);
		read_state(r, state, sizeof(state));
		if (!r->attached && !strcmp(state, "enabled") &&
		    ops_present(r)) {
			r->attached = true;
			r->attach_ms = el / 1000000;
		}
		if (reap_nohang(r)) {
			status_text(r->status, st, sizeof(st));
			snprintf(why, sizeof(why),
				 "scheduler exited at once (%s) %s", st,
				 r->attached ? "right after attaching"
					     : "before attaching");
			return start_failed(r, KT_SCHED_PHASE_START, "exited",
					    why);
		}
		if (r->attached && r->dis_seen) {
			settle_and_record(r, state, sizeof(state),
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
	err = pthread_create(&r->thr, NULL, monitor, r);
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

	while (!reap_nohang(r) && kt_now_ns() < end)
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
		drain_kmsg(r);
		read_state(r, state, sizeof(state));
		if (!strcmp(state, "disabled") || !strcmp(state, "missing"))
			return 0;
		if (kt_now_ns() >= end)
			break;
		kt_sleep(r->poll_ns);
	}
	snprintf(why, sizeof(why),
		 "scheduler did not detach (state=%s %.1fs after SIGINT)",
		 state, (double)r->stop_wait_ns / 1e9);
	record(r, KT_SCHED_PHASE_STOP, false, "not detached", why, why);
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
	for (size_t i = 0; i < r->nr_klines; i++)
		free(r->klines[i]);
	free(r->exit.event);
	free(r->exit.why);
	free(r->exit.reason);
	free_lines(r->exit.kernel_lines, r->exit.nr_kernel_lines);
	free_lines(r->exit.log_tail, r->exit.nr_log_tail);
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
