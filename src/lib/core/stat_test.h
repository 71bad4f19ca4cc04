/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two-sample significance tests for `ktstr compare`: a metric of repeated
 * runs of a baseline (sample a) against a new build (sample b). Welch's
 * t-test and the Mann-Whitney U test, both two-sided, plus the mean and
 * standard deviation a report prints beside them. Pure: libc and libm.
 */
#ifndef KTSTR_STAT_TEST_H
#define KTSTR_STAT_TEST_H

#include <stdbool.h>
#include <stddef.h>

/* Largest run count per side for which Mann-Whitney's p is exact. */
#define KT_MW_EXACT_MAX 20

struct kt_sample_summary {
	size_t n;
	double mean;
	double sd; /* sample standard deviation (divisor n - 1) */
};

/* Mean and sd of x[0..n). n = 0: both NaN; n = 1: sd NaN. Equal values
 * give exactly that value as the mean and sd exactly 0. */
void kt_sample_summarize(const double *x, size_t n,
			 struct kt_sample_summary *out);

struct kt_welch {
	double t;  /* (mean(a) - mean(b)) / standard error: > 0 when a is
		    * larger */
	double df; /* Welch-Satterthwaite degrees of freedom */
	double p;  /* two-sided, from the Student t distribution */
};

/*
 * Welch's t-test (no assumption of equal variances). 0, or -EINVAL with
 * a message (kt_last_error()) when a side has fewer than 2 runs or a
 * value is NaN or infinite; -ERANGE when the values are so large that
 * the variance overflows.
 * Both samples constant (both variances 0): equal means give t = 0,
 * p = 1; different means give t = +-INFINITY, p = 0 (a difference with
 * no noise at all is taken as certain); df is na + nb - 2 then.
 */
int kt_welch_test(const double *a, size_t na, const double *b, size_t nb,
		  struct kt_welch *out);

struct kt_mann_whitney {
	double u;   /* U of a: pairs (a_i, b_j) with a_i > b_j, a tie
		     * counting 1/2; U of b is na * nb - u */
	double p;   /* two-sided */
	bool exact; /* p from the exact distribution of U (else normal) */
};

/*
 * The Mann-Whitney U (Wilcoxon rank-sum) test. With no ties in the
 * pooled sample and na, nb <= KT_MW_EXACT_MAX, p is exact (twice the
 * tail of U's distribution, at most 1); otherwise it is the normal
 * approximation with tie and continuity correction (all values equal:
 * p = 1).
 * The smallest exact p is 2 / C(na + nb, na): 0.1 with 3 runs per side,
 * so the test can never reach 0.05 at --runs 3 (callers use Welch there);
 * 4 per side give 0.029, 5 per side 0.0079.
 * O((na + nb)^2) time and no allocation: meant for run counts.
 * 0, or -EINVAL with a message when a side is empty or a value is NaN
 * or infinite.
 */
int kt_mann_whitney_test(const double *a, size_t na, const double *b, size_t nb,
			 struct kt_mann_whitney *out);

#endif
