/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to work/: recording a worker's lane in the picture of a run
 * (struct kt_worker_lane in <ktstr/workload.h>; worker_lane.c). The
 * telemetry calls these at the checkpoints and publishes it makes anyway.
 */
#ifndef KTSTR_WORKER_LANE_H
#define KTSTR_WORKER_LANE_H

#include <stdint.h>

#include <ktstr/workload.h>

/* Start an empty lane (KT_LANE_BUCKET_NS buckets, no gaps). */
void kt_lane_init(struct kt_worker_lane *l);

/*
 * cpu_ns of thread CPU time was used in [from, to) (ns from the gate):
 * spread it evenly over the buckets the interval covers, folding the
 * buckets (twice as wide) while `to` lies past the last one.
 */
void kt_lane_deposit(struct kt_worker_lane *l, uint64_t from, uint64_t to,
		     uint64_t cpu_ns);

/*
 * One sample (ns from the gate): cpu_ns was used since the last sample at
 * prev; the worker was off its work loop from off (a gap or a block that
 * ends now; off outside (prev, now) = none). The CPU time goes first to
 * [prev, off), where the worker was checkpointing, and only what is left
 * to [off, now): a worker kept off the CPU shows an empty stretch there,
 * one whose vCPU stood still a full one.
 */
void kt_lane_sample(struct kt_worker_lane *l, uint64_t prev, uint64_t off,
		    uint64_t now, uint64_t cpu_ns);

/*
 * A gap [start, end) (CLOCK_MONOTONIC): kept when at least
 * KT_LANE_MIN_GAP_NS long and among the KT_LANE_GAPS longest.
 */
void kt_lane_note_gap(struct kt_worker_lane *l, uint64_t start, uint64_t end,
		      int cpu_from, int cpu_to);

#endif
