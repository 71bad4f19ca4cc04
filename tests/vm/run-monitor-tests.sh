#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the host-side monitor (docs/monitor.md) in a 4-vCPU TCG
# guest. One VM runs steady and a scenario file with two steps and a
# max_queue_depth limit of 1: the monitor must sample at least 9 times a
# second per CPU, see runnable tasks on the CPUs while the workers spin,
# see a worker (a tid of the result's workers) current, stamp samples
# with both scenarios and with steps 1 and 2, write its samples into the
# sidecar under "monitor" and turn the file's result FAIL with a monitor
# detail while steady passes. A second VM wedges its userspace
# (--wedge-guest-after): the monitor must report a stall of the wedge's
# spinners and the watchdog end the VM. With scx-ktstr built, a third
# runs it with --stall-after 1: the monitor must see sched_ext's
# nr_running and report idle_runnable stalls. A last one runs --no-monitor. No
# QEMU, temp file or /dev/shm entry is left behind.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
# Needs jq.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
FILE=$(abspath "$(dirname "$0")/../fixtures/scenarios/vm/monitor_limits.json")
TOPO=1n1l4c1t
setup ktstr-montest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   ' tail -20
	dump err '#   ' tail -10
}

shm() { ls -A /dev/shm | grep -ci -e ktstr -e qemu; }
shm0=$(shm)

# -- one VM: steady + the file --
kt vm --topo $TOPO --duration 3 --json "$WORK/r.json" \
	--results "$WORK/res" steady "$FILE"
# rc 1: the file's result fails on its limit (checked below)
check "steady and a scenario file ran in a 4-vCPU guest (rc $rc, ${t}s)" \
	"$([ $rc = 1 ] && [ "$(jqr '.end')" = exit ] && echo 0 || echo 1)" \
	"rc=$rc end=$(jqr '.end')"

rate=$(jqr '.monitor.rate_per_cpu')
if [ "$(jqr '.monitor.enabled')" = true ] &&
	[ "$(jqr '.monitor.cpus')" = 4 ] &&
	awk "BEGIN { exit !($rate >= 9) }"; then
	ok "the monitor sampled $rate times a second per CPU (>= 9)"
else
	not_ok "the monitor samples >= 9/s per CPU" "rate=$rate" \
		"reason=$(jqr '.monitor.reason')"
fi

busy=$(jqr '[.monitor.samples[] | select(.scenario == "steady") | .cpus
	| to_entries[] | select(.value[0] > 0) | .key] | unique | length')
if [ "${busy:-0}" = 4 ]; then
	ok "nr_running > 0 seen on all 4 CPUs while steady's workers spin"
else
	not_ok "nr_running > 0 on every CPU during steady" "CPUs: $busy"
fi

worker=$(jq -r '([.results[] | select(.scenario == "steady")
	| .workers[].tid]) as $w | [.monitor.samples[]
	| select(.scenario == "steady") | .cpus[]
	| select(.[3] as $p | $w | index($p)) | "\(.[4])[\(.[3])]"]
	| unique | join(" ")' "$WORK/r.json" 2>/dev/null)
if [ -n "$worker" ]; then
	ok "steady's workers seen as rq->curr: $worker"
else
	not_ok "a worker seen current" "no sample's curr is a worker tid"
fi

steps=$(jqr '[.monitor.samples[] | select(.scenario == "monitor_limits")
	| .step] | unique | join(",")')
case ",$steps," in
*,1,*2,*)
	ok "samples stamped with monitor_limits's steps ($steps)" ;;
*)
	not_ok "samples stamped with steps 1 and 2" "steps seen: [$steps]" ;;
esac

sv=$(jqr '.results[] | select(.scenario == "steady") | .verdict')
fv=$(jqr '.results[] | select(.scenario == "monitor_limits") | .verdict')
det=$(jqr '[.results[] | select(.scenario == "monitor_limits") | .details[]
	| select(.kind == "monitor") | .msg] | join("; ")')
depth=$(jqr '.monitor.scenarios[] | select(.name == "monitor_limits")
	| .max_queue_depth')
if [ "$sv" = pass ] && [ "$fv" = fail ] &&
	echo "$det" | grep -q "queue depth $depth > max_queue_depth 1"; then
	ok "the file's max_queue_depth 1 failed it on the host ($det); steady passed"
else
	not_ok "host-applied max_queue_depth" "steady=$sv file=$fv" \
		"details=[$det] depth=$depth"
fi

if grep -q '^  monitor: [0-9]* samples/cpu, max queue depth' "$WORK/out" &&
	grep -q 'ktstr vm: monitor: .* samples of 4 CPUs' "$WORK/err"; then
	ok "the report shows the monitor's summary per scenario"
else
	not_ok "the monitor's summary in the report" "no monitor lines"
fi

side=$(ls "$WORK"/res/*.json 2>/dev/null | head -1)
if [ -n "$side" ] &&
	[ "$(jq '.monitor.samples | length' "$side")" -gt 0 ] &&
	[ "$(jq '.report | has("monitor")' "$side")" = false ]; then
	ok "the sidecar holds the samples under \"monitor\""
else
	not_ok "samples in the sidecar" "sidecar: [$side]"
fi

# -- a wedged guest: FIFO-99 spinners on every CPU, init frozen --
kt vm --topo $TOPO --duration 6 --wedge-guest-after 2 --json "$WORK/r.json" \
	steady
hogs=$(jqr '[.monitor.stalls[] | select(.kind == "task_hog"
	and .comm == "ktstr-wedge") | .cpu] | unique | join(",")')
check "a wedged guest: the monitor reports task_hog stalls of the \
wedge's spinners on cpus [$hogs], the watchdog ends the VM (${t}s)" \
	"$([ "$(jqr '.end')" = timeout ] && [ -n "$hogs" ] &&
		grep -q 'monitor: stall task_hog on cpu' "$WORK/err" &&
		echo 0 || echo 1)" \
	"end=$(jqr '.end') stalls=$(jqr '.monitor.stalls | length')"

# -- scx-ktstr stops dispatching: CPUs idle while tasks wait in its queue --
SCX=$(scx_bin)
if [ -x "$SCX" ]; then
	kt vm --topo 1n1l2c1t --duration 6 --scheduler "$SCX" \
		--sched-arg=--stall-after --sched-arg=1 \
		--sched-arg=--timeout-ms --sched-arg=6000 \
		--json "$WORK/r.json" steady
	idle=$(jqr '[.monitor.stalls[] | select(.kind == "idle_runnable"
		and .scenario == "steady") | .cpu] | unique | join(",")')
	scx=$(jqr '[.monitor.samples[].cpus[][1]] | max')
	check "scx-ktstr --stall-after 1: idle_runnable stalls on cpus \
[$idle], scx.nr_running up to $scx (${t}s)" \
		"$([ -n "$idle" ] && [ "${scx:-0}" -gt 0 ] && echo 0 || echo 1)" \
		"rc=$rc stalls=$(jqr '[.monitor.stalls[].kind] | join(",")')"
else
	skipped "scx-ktstr stall seen by the monitor" "no scx-ktstr at $SCX"
fi

# -- --no-monitor --
kt vm --topo 1n1l2c1t --duration 2 --no-monitor --json "$WORK/r.json" steady
check "--no-monitor: no samples, the guest RAM stays private" \
	"$([ $rc = 0 ] && [ "$(jqr '.monitor.enabled')" = false ] &&
		[ "$(jqr '.monitor.samples | length')" = 0 ] &&
		! grep -q 'samples/cpu' "$WORK/out" && echo 0 || echo 1)" \
	"rc=$rc monitor=$(jqr '.monitor.enabled')"

if [ "$(shm)" = "$shm0" ]; then
	ok "nothing left in /dev/shm"
else
	not_ok "nothing left in /dev/shm" "$(ls -A /dev/shm)"
fi

plan
summary
