/* SPDX-License-Identifier: GPL-2.0-only */
/* The BPF map writes of a result (result_map_writes.c): freeing, merging,
 * the JSON array "map_writes" both ways and the text report's section. */
#ifndef KTSTR_RESULT_MAP_WRITES_H
#define KTSTR_RESULT_MAP_WRITES_H

#include <stdio.h>

#include <jansson.h>

#include <ktstr/result.h>

void kt_result_map_writes_free(struct kt_result *r);
int kt_result_map_writes_merge(struct kt_result *dst,
			       const struct kt_result *src);
/* [{"map", "map_id", "key", "field", "offset", "width", "old_value",
 *   "value", "at_ns", "step", "before_work"}, ...] */
json_t *kt_result_map_writes_json(const struct kt_result *r);
/* The "map_writes" array of j into r (absent: none); -EINVAL + message. */
int kt_result_map_writes_parse(const json_t *j, struct kt_result *r);
/* "--- map writes ---" and one line per write (none: nothing). */
void kt_result_map_writes_print(const struct kt_result *r, FILE *f);

#endif
