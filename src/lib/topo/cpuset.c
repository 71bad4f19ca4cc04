/* SPDX-License-Identifier: GPL-2.0-only */
/* kt_cpuset: fixed-size CPU bitmap operations and strict cpulist parse/format.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>

#define KT_CPUSET_WORDS (KT_MAX_CPUS / 64)

void kt_cpuset_zero(struct kt_cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void kt_cpuset_set(struct kt_cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= KT_MAX_CPUS)
		return;
	s->w[cpu / 64] |= 1ULL << (cpu % 64);
}

void kt_cpuset_clear(struct kt_cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= KT_MAX_CPUS)
		return;
	s->w[cpu / 64] &= ~(1ULL << (cpu % 64));
}

bool kt_cpuset_test(const struct kt_cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= KT_MAX_CPUS)
		return false;
	return (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

int kt_cpuset_count(const struct kt_cpuset *s)
{
	int n = 0;

	for (int i = 0; i < KT_CPUSET_WORDS; i++)
		n += __builtin_popcountll(s->w[i]);
	return n;
}

bool kt_cpuset_empty(const struct kt_cpuset *s)
{
	for (int i = 0; i < KT_CPUSET_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}

bool kt_cpuset_equal(const struct kt_cpuset *a, const struct kt_cpuset *b)
{
	return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool kt_cpuset_subset(const struct kt_cpuset *a, const struct kt_cpuset *b)
{
	for (int i = 0; i < KT_CPUSET_WORDS; i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return true;
}

void kt_cpuset_or(struct kt_cpuset *dst, const struct kt_cpuset *src)
{
	for (int i = 0; i < KT_CPUSET_WORDS; i++)
		dst->w[i] |= src->w[i];
}

void kt_cpuset_and(struct kt_cpuset *dst, const struct kt_cpuset *src)
{
	for (int i = 0; i < KT_CPUSET_WORDS; i++)
		dst->w[i] &= src->w[i];
}

void kt_cpuset_andnot(struct kt_cpuset *dst, const struct kt_cpuset *src)
{
	for (int i = 0; i < KT_CPUSET_WORDS; i++)
		dst->w[i] &= ~src->w[i];
}

void kt_cpuset_set_range(struct kt_cpuset *s, int first, int last)
{
	if (first < 0)
		first = 0;
	if (last >= KT_MAX_CPUS)
		last = KT_MAX_CPUS - 1;
	for (int cpu = first; cpu <= last; cpu++)
		kt_cpuset_set(s, cpu);
}

int kt_cpuset_next(const struct kt_cpuset *s, int from)
{
	if (from < 0)
		from = 0;
	if (from >= KT_MAX_CPUS)
		return -1;

	int i = from / 64;
	uint64_t word = s->w[i] & (~0ULL << (from % 64));

	for (;;) {
		if (word)
			return i * 64 + __builtin_ctzll(word);
		if (++i >= KT_CPUSET_WORDS)
			return -1;
		word = s->w[i];
	}
}

int kt_cpuset_nth(const struct kt_cpuset *s, int n)
{
	if (n < 0)
		return -1;
	for (int i = 0; i < KT_CPUSET_WORDS; i++) {
		int c = __builtin_popcountll(s->w[i]);
		uint64_t word = s->w[i];

		if (n >= c) {
			n -= c;
			continue;
		}
		while (n-- > 0)
			word &= word - 1; /* drop the lowest set bit */
		return i * 64 + __builtin_ctzll(word);
	}
	return -1;
}

/*
 * Parse a decimal CPU number occupying exactly [p, end). Returns the value
 * or -1 if the text is not a plain number below KT_MAX_CPUS.
 */
static int parse_cpu_num(const char *p, const char *end)
{
	long v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (*p - '0');
		if (v >= KT_MAX_CPUS)
			return -1;
	}
	return (int)v;
}

static int bad_token(const char *list, size_t listlen, const char *tok,
		     size_t toklen, const char *why)
{
	return kt_err(EINVAL, "cpulist \"%.*s\": bad token \"%.*s\" (%s)",
		      (int)listlen, list, (int)toklen, tok, why);
}

int kt_cpuset_parse(const char *list, struct kt_cpuset *out)
{
	struct kt_cpuset s;
	size_t len = strlen(list);

	kt_cpuset_zero(&s);
	if (len && list[len - 1] == '\n')
		len--;
	if (len == 0) {
		*out = s;
		return 0;
	}

	const char *p = list;
	const char *end = list + len;

	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *tend = comma ? comma : end;
		const char *dash = memchr(p, '-', (size_t)(tend - p));
		size_t toklen = (size_t)(tend - p);
		int a, b;

		if (toklen == 0)
			return bad_token(list, len, p, toklen,
					 "empty entry; expected N or A-B");
		if (dash) {
			a = parse_cpu_num(p, dash);
			b = parse_cpu_num(dash + 1, tend);
		} else {
			a = b = parse_cpu_num(p, tend);
		}
		if (a < 0 || b < 0) {
			char why[96];

			snprintf(why, sizeof(why),
				 "expected N or A-B with CPU numbers 0..%d",
				 KT_MAX_CPUS - 1);
			return bad_token(list, len, p, toklen, why);
		}
		if (a > b)
			return bad_token(list, len, p, toklen,
					 "range start is greater than its end");
		kt_cpuset_set_range(&s, a, b);
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = s;
	return 0;
}

int kt_cpuset_format(const struct kt_cpuset *s, char *buf, size_t len)
{
	size_t need = 0;
	int cpu = kt_cpuset_first(s);

	if (len)
		buf[0] = '\0';
	while (cpu >= 0) {
		int last = cpu;
		char tmp[32];
		int n;

		while (last + 1 < KT_MAX_CPUS && kt_cpuset_test(s, last + 1))
			last++;
		if (last == cpu)
			n = snprintf(tmp, sizeof(tmp), "%s%d", need ? "," : "",
				     cpu);
		else
			n = snprintf(tmp, sizeof(tmp), "%s%d-%d",
				     need ? "," : "", cpu, last);
		if (need + (size_t)n < len)
			memcpy(buf + need, tmp, (size_t)n + 1);
		else if (len && need < len)
			buf[need] = '\0';
		need += (size_t)n;
		cpu = kt_cpuset_next(s, last + 1);
	}
	return (int)need;
}

const char *kt_cpuset_str(const struct kt_cpuset *s, int slot)
{
	/* Worst case: every other CPU set, "1000," is 5 bytes each. */
	static _Thread_local char bufs[4][KT_MAX_CPUS / 2 * 5 + 16];

	if (slot < 0 || slot > 3)
		slot = 0;
	kt_cpuset_format(s, bufs[slot], sizeof(bufs[slot]));
	return bufs[slot];
}
