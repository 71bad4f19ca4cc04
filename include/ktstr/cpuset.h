/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_cpuset: a fixed-size CPU bitmap with strict cpulist parse/format
 * ("0-3,5,7-9"). Also used for NUMA node sets.
 */
#ifndef KTSTR_CPUSET_H
#define KTSTR_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KT_MAX_CPUS 1024

struct kt_cpuset {
	uint64_t w[KT_MAX_CPUS / 64];
};

void kt_cpuset_zero(struct kt_cpuset *s);
/* Out-of-range CPUs (< 0 or >= KT_MAX_CPUS) are ignored by set/clear. */
void kt_cpuset_set(struct kt_cpuset *s, int cpu);
void kt_cpuset_clear(struct kt_cpuset *s, int cpu);
bool kt_cpuset_test(const struct kt_cpuset *s, int cpu);
int kt_cpuset_count(const struct kt_cpuset *s);
bool kt_cpuset_empty(const struct kt_cpuset *s);
bool kt_cpuset_equal(const struct kt_cpuset *a, const struct kt_cpuset *b);
/* true if every CPU of a is in b */
bool kt_cpuset_subset(const struct kt_cpuset *a, const struct kt_cpuset *b);
void kt_cpuset_or(struct kt_cpuset *dst, const struct kt_cpuset *src);
void kt_cpuset_and(struct kt_cpuset *dst, const struct kt_cpuset *src);
void kt_cpuset_andnot(struct kt_cpuset *dst, const struct kt_cpuset *src);
/* Set CPUs [first, last] inclusive. */
void kt_cpuset_set_range(struct kt_cpuset *s, int first, int last);
/* Lowest CPU >= from, or -1. */
int kt_cpuset_next(const struct kt_cpuset *s, int from);
#define kt_cpuset_first(s) kt_cpuset_next((s), 0)
/* The n-th (0-based) CPU of s in ascending order, or -1. */
int kt_cpuset_nth(const struct kt_cpuset *s, int n);

#define kt_cpuset_for_each(cpu, s)                                             \
	for ((cpu) = kt_cpuset_next((s), 0); (cpu) >= 0;                       \
	     (cpu) = kt_cpuset_next((s), (cpu) + 1))

/*
 * Strict parse of a cpulist: comma-separated numbers and "a-b" ranges,
 * optional trailing newline, empty string = empty set. Anything else
 * (spaces, "3-1", "x", "1,,2", out of range) returns -EINVAL with a
 * kt_last_error() message naming the bad token.
 */
int kt_cpuset_parse(const char *list, struct kt_cpuset *out);

/* Format as a compact cpulist ("0-3,5"); the empty set is "". Returns
 * the length that the full string needs (like snprintf). */
int kt_cpuset_format(const struct kt_cpuset *s, char *buf, size_t len);

/* Convenience: a static per-thread buffer (valid until the next call in
 * the same thread with the same slot 0..3). */
const char *kt_cpuset_str(const struct kt_cpuset *s, int slot);

#endif
