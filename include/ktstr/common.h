/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic vocabulary shared by every ktstr header: durations, scope guards,
 * optional values for assert fields, exit codes and the error-message slot.
 */
#ifndef KTSTR_COMMON_H
#define KTSTR_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Durations are uint64_t nanoseconds. */
#define KT_NS(x)  ((uint64_t)(x))
#define KT_US(x)  ((uint64_t)(x)*1000ULL)
#define KT_MS(x)  ((uint64_t)(x)*1000000ULL)
#define KT_SEC(x) ((uint64_t)(x)*1000000000ULL)

#define KT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Scope guard: _cleanup_(kt_foo_freep) struct kt_foo *f = NULL; */
#define _cleanup_(fn) __attribute__((cleanup(fn)))

#define KT_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * jansson's JSON value. jansson declares `typedef struct json_t {...}
 * json_t`, so naming the struct tag here lets the public headers declare
 * the JSON functions without including <jansson.h>: a caller that does
 * include it passes and receives plain json_t *, the same type.
 */
struct json_t;

/* Process exit codes of the ktstr command and of test binaries. */
enum kt_exit_code {
	KT_EXIT_PASS = 0,	  /* every check passed */
	KT_EXIT_FAIL = 1,	  /* a check failed (scheduler verdict) */
	KT_EXIT_USAGE = 2,	  /* usage or input error */
	KT_EXIT_INFRA = 3,	  /* infrastructure error (VM, kernel, I/O) */
	KT_EXIT_UNSUPPORTED = 4,  /* unsupported here / skipped */
	KT_EXIT_INCONCLUSIVE = 5, /* the evidence could not decide */
};

/* Optional values: "unset" or "set to X" (used by kt_assert layers). */
struct kt_opt_bool {
	bool set;
	bool val;
};
struct kt_opt_u64 {
	bool set;
	uint64_t val;
};
struct kt_opt_f64 {
	bool set;
	double val;
};
#define KT_SET(v)                                                              \
	{                                                                      \
		.set = true, .val = (v)                                        \
	}
#define KT_UNSET                                                               \
	{                                                                      \
		.set = false                                                   \
	}

/*
 * The last error message of the calling thread. Library calls that fail
 * return a negative errno (or NULL) and leave a sentence here saying what
 * was attempted, on what, and why.
 */
const char *kt_last_error(void);

/* Longest message kept, terminating NUL included (longer ones are cut). */
#define KT_ERR_MAX 1024

/*
 * Record a formatted message, set errno = err (its sign is ignored), and
 * return -err. The arguments may include kt_last_error().
 */
int kt_err(int err, const char *fmt, ...) KT_PRINTF(2, 3);

/*
 * Wrap the last error in context: the message becomes "PREFIX: LAST"
 * (just PREFIX when nothing was recorded), errno = err, returns -err.
 *   return kt_err_wrap(err, "cgroup %s", name);
 */
int kt_err_wrap(int err, const char *fmt, ...) KT_PRINTF(2, 3);

/*
 * Keep the last error (message and errno) across cleanup code that may
 * record errors of its own, then put it back:
 *   struct kt_err_saved e;
 *   kt_err_save(&e); kt_thing_free(t); return kt_err_restore(&e);
 * kt_err_restore returns -errno of the saved error.
 */
struct kt_err_saved {
	int err;
	char msg[KT_ERR_MAX];
};
void kt_err_save(struct kt_err_saved *s);
int kt_err_restore(const struct kt_err_saved *s);

/* Clear the error slot. */
void kt_clear_error(void);

/* Monotonic clock in nanoseconds. */
uint64_t kt_now_ns(void);

/* Sleep for ns nanoseconds, resuming after signals. */
void kt_sleep(uint64_t ns);

#endif
