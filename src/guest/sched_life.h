/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's side of a scheduler under test: start the plan's scheduler
 * with the library lifecycle, tell the host (sched_attached / sched_exit,
 * docs/protocol.md) and stop it at the end.
 */
#ifndef KTSTR_GUEST_SCHED_LIFE_H
#define KTSTR_GUEST_SCHED_LIFE_H

#include <jansson.h>

#include <ktstr/result.h>
#include <ktstr/sched.h>

#include "plan.h"

/* The messages (new references, NULL when out of memory). */
json_t *kt_msg_sched_attached(const char *name, pid_t pid, uint64_t after_ms);
json_t *kt_msg_sched_exit(const struct kt_sched_exit *e);

typedef void (*kt_guest_send_fn)(json_t *msg); /* steals msg */

/*
 * Start ps's scheduler. Returns 0 with *out running (sched_attached was
 * sent), -ESRCH with *out holding the failure (sched_exit was sent; the
 * runner turns it into a SCHED result), other -errno when it could not be
 * tried at all (message in kt_last_error()).
 */
int kt_guest_sched_start(const struct kt_plan_sched *ps, kt_guest_send_fn send,
			 struct kt_sched_run **out);

/*
 * End of the run: stop the scheduler (when still there) and send
 * sched_exit once for a death, ejection or a failure to detach. Returns
 * the verdict the end adds: SCHED when the scheduler did not detach
 * (*stop_result then holds a "sched_stop" result to report), else PASS.
 * Frees r.
 */
enum kt_verdict kt_guest_sched_end(struct kt_sched_run *r, bool exit_sent,
				   const char *topo, const char *label,
				   kt_guest_send_fn send,
				   struct kt_result *stop_result);

#endif
