#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of binary payloads (RunPayload, WaitPayload, KillPayload): each
# payload kind the host has runs in a VM through its catalog scenario
# (payload_stress_ng, payload_cyclictest, payload_rt_app) and its parsed
# metrics are asserted sane from the result JSON; stress-ng also runs under
# the fixture scheduler scx-ktstr. A scenario file whose payload program
# does not exist is exit 2 before anything boots; in one more VM a payload
# that exits non-zero FAILs with its output's tail, a metric outside its
# bound FAILs, and a payload stopped by KillPayload does not.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN      the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_SCX      scx-ktstr (default next to ktstr, or ${O:-build}/scx-ktstr)
#   KTSTR_KERNEL   the guest kernel (else ktstr's own resolution)
#   PAYLOAD_TESTS  space-separated subset of test names (default: all)
# Needs jq; the payloads need stress-ng, rt-tests and rt-app on the host
# (scripts/install-deps.sh): a missing one is a SKIP saying so.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${PAYLOAD_TESTS:-}
SCX=$(scx_bin)
TOPO=1n2l2c1t
setup ktstr-payloadtest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   ' tail -30
	dump err '#   ' tail -10
}

# metric VALUE of payload P's metric M in result 0, or empty
metric() {
	jqr "[.results[0].metrics[]? | select(.payload == \"$1\" and .metric == \"$2\") | .value][0] // empty"
}

# name, scenario, program, extra ktstr args, the awk condition over the
# metric values given as NAME=payload:metric pairs
payload_case() {
	name=$1 scen=$2 prog=$3 extra=$4 condition=$5
	shift 5
	want "$name" || return 0
	if ! command -v "$prog" >/dev/null; then
		skipped "$name" "no $prog on this host (scripts/install-deps.sh)"
		return 0
	fi
	# shellcheck disable=SC2086 # extra is a word list
	kt vm --topo $TOPO --duration 3 $extra --json "$WORK/r.json" "$scen"
	vals= args=
	for pm in "$@"; do
		var=${pm%%=*} pl=${pm#*=}
		v=$(metric "${pl%%:*}" "${pl#*:}")
		vals="$vals $var=$v"
		args="$args -v $var=${v:-nan}"
	done
	good=1
	# shellcheck disable=SC2086 # args are -v pairs
	[ $rc = 0 ] && [ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.results[0].skip_reason // empty')" = "" ] &&
		awk $args "BEGIN { exit !($condition) }" &&
		grep -q '^--- payload metrics ---' "$WORK/out" && good=0
	check "$name" $good "rc=$rc verdict=$(jqr '.results[0].verdict')" \
		"metrics:$vals" "wanted: $condition" \
		"details: $(jqr '[.results[0].details[].msg] | join("; ")')"
}

payload_case stress_ng payload_stress_ng stress-ng "" \
	'bogo > 0 && ops >= 1 && cpu > 0' \
	bogo=stress:cpu.bogo_ops_s ops=stress:cpu.bogo_ops \
	cpu=stress:cpu.bogo_ops_s_cpu
# latencies in us: ordered, positive, below a second at p99
payload_case cyclictest payload_cyclictest cyclictest "" \
	'n >= 10 && lo >= 0 && lo <= avg && avg <= hi && p99 <= hi && hi > 0 && p99 > 0 && p99 < 1000000' \
	n=cyclic:samples lo=cyclic:latency_min_us avg=cyclic:latency_avg_us \
	hi=cyclic:latency_max_us p99=cyclic:latency_p99_us
# 1 s of 10 ms periods per thread; wake-up latency positive, max >= avg
payload_case rt_app payload_rt_app rt-app "" \
	'p0 >= 10 && p1 >= 10 && w0 > 0 && m0 >= w0 && m0 < 1000000 && s0 <= 10000' \
	p0=rtapp:periodic-0.periods p1=rtapp:periodic-1.periods \
	w0=rtapp:periodic-0.wu_lat_avg_us m0=rtapp:periodic-0.wu_lat_max_us \
	s0=rtapp:periodic-0.slack_avg_us

if [ -x "$SCX" ]; then
	payload_case stress_ng_scx payload_stress_ng stress-ng \
		"--scheduler $SCX" 'bogo > 0 && ops >= 1' \
		bogo=stress:cpu.bogo_ops_s ops=stress:cpu.bogo_ops
else
	want stress_ng_scx &&
		skipped stress_ng_scx "no scx-ktstr binary (make scheds, or KTSTR_SCX)"
fi

want schbench && skipped schbench \
	"schbench is not packaged in Debian and this host has no network: its parser is unit-tested on its documented format (test_payload_parse)"

# A payload program that does not exist: exit 2 naming it, nothing boots.
if want missing; then
	cat >"$WORK/missing.json" <<'JSON'
{"name": "payload_missing", "description": "a payload nobody installed",
 "backdrop": {"ops": [{"op": "AddCgroup", "cgroup": "p"}]},
 "steps": [{"ops": [{"op": "RunPayload", "cgroup": "p", "name": "x",
                     "program": "ktstr-no-such-payload"}]}]}
JSON
	kt vm --topo $TOPO --duration 2 "$WORK/missing.json"
	good=1
	[ $rc = 2 ] && grep -q 'ktstr-no-such-payload' "$WORK/err" &&
		grep -q 'install' "$WORK/err" &&
		! grep -q 'booting' "$WORK/err" && [ "$t" -lt 10 ] && good=0
	check missing $good "rc=$rc after ${t}s" "stderr: $(cat "$WORK/err")"
fi

# A payload exiting 3 FAILs with its output; a bound outside FAILs; a
# payload stopped by KillPayload is a note, not a failure.
if want nonzero && command -v stress-ng >/dev/null; then
	cat >"$WORK/bad.json" <<'JSON'
{"name": "payload_bad", "description": "a failing payload, a bound, a kill",
 "backdrop": {"ops": [{"op": "AddCgroup", "cgroup": "p"}]},
 "steps": [
  {"ops": [
    {"op": "RunPayload", "cgroup": "p", "name": "bad", "program": "sh",
     "args": ["-c", "echo line-one; echo boom-marker >&2; exit 3"]},
    {"op": "RunPayload", "cgroup": "p", "name": "sleeper",
     "program": "sleep", "args": ["60"]},
    {"op": "RunPayload", "cgroup": "p", "name": "stress",
     "program": "stress-ng", "kind": "stress-ng",
     "args": ["--cpu", "1", "--timeout", "1"],
     "bounds": {"cpu.bogo_ops_s": {"max": 0.001}}}],
   "hold": {"fixed_ms": 1500}},
  {"ops": [{"op": "KillPayload", "name": "sleeper"},
           {"op": "WaitPayload", "name": "bad"},
           {"op": "WaitPayload", "name": "stress"}],
   "hold": {"fixed_ms": 10}}]}
JSON
	kt vm --topo $TOPO --duration 3 --json "$WORK/r.json" "$WORK/bad.json"
	pdet() { jqr "[.results[0].details[] | select(.kind == \"payload\") | .msg] | join(\"|\")"; }
	d=$(pdet)
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		case $d in *"payload bad (sh) exited with status 3"*boom-marker*) true ;; *) false ;; esac &&
		case $d in *"cpu.bogo_ops_s"*"above its maximum 0.001"*) true ;; *) false ;; esac &&
		case $d in *sleeper*) false ;; *) true ;; esac &&
		[ -n "$(jqr '.results[0].details[] | select(.kind == "note") | .msg | select(test("payload sleeper .*stopped"))')" ] &&
		grep -q 'boom-marker' "$WORK/out" && good=0
	check nonzero $good "rc=$rc verdict=$(jqr '.results[0].verdict')" \
		"payload details: $d"
fi

plan
summary
