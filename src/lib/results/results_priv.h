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

/*
 * Binary payloads' metrics (a result's "metrics" array, metrics.c):
 * compare's gate for one (percent of the base mean: 25 when higher is
 * better, as work_rate; 35 when lower is, as p99_wake_us), and the
 * values of payload's metric name over n results (out has room for n).
 */
double kt_payload_metric_gate_pct(bool higher_is_better);
size_t kt_payload_metric_values(const json_t *const *results, size_t n,
				const char *payload, const char *name,
				double *out);

#endif
