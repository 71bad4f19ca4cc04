/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Source positions for JSON values. jansson keeps no positions once a
 * document is parsed, so a second, tiny scanner walks the same text and
 * records, for every value, the line and column where the value starts and
 * (for object members) where its key starts, indexed by the value's path
 * ("steps[1].ops[0].cpuset"). The scanner also finds duplicate keys with
 * their path, which jansson reports without one.
 */
#ifndef KTSTR_JSON_POS_H
#define KTSTR_JSON_POS_H

#include <stdbool.h>
#include <stddef.h>

/* 1-based line and column; the column counts characters (UTF-8 code
 * points), as jansson's error columns do. */
struct kt_json_pos {
	int line;
	int col;
};

struct kt_json_posmap;

/* A duplicate key the scanner met (kt_json_posmap_build -> -EEXIST). */
struct kt_json_dup {
	char path[512]; /* the object holding it ("" = the top level) */
	char key[128];
	struct kt_json_pos pos; /* the second occurrence's key */
};

/*
 * Scan text (len bytes). 0 with *out set; -EEXIST with *dup filled when an
 * object repeats a key; -EINVAL when the text is not JSON (use the real
 * parser's message then); -ENOMEM.
 */
int kt_json_posmap_build(const char *text, size_t len,
			 struct kt_json_posmap **out, struct kt_json_dup *dup);
void kt_json_posmap_free(struct kt_json_posmap *m);

/* Where the value at path starts; false when path is unknown. */
bool kt_json_pos_value(const struct kt_json_posmap *m, const char *path,
		       struct kt_json_pos *out);
/* Where the key leading to path starts (object members only). */
bool kt_json_pos_key(const struct kt_json_posmap *m, const char *path,
		     struct kt_json_pos *out);

/*
 * Child paths: parent.key (or parent["key"] for a key that is not made of
 * letters, digits and '_'; plain key at the top level) and parent[i].
 * Truncated to len.
 */
void kt_json_path_key(char *buf, size_t len, const char *parent,
		      const char *key);
void kt_json_path_index(char *buf, size_t len, const char *parent, size_t i);

#endif
