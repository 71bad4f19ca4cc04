/* SPDX-License-Identifier: GPL-2.0-only */
/* The evidence moment of a result (result_evidence.c): merging and the
 * JSON object "evidence" ({"at_ns", "from_ns", "tid"}) both ways. */
#ifndef KTSTR_RESULT_EVIDENCE_H
#define KTSTR_RESULT_EVIDENCE_H

#include <errno.h>

#include <jansson.h>

#include <ktstr/result.h>

/* dst takes src's evidence when it has none. */
void kt_result_evidence_merge(struct kt_result *dst,
			      const struct kt_result *src);
/* {"at_ns", "from_ns", "tid"}; NULL when out of memory. */
json_t *kt_result_evidence_json(const struct kt_result *r);
/* j's "evidence" (absent or null: none) into r; -EINVAL + message. */
int kt_result_evidence_parse(const json_t *j, struct kt_result *r);

#endif
