/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flight recorder's window (trace_window.h): which event lines of
 * an ftrace text dump fall in the window around a result's evidence, and
 * the workers' threads renamed "<cgroup>/<n>" in the copy that is saved.
 *
 * Renaming happens here, in the saved text, rather than with prctl in the
 * worker: a comm holds 15 characters, which cuts scenario files' longer
 * cgroup names into look-alikes, and a worker's real comm is what the
 * kernel's own messages (a stall's "TASK[PID] failed to run") and ps show.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "trace_window.h"

/* An event line's fields as offsets into the line. */
struct ev_line {
	size_t task_from, task_to; /* the comm before "-PID" */
	int pid;
	size_t args_from; /* after "event_name:" */
	uint64_t ts_ns;
};

/* "-PID" ending at end (exclusive), after an optional "(TGID)": the start
 * of '-' or (size_t)-1. */
static size_t pid_before(const char *l, size_t end, int *pid)
{
	size_t e = end, d;

	while (e > 0 && l[e - 1] == ' ')
		e--;
	if (e > 0 && l[e - 1] == ')') { /* "(  123)" or "(-----)" */
		while (e > 0 && l[e - 1] != '(')
			e--;
		if (!e)
			return (size_t)-1;
		e--;
		while (e > 0 && l[e - 1] == ' ')
			e--;
	}
	d = e;
	while (d > 0 && isdigit((unsigned char)l[d - 1]))
		d--;
	if (d == e || d == 0 || l[d - 1] != '-')
		return (size_t)-1;
	*pid = atoi(l + d);
	return d - 1;
}

/* "SECS.FRAC:" at p: nanoseconds and the length through ':'; 0 if not. */
static size_t parse_ts(const char *p, size_t n, uint64_t *ns)
{
	size_t i = 0, f;
	uint64_t sec = 0, frac = 0, scale = 1000000000ULL;

	while (i < n && isdigit((unsigned char)p[i]) && i < 12)
		sec = sec * 10 + (uint64_t)(p[i++] - '0');
	if (!i || i >= n || p[i] != '.')
		return 0;
	f = ++i;
	while (i < n && isdigit((unsigned char)p[i])) {
		if (scale > 1) {
			scale /= 10;
			frac += (uint64_t)(p[i] - '0') * scale;
		}
		i++;
	}
	if (i == f || i >= n || p[i] != ':')
		return 0;
	*ns = sec * 1000000000ULL + frac;
	return i + 1;
}

/* The fields of one event line; false for anything else. */
static bool parse_line(const char *l, size_t n, struct ev_line *ev)
{
	if (!n || l[0] == '#')
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1, dash, k, used;

		if (l[i] != '[')
			continue;
		while (j < n && isdigit((unsigned char)l[j]))
			j++;
		if (j == i + 1 || j >= n || l[j] != ']')
			continue;
		dash = pid_before(l, i, &ev->pid);
		if (dash == (size_t)-1)
			continue;
		ev->task_to = dash;
		ev->task_from = 0;
		while (ev->task_from < dash && l[ev->task_from] == ' ')
			ev->task_from++;
		/* "] d..2.  45.678901: name:" (the flags are optional) */
		for (k = j + 1; k < n && l[k] == ' '; k++)
			;
		used = parse_ts(l + k, n - k, &ev->ts_ns);
		if (!used) {
			while (k < n && l[k] != ' ')
				k++;
			while (k < n && l[k] == ' ')
				k++;
			used = parse_ts(l + k, n - k, &ev->ts_ns);
		}
		if (!used)
			return false;
		k += used;
		while (k < n && l[k] == ' ')
			k++;
		while (k < n && l[k] != ':' && l[k] != ' ')
			k++;
		ev->args_from = k < n && l[k] == ':' ? k + 1 : k;
		return true;
	}
	return false;
}

int kt_trace_line_ts(const char *line, size_t len, uint64_t *ns)
{
	struct ev_line ev;

	if (!parse_line(line, len, &ev))
		return -EINVAL;
	*ns = ev.ts_ns;
	return 0;
}

void kt_trace_window_of(const struct kt_result *r, uint64_t end_ns,
			uint64_t *from_ns, uint64_t *to_ns)
{
	uint64_t at = r->evidence_ns ? r->evidence_ns : end_ns;
	uint64_t start = r->evidence_ns ? r->evidence_from_ns : at;
	uint64_t from = at > KT_TRACE_BEFORE_NS ? at - KT_TRACE_BEFORE_NS : 0;

	start = start > KT_TRACE_BEFORE_FROM_NS
		    ? start - KT_TRACE_BEFORE_FROM_NS
		    : 0;
	*from_ns = start < from ? start : from;
	*to_ns = at + KT_TRACE_AFTER_NS;
}

int kt_trace_names_of(const struct kt_result *r, struct kt_trace_name **out,
		      size_t *nr)
{
	struct kt_trace_name *v;

	*out = NULL;
	*nr = 0;
	if (!r->nr_workers)
		return 0;
	v = calloc(r->nr_workers, sizeof(*v));
	if (!v)
		return kt_err(ENOMEM, "trace names: out of memory");
	for (size_t i = 0; i < r->nr_workers; i++) {
		const struct kt_worker_entry *w = &r->workers[i];
		unsigned idx = 0;

		for (size_t j = 0; j < i; j++)
			idx += !strcmp(r->workers[j].cgroup, w->cgroup);
		v[i].tid = w->tid;
		snprintf(v[i].name, sizeof(v[i].name), "%s/%u",
			 w->cgroup[0] ? w->cgroup : "worker", idx);
		/* one word: viewers split an event's fields on spaces */
		for (char *c = v[i].name; *c; c++)
			if (isspace((unsigned char)*c) || *c == '=')
				*c = '_';
	}
	*out = v;
	*nr = r->nr_workers;
	return 0;
}

static const char *name_of(const struct kt_trace_name *names, size_t nr,
			   int pid)
{
	for (size_t i = 0; i < nr; i++)
		if (names[i].tid == pid && pid > 0)
			return names[i].name;
	return NULL;
}

/* Output buffer that grows. */
struct obuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct obuf *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		char *p;

		while (o->len + n + 1 > cap)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* The pid of "KEYpid=N" among the words after w (w..end), key = the part
 * of the comm word before "comm=" ("", "prev_", "next_"); -1 if none. */
static int pid_of_key(const char *w, const char *end, const char *key,
		      size_t klen)
{
	for (const char *p = w; p < end; p++) {
		if (p[0] != ' ')
			continue;
		if ((size_t)(end - p) > klen + 5 && !memcmp(p + 1, key, klen) &&
		    !memcmp(p + 1 + klen, "pid=", 4) &&
		    isdigit((unsigned char)p[5 + klen]))
			return atoi(p + 5 + klen);
	}
	return -1;
}

/* The args with every "[prefix]comm=VALUE" of a named pid renamed. */
static void put_args(struct obuf *o, const char *a, const char *end,
		     const struct kt_trace_name *names, size_t nr)
{
	const char *p = a;

	while (p < end) {
		const char *w = p, *eq, *we;
		const char *name = NULL;

		while (p < end && *p != ' ')
			p++;
		we = p;
		eq = memchr(w, '=', (size_t)(we - w));
		if (eq && eq - w >= 4 && !memcmp(eq - 4, "comm", 4) &&
		    (eq - 4 == w || eq[-5] == '_')) {
			int pid = pid_of_key(we, end, w, (size_t)(eq - 4 - w));

			name = name_of(names, nr, pid);
		}
		if (name) {
			put(o, w, (size_t)(eq + 1 - w));
			put(o, name, strlen(name));
		} else {
			put(o, w, (size_t)(we - w));
		}
		for (w = p; p < end && *p == ' '; p++)
			;
		put(o, w, (size_t)(p - w));
	}
}

static void put_event(struct obuf *o, const char *l, size_t n,
		      const struct ev_line *ev,
		      const struct kt_trace_name *names, size_t nr)
{
	const char *name = name_of(names, nr, ev->pid);

	if (name) {
		size_t width = ev->task_to, len = strlen(name);

		for (size_t i = len; i < width; i++)
			put(o, " ", 1);
		put(o, name, len);
	} else {
		put(o, l, ev->task_to);
	}
	put(o, l + ev->task_to, ev->args_from - ev->task_to);
	put_args(o, l + ev->args_from, l + n, names, nr);
	put(o, "\n", 1);
}

int kt_trace_window(const char *text, size_t len, const char *note,
		    uint64_t from_ns, uint64_t to_ns,
		    const struct kt_trace_name *names, size_t nr, char **out,
		    size_t *out_len, size_t *events)
{
	struct obuf o = {0};
	bool header = true;
	size_t kept = 0;

	put(&o, "", 0);
	for (size_t i = 0; i < len;) {
		const char *l = text + i, *nl = memchr(l, '\n', len - i);
		size_t n = nl ? (size_t)(nl - l) : len - i;
		struct ev_line ev;

		i += n + (nl ? 1 : 0);
		if (header && n && l[0] == '#') {
			put(&o, l, n);
			put(&o, "\n", 1);
			continue;
		}
		if (header && note)
			put(&o, note, strlen(note));
		header = false;
		if (!parse_line(l, n, &ev) || ev.ts_ns < from_ns ||
		    ev.ts_ns >= to_ns)
			continue;
		put_event(&o, l, n, &ev, names, nr);
		kept++;
	}
	if (o.oom) {
		free(o.p);
		return kt_err(ENOMEM, "trace window: out of memory");
	}
	*out = o.p;
	*out_len = o.len;
	if (events)
		*events = kept;
	return 0;
}
