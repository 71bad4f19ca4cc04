/* SPDX-License-Identifier: GPL-2.0-only */
/* The gauntlet's budget controller: the longest prefix of the ordered
 * variants whose VMs, run `jobs` at a time, end within the budget. */
#include <stdlib.h>

#include <ktstr/gauntlet.h>

#define MAX_LANES 256

size_t kt_gauntlet_fit(const double *cost, size_t nr, unsigned jobs,
		       double budget_s, double *makespan_s)
{
	double lane[MAX_LANES] = {0}, span = 0;
	size_t fit = 0;

	if (!jobs)
		jobs = 1;
	if (jobs > MAX_LANES)
		jobs = MAX_LANES;
	for (size_t i = 0; i < nr; i++) {
		unsigned first = 0;

		for (unsigned l = 1; l < jobs; l++)
			if (lane[l] < lane[first])
				first = l;
		if (lane[first] + cost[i] > budget_s)
			break;
		lane[first] += cost[i];
		span = lane[first] > span ? lane[first] : span;
		fit = i + 1;
	}
	if (makespan_s)
		*makespan_s = span;
	return fit;
}
