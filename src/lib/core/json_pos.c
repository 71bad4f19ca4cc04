/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JSON position scanner (json_pos.h): a recursive-descent walk over
 * the raw text that records where each value and each key starts, by
 * path, in a small open-addressing hash table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"

#define MAX_DEPTH 512

struct entry {
	char *path; /* NULL = free slot */
	bool has_key;
	struct kt_json_pos key;
	struct kt_json_pos val;
};

struct kt_json_posmap {
	size_t cap; /* power of two */
	size_t nr;
	struct entry *e;
};

struct scan {
	const char *s;
	size_t len;
	size_t i;
	int line;
	int col;
	struct kt_json_posmap *m;
	struct kt_json_dup *dup;
};

/* ---- paths ---- */

static bool plain_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *c = key; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

void kt_json_path_key(char *buf, size_t len, const char *parent,
		      const char *key)
{
	if (plain_key(key))
		snprintf(buf, len, "%s%s%s", parent, *parent ? "." : "", key);
	else
		snprintf(buf, len, "%s[\"%s\"]", parent, key);
}

void kt_json_path_index(char *buf, size_t len, const char *parent, size_t i)
{
	snprintf(buf, len, "%s[%zu]", parent, i);
}

/* ---- the table ---- */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct entry *slot(const struct kt_json_posmap *m, const char *path)
{
	size_t i = (size_t)hash(path) & (m->cap - 1);

	while (m->e[i].path && strcmp(m->e[i].path, path))
		i = (i + 1) & (m->cap - 1);
	return &m->e[i];
}

static int grow(struct kt_json_posmap *m)
{
	struct kt_json_posmap n = {.cap = m->cap ? m->cap * 2 : 64};

	n.e = calloc(n.cap, sizeof(*n.e));
	if (!n.e)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].path)
			*slot(&n, m->e[i].path) = m->e[i];
	free(m->e);
	m->e = n.e;
	m->cap = n.cap;
	return 0;
}

/* The entry for path, created when new; *fresh says which. */
static struct entry *get(struct kt_json_posmap *m, const char *path,
			 bool *fresh)
{
	struct entry *e;

	if ((m->nr + 1) * 2 > m->cap && grow(m))
		return NULL;
	e = slot(m, path);
	*fresh = !e->path;
	if (e->path)
		return e;
	e->path = strdup(path);
	if (!e->path)
		return NULL;
	m->nr++;
	return e;
}

void kt_json_posmap_free(struct kt_json_posmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].path);
	free(m->e);
	free(m);
}

bool kt_json_pos_value(const struct kt_json_posmap *m, const char *path,
		       struct kt_json_pos *out)
{
	const struct entry *e;

	if (!m || !m->cap)
		return false;
	e = slot(m, path);
	if (!e->path)
		return false;
	*out = e->val;
	return true;
}

bool kt_json_pos_key(const struct kt_json_posmap *m, const char *path,
		     struct kt_json_pos *out)
{
	const struct entry *e;

	if (!m || !m->cap)
		return false;
	e = slot(m, path);
	if (!e->path || !e->has_key)
		return false;
	*out = e->key;
	return true;
}

/* ---- the scanner ---- */

static int peek(const struct scan *s)
{
	return s->i < s->len ? (unsigned char)s->s[s->i] : -1;
}

static void advance(struct scan *s)
{
	unsigned char c = (unsigned char)s->s[s->i++];

	if (c == '\n') {
		s->line++;
		s->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		s->col++; /* UTF-8 continuation bytes share a column */
	}
}

static void skip_ws(struct scan *s)
{
	int c;

	while ((c = peek(s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		advance(s);
}

static struct kt_json_pos here(const struct scan *s)
{
	return (struct kt_json_pos){.line = s->line, .col = s->col};
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_u4(struct scan *s, unsigned *out)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		int h = hexval(peek(s));

		if (h < 0)
			return -EINVAL;
		v = v << 4 | (unsigned)h;
		advance(s);
	}
	*out = v;
	return 0;
}

static void put(char *buf, size_t len, size_t *n, char c)
{
	if (buf && *n + 1 < len)
		buf[*n] = c;
	(*n)++;
}

static void put_utf8(char *buf, size_t len, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		put(buf, len, n, (char)cp);
	} else if (cp < 0x800) {
		put(buf, len, n, (char)(0xc0 | cp >> 6));
		put(buf, len, n, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(buf, len, n, (char)(0xe0 | cp >> 12));
		put(buf, len, n, (char)(0x80 | ((cp >> 6) & 0x3f)));
		put(buf, len, n, (char)(0x80 | (cp & 0x3f)));
	} else {
		put(buf, len, n, (char)(0xf0 | cp >> 18));
		put(buf, len, n, (char)(0x80 | ((cp >> 12) & 0x3f)));
		put(buf, len, n, (char)(0x80 | ((cp >> 6) & 0x3f)));
		put(buf, len, n, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A string at s->i (the opening quote), decoded into buf (may be NULL;
 * truncated to len, always terminated when buf is given). */
static int read_string(struct scan *s, char *buf, size_t len)
{
	size_t n = 0;
	int c;

	advance(s); /* " */
	for (;;) {
		c = peek(s);
		if (c < 0 || c < 0x20)
			return -EINVAL;
		advance(s);
		if (c == '"')
			break;
		if (c != '\\') {
			put(buf, len, &n, (char)c);
			continue;
		}
		c = peek(s);
		if (c < 0)
			return -EINVAL;
		advance(s);
		switch (c) {
		case '"':
		case '\\':
		case '/':
			put(buf, len, &n, (char)c);
			break;
		case 'b':
			put(buf, len, &n, '\b');
			break;
		case 'f':
			put(buf, len, &n, '\f');
			break;
		case 'n':
			put(buf, len, &n, '\n');
			break;
		case 'r':
			put(buf, len, &n, '\r');
			break;
		case 't':
			put(buf, len, &n, '\t');
			break;
		case 'u': {
			unsigned cp, lo;

			if (read_u4(s, &cp))
				return -EINVAL;
			if (cp >= 0xd800 && cp < 0xdc00 && peek(s) == '\\') {
				advance(s);
				if (peek(s) != 'u')
					return -EINVAL;
				advance(s);
				if (read_u4(s, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff)
					return -EINVAL;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			put_utf8(buf, len, &n, cp);
			break;
		}
		default:
			return -EINVAL;
		}
	}
	if (buf && len)
		buf[n < len ? n : len - 1] = '\0';
	return 0;
}

static bool scalar_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
	       c == '+' || c == '.' || c == 'E';
}

static int value(struct scan *s, const char *path, int depth);

static int record(struct scan *s, const char *path, const char *parent,
		  const char *key, const struct kt_json_pos *kpos)
{
	bool fresh;
	struct entry *e = get(s->m, path, &fresh);

	if (!e)
		return -ENOMEM;
	if (!fresh && kpos) {
		snprintf(s->dup->path, sizeof(s->dup->path), "%.511s", parent);
		snprintf(s->dup->key, sizeof(s->dup->key), "%.127s", key);
		s->dup->pos = *kpos;
		return -EEXIST;
	}
	if (kpos) {
		e->has_key = true;
		e->key = *kpos;
	}
	e->val = here(s);
	return 0;
}

/* After a member or element: 1 at a ',' (another follows), 0 at close
 * (consumed), -EINVAL at anything else. */
static int next_member(struct scan *s, char close)
{
	skip_ws(s);
	if (peek(s) == ',') {
		advance(s);
		return 1;
	}
	if (peek(s) != close)
		return -EINVAL;
	advance(s);
	return 0;
}

static int object(struct scan *s, const char *path, int depth)
{
	char key[1024], child[1024];
	struct kt_json_pos kpos;
	int err;

	advance(s); /* { */
	skip_ws(s);
	if (peek(s) == '}') {
		advance(s);
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (peek(s) != '"')
			return -EINVAL;
		kpos = here(s);
		err = read_string(s, key, sizeof(key));
		if (err)
			return err;
		skip_ws(s);
		if (peek(s) != ':')
			return -EINVAL;
		advance(s);
		skip_ws(s);
		kt_json_path_key(child, sizeof(child), path, key);
		err = record(s, child, path, key, &kpos);
		if (err)
			return err;
		err = value(s, child, depth + 1);
		if (err)
			return err;
		err = next_member(s, '}');
		if (err <= 0)
			return err;
	}
}

static int array(struct scan *s, const char *path, int depth)
{
	char child[1024];
	int err;

	advance(s); /* [ */
	skip_ws(s);
	if (peek(s) == ']') {
		advance(s);
		return 0;
	}
	for (size_t i = 0;; i++) {
		skip_ws(s);
		kt_json_path_index(child, sizeof(child), path, i);
		err = record(s, child, path, NULL, NULL);
		if (err)
			return err;
		err = value(s, child, depth + 1);
		if (err)
			return err;
		err = next_member(s, ']');
		if (err <= 0)
			return err;
	}
}

/* The value at s->i (whitespace skipped); its position is recorded. */
static int value(struct scan *s, const char *path, int depth)
{
	int c = peek(s);

	if (depth > MAX_DEPTH)
		return -EINVAL;
	if (c == '{')
		return object(s, path, depth);
	if (c == '[')
		return array(s, path, depth);
	if (c == '"')
		return read_string(s, NULL, 0);
	if (c < 0 || !scalar_char(c))
		return -EINVAL;
	while (scalar_char(peek(s)))
		advance(s);
	return 0;
}

int kt_json_posmap_build(const char *text, size_t len,
			 struct kt_json_posmap **out, struct kt_json_dup *dup)
{
	struct kt_json_dup scratch;
	struct scan s = {.s = text, .len = len, .line = 1, .col = 1};
	int err;

	*out = NULL;
	s.dup = dup ? dup : &scratch;
	s.m = calloc(1, sizeof(*s.m));
	if (!s.m)
		return -ENOMEM;
	/* A UTF-8 byte order mark is not part of the document. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		s.i = 3;
	skip_ws(&s);
	err = record(&s, "", "", NULL, NULL);
	err = err ?: value(&s, "", 0);
	if (!err) {
		skip_ws(&s);
		if (s.i != s.len)
			err = -EINVAL;
	}
	if (err) {
		kt_json_posmap_free(s.m);
		return err;
	}
	*out = s.m;
	return 0;
}
