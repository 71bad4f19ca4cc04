/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_result life cycle and merge rules: header fields, details (which raise
 * the verdict), per-cgroup stats, skip, merge (the worst verdict wins), and
 * the verdict / detail-kind names and exit codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/result.h>

#include "result_dump.h"
#include "result_lanes.h"
#include "result_metrics.h"
#include "result_map_writes.h"
#include "result_evidence.h"

static const char *const verdict_names[KT_VERDICT__COUNT] = {
    [KT_VERDICT_PASS] = "pass",
    [KT_VERDICT_SKIP] = "skip",
    [KT_VERDICT_INCONCLUSIVE] = "inconclusive",
    [KT_VERDICT_FAIL] = "fail",
    [KT_VERDICT_SCHED] = "sched",
    [KT_VERDICT_INFRA] = "infra",
};

static const char *const detail_kind_names[KT_DETAIL__COUNT] = {
    [KT_DETAIL_STARVED] = "starved",
    [KT_DETAIL_UNFAIR] = "unfair",
    [KT_DETAIL_STUCK] = "stuck",
    [KT_DETAIL_ISOLATION] = "isolation",
    [KT_DETAIL_THROUGHPUT] = "throughput",
    [KT_DETAIL_WAKE_LATENCY] = "wake_latency",
    [KT_DETAIL_MIGRATION] = "migration",
    [KT_DETAIL_WORKER] = "worker",
    [KT_DETAIL_SCHEDULER] = "scheduler",
    [KT_DETAIL_INFRA] = "infra",
    [KT_DETAIL_NOTE] = "note",
    [KT_DETAIL_CONSERVATION] = "conservation",
    [KT_DETAIL_HOST_STALL] = "host_stall",
    [KT_DETAIL_COVERAGE] = "coverage",
    [KT_DETAIL_EXT_EVENTS] = "ext_events",
    [KT_DETAIL_PAYLOAD] = "payload",
    [KT_DETAIL_MONITOR] = "monitor",
};

const char *kt_verdict_name(enum kt_verdict v)
{
	if ((unsigned int)v >= KT_ARRAY_SIZE(verdict_names))
		return "unknown";
	return verdict_names[v];
}

int kt_verdict_parse(const char *name)
{
	for (unsigned int v = 0; name && v < KT_VERDICT__COUNT; v++)
		if (!strcmp(name, verdict_names[v]))
			return (int)v;
	return -1;
}

int kt_verdict_exit_code(enum kt_verdict v)
{
	switch (v) {
	case KT_VERDICT_PASS:
		return KT_EXIT_PASS;
	case KT_VERDICT_SKIP:
		return KT_EXIT_UNSUPPORTED;
	case KT_VERDICT_INCONCLUSIVE:
		return KT_EXIT_INCONCLUSIVE;
	case KT_VERDICT_FAIL:
	case KT_VERDICT_SCHED:
		return KT_EXIT_FAIL;
	case KT_VERDICT_INFRA:
	case KT_VERDICT__COUNT:
		break;
	}
	return KT_EXIT_INFRA;
}

const char *kt_detail_kind_name(enum kt_detail_kind k)
{
	if ((unsigned int)k >= KT_ARRAY_SIZE(detail_kind_names))
		return "unknown";
	return detail_kind_names[k];
}

void kt_result_init(struct kt_result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = KT_VERDICT_PASS;
}

void kt_result_free(struct kt_result *r)
{
	size_t i;

	for (i = 0; i < r->nr_details; i++)
		free(r->details[i].msg);
	for (i = 0; i < r->nr_stats; i++)
		free(r->stats[i].cgroup);
	for (i = 0; i < r->nr_timeline; i++) {
		free(r->timeline[i].label);
		free(r->timeline[i].ops);
	}
	for (i = 0; i < r->nr_ext_events; i++)
		free(r->ext_events[i].name);
	free(r->ext_events);
	free(r->workers);
	kt_result_metrics_free(r);
	kt_result_dumps_free(r);
	kt_result_map_writes_free(r);
	kt_lanes_free(&r->lanes);
	free(r->details);
	free(r->stats);
	free(r->timeline);
	free(r->scenario);
	free(r->topo);
	free(r->scheduler);
	free(r->skip_reason);
	kt_result_init(r);
}

/* strdup that maps NULL to NULL and reports a failure through *failed. */
static char *dup_opt(const char *s, bool *failed)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*failed = true;
	return d;
}

int kt_result_set_header(struct kt_result *r, const char *scenario,
			 const char *topo, const char *scheduler)
{
	bool failed = false;
	char *sc = dup_opt(scenario, &failed);
	char *tp = dup_opt(topo, &failed);
	char *sd = dup_opt(scheduler, &failed);

	if (failed) {
		free(sc);
		free(tp);
		free(sd);
		return kt_err(ENOMEM, "result header: out of memory");
	}
	if (sc) {
		free(r->scenario);
		r->scenario = sc;
	}
	if (tp) {
		free(r->topo);
		r->topo = tp;
	}
	if (sd) {
		free(r->scheduler);
		r->scheduler = sd;
	}
	return 0;
}

void kt_result_raise(struct kt_result *r, enum kt_verdict v)
{
	if (v > r->verdict)
		r->verdict = v;
}

static enum kt_verdict verdict_of_kind(enum kt_detail_kind kind)
{
	switch (kind) {
	case KT_DETAIL_NOTE:
		return KT_VERDICT_PASS;
	case KT_DETAIL_HOST_STALL:
	case KT_DETAIL_COVERAGE:
		return KT_VERDICT_INCONCLUSIVE;
	case KT_DETAIL_SCHEDULER:
		return KT_VERDICT_SCHED;
	case KT_DETAIL_INFRA:
		return KT_VERDICT_INFRA;
	default:
		return KT_VERDICT_FAIL;
	}
}

/* Make room for n more details / stats. */
static int reserve_details(struct kt_result *r, size_t n)
{
	struct kt_detail *d;

	d = realloc(r->details, (r->nr_details + n) * sizeof(*d));
	if (!d)
		return kt_err(ENOMEM, "result: out of memory for details");
	r->details = d;
	return 0;
}

static int reserve_stats(struct kt_result *r, size_t n)
{
	struct kt_cgroup_stats *s;

	s = realloc(r->stats, (r->nr_stats + n) * sizeof(*s));
	if (!s)
		return kt_err(ENOMEM, "result: out of memory for stats");
	r->stats = s;
	return 0;
}

/* Append a detail whose message the result now owns. */
static int push_detail(struct kt_result *r, enum kt_detail_kind kind, char *msg)
{
	int ret = reserve_details(r, 1);

	if (ret) {
		free(msg);
		return ret;
	}
	r->details[r->nr_details].kind = kind;
	r->details[r->nr_details].msg = msg;
	r->nr_details++;
	kt_result_raise(r, verdict_of_kind(kind));
	return 0;
}

int kt_result_add(struct kt_result *r, enum kt_detail_kind kind,
		  const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kt_err(ENOMEM, "result: out of memory for a detail");
	return push_detail(r, kind, msg);
}

int kt_result_add_stats(struct kt_result *r, const struct kt_cgroup_stats *s)
{
	char *cg = NULL;
	int ret;

	if (s->cgroup) {
		cg = strdup(s->cgroup);
		if (!cg)
			return kt_err(ENOMEM,
				      "result: out of memory for stats");
	}
	ret = reserve_stats(r, 1);
	if (ret) {
		free(cg);
		return ret;
	}
	r->stats[r->nr_stats] = *s;
	r->stats[r->nr_stats].cgroup = cg;
	r->nr_stats++;
	return 0;
}

int kt_result_add_event(struct kt_result *r, const struct kt_timeline_event *ev)
{
	/* A copy first: ev may point into r->timeline (merge into itself). */
	struct kt_timeline_event e = *ev, *t;
	char *label = strdup(e.label ? e.label : "");
	char *ops = strdup(e.ops ? e.ops : "");

	t = label && ops
		? realloc(r->timeline, (r->nr_timeline + 1) * sizeof(*t))
		: NULL;
	if (!t) {
		free(label);
		free(ops);
		return kt_err(ENOMEM, "result: out of memory for the timeline");
	}
	r->timeline = t;
	t[r->nr_timeline] = e;
	t[r->nr_timeline].label = label;
	t[r->nr_timeline].ops = ops;
	r->nr_timeline++;
	return 0;
}

int kt_result_add_ext_event(struct kt_result *r, const char *name,
			    uint64_t delta)
{
	struct kt_ext_event_delta *e;
	char *dup = strdup(name ? name : "");

	e = dup ? realloc(r->ext_events, (r->nr_ext_events + 1) * sizeof(*e))
		: NULL;
	if (!e) {
		free(dup);
		return kt_err(ENOMEM, "result: out of memory for an event");
	}
	r->ext_events = e;
	e[r->nr_ext_events++] = (struct kt_ext_event_delta){dup, delta};
	return 0;
}

int kt_result_skip(struct kt_result *r, const char *fmt, ...)
{
	va_list ap;
	char *reason;
	int n;

	if (r->verdict > KT_VERDICT_SKIP)
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&reason, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kt_err(ENOMEM,
			      "result: out of memory for a skip reason");
	free(r->skip_reason);
	r->skip_reason = reason;
	r->verdict = KT_VERDICT_SKIP;
	return 0;
}

/*
 * dst takes the worse verdict first. dst keeps its header fields, skip
 * reason and duration; src fills only those dst lacks (the skip reason
 * only while the merged verdict is SKIP). On -ENOMEM dst holds a prefix of
 * src's details/stats/timeline. dst == src is allowed (everything is appended
 * once more).
 */
int kt_result_merge(struct kt_result *dst, const struct kt_result *src)
{
	size_t nd = src->nr_details, ns = src->nr_stats, i;
	size_t nt = src->nr_timeline;
	bool failed = false;
	int ret;

	ret = kt_result_set_header(dst, dst->scenario ? NULL : src->scenario,
				   dst->topo ? NULL : src->topo,
				   dst->scheduler ? NULL : src->scheduler);
	if (ret)
		return ret;
	kt_result_raise(dst, src->verdict);
	if (dst->verdict == KT_VERDICT_SKIP && !dst->skip_reason &&
	    src->skip_reason) {
		dst->skip_reason = dup_opt(src->skip_reason, &failed);
		if (failed)
			return kt_err(ENOMEM, "result merge: out of memory");
	}
	if (!dst->duration_ns)
		dst->duration_ns = src->duration_ns;

	if (nd && reserve_details(dst, nd))
		return -ENOMEM;
	for (i = 0; i < nd; i++) {
		char *msg = dup_opt(src->details[i].msg, &failed);

		if (failed)
			return kt_err(ENOMEM, "result merge: out of memory");
		dst->details[dst->nr_details].kind = src->details[i].kind;
		dst->details[dst->nr_details].msg = msg;
		dst->nr_details++;
	}
	if (ns && reserve_stats(dst, ns))
		return -ENOMEM;
	for (i = 0; i < ns; i++) {
		char *cg = dup_opt(src->stats[i].cgroup, &failed);

		if (failed)
			return kt_err(ENOMEM, "result merge: out of memory");
		dst->stats[dst->nr_stats] = src->stats[i];
		dst->stats[dst->nr_stats].cgroup = cg;
		dst->nr_stats++;
	}
	for (i = 0; i < nt; i++) {
		ret = kt_result_add_event(dst, &src->timeline[i]);
		if (ret)
			return ret;
	}
	for (i = 0, nt = src->nr_ext_events; i < nt; i++) {
		ret = kt_result_add_ext_event(dst, src->ext_events[i].name,
					      src->ext_events[i].delta);
		if (ret)
			return ret;
	}
	for (i = 0, nt = src->nr_workers; i < nt; i++) {
		ret = kt_result_add_worker(dst, &src->workers[i]);
		if (ret)
			return ret;
	}
	ret = kt_result_metrics_merge(dst, src);
	if (!ret)
		ret = kt_result_map_writes_merge(dst, src);
	if (ret)
		return ret;
	ret = kt_result_dumps_merge(dst, src);
	if (ret)
		return ret;
	ret = kt_lanes_merge(&dst->lanes, &src->lanes);
	if (ret)
		return ret;
	kt_result_evidence_merge(dst, src);
	if (!dst->host.measured)
		dst->host = src->host;
	return 0;
}

/* A skipped result counts as passed: nothing was found wrong. */
bool kt_result_passed(const struct kt_result *r)
{
	return r->verdict == KT_VERDICT_PASS || r->verdict == KT_VERDICT_SKIP;
}
