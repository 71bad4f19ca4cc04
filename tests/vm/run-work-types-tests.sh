#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every work type a scenario file can name runs side by side in a real VM
# (tests/fixtures/scenarios/vm/all_work_types.json) and produces sane
# telemetry: work done and iterations for each kind, wake-latency samples
# for the blocking kinds, none for the pure spinners; MessageWorker's
# request latency percentiles, RtInterference's RT wake samples beside its
# normal members' progress (and alone on one LLC,
# tests/fixtures/scenarios/vm/rt_interference_llc.json), MemBandwidth's
# whole passes. (Custom needs C: its
# telemetry is covered by tests/unit/test_work_types.c.)
# TAP lines and a final "N passed, N failed"; exit 1 on any failure.
#   KTSTR_BIN  the ktstr binary (default ${O:-build}/ktstr)
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN="${KTSTR_BIN:-${O:-build}/ktstr}"
FILE=tests/fixtures/scenarios/vm/all_work_types.json
RTFILE=tests/fixtures/scenarios/vm/rt_interference_llc.json
setup ktstr-wt
need_jq

TMPDIR=$WORK "$BIN" vm --topo 1n2l2c1t --quiet --json "$WORK/r.json" "$FILE" \
	"$RTFILE" >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc = 0 ] && [ "$(jq -r '.results[0].verdict' "$WORK/r.json")" = pass ]; then
	ok "all work types side by side: PASS (nobody starved)"
else
	not_ok "all work types side by side: PASS (rc=$rc)"
	sed 's/^/#   /' "$WORK/out" "$WORK/err" | tail -40
fi

# cgroup name, blocks (1: wake samples expected, 0: none expected)
for spec in spin_wait:0 yield_heavy:1 mixed:1 io_sync_write:1 bursty:1 \
	pipe_io:1 futex_ping_pong:1 futex_fan_out:1 cache_pressure:0 \
	cache_yield:1 cache_pipe:1 sequence:1 fork_exit:1 nice_sweep:1 \
	affinity_churn:1 policy_churn:1 fan_out_compute:1 \
	page_fault_churn:0 mutex_contention:1 message_worker:1 \
	rt_interference:1 mem_bandwidth:0; do
	cg=${spec%:*}
	blocks=${spec#*:}
	s=$(jq -c --arg cg "$cg" '.results[0].stats[]? | select(.cgroup == $cg)' \
		"$WORK/r.json" 2>/dev/null)
	units=$(printf '%s' "$s" | jq -r '.total_work_units // 0' 2>/dev/null)
	iters=$(printf '%s' "$s" | jq -r '.total_iterations // 0' 2>/dev/null)
	wakes=$(printf '%s' "$s" | jq -r '.wake_samples // 0' 2>/dev/null)
	good=1
	if [ "${units:-0}" -gt 0 ] && [ "${iters:-0}" -gt 0 ]; then
		if [ "$blocks" = 1 ] && [ "${wakes:-0}" -gt 0 ]; then
			good=0
		elif [ "$blocks" = 0 ] && [ "${wakes:-0}" = 0 ]; then
			good=0
		fi
	fi
	what="units=${units:-?} iterations=${iters:-?} wake samples=${wakes:-?}"
	if [ $good = 0 ]; then
		ok "$cg: $what"
	else
		not_ok "$cg: $what (wake samples expected: $blocks)"
	fi
done

# jq expression over the cgroup's stats -> "ok" or what is wrong
judge() {
	jq -r --arg cg "$1" ".results[0].stats[]? | select(.cgroup == \$cg) |
		$2" "$WORK/r.json" 2>/dev/null
}

# MessageWorker: request latency p50/p99 present and ordered; a request
# ends after its wake-up, so p99 request >= p50 wake; under the bound the
# fixture sets (1 s; its check ran for the verdict above).
v=$(judge message_worker 'if .request_samples > 0 and
	.p50_request_latency_ns > 0 and
	.p50_request_latency_ns <= .p99_request_latency_ns and
	.p99_request_latency_ns >= .p50_wake_latency_ns and
	.p99_request_latency_ns <= 1000000000 and
	.request_samples <= .wake_samples then "ok" else
	"request \(.request_samples) p50 \(.p50_request_latency_ns) p99 \(.p99_request_latency_ns) wake p50 \(.p50_wake_latency_ns)" end')
if [ "$v" = ok ]; then
	ok "message_worker: request latency p50 <= p99, p99 >= wake p50"
else
	not_ok "message_worker: request latency sane (${v:-no stats})"
fi
# no other kind records request latency
v=$(jq -r '[.results[0].stats[]? | select(.cgroup != "message_worker" and
	.request_samples > 0) | .cgroup] | join(",")' "$WORK/r.json")
if [ -z "$v" ]; then
	ok "request samples only from message_worker"
else
	not_ok "request samples from $v"
fi

# RtInterference: the RT member's wake samples (its sleeps), and the
# normal members' share of the run spent waiting to run is below 100%
# (they progressed beside the FIFO bursts; not_starved judged each).
v=$(judge rt_interference 'if .wake_samples > 100 and .p99_wake_latency_ns > 0
	and .p99_wake_latency_ns < 1000000000 and .spread_on_wait and
	.max_wait_pct < 100 then "ok" else
	"wake \(.wake_samples) p99 \(.p99_wake_latency_ns) wait \(.min_wait_pct)-\(.max_wait_pct)%" end')
if [ "$v" = ok ]; then
	ok "rt_interference: RT wake samples, normal members ran"
else
	not_ok "rt_interference: sane (${v:-no stats})"
fi

# MemBandwidth: a 32 MiB buffer streamed at least once (8 passes of 4096-
# line chunks make one pass: 32 MiB / 64 B = 524288 lines).
v=$(judge mem_bandwidth 'if .total_work_units >= 524288 and
	.total_iterations * 4096 == .total_work_units then "ok" else
	"units \(.total_work_units) iterations \(.total_iterations)" end')
if [ "$v" = ok ]; then
	ok "mem_bandwidth: streamed the whole buffer at least once"
else
	not_ok "mem_bandwidth: sane (${v:-no stats})"
fi

# RtInterference alone on one LLC (2 CPUs, 2 normal spinners + 1 FIFO
# member): PASS means each spinner progressed with no gap over 500 ms and
# the RT member's p99 wake latency stayed under 200 ms; its wake samples
# (the sleeps) are there and the spinners waited some of their run (the
# bursts preempted them) but not most of it.
r1=$(jq -r '.results[1] | "\(.verdict) \(.stats[0].wake_samples // 0) \(.stats[0].max_wait_pct // 0)"' \
	"$WORK/r.json" 2>/dev/null)
set -- $r1
if [ "${1:-}" = pass ] && [ "${2:-0}" -gt 100 ] &&
	awk -v w="${3:-100}" 'BEGIN { exit !(w > 0 && w < 50) }'; then
	ok "rt_interference_llc: PASS, $2 RT wake samples, spinners waited up to $3%"
else
	not_ok "rt_interference_llc: PASS with RT samples (${r1:-no result})"
	jq -c '.results[1] | {verdict, details, stats}' "$WORK/r.json" \
		2>/dev/null | sed 's/^/#   /'
fi

plan
summary
