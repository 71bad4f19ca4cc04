/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for scheduler definitions (src/lib/sched_def.c and
 * sched_def_json.c): validation, flag profiles, argv and label, kernel
 * command line, topology constraints, the JSON form and its errors, and
 * the kmsg line parsers (src/lib/sched_kmsg.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <cmocka.h>

#include <ktstr/sched.h>

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* llc, borrow, steal (requires llc), rebal (requires steal) */
static void make_catalog(struct kt_sched_def *d)
{
	static const char *const llc_args[] = {"--llc", NULL};
	static const char *const steal_args[] = {"--steal", "2", NULL};
	static const char *const need_llc[] = {"llc", NULL};
	static const char *const need_steal[] = {"steal", NULL};

	assert_int_equal(kt_sched_def_from_binary(d, "/opt/bin/scx_x"), 0);
	assert_int_equal(kt_sched_def_add_arg(d, "-v"), 0);
	assert_int_equal(kt_sched_def_add_flag(d, "llc", llc_args, NULL), 0);
	assert_int_equal(kt_sched_def_add_flag(d, "borrow", NULL, NULL), 0);
	assert_int_equal(
	    kt_sched_def_add_flag(d, "steal", steal_args, need_llc), 0);
	assert_int_equal(kt_sched_def_add_flag(d, "rebal", NULL, need_steal),
			 0);
}

static void test_from_binary(void **state)
{
	struct kt_sched_def d;

	(void)state;
	assert_int_equal(kt_sched_def_from_binary(&d, "/a/b/scx_simple"), 0);
	assert_string_equal(d.name, "scx_simple");
	assert_string_equal(d.binary, "/a/b/scx_simple");
	assert_false(kt_sched_def_is_eevdf(&d));
	assert_int_equal(kt_sched_def_validate(&d), 0);
	kt_sched_def_free(&d);
	assert_null(d.name);
	assert_int_equal(kt_sched_def_init(&d, NULL), 0);
	assert_string_equal(d.name, "eevdf");
	assert_true(kt_sched_def_is_eevdf(&d));
	kt_sched_def_free(&d);
	assert_int_equal(kt_sched_def_from_binary(&d, "/dir/"), -EINVAL);
}

static void test_profiles(void **state)
{
	static const char *const want[] = {
	    "default",	       "llc",
	    "borrow",	       "llc+borrow",
	    "llc+steal",       "llc+borrow+steal",
	    "llc+steal+rebal", "llc+borrow+steal+rebal",
	};
	struct kt_sched_profile *p;
	struct kt_sched_def d;
	size_t nr;

	(void)state;
	make_catalog(&d);
	assert_int_equal(kt_sched_profiles(&d, &p, &nr), 0);
	/* 16 subsets, of which those with steal need llc and rebal needs
	 * steal: 8 are valid, fewest flags first, definition order. */
	assert_int_equal(nr, KT_ARRAY_SIZE(want));
	for (size_t i = 0; i < nr; i++)
		assert_string_equal(p[i].name, want[i]);
	assert_int_equal(p[0].mask, 0);
	kt_sched_profiles_free(p, nr);
	assert_true(kt_sched_mask_valid(&d, 0x5));   /* llc+steal */
	assert_false(kt_sched_mask_valid(&d, 0x4));  /* steal alone */
	assert_false(kt_sched_mask_valid(&d, 0x9));  /* llc+rebal */
	assert_false(kt_sched_mask_valid(&d, 0x10)); /* no such flag */
	kt_sched_def_free(&d);

	/* No flags: just "default". */
	assert_int_equal(kt_sched_def_from_binary(&d, "x"), 0);
	assert_int_equal(kt_sched_profiles(&d, &p, &nr), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(p[0].name, "default");
	kt_sched_profiles_free(p, nr);
	kt_sched_def_free(&d);
}

static void test_flags_parse_argv_label(void **state)
{
	struct kt_sched_def d;
	kt_sched_mask m;
	char **argv, buf[128];
	const char *const extra[] = {"--extra", NULL};
	size_t nr;

	(void)state;
	make_catalog(&d);
	assert_int_equal(kt_sched_flags_parse(&d, "steal,llc", &m), 0);
	assert_int_equal(m, 0x5);
	assert_int_equal(kt_sched_flags_parse(&d, "llc+steal", &m), 0);
	assert_int_equal(m, 0x5);
	assert_int_equal(kt_sched_flags_parse(&d, "", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(kt_sched_flags_parse(&d, "default", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(kt_sched_flags_parse(&d, "llc,nope", &m), -EINVAL);
	assert_contains(kt_last_error(), "\"nope\"");
	assert_contains(kt_last_error(), "llc, borrow, steal, rebal");
	assert_int_equal(kt_sched_flags_parse(&d, "steal", &m), -EINVAL);
	assert_contains(kt_last_error(), "\"steal\" requires flag \"llc\"");

	/* Label: name for default, name+flags (definition order). */
	assert_int_equal(kt_sched_label(&d, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "scx_x");
	assert_int_equal(kt_sched_label(&d, 0x5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "scx_x+llc+steal");
	assert_int_equal(kt_sched_label(NULL, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "eevdf");

	/* argv: args, extra, then flag args in definition order. */
	assert_int_equal(kt_sched_argv(&d, 0x5, extra, &argv, &nr), 0);
	assert_int_equal(nr, 5);
	assert_string_equal(argv[0], "-v");
	assert_string_equal(argv[1], "--extra");
	assert_string_equal(argv[2], "--llc");
	assert_string_equal(argv[3], "--steal");
	assert_string_equal(argv[4], "2");
	assert_null(argv[5]);
	kt_sched_argv_free(argv);
	kt_sched_def_free(&d);
}

static void test_validate(void **state)
{
	static const char *const need_x[] = {"x", NULL};
	struct kt_sched_def d;

	(void)state;
	assert_int_equal(kt_sched_def_from_binary(&d, "s"), 0);
	assert_int_equal(kt_sched_def_add_flag(&d, "a", NULL, need_x), 0);
	assert_int_equal(kt_sched_def_validate(&d), -EINVAL);
	assert_contains(kt_last_error(), "\"a\" requires \"x\"");
	kt_sched_def_free(&d);

	assert_int_equal(kt_sched_def_from_binary(&d, "s"), 0);
	assert_int_equal(kt_sched_def_add_flag(&d, "a", NULL, NULL), 0);
	assert_int_equal(kt_sched_def_add_flag(&d, "a", NULL, NULL), 0);
	assert_int_equal(kt_sched_def_validate(&d), -EINVAL);
	assert_contains(kt_last_error(), "declared twice");
	kt_sched_def_free(&d);

	assert_int_equal(kt_sched_def_from_binary(&d, "s"), 0);
	assert_int_equal(kt_sched_def_add_flag(&d, "a,b", NULL, NULL), 0);
	assert_int_equal(kt_sched_def_validate(&d), -EINVAL);
	assert_contains(kt_last_error(), "\"a,b\"");
	kt_sched_def_free(&d);

	assert_int_equal(kt_sched_def_from_binary(&d, "s"), 0);
	assert_int_equal(kt_sched_def_add_sysctl(&d, "kernel.x y", "1"), 0);
	assert_int_equal(kt_sched_def_validate(&d), -EINVAL);
	assert_contains(kt_last_error(), "sysctl");
	kt_sched_def_free(&d);
}

static void test_kernel_append_and_topo(void **state)
{
	struct kt_sched_def d;
	char why[256];
	char *s;

	(void)state;
	assert_int_equal(kt_sched_def_from_binary(&d, "s"), 0);
	s = kt_sched_kernel_append(&d);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(
	    kt_sched_def_add_sysctl(&d, "kernel.sched_rr_timeslice_ms", "5"),
	    0);
	assert_int_equal(kt_sched_def_add_sysctl(&d, "vm.x", "1"), 0);
	assert_int_equal(kt_sched_def_add_karg(&d, "nohz=off"), 0);
	s = kt_sched_kernel_append(&d);
	assert_string_equal(s, "sysctl.kernel.sched_rr_timeslice_ms=5 "
			       "sysctl.vm.x=1 nohz=off");
	free(s);

	assert_true(
	    kt_sched_topo_ok(&d, &KT_TOPO(1, 1, 2, 1), why, sizeof(why)));
	d.topo.min_cpus = 4;
	assert_false(
	    kt_sched_topo_ok(&d, &KT_TOPO(1, 1, 2, 1), why, sizeof(why)));
	assert_string_equal(why,
			    "needs at least 4 cpus, topology 1n1l2c1t has 2");
	assert_true(
	    kt_sched_topo_ok(&d, &KT_TOPO(1, 2, 2, 1), why, sizeof(why)));
	d.topo.max_llcs = 1;
	assert_false(
	    kt_sched_topo_ok(&d, &KT_TOPO(1, 2, 2, 1), why, sizeof(why)));
	assert_contains(why, "at most 1 llcs");
	d.topo = (struct kt_sched_topo_req){.requires_smt = true};
	assert_false(
	    kt_sched_topo_ok(&d, &KT_TOPO(1, 1, 2, 1), why, sizeof(why)));
	assert_contains(why, "SMT");
	assert_true(
	    kt_sched_topo_ok(&d, &KT_TOPO(1, 1, 2, 2), why, sizeof(why)));
	kt_sched_def_free(&d);
}

static const char full_json[] =
    "{\n"
    "  \"name\": \"scx-ktstr\",\n"
    "  \"binary\": \"bin/scx-ktstr\",\n"
    "  \"args\": [\"--timeout-ms\", \"3000\"],\n"
    "  \"flags\": [\n"
    "    {\"name\": \"llc\", \"args\": [\"--llc\"]},\n"
    "    {\"name\": \"steal\", \"requires\": [\"llc\"]}\n"
    "  ],\n"
    "  \"sysctls\": [\"kernel.sched_schedstats=1\"],\n"
    "  \"kernel_args\": [\"nosmt\"],\n"
    "  \"assert\": {\"max_migration_ratio\": 0.25, \"max_gap_ms\": 3000,"
    " \"not_starved\": false, \"max_p99_wake_latency_us\": 900},\n"
    "  \"topology\": {\"min_cpus\": 2, \"max_llcs\": 4},\n"
    "  \"attach_timeout_ms\": 8000\n"
    "}\n";

static void test_json_full(void **state)
{
	struct kt_sched_def d;
	json_t *j;
	struct kt_assert back;

	(void)state;
	assert_int_equal(kt_sched_def_parse(full_json, "s.json", "/base", &d),
			 0);
	assert_string_equal(d.name, "scx-ktstr");
	assert_string_equal(d.binary, "/base/bin/scx-ktstr");
	assert_int_equal(d.nr_args, 2);
	assert_int_equal(d.nr_flags, 2);
	assert_string_equal(d.flags[1].requires[0], "llc");
	assert_int_equal(d.nr_sysctls, 1);
	assert_string_equal(d.sysctls[0].key, "kernel.sched_schedstats");
	assert_string_equal(d.sysctls[0].val, "1");
	assert_string_equal(d.kargs[0], "nosmt");
	assert_true(d.assert.max_migration_ratio.set);
	assert_true(d.assert.max_migration_ratio.val == 0.25);
	assert_true(d.assert.max_gap_ns.val == KT_MS(3000));
	assert_true(d.assert.not_starved.set);
	assert_false(d.assert.not_starved.val);
	assert_true(d.assert.max_p99_wake_latency_ns.val == KT_US(900));
	assert_false(d.assert.isolation.set);
	assert_int_equal(d.topo.min_cpus, 2);
	assert_int_equal(d.topo.max_llcs, 4);
	assert_true(d.attach_timeout_ns == KT_MS(8000));

	/* The assert layer survives a JSON round trip (plan -> guest). */
	j = kt_assert_to_json(&d.assert);
	assert_int_equal(kt_assert_from_json(j, "rt", &back), 0);
	json_decref(j);
	assert_memory_equal(&back, &d.assert, sizeof(back));
	kt_sched_def_free(&d);

	/* A null binary is EEVDF with overrides; absolute paths stay. */
	assert_int_equal(kt_sched_def_parse("{\"name\":\"e\",\"binary\":null}",
					    NULL, "/b", &d),
			 0);
	assert_true(kt_sched_def_is_eevdf(&d));
	kt_sched_def_free(&d);
	assert_int_equal(
	    kt_sched_def_parse("{\"name\":\"e\",\"binary\":\"/x/y\"}", NULL,
			       "/b", &d),
	    0);
	assert_string_equal(d.binary, "/x/y");
	kt_sched_def_free(&d);
}

static void assert_bad(const char *text, const char *n1, const char *n2)
{
	struct kt_sched_def d;

	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(kt_sched_def_parse(text, "s.json", NULL, &d), -EINVAL);
	assert_contains(kt_last_error(), "s.json");
	assert_contains(kt_last_error(), n1);
	if (n2)
		assert_contains(kt_last_error(), n2);
	assert_null(d.name);
	assert_null(d.flags);
	kt_sched_def_free(&d);
}

static void test_json_errors(void **state)
{
	(void)state;
	/* Syntax: file:line:column from jansson. */
	assert_bad("{\n  \"name\": \"x\"\n  \"binary\": \"y\"\n}",
		   "s.json:3:", NULL);
	assert_bad("", "s.json:1:", NULL);
	/* Unknown keys, at every level, named with their path. */
	assert_bad("{\"name\":\"x\",\"bianry\":\"y\"}", "\"bianry\"",
		   "known keys");
	assert_bad("{\"name\":\"x\",\"flags\":[{\"name\":\"a\",\"arg\":[]}]}",
		   "\"flags[0].arg\"", NULL);
	assert_bad("{\"name\":\"x\",\"topology\":{\"min_cpu\":2}}",
		   "\"topology.min_cpu\"", NULL);
	assert_bad("{\"name\":\"x\",\"assert\":{\"max_gap\":2}}", "\"max_gap\"",
		   "assert");
	/* Wrong types name the key. */
	assert_bad("{\"name\":3}", "\"name\"", "not an integer");
	assert_bad("{}", "\"name\" is missing", NULL);
	assert_bad("{\"name\":\"x\",\"args\":\"-v\"}", "\"args\"", "a string");
	assert_bad("{\"name\":\"x\",\"args\":[\"-v\",1]}", "\"args[1]\"",
		   "an integer");
	assert_bad("{\"name\":\"x\",\"flags\":[{\"name\":\"a\","
		   "\"requires\":[true]}]}",
		   "\"flags[0].requires[0]\"", "a boolean");
	assert_bad("{\"name\":\"x\",\"flags\":[{\"args\":[]}]}",
		   "\"flags[0].name\" is missing", NULL);
	assert_bad("{\"name\":\"x\",\"sysctls\":[\"kernel.x\"]}", "kernel.x",
		   "key=value");
	assert_bad("{\"name\":\"x\",\"assert\":{\"max_gap_ms\":-1}}",
		   "\"max_gap_ms\"", NULL);
	assert_bad("{\"name\":\"x\",\"assert\":{\"not_starved\":1}}",
		   "\"not_starved\"", "a boolean");
	assert_bad("{\"name\":\"x\",\"attach_timeout_ms\":0}",
		   "\"attach_timeout_ms\"", NULL);
	assert_bad("{\"name\":\"x\",\"topology\":{\"requires_smt\":1}}",
		   "\"topology.requires_smt\"", NULL);
	/* Semantic errors from validation carry the file too. */
	assert_bad("{\"name\":\"x\",\"flags\":[{\"name\":\"a\","
		   "\"requires\":[\"b\"]}]}",
		   "\"a\" requires \"b\"", NULL);
	assert_bad("{\"name\":\"x\",\"name\":\"y\"}", "duplicate", NULL);
}

static void test_json_file(void **state)
{
	char dir[] = "/tmp/kt-sched-def.XXXXXX", path[128];
	struct kt_sched_def d;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/def", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("  \n{\"name\": \"n\", \"binary\": \"sched\"}\n", f);
	fclose(f);
	/* No .json suffix: recognised by its first byte. */
	assert_true(kt_sched_file_is_json(path));
	assert_int_equal(kt_sched_def_load(path, &d), 0);
	/* A relative binary is next to the definition. */
	assert_true(!strncmp(d.binary, dir, strlen(dir)));
	assert_contains(d.binary, "/sched");
	kt_sched_def_free(&d);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("\177ELF....", f);
	fclose(f);
	assert_false(kt_sched_file_is_json(path));
	unlink(path);
	assert_int_equal(kt_sched_def_load(path, &d), -ENOENT);
	assert_contains(kt_last_error(), path);
	rmdir(dir);
}

static void test_kmsg(void **state)
{
	char rec[] = "3,812,5123456,-;sched_ext: BPF scheduler \"ktstr\" "
		     "disabled (runnable task stall)\n SUBSYSTEM=x\n";
	char bad[] = "hello; world";
	char name[32], reason[64], *t;

	(void)state;
	t = kt_kmsg_text(rec);
	assert_non_null(t);
	assert_true(kt_kmsg_is_scx(t));
	assert_true(kt_kmsg_scx_disabled(t, name, sizeof(name), reason,
					 sizeof(reason)));
	assert_string_equal(name, "ktstr");
	assert_string_equal(reason, "runnable task stall");
	assert_null(kt_kmsg_text(bad));
	assert_false(kt_kmsg_is_scx("sched: RT throttling activated"));
	assert_false(kt_kmsg_scx_disabled("sched_ext: BPF scheduler \"a\" "
					  "enabled",
					  NULL, 0, reason, sizeof(reason)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_from_binary),
	    cmocka_unit_test(test_profiles),
	    cmocka_unit_test(test_flags_parse_argv_label),
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_kernel_append_and_topo),
	    cmocka_unit_test(test_json_full),
	    cmocka_unit_test(test_json_errors),
	    cmocka_unit_test(test_json_file),
	    cmocka_unit_test(test_kmsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
