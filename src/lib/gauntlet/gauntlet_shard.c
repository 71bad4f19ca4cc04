/* SPDX-License-Identifier: GPL-2.0-only */
/* Shards of the gauntlet's ordered variant list: a deterministic
 * partition by position, and the "K/N" text that names one. */
#include <errno.h>
#include <stdlib.h>

#include <ktstr/gauntlet.h>

size_t kt_gauntlet_shard(size_t nr, unsigned k, unsigned n, size_t *pos)
{
	size_t m = 0;

	if (!n || !k || k > n)
		return 0;
	for (size_t i = k - 1; i < nr; i += n)
		pos[m++] = i;
	return m;
}

static int shard_number(const char *s, char **end, unsigned long *v)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, end, 10);
	return errno ? -EINVAL : 0;
}

int kt_gauntlet_shard_parse(const char *text, unsigned *k, unsigned *n)
{
	unsigned long a, b;
	char *end;

	if (!text || shard_number(text, &end, &a) || *end != '/' ||
	    shard_number(end + 1, &end, &b) || *end || !a || !b || a > b ||
	    b > 1000)
		return kt_err(EINVAL,
			      "shard \"%s\": expected K/N with 1 <= K <= N <= "
			      "1000, e.g. 2/3",
			      text ? text : "");
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}
