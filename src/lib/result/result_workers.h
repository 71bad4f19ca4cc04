/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to result/: the per-worker entries of a result
 * (result_workers.c): made from a worker report, and their JSON form.
 */
#ifndef KTSTR_RESULT_WORKERS_H
#define KTSTR_RESULT_WORKERS_H

#include <ktstr/result.h>
#include <ktstr/workload.h>

/* The entry of report r in cgroup. */
void kt_worker_entry_of(const struct kt_worker_report *r, const char *cgroup,
			struct kt_worker_entry *e);
/* A Deadline worker's CPU time per period (cpu * period / wall); 0 for
 * another policy or no wall time. */
uint64_t kt_dl_got_ns(const struct kt_worker_report *r);
/* The result's "workers" array (NULL on ENOMEM). */
struct json_t *kt_result_workers_to_json(const struct kt_result *r);
/* Append the entries of j's "workers" (absent: none); -EINVAL naming the
 * key. */
int kt_result_workers_from_json(const struct json_t *j, struct kt_result *out);

#endif
