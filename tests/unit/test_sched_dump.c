/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the sched_ext debug dumps: the trace_pipe line of the
 * sched_ext_dump event, splitting a stream of dump lines into dumps at the
 * kernel's headers, the loader's DEBUG DUMP block, the bound on a dump,
 * and a result's dumps in JSON and in the text report. The lines are the
 * shapes a 7.2 kernel printed in a ktstr VM (docs/dumps.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <cmocka.h>

#include <ktstr/result.h>
#include <ktstr/sched.h>

#define assert_contains(hay, needle)                                           \
	do {                                                                   \
		if (!strstr((hay), (needle)))                                  \
			fail_msg("'%s' not in '%s'", (needle), (hay));         \
	} while (0)

static void test_trace_line(void **state)
{
	(void)state;
	assert_string_equal(
	    kt_scx_trace_dump_text("          <idle>-0       [001] d.h2.    "
				   "12.345678: sched_ext_dump: CPU 1   : "
				   "nr_run=2 flags=0x1"),
	    "CPU 1   : nr_run=2 flags=0x1");
	/* dump_newline: an empty line */
	assert_string_equal(kt_scx_trace_dump_text("  sh-90 [000] ..... 3.1: "
						   "sched_ext_dump: "),
			    "");
	assert_string_equal(kt_scx_trace_dump_text("  sh-90 [000] ..... 3.1: "
						   "sched_ext_dump:"),
			    "");
	/* the text keeps its own indentation and colons */
	assert_string_equal(
	    kt_scx_trace_dump_text("  x-1 [000] ..... 3.1: sched_ext_dump:   "
				   "scx_bpf_error (a.c:357: ktstr: injected "
				   "crash)"),
	    "  scx_bpf_error (a.c:357: ktstr: injected crash)");
	assert_null(kt_scx_trace_dump_text("  x-1 [000] ..... 3.1: "
					   "sched_switch: prev_comm=x"));
	assert_null(kt_scx_trace_dump_text("CPU:1 [LOST 12 EVENTS]"));
}

static void feed(struct kt_scx_dump_split *s, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		assert_int_equal(kt_scx_dump_split_line(s, lines[i]), 0);
}

static const char *const sysrq_lines[] = {
    "ktstr: root",
    "Debug dump triggered by SysRq-D",
    "",
    "CPU states",
    "----------",
    "",
    "CPU 0   : nr_run=4 flags=0x1 cpu_rel=0 ksync=197",
    "          curr=init[1] class=rt_sched_class",
    "",
    "  R init[110] *root -1992ms",
    NULL,
};

static const char *const exit_lines[] = {
    "ktstr: root",
    "swapper/0[0] triggered exit kind 1026 on CPU 0:",
    "  runnable task stall (watchdog failed to check in for 2.012s)",
    "",
    "Backtrace:",
    "  __scx_exit+0x4f/0x70",
    "",
    "CPU states",
    "----------",
    NULL,
};

static void test_split(void **state)
{
	struct kt_scx_dump_split *s = kt_scx_dump_split_new("tracepoint");
	struct kt_result_dump *d;
	const char *const stray[] = {"  R init[9] *root -5ms", NULL};
	const char *const ident_only[] = {"ktstr: root", "a: b c", NULL};

	(void)state;
	assert_non_null(s);
	feed(s, stray); /* the end of a dump whose start was lost: dropped */
	assert_null(kt_scx_dump_split_take(s, KT_DUMP_TRIGGER_SYSRQ));
	feed(s, sysrq_lines);
	feed(s, exit_lines);
	/* a "NAME: root" line not before a header stays in its dump */
	feed(s, ident_only);

	d = kt_scx_dump_split_take(s, KT_DUMP_TRIGGER_SYSRQ);
	assert_non_null(d);
	assert_string_equal(d->trigger, "SysRq-D");
	assert_string_equal(d->source, "tracepoint");
	assert_string_equal(d->reason, "");
	assert_int_equal(d->nr_lines, 10);
	assert_true(!strncmp(d->text,
			     "ktstr: root\nDebug dump triggered by "
			     "SysRq-D\n\nCPU states\n",
			     45));
	assert_contains(d->text, "\n  R init[110] *root -1992ms\n");
	kt_result_dump_free(d);
	assert_null(kt_scx_dump_split_take(s, KT_DUMP_TRIGGER_SYSRQ));

	d = kt_scx_dump_split_take(s, KT_DUMP_TRIGGER_EJECTION);
	assert_non_null(d);
	assert_string_equal(d->trigger, "ejection");
	assert_string_equal(d->reason, "runnable task stall (watchdog failed "
				       "to check in for 2.012s)");
	assert_int_equal(d->nr_lines, 11);
	assert_contains(d->text, "----------\nktstr: root\na: b c\n");
	kt_result_dump_free(d);
	kt_scx_dump_split_free(s);
}

/* A newer dump of a trigger replaces the older one; other triggers keep
 * theirs. */
static void test_split_newest(void **state)
{
	struct kt_scx_dump_split *s = kt_scx_dump_split_new("tracepoint");
	const char *const second[] = {"Debug dump triggered by SysRq-D",
				      "CPU 1   : second", NULL};
	struct kt_result_dump *d;

	(void)state;
	feed(s, sysrq_lines);
	feed(s, exit_lines);
	feed(s, second);
	d = kt_scx_dump_split_take(s, KT_DUMP_TRIGGER_SYSRQ);
	assert_non_null(d);
	assert_string_equal(
	    d->text, "Debug dump triggered by SysRq-D\nCPU 1   : second\n");
	kt_result_dump_free(d);
	d = kt_scx_dump_split_take(s, KT_DUMP_TRIGGER_EJECTION);
	assert_non_null(d);
	assert_int_equal(d->nr_lines, 9);
	kt_result_dump_free(d);
	kt_scx_dump_split_free(s);
}

static void test_bound(void **state)
{
	struct kt_result_dump *d = kt_result_dump_new("SysRq-D", "x", "t");
	char line[701];

	(void)state;
	assert_non_null(d);
	for (int i = 0; i < KT_DUMP_MAX_LINES + 100; i++)
		assert_int_equal(kt_result_dump_add_line(d, "l"), 0);
	assert_int_equal(d->nr_lines, KT_DUMP_MAX_LINES);
	assert_int_equal(d->dropped_lines, 100);
	assert_int_equal(strlen(d->text), 2 * KT_DUMP_MAX_LINES);
	kt_result_dump_free(d);

	/* the byte bound: 700-byte lines, 701 bytes with the '\n' */
	d = kt_result_dump_new(NULL, NULL, NULL);
	memset(line, 'x', 700);
	line[700] = '\0';
	for (int i = 0; i < 100; i++)
		assert_int_equal(kt_result_dump_add_line(d, line), 0);
	assert_int_equal(d->nr_lines, KT_DUMP_MAX_BYTES / 701);
	assert_int_equal(d->dropped_lines, 100 - KT_DUMP_MAX_BYTES / 701);
	assert_true(strlen(d->text) <= KT_DUMP_MAX_BYTES);
	/* once past the bound, even a short line is dropped: the dump is
	 * cut at one place, never with holes */
	assert_int_equal(kt_result_dump_add_line(d, "short"), 0);
	assert_null(strstr(d->text, "short"));
	/* a line is one line: text after a '\n' in it is not kept */
	kt_result_dump_free(d);
	d = kt_result_dump_new(NULL, NULL, NULL);
	assert_int_equal(kt_result_dump_add_line(d, "a\nb"), 0);
	assert_string_equal(d->text, "a\n");
	kt_result_dump_free(d);
}

static void test_from_log(void **state)
{
	const char *ktstr_log =
	    "scx-ktstr: attached (timeout_ms=2000)\n"
	    "scx-ktstr: DEBUG DUMP\nold\nscx-ktstr: END DEBUG DUMP\n"
	    "scx-ktstr: DEBUG DUMP\n"
	    "ktstr: root\n"
	    "swapper/0[0] triggered exit kind 1025 on CPU 0:\n"
	    "  scx_bpf_error (x.c:357: ktstr: injected crash)\n"
	    "\n"
	    "\n"
	    "scx-ktstr: END DEBUG DUMP\n"
	    "EXIT: scx_bpf_error (x.c:357: ktstr: injected crash)\n";
	const char *uei_log =
	    "starting\n\nDEBUG DUMP\n"
	    "======================================================\n\n"
	    "sched: root\nDebug dump triggered by ...\nCPU 0   : nr_run=1\n"
	    "\n======================================================\n\n"
	    "EXIT: runnable task stall\n";
	struct kt_result_dump *d;

	(void)state;
	d = kt_scx_dump_from_log(ktstr_log, "why");
	assert_non_null(d);
	assert_string_equal(d->source, "loader");
	assert_string_equal(d->trigger, "ejection");
	assert_string_equal(d->reason, "why");
	assert_string_equal(
	    d->text, "ktstr: root\n"
		     "swapper/0[0] triggered exit kind 1025 on CPU 0:\n"
		     "  scx_bpf_error (x.c:357: ktstr: injected crash)\n");
	assert_int_equal(d->nr_lines, 3);
	kt_result_dump_free(d);

	d = kt_scx_dump_from_log(uei_log, NULL);
	assert_non_null(d);
	assert_string_equal(d->text, "sched: root\nDebug dump triggered by "
				     "...\nCPU 0   : nr_run=1\n");
	kt_result_dump_free(d);

	assert_null(kt_scx_dump_from_log("EXIT: unregistered\n", "x"));
	assert_null(kt_scx_dump_from_log("", "x"));
	assert_null(kt_scx_dump_from_log(NULL, "x"));
}

static char *print_to_string(const struct kt_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	kt_result_print(r, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_result_dumps(void **state)
{
	struct kt_result_dump *d = kt_result_dump_new("SysRq-D",
						      "the stall "
						      "watch",
						      "tracepoint");
	struct kt_result r, back;
	char line[32], *text;
	json_t *j;

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), i % 10 ? "line %d" : "", i);
		assert_int_equal(kt_result_dump_add_line(d, line), 0);
	}
	d->dropped_lines = 3;
	kt_result_init(&r);
	kt_result_set_header(&r, "steady", "1n1l2c1t", "scx-ktstr");
	assert_int_equal(kt_result_add_dump(&r, d), 0);

	text = print_to_string(&r);
	assert_contains(text,
			"--- sched_ext dump 1/1: SysRq-D (tracepoint), "
			"50 lines: the stall watch ---\n  |\n  | line 1\n");
	assert_contains(text, "  | line 39\n  | ... 10 more lines: the whole "
			      "dump is the JSON result's dumps[0].text\n");
	assert_null(strstr(text, "line 40"));
	assert_contains(text, "(3 lines past the 2000-line / 64 KiB bound");
	free(text);

	j = kt_result_to_json(&r);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_int_equal(back.nr_dumps, 1);
	assert_string_equal(back.dumps[0].text, d->text);
	assert_string_equal(back.dumps[0].trigger, "SysRq-D");
	assert_string_equal(back.dumps[0].reason, "the stall watch");
	assert_int_equal(back.dumps[0].nr_lines, 50);
	assert_int_equal(back.dumps[0].dropped_lines, 3);
	kt_result_free(&back);
	json_decref(j);

	/* at most KT_DUMP_MAX_PER_RESULT; then a note */
	for (int i = 1; i < KT_DUMP_MAX_PER_RESULT + 1; i++)
		assert_int_equal(kt_result_add_dump(&r, d), 0);
	assert_int_equal(r.nr_dumps, KT_DUMP_MAX_PER_RESULT);
	assert_int_equal(r.details[r.nr_details - 1].kind, KT_DETAIL_NOTE);
	assert_contains(r.details[r.nr_details - 1].msg, "not kept");
	kt_result_free(&r);
	kt_result_dump_free(d);
}

static void test_result_dumps_bad_json(void **state)
{
	struct kt_result r;
	json_t *j;

	(void)state;
	j = json_loads("{\"verdict\": \"fail\", \"dumps\": [{\"trigger\": "
		       "\"SysRq-D\", \"text\": 3}]}",
		       0, NULL);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &r), -22);
	assert_contains(kt_last_error(), "dumps[0]");
	json_decref(j);
	j = json_loads("{\"verdict\": \"fail\", \"dumps\": {}}", 0, NULL);
	assert_int_equal(kt_result_from_json(j, &r), -22);
	assert_contains(kt_last_error(), "dumps: must be an array");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trace_line),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_split_newest),
	    cmocka_unit_test(test_bound),
	    cmocka_unit_test(test_from_log),
	    cmocka_unit_test(test_result_dumps),
	    cmocka_unit_test(test_result_dumps_bad_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
