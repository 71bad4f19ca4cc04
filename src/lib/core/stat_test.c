/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Welch's t-test and the Mann-Whitney U test (stat_test.h): sample
 * summaries, the Student t tail through the regularized incomplete beta
 * function (a continued fraction), and the exact null distribution of U.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <ktstr/common.h>

#include "stat_test.h"

#define CF_EPS	    1e-15
#define CF_TINY	    1e-300
#define CF_MAX_ITER 10000

void kt_sample_summarize(const double *x, size_t n,
			 struct kt_sample_summary *out)
{
	double sum = 0, ss = 0, mean;
	bool same = true;

	out->n = n;
	out->mean = out->sd = NAN;
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		same = same && x[i] == x[0];
	}
	/* Summing equal values can round away from them (0.1 * 3 / 3). */
	if (same) {
		out->mean = x[0];
		out->sd = n > 1 ? 0.0 : NAN;
		return;
	}
	mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	out->mean = mean;
	out->sd = sqrt(ss / (double)(n - 1));
}

static double log_beta(double a, double b)
{
	int sign; /* lgamma_r: lgamma without the global signgam */

	return lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
}

/* The k-th (k >= 1) partial numerator d_k of the continued fraction of
 * I_x(a, b) below. */
static double cf_coef(double a, double b, double x, int k)
{
	double m = (double)(k / 2);

	if (k % 2)
		return -(a + m) * (a + b + m) * x /
		       ((a + 2 * m) * (a + 2 * m + 1));
	return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
}

/*
 * I_x(a, b) = x^a y^b / (a B(a, b)) / (1 + d_1 / (1 + d_2 / (1 + ...))),
 * y = 1 - x, with the denominator evaluated front to back by the
 * modified Lentz method (running ratios c and 1/d of successive
 * convergents, kept off zero). Converges quickly for
 * x < (a + 1) / (a + b + 2).
 */
static double inc_beta_cf(double a, double b, double x, double y)
{
	double f = 1, c = 1, d = 0, lx, ly;

	for (int k = 1; k <= CF_MAX_ITER; k++) {
		double dk = cf_coef(a, b, x, k), delta;

		d = 1 + dk * d;
		if (fabs(d) < CF_TINY)
			d = CF_TINY;
		c = 1 + dk / c;
		if (fabs(c) < CF_TINY)
			c = CF_TINY;
		d = 1 / d;
		delta = c * d;
		f *= delta;
		if (fabs(delta - 1) < CF_EPS)
			break;
	}
	lx = x < 0.5 ? log(x) : log1p(-y);
	ly = y < 0.5 ? log(y) : log1p(-x);
	return exp(a * lx + b * ly - log_beta(a, b)) / (a * f);
}

/* The regularized incomplete beta function I_x(a, b), y = 1 - x given
 * separately so that neither loses digits; beyond the fast region
 * through I_x(a, b) = 1 - I_y(b, a). */
static double inc_beta(double a, double b, double x, double y)
{
	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	if (x > (a + 1) / (a + b + 2))
		return 1 - inc_beta_cf(b, a, y, x);
	return inc_beta_cf(a, b, x, y);
}

/* P(|T| >= |t|) for Student's T with df degrees of freedom:
 * I_{df / (df + t^2)}(df / 2, 1 / 2). */
static double student_t_p(double t, double df)
{
	double t2 = t * t, p;

	if (t == 0)
		return 1;
	if (isinf(t2))
		return 0;
	p = inc_beta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
	return fmin(1, fmax(0, p));
}

static int check_finite(const char *test, char side, const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return kt_err(EINVAL, "%s: run %zu of sample %c is %g",
				      test, i + 1, side, x[i]);
	return 0;
}

int kt_welch_test(const double *a, size_t na, const double *b, size_t nb,
		  struct kt_welch *out)
{
	struct kt_sample_summary sa, sb;
	double va, vb, diff, ra, rb;
	int err;

	if (na < 2 || nb < 2)
		return kt_err(EINVAL,
			      "welch: need at least 2 runs per side, have %zu",
			      na < nb ? na : nb);
	err = check_finite("welch", 'a', a, na);
	if (!err)
		err = check_finite("welch", 'b', b, nb);
	if (err)
		return err;
	kt_sample_summarize(a, na, &sa);
	kt_sample_summarize(b, nb, &sb);
	va = sa.sd * sa.sd / (double)na;
	vb = sb.sd * sb.sd / (double)nb;
	diff = sa.mean - sb.mean;
	if (!isfinite(va + vb) || !isfinite(diff))
		return kt_err(ERANGE, "welch: values too large (overflow)");
	if (va + vb == 0) {
		out->t = diff == 0 ? 0 : copysign(INFINITY, diff);
		out->df = (double)(na + nb - 2);
		out->p = diff == 0 ? 1 : 0;
		return 0;
	}
	/* df = (va + vb)^2 / (va^2 / (na - 1) + vb^2 / (nb - 1)), in shares
	 * of va + vb so tiny variances do not underflow. */
	ra = va / (va + vb);
	rb = vb / (va + vb);
	out->t = diff / sqrt(va + vb);
	out->df = 1 / (ra * ra / (double)(na - 1) + rb * rb / (double)(nb - 1));
	out->p = student_t_p(out->t, out->df);
	return 0;
}

static size_t count_equal(const double *x, size_t n, double v)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += x[i] == v;
	return c;
}

/* The sum of t^3 - t over the groups of t equal values of the pooled
 * sample, as the sum over its values of (their group's size)^2 - 1. */
static double tie_term(const double *a, size_t na, const double *b, size_t nb)
{
	double s = 0;

	for (size_t i = 0; i < na + nb; i++) {
		double v = i < na ? a[i] : b[i - na];
		double t =
		    (double)(count_equal(a, na, v) + count_equal(b, nb, v));

		s += t * t - 1;
	}
	return s;
}

/*
 * c[u] = how many of the C(m + n, m) orders of m values of a and n of b
 * (no ties) have U of a = u. Whether the largest value is an a (beating
 * all n b's) or a b gives f(m, n) = q^n f(m - 1, n) + f(m, n - 1) for
 * the polynomial f = sum c[u] q^u: Pascal's rule of the Gaussian
 * binomial, so f(m, n) = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Each
 * step multiplies and then divides in place; after step i c holds
 * f(i, n), exact integers below C(40, 20). len >= m * n + m + 1.
 */
static void mw_u_counts(size_t m, size_t n, int64_t *c, size_t len)
{
	memset(c, 0, len * sizeof(*c));
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		for (size_t u = len - 1; u >= n + i; u--)
			c[u] -= c[u - (n + i)];
		for (size_t u = i; u < len; u++)
			c[u] += c[u - i];
	}
}

/* Two-sided exact p: twice the chance of a U at least as far from
 * na * nb / 2 on the side it lies (the distribution is symmetric). */
static double mw_exact_p(double u, size_t na, size_t nb)
{
	int64_t c[KT_MW_EXACT_MAX * KT_MW_EXACT_MAX + KT_MW_EXACT_MAX + 1];
	size_t mn = na * nb;
	double hi = fmax(u, (double)mn - u), tail = 0, total = 0;

	mw_u_counts(na, nb, c, mn + na + 1);
	for (size_t k = 0; k <= mn; k++) {
		total += (double)c[k];
		if ((double)k >= hi)
			tail += (double)c[k];
	}
	return fmin(1, 2 * tail / total);
}

/* Normal approximation: mean na nb / 2, variance
 * na nb / 12 * (N + 1 - sum(t^3 - t) / (N (N - 1))), |U - mean| less 1/2. */
static double mw_normal_p(double u, size_t na, size_t nb, double ties)
{
	double n = (double)(na + nb), mn = (double)na * (double)nb;
	double var = mn / 12 * ((n + 1) - ties / (n * (n - 1)));
	double dev = fabs(u - mn / 2) - 0.5;

	if (dev <= 0 || var <= 0)
		return 1;
	return erfc(dev / sqrt(2 * var)); /* 2 * (1 - Phi(dev / sd)) */
}

int kt_mann_whitney_test(const double *a, size_t na, const double *b, size_t nb,
			 struct kt_mann_whitney *out)
{
	double u = 0, ties;
	int err;

	if (na == 0 || nb == 0)
		return kt_err(EINVAL,
			      "mann-whitney: need at least 1 run per side, "
			      "have %zu and %zu",
			      na, nb);
	err = check_finite("mann-whitney", 'a', a, na);
	if (!err)
		err = check_finite("mann-whitney", 'b', b, nb);
	if (err)
		return err;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			u += a[i] > b[j] ? 1.0 : a[i] == b[j] ? 0.5 : 0.0;
	ties = tie_term(a, na, b, nb);
	out->u = u;
	out->exact =
	    ties == 0 && na <= KT_MW_EXACT_MAX && nb <= KT_MW_EXACT_MAX;
	out->p =
	    out->exact ? mw_exact_p(u, na, nb) : mw_normal_p(u, na, nb, ties);
	return 0;
}
