/* SPDX-License-Identifier: GPL-2.0-only */
/* The BUG SUMMARY line and the stderr hold that keeps it first. */
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bug_summary.h"

bool kt_cli_bug_verdict(enum kt_verdict v)
{
	return v == KT_VERDICT_FAIL || v == KT_VERDICT_SCHED ||
	       v == KT_VERDICT_INCONCLUSIVE;
}

const struct kt_result *kt_cli_bug_first(const struct kt_result *rs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (kt_cli_bug_verdict(rs[i].verdict))
			return &rs[i];
	return NULL;
}

/* Whether a detail of kind k is what gives verdict v. */
static bool gives(enum kt_detail_kind k, enum kt_verdict v)
{
	if (v == KT_VERDICT_SCHED)
		return k == KT_DETAIL_SCHEDULER;
	if (v == KT_VERDICT_INCONCLUSIVE)
		return k == KT_DETAIL_HOST_STALL || k == KT_DETAIL_COVERAGE;
	/* a FAIL: a stuck or starved worker is the evidence; a worker that
	 * then "did not stop in time" only follows from it (its details
	 * come first) */
	return k == KT_DETAIL_STUCK || k == KT_DETAIL_STARVED;
}

/* The first detail that gives the verdict (a SCHED's scheduler detail
 * follows the checks' details; a FAIL's stuck or starved worker the
 * worker's exit), else the first that is not a note. */
static const char *first_evidence(const struct kt_result *r)
{
	for (size_t i = 0; i < r->nr_details; i++)
		if (gives(r->details[i].kind, r->verdict) && r->details[i].msg)
			return r->details[i].msg;
	for (size_t i = 0; i < r->nr_details; i++)
		if (r->details[i].kind != KT_DETAIL_NOTE && r->details[i].msg)
			return r->details[i].msg;
	return "(no detail)";
}

static void upper(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++)
		out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	out[i] = '\0';
}

void kt_cli_bug_summary(const struct kt_result *r, const char *trace,
			const char *dump, char *buf, size_t len)
{
	char verdict[32];
	int n;

	upper(kt_verdict_name(r->verdict), verdict, sizeof(verdict));
	n = snprintf(buf, len,
		     "BUG SUMMARY: %s [topo=%s sched=%s] %s: %s (trace: %s",
		     r->scenario ? r->scenario : "?", r->topo ? r->topo : "?",
		     r->scheduler ? r->scheduler : "eevdf", verdict,
		     first_evidence(r), trace ? trace : "none");
	if (n >= 0 && (size_t)n < len && dump)
		n += snprintf(buf + n, len - (size_t)n, "; dump: %s", dump);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ")");
	/* one line, whatever a detail holds */
	for (char *c = buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

void kt_cli_hold_stderr(struct kt_cli_hold *h)
{
	h->saved = -1;
	h->mem = -1;
	/* A person at a terminal sees the progress lines live and the
	 * summary when it is known; logs and scripts (stderr not a terminal)
	 * get it as their first line. */
	if (isatty(2))
		return;
	h->mem = memfd_create("ktstr-stderr", MFD_CLOEXEC);
	if (h->mem < 0)
		return;
	fflush(stderr);
	h->saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (h->saved < 0 || dup2(h->mem, 2) < 0) {
		if (h->saved >= 0)
			close(h->saved);
		close(h->mem);
		h->saved = h->mem = -1;
	}
}

void kt_cli_release_stderr(struct kt_cli_hold *h, const char *line)
{
	char buf[8192];
	ssize_t n;

	fflush(stderr);
	if (h->saved >= 0) {
		dup2(h->saved, 2);
		close(h->saved);
		h->saved = -1;
	}
	if (line)
		fprintf(stderr, "%s\n", line);
	fflush(stderr);
	if (h->mem < 0)
		return;
	lseek(h->mem, 0, SEEK_SET);
	while ((n = read(h->mem, buf, sizeof(buf))) > 0)
		if (write(2, buf, (size_t)n) != n)
			break;
	close(h->mem);
	h->mem = -1;
}
