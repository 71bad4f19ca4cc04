/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test registration: KTSTR_TEST declares a test (a scenario body plus the
 * VM it needs) in a linker section, so a test binary has no central list.
 * Also the registry lookups and kt_test_run_here(), which runs one
 * registered test in the running kernel (inside the guest, or on the host
 * for host_only tests). The runner that boots a VM per test is
 * kt_test_main() (<ktstr/test_runner.h>, libktstr-test.a).
 *
 *	KTSTR_TEST(two_cgroups, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 2)
 *	{
 *		return kt_scenario_steady(ctx, res);
 *	}
 *
 * The body has the scenario signature: it gets `const struct kt_ctx *ctx`
 * and `struct kt_result *res` and returns 0 or a negative errno (an error
 * becomes an INFRA verdict).
 */
#ifndef KTSTR_TEST_H
#define KTSTR_TEST_H

#include <ktstr/check.h>
#include <ktstr/map_write.h>
#include <ktstr/scenario.h>
#include <ktstr/topo.h>

/* A scheduler definition (<ktstr/sched.h>); NULL = EEVDF. */
struct kt_sched_def;

#define KT_TEST_DEFAULT_TOPO	   KT_TOPO(1, 1, 2, 1)
#define KT_TEST_DEFAULT_DURATION_S 5 /* = KT_RUN_DEFAULT_DURATION_NS */
#define KT_TEST_DEFAULT_WORKERS	   2

/* Every field but name/fn/file/line is optional: zero means the default. */
struct kt_test {
	const char *name; /* the C identifier given to KTSTR_TEST */
	kt_scenario_fn fn;
	struct kt_topo_spec topo;	      /* zero = 1n1l2c1t */
	const struct kt_sched_def *scheduler; /* NULL = EEVDF */
	unsigned duration_s;	 /* zero = KT_TEST_DEFAULT_DURATION_S */
	unsigned workers;	 /* per cgroup; zero = 2 */
	struct kt_assert assert; /* over defaults -> scheduler's assert */
	bool expect_err;	 /* a FAIL/SCHED verdict is the pass */
	bool host_only;		 /* run on the host, never in a VM */
	unsigned memory_mb;	 /* zero = kt_vm_default_memory_mb() */
	const char *file;
	int line;
	/* the programs its binary payloads run (<ktstr/payload.h>),
	 * NULL-terminated: KT_PAYLOAD_PROGRAMS("stress-ng"). Those found
	 * on the host go into its VM; a missing one makes the test SKIP
	 * there, naming it. NULL = none. */
	const char *const *payloads;
	/* BPF map writes into the scheduler under test (<ktstr/map_write.h>),
	 * applied after it attached: KT_MAP_WRITES(KT_MAP_WRITE_FIELD(".bss",
	 * "stall", 1)). With wait_for_map_write the body starts only after
	 * they were applied (so no worker runs before); without, they are
	 * applied while it starts. Needs a .scheduler. */
	struct kt_map_writes map_writes;
	bool wait_for_map_write;
};

/*
 * The descriptors live in the section "ktstr_tests" as an array of
 * pointers (the linker provides __start_/__stop_ bounds). Registration
 * order is link order, then order of definition within a file.
 */
#define KT_TEST_SECTION "ktstr_tests"

#define KTSTR_TEST(tname, ...)                                                 \
	static int kt_test_fn_##tname(const struct kt_ctx *ctx,                \
				      struct kt_result *res);                  \
	static const struct kt_test kt_test_desc_##tname = {                   \
	    .name = #tname,                                                    \
	    .fn = kt_test_fn_##tname,                                          \
	    .file = __FILE__,                                                  \
	    .line = __LINE__,                                                  \
	    __VA_ARGS__};                                                      \
	static const struct kt_test *const kt_test_ptr_##tname                 \
	    __attribute__((used, section(KT_TEST_SECTION),                     \
			   aligned(sizeof(void *)))) = &kt_test_desc_##tname;  \
	static int kt_test_fn_##tname(const struct kt_ctx *ctx,                \
				      struct kt_result *res)

/* ---- the registry ---- */

/* Number of tests linked into this binary, and the i-th in order. */
size_t kt_test_count(void);
const struct kt_test *kt_test_at(size_t i);
/* By exact name; NULL when no such test. */
const struct kt_test *kt_test_find(const char *name);
/*
 * Check every descriptor: a name, a body, a valid topology (when one is
 * given), no duplicate names. -EINVAL with "test NAME (file:line): ..."
 * in kt_last_error().
 */
int kt_test_validate_all(void);

/* The effective values of a descriptor's optional fields. */
struct kt_topo_spec kt_test_topo(const struct kt_test *t);
uint64_t kt_test_duration_ns(const struct kt_test *t);
unsigned kt_test_workers(const struct kt_test *t);
/* defaults -> sched_layer (may be NULL) -> the test's .assert */
struct kt_assert kt_test_assert(const struct kt_test *t,
				const struct kt_assert *sched_layer);

/* ---- running one test in this kernel ---- */

struct kt_test_env {
	const char *sysfs_root;	   /* NULL = "/" */
	const char *cgroup_parent; /* absolute path; NULL = the no-op double */
	uint64_t duration_ns;	   /* 0 = the test's */
	unsigned workers;	   /* 0 = the test's */
	const char *topo_label;	   /* NULL = the shape read from sysfs */
	const char *sched_label;   /* NULL = "eevdf" */
	pid_t sched_pid;	   /* 0 = none */
	const struct kt_assert *sched_assert; /* scheduler layer or NULL */
	bool keep_going; /* the full duration even past a stall */
};

/*
 * Build a real kt_ctx (topology from sysfs, the cgroup manager under
 * env->cgroup_parent, set up and removed again, merged assert) and run
 * the test's body into res (header included). Setup failures are
 * recorded in res as INFRA and returned as a negative errno; a body
 * error is an INFRA verdict (return 0). Cgroups are gone afterwards.
 */
int kt_test_run_here(const struct kt_test *t, const struct kt_test_env *env,
		     struct kt_result *res);

#endif
