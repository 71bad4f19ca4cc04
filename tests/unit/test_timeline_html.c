/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the run's picture (results/timeline_*.c): the axis and
 * lane geometry, the bars of a lane's buckets, the tick step, escaping,
 * the page's structure (a section per scenario, a lane per worker, a
 * red box per gap, the markers, nothing fetched, no script) and its
 * file: checked before a run, written whole or not at all.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/result.h>
#include <ktstr/timeline_html.h>

#include "result/result_lanes.h"
#include "results/timeline_svg.h"

static void test_axis(void **state)
{
	struct kt_tl_axis a = {KT_MS(2000)};

	(void)state;
	assert_true(kt_tl_x(&a, 0) == KT_TL_PLOT_X);
	assert_true(kt_tl_x(&a, KT_MS(1000)) ==
		    KT_TL_PLOT_X + KT_TL_PLOT_W / 2);
	assert_true(kt_tl_x(&a, KT_MS(5000)) == KT_TL_PLOT_X + KT_TL_PLOT_W);
	a.span_ns = 0; /* no span: everything at the right edge, no division */
	assert_true(kt_tl_x(&a, 5) == KT_TL_PLOT_X + KT_TL_PLOT_W);
	assert_true(kt_tl_lane_y(0) == KT_TL_LANES_Y);
	assert_true(kt_tl_lane_y(3) == KT_TL_LANES_Y + 3 * KT_TL_LANE_PITCH);
	assert_true(kt_tl_height(2) > kt_tl_lane_y(1) + KT_TL_LANE_H);
}

static void test_bars(void **state)
{
	struct kt_tl_axis a = {KT_MS(1000)};
	struct kt_lane l = {
	    .start_ns = KT_MS(500),
	    .end_ns = KT_MS(670),
	    .bucket_ns = KT_MS(50),
	    .nr_buckets = 4,
	    .on_cpu_pm = {1000, 980, 500, 0},
	};
	struct kt_tl_bar b;

	(void)state;
	/* buckets 0 and 1 round to the same height (16 px): one bar */
	assert_true(kt_tl_bar(&a, &l, 2, 0, &b));
	assert_int_equal(b.next, 2);
	assert_int_equal(b.pm, 1000);
	assert_true(b.x == 700.0 && b.w == 100.0);
	assert_true(b.h == KT_TL_LANE_H && b.y == kt_tl_lane_y(2));
	/* half a share: half the height, on the lane's bottom */
	assert_true(kt_tl_bar(&a, &l, 2, 2, &b));
	assert_int_equal(b.next, 3);
	assert_true(b.h == KT_TL_LANE_H / 2.0);
	assert_true(b.y + b.h == kt_tl_lane_y(2) + KT_TL_LANE_H);
	/* the last bucket ends at the lane's end (670 ms), not at 700 */
	assert_true(kt_tl_bar(&a, &l, 2, 3, &b));
	assert_int_equal(b.pm, 0);
	assert_true(b.x == 850.0 && b.w == 20.0);
	assert_false(kt_tl_bar(&a, &l, 2, 4, &b));
	l.bucket_ns = 0;
	assert_false(kt_tl_bar(&a, &l, 2, 0, &b));
}

static void test_ticks(void **state)
{
	(void)state;
	assert_int_equal(kt_tl_tick_ms(KT_MS(2400), 10), 500);
	assert_int_equal(kt_tl_tick_ms(KT_MS(1000), 10), 100);
	assert_int_equal(kt_tl_tick_ms(KT_MS(60000), 10), 10000);
	assert_int_equal(kt_tl_tick_ms(KT_MS(5), 10), 1);
	assert_int_equal(kt_tl_tick_ms(0, 0), 1);
}

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	kt_tl_escape(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_escape(void **state)
{
	char *s = escaped("a<b>&\"c'\x01\n\tz");

	(void)state;
	assert_string_equal(s, "a&lt;b&gt;&amp;&quot;c&#39;   z");
	free(s);
	s = escaped(NULL);
	assert_string_equal(s, "");
	free(s);
	s = escaped("caf\xc3\xa9"); /* UTF-8 passes through */
	assert_string_equal(s, "caf\xc3\xa9");
	free(s);
}

/* A lane of 2 s from +0.1 s; gap_ms: one gap from +0.6 s (0: none),
 * against a limit of 1 s. */
static void add_lane(struct kt_result *r, const char *cg, unsigned idx, int tid,
		     unsigned gap_ms)
{
	struct kt_lane l = {
	    .idx = idx,
	    .tid = tid,
	    .start_ns = KT_MS(100),
	    .end_ns = KT_MS(2100),
	    .bucket_ns = KT_MS(50),
	    .nr_buckets = 40,
	    .gap_limit_ns = KT_MS(1000),
	};

	snprintf(l.cgroup, sizeof(l.cgroup), "%s", cg);
	for (unsigned k = 0; k < l.nr_buckets; k++)
		l.on_cpu_pm[k] = (uint16_t)(k % 3 ? 1000 : 250);
	if (gap_ms) {
		l.nr_gaps = 1;
		l.gaps[0] =
		    (struct kt_lane_gap){KT_MS(600), KT_MS(600 + gap_ms), 1, 1};
	}
	assert_int_equal(kt_lanes_add(&r->lanes, &l), 0);
}

/* Two scenarios: one FAIL with three lanes (one gap), a step, a host
 * stall and the scheduler's end; one without a timeline. */
static void sample_results(struct kt_result r[2])
{
	struct kt_timeline_event ev = {.elapsed_ms = 1000,
				       .label = "StepStart[1]",
				       .step = 1,
				       .ops = "SetCpuset"};

	kt_result_init(&r[0]);
	kt_result_set_header(&r[0], "steady<1>", "1n2l2c1t", "scx-ktstr");
	kt_result_add(&r[0], KT_DETAIL_NOTE, "a note");
	kt_result_add(&r[0], KT_DETAIL_STUCK, "stuck 1250ms on cpu1 & more");
	add_lane(&r[0], "cg_0", 0, 11, 0);
	add_lane(&r[0], "cg_0", 1, 12, 80);
	add_lane(&r[0], "cg<&>", 0, 13, 1250);
	kt_result_add_event(&r[0], &ev);
	r[0].lanes.recorded = true;
	r[0].lanes.end_ns = KT_MS(2200);
	r[0].lanes.verdict_at = KT_VERDICT_AT_EVIDENCE;
	r[0].lanes.verdict_ns = KT_MS(1900);
	r[0].lanes.sched_gone = true;
	r[0].lanes.sched_gone_ns = KT_MS(2000);
	r[0].lanes.stalls_measured = true;
	r[0].lanes.steps_offset_ns = KT_MS(10); /* the ops engine's start */
	kt_lanes_add_stall(&r[0].lanes, 1, KT_MS(300), KT_MS(420));
	kt_result_init(&r[1]);
	kt_result_set_header(&r[1], "skipped_one", "1n2l2c1t", "scx-ktstr");
	kt_result_skip(&r[1], "not run: scheduler gone");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char *page(const struct kt_result *r, size_t nr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(kt_timeline_html_print(f, "run <x>", r, nr), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_page(void **state)
{
	struct kt_result r[2];
	char *p;

	(void)state;
	sample_results(r);
	p = page(r, 2);
	assert_int_equal(count(p, "<section "), 2);
	assert_int_equal(count(p, "<svg "), 1);
	assert_int_equal(count(p, "<g class=\"lane\""), 3);
	assert_int_equal(count(p, "<rect class=\"gap\""), 2);
	/* past the limit in the gap colour, within it in the light one */
	assert_int_equal(count(p, "data-over-limit=\"1\""), 1);
	assert_int_equal(count(p, "fill=\"" KT_TL_GAP "\""), 1);
	assert_int_equal(count(p, "fill=\"" KT_TL_GAP_SHORT "\""), 1);
	assert_non_null(strstr(p, "<title>gap 80 ms (limit 1000 ms): cg_0/1 "
				  "tid 12"));
	assert_int_equal(count(p, "<g class=\"stall\""), 1);
	assert_int_equal(count(p, "<g class=\"step\""), 1);
	assert_int_equal(count(p, "<g class=\"sched-gone\""), 1);
	assert_int_equal(count(p, "<g class=\"verdict-at\""), 1);
	assert_non_null(strstr(p, "<title>run &lt;x&gt;</title>"));
	assert_non_null(strstr(p, "<h2>steady&lt;1&gt;</h2>"));
	assert_non_null(strstr(p, "data-cgroup=\"cg&lt;&amp;&gt;\""));
	assert_non_null(strstr(p, "<title>gap 1250 ms (limit 1000 ms): "
				  "cg&lt;&amp;&gt;/0 "
				  "tid 13 off its work from +0.600 s to "
				  "+1.850 s, cpu1 to cpu1</title>"));
	/* the first evidence skips notes */
	assert_non_null(strstr(p, "<th>first evidence</th><td>stuck 1250ms "
				  "on cpu1 &amp; more</td>"));
	assert_non_null(strstr(p, "verdict FAIL (at the evidence)"));
	assert_non_null(
	    strstr(p, "<title>StepStart[1] SetCpuset at +1.010 s</title>"));
	assert_non_null(strstr(p, "no timeline: skipped"));
	/* self-contained: nothing fetched, no script */
	assert_null(strstr(p, "<script"));
	assert_null(strstr(p, "src="));
	assert_null(strstr(p, "href="));
	assert_null(strstr(p, "url("));
	assert_null(strstr(p, "http"));
	free(p);
	kt_result_free(&r[0]);
	kt_result_free(&r[1]);
	p = page(NULL, 0);
	assert_non_null(strstr(p, "no scenario ran"));
	free(p);
}

static void test_file(void **state)
{
	char dir[] = "/tmp/ktstr-html-test.XXXXXX", path[256], *text;
	struct kt_result r[2];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run.html", dir);
	assert_int_equal(kt_timeline_html_check_path(path), 0);
	assert_int_equal(kt_timeline_html_check_path(dir), -EISDIR);
	assert_non_null(strstr(kt_last_error(), "is a directory"));
	assert_int_equal(kt_timeline_html_check_path("/nonexistent-ktstr/x"),
			 -ENOENT);
	assert_non_null(strstr(kt_last_error(), "/nonexistent-ktstr does "
						"not exist"));
	assert_int_equal(kt_timeline_html_check_path(""), -EINVAL);

	sample_results(r);
	assert_int_equal(kt_timeline_html_write(path, NULL, r, 2), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	text = malloc((size_t)st.st_size + 1);
	f = fopen(path, "r");
	assert_non_null(text);
	assert_non_null(f);
	assert_int_equal(fread(text, 1, (size_t)st.st_size, f), st.st_size);
	text[st.st_size] = '\0';
	fclose(f);
	assert_int_equal(count(text, "<g class=\"lane\""), 3);
	assert_non_null(strstr(text, "</html>\n"));
	free(text);
	/* into a missing directory: an error naming the file, nothing left */
	assert_int_equal(
	    kt_timeline_html_write("/nonexistent-ktstr/x.html", NULL, r, 2),
	    -ENOENT);
	assert_non_null(strstr(kt_last_error(), "/nonexistent-ktstr/x.html"));
	kt_result_free(&r[0]);
	kt_result_free(&r[1]);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0); /* no temp file was left beside */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_axis),  cmocka_unit_test(test_bars),
	    cmocka_unit_test(test_ticks), cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_page),  cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
