/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The op kinds: one descriptor each (name, the cgroups it acts on, its
 * keys in a scenario file), and the name lookups both ways.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ops_kinds.h"

#define OP(k, ...) [k] = {.kind = k, __VA_ARGS__}

static const struct kt_op_desc descs[KT_OP_KIND__COUNT] = {
    OP(KT_OP_KIND_ADD_CGROUP, .name = "AddCgroup", .cgroup_key = "cgroup"),
    OP(KT_OP_KIND_REMOVE_CGROUP, .name = "RemoveCgroup",
       .cgroup_key = "cgroup"),
    OP(KT_OP_KIND_SET_CPUSET, .name = "SetCpuset", .cgroup_key = "cgroup",
       .args = {"cpuset"}, .need = {"cpuset"}),
    OP(KT_OP_KIND_CLEAR_CPUSET, .name = "ClearCpuset", .cgroup_key = "cgroup"),
    OP(KT_OP_KIND_SWAP_CPUSETS, .name = "SwapCpusets", .cgroup_key = "a",
       .other_key = "b"),
    OP(KT_OP_KIND_SPAWN, .name = "Spawn", .cgroup_key = "cgroup",
       .args = {"work", "workers", "policy", "mem_policy", "threads"}),
    OP(KT_OP_KIND_STOP_CGROUP, .name = "StopCgroup", .cgroup_key = "cgroup"),
    OP(KT_OP_KIND_SET_AFFINITY, .name = "SetAffinity", .cgroup_key = "cgroup",
       .args = {"affinity"}, .need = {"affinity"}),
    OP(KT_OP_KIND_SPAWN_HOST, .name = "SpawnHost",
       .args = {"work", "workers", "policy", "mem_policy", "threads"}),
    OP(KT_OP_KIND_MOVE_ALL_TASKS, .name = "MoveAllTasks", .cgroup_key = "from",
       .other_key = "to", .other_may_be_parent = true),
    OP(KT_OP_KIND_CPU_OFFLINE, .name = "CpuOffline", .args = {"cpus"},
       .need = {"cpus"}),
    OP(KT_OP_KIND_CPU_ONLINE, .name = "CpuOnline", .args = {"cpus"},
       .need = {"cpus"}),
    OP(KT_OP_KIND_RUN_PAYLOAD, .name = "RunPayload", .cgroup_key = "cgroup",
       .args = {"name", "program", "kind", "args", "input", "bounds"},
       .need = {"name", "program"}),
    OP(KT_OP_KIND_WAIT_PAYLOAD, .name = "WaitPayload", .args = {"name"},
       .need = {"name"}),
    OP(KT_OP_KIND_KILL_PAYLOAD, .name = "KillPayload", .args = {"name"},
       .need = {"name"}),
    OP(KT_OP_KIND_WRITE_MAP, .name = "WriteMap",
       .args = {"map", "key", "field", "offset", "width", "value"},
       .need = {"map", "value"}),
};

const struct kt_op_desc *kt_op_desc(enum kt_op_kind k)
{
	if ((unsigned)k >= KT_OP_KIND__COUNT)
		return NULL;
	return &descs[k];
}

const char *kt_op_kind_name(enum kt_op_kind k)
{
	const struct kt_op_desc *d = kt_op_desc(k);

	return d ? d->name : "unknown";
}

int kt_op_kind_parse(const char *name, enum kt_op_kind *out)
{
	char list[512];
	size_t n = 0;

	for (size_t k = 0; name && k < KT_OP_KIND__COUNT; k++) {
		if (!strcmp(name, descs[k].name)) {
			*out = descs[k].kind;
			return 0;
		}
	}
	list[0] = '\0';
	for (size_t k = 0; k < KT_OP_KIND__COUNT && n < sizeof(list); k++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      k ? ", " : "", descs[k].name);
	return kt_err(EINVAL, "unknown op \"%s\" (expected one of %s)",
		      name ? name : "(null)", list);
}
