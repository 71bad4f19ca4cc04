/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the guest's shell mode (src/guest/shell.c): status
 * mapping, and `sh -c CMD` run on the host's /bin/sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>

#include "../../src/guest/shell.h"

/* A real wait status: a child that exits with code, or dies of sig. */
static int wait_status_of(int code, int sig)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (sig)
			raise(sig);
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void test_status_mapping(void **state)
{
	int st;

	(void)state;
	st = wait_status_of(0, 0);
	assert_int_equal(kt_guest_shell_exit_code(st), 0);
	assert_int_equal(kt_guest_shell_status(st), 0);

	st = wait_status_of(7, 0);
	assert_int_equal(kt_guest_shell_exit_code(st), 1);
	assert_int_equal(kt_guest_shell_status(st), 7);

	st = wait_status_of(255, 0);
	assert_int_equal(kt_guest_shell_exit_code(st), 1);
	assert_int_equal(kt_guest_shell_status(st), 255);

	st = wait_status_of(0, SIGKILL);
	assert_int_equal(kt_guest_shell_exit_code(st), 1);
	assert_int_equal(kt_guest_shell_status(st), 128 + SIGKILL);
}

static void test_run_command(void **state)
{
	int st = -1;

	(void)state;
	if (access(KT_GUEST_SH, X_OK))
		skip();
	assert_int_equal(kt_guest_shell_run("exit 5", &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 5);

	/* The command sees the arguments as one shell string. */
	assert_int_equal(
	    kt_guest_shell_run("test \"a b\" = 'a b' && kill -TERM $$", &st),
	    0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(kt_guest_shell_status(st), 128 + SIGTERM);

	/* Another child exiting first is reaped, not mistaken for ours. */
	pid_t other = fork();

	assert_true(other >= 0);
	if (other == 0)
		_exit(42);
	assert_int_equal(kt_guest_shell_run("sleep 0.2; exit 3", &st), 0);
	assert_int_equal(WEXITSTATUS(st), 3);
	assert_int_equal(waitpid(other, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_mapping),
	    cmocka_unit_test(test_run_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
