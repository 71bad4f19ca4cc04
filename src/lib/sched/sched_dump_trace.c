/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capturing sched_ext debug dumps from the kernel: a tracefs instance of
 * ktstr's own (instances/ktstr-dump) with only the sched_ext_dump event
 * enabled, so the kernel emits the dump lines at all and nothing else
 * fills that buffer (a flight recorder's instance stays separate), read
 * without blocking through its trace_pipe; and SysRq-D, which makes the
 * kernel dump every scheduler at a moment ktstr picks.
 *
 * One capture per process, behind a mutex: the scheduler monitor thread
 * takes the ejection's dump, the runner the SysRq-D dump. Only read(),
 * write() and malloc: the runner forks workers meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/sched.h>

#define INSTANCE       "instances/ktstr-dump"
#define EVENT_ENABLE   "events/sched_ext/sched_ext_dump/enable"
#define BUFFER_KB      "512" /* per CPU; a dump comes from one CPU */
#define SYSRQ_TRIGGER  "/proc/sysrq-trigger"
#define TRACE_LINE_MAX 1024

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int pipe_fd = -1;
static char inst[4096];
static char rbuf[16384];
static size_t rlen;
static struct kt_scx_dump_split *split;
static struct kt_result_dump *sysrq_dump;

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[4200];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

bool kt_scx_dump_capture_on(void)
{
	bool on;

	pthread_mutex_lock(&mu);
	on = pipe_fd >= 0;
	pthread_mutex_unlock(&mu);
	return on;
}

static void capture_close(void)
{
	if (pipe_fd >= 0) {
		write_file(inst, EVENT_ENABLE, "0");
		close(pipe_fd);
		rmdir(inst);
	}
	pipe_fd = -1;
	rlen = 0;
	kt_scx_dump_split_free(split);
	split = NULL;
	kt_result_dump_free(sysrq_dump);
	sysrq_dump = NULL;
}

static int capture_open(const char *tracefs)
{
	char path[4200];
	int err;

	snprintf(inst, sizeof(inst), "%s/%s", tracefs, INSTANCE);
	if (mkdir(inst, 0755) && errno != EEXIST)
		return kt_err(errno,
			      "sched_ext dumps: create tracefs instance "
			      "%s: %s",
			      inst, strerror(errno));
	write_file(inst, "buffer_size_kb", BUFFER_KB); /* best effort */
	err = write_file(inst, EVENT_ENABLE, "1");
	if (err) {
		rmdir(inst);
		return kt_err(-err,
			      "sched_ext dumps: enable %s/%s: %s (a kernel "
			      "without the sched_ext_dump tracepoint?)",
			      inst, EVENT_ENABLE, strerror(-err));
	}
	write_file(inst, "tracing_on", "1");
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	pipe_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	split = kt_scx_dump_split_new("tracepoint");
	if (pipe_fd < 0 || !split) {
		err = pipe_fd < 0 ? errno : ENOMEM;
		write_file(inst, EVENT_ENABLE, "0");
		if (pipe_fd >= 0)
			close(pipe_fd);
		pipe_fd = -1;
		rmdir(inst);
		kt_scx_dump_split_free(split);
		split = NULL;
		return kt_err(err, "sched_ext dumps: open %s: %s", path,
			      strerror(err));
	}
	return 0;
}

int kt_scx_dump_capture_start(const char *tracefs)
{
	int err;

	pthread_mutex_lock(&mu);
	capture_close();
	err = capture_open(tracefs ?: "/sys/kernel/tracing");
	pthread_mutex_unlock(&mu);
	return err;
}

void kt_scx_dump_capture_stop(void)
{
	pthread_mutex_lock(&mu);
	capture_close();
	pthread_mutex_unlock(&mu);
}

/* Whole lines out of rbuf into the splitter. */
static void take_lines(void)
{
	char *nl;

	while ((nl = memchr(rbuf, '\n', rlen))) {
		size_t used = (size_t)(nl - rbuf) + 1;
		const char *text;

		*nl = '\0';
		text = kt_scx_trace_dump_text(rbuf);
		if (text)
			kt_scx_dump_split_line(split, text);
		memmove(rbuf, rbuf + used, rlen - used);
		rlen -= used;
	}
	if (rlen > TRACE_LINE_MAX * 8)
		rlen = 0; /* an absurd line: drop it */
}

/* Everything the trace has now (never blocks). Under mu. */
static void drain(void)
{
	for (int guard = 0; pipe_fd >= 0 && guard < 100000; guard++) {
		ssize_t n = read(pipe_fd, rbuf + rlen, sizeof(rbuf) - 1 - rlen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: empty */
		rlen += (size_t)n;
		take_lines();
	}
}

struct kt_result_dump *kt_scx_dump_take(const char *trigger)
{
	struct kt_result_dump *d = NULL;

	pthread_mutex_lock(&mu);
	if (pipe_fd >= 0) {
		drain();
		d = kt_scx_dump_split_take(split, trigger);
	}
	pthread_mutex_unlock(&mu);
	return d;
}

static int sysrq_d(void)
{
	int fd = open(SYSRQ_TRIGGER, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return kt_err(errno, "SysRq-D: open %s: %s", SYSRQ_TRIGGER,
			      strerror(errno));
	if (write(fd, "D", 1) != 1)
		err = kt_err(errno, "SysRq-D: write %s: %s", SYSRQ_TRIGGER,
			     strerror(errno));
	close(fd);
	return err;
}

int kt_scx_dump_sysrq(const char *reason)
{
	struct kt_result_dump *d;
	char *r;
	int err;

	if (!kt_scx_attached(NULL, NULL))
		return -ENODEV;
	pthread_mutex_lock(&mu);
	if (pipe_fd < 0) {
		pthread_mutex_unlock(&mu);
		return -ENODEV;
	}
	drain(); /* an older SysRq-D dump must not pass for this one */
	kt_result_dump_free(
	    kt_scx_dump_split_take(split, KT_DUMP_TRIGGER_SYSRQ));
	/* the handler dumps before the write returns */
	err = sysrq_d();
	drain();
	d = err ? NULL : kt_scx_dump_split_take(split, KT_DUMP_TRIGGER_SYSRQ);
	r = d ? strdup(reason ?: "") : NULL;
	if (r) {
		free(d->reason);
		d->reason = r;
	}
	if (d) {
		kt_result_dump_free(sysrq_dump);
		sysrq_dump = d;
	} else if (!err) {
		err = kt_err(ENODATA, "SysRq-D: the trace holds no dump");
	}
	pthread_mutex_unlock(&mu);
	return err;
}

struct kt_result_dump *kt_scx_dump_take_sysrq(void)
{
	struct kt_result_dump *d;

	pthread_mutex_lock(&mu);
	d = sysrq_dump;
	sysrq_dump = NULL;
	pthread_mutex_unlock(&mu);
	return d;
}
