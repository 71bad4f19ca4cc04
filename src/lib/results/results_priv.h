/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared inside results/: the host object of a sidecar and the small
 * JSON readers of sidecars. */
#ifndef KTSTR_RESULTS_PRIV_H
#define KTSTR_RESULTS_PRIV_H

#include <jansson.h>

#include <ktstr/results.h>

/* {cpu_model, cores, accel, kernel} of this host. */
json_t *kt_host_info_json(const char *accel);
/* Index of the sidecar parts (struct kt_sidecar.part). */
enum { KT_PART_TOPO, KT_PART_SCHED, KT_PART_WORK, KT_PART_KERNEL };
extern const char *const kt_part_names[4]; /* "topo", "sched", ... */

#endif
