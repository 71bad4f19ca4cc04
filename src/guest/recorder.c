/* SPDX-License-Identifier: GPL-2.0-only */
/* The flight recorder's tracefs instance (recorder.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "artifact.h"
#include "core/small_file.h"
#include "recorder.h"
#include "trace_window.h"

const char *const kt_recorder_events[] = {
    "sched/sched_switch",
    "sched/sched_wakeup",
    "sched/sched_wakeup_new",
    "sched/sched_migrate_task",
    "sched_ext/", /* every sched_ext event: dump, event, bypass_lb... */
    NULL,
};

static char rec_dir[512]; /* the instance; "" = off */

static int put_file(const char *dir, const char *file, const char *value)
{
	char path[768];
	size_t n = strlen(value);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "recorder: open %s: %s", path,
			      strerror(errno));
	if (write(fd, value, n) != (ssize_t)n) {
		int err = errno ? errno : EIO;

		close(fd);
		return kt_err(err, "recorder: write \"%s\" to %s: %s", value,
			      path, strerror(err));
	}
	close(fd);
	return 0;
}

static int enable_events(const char *dir)
{
	char ev[1024];

	for (size_t i = 0; kt_recorder_events[i]; i++) {
		const char *e = kt_recorder_events[i];
		bool system = e[strlen(e) - 1] == '/';
		int err;

		snprintf(ev, sizeof(ev), "%s/events/%s", dir, e);
		if (system && access(ev, F_OK))
			continue; /* a kernel without sched_ext */
		snprintf(ev, sizeof(ev), "events/%s%senable", e,
			 system ? "" : "/");
		err = put_file(dir, ev, "1");
		if (err)
			return err;
	}
	return 0;
}

unsigned kt_recorder_buffer_kb(long cpus)
{
	long kb = KT_RECORDER_TOTAL_KB / (cpus > 0 ? cpus : 1);

	if (kb < KT_RECORDER_MIN_KB)
		return KT_RECORDER_MIN_KB;
	return kb > KT_RECORDER_MAX_KB ? KT_RECORDER_MAX_KB : (unsigned)kb;
}

int kt_recorder_start(const char *tracefs)
{
	char kb[32];
	int err;

	if (!tracefs)
		tracefs = KT_RECORDER_TRACEFS;
	snprintf(rec_dir, sizeof(rec_dir), "%s/instances/%s", tracefs,
		 KT_RECORDER_INSTANCE);
	if (mkdir(rec_dir, 0755) && errno != EEXIST) {
		err = errno;
		kt_err(err, "recorder: mkdir %s: %s", rec_dir, strerror(err));
		rec_dir[0] = '\0';
		return -err;
	}
	snprintf(kb, sizeof(kb), "%u",
		 kt_recorder_buffer_kb(sysconf(_SC_NPROCESSORS_ONLN)));
	err = put_file(rec_dir, "buffer_size_kb", kb);
	err = err ?: put_file(rec_dir, "trace_clock", "mono");
	err = err ?: enable_events(rec_dir);
	err = err ?: put_file(rec_dir, "tracing_on", "1");
	if (err) {
		kt_recorder_stop();
		return err;
	}
	return 0;
}

bool kt_recorder_on(void)
{
	return rec_dir[0] != '\0';
}

void kt_recorder_clear(void)
{
	if (kt_recorder_on())
		put_file(rec_dir, "trace", "");
}

static bool failed(enum kt_verdict v)
{
	return v == KT_VERDICT_FAIL || v == KT_VERDICT_SCHED ||
	       v == KT_VERDICT_INCONCLUSIVE;
}

/* The instance's whole trace text; the buffer is left as it is. */
static int read_trace(char **text)
{
	char path[768];
	int err;

	snprintf(path, sizeof(path), "%s/trace", rec_dir);
	err = kt_read_all(path, text);
	if (err)
		return kt_err(-err, "recorder: read %s: %s", path,
			      strerror(-err));
	return 0;
}

/* "# ktstr recorder: ..." lines: the window, and each CPU's buffer as the
 * kernel counts it (an overrun means the oldest events were dropped). */
static void note_of(const struct kt_result *r, uint64_t from, uint64_t to,
		    char *note, size_t len)
{
	size_t n = 0;

	n += (size_t)snprintf(
	    note, len,
	    "# ktstr recorder: scenario %s, window %llu.%06llu-%llu.%06llu, "
	    "evidence %llu.%06llu tid %d (0 = the scenario's end)\n",
	    r->scenario ? r->scenario : "?",
	    (unsigned long long)(from / KT_SEC(1)),
	    (unsigned long long)(from % KT_SEC(1) / 1000),
	    (unsigned long long)(to / KT_SEC(1)),
	    (unsigned long long)(to % KT_SEC(1) / 1000),
	    (unsigned long long)(r->evidence_ns / KT_SEC(1)),
	    (unsigned long long)(r->evidence_ns % KT_SEC(1) / 1000),
	    r->evidence_tid);
	for (int cpu = 0; n < len && cpu < 4096; cpu++) {
		char path[768], stats[1024], *p;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", rec_dir,
			 cpu);
		if (kt_read_small(path, stats, sizeof(stats)))
			break;
		for (p = stats; (p = strchr(p, '\n')); p++)
			*p = p[1] ? ',' : '\0';
		n += (size_t)snprintf(note + n, len - n,
				      "# ktstr recorder: cpu%d %s\n", cpu,
				      stats);
	}
}

int kt_recorder_save(const struct kt_result *r, uint64_t end_ns)
{
	struct kt_trace_name *names = NULL;
	char *text = NULL, *win = NULL, note[16384];
	size_t nr = 0, len = 0, events = 0;
	uint64_t from, to;
	int err;

	if (!kt_recorder_on() || !failed(r->verdict))
		return 0;
	kt_trace_window_of(r, end_ns, &from, &to);
	note_of(r, from, to, note, sizeof(note));
	err = read_trace(&text);
	err = err ?: kt_trace_names_of(r, &names, &nr);
	err = err
		  ?: kt_trace_window(text, strlen(text), note, from, to, names,
				     nr, &win, &len, &events);
	free(text);
	free(names);
	if (!err)
		err = kt_guest_send_artifact(r->scenario ? r->scenario : "",
					     "trace", "trace", win, len);
	free(win);
	return err;
}

void kt_recorder_stop(void)
{
	if (!kt_recorder_on())
		return;
	put_file(rec_dir, "tracing_on", "0");
	put_file(rec_dir, "events/enable", "0");
	rmdir(rec_dir);
	rec_dir[0] = '\0';
}
