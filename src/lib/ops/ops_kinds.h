/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The op kinds as data: one descriptor per kind with its name (the C API,
 * scenario files and the result's timeline all use it), the cgroups it
 * acts on and the keys of its scenario-file form
 * {"op": NAME, KEY: VALUE, ...}. The engine's op check and the scenario
 * file's parser and name play-through read the same descriptors.
 */
#ifndef KTSTR_OPS_KINDS_H
#define KTSTR_OPS_KINDS_H

#include <ktstr/ops.h>

struct kt_op_desc {
	enum kt_op_kind kind;
	const char *name; /* "SwapCpusets" */
	/*
	 * The op acts on .cgroup exactly when cgroup_key is set, and on
	 * .other exactly when other_key is; each is the key naming that
	 * cgroup in a file ("cgroup", SwapCpusets' "a" and "b",
	 * MoveAllTasks' "from" and "to"). Both are required keys.
	 */
	const char *cgroup_key;
	const char *other_key;
	bool other_may_be_parent;  /* .other "" = the run's cgroup parent */
	const char *const args[8]; /* its other keys, NULL-terminated */
	const char *const need[3]; /* those of args it requires */
};

/* The descriptor of k, or NULL for a value outside the enum. */
const struct kt_op_desc *kt_op_desc(enum kt_op_kind k);

#endif
