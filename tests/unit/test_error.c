/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the error slot: kt_err with kt_last_error() as an
 * argument, kt_err_wrap nesting, and save/restore across cleanup. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/common.h>

static void test_err_sets_errno_and_returns(void **state)
{
	(void)state;
	kt_clear_error();
	assert_string_equal(kt_last_error(), "no error recorded");
	errno = 0;
	assert_int_equal(kt_err(EINVAL, "bad %d", 7), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(kt_last_error(), "bad 7");
	/* The sign of err does not matter. */
	assert_int_equal(kt_err(-ENOENT, "gone"), -ENOENT);
	assert_int_equal(errno, ENOENT);
}

/* The bug this guards: formatting straight into the slot that
 * kt_last_error() returns printed the prefix twice. */
static void test_err_with_last_error_argument(void **state)
{
	(void)state;
	kt_err(EINVAL, "must be > 0");
	kt_err(EINVAL, "scheduler %s: %s", "scx_foo", kt_last_error());
	assert_string_equal(kt_last_error(), "scheduler scx_foo: must be > 0");
}

static int level3(void)
{
	return kt_err(ERANGE, "value 12: out of range 1..8");
}

static int level2(void)
{
	int err = level3();

	return err ? kt_err_wrap(err, "key \"fan_out\"") : 0;
}

static int level1(void)
{
	int err = level2();

	return err ? kt_err_wrap(EINVAL, "cgroup %s", "cg_0") : 0;
}

static void test_wrap_nested(void **state)
{
	(void)state;
	kt_clear_error();
	assert_int_equal(level1(), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(kt_last_error(),
			    "cgroup cg_0: key \"fan_out\": value 12: out of "
			    "range 1..8");
}

static void test_wrap_without_previous_error(void **state)
{
	(void)state;
	kt_clear_error();
	assert_int_equal(kt_err_wrap(EIO, "step %d", 2), -EIO);
	assert_string_equal(kt_last_error(), "step 2");
}

static void test_wrap_truncates_safely(void **state)
{
	char big[3 * KT_ERR_MAX];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	kt_err(E2BIG, "%s", big);
	assert_int_equal(strlen(kt_last_error()), KT_ERR_MAX - 1);
	kt_err_wrap(E2BIG, "prefix");
	assert_int_equal(strlen(kt_last_error()), KT_ERR_MAX - 1);
	assert_memory_equal(kt_last_error(), "prefix: xxx", 11);
}

static void cleanup_that_fails(void)
{
	kt_err(EBUSY, "remove cgroup cg_1: busy");
}

static void test_save_restore(void **state)
{
	struct kt_err_saved e;

	(void)state;
	kt_err(ENOENT, "open plan.json: no such file");
	kt_err_save(&e);
	cleanup_that_fails();
	assert_string_equal(kt_last_error(), "remove cgroup cg_1: busy");
	assert_int_equal(kt_err_restore(&e), -ENOENT);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(kt_last_error(), "open plan.json: no such file");

	/* An empty slot is restored empty. */
	kt_clear_error();
	kt_err_save(&e);
	cleanup_that_fails();
	kt_err_restore(&e);
	assert_string_equal(kt_last_error(), "no error recorded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_err_sets_errno_and_returns),
	    cmocka_unit_test(test_err_with_last_error_argument),
	    cmocka_unit_test(test_wrap_nested),
	    cmocka_unit_test(test_wrap_without_previous_error),
	    cmocka_unit_test(test_wrap_truncates_safely),
	    cmocka_unit_test(test_save_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
