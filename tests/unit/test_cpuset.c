/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for kt_cpuset: parse/format, errors, set operations, nth/next. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>

static void assert_roundtrip(const char *in, const char *want, int count)
{
	struct kt_cpuset s;
	char buf[256];

	assert_int_equal(kt_cpuset_parse(in, &s), 0);
	assert_int_equal(kt_cpuset_count(&s), count);
	assert_int_equal(kt_cpuset_format(&s, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_parse_format(void **state)
{
	(void)state;
	assert_roundtrip("", "", 0);
	assert_roundtrip("\n", "", 0);
	assert_roundtrip("0", "0", 1);
	assert_roundtrip("0-3\n", "0-3", 4);
	assert_roundtrip("0-3,5,7-9", "0-3,5,7-9", 8);
	/* Unsorted, overlapping and adjacent input is normalised. */
	assert_roundtrip("9,0,1,2,3,5,7-8", "0-3,5,7-9", 8);
	assert_roundtrip("2-5,4-7,8", "2-8", 7);
	assert_roundtrip("4-4", "4", 1);
	assert_roundtrip("63,64", "63-64", 2);
	assert_roundtrip("1023", "1023", 1);
	assert_roundtrip("0-1023", "0-1023", 1024);
	assert_roundtrip("0,2,4", "0,2,4", 3);
}

static void assert_bad(const char *in, const char *token)
{
	struct kt_cpuset s;
	char want[128];

	kt_cpuset_zero(&s);
	kt_cpuset_set(&s, 42);
	assert_int_equal(kt_cpuset_parse(in, &s), -EINVAL);
	snprintf(want, sizeof(want), "bad token \"%s\"", token);
	if (!strstr(kt_last_error(), want))
		fail_msg("error \"%s\" does not contain '%s'", kt_last_error(),
			 want);
	assert_non_null(strstr(kt_last_error(), "cpulist \""));
	/* The output is untouched on failure. */
	assert_true(kt_cpuset_test(&s, 42));
	assert_int_equal(kt_cpuset_count(&s), 1);
}

static void test_parse_errors(void **state)
{
	(void)state;
	assert_bad("0-3,x", "x");
	assert_bad("x", "x");
	assert_bad("1,,2", "");
	assert_bad(",1", "");
	assert_bad("1,", "");
	assert_bad("3-1", "3-1");
	assert_bad("0, 1", " 1");
	assert_bad(" 0", " 0");
	assert_bad("0-", "0-");
	assert_bad("-1", "-1");
	assert_bad("1-2-3", "1-2-3");
	assert_bad("1024", "1024");
	assert_bad("0-1024", "0-1024");
	assert_bad("99999999999999999999", "99999999999999999999");
	assert_bad("0x1", "0x1");
	assert_bad("+1", "+1");
	assert_bad("1\n\n", "1\n");
	/* The whole list is quoted as well as the token. */
	assert_bad("0-3,x", "x");
	assert_non_null(strstr(kt_last_error(), "cpulist \"0-3,x\""));
}

static void test_set_ops(void **state)
{
	struct kt_cpuset a, b, c;

	(void)state;
	kt_cpuset_zero(&a);
	assert_true(kt_cpuset_empty(&a));
	kt_cpuset_set(&a, -1);
	kt_cpuset_set(&a, KT_MAX_CPUS);
	assert_true(kt_cpuset_empty(&a));
	assert_false(kt_cpuset_test(&a, -1));
	assert_false(kt_cpuset_test(&a, KT_MAX_CPUS));

	assert_int_equal(kt_cpuset_parse("0-7", &a), 0);
	assert_int_equal(kt_cpuset_parse("4-11", &b), 0);
	c = a;
	kt_cpuset_or(&c, &b);
	assert_string_equal(kt_cpuset_str(&c, 0), "0-11");
	c = a;
	kt_cpuset_and(&c, &b);
	assert_string_equal(kt_cpuset_str(&c, 0), "4-7");
	c = a;
	kt_cpuset_andnot(&c, &b);
	assert_string_equal(kt_cpuset_str(&c, 0), "0-3");

	assert_false(kt_cpuset_subset(&a, &b));
	assert_true(kt_cpuset_subset(&c, &a));
	assert_false(kt_cpuset_subset(&a, &c));
	assert_false(kt_cpuset_equal(&a, &b));
	kt_cpuset_clear(&a, 7);
	kt_cpuset_clear(&a, 6);
	kt_cpuset_clear(&a, 5);
	kt_cpuset_clear(&a, 4);
	assert_true(kt_cpuset_equal(&a, &c));

	kt_cpuset_zero(&a);
	kt_cpuset_set_range(&a, 60, 70);
	assert_int_equal(kt_cpuset_count(&a), 11);
	assert_string_equal(kt_cpuset_str(&a, 1), "60-70");
	kt_cpuset_set_range(&a, 1020, 2000);
	assert_string_equal(kt_cpuset_str(&a, 1), "60-70,1020-1023");

	/* The four thread-local slots do not clobber each other. */
	assert_int_equal(kt_cpuset_parse("1", &a), 0);
	assert_int_equal(kt_cpuset_parse("2-3", &b), 0);
	const char *s0 = kt_cpuset_str(&a, 0);
	const char *s3 = kt_cpuset_str(&b, 3);

	assert_string_equal(s0, "1");
	assert_string_equal(s3, "2-3");
}

static void test_next_nth(void **state)
{
	struct kt_cpuset s;
	int cpu, seen[8], n = 0;

	(void)state;
	assert_int_equal(kt_cpuset_parse("3,64,65,200,1023", &s), 0);
	assert_int_equal(kt_cpuset_first(&s), 3);
	assert_int_equal(kt_cpuset_next(&s, 4), 64);
	assert_int_equal(kt_cpuset_next(&s, 65), 65);
	assert_int_equal(kt_cpuset_next(&s, 66), 200);
	assert_int_equal(kt_cpuset_next(&s, 201), 1023);
	assert_int_equal(kt_cpuset_next(&s, 1024), -1);
	assert_int_equal(kt_cpuset_nth(&s, 0), 3);
	assert_int_equal(kt_cpuset_nth(&s, 1), 64);
	assert_int_equal(kt_cpuset_nth(&s, 2), 65);
	assert_int_equal(kt_cpuset_nth(&s, 3), 200);
	assert_int_equal(kt_cpuset_nth(&s, 4), 1023);
	assert_int_equal(kt_cpuset_nth(&s, 5), -1);
	assert_int_equal(kt_cpuset_nth(&s, -1), -1);

	kt_cpuset_for_each (cpu, &s) {
		assert_true(n < 8);
		seen[n++] = cpu;
	}
	assert_int_equal(n, 5);
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[4], 1023);

	kt_cpuset_zero(&s);
	assert_int_equal(kt_cpuset_first(&s), -1);
	assert_int_equal(kt_cpuset_nth(&s, 0), -1);
}

static void test_format_truncation(void **state)
{
	struct kt_cpuset s;
	char buf[6];

	(void)state;
	assert_int_equal(kt_cpuset_parse("0-3,5,7-9", &s), 0);
	memset(buf, 'z', sizeof(buf));
	/* Like snprintf: the return is the full length, the buffer is
	 * NUL-terminated and holds a prefix of the full string. */
	assert_int_equal(kt_cpuset_format(&s, buf, sizeof(buf)), 9);
	assert_true(memchr(buf, '\0', sizeof(buf)) != NULL);
	assert_int_equal(strncmp(buf, "0-3,5,7-9", strlen(buf)), 0);
	assert_int_equal(kt_cpuset_format(&s, NULL, 0), 9);

	/* Worst case (every other CPU) still fits kt_cpuset_str. */
	kt_cpuset_zero(&s);
	for (int i = 0; i < KT_MAX_CPUS; i += 2)
		kt_cpuset_set(&s, i);
	const char *str = kt_cpuset_str(&s, 2);
	struct kt_cpuset back;

	assert_int_equal((int)strlen(str), kt_cpuset_format(&s, NULL, 0));
	assert_int_equal(kt_cpuset_parse(str, &back), 0);
	assert_true(kt_cpuset_equal(&s, &back));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_format),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_set_ops),
	    cmocka_unit_test(test_next_nth),
	    cmocka_unit_test(test_format_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
