/* SPDX-License-Identifier: GPL-2.0-only */
/* The sched_ext debug dumps of a result (result_dump.c): freeing, merging,
 * the JSON array "dumps" both ways and the text report's section. */
#ifndef KTSTR_RESULT_DUMP_H
#define KTSTR_RESULT_DUMP_H

#include <stdio.h>

#include <jansson.h>

#include <ktstr/result.h>

void kt_result_dumps_free(struct kt_result *r);
int kt_result_dumps_merge(struct kt_result *dst, const struct kt_result *src);
/* One dump: {"trigger", "reason", "source", "text", "nr_lines",
 * "dropped_lines"}; and its reverse (-EINVAL + message naming where). */
json_t *kt_result_dump_to_json(const struct kt_result_dump *d);
int kt_result_dump_from_json(const json_t *j, const char *where,
			     struct kt_result_dump **out);
/* [dump, ...] */
json_t *kt_result_dumps_json(const struct kt_result *r);
/* The "dumps" array of j into r (absent: none); -EINVAL + message. */
int kt_result_dumps_parse(const json_t *j, struct kt_result *r);
/* "--- sched_ext dump ---" sections (none: nothing). */
void kt_result_dumps_print(const struct kt_result *r, FILE *f);

#endif
