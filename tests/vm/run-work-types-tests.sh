#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every work type a scenario file can name runs side by side in a real VM
# (tests/fixtures/scenarios/vm/all_work_types.json) and produces sane
# telemetry: work done and iterations for each kind, wake-latency samples
# for the blocking kinds, none for the pure spinners. (Custom needs C: its
# telemetry is covered by tests/unit/test_work_types.c.)
# TAP lines and a final "N passed, N failed"; exit 1 on any failure.
#   KTSTR_BIN  the ktstr binary (default ${O:-build}/ktstr)
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN="${KTSTR_BIN:-${O:-build}/ktstr}"
FILE=tests/fixtures/scenarios/vm/all_work_types.json
setup ktstr-wt
need_jq

TMPDIR=$WORK "$BIN" vm --topo 1n2l2c1t --quiet --json "$WORK/r.json" "$FILE" \
	>"$WORK/out" 2>"$WORK/err"
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
	page_fault_churn:0 mutex_contention:1; do
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

plan
summary
