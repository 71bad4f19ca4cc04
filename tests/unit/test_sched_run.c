/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the scheduler lifecycle (src/lib/sched_run.c) on the
 * host: fixture schedulers (tests/fixtures/sched) play the loader and the
 * kernel (a fake sched_ext sysfs dir and a kmsg-format file), so start,
 * attach, death, ejection with the loader still alive, and stop are all
 * exercised without a VM.
 */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/scenario.h>
#include <ktstr/sched.h>

struct env {
	char dir[64];
	char scx[128], kmsg[160], log[160];
	char fixtures[PATH_MAX - 64];
};

static void assert_contains(const char *hay, const char *needle)
{
	if (!hay || !strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)",
			 needle);
}

static bool lines_contain(char *const *v, size_t nr, const char *needle)
{
	for (size_t i = 0; i < nr; i++)
		if (strstr(v[i], needle))
			return true;
	return false;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char exe[PATH_MAX];
	ssize_t n;
	FILE *f;

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/kt-sched-run.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->scx, sizeof(e->scx), "%s/scx", e->dir);
	snprintf(e->kmsg, sizeof(e->kmsg), "%s/kmsg", e->dir);
	snprintf(e->log, sizeof(e->log), "%s/sched.log", e->dir);
	assert_int_equal(mkdir(e->scx, 0755), 0);
	f = fopen(e->kmsg, "w");
	assert_non_null(f);
	fclose(f);
	{
		char st[200];

		snprintf(st, sizeof(st), "%s/state", e->scx);
		f = fopen(st, "w");
		assert_non_null(f);
		fputs("disabled\n", f);
		fclose(f);
	}
	/* The fixtures are built next to the unit tests: O/fixtures/sched. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(e->fixtures, sizeof(e->fixtures), "%s/../fixtures/sched",
		 dirname(exe));
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char cmd[256];

	/* Test files only: state, root/ops, kmsg, log. */
	snprintf(cmd, sizeof(cmd), "%s/root/ops", e->scx);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/root", e->scx);
	rmdir(cmd);
	snprintf(cmd, sizeof(cmd), "%s/state", e->scx);
	unlink(cmd);
	rmdir(e->scx);
	unlink(e->kmsg);
	unlink(e->log);
	snprintf(cmd, sizeof(cmd), "%s/noexec", e->dir);
	unlink(cmd);
	assert_int_equal(rmdir(e->dir), 0);
	free(e);
	kt_sched_clear_gone();
	return 0;
}

static void fixture(const struct env *e, const char *name, char *buf,
		    size_t len)
{
	if (snprintf(buf, len, "%s/%s", e->fixtures, name) >= (int)len)
		fail_msg("fixture path too long");
	if (access(buf, X_OK))
		fail_msg("fixture %s is missing (make builds it)", buf);
}

static struct kt_sched_run_opts opts(const struct env *e, const char *path,
				     const char *const *args)
{
	struct kt_sched_run_opts o = {
	    .path = path,
	    .args = args,
	    .attach_timeout_ns = KT_SEC(3),
	    .alive_ns = KT_MS(300),
	    .stop_wait_ns = KT_SEC(2),
	    .poll_ns = KT_MS(20),
	    .log_path = e->log,
	    .scx_dir = e->scx,
	    .kmsg_path = e->kmsg,
	};
	return o;
}

static void test_attach_and_stop(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX];
	const char *args[] = {"--dir",	     e->scx, "--kmsg", e->kmsg,
			      "--attach-ms", "100",  NULL};
	struct kt_sched_run_opts o;
	struct kt_sched_run *r;

	fixture(e, "fake_scx", path, sizeof(path));
	o = opts(e, path, args);
	assert_int_equal(kt_sched_start(&o, &r), 0);
	assert_true(kt_sched_run_pid(r) > 0);
	assert_true(kt_sched_run_alive(r));
	assert_true(kt_sched_run_attach_ms(r) >= 100);
	assert_null(kt_sched_run_exit(r));
	assert_false(kt_sched_is_gone());
	assert_int_equal(kt_sched_stop(r), 0);
	assert_null(kt_sched_run_exit(r));
	kt_sched_run_free(r);
}

static void test_exit_at_once(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX];
	const char *args[] = {"hello", NULL};
	struct kt_sched_run_opts o;
	const struct kt_sched_exit *x;
	struct kt_sched_run *r;

	fixture(e, "exit_at_once", path, sizeof(path));
	o = opts(e, path, args);
	assert_int_equal(kt_sched_start(&o, &r), -ESRCH);
	x = kt_sched_run_exit(r);
	assert_non_null(x);
	assert_int_equal(x->phase, KT_SCHED_PHASE_START);
	assert_string_equal(x->reason, "scheduler exited at once (status 3) "
				       "before attaching");
	assert_true(lines_contain(x->log_tail, x->nr_log_tail, "arg hello"));
	assert_false(kt_sched_run_alive(r));
	assert_true(kt_sched_is_gone());
	assert_int_equal(kt_sched_stop(r), 0);
	kt_sched_run_free(r);
}

static void test_never_attach(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX];
	struct kt_sched_run_opts o;
	const struct kt_sched_exit *x;
	struct kt_sched_run *r;
	uint64_t t0 = kt_now_ns();

	fixture(e, "never_attach", path, sizeof(path));
	o = opts(e, path, NULL);
	o.attach_timeout_ns = KT_MS(600);
	assert_int_equal(kt_sched_start(&o, &r), -ESRCH);
	assert_true(kt_now_ns() - t0 >= KT_MS(600));
	x = kt_sched_run_exit(r);
	assert_non_null(x);
	assert_int_equal(x->phase, KT_SCHED_PHASE_ATTACH);
	assert_contains(x->reason, "scheduler never attached (state=disabled");
	assert_true(
	    lines_contain(x->log_tail, x->nr_log_tail, "never attaches"));
	kt_sched_run_free(r);
}

static void test_exec_failure(void **state)
{
	struct env *e = *state;
	char path[256];
	struct kt_sched_run_opts o;
	const struct kt_sched_exit *x;
	struct kt_sched_run *r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/noexec", e->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a program\n", f);
	fclose(f);
	chmod(path, 0644);
	o = opts(e, path, NULL);
	assert_int_equal(kt_sched_start(&o, &r), -ESRCH);
	x = kt_sched_run_exit(r);
	assert_non_null(x);
	assert_int_equal(x->phase, KT_SCHED_PHASE_START);
	assert_contains(x->reason, "scheduler failed to start: exec ");
	assert_contains(x->reason, "noexec: Permission denied");
	kt_sched_run_free(r);
}

/* The kernel ejects the scheduler and the loader stays alive: the hold
 * must end early anyway, and the kernel's reason is the verdict. */
static void test_ejected_loader_alive(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], line[512];
	const char *args[] = {"--dir",	     e->scx, "--kmsg",	   e->kmsg,
			      "--attach-ms", "50",   "--eject-ms", "300",
			      "--stay",	     NULL};
	struct kt_sched_run_opts o;
	const struct kt_sched_exit *x;
	struct kt_sched_run *r;
	struct kt_result res;
	struct kt_ctx ctx = {0};
	uint64_t t0;
	int err;

	fixture(e, "fake_scx", path, sizeof(path));
	o = opts(e, path, args);
	assert_int_equal(kt_sched_start(&o, &r), 0);
	ctx.sched_pid = kt_sched_run_pid(r);
	t0 = kt_now_ns();
	err = kt_ctx_hold(&ctx, KT_SEC(20));
	assert_int_equal(err, -ESRCH);
	assert_true(kt_now_ns() - t0 < KT_SEC(5));
	/* Its process is still there: judged from the kernel. */
	assert_int_equal(kill(ctx.sched_pid, 0), 0);
	assert_false(kt_ctx_sched_alive(&ctx));
	x = kt_sched_run_exit(r);
	assert_non_null(x);
	assert_int_equal(x->phase, KT_SCHED_PHASE_RUN);
	assert_true(x->ejected);
	assert_string_equal(x->event, "ejected");
	assert_string_equal(x->why, "runnable task stall (fake: "
				    "kworker/0:1[42] failed to run for "
				    "5.048s)");
	assert_true(lines_contain(x->kernel_lines, x->nr_kernel_lines,
				  "disabled (runnable task stall)"));
	assert_true(lines_contain(x->log_tail, x->nr_log_tail, "EXIT:"));
	/* no trace here: the dump is the loader's DEBUG DUMP block */
	assert_non_null(x->dump);
	assert_string_equal(x->dump->source, "loader");
	assert_string_equal(x->dump->trigger, "ejection");
	assert_int_equal(x->dump->nr_lines, 8); /* the last blank dropped */
	assert_non_null(strstr(x->dump->text, "\nCPU 0   : nr_run=2\n"));
	assert_int_equal(kt_sched_exit_detail(x, t0, line, sizeof(line)), 0);
	assert_contains(line, "scheduler ejected at +");
	assert_contains(line, "s: runnable task stall (fake: kworker");

	/* As a result: SCHED, the hold's generic detail replaced. */
	kt_result_init(&res);
	kt_result_add(&res, KT_DETAIL_SCHEDULER, "generic");
	kt_result_add(&res, KT_DETAIL_STUCK, "stuck 3000ms on cpu0");
	assert_int_equal(kt_sched_exit_to_result(r, t0, "", &res), 0);
	assert_int_equal(res.verdict, KT_VERDICT_SCHED);
	assert_int_equal(res.details[0].kind, KT_DETAIL_STUCK);
	assert_int_equal(res.details[1].kind, KT_DETAIL_SCHEDULER);
	assert_contains(res.details[1].msg, "scheduler ejected at +");
	assert_int_equal(res.details[2].kind, KT_DETAIL_NOTE);
	for (size_t i = 0; i < res.nr_details; i++)
		if (strstr(res.details[i].msg, "generic") ||
		    strstr(res.details[i].msg, "nr_run=2"))
			fail_msg("kept: %s", res.details[i].msg);
	assert_int_equal(res.nr_dumps, 1);
	assert_string_equal(res.dumps[0].text, x->dump->text);
	kt_result_free(&res);

	/* A stop after an ejection kills the loader; not an error. */
	assert_int_equal(kt_sched_stop(r), 0);
	assert_int_equal(kill(ctx.sched_pid, 0), -1);
	kt_sched_run_free(r);
}

static void test_died(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX];
	const char *args[] = {"--dir",	     e->scx,	  "--kmsg",
			      e->kmsg,	     "--exit-ms", "200",
			      "--exit-code", "7",	  NULL};
	struct kt_sched_run_opts o;
	const struct kt_sched_exit *x;
	struct kt_sched_run *r;
	uint64_t t0 = kt_now_ns();

	fixture(e, "fake_scx", path, sizeof(path));
	o = opts(e, path, args);
	o.alive_ns = KT_MS(100);
	assert_int_equal(kt_sched_start(&o, &r), 0);
	while (kt_sched_run_alive(r) && kt_now_ns() - t0 < KT_SEC(5))
		kt_sleep(KT_MS(20));
	x = kt_sched_run_exit(r);
	assert_non_null(x);
	assert_false(x->ejected);
	assert_string_equal(x->event, "died");
	assert_contains(x->why, "process exited (status 7)");
	assert_contains(x->reason, "scheduler died at +");
	assert_int_equal(kt_sched_stop(r), 0);
	kt_sched_run_free(r);
}

static void test_no_detach(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX];
	const char *args[] = {"--dir", e->scx,	      "--attach-ms",
			      "20",    "--no-detach", NULL};
	struct kt_sched_run_opts o;
	const struct kt_sched_exit *x;
	struct kt_sched_run *r;

	fixture(e, "fake_scx", path, sizeof(path));
	o = opts(e, path, args);
	o.stop_wait_ns = KT_MS(400);
	assert_int_equal(kt_sched_start(&o, &r), 0);
	assert_int_equal(kt_sched_stop(r), -ESRCH);
	x = kt_sched_run_exit(r);
	assert_non_null(x);
	assert_int_equal(x->phase, KT_SCHED_PHASE_STOP);
	assert_contains(x->reason, "scheduler did not detach (state=enabled");
	kt_sched_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_attach_and_stop, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_exit_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_never_attach, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exec_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ejected_loader_alive, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_died, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_detach, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
