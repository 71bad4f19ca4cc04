/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests that walk the kt_assert field table (KT_ASSERT_FIELDS): every
 * field round-trips C -> JSON -> C through both readers (the scheduler
 * definition / plan reader and the scenario-file reader), both readers
 * accept exactly the row's range, the merge honours set and unset for
 * every field, and the default layer sets what the rows say.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/result.h>
#include <ktstr/scenario_file.h>
#include <ktstr/sched.h>

#include "result/assert_fields.h"

/* A value of f well inside its range, in JSON units; `alt` picks another. */
static union kt_assert_value sample(const struct kt_assert_field *f, bool alt)
{
	union kt_assert_value v = {0};

	switch (f->kind) {
	case KT_ASSERT_BOOL:
		v.b = alt;
		break;
	case KT_ASSERT_F64:
		v.f = f->lo + (f->hi - f->lo) / (alt ? 7.0 : 3.0);
		break;
	case KT_ASSERT_U64:
		v.u = f->ulo + (f->uhi - f->ulo) / (alt ? 7 : 3);
		break;
	}
	return v;
}

static bool same_value(const struct kt_assert_field *f, union kt_assert_value a,
		       union kt_assert_value b)
{
	switch (f->kind) {
	case KT_ASSERT_BOOL:
		return a.b == b.b;
	case KT_ASSERT_F64:
		return a.f == b.f;
	case KT_ASSERT_U64:
		return a.u == b.u;
	}
	return false;
}

/* Field by field: the same fields set, to the same values. */
static void assert_same(const struct kt_assert *x, const struct kt_assert *y)
{
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];
		bool set = kt_assert_field_is_set(x, f);

		if (set != kt_assert_field_is_set(y, f))
			fail_msg("%s: set %d vs %d", f->member, set, !set);
		if (set && !same_value(f, kt_assert_field_get(x, f),
				       kt_assert_field_get(y, f)))
			fail_msg("%s: values differ", f->member);
	}
}

/* Parse `"assert": <json>` in a minimal scenario file. */
static int parse_in_file(const char *json, struct kt_assert *out)
{
	char text[2048];
	struct kt_scenario_file *sf = NULL;
	int err;

	snprintf(text, sizeof(text),
		 "{\"name\": \"t\", \"description\": \"d\",\n"
		 " \"cgroups\": [{\"name\": \"a\"}],\n"
		 " \"assert\": %s}",
		 json);
	err = kt_scenario_file_parse(text, strlen(text), "t.json", &sf);
	if (!err)
		*out = sf->assert;
	kt_scenario_file_free(sf);
	return err;
}

/* C -> JSON -> C through kt_assert_from_json, a scheduler definition and
 * a scenario file. */
static void round_trip(const struct kt_assert *a)
{
	json_t *j = kt_assert_to_json(a);
	char *text = json_dumps(j, JSON_REAL_PRECISION(17));
	char def[2048];
	struct kt_assert back = {0};
	struct kt_sched_def d;

	assert_non_null(text);
	assert_int_equal(kt_assert_from_json(j, "rt", &back), 0);
	assert_same(a, &back);

	snprintf(def, sizeof(def), "{\"name\": \"x\", \"assert\": %s}", text);
	assert_int_equal(kt_sched_def_parse(def, "x.json", NULL, &d), 0);
	assert_same(a, &d.assert);
	kt_sched_def_free(&d);

	back = (struct kt_assert){0};
	if (parse_in_file(text, &back))
		fail_msg("%s: %s", text, kt_last_error());
	assert_same(a, &back);
	free(text);
	json_decref(j);
}

static void test_every_field_round_trips(void **state)
{
	struct kt_assert all = {0}, alt = {0};

	(void)state;
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];
		struct kt_assert one = {0};

		kt_assert_field_set(&one, f, sample(f, false));
		round_trip(&one);
		kt_assert_field_set(&all, f, sample(f, false));
		kt_assert_field_set(&alt, f, sample(f, true));
	}
	round_trip(&all);
	round_trip(&alt);
	round_trip(&(struct kt_assert){0});
}

/* One reader's answer err to json: as `want` says, and a refusal that
 * names the key. */
static void reader_says(const char *reader, const char *json, int err,
			bool want, const char *key)
{
	if ((err == 0) != want)
		fail_msg("%s, %s: %s", reader, json,
			 err ? kt_last_error() : "accepted");
	if (err && !strstr(kt_last_error(), key))
		fail_msg("%s, %s: the message does not name the key: %s",
			 reader, json, kt_last_error());
}

/*
 * `"assert": {"KEY": text}` in a scenario file and in a scheduler
 * definition (the reader the guest's plan goes through too): both must
 * agree with `want`.
 */
static void readers_say(const struct kt_assert_field *f, const char *text,
			bool want)
{
	char json[256], def[320];
	struct kt_assert a;
	struct kt_sched_def d;
	int err;

	snprintf(json, sizeof(json), "{\"%s\": %s}", f->key, text);
	reader_says("scenario file", json, parse_in_file(json, &a), want,
		    f->key);
	snprintf(def, sizeof(def), "{\"name\": \"x\", \"assert\": %s}", json);
	err = kt_sched_def_parse(def, "x.json", NULL, &d);
	reader_says("scheduler definition", json, err, want, f->key);
	if (!err)
		kt_sched_def_free(&d);
}

static void test_readers_accept_the_row_range(void **state)
{
	char v[64];

	(void)state;
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];

		switch (f->kind) {
		case KT_ASSERT_BOOL:
			readers_say(f, "true", true);
			readers_say(f, "false", true);
			readers_say(f, "1", false);
			break;
		case KT_ASSERT_F64:
			snprintf(v, sizeof(v), "%.17g", f->lo);
			readers_say(f, v, true);
			snprintf(v, sizeof(v), "%.17g", f->hi);
			readers_say(f, v, true);
			snprintf(v, sizeof(v), "%.17g", f->lo - 1);
			readers_say(f, v, false);
			snprintf(v, sizeof(v), "%.17g", f->hi * 2);
			readers_say(f, v, false);
			readers_say(f, "\"5\"", false);
			break;
		case KT_ASSERT_U64:
			snprintf(v, sizeof(v), "%llu",
				 (unsigned long long)f->ulo);
			readers_say(f, v, true);
			snprintf(v, sizeof(v), "%llu",
				 (unsigned long long)f->uhi);
			readers_say(f, v, true);
			snprintf(v, sizeof(v), "%lld",
				 (long long)f->ulo - 1); /* -1 when 0 */
			readers_say(f, v, false);
			snprintf(v, sizeof(v), "%llu",
				 (unsigned long long)f->uhi + 1);
			readers_say(f, v, false);
			readers_say(f, "1.5", false);
			break;
		}
	}
}

/* The definition reader's message names the range and the value. */
static void test_definition_names_the_range(void **state)
{
	struct kt_sched_def d;

	(void)state;
	assert_int_equal(kt_sched_def_parse("{\"name\": \"x\", \"assert\": "
					    "{\"max_spread_pct\": 150}}",
					    "x.json", NULL, &d),
			 -EINVAL);
	assert_non_null(strstr(kt_last_error(),
			       "\"max_spread_pct\" must be a number in 0..100, "
			       "not 150"));
	assert_int_equal(kt_sched_def_parse("{\"name\": \"x\", \"assert\": "
					    "{\"max_gap_ms\": 0}}",
					    "x.json", NULL, &d),
			 -EINVAL);
	assert_non_null(strstr(kt_last_error(),
			       "\"max_gap_ms\" must be an integer in "
			       "1..86400000, not 0"));
}

/* For each field: set in over wins, unset in over keeps base. */
static void test_merge_every_field(void **state)
{
	struct kt_assert base = {0}, none = {0};

	(void)state;
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++)
		kt_assert_field_set(&base, &kt_assert_fields[i],
				    sample(&kt_assert_fields[i], false));
	{
		struct kt_assert m = kt_assert_merge(&base, &none);

		assert_same(&base, &m);
		m = kt_assert_merge(&none, &base);
		assert_same(&base, &m);
	}
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *fi = &kt_assert_fields[i];
		struct kt_assert over = {0}, m;

		kt_assert_field_set(&over, fi, sample(fi, true));
		m = kt_assert_merge(&base, &over);
		for (size_t k = 0; k < KT_ASSERT_NR_FIELDS; k++) {
			const struct kt_assert_field *fk = &kt_assert_fields[k];

			assert_true(kt_assert_field_is_set(&m, fk));
			assert_true(same_value(fk, kt_assert_field_get(&m, fk),
					       sample(fk, k == i)));
		}
		/* over the empty layer only field i is set */
		m = kt_assert_merge(&none, &over);
		assert_same(&over, &m);
	}
}

/* The default layer against the rows, and the role of each row. */
static void test_defaults_and_roles(void **state)
{
	struct kt_assert def = kt_assert_default_checks();
	size_t nr_set = 0;

	(void)state;
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];
		struct kt_assert one = {0};
		bool enables;

		nr_set += kt_assert_field_is_set(&def, f);
		kt_assert_field_set(&one, f, sample(f, true));
		enables = kt_assert_has_worker_checks(&one);
		assert_int_equal(enables, f->role == KT_ASSERT_SWITCH ||
					      f->role == KT_ASSERT_CHECK);
	}
	assert_int_equal(nr_set, 10);
	assert_true(def.max_spread_pct.val == KT_DEFAULT_MAX_SPREAD_PCT);
	assert_int_equal(def.max_gap_ns.val, KT_DEFAULT_MAX_GAP_NS);
	assert_int_equal(KT_ASSERT_NR_FIELDS, 27);
	assert_true(def.max_weight_err_pct.val ==
		    KT_DEFAULT_MAX_WEIGHT_ERR_PCT);
	assert_true(def.max_bw_excess_pct.val == KT_DEFAULT_MAX_BW_EXCESS_PCT);
	assert_true(def.conservation.set && def.conservation.val);
	assert_true(def.coverage.set && def.coverage.val);
	assert_true(def.max_idle_wait_pct.val == KT_DEFAULT_MAX_IDLE_WAIT_PCT);
	assert_true(def.min_dl_runtime_pct.val ==
		    KT_DEFAULT_MIN_DL_RUNTIME_PCT);
	assert_null(kt_assert_keys[KT_ASSERT_NR_FIELDS]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_field_round_trips),
	    cmocka_unit_test(test_readers_accept_the_row_range),
	    cmocka_unit_test(test_definition_names_the_range),
	    cmocka_unit_test(test_merge_every_field),
	    cmocka_unit_test(test_defaults_and_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
