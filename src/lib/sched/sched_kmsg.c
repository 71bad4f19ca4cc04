/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the kernel's sched_ext lines: the text of a /dev/kmsg record,
 * and the disable line `sched_ext: BPF scheduler "NAME" disabled (REASON)`
 * the kernel logs when it ejects (or unregisters) a BPF scheduler.
 */
#include <ctype.h>
#include <string.h>

#include <ktstr/sched.h>

char *kt_kmsg_text(char *rec)
{
	char *semi = strchr(rec, ';'), *nl;

	if (!semi)
		return NULL;
	/* The prefix is "prio,seq,usec,flags[,more]": digits, ',', '-',
	 * 'c', '+' only. */
	for (char *p = rec; p < semi; p++)
		if (!isdigit((unsigned char)*p) && !strchr(",-c+", *p))
			return NULL;
	nl = strchr(semi + 1, '\n');
	if (nl)
		*nl = '\0';
	return semi + 1;
}

bool kt_kmsg_is_scx(const char *text)
{
	return !strncmp(text, "sched_ext: ", 11);
}

static void copy_span(char *dst, size_t len, const char *s, size_t n)
{
	if (!dst || !len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

bool kt_kmsg_scx_disabled(const char *text, char *name, size_t name_len,
			  char *reason, size_t reason_len)
{
	static const char pre[] = "sched_ext: BPF scheduler \"";
	const char *p, *q, *open, *close;

	if (strncmp(text, pre, sizeof(pre) - 1))
		return false;
	p = text + sizeof(pre) - 1;
	q = strstr(p, "\" disabled (");
	if (!q)
		return false;
	open = q + strlen("\" disabled (");
	close = strrchr(open, ')');
	if (!close)
		return false;
	copy_span(name, name_len, p, (size_t)(q - p));
	copy_span(reason, reason_len, open, (size_t)(close - open));
	return true;
}
