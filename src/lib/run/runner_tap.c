/* SPDX-License-Identifier: GPL-2.0-only */
/* TAP output of a test run: one line per test, failure evidence as "# "
 * comments, and the closing "N passed, N failed[, N skipped][, N
 * inconclusive]" line. */
#include <string.h>

#include <ktstr/test_runner.h>

/* Each line of text as a "# " comment ("#" alone for an empty line). */
static void comment_lines(FILE *f, const char *text)
{
	while (text && *text) {
		size_t len = strcspn(text, "\n");

		if (len)
			fprintf(f, "# %.*s\n", (int)len, text);
		else
			fputs("#\n", f);
		text += len;
		if (*text == '\n')
			text++;
	}
}

void kt_tap_print(FILE *f, unsigned n, const struct kt_test_record *r)
{
	const char *why;
	enum kt_test_status st = kt_test_judge(r->verdict, r->expect_err, &why);

	switch (st) {
	case KT_TEST_PASSED:
		fprintf(f, "ok %u - %s\n", n, r->name);
		break;
	case KT_TEST_SKIPPED:
		fprintf(f, "ok %u - %s # SKIP %.*s\n", n, r->name,
			(int)strcspn(r->reason ? r->reason : "skipped", "\n"),
			r->reason ? r->reason : "skipped");
		break;
	case KT_TEST_FAILED:
	case KT_TEST_INCONCLUSIVE:
		fprintf(f, "not ok %u - %s", n, r->name);
		if (st == KT_TEST_INCONCLUSIVE)
			fprintf(f, " # INCONCLUSIVE %.*s",
				(int)strcspn(r->reason ? r->reason : "", "\n"),
				r->reason ? r->reason : "");
		fputc('\n', f);
		if (why)
			fprintf(f, "# %s\n", why);
		if (r->report && r->report[0])
			comment_lines(f, r->report);
		else if (r->reason)
			comment_lines(f, r->reason);
		break;
	}
}

void kt_test_totals_add(struct kt_test_totals *t,
			const struct kt_test_record *r)
{
	switch (kt_test_record_status(r)) {
	case KT_TEST_PASSED:
		t->passed++;
		break;
	case KT_TEST_FAILED:
		t->failed++;
		break;
	case KT_TEST_SKIPPED:
		t->skipped++;
		break;
	case KT_TEST_INCONCLUSIVE:
		t->inconclusive++;
		break;
	}
}

void kt_test_summary_print(FILE *f, const struct kt_test_totals *t)
{
	fprintf(f, "%u passed, %u failed", t->passed, t->failed);
	if (t->skipped)
		fprintf(f, ", %u skipped", t->skipped);
	if (t->inconclusive)
		fprintf(f, ", %u inconclusive", t->inconclusive);
	fputc('\n', f);
}
