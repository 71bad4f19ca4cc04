/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The evidence moment of a result (struct kt_result: evidence_ns,
 * evidence_from_ns, evidence_tid): setting it (first wins), carrying it
 * through a merge and its JSON object "evidence" both ways. The flight
 * recorder saves the trace window around it (docs/recorder.md).
 */
#include "result_evidence.h"

void kt_result_set_evidence(struct kt_result *r, uint64_t at_ns,
			    uint64_t from_ns, int tid)
{
	if (r->evidence_ns || !at_ns)
		return;
	r->evidence_ns = at_ns;
	r->evidence_from_ns = from_ns && from_ns <= at_ns ? from_ns : at_ns;
	r->evidence_tid = tid;
}

void kt_result_evidence_merge(struct kt_result *dst,
			      const struct kt_result *src)
{
	kt_result_set_evidence(dst, src->evidence_ns, src->evidence_from_ns,
			       src->evidence_tid);
}

json_t *kt_result_evidence_json(const struct kt_result *r)
{
	return json_pack("{s:I, s:I, s:i}", "at_ns", (json_int_t)r->evidence_ns,
			 "from_ns", (json_int_t)r->evidence_from_ns, "tid",
			 r->evidence_tid);
}

int kt_result_evidence_parse(const json_t *j, struct kt_result *r)
{
	json_t *e = json_object_get(j, "evidence");
	json_t *at, *from, *tid;

	if (!e || json_is_null(e))
		return 0;
	at = json_object_get(e, "at_ns");
	from = json_object_get(e, "from_ns");
	tid = json_object_get(e, "tid");
	if (!json_is_object(e) || !json_is_integer(at) ||
	    json_integer_value(at) < 0 ||
	    (from &&
	     (!json_is_integer(from) || json_integer_value(from) < 0)) ||
	    (tid && !json_is_integer(tid)))
		return kt_err(EINVAL,
			      "result JSON: evidence: expected {\"at_ns\": "
			      "N, \"from_ns\": N, \"tid\": N}");
	r->evidence_ns = (uint64_t)json_integer_value(at);
	r->evidence_from_ns =
	    from ? (uint64_t)json_integer_value(from) : r->evidence_ns;
	r->evidence_tid = tid ? (int)json_integer_value(tid) : 0;
	return 0;
}
