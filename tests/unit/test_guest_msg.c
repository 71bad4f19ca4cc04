/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the guest->host messages (src/guest/msg.c): the topo
 * message from recorded sysfs trees, boot/result/error/exit, uptime.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/result.h>
#include <ktstr/topo.h>

#include "../../src/guest/msg.h"

/* The array at key as one string "a|b|c" for compact comparison. */
static const char *joined(json_t *m, const char *key)
{
	static char buf[1024];
	json_t *arr = json_object_get(m, key), *e;
	size_t i;

	buf[0] = '\0';
	assert_true(json_is_array(arr));
	json_array_foreach(arr, i, e)
	{
		assert_true(json_is_string(e));
		if (i)
			strcat(buf, "|");
		strcat(buf, json_string_value(e));
	}
	return buf;
}

static json_t *topo_msg(const char *fixture)
{
	char root[512];
	struct kt_topo *t = NULL;
	json_t *m;

	snprintf(root, sizeof(root), "%s/sysfs/%s", KT_FIXTURES_DIR, fixture);
	if (kt_topo_from_sysfs(root, &t))
		fail_msg("topo %s: %s", fixture, kt_last_error());
	m = kt_msg_topo(t);
	kt_topo_free(t);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "type")),
			    "topo");
	return m;
}

static void test_topo_smt_two_llcs(void **state)
{
	json_t *m = topo_msg("vm-1n2l3c2t");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(m, "topo")),
			    "1n2l3c2t");
	assert_string_equal(joined(m, "llcs"), "0-5|6-11");
	assert_string_equal(joined(m, "nodes"), "0-11");
	assert_string_equal(joined(m, "siblings"), "0-1|2-3|4-5|6-7|8-9|10-11");
	json_decref(m);
}

static void test_topo_two_nodes(void **state)
{
	json_t *m = topo_msg("vm-2n4l2c2t");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(m, "topo")),
			    "2n4l2c2t");
	assert_string_equal(joined(m, "llcs"), "0-3|4-7|8-11|12-15");
	assert_string_equal(joined(m, "nodes"), "0-7|8-15");
	assert_int_equal(json_array_size(json_object_get(m, "siblings")), 8);
	assert_string_equal(joined(m, "siblings"),
			    "0-1|2-3|4-5|6-7|8-9|10-11|12-13|14-15");
	json_decref(m);
}

static void test_topo_no_smt(void **state)
{
	json_t *m = topo_msg("vm-1n1l4c1t");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(m, "topo")),
			    "1n1l4c1t");
	assert_string_equal(joined(m, "llcs"), "0-3");
	assert_string_equal(joined(m, "siblings"), "0|1|2|3");
	json_decref(m);
}

static void test_topo_synthetic(void **state)
{
	struct kt_topo *t = NULL;
	json_t *m;

	(void)state;
	/* Built from a spec (no sysfs): the same numbering a VM gets. */
	assert_int_equal(kt_topo_from_spec(&KT_TOPO(1, 2, 2, 1), 0, &t), 0);
	m = kt_msg_topo(t);
	kt_topo_free(t);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "topo")),
			    "1n2l2c1t");
	assert_string_equal(joined(m, "llcs"), "0-1|2-3");
	assert_string_equal(joined(m, "siblings"), "0|1|2|3");
	json_decref(m);
}

static void test_simple_messages(void **state)
{
	char *s;
	json_t *m;

	(void)state;
	m = kt_msg_boot(2345, "7.2.13+deb14-cloud-amd64", 4);
	s = json_dumps(m, JSON_COMPACT);
	assert_string_equal(s, "{\"type\":\"boot\",\"uptime_ms\":2345,"
			       "\"kernel\":\"7.2.13+deb14-cloud-amd64\","
			       "\"cpus\":4}");
	free(s);
	json_decref(m);

	m = kt_msg_error("plan /ktstr/plan.json: key \"mode\" ...");
	s = json_dumps(m, JSON_COMPACT);
	assert_string_equal(s, "{\"type\":\"error\",\"msg\":\"plan "
			       "/ktstr/plan.json: key \\\"mode\\\" ...\"}");
	free(s);
	json_decref(m);

	m = kt_msg_exit(3, -1);
	s = json_dumps(m, JSON_COMPACT);
	assert_string_equal(s, "{\"type\":\"exit\",\"code\":3}");
	free(s);
	json_decref(m);

	m = kt_msg_exit(1, 137);
	s = json_dumps(m, JSON_COMPACT);
	assert_string_equal(s, "{\"type\":\"exit\",\"code\":1,"
			       "\"status\":137}");
	free(s);
	json_decref(m);
}

static void test_result_message(void **state)
{
	struct kt_result r, back;
	json_t *m;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(
	    kt_result_set_header(&r, "steady", "1n1l2c1t", "eevdf"), 0);
	assert_int_equal(kt_result_add(&r, KT_DETAIL_STUCK, "stuck %dms", 900),
			 0);
	m = kt_msg_result(&r);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "type")),
			    "result");
	/* The host parses the embedded object back into a kt_result. */
	kt_result_init(&back);
	assert_int_equal(
	    kt_result_from_json(json_object_get(m, "result"), &back), 0);
	assert_string_equal(back.scenario, "steady");
	assert_int_equal(back.verdict, KT_VERDICT_FAIL);
	assert_int_equal(back.nr_details, 1);
	assert_string_equal(back.details[0].msg, "stuck 900ms");
	kt_result_free(&back);
	kt_result_free(&r);
	json_decref(m);
}

static void test_uptime(void **state)
{
	uint64_t ms = 0;

	(void)state;
	assert_int_equal(kt_parse_uptime_ms("12.34 5.67\n", &ms), 0);
	assert_true(ms == 12340);
	assert_int_equal(kt_parse_uptime_ms("0.05 0.00\n", &ms), 0);
	assert_true(ms == 50);
	assert_int_equal(kt_parse_uptime_ms("3.14159 1\n", &ms), 0);
	assert_true(ms == 3141);
	assert_int_equal(kt_parse_uptime_ms("7", &ms), 0);
	assert_true(ms == 7000);
	assert_int_equal(kt_parse_uptime_ms("", &ms), -EINVAL);
	assert_int_equal(kt_parse_uptime_ms("x1.0", &ms), -EINVAL);
	assert_int_equal(kt_parse_uptime_ms("1.0x", &ms), -EINVAL);
	assert_int_equal(kt_parse_uptime_ms("99999999999999999999.0", &ms),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_topo_smt_two_llcs),
	    cmocka_unit_test(test_topo_two_nodes),
	    cmocka_unit_test(test_topo_no_smt),
	    cmocka_unit_test(test_topo_synthetic),
	    cmocka_unit_test(test_simple_messages),
	    cmocka_unit_test(test_result_message),
	    cmocka_unit_test(test_uptime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
