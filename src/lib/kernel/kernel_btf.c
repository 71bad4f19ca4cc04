/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a member of a kernel struct sits, from the kernel's BTF through
 * libbpf's btf__ API: the host-side monitor reads struct rq and
 * task_struct fields out of guest memory at these offsets
 * (docs/monitor.md), so no layout is compiled in.
 */
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>

#include <ktstr/common.h>

#include "kernel_btf.h"

/* The member called name of composite type id (anonymous members are
 * searched too): its bit offset from the start of id and its type. */
static int find_member(const struct btf *btf, uint32_t id, const char *name,
		       uint32_t *bits, uint32_t *type, uint32_t *bitfield)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;

	if (!t || !btf_is_composite(t))
		return -ENOENT;
	m = btf_members(t);
	for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t base = btf_member_bit_offset(t, i);

		if (mn && *mn && !strcmp(mn, name)) {
			*bits = base;
			*type = m->type;
			*bitfield = btf_member_bitfield_size(t, i);
			return 0;
		}
		if (!mn || !*mn) {
			int rid = btf__resolve_type(btf, m->type);

			if (rid > 0 && !find_member(btf, (uint32_t)rid, name,
						    bits, type, bitfield)) {
				*bits += base;
				return 0;
			}
		}
	}
	return -ENOENT;
}

int kt_btf_member(const struct btf *btf, const char *sname, const char *path,
		  uint32_t *off, uint32_t *size)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	uint32_t bits = 0, type = 0, bitfield = 0;
	char part[128];
	const char *p = path;
	int rid;

	if (id <= 0)
		return kt_err(ENOENT, "BTF: no struct %s", sname);
	rid = id;
	while (*p) {
		size_t n = strcspn(p, ".");
		uint32_t b;

		if (!n || n >= sizeof(part) || rid <= 0)
			return kt_err(ENOENT, "BTF: struct %s has no %s", sname,
				      path);
		memcpy(part, p, n);
		part[n] = '\0';
		if (find_member(btf, (uint32_t)rid, part, &b, &type, &bitfield))
			return kt_err(ENOENT, "BTF: struct %s has no %s", sname,
				      path);
		bits += b;
		p += n + (p[n] == '.');
		rid = btf__resolve_type(btf, type);
	}
	if (bitfield || bits % 8)
		return kt_err(EINVAL, "BTF: %s.%s is a bitfield", sname, path);
	*off = bits / 8;
	rid = btf__resolve_size(btf, type);
	if (rid < 0)
		return kt_err(EINVAL, "BTF: %s.%s has no size", sname, path);
	*size = (uint32_t)rid;
	return 0;
}
