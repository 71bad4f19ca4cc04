/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KTSTR_TESTs with declared BPF map writes, for tests/vm/run-map-write-
 * tests.sh (which builds this file into its own test binary). The
 * scheduler is scx-ktstr at $KTSTR_MW_SCX's path, with a 2 s watchdog.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <ktstr/ktstr.h>
#include <ktstr/test.h>
#include <ktstr/test_runner.h>

static struct kt_sched_def scx = {
    .name = "scx-ktstr",
    .binary = "build/scx-ktstr",
    .args = (char *[]){"--timeout-ms", "2000"},
    .nr_args = 2,
};

/*
 * wait_for_map_write: the writes are in res before the body runs, and
 * every worker began (spawn_ns) after the last of them: checked here, so
 * the test fails when a worker started first.
 */
KTSTR_TEST(mw_c_wait, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 2,
	   .scheduler = &scx, .wait_for_map_write = true,
	   .map_writes = KT_MAP_WRITES(KT_MAP_WRITE_FIELD(".bss", "stall", 0),
				       KT_MAP_WRITE_AT(".bss", 4, 4, 0)))
{
	uint64_t last = 0;
	size_t nr_w;
	int err;

	if (res->nr_map_writes != 2)
		return kt_err(EPROTO,
			      "%zu map writes recorded before the body, "
			      "not 2",
			      res->nr_map_writes);
	for (size_t i = 0; i < res->nr_map_writes; i++)
		if (res->map_writes[i].at_ns > last)
			last = res->map_writes[i].at_ns;
	err = kt_scenario_steady(ctx, res);
	nr_w = res->nr_workers;
	if (!err && !nr_w)
		kt_result_add(res, KT_DETAIL_WORKER, "no worker entries");
	for (size_t i = 0; !err && i < nr_w; i++)
		if (res->workers[i].spawn_ns <= last)
			kt_result_add(res, KT_DETAIL_WORKER,
				      "worker %d began at %" PRIu64
				      " ns, before the map write at %" PRIu64,
				      res->workers[i].tid,
				      res->workers[i].spawn_ns, last);
	return err;
}

/* Without waiting: a thread writes crash = 1 while the scenario starts;
 * scx-ktstr calls scx_bpf_error and is ejected: SCHED, the expected
 * error. */
KTSTR_TEST(mw_c_crash, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 4,
	   .scheduler = &scx, .expect_err = true,
	   .map_writes = KT_MAP_WRITES(KT_MAP_WRITE_FIELD(".bss", "crash", 1)))
{
	return kt_scenario_steady(ctx, res);
}

/* The scheduler's host path from the script ($KTSTR_MW_SCX); inside the
 * VM the run plan names the scheduler, so nothing is read there. */
int main(int argc, char **argv)
{
	const char *s = getenv("KTSTR_MW_SCX");

	if (s && *s)
		scx.binary = (char *)s;
	return kt_test_main(argc, argv);
}
