/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sched_ext debug dumps a result carries (struct kt_result_dump):
 * building one line by line within its bound, copying, merging, the JSON
 * array "dumps" both ways and the text report's section, which shows the
 * first KT_DUMP_PRINT_LINES lines of each and says where the rest is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "result_dump.h"

struct kt_result_dump *
kt_result_dump_new(const char *trigger, const char *reason, const char *source)
{
	struct kt_result_dump *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->trigger = strdup(trigger ?: "");
	d->reason = strdup(reason ?: "");
	d->source = strdup(source ?: "");
	d->text = strdup("");
	if (!d->trigger || !d->reason || !d->source || !d->text) {
		kt_result_dump_free(d);
		return NULL;
	}
	return d;
}

void kt_result_dump_free(struct kt_result_dump *d)
{
	if (!d)
		return;
	free(d->trigger);
	free(d->reason);
	free(d->source);
	free(d->text);
	free(d);
}

int kt_result_dump_add_line(struct kt_result_dump *d, const char *line)
{
	size_t have = strlen(d->text), n = strcspn(line, "\n");
	char *t;

	if (d->dropped_lines || d->nr_lines >= KT_DUMP_MAX_LINES ||
	    have + n + 1 > KT_DUMP_MAX_BYTES) {
		d->dropped_lines++;
		return 0;
	}
	t = realloc(d->text, have + n + 2);
	if (!t)
		return kt_err(ENOMEM, "dump: out of memory");
	memcpy(t + have, line, n);
	t[have + n] = '\n';
	t[have + n + 1] = '\0';
	d->text = t;
	d->nr_lines++;
	return 0;
}

static struct kt_result_dump *dump_copy(const struct kt_result_dump *s)
{
	struct kt_result_dump *d =
	    kt_result_dump_new(s->trigger, s->reason, s->source);

	if (!d)
		return NULL;
	free(d->text);
	d->text = strdup(s->text ?: "");
	if (!d->text) {
		kt_result_dump_free(d);
		return NULL;
	}
	d->nr_lines = s->nr_lines;
	d->dropped_lines = s->dropped_lines;
	return d;
}

int kt_result_add_dump(struct kt_result *r, const struct kt_result_dump *d)
{
	struct kt_result_dump *c, *v;

	if (r->nr_dumps >= KT_DUMP_MAX_PER_RESULT)
		return kt_result_add(r, KT_DETAIL_NOTE,
				     "sched_ext dump (%s) not kept: %d dumps "
				     "per result at most",
				     d->trigger, KT_DUMP_MAX_PER_RESULT);
	c = dump_copy(d);
	v = c ? realloc(r->dumps, (r->nr_dumps + 1) * sizeof(*v)) : NULL;
	if (!v) {
		kt_result_dump_free(c);
		return kt_err(ENOMEM, "result: out of memory for a dump");
	}
	r->dumps = v;
	r->dumps[r->nr_dumps++] = *c;
	free(c); /* its members now belong to r->dumps */
	return 0;
}

void kt_result_dumps_free(struct kt_result *r)
{
	for (size_t i = 0; i < r->nr_dumps; i++) {
		free(r->dumps[i].trigger);
		free(r->dumps[i].reason);
		free(r->dumps[i].source);
		free(r->dumps[i].text);
	}
	free(r->dumps);
	r->dumps = NULL;
	r->nr_dumps = 0;
}

int kt_result_dumps_merge(struct kt_result *dst, const struct kt_result *src)
{
	size_t n = src->nr_dumps; /* dst may be src */

	for (size_t i = 0; i < n; i++) {
		int err = kt_result_add_dump(dst, &src->dumps[i]);

		if (err)
			return err;
	}
	return 0;
}

json_t *kt_result_dump_to_json(const struct kt_result_dump *d)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "trigger",
			 d->trigger ?: "", "reason", d->reason ?: "", "source",
			 d->source ?: "", "text", d->text ?: "", "nr_lines",
			 (json_int_t)d->nr_lines, "dropped_lines",
			 (json_int_t)d->dropped_lines);
}

int kt_result_dump_from_json(const json_t *j, const char *where,
			     struct kt_result_dump **out)
{
	const char *trig = NULL, *why = NULL, *src = NULL, *text = NULL;
	json_int_t nl = 0, dl = 0;
	struct kt_result_dump *d;

	*out = NULL;
	if (json_unpack((json_t *)j, "{s:s, s:s, s:s, s:s, s:I, s:I}",
			"trigger", &trig, "reason", &why, "source", &src,
			"text", &text, "nr_lines", &nl, "dropped_lines", &dl) ||
	    nl < 0 || dl < 0)
		return kt_err(EINVAL,
			      "%s: needs trigger, reason, source, text "
			      "(strings), nr_lines and dropped_lines (counts)",
			      where);
	d = kt_result_dump_new(trig, why, src);
	if (d) {
		free(d->text);
		d->text = strdup(text);
	}
	if (!d || !d->text) {
		kt_result_dump_free(d);
		return kt_err(ENOMEM, "%s: out of memory", where);
	}
	d->nr_lines = (size_t)nl;
	d->dropped_lines = (size_t)dl;
	*out = d;
	return 0;
}

json_t *kt_result_dumps_json(const struct kt_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->nr_dumps; i++) {
		if (json_array_append_new(
			a, kt_result_dump_to_json(&r->dumps[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int kt_result_dumps_parse(const json_t *j, struct kt_result *r)
{
	json_t *a = json_object_get(j, "dumps"), *e;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return kt_err(EINVAL, "result JSON: dumps: must be an array");
	json_array_foreach(a, i, e)
	{
		struct kt_result_dump *d;
		char where[64];
		int err;

		snprintf(where, sizeof(where), "result JSON: dumps[%zu]", i);
		err = kt_result_dump_from_json(e, where, &d);
		if (!err)
			err = kt_result_add_dump(r, d);
		kt_result_dump_free(d);
		if (err)
			return err;
	}
	return 0;
}

/* The header, then the first lines, then where the rest is. */
static void print_dump(const struct kt_result_dump *d, size_t i, size_t n,
		       FILE *f)
{
	const char *p = d->text ?: "";
	size_t shown = 0;

	fprintf(f, "--- sched_ext dump %zu/%zu: %s (%s), %zu lines%s%s ---\n",
		i + 1, n, d->trigger, d->source, d->nr_lines,
		d->reason && d->reason[0] ? ": " : "", d->reason ?: "");
	while (*p && shown < KT_DUMP_PRINT_LINES) {
		size_t l = strcspn(p, "\n");

		fprintf(f, "  |%s%.*s\n", l ? " " : "", (int)l, p);
		p += l + (p[l] == '\n');
		shown++;
	}
	if (d->nr_lines > shown)
		fprintf(f,
			"  | ... %zu more lines: the whole dump is the JSON "
			"result's dumps[%zu].text\n",
			d->nr_lines - shown, i);
	if (d->dropped_lines)
		fprintf(f,
			"  | (%zu lines past the %d-line / %d KiB bound were "
			"dropped)\n",
			d->dropped_lines, KT_DUMP_MAX_LINES,
			KT_DUMP_MAX_BYTES / 1024);
}

void kt_result_dumps_print(const struct kt_result *r, FILE *f)
{
	for (size_t i = 0; i < r->nr_dumps; i++)
		print_dump(&r->dumps[i], i, r->nr_dumps, f);
}
