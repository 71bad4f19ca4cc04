/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BPF map writes without a kernel: the checks of a declared write, map
 * name matching, the write's name, finding a field in BTF made in memory
 * (a .bss datasec, a struct behind a typedef), the scenario-file keys
 * with their positioned errors, and the result's map_writes and worker
 * times through JSON.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <ktstr/map_write.h>
#include <ktstr/result.h>
#include <ktstr/scenario_file.h>

#include "sched/sched_map.h"

static void expect_bad(struct kt_map_write w, const char *msg)
{
	assert_int_equal(kt_map_write_check(&w), -EINVAL);
	assert_string_equal(kt_last_error(), msg);
}

static void test_check(void **state)
{
	struct kt_map_write ok1 = KT_MAP_WRITE_FIELD(".bss", "stall", 1);
	struct kt_map_write ok2 = KT_MAP_WRITE_AT("scx_ktst.bss", 4, 4, 1);
	struct kt_map_write ok3 =
	    KT_MAP_WRITE_FIELD("knobs", "m", 255, .key = 3, .width = 1);

	(void)state;
	assert_int_equal(kt_map_write_check(&ok1), 0);
	assert_int_equal(kt_map_write_check(&ok2), 0);
	assert_int_equal(kt_map_write_check(&ok3), 0);
	expect_bad((struct kt_map_write)KT_MAP_WRITE_FIELD(NULL, "x", 1),
		   "map write (null)[0].x = 1: the map name must have 1..15 "
		   "characters (a kernel map name such as scx_ktstr.bss, or a "
		   "suffix such as .bss)");
	expect_bad((struct kt_map_write)KT_MAP_WRITE_FIELD(
		       "a_very_long_map_name", "x", 1),
		   "map write a_very_long_map_name[0].x = 1: the map name must "
		   "have 1..15 characters (a kernel map name such as "
		   "scx_ktstr.bss, or a suffix such as .bss)");
	expect_bad((struct kt_map_write)KT_MAP_WRITE_FIELD(".", "x", 1),
		   "map write .[0].x = 1: the suffix \".\" names no map (use "
		   ".bss, .data, ...)");
	expect_bad((struct kt_map_write)KT_MAP_WRITE_FIELD(".bss", "x", 1,
							   .offset = 4),
		   "map write .bss[0].x = 1: give a field or an offset, not "
		   "both");
	expect_bad((struct kt_map_write)KT_MAP_WRITE_FIELD(".bss", "", 1),
		   "map write .bss[0]. = 1: the field name must have 1..63 "
		   "characters");
	expect_bad(
	    (struct kt_map_write)KT_MAP_WRITE_FIELD(".bss", "x", 1, .width = 3),
	    "map write .bss[0].x = 1: width must be 1, 2, 4 or 8 bytes "
	    "(or 0: the field's size)");
	expect_bad((struct kt_map_write)KT_MAP_WRITE_AT(".bss", 0, 0, 1),
		   "map write .bss[0]+0/0 = 1: give a field, or an offset "
		   "with a width of 1, 2, 4 or 8 bytes");
	expect_bad((struct kt_map_write)KT_MAP_WRITE_AT(".bss", 2, 2, 65536),
		   "map write .bss[0]+2/2 = 65536: the value does not fit the "
		   "width");
}

static void test_names(void **state)
{
	struct kt_map_write w = KT_MAP_WRITE_AT(".data", 8, 8, 7, .key = 2);
	char buf[64];

	(void)state;
	assert_true(kt_map_name_matches(".bss", "scx_ktst.bss"));
	assert_true(kt_map_name_matches("scx_ktst.bss", "scx_ktst.bss"));
	assert_true(kt_map_name_matches(".bss", ".bss"));
	assert_false(kt_map_name_matches(".bss", "scx_ktst.bssx"));
	assert_false(kt_map_name_matches("bss", "scx_ktst.bss"));
	assert_false(kt_map_name_matches("ktst.bss", "scx_ktst.bss"));
	assert_false(kt_map_name_matches(".bss", "scx_ktst.data"));
	assert_int_equal(kt_map_write_name(&w, buf, sizeof(buf)), 0);
	assert_string_equal(buf, ".data[2]+8/8 = 7");
	assert_int_equal(kt_map_write_name(&w, buf, 6), -ENOSPC);
}

/* .bss { u32 stall; u32 crash; u64 nr_enqueued; } and a typedef'd struct
 * knobs { u8 mode; u32 level; u32 bits:3; u16 arr[4]; } */
static struct btf *fixture(uint32_t *bss, uint32_t *knobs_t, uint32_t *u32_t)
{
	struct btf *b = btf__new_empty();
	int u8, u16, u32, u64, v1, v2, v3, st, arr;

	assert_non_null(b);
	u8 = btf__add_int(b, "u8", 1, 0);
	u16 = btf__add_int(b, "u16", 2, 0);
	u32 = btf__add_int(b, "u32", 4, 0);
	u64 = btf__add_int(b, "u64", 8, 0);
	v1 = btf__add_var(b, "stall", BTF_VAR_GLOBAL_ALLOCATED, u32);
	v2 = btf__add_var(b, "crash", BTF_VAR_GLOBAL_ALLOCATED, u32);
	v3 = btf__add_var(b, "nr_enqueued", BTF_VAR_GLOBAL_ALLOCATED, u64);
	*bss = (uint32_t)btf__add_datasec(b, ".bss", 16);
	assert_int_equal(btf__add_datasec_var_info(b, v1, 0, 4), 0);
	assert_int_equal(btf__add_datasec_var_info(b, v2, 4, 4), 0);
	assert_int_equal(btf__add_datasec_var_info(b, v3, 8, 8), 0);
	arr = btf__add_array(b, u32, u16, 4);
	st = btf__add_struct(b, "knobs", 20);
	assert_int_equal(btf__add_field(b, "mode", u8, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "level", u32, 32, 0), 0);
	assert_int_equal(btf__add_field(b, "bits", u32, 64, 3), 0);
	assert_int_equal(btf__add_field(b, "arr", arr, 96, 0), 0);
	*knobs_t = (uint32_t)btf__add_typedef(b, "knobs_t", st);
	*u32_t = (uint32_t)u32;
	return b;
}

static void test_btf_fields(void **state)
{
	uint32_t bss, knobs, u32, off = 99, size = 99;
	struct btf *b = fixture(&bss, &knobs, &u32);

	(void)state;
	assert_int_equal(kt_btf_field_find(b, bss, "crash", "m", &off, &size),
			 0);
	assert_int_equal(off, 4);
	assert_int_equal(size, 4);
	assert_int_equal(
	    kt_btf_field_find(b, bss, "nr_enqueued", "m", &off, &size), 0);
	assert_int_equal(off, 8);
	assert_int_equal(size, 8);
	assert_int_equal(
	    kt_btf_field_find(b, bss, "stal", "x.bss", &off, &size), -ENOENT);
	assert_string_equal(kt_last_error(),
			    "map x.bss has no field \"stal\" (its fields: "
			    "stall, crash, nr_enqueued)");
	assert_int_equal(kt_btf_field_find(b, knobs, "level", "k", &off, &size),
			 0);
	assert_int_equal(off, 4);
	assert_int_equal(size, 4);
	assert_int_equal(kt_btf_field_find(b, knobs, "mode", "k", &off, &size),
			 0);
	assert_int_equal(off, 0);
	assert_int_equal(size, 1);
	/* an array member: its whole size (the caller refuses 8 != 1,2,4,8
	 * only when it is not one of those) */
	assert_int_equal(kt_btf_field_find(b, knobs, "arr", "k", &off, &size),
			 0);
	assert_int_equal(off, 12);
	assert_int_equal(size, 8);
	assert_int_equal(kt_btf_field_find(b, knobs, "bits", "k", &off, &size),
			 -EINVAL);
	assert_string_equal(kt_last_error(),
			    "map k: field bits is a bitfield or has no size; "
			    "write it by offset and width");
	assert_int_equal(kt_btf_field_find(b, knobs, "nope", "k", &off, &size),
			 -ENOENT);
	assert_string_equal(kt_last_error(),
			    "map k has no field \"nope\" (its fields: mode, "
			    "level, bits, arr)");
	assert_int_equal(kt_btf_field_find(b, u32, "x", "n", &off, &size),
			 -EINVAL);
	assert_string_equal(kt_last_error(),
			    "map n: its value type has no named fields (not a "
			    "datasec or struct); write it by offset and width");
	btf__free(b);
}

/* ---- scenario files ---- */

#define HEAD "{\"name\": \"m\", \"description\": \"d\", "

static void expect_file_err(const char *text, const char *msg)
{
	struct kt_scenario_file *sf = NULL;

	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), -EINVAL);
	assert_null(sf);
	assert_string_equal(kt_last_error(), msg);
}

static void test_file_keys(void **state)
{
	static const char text[] = HEAD
	    "\"wait_for_map_write\": true,\n"
	    "\"map_writes\": [{\"map\": \".bss\", \"field\": \"stall\", "
	    "\"value\": 0},\n"
	    " {\"map\": \"scx_ktst.bss\", \"key\": 0, \"offset\": 4, "
	    "\"width\": 4, \"value\": 1}],\n"
	    "\"steps\": [{\"ops\": [{\"op\": \"WriteMap\", \"map\": "
	    "\".data\", \"field\": \"mode\", \"key\": 2, \"value\": 3}]}]}";
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf = NULL;
	const struct kt_op *op;

	(void)state;
	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), 0);
	assert_true(sf->wait_for_map_write);
	assert_int_equal(sf->map_writes.nr, 2);
	assert_string_equal(sf->map_writes.w[0].map, ".bss");
	assert_string_equal(sf->map_writes.w[0].field, "stall");
	assert_int_equal(sf->map_writes.w[0].value, 0);
	assert_null(sf->map_writes.w[1].field);
	assert_int_equal(sf->map_writes.w[1].offset, 4);
	assert_int_equal(sf->map_writes.w[1].width, 4);
	assert_int_equal(sf->map_writes.w[1].value, 1);
	op = &sf->steps.steps[0].ops.ops[0];
	assert_int_equal(op->kind, KT_OP_KIND_WRITE_MAP);
	assert_string_equal(op->map_write.map, ".data");
	assert_string_equal(op->map_write.field, "mode");
	assert_int_equal(op->map_write.key, 2);
	assert_int_equal(op->map_write.value, 3);
}

static void test_file_mistakes(void **state)
{
	(void)state;
	expect_file_err(HEAD "\"map_writes\": [{\"map\": \".bss\", \"field\": "
			     "\"stall\", \"offset\": 4, \"value\": 1}], "
			     "\"cgroups\": [{\"name\": \"c\"}]}",
			"t.json:1:84: map_writes[0]: give \"field\" or "
			"\"offset\" (with \"width\"), not both");
	expect_file_err(HEAD "\"map_writes\": [{\"map\": \".bss\", \"offset\": "
			     "4, \"width\": 3, \"value\": 1}], \"cgroups\": "
			     "[{\"name\": \"c\"}]}",
			"t.json:1:79: map_writes[0]: must be 1, 2, 4 or 8 "
			"(bytes), not 3");
	expect_file_err(HEAD "\"map_writes\": [{\"map\": \".bss\", \"field\": "
			     "\"x\", \"width\": 1, \"value\": 256}], "
			     "\"cgroups\": [{\"name\": \"c\"}]}",
			"t.json:1:92: map_writes[0]: 256 does not fit 1 bytes");
	expect_file_err(
	    HEAD "\"map_writes\": [{\"map\": \".bss\", \"value\": "
		 "1}], \"cgroups\": [{\"name\": \"c\"}]}",
	    "t.json:1:50: map_writes[0]: name the bytes to write: "
	    "\"field\" (a variable of a .bss/.data map, or a struct "
	    "member), or \"offset\" and \"width\"");
	expect_file_err(HEAD "\"map_writes\": [{\"map\": \".bss\", \"field\": "
			     "\"x\", \"value\": -1}], \"cgroups\": [{\"name\": "
			     "\"c\"}]}",
			"t.json:1:89: map_writes[0].value: -1 is out of range "
			"0..9223372036854775807");
	expect_file_err(HEAD "\"map_writes\": [{\"map\": \".bss\", \"field\": "
			     "\"x\", \"value\": 1, \"key\": \"0\"}], "
			     "\"cgroups\": [{\"name\": \"c\"}]}",
			"t.json:1:99: map_writes[0].key: must be an integer in "
			"0..4294967295, not a string");
	expect_file_err(
	    HEAD "\"map_writes\": [{\"map\": \".bss\", \"feild\": "
		 "\"x\", \"value\": 1}], \"cgroups\": [{\"name\": "
		 "\"c\"}]}",
	    "t.json:1:66: map_writes[0]: unknown key \"feild\" for a "
	    "map write "
	    "(expected one of map, key, field, offset, width, "
	    "value)");
	expect_file_err(HEAD "\"map_writes\": [], \"cgroups\": [{\"name\": "
			     "\"c\"}]}",
			"t.json:1:49: map_writes: must be a non-empty array of "
			"map writes {\"map\", \"field\", \"value\", ...}");
	expect_file_err(HEAD "\"wait_for_map_write\": true, \"cgroups\": "
			     "[{\"name\": \"c\"}]}",
			"t.json:1:35: top level: waits for nothing: give "
			"\"map_writes\"");
	expect_file_err(
	    HEAD "\"steps\": [{\"ops\": [{\"op\": \"WriteMap\", "
		 "\"map\": \"this_name_is_too_long\", \"field\": "
		 "\"x\", \"value\": 1}]}]}",
	    "t.json:1:73: steps[0].ops[0]: \"this_name_is_too_long\" "
	    "is not a map name (1..15 characters: scx_ktstr.bss, "
	    "or a suffix such as .bss)");
}

/* ---- the result ---- */

static void test_result_json(void **state)
{
	struct kt_map_write_record m = {.map = "scx_ktst.bss",
					.map_id = 8,
					.key = 0,
					.field = "stall",
					.offset = 0,
					.width = 4,
					.old_value = 0,
					.value = 1,
					.at_ns = 9013361636ULL,
					.step = 2,
					.before_work = false};
	struct kt_worker_entry w = {
	    .cgroup = "cg_0", .tid = 7, .spawn_ns = 5, .gate_ns = 6};
	struct kt_result r, back;
	json_t *j;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(kt_result_add_map_write(&r, &m), 0);
	m.step = 0;
	m.before_work = true;
	snprintf(m.field, sizeof(m.field), "%s", "");
	assert_int_equal(kt_result_add_map_write(&r, &m), 0);
	assert_int_equal(kt_result_add_worker(&r, &w), 0);
	j = kt_result_to_json(&r);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_int_equal(back.nr_map_writes, 2);
	assert_string_equal(back.map_writes[0].map, "scx_ktst.bss");
	assert_string_equal(back.map_writes[0].field, "stall");
	assert_int_equal(back.map_writes[0].at_ns, 9013361636ULL);
	assert_int_equal(back.map_writes[0].step, 2);
	assert_false(back.map_writes[0].before_work);
	assert_true(back.map_writes[1].before_work);
	assert_string_equal(back.map_writes[1].field, "");
	assert_int_equal(back.workers[0].spawn_ns, 5);
	assert_int_equal(back.workers[0].gate_ns, 6);
	/* merging appends */
	assert_int_equal(kt_result_merge(&back, &r), 0);
	assert_int_equal(back.nr_map_writes, 4);
	json_object_set_new(j, "map_writes", json_string("x"));
	kt_result_free(&back);
	assert_int_equal(kt_result_from_json(j, &back), -EINVAL);
	assert_string_equal(kt_last_error(),
			    "result JSON: map_writes: must be an array");
	json_decref(j);
	kt_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_btf_fields),
	    cmocka_unit_test(test_file_keys),
	    cmocka_unit_test(test_file_mistakes),
	    cmocka_unit_test(test_result_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
