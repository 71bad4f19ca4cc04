/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BPF map writes a result records (<ktstr/map_write.h>): one entry per
 * write applied to the scheduler under test, kept in the result, its JSON
 * ("map_writes") and the text report, with the CLOCK_MONOTONIC time of
 * the write so it can be compared with the workers' gate_ns.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "result_map_writes.h"

int kt_result_add_map_write(struct kt_result *r,
			    const struct kt_map_write_record *m)
{
	struct kt_map_write_record c = *m, *a; /* m may point into r */

	a = realloc(r->map_writes, (r->nr_map_writes + 1) * sizeof(*a));
	if (!a)
		return kt_err(ENOMEM, "result: out of memory for a map write");
	r->map_writes = a;
	a[r->nr_map_writes++] = c;
	return 0;
}

void kt_result_map_writes_free(struct kt_result *r)
{
	free(r->map_writes);
	r->map_writes = NULL;
	r->nr_map_writes = 0;
}

int kt_result_map_writes_merge(struct kt_result *dst,
			       const struct kt_result *src)
{
	size_t n = src->nr_map_writes; /* dst may be src */

	for (size_t i = 0; i < n; i++) {
		int err = kt_result_add_map_write(dst, &src->map_writes[i]);

		if (err)
			return err;
	}
	return 0;
}

static json_t *u64j(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *one_json(const struct kt_map_write_record *m)
{
	json_t *o = json_pack(
	    "{s:s, s:I, s:I, s:s, s:I, s:I, s:b}", "map", m->map, "map_id",
	    (json_int_t)m->map_id, "key", (json_int_t)m->key, "field", m->field,
	    "offset", (json_int_t)m->offset, "width", (json_int_t)m->width,
	    "before_work", m->before_work);

	if (o && (json_object_set_new(o, "old_value", u64j(m->old_value)) ||
		  json_object_set_new(o, "value", u64j(m->value)) ||
		  json_object_set_new(o, "at_ns", u64j(m->at_ns)) ||
		  json_object_set_new(o, "step", json_integer(m->step)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *kt_result_map_writes_json(const struct kt_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->nr_map_writes; i++) {
		if (json_array_append_new(a, one_json(&r->map_writes[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int parse_one(json_t *e, size_t i, struct kt_map_write_record *m)
{
	const char *map = NULL, *field = NULL;
	json_int_t id, key, off, width, old, val, at, step;
	int before = 0;

	if (json_unpack(e,
			"{s:s, s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, "
			"s:b}",
			"map", &map, "map_id", &id, "key", &key, "field",
			&field, "offset", &off, "width", &width, "old_value",
			&old, "value", &val, "at_ns", &at, "step", &step,
			"before_work", &before))
		return kt_err(EINVAL,
			      "result JSON: map_writes[%zu]: needs map, field "
			      "(strings), map_id, key, offset, width, "
			      "old_value, value, at_ns, step (integers) and "
			      "before_work",
			      i);
	memset(m, 0, sizeof(*m));
	snprintf(m->map, sizeof(m->map), "%s", map);
	snprintf(m->field, sizeof(m->field), "%s", field);
	m->map_id = (uint32_t)id;
	m->key = (uint32_t)key;
	m->offset = (uint32_t)off;
	m->width = (unsigned)width;
	m->old_value = (uint64_t)old;
	m->value = (uint64_t)val;
	m->at_ns = (uint64_t)at;
	m->step = (unsigned)step;
	m->before_work = before;
	return 0;
}

int kt_result_map_writes_parse(const json_t *j, struct kt_result *r)
{
	json_t *a = json_object_get(j, "map_writes"), *e;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return kt_err(EINVAL,
			      "result JSON: map_writes: must be an array");
	json_array_foreach(a, i, e)
	{
		struct kt_map_write_record m;
		int err = parse_one(e, i, &m);

		if (!err)
			err = kt_result_add_map_write(r, &m);
		if (err)
			return err;
	}
	return 0;
}

void kt_result_map_writes_print(const struct kt_result *r, FILE *f)
{
	if (!r->nr_map_writes)
		return;
	fputs("--- map writes ---\n", f);
	for (size_t i = 0; i < r->nr_map_writes; i++) {
		const struct kt_map_write_record *m = &r->map_writes[i];
		char where[48];

		if (m->step)
			snprintf(where, sizeof(where), "WriteMap in step %u",
				 m->step);
		else
			snprintf(where, sizeof(where), "%s",
				 m->before_work ? "declared, before any worker"
						: "declared");
		fprintf(f,
			"  %s[%" PRIu32 "]%s%s +%" PRIu32 "/%u = %" PRIu64
			" (was %" PRIu64 "), map id %" PRIu32 ", at %.6fs "
			"(CLOCK_MONOTONIC), %s\n",
			m->map, m->key, m->field[0] ? "." : "", m->field,
			m->offset, m->width, m->value, m->old_value, m->map_id,
			(double)m->at_ns / 1e9, where);
	}
}
