/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading sched_ext debug dumps (pure): the dump line of a trace_pipe
 * line of the sched_ext_dump event, splitting a stream of dump lines into
 * dumps at the kernel's headers (kernel/sched/ext/ext.c, scx_dump_state),
 * and the DEBUG DUMP block a loader prints from the exit info's buffer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/sched.h>

const char *kt_scx_trace_dump_text(const char *line)
{
	static const char ev[] = ": sched_ext_dump:";
	const char *p = strstr(line, ev);

	/* the event name follows the timestamp's ": " and the printk text
	 * follows "sched_ext_dump: " (an empty line: nothing after ':') */
	if (!p)
		return NULL;
	p += sizeof(ev) - 1;
	return *p == ' ' ? p + 1 : p;
}

/* ---- splitting ---- */

enum { SLOT_EJECTION, SLOT_SYSRQ, SLOT_OTHER, NR_SLOTS };

struct kt_scx_dump_split {
	char *source;
	struct kt_result_dump *cur; /* the dump being read */
	size_t after_header;	    /* its lines after the header */
	char *ident;		    /* "NAME: root" waiting for its header */
	struct kt_result_dump *done[NR_SLOTS];
};

static int slot_of(const char *trigger)
{
	if (!strcmp(trigger, KT_DUMP_TRIGGER_EJECTION))
		return SLOT_EJECTION;
	if (!strcmp(trigger, KT_DUMP_TRIGGER_SYSRQ))
		return SLOT_SYSRQ;
	return SLOT_OTHER;
}

struct kt_scx_dump_split *kt_scx_dump_split_new(const char *source)
{
	struct kt_scx_dump_split *s = calloc(1, sizeof(*s));

	if (s && !(s->source = strdup(source ?: ""))) {
		free(s);
		s = NULL;
	}
	return s;
}

/* The dump being read is complete: it replaces the older one of its
 * trigger. */
static void finish(struct kt_scx_dump_split *s)
{
	int slot;

	if (!s->cur)
		return;
	slot = slot_of(s->cur->trigger);
	kt_result_dump_free(s->done[slot]);
	s->done[slot] = s->cur;
	s->cur = NULL;
}

void kt_scx_dump_split_free(struct kt_scx_dump_split *s)
{
	if (!s)
		return;
	kt_result_dump_free(s->cur);
	for (int i = 0; i < NR_SLOTS; i++)
		kt_result_dump_free(s->done[i]);
	free(s->ident);
	free(s->source);
	free(s);
}

/* "NAME: root" or "NAME: subN-ID PATH": the scheduler a dump is of. */
static bool is_ident(const char *l)
{
	const char *c = strstr(l, ": ");

	if (!c || c == l || memchr(l, ' ', (size_t)(c - l)))
		return false;
	c += 2;
	return !strcmp(c, "root") ||
	       (!strncmp(c, "sub", 3) && isdigit((unsigned char)c[3]));
}

/* A header: the trigger it names into buf, or false. */
static bool header(const char *l, char *buf, size_t len)
{
	static const char dbg[] = "Debug dump triggered by ";

	if (!strncmp(l, dbg, sizeof(dbg) - 1)) {
		snprintf(buf, len, "%s", l + sizeof(dbg) - 1);
		return true;
	}
	if (l[0] != ' ' && strstr(l, "] triggered exit kind ")) {
		snprintf(buf, len, "%s", KT_DUMP_TRIGGER_EJECTION);
		return true;
	}
	return false;
}

static int start(struct kt_scx_dump_split *s, const char *trigger)
{
	finish(s);
	s->cur = kt_result_dump_new(trigger, NULL, s->source);
	s->after_header = 0;
	if (!s->cur)
		return kt_err(ENOMEM, "dump: out of memory");
	return 0;
}

static int add(struct kt_scx_dump_split *s, const char *line)
{
	struct kt_result_dump *d = s->cur;

	if (!d)
		return 0; /* before any header: a dump's lost start */
	/* an ejection's reason: "  runnable task stall (ktstr: ...)" */
	if (s->after_header++ == 1 &&
	    !strcmp(d->trigger, KT_DUMP_TRIGGER_EJECTION)) {
		char *r = strdup(line + strspn(line, " "));

		if (!r)
			return kt_err(ENOMEM, "dump: out of memory");
		free(d->reason);
		d->reason = r;
	}
	return kt_result_dump_add_line(d, line);
}

int kt_scx_dump_split_line(struct kt_scx_dump_split *s, const char *line)
{
	char trig[128], *ident = s->ident;
	int err = 0;

	s->ident = NULL;
	if (header(line, trig, sizeof(trig))) {
		err = start(s, trig);
		if (!err && ident)
			err = kt_result_dump_add_line(s->cur, ident);
	} else if (ident) {
		err = add(s, ident); /* it was not before a header after all */
	}
	free(ident);
	if (err)
		return err;
	if (is_ident(line) && !header(line, trig, sizeof(trig))) {
		s->ident = strdup(line);
		return s->ident ? 0 : kt_err(ENOMEM, "dump: out of memory");
	}
	return add(s, line);
}

struct kt_result_dump *kt_scx_dump_split_take(struct kt_scx_dump_split *s,
					      const char *trigger)
{
	int slot = slot_of(trigger);
	struct kt_result_dump *d;

	if (s->cur && slot_of(s->cur->trigger) == slot)
		finish(s);
	d = s->done[slot];
	s->done[slot] = NULL;
	return d;
}

/* ---- a loader's output ---- */

/* The next line of *p into a bounded copy; false at the end. */
static bool next_line(const char **p, char *buf, size_t len)
{
	size_t n;

	if (!**p)
		return false;
	n = strcspn(*p, "\n");
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), *p);
	if (n && buf[strlen(buf) - 1] == '\r')
		buf[strlen(buf) - 1] = '\0';
	*p += n + ((*p)[n] == '\n');
	return true;
}

static bool is_rule(const char *l)
{
	return strlen(l) >= 8 && strspn(l, "=") == strlen(l);
}

static bool ends_with(const char *l, const char *tail)
{
	size_t a = strlen(l), b = strlen(tail);

	return a >= b && !strcmp(l + a - b, tail);
}

/* Where the last block's dump lines start (after its header and, for
 * UEI_REPORT, the rule and blank line), or NULL. *uei says which kind. */
static const char *last_block(const char *log, bool *uei)
{
	const char *p = log, *at = NULL;
	char l[1024];

	while (next_line(&p, l, sizeof(l))) {
		if (ends_with(l, "END DEBUG DUMP") ||
		    !ends_with(l, "DEBUG DUMP"))
			continue;
		at = p;
		*uei = !strcmp(l, "DEBUG DUMP");
	}
	if (at && *uei) { /* "====...", then a blank line */
		const char *q = at;

		if (next_line(&q, l, sizeof(l)) && is_rule(l)) {
			at = q;
			if (next_line(&q, l, sizeof(l)) && !l[0])
				at = q;
		}
	}
	return at;
}

struct kt_result_dump *kt_scx_dump_from_log(const char *log, const char *reason)
{
	bool uei = false;
	const char *p = log ? last_block(log, &uei) : NULL;
	struct kt_result_dump *d;
	char l[1024];

	if (!p)
		return NULL;
	d = kt_result_dump_new(KT_DUMP_TRIGGER_EJECTION, reason, "loader");
	while (d && next_line(&p, l, sizeof(l))) {
		if (uei ? is_rule(l) : ends_with(l, "END DEBUG DUMP"))
			break;
		if (kt_result_dump_add_line(d, l)) {
			kt_result_dump_free(d);
			return NULL;
		}
	}
	/* the loader prints the buffer and a '\n': drop trailing blanks */
	while (d && d->nr_lines && ends_with(d->text, "\n\n")) {
		d->text[strlen(d->text) - 1] = '\0';
		d->nr_lines--;
	}
	return d;
}
