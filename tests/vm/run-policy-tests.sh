#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of worker policies and shape on a real kernel:
#  - sched_deadline_mix PASSes under EEVDF and under scx-ktstr: the kernel
#    reports SCHED_DEADLINE for every deadline worker, each got at least
#    70% of its runtime per period (measured), the normal workers ran;
#  - worker_threads PASSes: its threads-mode cgroups list distinct tids
#    in one tgid per cgroup (not a worker's own), one process each;
#  - on the numa preset (2 nodes), numa_mem_policy and a scenario file
#    binding threads-mode Deadline workers' memory to node 1 PASS, with
#    get_mempolicy in each worker reading back what was set; more deadline
#    bandwidth than the kernel admits fails the refused workers, naming
#    the EBUSY of admission control (a FAIL, not an INFRA);
#  - bad values exit 2 before anything boots (a Deadline runtime over
#    its period, a memory policy naming node 1 on a 1-node topology, a
#    pinned Deadline worker).
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN      the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_SCX      scx-ktstr (default next to the binary); without it the
#                  scx-ktstr case is skipped
#   KTSTR_KERNEL   the guest kernel (else ktstr's own resolution)
#   POLICY_TESTS   space-separated subset: eevdf scx numa usage
# Needs jq.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${POLICY_TESTS:-}
SCX=$(scx_bin)
setup ktstr-policytest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   ' tail -40
	dump err '#   ' tail -10
}

# The VM ran its scenarios to a verdict each (exit 0 all passed, 1 one
# failed: each test then judges its own scenario's verdict).
ran() { [ $rc = 0 ] || [ $rc = 1 ]; }

# The scenario result NAME of r.json: jq filter $r bound to it.
res() { jqr "[.results[] | select(.scenario == \"$1\")][0] as \$r | $2"; }

# sched_deadline_mix in r.json: PASS (the check itself asks for 70% of
# the runtime per period, KT_DEFAULT_MIN_DL_RUNTIME_PCT), every Deadline
# worker seen as SCHED_DEADLINE (6) with >= 70% of its runtime per
# period, normal workers ran. Prints what is wrong, nothing when all is right.
deadline_wrong() {
	v=$(res sched_deadline_mix '$r.verdict')
	[ "$v" = pass ] || echo "verdict $v"
	res sched_deadline_mix '
	    ($r.workers | map(select(.policy == "Deadline"))) as $d |
	    ($r.workers | map(select(.policy == "Normal"))) as $n |
	    if ($d | length) != 2 then "\($d | length) deadline workers"
	    elif ($d | map(select(.policy_seen != 6)) | length) > 0
	    then "policy_seen \($d | map(.policy_seen))"
	    elif ($d | map(select(.dl_got_ns < 0.7 * .dl_runtime_ns))
		  | length) > 0
	    then "got per period \($d | map(.dl_got_ns)) ns"
	    elif ($n | length) != 2 or
		 ($n | map(select(.work_units == 0)) | length) > 0
	    then "normal workers \($n | map(.work_units))"
	    else empty end'
}

# "got 4.94 4.93 ms" for the report line.
deadline_got() {
	res sched_deadline_mix '[$r.workers[] | select(.policy == "Deadline")
	    | .dl_got_ns / 1e6 * 100 | round / 100] | map(tostring)
	    | join(" ")'
}

# worker_threads: each threads-mode cgroup shares one tgid (not a
# worker's tid), the two cgroups' processes differ.
threads_wrong() {
	v=$(res worker_threads '$r.verdict')
	[ "$v" = pass ] || echo "verdict $v"
	res worker_threads '
	    def cg($n): [$r.workers[] | select(.cgroup == $n)];
	    def shape($n): cg($n) | {n: length,
		tids: (map(.tid) | unique | length),
		tgids: (map(.tgid) | unique | length),
		own: (map(select(.tid == .tgid)) | length)};
	    [shape("cg_threads"), shape("cg_pipe_threads")] as $s |
	    ([$r.workers[].tgid] | unique | length) as $procs |
	    if $s[0] != {n: 2, tids: 2, tgids: 1, own: 0} or
	       $s[1] != {n: 2, tids: 2, tgids: 1, own: 0}
	    then "threads cgroups \($s[0]) \($s[1])"
	    elif $procs != 2 then "\($procs) processes"
	    else empty end'
}

if want eevdf; then
	kt vm --topo 1n2l2c1t --duration 3 --json "$WORK/r.json" \
		sched_deadline_mix worker_threads
	wrong=$(deadline_wrong)
	check "EEVDF: sched_deadline_mix passes (each Deadline worker got >= 70% of its runtime per period)" \
		"$(ran && [ -z "$wrong" ] && echo 0)" "rc=$rc $wrong"
	echo "# EEVDF: deadline workers got $(deadline_got) ms per 20 ms" \
		"(runtime 5 ms)"
	wrong=$(threads_wrong)
	check "EEVDF: worker_threads passes, one tgid per threads cgroup" \
		"$(ran && [ -z "$wrong" ] && echo 0)" "rc=$rc $wrong"
fi

if want scx; then
	if [ ! -x "$SCX" ]; then
		skipped "scx-ktstr: sched_deadline_mix passes" \
			"no scx-ktstr (make scheds)"
	else
		kt vm --topo 1n2l2c1t --duration 3 --scheduler "$SCX" \
			--json "$WORK/r.json" sched_deadline_mix
		wrong=$(deadline_wrong)
		ext=$(res sched_deadline_mix '[$r.stats[] |
		    select(.cgroup == "cg_normal") | .ext_workers][0]')
		[ "$ext" = 2 ] || wrong="$wrong sched_ext ran $ext normal workers"
		check "scx-ktstr: sched_deadline_mix passes, deadline workers untouched by sched_ext" \
			"$(ran && [ -z "$wrong" ] && echo 0)" \
			"rc=$rc $wrong"
		echo "# scx-ktstr: deadline workers got $(deadline_got) ms" \
			"per 20 ms"
	fi
fi

if want numa; then
	cat >"$WORK/bind.json" <<'EOF'
{"name": "mem_bind_threads", "description": "threads bound to node 1",
 "cgroups": [
  {"name": "cg_bind", "workers": 2, "work": "PageFaultChurn",
   "threads": true, "mem_policy": {"kind": "Bind", "nodes": "1"},
   "policy": {"deadline": {"runtime_us": 4000, "period_us": 20000}}},
  {"name": "cg_n", "workers": 2}]}
EOF
	cat >"$WORK/busy.json" <<'EOF'
{"name": "dl_busy", "description": "more deadline bandwidth than admitted",
 "cgroups": [{"name": "cg_dl", "workers": 8,
   "policy": {"deadline": {"runtime_us": 18000, "period_us": 20000}}}]}
EOF
	kt vm --topo numa --duration 2 --json "$WORK/r.json" \
		numa_mem_policy "$WORK/bind.json" "$WORK/busy.json"
	wrong=$(jqr '[.results[] | select(.scenario != "dl_busy") |
	    select(.verdict != "pass") | "\(.scenario): \(.verdict)"]
	    | join(", ")')
	seen=$(res mem_bind_threads '[$r.workers[] |
	    select(.cgroup == "cg_bind") | "\(.mem_seen)/\(.tgid)"]
	    | unique | join(" ")')
	case $seen in
	"Bind(1)/"[0-9]*) ;;
	*) wrong="$wrong cg_bind read back [$seen]" ;;
	esac
	bad=$(res numa_mem_policy '[$r.workers[] |
	    select(.mem_seen != .mem_policy)] | length')
	[ "$bad" = 0 ] || wrong="$wrong numa_mem_policy: $bad workers differ"
	check "numa: memory policies read back in the guest (Bind(1), Interleave(0-1), Preferred(0))" \
		"$(ran && [ -z "$wrong" ] && echo 0)" "rc=$rc $wrong"	# 8 x 90% of a CPU on 4 CPUs: the kernel admits 4 (95% of each CPU
	# is the default deadline bandwidth), the rest fail to start with
	# the reason; nothing else goes wrong (no INFRA detail).
	wrong=$(res dl_busy '
	    [$r.details[] | select(.kind == "worker") |
	     select(.msg | test("failed to start: sched_setattr Deadline runtime 18000 us deadline 20000 us period 20000 us: EBUSY: deadline admission control refused it"))]
	    | length as $refused |
	    [$r.details[] | select(.kind == "infra")] | length as $infra |
	    [$r.workers[] | select(.policy_seen == 6)] | length as $ran |
	    if $r.verdict != "fail" or $refused == 0 or $infra > 0 or
	       $ran == 0 or $refused + $ran != 8
	    then "verdict \($r.verdict), \($refused) refused, \($ran) ran, \($infra) infra details"
	    else empty end')
	check "numa: Deadline admission refusals fail those workers, naming EBUSY" \
		"$(ran && [ -z "$wrong" ] && echo 0)" "rc=$rc $wrong"
fi

# A scenario file that must exit 2 before anything boots, naming what.
usage_case() {
	label=$1 topo=$2 text=$3 needle=$4
	printf '%s\n' "$text" >"$WORK/bad.json"
	kt vm --topo "$topo" --duration 1 "$WORK/bad.json"
	good=1
	[ $rc = 2 ] && grep -qF "$needle" "$WORK/err" &&
		! grep -q 'booting' "$WORK/err" && good=0
	check "usage: $label exits 2 before boot" "$good" \
		"rc=$rc want: $needle" "$(cat "$WORK/err")"
}

if want usage; then
	H='{"name": "bad", "description": "d", "cgroups": [{"name": "a",'
	usage_case "Deadline runtime over its period" tiny \
		"$H \"policy\": {\"deadline\": {\"runtime_us\": 30000,
		\"period_us\": 10000}}}]}" \
		"runtime 30000000 ns, deadline 10000000 ns, period 10000000 ns: need runtime <= deadline <= period"
	usage_case "memory policy on a missing node" tiny \
		"$H \"mem_policy\": {\"kind\": \"Bind\", \"nodes\": \"1\"}}]}" \
		"memory policy Bind(1): names node 1, but the topology has 1 node"
	usage_case "pinned Deadline workers" tiny \
		"$H \"affinity\": \"SingleCpu\", \"policy\": {\"deadline\":
		{\"runtime_us\": 1000, \"period_us\": 10000}}}]}" \
		"Deadline workers cannot take affinity SingleCpu"
fi

plan
summary
