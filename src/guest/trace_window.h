/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The window of a flight-recorder trace (ftrace text, as tracefs's
 * "trace" file prints it) around a result's evidence, with the workers'
 * threads renamed after their cgroups. Pure functions on text, no I/O
 * (docs/recorder.md).
 */
#ifndef KTSTR_GUEST_TRACE_WINDOW_H
#define KTSTR_GUEST_TRACE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include <ktstr/result.h>

/* How far the saved window reaches around the evidence moment. */
#define KT_TRACE_BEFORE_NS 2000000000ULL /* 2 s before */
#define KT_TRACE_AFTER_NS  500000000ULL	 /* 0.5 s after */
/* Before the start of a gap too, so the stuck worker's last switch
 * (which follows its last progress) is inside the window. */
#define KT_TRACE_BEFORE_FROM_NS 500000000ULL

/* One thread's name in the saved trace: "cg_0/1" (cgroup/index). */
struct kt_trace_name {
	int tid;
	char name[80];
};

/*
 * The timestamp of one event line ("  comm-123  [001] d..2.  45.678901:
 * sched_switch: ...") in nanoseconds. -EINVAL for header lines ('#'),
 * blank lines and lines in no known shape.
 */
int kt_trace_line_ts(const char *line, size_t len, uint64_t *ns);

/*
 * The window [from_ns, to_ns) of r's evidence: 2 s before the moment
 * (r->evidence_ns, else end_ns: the scenario's end) to 0.5 s after, and
 * from 0.5 s before the evidence's start (a gap's) when that is earlier.
 */
void kt_trace_window_of(const struct kt_result *r, uint64_t end_ns,
			uint64_t *from_ns, uint64_t *to_ns);

/*
 * Names for r's judged workers: each tid as "<cgroup>/<n>", n counting
 * that cgroup's workers from 0 in the result's order. *out is malloc'd
 * (NULL with *nr = 0 when there are none); -ENOMEM.
 */
int kt_trace_names_of(const struct kt_result *r, struct kt_trace_name **out,
		      size_t *nr);

/*
 * Copy of text (len bytes) holding its header lines (the leading '#'
 * lines: "# tracer: nop" is what trace viewers detect the format by),
 * then note (more '#' lines, or NULL), and the event lines whose time is in
 * [from_ns, to_ns), each with the threads of names renamed: the task field and
 * the comm= / prev_comm= / next_comm= value beside the matching pid. *out is
 * malloc'd and NUL-terminated, *out_len its length; *events the event lines
 * kept. -ENOMEM.
 */
int kt_trace_window(const char *text, size_t len, const char *note,
		    uint64_t from_ns, uint64_t to_ns,
		    const struct kt_trace_name *names, size_t nr, char **out,
		    size_t *out_len, size_t *events);

#endif
