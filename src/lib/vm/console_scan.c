/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Console classification: find the kernel's crash reports (Kernel panic,
 * Oops, BUG:) and sched_ext's "BPF scheduler ... disabled" line in a
 * guest console log, and cut an excerpt around the first hit so a crash
 * is reported with its evidence and never mistaken for a verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console_scan.h"

#define EXCERPT_BEFORE 10
#define EXCERPT_AFTER  20

const char *kt_console_kind_name(enum kt_console_kind k)
{
	switch (k) {
	case KT_CONSOLE_CLEAN:
		return "clean";
	case KT_CONSOLE_SCHED_DISABLED:
		return "sched_ext disabled";
	case KT_CONSOLE_BUG:
		return "kernel BUG";
	case KT_CONSOLE_OOPS:
		return "kernel Oops";
	case KT_CONSOLE_PANIC:
		return "kernel panic";
	}
	return "?";
}

/* Skip a printk timestamp "[    1.234567] " and a caller id "[T12] ". */
static const char *skip_prefix(const char *s, const char *end)
{
	for (int i = 0; i < 2; i++) {
		const char *p = s;

		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p != '[')
			break;
		while (p < end && *p != ']')
			p++;
		if (p >= end)
			break;
		s = p + 1;
		while (s < end && *s == ' ')
			s++;
	}
	return s;
}

static bool starts(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - s) >= n && !memcmp(s, lit, n);
}

static const char *find(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; (size_t)(end - s) >= n; s++)
		if (!memcmp(s, lit, n))
			return s;
	return NULL;
}

static enum kt_console_kind classify_line(const char *s, const char *end)
{
	const char *m, *p = skip_prefix(s, end);

	if (find(p, end, "Kernel panic - not syncing"))
		return KT_CONSOLE_PANIC;
	/* "Oops: 0000 [#1]", "Oops: int3: 0000 [#1] SMP",
	 * "Oops: general protection fault, ..." */
	if (starts(p, end, "Oops: ") || starts(p, end, "Oops#"))
		return KT_CONSOLE_OOPS;
	if (starts(p, end, "BUG: ") || find(p, end, "kernel BUG at "))
		return KT_CONSOLE_BUG;
	m = find(p, end, "sched_ext: BPF scheduler \"");
	if (m && find(m, end, "\" disabled"))
		return KT_CONSOLE_SCHED_DISABLED;
	return KT_CONSOLE_CLEAN;
}

/* Copy lines [from, to) (0-based) of text into a malloc'd string, CRs
 * dropped, each line ending in '\n'. */
static char *copy_lines(const char *text, size_t len, int from, int to)
{
	const char *p = text, *end = text + len;
	char *out = malloc(len + (size_t)(to - from) + 1), *o = out;
	int line = 0;

	if (!out)
		return NULL;
	while (p < end && line < to) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (line >= from) {
			for (const char *q = p; q < le; q++)
				if (*q != '\r')
					*o++ = *q;
			*o++ = '\n';
		}
		line++;
		p = nl ? nl + 1 : end;
	}
	*o = '\0';
	return out;
}

static int count_lines(const char *text, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	if (len && text[len - 1] != '\n')
		n++;
	return n;
}

char *kt_console_tail(const char *text, size_t len, unsigned n)
{
	int total = count_lines(text, len);
	int from = total > (int)n ? total - (int)n : 0;

	return copy_lines(text, len, from, total);
}

int kt_console_scan_text(const char *text, size_t len,
			 struct kt_console_scan *out)
{
	const char *p = text, *end = text + len;
	int line = 0, first_crash = -1, first_sched = -1, hit;
	const char *crash_s = NULL, *crash_e = NULL;
	const char *sched_s = NULL, *sched_e = NULL;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		enum kt_console_kind k = classify_line(p, le);

		if (k > out->kind)
			out->kind = k;
		if (kt_console_is_crash(k) && first_crash < 0) {
			first_crash = line;
			crash_s = p;
			crash_e = le;
		} else if (k == KT_CONSOLE_SCHED_DISABLED && first_sched < 0) {
			first_sched = line;
			sched_s = p;
			sched_e = le;
		}
		line++;
		p = nl ? nl + 1 : end;
	}
	if (out->kind == KT_CONSOLE_CLEAN)
		return 0;

	hit = first_crash >= 0 ? first_crash : first_sched;
	if (first_crash < 0) {
		crash_s = sched_s;
		crash_e = sched_e;
	}
	while (crash_e > crash_s && crash_e[-1] == '\r')
		crash_e--;
	out->first_line = hit + 1;
	out->first_hit = strndup(crash_s, (size_t)(crash_e - crash_s));
	out->excerpt = copy_lines(
	    text, len, hit > EXCERPT_BEFORE ? hit - EXCERPT_BEFORE : 0,
	    hit + EXCERPT_AFTER + 1);
	if (!out->first_hit || !out->excerpt) {
		kt_console_scan_free(out);
		return kt_err(ENOMEM, "console scan: out of memory");
	}
	return 0;
}

int kt_console_scan_file(const char *path, struct kt_console_scan *out)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, err;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "console %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return kt_err(errno, "console %s: %s", path, strerror(errno));
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return kt_err(ENOMEM, "console %s: out of memory", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	err = kt_console_scan_text(buf, got, out);
	free(buf);
	return err;
}

void kt_console_scan_free(struct kt_console_scan *s)
{
	free(s->first_hit);
	free(s->excerpt);
	s->first_hit = NULL;
	s->excerpt = NULL;
}
