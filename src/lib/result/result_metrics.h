/* SPDX-License-Identifier: GPL-2.0-only */
/* The payload metrics of a result (result_metrics.c): freeing, merging,
 * the JSON array "metrics" both ways and the text report's section. */
#ifndef KTSTR_RESULT_METRICS_H
#define KTSTR_RESULT_METRICS_H

#include <stdio.h>

#include <jansson.h>

#include <ktstr/result.h>

void kt_result_metrics_free(struct kt_result *r);
int kt_result_metrics_merge(struct kt_result *dst, const struct kt_result *src);
/* [{"payload", "metric", "unit", "value", "higher_is_better"}, ...] */
json_t *kt_result_metrics_json(const struct kt_result *r);
/* The "metrics" array of j into r (absent: none); -EINVAL + message. */
int kt_result_metrics_parse(const json_t *j, struct kt_result *r);
/* "--- payload metrics ---" and one line per payload (none: nothing). */
void kt_result_metrics_print(const struct kt_result *r, FILE *f);

#endif
