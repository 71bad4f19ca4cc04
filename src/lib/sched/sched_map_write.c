/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure side of BPF map writes: the checks of a declared write, its
 * name in messages, matching a map name (exact or a '.' suffix) and
 * finding a named field in a map value's BTF (a datasec variable or a
 * struct member).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/common.h>

#include "sched_map.h"

/* BPF_OBJ_NAME_LEN - 1 */
#define MAP_NAME_MAX   15
#define FIELD_NAME_MAX 63

static bool width_ok(unsigned w)
{
	return w == 1 || w == 2 || w == 4 || w == 8;
}

int kt_map_write_name(const struct kt_map_write *w, char *buf, size_t len)
{
	int n;

	if (w->field)
		n = snprintf(buf, len, "%s[%" PRIu32 "].%s = %" PRIu64,
			     w->map ? w->map : "(null)", w->key, w->field,
			     w->value);
	else
		n = snprintf(buf, len,
			     "%s[%" PRIu32 "]+%" PRIu32 "/%u = %" PRIu64,
			     w->map ? w->map : "(null)", w->key, w->offset,
			     w->width, w->value);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static int bad(const struct kt_map_write *w, const char *what)
{
	char name[128];

	kt_map_write_name(w, name, sizeof(name));
	return kt_err(EINVAL, "map write %s: %s", name, what);
}

int kt_map_write_check(const struct kt_map_write *w)
{
	size_t n = w->map ? strlen(w->map) : 0;

	if (!n || n > MAP_NAME_MAX)
		return bad(w, "the map name must have 1..15 characters (a "
			      "kernel map name such as scx_ktstr.bss, or a "
			      "suffix such as .bss)");
	if (!strcmp(w->map, "."))
		return bad(w, "the suffix \".\" names no map (use .bss, "
			      ".data, ...)");
	if (w->field) {
		n = strlen(w->field);
		if (!n || n > FIELD_NAME_MAX)
			return bad(w, "the field name must have 1..63 "
				      "characters");
		if (w->width && !width_ok(w->width))
			return bad(w, "width must be 1, 2, 4 or 8 bytes (or "
				      "0: the field's size)");
		if (w->offset)
			return bad(w, "give a field or an offset, not both");
	} else if (!width_ok(w->width)) {
		return bad(w, "give a field, or an offset with a width of 1, "
			      "2, 4 or 8 bytes");
	}
	if (w->width && w->width < 8 && w->value >> (8 * w->width))
		return bad(w, "the value does not fit the width");
	return 0;
}

bool kt_map_name_matches(const char *pattern, const char *name)
{
	size_t p = strlen(pattern), n = strlen(name);

	if (!strcmp(pattern, name))
		return true;
	return pattern[0] == '.' && n > p && !strcmp(name + n - p, pattern);
}

/* ---- BTF ---- */

static const struct btf_type *resolve(const struct btf *btf, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

static void add_name(char *list, size_t len, const char *name)
{
	size_t n = strlen(list);

	if (n + strlen(name) + 8 >= len) {
		if (!strstr(list, ", ..."))
			snprintf(list + n, len - n, ", ...");
		return;
	}
	snprintf(list + n, len - n, "%s%s", n ? ", " : "", name);
}

static int find_in_datasec(const struct btf *btf, const struct btf_type *t,
			   const char *field, uint32_t *off, uint32_t *size,
			   char *names, size_t len)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(t);

	for (unsigned i = 0; i < btf_vlen(t); i++, vi++) {
		const struct btf_type *v = btf__type_by_id(btf, vi->type);
		const char *nm = v ? btf__name_by_offset(btf, v->name_off) : "";

		if (nm && !strcmp(nm, field)) {
			*off = vi->offset;
			*size = vi->size;
			return 0;
		}
		add_name(names, len, nm ? nm : "?");
	}
	return -ENOENT;
}

static int find_in_struct(const struct btf *btf, const struct btf_type *t,
			  const char *field, uint32_t *off, uint32_t *size,
			  char *names, size_t len)
{
	const struct btf_member *m = btf_members(t);

	for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
		const char *nm = btf__name_by_offset(btf, m->name_off);
		uint32_t bits = btf_member_bit_offset(t, i);
		long sz;

		if (!nm || strcmp(nm, field)) {
			add_name(names, len, nm && nm[0] ? nm : "(anon)");
			continue;
		}
		sz = btf__resolve_size(btf, m->type);
		if (btf_member_bitfield_size(t, i) || bits % 8 || sz <= 0)
			return kt_err(EINVAL,
				      "field %s is a bitfield or has no size; "
				      "write it by offset and width",
				      field);
		*off = bits / 8;
		*size = (uint32_t)sz;
		return 0;
	}
	return -ENOENT;
}

int kt_btf_field_find(const struct btf *btf, uint32_t type_id,
		      const char *field, const char *map, uint32_t *off,
		      uint32_t *size)
{
	const struct btf_type *t = resolve(btf, &type_id);
	char names[512] = "";
	int err;

	if (t && btf_is_datasec(t))
		err = find_in_datasec(btf, t, field, off, size, names,
				      sizeof(names));
	else if (t && (btf_is_struct(t) || btf_is_union(t)))
		err = find_in_struct(btf, t, field, off, size, names,
				     sizeof(names));
	else
		return kt_err(EINVAL,
			      "map %s: its value type has no named fields "
			      "(not a datasec or struct); write it by offset "
			      "and width",
			      map);
	if (err == -ENOENT)
		return kt_err(ENOENT,
			      "map %s has no field \"%s\" (its fields: %s)",
			      map, field, names[0] ? names : "none");
	if (err)
		return kt_err_wrap(err, "map %s", map);
	return 0;
}
