/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for console classification on recorded console snippets:
 * panic, Oops (int3), BUG:, sched_ext disable, and a clean boot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/vm.h>

#include "vm/console_scan.h"

static const char clean_boot[] =
    "[    0.000000] Linux version 7.2.13+deb14-cloud-amd64 (debian-kernel@"
    "kernel-team.invalid) #1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1\r\n"
    "[    0.000000] Command line: console=ttyS0 panic=-1 rdinit=/init "
    "loglevel=4\r\n"
    "[    2.103311] Run /init as init process\r\n"
    "ktstr-init: mounts done\r\n"
    "ktstr-init: sched_ext: BPF scheduler state enabled\r\n"
    "ktstr-init: exit code 0; powering off\r\n"
    "[    4.201170] reboot: Power down\r\n";

/* Recorded on this machine (vm-feasibility.md §6): an int3 Oops, then
 * the panic it causes. */
static const char oops_int3[] =
    "[    3.001000] random: crng init done\r\n"
    "[    3.115092] Oops: int3: 0000 [#1] SMP NOPTI\r\n"
    "[    3.115550] CPU: 1 UID: 0 PID: 114 Comm: dd Not tainted "
    "7.2.13+deb14-cloud-amd64 #1 PREEMPT(lazy)\r\n"
    "[    3.116012] RIP: 0010:urandom_read_iter+0x13/0x90\r\n"
    "[    3.117213] Kernel panic - not syncing: Fatal exception in "
    "interrupt\r\n"
    "[    3.117500] Kernel Offset: disabled\r\n";

static const char panic_init[] =
    "ktstr-init: error: no channel\n"
    "[    5.509045] Kernel panic - not syncing: Attempted to kill init! "
    "exitcode=0x00000200\n"
    "[    5.511724] CPU: 1 UID: 0 PID: 1 Comm: init Not tainted\n";

static const char bug_null[] =
    "[   12.000001] sched_ext: BPF scheduler \"simple\" enabled\n"
    "[   12.400012] BUG: kernel NULL pointer dereference, address: "
    "0000000000000008\n"
    "[   12.400100] #PF: supervisor read access in kernel mode\n";

static const char scx_disabled[] =
    "[    8.100000] sched_ext: BPF scheduler \"qmap\" enabled\n"
    "[   14.233110] sched_ext: BPF scheduler \"qmap\" disabled (runnable "
    "task stall)\n"
    "[   14.233200] sched_ext: qmap: kworker/0:1[9] failed to run for "
    "5.048s\n";

static void scan(const char *text, struct kt_console_scan *s)
{
	assert_int_equal(kt_console_scan_text(text, strlen(text), s), 0);
}

static void test_clean(void **state)
{
	struct kt_console_scan s;

	(void)state;
	scan(clean_boot, &s);
	assert_int_equal(s.kind, KT_CONSOLE_CLEAN);
	assert_int_equal(s.first_line, 0);
	assert_null(s.excerpt);
	assert_null(s.first_hit);
	assert_false(kt_console_is_crash(s.kind));
	kt_console_scan_free(&s);

	/* "enabled" is no hit, nor is the word Oops in user text */
	scan("[ 1.0] sched_ext: BPF scheduler \"x\" enabled\n"
	     "echo Oops, wrong key\n",
	     &s);
	assert_int_equal(s.kind, KT_CONSOLE_CLEAN);
	kt_console_scan_free(&s);
}

static void test_oops_then_panic(void **state)
{
	struct kt_console_scan s;

	(void)state;
	scan(oops_int3, &s);
	/* the most severe kind, but the excerpt starts at the first hit */
	assert_int_equal(s.kind, KT_CONSOLE_PANIC);
	assert_true(kt_console_is_crash(s.kind));
	assert_int_equal(s.first_line, 2);
	assert_string_equal(s.first_hit,
			    "[    3.115092] Oops: int3: 0000 [#1] SMP NOPTI");
	assert_non_null(strstr(s.excerpt, "urandom_read_iter"));
	assert_non_null(strstr(s.excerpt, "crng init done")); /* before */
	assert_null(strchr(s.excerpt, '\r'));
	kt_console_scan_free(&s);
}

static void test_panic(void **state)
{
	struct kt_console_scan s;

	(void)state;
	scan(panic_init, &s);
	assert_int_equal(s.kind, KT_CONSOLE_PANIC);
	assert_int_equal(s.first_line, 2);
	assert_non_null(strstr(s.first_hit, "Attempted to kill init"));
	kt_console_scan_free(&s);
	assert_string_equal(kt_console_kind_name(KT_CONSOLE_PANIC),
			    "kernel panic");
}

static void test_bug(void **state)
{
	struct kt_console_scan s;

	(void)state;
	scan(bug_null, &s);
	assert_int_equal(s.kind, KT_CONSOLE_BUG);
	assert_true(kt_console_is_crash(s.kind));
	assert_int_equal(s.first_line, 2);
	assert_non_null(strstr(s.excerpt, "#PF: supervisor read"));
	kt_console_scan_free(&s);
}

static void test_sched_disabled(void **state)
{
	struct kt_console_scan s;

	(void)state;
	scan(scx_disabled, &s);
	assert_int_equal(s.kind, KT_CONSOLE_SCHED_DISABLED);
	assert_false(kt_console_is_crash(s.kind)); /* a verdict, not a crash */
	assert_int_equal(s.first_line, 2);
	assert_non_null(strstr(s.first_hit, "(runnable task stall)"));
	assert_non_null(strstr(s.excerpt, "failed to run for 5.048s"));
	kt_console_scan_free(&s);
}

static void test_excerpt_window_and_tail(void **state)
{
	char *text = NULL, *tail;
	size_t len = 0;
	struct kt_console_scan s;
	FILE *f = open_memstream(&text, &len);
	int lines = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		fprintf(f, "[ %d.0] line %d\n", i, i);
	fprintf(f, "[ 100.0] BUG: soft lockup - CPU#0 stuck for 22s!\n");
	for (int i = 101; i < 200; i++)
		fprintf(f, "[ %d.0] line %d\n", i, i);
	fclose(f);
	scan(text, &s);
	assert_int_equal(s.kind, KT_CONSOLE_BUG);
	assert_int_equal(s.first_line, 101);
	/* 10 lines before, the hit, 20 after */
	for (const char *p = s.excerpt; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 31);
	assert_non_null(strstr(s.excerpt, "line 90\n"));
	assert_null(strstr(s.excerpt, "line 89\n"));
	assert_non_null(strstr(s.excerpt, "line 120\n"));
	assert_null(strstr(s.excerpt, "line 121\n"));
	kt_console_scan_free(&s);

	tail = kt_console_tail(text, len, 3);
	assert_string_equal(tail, "[ 197.0] line 197\n[ 198.0] line 198\n"
				  "[ 199.0] line 199\n");
	free(tail);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_oops_then_panic),
	    cmocka_unit_test(test_panic),
	    cmocka_unit_test(test_bug),
	    cmocka_unit_test(test_sched_disabled),
	    cmocka_unit_test(test_excerpt_window_and_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
