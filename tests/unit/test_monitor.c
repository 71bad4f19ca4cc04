/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the host monitor's pure parts: System.map lines and
 * lookups, struct member offsets from a BTF built here (anonymous unions,
 * nested members), the "pc" machine's guest-physical -> RAM offset and
 * reads across NUMA backends, the stall detector on synthetic samples,
 * the per-scenario summary, the kt_assert limits and the JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <jansson.h>

#include <ktstr/check.h>
#include <ktstr/monitor.h>
#include <ktstr/result.h>

#include "kernel/kernel_btf.h"
#include "kernel/ksyms.h"
#include "vm/guest_mem.h"

#define GIB (1ULL << 30)

static void test_sysmap_line(void **state)
{
	uint64_t addr;
	char type, name[64];

	(void)state;
	assert_int_equal(
	    kt_sysmap_parse_line("ffffffff82a0c040 D init_uts_ns\n", &addr,
				 &type, name, sizeof(name)),
	    0);
	assert_true(addr == 0xffffffff82a0c040ULL);
	assert_int_equal(type, 'D');
	assert_string_equal(name, "init_uts_ns");
	assert_int_equal(kt_sysmap_parse_line("0000000000033f40 d runqueues",
					      &addr, &type, name, sizeof(name)),
			 0);
	assert_true(addr == 0x33f40);
	/* Debian's stub and garbage are not symbols */
	assert_int_equal(kt_sysmap_parse_line("The real System.map is in",
					      &addr, &type, name, sizeof(name)),
			 -EINVAL);
	assert_int_equal(
	    kt_sysmap_parse_line("ffff DD x", &addr, &type, name, sizeof(name)),
	    -EINVAL);
	assert_int_equal(
	    kt_sysmap_parse_line("ffff D ", &addr, &type, name, sizeof(name)),
	    -EINVAL);
}

static void test_sysmap_lookup(void **state)
{
	static char text[] = "ffffffff81000000 T _text\n"
			     "0000000000033f40 D runqueues\n"
			     "garbage line\n"
			     "ffffffff82a0c040 D init_uts_ns\n"
			     "ffffffff82a0c040 D runqueues_alias\n";
	const char *names[] = {"init_uts_ns", "runqueues"};
	const char *missing[] = {"runqueues", "phys_base"};
	uint64_t out[2] = {0};
	FILE *f;

	(void)state;
	f = fmemopen(text, strlen(text), "r");
	assert_int_equal(kt_sysmap_lookup_file(f, "map", names, out, 2), 0);
	fclose(f);
	assert_true(out[0] == 0xffffffff82a0c040ULL);
	assert_true(out[1] == 0x33f40);
	f = fmemopen(text, strlen(text), "r");
	assert_int_equal(kt_sysmap_lookup_file(f, "map", missing, out, 2),
			 -ENOENT);
	fclose(f);
	assert_non_null(strstr(kt_last_error(), "phys_base"));
	assert_int_equal(
	    kt_sysmap_lookup("/nonexistent/System.map", names, out, 2),
	    -ENOENT);
}

/* struct scx_rq { u32 pad; u32 nr_running; };
 * struct rq { u32 nr_running; u32 pad; union { struct task_struct *donor;
 * struct task_struct *curr; }; struct scx_rq scx; u64 clock; u8 bits:3; } */
static struct btf *fixture_btf(void)
{
	struct btf *b = btf__new_empty();
	int u32 = btf__add_int(b, "u32", 4, 0);
	int u64 = btf__add_int(b, "u64", 8, 0);
	int u8 = btf__add_int(b, "u8", 1, 0);
	int task = btf__add_fwd(b, "task_struct", BTF_FWD_STRUCT);
	int ptr = btf__add_ptr(b, task);
	int scx = btf__add_struct(b, "scx_rq", 8);
	int un;

	btf__add_field(b, "pad", u32, 0, 0);
	btf__add_field(b, "nr_running", u32, 32, 0);
	un = btf__add_union(b, NULL, 8);
	btf__add_field(b, "donor", ptr, 0, 0);
	btf__add_field(b, "curr", ptr, 0, 0);
	btf__add_struct(b, "rq", 40);
	btf__add_field(b, "nr_running", u32, 0, 0);
	btf__add_field(b, "pad", u32, 32, 0);
	btf__add_field(b, NULL, un, 64, 0);
	btf__add_field(b, "scx", scx, 128, 0);
	btf__add_field(b, "clock", u64, 192, 0);
	btf__add_field(b, "bits", u8, 256, 3);
	return b;
}

static void test_btf_member(void **state)
{
	struct btf *b = fixture_btf();
	uint32_t off = 0, size = 0;

	(void)state;
	assert_int_equal(kt_btf_member(b, "rq", "nr_running", &off, &size), 0);
	assert_int_equal(off, 0);
	assert_int_equal(size, 4);
	assert_int_equal(kt_btf_member(b, "rq", "curr", &off, &size), 0);
	assert_int_equal(off, 8);
	assert_int_equal(size, 8);
	assert_int_equal(kt_btf_member(b, "rq", "scx.nr_running", &off, &size),
			 0);
	assert_int_equal(off, 20);
	assert_int_equal(size, 4);
	assert_int_equal(kt_btf_member(b, "rq", "clock", &off, &size), 0);
	assert_int_equal(off, 24);
	assert_int_equal(size, 8);
	assert_int_equal(kt_btf_member(b, "rq", "scx.nope", &off, &size),
			 -ENOENT);
	assert_non_null(strstr(kt_last_error(), "scx.nope"));
	assert_int_equal(kt_btf_member(b, "nostruct", "x", &off, &size),
			 -ENOENT);
	assert_int_equal(kt_btf_member(b, "rq", "bits", &off, &size), -EINVAL);
	btf__free(b);
}

static void test_pc_layout(void **state)
{
	uint64_t off;

	(void)state;
	/* 256 MB: all RAM below 4 GiB, offset == address */
	assert_true(kt_pc_below_4g(256ULL << 20) == 256ULL << 20);
	assert_int_equal(kt_pc_ram_offset(256ULL << 20, 0x1000000, &off), 0);
	assert_true(off == 0x1000000);
	assert_int_equal(kt_pc_ram_offset(256ULL << 20, 256ULL << 20, &off),
			 -EFAULT);
	/* 3.25 GiB: still all below (under max-ram-below-4g) */
	assert_true(kt_pc_below_4g(3 * GIB + GIB / 4) == 3 * GIB + GIB / 4);
	/* 4 GiB: 3 GiB below (gigabyte-aligned), 1 GiB at 4 GiB */
	assert_true(kt_pc_below_4g(4 * GIB) == 3 * GIB);
	assert_int_equal(kt_pc_ram_offset(4 * GIB, 3 * GIB - 1, &off), 0);
	assert_true(off == 3 * GIB - 1);
	assert_int_equal(kt_pc_ram_offset(4 * GIB, 3 * GIB, &off), -EFAULT);
	assert_int_equal(kt_pc_ram_offset(4 * GIB, 4 * GIB + 5, &off), 0);
	assert_true(off == 3 * GIB + 5);
	assert_int_equal(kt_pc_ram_offset(4 * GIB, 5 * GIB, &off), -EFAULT);
}

/* Two backends (two NUMA nodes) of 1 MiB: an address in the second one
 * reads that memfd at its offset; a read may not cross backends. */
static void test_guest_mem_nodes(void **state)
{
	struct kt_guest_mem m;
	uint32_t v = 0, w = 0xabcd1234;

	(void)state;
	assert_int_equal(kt_guest_mem_create(&m, 2, 2 << 20), 0);
	assert_int_equal(pwrite(m.fd[1], &w, 4, 0x100), 4);
	assert_int_equal(kt_guest_mem_read(&m, (1 << 20) + 0x100, &v, 4), 0);
	assert_true(v == w);
	assert_int_equal(kt_guest_mem_read(&m, (1 << 20) - 2, &v, 4), -EFAULT);
	assert_int_equal(kt_guest_mem_read(&m, 2 << 20, &v, 4), -EFAULT);
	kt_guest_mem_free(&m);
	assert_int_equal(kt_guest_mem_create(&m, 3, 2 << 20), -EINVAL);
}

/* ticks x cpus samples: every CPU busy with 2 tasks, clocks advancing
 * 100 ms a tick and 50 switches a tick, unless a test changes them. */
static struct kt_monitor_sample *busy(size_t ticks, unsigned cpus)
{
	struct kt_monitor_sample *s = calloc(ticks * cpus, sizeof(*s));

	for (size_t t = 0; t < ticks; t++)
		for (unsigned c = 0; c < cpus; c++) {
			struct kt_monitor_sample *x = &s[t * cpus + c];

			x->t_ms = 1000 + t * 100;
			x->cpu = c;
			x->nr_running = 2;
			x->pid = (int32_t)(100 + c * 10 + t % 2);
			x->clock = 5000000000ULL + t * 100000000ULL;
			x->nr_switches = t * 50;
			snprintf(x->comm, sizeof(x->comm), "w%u", c);
			x->scenario = 0;
		}
	return s;
}

static void test_stall_none_when_busy(void **state)
{
	struct kt_monitor_sample *s = busy(60, 4);
	struct kt_monitor_stall *e;
	size_t n;

	(void)state;
	assert_int_equal(kt_monitor_detect(s, 60 * 4, 4, NULL, &e, &n), 0);
	assert_int_equal(n, 0);
	free(e);
	free(s);
}

/* cpu1: one task current from tick 10 to 40 with 3 others runnable and
 * only the watchdog's stopper switching in once (2 switches at tick 25). */
static void test_stall_task_hog(void **state)
{
	struct kt_monitor_sample *s = busy(60, 4);
	struct kt_monitor_stall *e;
	size_t n;

	(void)state;
	for (size_t t = 10; t <= 40; t++) {
		s[t * 4 + 1].pid = 777;
		s[t * 4 + 1].nr_running = 4;
		s[t * 4 + 1].step = 3;
		s[t * 4 + 1].nr_switches = 500 + (t >= 25 ? 2 : 0);
	}
	assert_int_equal(kt_monitor_detect(s, 60 * 4, 4, NULL, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].kind, KT_MONITOR_TASK_HOG);
	assert_int_equal(e[0].cpu, 1);
	assert_int_equal(e[0].start_ms, 2000);
	assert_int_equal(e[0].end_ms, 5000);
	assert_int_equal(e[0].pid, 777);
	assert_int_equal(e[0].step, 3);
	assert_int_equal(e[0].nr_running, 4);
	free(e);
	free(s);
}

/* A frozen rq clock on cpu2 while runnable, the others going on: a
 * stall; an idle CPU (nr_running 0) with a frozen clock is NOHZ idle. */
static void test_stall_clock_frozen(void **state)
{
	struct kt_monitor_sample *s = busy(60, 4);
	struct kt_monitor_stall *e;
	size_t n;

	(void)state;
	for (size_t t = 20; t < 60; t++) {
		s[t * 4 + 2].clock = 1234;
		s[t * 4 + 3].clock = 99;
		s[t * 4 + 3].nr_running = 0;
		s[t * 4 + 3].pid = 0;
	}
	assert_int_equal(kt_monitor_detect(s, 60 * 4, 4, NULL, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].kind, KT_MONITOR_CLOCK_FROZEN);
	assert_int_equal(e[0].cpu, 2);
	assert_int_equal(e[0].start_ms, 3000);
	assert_int_equal(e[0].end_ms, 6900);
	free(e);
	free(s);
}

/* Everything frozen together (QEMU not run by the host): no stall; and a
 * hog shorter than the limit is none either. */
static void test_stall_host_held(void **state)
{
	struct kt_monitor_sample *s = busy(60, 2);
	struct kt_monitor_params p = {.stall_ms = 3000};
	struct kt_monitor_stall *e;
	size_t n;

	(void)state;
	for (size_t t = 10; t < 60; t++)
		for (unsigned c = 0; c < 2; c++) {
			s[t * 2 + c].clock = 7;
			s[t * 2 + c].nr_switches = 3;
			s[t * 2 + c].pid = 5;
		}
	assert_int_equal(kt_monitor_detect(s, 60 * 2, 2, NULL, &e, &n), 0);
	assert_int_equal(n, 0);
	free(e);
	free(s);
	s = busy(60, 2);
	for (size_t t = 10; t < 35; t++) { /* 2.4 s */
		s[t * 2].pid = 9;
		s[t * 2].nr_switches = 1;
	}
	assert_int_equal(kt_monitor_detect(s, 60 * 2, 2, &p, &e, &n), 0);
	assert_int_equal(n, 0);
	free(e);
	free(s);
}

/* cpu0 idles (the idle task current) with 3 tasks runnable for 3 s while
 * its clock ticks on (a sched_ext scheduler that stopped dispatching);
 * cpu1 idles with tasks for 1 s only (a wakeup in flight): one stall. */
static void test_stall_idle_runnable(void **state)
{
	struct kt_monitor_sample *s = busy(60, 2);
	struct kt_monitor_stall *e;
	size_t n;

	(void)state;
	for (size_t t = 10; t <= 40; t++) {
		s[t * 2].pid = 0;
		s[t * 2].nr_running = 3;
	}
	for (size_t t = 20; t < 30; t++) {
		s[t * 2 + 1].pid = 0;
		s[t * 2 + 1].nr_running = 1;
	}
	assert_int_equal(kt_monitor_detect(s, 60 * 2, 2, NULL, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].kind, KT_MONITOR_IDLE_RUNNABLE);
	assert_string_equal(kt_monitor_stall_kind_name(e[0].kind),
			    "idle_runnable");
	assert_int_equal(e[0].cpu, 0);
	assert_int_equal(e[0].start_ms, 2000);
	assert_int_equal(e[0].end_ms, 5000);
	assert_int_equal(e[0].nr_running, 3);
	free(e);
	free(s);
}

static struct kt_monitor monitor_of(struct kt_monitor_sample *s, size_t ticks,
				    unsigned cpus)
{
	struct kt_monitor m = {.enabled = true, .nr_cpus = cpus};

	m.samples = s;
	m.nr_samples = ticks * cpus;
	m.first_ms = s[0].t_ms;
	m.last_ms = s[(ticks - 1) * cpus].t_ms;
	m.scenarios = calloc(2, sizeof(char *));
	m.scenarios[0] = strdup("steady");
	m.scenarios[1] = strdup("other");
	m.nr_scenarios = 2;
	return m;
}

static void test_summary(void **state)
{
	struct kt_monitor_sample *s = busy(20, 2);
	struct kt_monitor_summary sum;
	struct kt_monitor m;

	(void)state;
	for (size_t t = 0; t < 20; t++) {
		s[t * 2].nr_running = t < 10 ? 6 : 2; /* mean 4, max 6 */
		s[t * 2 + 1].nr_running = 1;
		if (t >= 15)
			s[t * 2].scenario = s[t * 2 + 1].scenario = 1;
	}
	m = monitor_of(s, 20, 2);
	kt_monitor_summarize(m.samples, m.nr_samples, 2, 0, NULL, 0, &sum);
	assert_int_equal(sum.ticks, 15);
	assert_int_equal(sum.max_depth[0], 6);
	assert_int_equal(sum.max_depth[1], 1);
	assert_int_equal(sum.max_queue_depth, 6);
	assert_true(sum.mean_depth[0] > 4.66 && sum.mean_depth[0] < 4.67);
	assert_true(sum.imbalance > 4.66 && sum.imbalance < 4.67);
	assert_true(kt_monitor_rate(&m) > 9.9 && kt_monitor_rate(&m) < 10.1);
	/* a CPU that never had a task: 1/ticks, the ratio stays finite */
	for (size_t t = 0; t < 20; t++)
		s[t * 2 + 1].nr_running = 0;
	kt_monitor_summarize(m.samples, m.nr_samples, 2, 1, NULL, 0, &sum);
	assert_int_equal(sum.ticks, 5);
	assert_true(sum.imbalance > 9.99 && sum.imbalance < 10.01);
	kt_monitor_free(&m);
}

static void test_judge(void **state)
{
	struct kt_monitor_sample *s = busy(40, 2);
	struct kt_assert a = {0};
	struct kt_result r;
	struct kt_monitor m;
	json_t *j;

	(void)state;
	for (size_t t = 5; t < 35; t++) {
		s[t * 2].pid = 42;
		s[t * 2].nr_running = 5;
		s[t * 2].nr_switches = 9;
	}
	m = monitor_of(s, 40, 2);
	assert_int_equal(kt_monitor_detect(m.samples, m.nr_samples, 2, NULL,
					   &m.stalls, &m.nr_stalls),
			 0);
	assert_int_equal(m.nr_stalls, 1);
	kt_result_init(&r);
	kt_result_set_header(&r, "steady", "1n1l2c1t", "eevdf");
	/* no limits set: nothing */
	assert_int_equal(kt_monitor_judge(&m, &a, &r), 0);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
	a.max_queue_depth = (struct kt_opt_u64)KT_SET(5);
	a.max_imbalance_ratio = (struct kt_opt_f64)KT_SET(100.0);
	assert_int_equal(kt_monitor_judge(&m, &a, &r), 0);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
	a.max_queue_depth = (struct kt_opt_u64)KT_SET(4);
	a.fail_on_stall = (struct kt_opt_bool)KT_SET(true);
	assert_int_equal(kt_monitor_judge(&m, &a, &r), 0);
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	assert_int_equal(r.nr_details, 2);
	assert_int_equal(r.details[0].kind, KT_DETAIL_MONITOR);
	assert_non_null(strstr(r.details[0].msg, "queue depth 5"));
	assert_non_null(strstr(r.details[1].msg, "task_hog on cpu0"));
	j = kt_monitor_to_json(&m);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "samples")), 40);
	assert_int_equal(json_array_size(json_object_get(j, "stalls")), 1);
	assert_int_equal(json_integer_value(json_object_get(
			     json_array_get(json_object_get(j, "scenarios"), 0),
			     "max_queue_depth")),
			 5);
	json_decref(j);
	kt_result_free(&r);
	kt_monitor_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sysmap_line),
	    cmocka_unit_test(test_sysmap_lookup),
	    cmocka_unit_test(test_btf_member),
	    cmocka_unit_test(test_pc_layout),
	    cmocka_unit_test(test_guest_mem_nodes),
	    cmocka_unit_test(test_stall_none_when_busy),
	    cmocka_unit_test(test_stall_task_hog),
	    cmocka_unit_test(test_stall_clock_frozen),
	    cmocka_unit_test(test_stall_host_held),
	    cmocka_unit_test(test_stall_idle_runnable),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
