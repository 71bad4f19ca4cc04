/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a loaded scenario file like a catalog scenario (header, checks
 * layered over the run's, errors as INFRA details), telling file words
 * from catalog names on a command line, and the time budget a host
 * watchdog should allow for one.
 */
#include <stdatomic.h>
#include <string.h>

#include <ktstr/scenario_file.h>

#include "scenario/scenario_measure.h"

bool kt_scenario_file_is_path(const char *word)
{
	size_t n = strlen(word);

	return strchr(word, '/') || (n >= 5 && !strcmp(word + n - 5, ".json"));
}

uint64_t kt_scenario_file_budget_ns(const struct kt_scenario_file *sf,
				    uint64_t duration)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < sf->steps.nr; i++) {
		const struct kt_hold *h = &sf->steps.steps[i].hold;

		if (h->kind != KT_HOLD_KIND_LOOP)
			sum += kt_hold_ns(h, duration);
	}
	return sum > duration ? sum : duration;
}

int kt_scenario_file_run(const struct kt_scenario_file *sf,
			 const struct kt_ctx *ctx, const char *topo_name,
			 const char *sched_name, struct kt_result *res)
{
	uint64_t start = kt_now_ns();
	struct kt_assert a = kt_assert_merge(&ctx->assert, &sf->assert);
	struct kt_scenario_measure m;
	struct kt_map_writes_run *mw = NULL;
	int err;

	err = kt_result_set_header(res, sf->name, topo_name, sched_name);
	if (err)
		return err;
	if (ctx->current_step)
		atomic_store(ctx->current_step, 0);
	kt_scenario_measure_begin(&m);
	kt_clear_error();
	err = kt_map_writes_begin(ctx, sf->map_writes, sf->wait_for_map_write,
				  res, &mw);
	if (!err) {
		err = kt_execute_scenario_with(ctx, res, &sf->backdrop,
					       sf->steps, &a);
		kt_map_writes_end(mw, res);
	}
	if (err)
		kt_result_add(res, KT_DETAIL_INFRA, "scenario %s (%s): %s",
			      sf->name, sf->path, kt_last_error());
	kt_scenario_measure_end(&m, &a, res);
	res->duration_ns = kt_now_ns() - start;
	return 0;
}
