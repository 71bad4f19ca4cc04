/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The maps of the attached sched_ext scheduler: every loaded BPF program
 * is looked at (bpf_prog_get_next_id), the struct_ops programs that
 * implement sched_ext_ops (their attach_btf_id is that struct in the
 * kernel's BTF) are the scheduler's (only one sched_ext scheduler can be
 * attached), and the maps they use (bpf_prog_info.map_ids) are matched
 * by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/sched.h>

#include "sched_map.h"

struct id_set {
	size_t nr, cap;
	uint32_t *ids;
};

static int id_add(struct id_set *s, uint32_t id)
{
	uint32_t *a;

	for (size_t i = 0; i < s->nr; i++)
		if (s->ids[i] == id)
			return 0;
	if (s->nr == s->cap) {
		a = realloc(s->ids, (s->cap * 2 + 16) * sizeof(*a));
		if (!a)
			return kt_err(ENOMEM, "map ids: out of memory");
		s->ids = a;
		s->cap = s->cap * 2 + 16;
	}
	s->ids[s->nr++] = id;
	return 0;
}

/* The type id of struct sched_ext_ops in the kernel's BTF; 0 unknown. */
static uint32_t ops_type_id(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id;

	if (!vmlinux)
		return 0;
	id = btf__find_by_name_kind(vmlinux, "sched_ext_ops", BTF_KIND_STRUCT);
	btf__free(vmlinux);
	return id > 0 ? (uint32_t)id : 0;
}

/* Add the map ids of program fd to s when it is the scheduler's. */
static int prog_maps(int fd, uint32_t ops_id, struct id_set *s)
{
	struct bpf_prog_info info = {0};
	uint32_t len = sizeof(info), nr, *ids;
	int err = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.type != BPF_PROG_TYPE_STRUCT_OPS ||
	    (ops_id && info.attach_btf_id != ops_id) || !info.nr_map_ids)
		return 0;
	nr = info.nr_map_ids;
	ids = calloc(nr, sizeof(*ids));
	if (!ids)
		return kt_err(ENOMEM, "map ids: out of memory");
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = nr;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	len = sizeof(info);
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (uint32_t i = 0; !err && i < info.nr_map_ids && i < nr; i++)
			err = id_add(s, ids[i]);
	free(ids);
	return err;
}

static int sched_map_ids(struct id_set *s)
{
	uint32_t id = 0, ops_id = ops_type_id();
	int err = 0, r = 0;

	while (!err && !(r = bpf_prog_get_next_id(id, &id))) {
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue; /* unloaded meanwhile */
		err = prog_maps(fd, ops_id, s);
		close(fd);
	}
	if (!err && r != -ENOENT)
		return kt_err(-r, "list BPF programs: %s", strerror(-r));
	return err;
}

static void list_add(char *list, size_t len, const char *name)
{
	size_t n = strlen(list);

	if (n + strlen(name) + 8 < len)
		snprintf(list + n, len - n, "%s%s", n ? ", " : "", name);
	else if (!strstr(list, ", ..."))
		snprintf(list + n, len - n, ", ...");
}

/* Open map id when its name matches: 1 kept in *out, 0 not, <0 error. */
static int try_map(uint32_t id, const char *name, struct kt_sched_map *out,
		   char *all, size_t len)
{
	struct kt_sched_map m = {.fd = bpf_map_get_fd_by_id(id)};
	uint32_t ilen = sizeof(m.info);

	if (m.fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(m.fd, &m.info, &ilen)) {
		close(m.fd);
		return 0;
	}
	list_add(all, len, m.info.name);
	if (!kt_map_name_matches(name, m.info.name)) {
		close(m.fd);
		return 0;
	}
	*out = m;
	return 1;
}

static int match(const struct id_set *s, const char *name,
		 struct kt_sched_map *out)
{
	char all[512] = "", hits[256] = "";
	struct kt_sched_map m;
	int nr = 0;

	out->fd = -1;
	for (size_t i = 0; i < s->nr; i++) {
		int r = try_map(s->ids[i], name, &m, all, sizeof(all));

		if (r <= 0)
			continue;
		list_add(hits, sizeof(hits), m.info.name);
		if (nr++)
			close(m.fd);
		else
			*out = m;
	}
	if (nr == 1)
		return 0;
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	if (nr > 1)
		return kt_err(EINVAL,
			      "map %s: %d of the scheduler's maps match (%s); "
			      "give the exact name",
			      name, nr, hits);
	return kt_err(ENOENT,
		      "map %s: no such map among the attached scheduler's "
		      "(its struct_ops programs use: %s); give one of those "
		      "names or a suffix such as .bss",
		      name, all[0] ? all : "no maps");
}

int kt_sched_map_find(const char *name, struct kt_sched_map *out)
{
	struct id_set s = {0};
	int err;

	out->fd = -1;
	if (!kt_scx_attached(NULL, NULL))
		return kt_err(ESRCH,
			      "map %s: no sched_ext scheduler is attached "
			      "(/sys/kernel/sched_ext/state is not "
			      "\"enabled\"): a map write needs the scheduler "
			      "under test running; run with --scheduler",
			      name);
	err = sched_map_ids(&s);
	if (!err)
		err = match(&s, name, out);
	free(s.ids);
	return err;
}
