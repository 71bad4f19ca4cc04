/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From a test's raw verdict to its status: the expect_err inversion rules
 * (INFRA and INCONCLUSIVE are never inverted) and the record that carries a
 * run's evidence.
 */
#include <stdlib.h>

#include <ktstr/test_runner.h>

enum kt_test_status kt_test_judge(enum kt_verdict v, bool expect_err,
				  const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;
	switch (v) {
	case KT_VERDICT_PASS:
		if (!expect_err)
			return KT_TEST_PASSED;
		*why = "expected an error, but the test passed";
		return KT_TEST_FAILED;
	case KT_VERDICT_SKIP:
		return KT_TEST_SKIPPED;
	case KT_VERDICT_INCONCLUSIVE:
		/* not the scheduler's error, so expect_err does not turn it
		 * into a pass either */
		if (expect_err)
			*why = "inconclusive (not the expected error)";
		return KT_TEST_INCONCLUSIVE;
	case KT_VERDICT_FAIL:
	case KT_VERDICT_SCHED:
		if (expect_err)
			return KT_TEST_PASSED;
		return KT_TEST_FAILED;
	case KT_VERDICT_INFRA:
	default:
		if (expect_err)
			*why = "infrastructure failure (not the expected "
			       "error)";
		return KT_TEST_FAILED;
	}
}

enum kt_test_status kt_test_record_status(const struct kt_test_record *r)
{
	return kt_test_judge(r->verdict, r->expect_err, NULL);
}

void kt_test_record_free(struct kt_test_record *r)
{
	if (!r)
		return;
	free(r->reason);
	free(r->report);
	r->reason = NULL;
	r->report = NULL;
}
