/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Watching a scheduler under test: the sched_ext state and ops files, the
 * kernel log's sched_ext lines (/dev/kmsg), the tail of the scheduler's
 * own output, reaping its process, and the monitor thread that notices a
 * death or ejection, gathers the kernel's evidence for a moment and
 * records the end once with the kernel's reason (sched_run.c starts and
 * stops the scheduler; see the top of that file for the rules).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/sched.h>

#include "core/small_file.h"
#include "sched_run_priv.h"

static int read_text(const char *path, char *buf, size_t len)
{
	int err = kt_read_small(path, buf, len);
	size_t n = err ? 0 : strlen(buf);

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return err;
}

/* scx_dir/state into buf ("enabled", ... or "missing"). */
void kt_sched_watch_state(const struct kt_sched_run *r, char *buf, size_t len)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/state", r->scx_dir);
	if (read_text(path, buf, len))
		snprintf(buf, len, "missing");
}

bool kt_sched_watch_ops_present(const struct kt_sched_run *r)
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
void kt_sched_watch_kmsg(struct kt_sched_run *r)
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

bool kt_sched_watch_reap(struct kt_sched_run *r)
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

void kt_sched_status_text(int st, char *buf, size_t len)
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

/* ---- the exit record ---- */

static char **dup_lines(char *const *v, size_t nr)
{
	char **out = calloc(nr + 1, sizeof(*out));

	for (size_t i = 0; out && i < nr; i++)
		out[i] = strdup(v[i]);
	return out;
}

void kt_sched_free_lines(char **v, size_t nr)
{
	for (size_t i = 0; v && i < nr; i++)
		free(v[i]);
	free(v);
}

/* Fill r->exit (once) and wake waiters. event/why may be NULL. */
void kt_sched_watch_record(struct kt_sched_run *r, enum kt_sched_phase phase,
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
	e->dump = r->dump;
	r->dump = NULL;
	r->has_exit = true;
	atomic_store(&r->gone, true);
	kt_sched_mark_gone();
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* The kernel unregistered the scheduler (no error): it says why only in
 * the exit record it hands the BPF scheduler ("cpu 1 going offline,
 * exiting scheduler"), which sched_ext loaders print as "EXIT: ...". */
static bool kernel_unreg(const struct kt_sched_run *r)
{
	return r->dis_seen &&
	       !strcmp(r->dis_reason, "unregistered from the main kernel");
}

/* "; its exit record: EXIT: ..." from the log's tail, or "". */
static const char *unreg_msg(const struct kt_sched_run *r, char *buf,
			     size_t len)
{
	size_t n = 0;
	char **v;

	buf[0] = '\0';
	if (!kernel_unreg(r))
		return buf;
	v = log_tail(r, &n);
	for (size_t i = n; v && i-- > 0;) {
		char *e = strstr(v[i], "EXIT: ");

		if (e) {
			snprintf(buf, len, "; its exit record: %s", e);
			break;
		}
	}
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
	return buf;
}

/* The kernel's dump of an ejection: from the trace (complete by now: the
 * kernel dumps before it logs the disable line), else from the loader's
 * DEBUG DUMP block (printed when it saw the exit). */
static void take_dump(struct kt_sched_run *r, const char *why)
{
	char *log = NULL;

	r->dump = kt_scx_dump_take(KT_DUMP_TRIGGER_EJECTION);
	if (r->dump || kt_read_all(r->log_path, &log))
		return;
	r->dump = kt_scx_dump_from_log(log, why);
	free(log);
}

/* A death or ejection noticed while running: the event, why, reason. */
static void record_run_end(struct kt_sched_run *r, const char *state,
			   enum kt_sched_phase phase)
{
	char why[1024], reason[1200], st[96], msg[KLINE_MAX_LEN + 32];
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
		kt_sched_status_text(r->status, st, sizeof(st));
		event = "died";
		snprintf(why, sizeof(why), "process exited (%s)%s%s%s", st,
			 r->dis_seen ? "; kernel: " : "",
			 r->dis_seen ? r->dis_reason : "",
			 unreg_msg(r, msg, sizeof(msg)));
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
	if (ejected)
		take_dump(r, why);
	kt_sched_watch_record(r, phase, ejected, event, why, reason);
}

/* Is something wrong right now? state gets the current state. */
static bool noticed(struct kt_sched_run *r, char *state, size_t len)
{
	kt_sched_watch_kmsg(r);
	kt_sched_watch_reap(r);
	kt_sched_watch_state(r, state, len);
	return r->reaped || r->dis_seen || strcmp(state, "enabled");
}

/* Gather evidence after noticing, then record. */
void kt_sched_watch_settle(struct kt_sched_run *r, char *state, size_t len,
			   enum kt_sched_phase phase)
{
	uint64_t t = kt_now_ns();

	for (;;) {
		uint64_t now = kt_now_ns();

		noticed(r, state, len);
		if (now - t >= SETTLE_NS)
			break;
		/* after a kernel unregistration, the process prints its
		 * exit record and exits: wait for that (SETTLE_NS at most) */
		if (r->dis_seen && now - r->dis_ns >= AFTER_LINE_NS &&
		    strcmp(state, "enabled") && (r->reaped || !kernel_unreg(r)))
			break;
		if (r->reaped && !strcmp(state, "missing"))
			break; /* no sched_ext here (tests): nothing to wait */
		kt_sleep(r->poll_ns);
	}
	record_run_end(r, state, phase);
}

void *kt_sched_monitor(void *arg)
{
	struct kt_sched_run *r = arg;
	char state[64];

	while (!atomic_load(&r->stop_monitor)) {
		if (noticed(r, state, sizeof(state))) {
			atomic_store(&r->gone, true);
			kt_sched_mark_gone(); /* end holds now; details follow
					       */
			kt_sched_watch_settle(r, state, sizeof(state),
					      KT_SCHED_PHASE_RUN);
			break;
		}
		kt_sleep(r->poll_ns);
	}
	return NULL;
}
