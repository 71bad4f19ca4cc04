#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the cgroup controller knobs and their checks: the
# weighted-fairness check passes cgroup_weight_fairness (cpu.weight 2:1 on
# the same CPUs) under EEVDF and under scx-ktstr's default, and fails it
# under `scx-ktstr --ignore-cgroup-weights` (a global FIFO) with the
# evidence; the bandwidth check passes cgroup_bandwidth (cpu.max 50% of
# one CPU) under EEVDF with the throttling evidence; a scenario file with
# cpu.idle and cpu.max "max" runs and the knobs read back; an isolated
# partition is made; a partition the kernel cannot make is an INFRA error
# naming the knob and what the kernel says; a bad knob value is exit 2
# before anything boots.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN         the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL      the guest kernel (else ktstr's own resolution)
#   KTSTR_SCX         scx-ktstr binary (default ${O:-build}/scx-ktstr, from
#                     `make scheds`); without it the scx tests are skipped
#   CGCTL_TESTS       space-separated subset of test names (default: all)
# Needs jq. Topology 1n2l2c1t, 3 s runs: the checks' tolerances were
# measured at that length (include/ktstr/check.h).
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${CGCTL_TESTS:-}
SCX=$(scx_bin)
TOPO=1n2l2c1t
setup ktstr-cgctltest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   out: ' head -30
	dump err '#   err: ' tail -20
}

details_of() { jqr ".results[0].details[]? | select(.kind==\"$1\") | .msg"; }
state() { echo "rc=$rc ${t}s verdict=$(jqr '.results[0].verdict') details=$(jqr '[.results[0].details[]?.msg] | join(" | ")')"; }
vm() { kt vm --topo $TOPO --duration 3 --json "$WORK/r.json" "$@"; }

# name, verdict, then vm arguments: the weighted-fairness evidence names
# both cgroups with their weight share and measured share
weight_case() {
	name=$1 verdict=$2
	shift 2
	vm "$@" cgroup_weight_fairness
	kind=note
	[ "$verdict" = fail ] && kind=unfair
	good=1
	[ "$(jqr '.results[0].verdict')" = "$verdict" ] &&
		details_of $kind | grep -q 'weighted fairness' &&
		details_of $kind | grep -q 'cg_heavy weight 200: weight share 66.7%, measured' &&
		details_of $kind | grep -q 'cg_light weight 100: weight share 33.3%, measured' &&
		good=0
	check "$name" "$good" "$(state)"
}

if want weight_eevdf; then
	weight_case "cgroup_weight_fairness passes under EEVDF (shares 2:1)" pass
fi

if [ -z "$SCX" ] || [ ! -x "$SCX" ]; then
	want weight_scx && skipped "cgroup_weight_fairness under scx-ktstr" \
		"no scx-ktstr (make scheds)"
	want weight_scx_ignore && skipped "scx-ktstr --ignore-cgroup-weights" \
		"no scx-ktstr (make scheds)"
else
	if want weight_scx; then
		weight_case "cgroup_weight_fairness passes under scx-ktstr's default (vtime scaled by cgroup weight)" \
			pass --scheduler "$SCX"
	fi
	if want weight_scx_ignore; then
		weight_case "cgroup_weight_fairness FAILs under scx-ktstr --ignore-cgroup-weights with the evidence" \
			fail --scheduler "$SCX" --sched-arg --ignore-cgroup-weights
	fi
fi

if want bandwidth_eevdf; then
	vm cgroup_bandwidth
	good=1
	[ "$(jqr '.results[0].verdict')" = pass ] &&
		details_of note | grep -q '^bandwidth: cg_capped used .* under cpu.max 50000 100000 (allowed .*); throttled [1-9][0-9]* of' &&
		good=0
	check "cgroup_bandwidth passes under EEVDF, throttled as evidence" \
		"$good" "$(state)"
fi

if want knobs_file; then
	cat >"$WORK/knobs.json" <<'EOF'
{"name": "knobs", "description": "cpu.idle and an unlimited cpu.max",
 "cgroups": [{"name": "cg_idle", "workers": 1, "cpu.idle": 1,
              "cpu.max": "max 200000"},
             {"name": "cg_w", "workers": 1, "cpu.weight": 50}]}
EOF
	kt vm --topo $TOPO --duration 2 --json "$WORK/r.json" "$WORK/knobs.json"
	good=1
	[ $rc = 0 ] && [ "$(jqr '.results[0].verdict')" = pass ] && good=0
	check "a scenario file with cpu.idle, cpu.max \"max 200000\" and cpu.weight runs (each knob read back)" \
		"$good" "$(state)"
fi

if want partition; then
	# an isolated partition of LLC 0 below the run's cgroup parent (a
	# remote partition: its CPUs are claimed in cpuset.cpus.exclusive
	# down the tree); the read-back proves the kernel made it
	cat >"$WORK/part.json" <<'EOF'
{"name": "part", "description": "an isolated partition",
 "cgroups": [{"name": "cg_part", "workers": 1, "cpuset": {"llc": 0},
              "cpuset.cpus.partition": "isolated"}]}
EOF
	kt vm --topo $TOPO --duration 2 --json "$WORK/r.json" "$WORK/part.json"
	good=1
	[ $rc = 0 ] && [ "$(jqr '.results[0].verdict')" = pass ] && good=0
	check "cpuset.cpus.partition isolated on LLC 0: made (read back)" \
		"$good" "$(state)"
fi

if want partition_refused; then
	# a second root partition of the same CPUs: the kernel takes the
	# write but reads back "root invalid (...)": an INFRA error naming
	# the knob and the kernel's reason
	cat >"$WORK/part2.json" <<'EOF'
{"name": "part2", "description": "two partitions of the same CPUs",
 "cgroups": [{"name": "cg_a", "workers": 1, "cpuset": {"llc": 0},
              "cpuset.cpus.partition": "root"},
             {"name": "cg_b", "workers": 1, "cpuset": {"llc": 0},
              "cpuset.cpus.partition": "root"}]}
EOF
	kt vm --topo $TOPO --duration 2 --json "$WORK/r.json" "$WORK/part2.json"
	good=1
	[ "$(jqr '.results[0].verdict')" = infra ] &&
		jqr '[.results[0].details[]?.msg] | join(" ")' |
		grep -q 'cg_b: wrote cpuset.cpus.partition "root" but it reads "root invalid (' &&
		good=0
	check "a partition the kernel refuses -> INFRA naming the knob and the kernel's reason" \
		"$good" "$(state)"
fi

if want bad_value; then
	printf '{"name": "x", "description": "d", "cgroups": [{"name": "a", "cpu.weight": 0}]}\n' \
		>"$WORK/badw.json"
	kt vm --topo $TOPO --duration 2 "$WORK/badw.json"
	check "cpu.weight 0 -> exit 2 naming the key, nothing booted" \
		"$([ $rc = 2 ] && grep -q 'cpu.weight' "$WORK/err" &&
			! grep -q 'booting' "$WORK/err" "$WORK/out" &&
			echo 0 || echo 1)" "rc=$rc $(cat "$WORK/err")"
	printf '{"name": "x", "description": "d", "cgroups": [{"name": "a", "cpu.max": "500 100000"}]}\n' \
		>"$WORK/badm.json"
	kt vm --topo $TOPO --duration 2 "$WORK/badm.json"
	check "cpu.max quota 500 us -> exit 2 naming the value, nothing booted" \
		"$([ $rc = 2 ] && grep -q 'cpu.max "500 100000": quota 500 us' "$WORK/err" &&
			! grep -q 'booting' "$WORK/err" "$WORK/out" &&
			echo 0 || echo 1)" "rc=$rc $(cat "$WORK/err")"
fi

plan
summary
