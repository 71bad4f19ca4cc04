/* SPDX-License-Identifier: GPL-2.0-only */
/* The initramfs of a VM and where things live in it (initramfs.c). */
#ifndef KTSTR_VM_INITRAMFS_H
#define KTSTR_VM_INITRAMFS_H

#include <stddef.h>

/* Where the scheduler under test lives in the guest. */
#define KT_VM_SCHED_PATH "/ktstr/scheduler"
/* Scenario files travel as KT_VM_SCENARIO_DIR/<index>.json. */
#define KT_VM_SCENARIO_DIR "/ktstr/scenarios"

struct kt_initramfs_opts {
	const char *init_path;	     /* NULL = /proc/self/exe */
	const char *plan_json;	     /* -> /ktstr/plan.json */
	const char *scheduler;	     /* optional -> /ktstr/scheduler */
	const char *const *includes; /* files -> /include/<basename> */
	size_t nr_includes;
	/* scenario files -> KT_VM_SCENARIO_DIR/<index>.json */
	const char *const *scenario_files;
	size_t nr_scenario_files;
	const char *busybox; /* optional -> /bin/busybox */
	/* payload binaries (host paths) -> the same path in the guest */
	const char *const *payloads;
	size_t nr_payloads;
};

/* Write the whole initramfs (uncompressed newc) to out_path. Binaries
 * that are dynamic bring their libraries at the same absolute paths. */
int kt_initramfs_write(const struct kt_initramfs_opts *o, const char *out_path);

#endif
