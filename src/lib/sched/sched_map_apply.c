/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Applying one BPF map write to the attached scheduler: wait for its map,
 * resolve the field through the map's BTF, write the bytes (in place
 * through mmap for an mmapable map, else lookup-modify-update of the
 * element) and record what was written and when.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/bpf.h>

#include <ktstr/result.h>

#include "sched_map.h"

/* Where in the value and how many bytes; sets rec's field and place. */
static int locate(const struct kt_map_write *w, const struct kt_sched_map *m,
		  struct kt_map_write_record *rec)
{
	const char *name = m->info.name;
	uint32_t off = w->offset, size = w->width;
	struct btf *btf;
	int err = 0;

	if (w->field) {
		if (!m->info.btf_id || !m->info.btf_value_type_id)
			return kt_err(EINVAL,
				      "map %s has no BTF for its value; write "
				      "it by offset and width",
				      name);
		btf = btf__load_from_kernel_by_id(m->info.btf_id);
		if (!btf)
			return kt_err(errno, "map %s: load its BTF (id %u): %s",
				      name, m->info.btf_id, strerror(errno));
		err = kt_btf_field_find(btf, m->info.btf_value_type_id,
					w->field, name, &off, &size);
		btf__free(btf);
		if (err)
			return err;
		if (size != 1 && size != 2 && size != 4 && size != 8)
			return kt_err(EINVAL,
				      "map %s: field %s is %u bytes; write "
				      "1, 2, 4 or 8 of them by offset and "
				      "width",
				      name, w->field, size);
		if (w->width && w->width != size)
			return kt_err(EINVAL,
				      "map %s: field %s is %u bytes, not the "
				      "width %u given",
				      name, w->field, size, w->width);
		snprintf(rec->field, sizeof(rec->field), "%s", w->field);
	}
	if (size < 8 && w->value >> (8 * size))
		return kt_err(EINVAL,
			      "map %s: %" PRIu64 " does not fit %u bytes", name,
			      w->value, size);
	if ((uint64_t)off + size > m->info.value_size)
		return kt_err(EINVAL,
			      "map %s: bytes %u..%u are past its %u-byte "
			      "value",
			      name, off, off + size - 1, m->info.value_size);
	rec->offset = off;
	rec->width = size;
	return 0;
}

static uint64_t load(const volatile void *p, unsigned width)
{
	switch (width) {
	case 1:
		return *(const volatile uint8_t *)p;
	case 2:
		return *(const volatile uint16_t *)p;
	case 4:
		return *(const volatile uint32_t *)p;
	default:
		return *(const volatile uint64_t *)p;
	}
}

static void store(volatile void *p, unsigned width, uint64_t v)
{
	switch (width) {
	case 1:
		*(volatile uint8_t *)p = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)p = (uint16_t)v;
		break;
	case 4:
		*(volatile uint32_t *)p = (uint32_t)v;
		break;
	default:
		*(volatile uint64_t *)p = v;
	}
}

/* In place: only the field's bytes change (one aligned store), so the
 * scheduler's own updates of its other variables are never undone. */
static int write_mmap(const struct kt_sched_map *m,
		      struct kt_map_write_record *rec)
{
	size_t elem = ((size_t)m->info.value_size + 7) & ~(size_t)7;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (elem * m->info.max_entries + page - 1) & ~(page - 1);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	char *at;

	if (p == MAP_FAILED)
		return kt_err(errno, "map %s: mmap for writing: %s%s",
			      m->info.name, strerror(errno),
			      errno == EPERM ? " (a frozen, read-only map "
					       "such as .rodata cannot be "
					       "written)"
					     : "");
	at = p + elem * rec->key + rec->offset;
	if ((uintptr_t)at % rec->width) {
		memcpy(&rec->old_value, at, rec->width); /* little endian */
		memcpy(at, &rec->value, rec->width);
	} else {
		rec->old_value = load(at, rec->width);
		store(at, rec->width, rec->value);
	}
	rec->at_ns = kt_now_ns();
	munmap(p, len);
	return 0;
}

static int write_elem(const struct kt_sched_map *m,
		      struct kt_map_write_record *rec)
{
	uint8_t buf[4096] = {0};

	if (m->info.key_size != 4 || m->info.value_size > sizeof(buf))
		return kt_err(EINVAL,
			      "map %s: a %u-byte key and %u-byte value: map "
			      "writes take a u32 key and values up to 4096 "
			      "bytes",
			      m->info.name, m->info.key_size,
			      m->info.value_size);
	if (bpf_map_lookup_elem(m->fd, &rec->key, buf))
		return kt_err(errno, "map %s: look up key %u: %s", m->info.name,
			      rec->key, strerror(errno));
	rec->old_value = 0;
	memcpy(&rec->old_value, buf + rec->offset, rec->width);
	memcpy(buf + rec->offset, &rec->value, rec->width);
	if (bpf_map_update_elem(m->fd, &rec->key, buf, BPF_EXIST))
		return kt_err(errno, "map %s: update key %u: %s", m->info.name,
			      rec->key, strerror(errno));
	rec->at_ns = kt_now_ns();
	return 0;
}

static int write_map(const struct kt_map_write *w, const struct kt_sched_map *m,
		     struct kt_map_write_record *rec)
{
	int err;

	if (m->info.type != BPF_MAP_TYPE_ARRAY)
		return kt_err(EINVAL,
			      "map %s: type %u is not an ARRAY (per-CPU and "
			      "hash maps are not written)",
			      m->info.name, m->info.type);
	if (w->key >= m->info.max_entries)
		return kt_err(EINVAL, "map %s: key %u is past its %u entries",
			      m->info.name, w->key, m->info.max_entries);
	snprintf(rec->map, sizeof(rec->map), "%s", m->info.name);
	rec->map_id = m->info.id;
	rec->key = w->key;
	rec->value = w->value;
	err = locate(w, m, rec);
	if (err)
		return err;
	if (m->info.map_flags & BPF_F_MMAPABLE)
		return write_mmap(m, rec);
	return write_elem(m, rec);
}

int kt_map_write_apply(const struct kt_map_write *w, uint64_t wait_ns,
		       struct kt_map_write_record *rec)
{
	struct kt_map_write_record own;
	uint64_t end = kt_now_ns() + wait_ns;
	struct kt_sched_map m;
	int err = kt_map_write_check(w);

	if (!rec)
		rec = &own;
	memset(rec, 0, sizeof(*rec));
	while (!err) {
		err = kt_sched_map_find(w->map, &m);
		if (!err || (err != -ESRCH && err != -ENOENT) ||
		    kt_now_ns() >= end)
			break;
		kt_sleep(KT_MS(50));
		err = 0;
	}
	if (err)
		return err;
	err = write_map(w, &m, rec);
	close(m.fd);
	return err;
}
