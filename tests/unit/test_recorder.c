/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the flight recorder's pure pieces: the trace window of
 * a result (src/guest/trace_window.c) on a recorded ftrace text fixture,
 * worker names, and artifacts from the guest's chunked messages
 * (src/guest/artifact.c) to the file the host writes
 * (src/lib/vm/vm_artifact.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/result.h>

#include "../../src/guest/artifact.h"
#include "../../src/guest/recorder.h"
#include "../../src/guest/trace_window.h"
#include "core/small_file.h"
#include "vm/vm_internal.h"

#define FIXTURE KT_FIXTURES_DIR "/trace/stall.txt"

static char *fixture(void)
{
	char *text = NULL;

	assert_int_equal(kt_read_all(FIXTURE, &text), 0);
	return text;
}

static void test_line_ts(void **state)
{
	uint64_t ns = 0;
	const char *l1 = "  ktstr-worker-108     [000] d..2.     2.920367: "
			 "sched_switch: prev_comm=x";
	const char *l2 = "  init-102 (  102) [001] d..2.  5.6: sched_switch: a";
	const char *l3 = "  init-102     [001]     6.000000: sched_wakeup: a";

	(void)state;
	assert_int_equal(kt_trace_line_ts(l1, strlen(l1), &ns), 0);
	assert_true(ns == 2920367000ULL);
	assert_int_equal(kt_trace_line_ts(l2, strlen(l2), &ns), 0);
	assert_true(ns == 5600000000ULL);
	assert_int_equal(kt_trace_line_ts(l3, strlen(l3), &ns), 0);
	assert_true(ns == 6000000000ULL);
	assert_int_equal(kt_trace_line_ts("# tracer: nop", 13, &ns), -EINVAL);
	assert_int_equal(kt_trace_line_ts("", 0, &ns), -EINVAL);
	assert_int_equal(kt_trace_line_ts("garbage [x] 1.0:", 16, &ns),
			 -EINVAL);
}

/* A result with two cgroups' workers: 108, 109 in cg_0, 110 in cg_1. */
static void two_cgroups(struct kt_result *r)
{
	struct kt_worker_entry w = {0};

	kt_result_init(r);
	kt_result_set_header(r, "steady", "1n1l2c1t", "scx-ktstr");
	snprintf(w.cgroup, sizeof(w.cgroup), "cg_0");
	w.tid = 108;
	assert_int_equal(kt_result_add_worker(r, &w), 0);
	w.tid = 109;
	assert_int_equal(kt_result_add_worker(r, &w), 0);
	snprintf(w.cgroup, sizeof(w.cgroup), "cg 1");
	w.tid = 110;
	assert_int_equal(kt_result_add_worker(r, &w), 0);
}

static void test_names(void **state)
{
	struct kt_trace_name *n = NULL;
	struct kt_result r;
	size_t nr = 0;

	(void)state;
	two_cgroups(&r);
	assert_int_equal(kt_trace_names_of(&r, &n, &nr), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(n[0].tid, 108);
	assert_string_equal(n[0].name, "cg_0/0");
	assert_string_equal(n[1].name, "cg_0/1");
	assert_string_equal(n[2].name, "cg_1/0"); /* one word */
	free(n);
	kt_result_free(&r);
	kt_result_init(&r);
	assert_int_equal(kt_trace_names_of(&r, &n, &nr), 0);
	assert_null(n);
	assert_int_equal(nr, 0);
}

static void test_window_of(void **state)
{
	struct kt_result r;
	uint64_t from, to;

	(void)state;
	kt_result_init(&r);
	/* no evidence: the scenario's end, 2 s before, 0.5 s after */
	kt_trace_window_of(&r, KT_SEC(10), &from, &to);
	assert_true(from == KT_SEC(8) && to == KT_MS(10500));
	/* a 4 s gap ending at 9 s: from 0.5 s before its start */
	kt_result_set_evidence(&r, KT_SEC(9), KT_SEC(5), 108);
	kt_trace_window_of(&r, KT_SEC(20), &from, &to);
	assert_true(from == KT_MS(4500) && to == KT_MS(9500));
	/* the first evidence wins */
	kt_result_set_evidence(&r, KT_SEC(3), KT_SEC(2), 109);
	assert_true(r.evidence_ns == KT_SEC(9) && r.evidence_tid == 108);
	/* a short one: 2 s before the moment is earlier than its start */
	r.evidence_ns = KT_SEC(9);
	r.evidence_from_ns = KT_MS(8800);
	kt_trace_window_of(&r, 0, &from, &to);
	assert_true(from == KT_SEC(7) && to == KT_MS(9500));
	kt_result_free(&r);
}

/* The evidence survives the result's JSON and a merge. */
static void test_evidence_json(void **state)
{
	struct kt_result r, back, merged;
	json_t *j;

	(void)state;
	two_cgroups(&r);
	j = kt_result_to_json(&r);
	assert_null(json_object_get(j, "evidence")); /* none: no key */
	json_decref(j);
	kt_result_set_evidence(&r, 7208852755ULL, 4915962154ULL, 108);
	j = kt_result_to_json(&r);
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_true(back.evidence_ns == 7208852755ULL);
	assert_true(back.evidence_from_ns == 4915962154ULL);
	assert_int_equal(back.evidence_tid, 108);
	json_decref(j);
	kt_result_init(&merged);
	assert_int_equal(kt_result_merge(&merged, &back), 0);
	assert_true(merged.evidence_ns == 7208852755ULL);
	kt_result_free(&back);
	j = json_pack("{s:s, s:{s:s}}", "verdict", "fail", "evidence", "at_ns",
		      "x");
	assert_int_equal(kt_result_from_json(j, &back), -EINVAL);
	json_decref(j);
	kt_result_free(&merged);
	kt_result_free(&r);
}

static void test_window(void **state)
{
	struct kt_trace_name names[] = {
	    {108, "cg_0/0"}, {110, "cg_1/0"}, {111, "cg_1/1"}};
	char *text = fixture(), *out = NULL;
	size_t len = 0, events = 0;

	(void)state;
	assert_int_equal(kt_trace_window(text, strlen(text),
					 "# ktstr recorder: note\n",
					 KT_MS(2900), KT_SEC(6), names, 3, &out,
					 &len, &events),
			 0);
	assert_int_equal(len, strlen(out));
	/* the header first, as viewers detect the format by it */
	assert_true(!strncmp(out, "# tracer: nop\n", 14));
	assert_non_null(strstr(out, "#           TASK-PID     CPU#"));
	assert_non_null(strstr(out, "|\n# ktstr recorder: note\n"));
	/* 2.92 .. 5.6 kept; 1.45, 6.0 and 9.0 are outside */
	assert_int_equal(events, 6);
	assert_null(strstr(out, "1.448771"));
	assert_null(strstr(out, "6.000000:"));
	assert_null(strstr(out, "9.000000:"));
	/* the workers renamed, in the task field and beside their pids */
	assert_non_null(strstr(
	    out, "          cg_0/0-108     [000] d..2.     2.920367: "
		 "sched_switch: prev_comm=cg_0/0 prev_pid=108 prev_prio=120 "
		 "prev_state=R ==> next_comm=cg_1/0 next_pid=110 "
		 "next_prio=120\n"));
	assert_non_null(
	    strstr(out, "sched_wakeup_new: comm=cg_1/1 pid=111 prio=120"));
	assert_non_null(strstr(
	    out, "sched_migrate_task: comm=cg_1/0 pid=110 prio=120 orig_cpu"));
	assert_non_null(
	    strstr(out, "prev_comm=cg_1/0 prev_pid=110 prev_prio=120 "
			"prev_state=R ==> next_comm=swapper/1 next_pid=0"));
	/* the others as they were */
	assert_non_null(strstr(
	    out, "            init-102 (  102) [001] d..2.     5.600000: "
		 "sched_switch: prev_comm=init prev_pid=102"));
	assert_non_null(strstr(out, "scheduler-103     [000] ..... "
				    "5.000000: sched_ext_dump: line one\n"));
	assert_null(strstr(out, "ktstr-worker"));
	free(out);
	free(text);
}

/* Feed every line of the pipe into the host's artifact receiver. */
static void host_reads(int fd, struct kt_vm_chan *ch, struct kt_vm_result *res)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	for (char *l = buf, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		json_t *m;

		*nl = '\0';
		m = json_loads(l, 0, NULL);
		assert_non_null(m);
		assert_string_equal(
		    json_string_value(json_object_get(m, "type")), "artifact");
		assert_int_equal(kt_vm_art_chunk(ch, res, m), 0);
		json_decref(m);
	}
	free(buf);
}

/* Send data from a forked "guest" through a pipe; the host side writes
 * it into dir. */
static void round_trip(const char *dir, const char *data, size_t len,
		       struct kt_vm_result *res)
{
	struct kt_vm_chan ch = {.art_dir = dir};
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		kt_guest_artifact_attach(p[1], "scx-ktstr-1n1l2c1t");
		_exit(kt_guest_send_artifact("steady", "trace", NULL, data,
					     len) != 0);
	}
	close(p[1]);
	host_reads(p[0], &ch, res);
	close(p[0]);
	kt_vm_chan_free(&ch);
}

static void check_file(const char *path, const char *data, size_t len)
{
	char *got = NULL;

	assert_int_equal(kt_read_all(path, &got), 0);
	assert_memory_equal(got, data, len);
	assert_int_equal(got[len], '\0');
	free(got);
}

static void test_artifact_round_trip(void **state)
{
	char dir[] = "/tmp/kt-art-test.XXXXXX", path[4200];
	size_t big = 3 * KT_ARTIFACT_CHUNK + 100;
	char *data = malloc(big + 1);
	struct kt_vm_result res;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* text with a two-byte UTF-8 character across a chunk boundary */
	for (size_t i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	data[KT_ARTIFACT_CHUNK - 1] = (char)0xc3;
	data[KT_ARTIFACT_CHUNK] = (char)0xa9;
	data[big] = '\0';
	memset(&res, 0, sizeof(res));
	round_trip(dir, data, big, &res);
	assert_int_equal(res.nr_artifacts, 1);
	assert_int_equal(res.artifact_errors.nr, 0);
	snprintf(path, sizeof(path), "%s/steady-scx-ktstr-1n1l2c1t.trace", dir);
	assert_string_equal(res.artifacts[0].path, path);
	assert_string_equal(res.artifacts[0].kind, "trace");
	assert_true(res.artifacts[0].bytes == big);
	check_file(path, data, big);
	assert_ptr_equal(kt_vm_artifact_find(&res, "steady", "trace"),
			 &res.artifacts[0]);
	assert_null(kt_vm_artifact_find(&res, "steady", "dump"));
	/* binary data goes as base64; a second file of the same name is .2 */
	data[5] = '\0';
	data[6] = (char)0xff;
	round_trip(dir, data, 300, &res);
	assert_int_equal(res.nr_artifacts, 2);
	snprintf(path, sizeof(path), "%s/steady-scx-ktstr-1n1l2c1t.2.trace",
		 dir);
	assert_string_equal(res.artifacts[1].path, path);
	check_file(path, data, 300);
	unlink(res.artifacts[0].path);
	unlink(res.artifacts[1].path);
	assert_int_equal(rmdir(dir), 0); /* no temp file left */
	kt_vm_result_free(&res);
	free(data);
}

/* A file cut off by the VM's end, or a chunk out of order, leaves
 * nothing behind. */
static void test_artifact_partial(void **state)
{
	char dir[] = "/tmp/kt-art-test.XXXXXX";
	struct kt_artifact_chunk c = {.kind = "trace",
				      .scenario = "s",
				      .data = "abc",
				      .len = 3,
				      .size = 6};
	struct kt_vm_chan ch = {.art_dir = dir};
	struct kt_vm_result res;
	json_t *m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&res, 0, sizeof(res));
	m = kt_msg_artifact(&c);
	assert_int_equal(kt_vm_art_chunk(&ch, &res, m), 0);
	json_decref(m);
	c.seq = 2; /* 1 is missing */
	c.last = true;
	m = kt_msg_artifact(&c);
	assert_int_equal(kt_vm_art_chunk(&ch, &res, m), 0);
	json_decref(m);
	assert_int_equal(res.nr_artifacts, 0);
	assert_int_equal(res.artifact_errors.nr, 1);
	assert_non_null(strstr(res.artifact_errors.v[0], "out of order"));
	c.seq = 0;
	c.last = false;
	m = kt_msg_artifact(&c);
	assert_int_equal(kt_vm_art_chunk(&ch, &res, m), 0);
	json_decref(m);
	kt_vm_chan_free(&ch); /* the VM ended here */
	assert_int_equal(rmdir(dir), 0);
	kt_vm_result_free(&res);
}

static void test_artifact_name(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(kt_vm_artifact_name("steady", "scx-ktstr+llc-1n1l2c1t",
					     "trace", 1, buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "steady-scx-ktstr+llc-1n1l2c1t.trace");
	assert_int_equal(
	    kt_vm_artifact_name("../a b", "", "dump", 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "_._a_b.3.dump");
	assert_int_equal(kt_vm_artifact_name("", NULL, "", 1, buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "run.bin");
	assert_int_equal(kt_vm_artifact_name("x", "y", "trace", 1, buf, 8),
			 -ENAMETOOLONG);
}

static void test_buffer_kb(void **state)
{
	(void)state;
	assert_int_equal(kt_recorder_buffer_kb(1), KT_RECORDER_MAX_KB);
	assert_int_equal(kt_recorder_buffer_kb(2), 4096);
	assert_int_equal(kt_recorder_buffer_kb(4), 2048);
	assert_int_equal(kt_recorder_buffer_kb(8), 1024);
	assert_int_equal(kt_recorder_buffer_kb(64), KT_RECORDER_MIN_KB);
	assert_int_equal(kt_recorder_buffer_kb(-1), KT_RECORDER_MAX_KB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_ts),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_window_of),
	    cmocka_unit_test(test_evidence_json),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_artifact_round_trip),
	    cmocka_unit_test(test_artifact_partial),
	    cmocka_unit_test(test_artifact_name),
	    cmocka_unit_test(test_buffer_kb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
