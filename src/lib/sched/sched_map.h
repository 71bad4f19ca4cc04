/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BPF map writes inside sched/: finding a named field in a map value's
 * BTF (sched_map_write.c, pure, unit-tested against a BTF made in
 * memory) and the maps of the attached scheduler (sched_map_find.c).
 */
#ifndef KTSTR_SCHED_MAP_H
#define KTSTR_SCHED_MAP_H

#include <stdint.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <ktstr/map_write.h>

/*
 * The byte offset and size of field in type_id of btf: a DATASEC's
 * variable (.bss, .data) or a struct/union member (typedefs and
 * modifiers are looked through). -ENOENT naming the fields there are;
 * -EINVAL for a bitfield or a type with no fields. map names the map in
 * messages.
 */
int kt_btf_field_find(const struct btf *btf, uint32_t type_id,
		      const char *field, const char *map, uint32_t *off,
		      uint32_t *size);

/* One map of the attached scheduler: an open fd and its info. */
struct kt_sched_map {
	int fd;
	struct bpf_map_info info;
};

/*
 * Find the map w->map names among the maps the attached scheduler's
 * struct_ops programs (those implementing sched_ext_ops) use. 0 with
 * out->fd open (the caller closes it); -ESRCH when no sched_ext scheduler
 * is attached; -ENOENT when no map matches, -EINVAL when several do,
 * each with a message listing the names found.
 */
int kt_sched_map_find(const char *name, struct kt_sched_map *out);

#endif
