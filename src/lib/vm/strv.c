/* SPDX-License-Identifier: GPL-2.0-only */
/* kt_strv: a growable NULL-terminated string vector (argv, path lists). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

static int strv_take(struct kt_strv *sv, char *s)
{
	if (sv->nr + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return kt_err(ENOMEM, "string vector: out of memory");
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
	return 0;
}

int kt_strv_push(struct kt_strv *sv, const char *s)
{
	char *d = strdup(s);

	if (!d)
		return kt_err(ENOMEM, "string vector: out of memory");
	return strv_take(sv, d);
}

int kt_strv_pushf(struct kt_strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kt_err(ENOMEM, "string vector: out of memory");
	return strv_take(sv, s);
}

bool kt_strv_contains(const struct kt_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

void kt_strv_free(struct kt_strv *sv)
{
	for (size_t i = 0; i < sv->nr; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->nr = 0;
	sv->cap = 0;
}
