/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Results directories: a sidecar written from a VM result and read back
 * (name, run numbers, variant, metrics, replay arguments), the metrics of
 * a result, a kernel that changed since the run, and compare on made-up
 * samples: a big drop is a regression with its p-value, the same numbers
 * are not, a small significant change stays under the gate, a new FAIL is
 * a regression, and the one differing variant part is the A/B.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <ktstr/results.h>

struct fx {
	char dir[64], kernel[96], base[96], nw[96];
};

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/ktstr-results.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->kernel, sizeof(f->kernel), "%s/vmlinuz", f->dir);
	snprintf(f->base, sizeof(f->base), "%s/base", f->dir);
	snprintf(f->nw, sizeof(f->nw), "%s/new", f->dir);
	put_file(f->kernel, "not really a kernel\n");
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(f);
	return 0;
}

/* A result object as kt_result_to_json writes it, with one cgroup. */
static json_t *result(const char *scenario, const char *verdict, double units,
		      double gap_ms, double p99_us)
{
	return json_pack(
	    "{s:s, s:s, s:I, s:[{s:s, s:I, s:I, s:f, s:I, s:I}]}", "scenario",
	    scenario, "verdict", verdict, "duration_ns", (json_int_t)2000000000,
	    "stats", "cgroup", "cg_0", "total_work_units", (json_int_t)units,
	    "max_gap_ns", (json_int_t)(gap_ms * 1e6), "spread_pct", 3.0,
	    "p99_wake_latency_ns", (json_int_t)(p99_us * 1e3), "wake_samples",
	    (json_int_t)(p99_us > 0 ? 100 : 0));
}

/* wait_pct < 0: no host_wait_ms in the report (an older sidecar) */
static void write_sidecar(const char *dir, int n, const char *sched,
			  json_t *results, int wait_pct)
{
	char path[256];
	json_t *j = json_pack("{s:i, s:{s:s, s:s, s:s, s:n, s:{s:s}}, s:{s:o}}",
			      "format", 1, "variant", "preset", "llc", "topo",
			      "1n2l2c1t", "sched", sched, "work_type", "kernel",
			      "release", "7.2", "report", "results", results);

	if (wait_pct >= 0) {
		json_t *rep = json_object_get(j, "report");

		json_object_set_new(rep, "wall_ms", json_integer(10000));
		json_object_set_new(rep, "host_wait_ms",
				    json_integer(100 * wait_pct));
	}
	snprintf(path, sizeof(path), "%s/s%d.json", dir, n);
	mkdir(dir, 0755);
	assert_int_equal(json_dump_file(j, path, 0), 0);
	json_decref(j);
}

static void test_metrics(void **state)
{
	json_t *r = result("steady", "pass", 2e7, 40, 250);
	struct kt_metrics m;

	(void)state;
	kt_metrics_of_result(r, &m);
	assert_true(m.has[KT_METRIC_WORK_RATE]);
	assert_true(fabs(m.v[KT_METRIC_WORK_RATE] - 1e7) < 1e-3);
	assert_true(fabs(m.v[KT_METRIC_MAX_GAP_MS] - 40) < 1e-9);
	assert_true(fabs(m.v[KT_METRIC_P99_WAKE_US] - 250) < 1e-9);
	assert_true(fabs(m.v[KT_METRIC_SPREAD_PCT] - 3) < 1e-9);
	json_decref(r);
	/* no wake samples: no p99; no stats: nothing */
	r = result("steady", "pass", 2e7, 40, 0);
	kt_metrics_of_result(r, &m);
	assert_false(m.has[KT_METRIC_P99_WAKE_US]);
	json_decref(r);
	r = json_pack("{s:s, s:s}", "scenario", "x", "verdict", "skip");
	kt_metrics_of_result(r, &m);
	for (int k = 0; k < KT_METRIC__COUNT; k++)
		assert_false(m.has[k]);
	json_decref(r);
	assert_int_equal(kt_metric_by_name("max_gap_ms"), KT_METRIC_MAX_GAP_MS);
	assert_int_equal(kt_metric_by_name("nope"), KT_METRIC__COUNT);
}

/* Written twice: r1 and r2, both readable, with variant, host, metrics
 * and replay arguments; a changed kernel is refused by verify. */
static void test_sidecar_roundtrip(void **state)
{
	struct fx *f = *state;
	const char *replay[] = {"vm", "--topo", "1n2l2c1t", "steady"};
	struct kt_sidecar_opts o = {
	    .preset = "llc",
	    .topo = "1n2l2c1t",
	    .kernel = f->kernel,
	    .replay_args = replay,
	    .nr_replay_args = 4,
	};
	struct kt_vm_result vr = {.accel = "tcg", .booted = true};
	struct kt_result r;
	struct kt_results all;
	struct kt_sidecar s;
	char p1[4096], p2[4096];
	const char *dirs[] = {f->base};

	kt_result_init(&r);
	kt_result_set_header(&r, "steady", "1n2l2c1t", "eevdf");
	vr.results = &r;
	vr.nr_results = 1;
	vr.kernel_release = "7.2-test";
	assert_int_equal(kt_sidecar_write(f->base, &o, &vr, p1, sizeof(p1)), 0);
	assert_int_equal(kt_sidecar_write(f->base, &o, &vr, p2, sizeof(p2)), 0);
	assert_non_null(strstr(p1, "/llc.eevdf.k"));
	assert_non_null(strstr(p1, ".r1.json"));
	assert_non_null(strstr(p2, ".r2.json"));
	assert_int_equal(kt_sidecar_load(p1, &s), 0);
	assert_string_equal(s.variant,
			    "topo=llc sched=eevdf work=- kernel=7.2-test");
	assert_string_equal(
	    kt_sidecar_str(json_object_get(s.root, "host"), "accel"), "tcg");
	assert_string_equal(
	    json_string_value(json_array_get(
		json_object_get(json_object_get(s.root, "replay"), "args"), 3)),
	    "steady");
	assert_int_equal(kt_sidecar_verify(&s), 0);
	put_file(f->kernel, "another kernel\n");
	assert_int_equal(kt_sidecar_verify(&s), -ESTALE);
	assert_non_null(strstr(kt_last_error(), "changed since the run"));
	kt_sidecar_free(&s);
	assert_int_equal(kt_results_load(dirs, 1, &all), 0);
	assert_int_equal(all.nr, 2);
	kt_results_free(&all);
	kt_result_free(&r);
}

static void test_load_errors(void **state)
{
	struct fx *f = *state;
	const char *dirs[] = {f->base};
	struct kt_results r;
	char path[256];

	mkdir(f->base, 0755);
	assert_int_equal(kt_results_load(dirs, 1, &r), -ENOENT);
	assert_non_null(strstr(kt_last_error(), "no sidecars"));
	snprintf(path, sizeof(path), "%s/other.json", f->base);
	put_file(path, "{\"not\": \"a sidecar\"}");
	assert_int_equal(kt_results_load(dirs, 1, &r), -ENOENT);
	snprintf(path, sizeof(path), "%s/broken.json", f->base);
	put_file(path, "{\"format\": ");
	assert_int_equal(kt_results_load(dirs, 1, &r), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "broken.json"));
}

/* Three runs a side of one scenario; units per run given; the host
 * wait of each side's VMs in percent (-1: not recorded). */
static void sides_waited(struct fx *f, const char *sched_b, const double *b,
			 const char *sched_n, const double *n,
			 const char *verdict_n, int wait_b, int wait_n)
{
	for (int i = 0; i < 3; i++) {
		write_sidecar(
		    f->base, i, sched_b,
		    json_pack("[o]", result("steady", "pass", b[i], 30, 0)),
		    wait_b);
		write_sidecar(
		    f->nw, i, sched_n,
		    json_pack("[o]", result("steady", verdict_n, n[i], 30, 0)),
		    wait_n);
	}
}

static void sides(struct fx *f, const char *sched_b, const double *b,
		  const char *sched_n, const double *n, const char *verdict_n)
{
	sides_waited(f, sched_b, b, sched_n, n, verdict_n, 2, 4);
}

/* --gate work_rate=PCT for the next compare; -1 = the default */
static double work_rate_gate = -1;

static struct kt_compare_outcome compare_outcome(struct fx *f, char *out,
						 size_t len)
{
	const char *b[] = {f->base}, *n[] = {f->nw};
	struct kt_results rb, rn;
	struct kt_compare_opts o = {.out = fmemopen(out, len, "w")};
	struct kt_compare_outcome reg;

	for (int m = 0; m < KT_METRIC__COUNT; m++)
		o.min_change_pct[m] = -1;
	o.min_change_pct[KT_METRIC_WORK_RATE] = work_rate_gate;
	assert_int_equal(kt_results_load(b, 1, &rb), 0);
	assert_int_equal(kt_results_load(n, 1, &rn), 0);
	assert_int_equal(kt_results_compare(&rb, &rn, &o, &reg), 0);
	fclose(o.out);
	kt_results_free(&rb);
	kt_results_free(&rn);
	return reg;
}

static size_t compare(struct fx *f, char *out, size_t len)
{
	return compare_outcome(f, out, len).regressions;
}

static void test_compare_flags_a_drop(void **state)
{
	const double b[] = {2.00e7, 2.02e7, 1.98e7},
		     n[] = {1.0e7, 1.01e7, 0.99e7};
	char out[8192];

	sides(*state, "scx", b, "scx+slow", n, "pass");
	assert_int_equal(compare(*state, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "A/B: sched scx -> scx+slow"));
	assert_non_null(strstr(out, "REGRESSION steady [topo=llc work=- "
				    "kernel=7.2] work_rate: base mean 1e+07, "
				    "new mean 5e+06"));
	assert_non_null(strstr(out, "Welch p="));
}

static void test_compare_same_is_clean(void **state)
{
	const double b[] = {2.00e7, 2.02e7, 1.98e7},
		     n[] = {2.01e7, 1.99e7, 2.0e7};
	char out[8192];

	sides(*state, "scx", b, "scx", n, "pass");
	assert_int_equal(compare(*state, out, sizeof(out)), 0);
	assert_null(strstr(out, "REGRESSION"));
}

/* 20% lower with almost no noise: significant, but under the 25% gate
 * of work_rate; with --gate work_rate=10 it is a regression. */
static void test_compare_gate(void **state)
{
	const double b[] = {2.000e7, 2.001e7, 1.999e7},
		     n[] = {1.600e7, 1.601e7, 1.599e7};
	char out[8192];

	sides(*state, "scx", b, "scx", n, "pass");
	assert_int_equal(compare(*state, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "p="));
	work_rate_gate = 10;
	assert_int_equal(compare(*state, out, sizeof(out)), 1);
	work_rate_gate = -1;
	assert_non_null(strstr(out, "REGRESSION steady"));
}

static void test_compare_verdict(void **state)
{
	const double b[] = {2.00e7, 2.02e7, 1.98e7},
		     n[] = {2.01e7, 1.99e7, 2.0e7};
	char out[8192];

	sides(*state, "scx", b, "scx", n, "fail");
	assert_int_equal(compare(*state, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "REGRESSION verdict: 3 of 3 runs FAIL or "
				    "SCHED, none of 3 in BASE"));
}

/* Half the work, but the NEW VMs waited 40% of their time for a host
 * CPU against 2% in BASE: not judged, INCONCLUSIVE, no regression. A
 * FAIL in NEW is still one: verdicts rest on their own evidence. */
static void test_compare_host_differs(void **state)
{
	const double b[] = {2.00e7, 2.02e7, 1.98e7},
		     n[] = {1.0e7, 1.01e7, 0.99e7};
	struct kt_compare_outcome r;
	char out[8192];

	sides_waited(*state, "scx", b, "scx", n, "pass", 2, 40);
	r = compare_outcome(*state, out, sizeof(out));
	assert_int_equal(r.regressions, 0);
	assert_int_equal(r.inconclusive, 1);
	assert_non_null(strstr(out, "INCONCLUSIVE: the VMs waited for a host "
				    "CPU 2.0% of their time in BASE and 40.0% "
				    "in NEW"));
	sides_waited(*state, "scx", b, "scx", n, "fail", 2, 40);
	r = compare_outcome(*state, out, sizeof(out));
	assert_int_equal(r.regressions, 1);
	/* sidecars without the measure are compared as before */
	sides_waited(*state, "scx", b, "scx", n, "pass", -1, -1);
	r = compare_outcome(*state, out, sizeof(out));
	assert_int_equal(r.regressions, 1);
	assert_int_equal(r.inconclusive, 0);
}

/* A result with a payload's two metrics: bogo-ops/s (higher is better)
 * and a p99 latency (lower is better). */
static json_t *payload_result(double bogo, double p99)
{
	json_t *r = result("payload_x", "pass", 2e7, 30, 0);

	json_object_set_new(
	    r, "metrics",
	    json_pack("[{s:s, s:s, s:s, s:f, s:b}, {s:s, s:s, s:s, s:f, s:b}]",
		      "payload", "stress", "metric", "cpu.bogo_ops_s", "unit",
		      "bogo-ops/s", "value", bogo, "higher_is_better", 1,
		      "payload", "cyc", "metric", "latency_p99_us", "unit",
		      "us", "value", p99, "higher_is_better", 0));
	return r;
}

/* Payload metrics are compared with their own direction: bogo-ops/s
 * halving and a p99 latency doubling are both regressions; the reverse
 * changes are not. */
static void test_compare_payload_metrics(void **state)
{
	struct fx *f = *state;
	const double bogo[] = {1000, 1010, 990}, p99[] = {100, 101, 99};
	char out[8192];

	for (int i = 0; i < 3; i++) {
		write_sidecar(f->base, i, "scx",
			      json_pack("[o]", payload_result(bogo[i], p99[i])),
			      2);
		write_sidecar(
		    f->nw, i, "scx+slow",
		    json_pack("[o]", payload_result(bogo[i] / 2, p99[i] * 2)),
		    2);
	}
	assert_int_equal(compare(f, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "REGRESSION payload_x [topo=llc work=- "
				    "kernel=7.2] stress/cpu.bogo_ops_s: base "
				    "mean 1000, new mean 500 bogo-ops/s"));
	assert_non_null(strstr(out, "cyc/latency_p99_us: base mean 100, new "
				    "mean 200 us"));
}

static void test_compare_payload_better(void **state)
{
	struct fx *f = *state;
	const double bogo[] = {1000, 1010, 990}, p99[] = {100, 101, 99};
	char out[8192];

	for (int i = 0; i < 3; i++) {
		write_sidecar(f->base, i, "scx",
			      json_pack("[o]", payload_result(bogo[i], p99[i])),
			      2);
		write_sidecar(
		    f->nw, i, "scx+fast",
		    json_pack("[o]", payload_result(bogo[i] * 2, p99[i] / 2)),
		    2);
	}
	assert_int_equal(compare(f, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "stress/cpu.bogo_ops_s"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test_setup_teardown(test_sidecar_roundtrip, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_compare_flags_a_drop, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compare_same_is_clean, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compare_gate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_compare_verdict, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compare_host_differs, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compare_payload_metrics, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compare_payload_better, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
