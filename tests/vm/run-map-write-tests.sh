#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of BPF map writes (docs/map-writes.md) into scx-ktstr, the
# fixture scheduler, on a real kernel:
#   wait_stall   one VM: a file with wait_for_map_write writes .bss stall
#                and crash (0) before any worker (every worker's spawn_ns
#                is after the writes' at_ns), then a file whose step 2
#                writes stall = 1 (WriteMap): SCHED, the watchdog's
#                "runnable task stall"
#   crash_offset one VM: a map the scheduler lacks and a field .bss lacks
#                are INFRA naming what there is; then WriteMap of crash
#                by offset and width (the offset the first VM reported):
#                SCHED "ktstr: injected crash"
#   eevdf        no VM: files with declared writes or a WriteMap op and no
#                --scheduler are exit 2 before boot
#   bad_files    no VM: malformed map writes in a file are exit 2 with
#                FILE:LINE:COLUMN
#   c_tests      KTSTR_TESTs (tests/vm/map_write_ktest.c, built here): a
#                waited write checked by the body itself, a crash written
#                without waiting (expect_err)
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr); its folder
#                 holds libktstr.a and libktstr-test.a for c_tests
#   KTSTR_SCX     scx-ktstr (default next to KTSTR_BIN)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   MW_TESTS      space-separated subset of the names above (default: all)
# Needs jq and a C compiler (c_tests).
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${MW_TESTS:-}
FIX=$(abspath tests/fixtures/map_write)
setup ktstr-mwtest scratch
need_jq
need_bin "ktstr binary"
SCX=$(scx_bin)

not_ok_dump() {
	dump out '#   ' tail -40
	dump err '#   ' tail -10
}

details() { # result index: its details' messages, one a line
	jqr ".results[$1].details[].msg"
}

vm() { # ARGS: one scx-ktstr VM (2 s watchdog), JSON in $WORK/r.json
	kt vm --topo 1n2l2c1t --json "$WORK/r.json" "$@"
}
SCHED_ARGS="--sched-arg=--timeout-ms --sched-arg=2000"

names="wait_stall crash_offset eevdf bad_files c_tests"
if [ -z "$SCX" ] || [ ! -x "$SCX" ]; then
	for tn in $names; do
		want $tn && skipped "$tn" "no scx-ktstr binary (make scheds, or KTSTR_SCX)"
	done
	names=
fi
mw_want() { case " $names " in *" $1 "*) want "$1" ;; *) return 1 ;; esac; }

crash_off=4
if mw_want wait_stall; then
	# shellcheck disable=SC2086
	vm --scheduler "$SCX" $SCHED_ARGS "$FIX/wait_write.json" \
		"$FIX/stall_midrun.json"
	# every worker began after the last declared write
	last=$(jqr '[.results[0].map_writes[].at_ns] | max')
	first=$(jqr '[.results[0].workers[].spawn_ns] | min')
	nw=$(jqr '.results[0].workers | length')
	off=$(jqr '.results[0].map_writes[] | select(.field == "crash") | .offset')
	[ -n "$off" ] && crash_off=$off
	good=1
	[ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '[.results[0].map_writes[] | select(.before_work and .step == 0 and .map == "scx_ktst.bss")] | length')" = 2 ] &&
		[ "${nw:-0}" -ge 2 ] && [ -n "$last" ] && [ -n "$first" ] &&
		[ "$first" -gt "$last" ] &&
		grep -q 'declared, before any worker' "$WORK/out" &&
		good=0
	check "wait_for_map_write: 2 writes at <= ${last:-?} ns, all $nw workers began at >= ${first:-?} ns" \
		"$good" "rc=$rc verdict=$(jqr '.results[0].verdict')" \
		"$(details 0)"
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[1].verdict')" = sched ] &&
		[ "$(jqr '.results[1].map_writes[0].step')" = 2 ] &&
		[ "$(jqr '.results[1].map_writes[0].value')" = 1 ] &&
		[ "$(jqr '.results[1].map_writes[0].old_value')" = 0 ] &&
		details 1 | grep -Eq '^scheduler ejected at \+[0-9.]+s: runnable task stall' &&
		good=0
	check "WriteMap .bss stall = 1 in step 2 -> SCHED runnable task stall (${t}s)" \
		"$good" "rc=$rc verdict=$(jqr '.results[1].verdict')" \
		"$(details 1)"
fi

if mw_want crash_offset; then
	cat >"$WORK/crash.json" <<JSON
{"name": "map_write_crash", "description": "crash = 1 by offset in step 2",
 "duration_s": 8, "backdrop": {"cgroups": [{"name": "cg_0"}]},
 "steps": [{"hold": {"fixed_ms": 1000}},
           {"ops": [{"op": "WriteMap", "map": ".bss", "offset": $crash_off,
                     "width": 4, "value": 1}], "hold": "full"}]}
JSON
	# shellcheck disable=SC2086
	vm --scheduler "$SCX" $SCHED_ARGS "$FIX/no_such_map.json" \
		"$FIX/no_such_field.json" "$WORK/crash.json"
	good=1
	[ "$(jqr '.results[0].verdict')" = infra ] &&
		details 0 | grep -q 'map write nosuch\[0\].knob = 1: map nosuch: no such map among the attached scheduler.s (its struct_ops programs use: .*scx_ktst.bss' &&
		[ "$(jqr '.results[1].verdict')" = infra ] &&
		details 1 | grep -q 'map scx_ktst.bss has no field "no_such_knob" (its fields: .*stall, crash' &&
		good=0
	check "a map and a field the scheduler lacks -> INFRA naming the maps and fields there are" \
		"$good" "rc=$rc" "$(details 0)" "$(details 1)"
	good=1
	# exit 3: the worst verdict of the VM is the INFRA above
	[ $rc = 3 ] && [ "$(jqr '.results[2].verdict')" = sched ] &&
		[ "$(jqr '.results[2].map_writes[0].field')" = "" ] &&
		[ "$(jqr '.results[2].map_writes[0].offset')" = "$crash_off" ] &&
		details 2 | grep -Eq '^scheduler ejected at \+[0-9.]+s: .*ktstr: injected crash' &&
		good=0
	check "WriteMap .bss +$crash_off/4 = 1 (crash) in step 2 -> SCHED ktstr: injected crash (${t}s)" \
		"$good" "rc=$rc verdict=$(jqr '.results[2].verdict')" \
		"$(details 2)"
fi

if mw_want eevdf; then
	# refused on the host before anything boots (the guest's own INFRA
	# "no sched_ext scheduler to write to" stays for `ktstr run` on a host
	# without one)
	vm "$FIX/wait_write.json" "$FIX/stall_midrun.json"
	good=1
	[ $rc = 2 ] && [ $t -lt 5 ] && ! grep -q booting "$WORK/err" &&
		grep -qF "$FIX/wait_write.json writes BPF maps (map_writes or WriteMap) but this run is under EEVDF: give --scheduler" "$WORK/err" &&
		good=0
	vm "$FIX/stall_midrun.json"
	[ $good = 0 ] && [ $rc = 2 ] &&
		grep -qF "$FIX/stall_midrun.json writes BPF maps" "$WORK/err" ||
		good=1
	check "map writes under EEVDF -> exit 2 before boot naming the file and --scheduler" \
		"$good" "rc=$rc ${t}s" "$(tail -2 "$WORK/err")"
fi

bad_case() { # file text, expected message (grep -F)
	printf '%s\n' "$1" >"$WORK/bad.json"
	kt run "$WORK/bad.json"
	good=1
	[ $rc = 2 ] && grep -qF "$2" "$WORK/err" && good=0
	check "bad file: $2" "$good" "rc=$rc" "$(tail -3 "$WORK/err")"
}
if mw_want bad_files; then
	head='{"name": "b", "description": "d", "cgroups": [{"name": "c"}],'
	bad_case "$head \"map_writes\": [{\"map\": \".bss\", \"field\": \"stall\", \"offset\": 4, \"value\": 1}]}" \
		'bad.json:1:112: map_writes[0]: give "field" or "offset" (with "width"), not both'
	bad_case "$head \"map_writes\": [{\"map\": \".bss\", \"offset\": 4, \"width\": 3, \"value\": 1}]}" \
		'map_writes[0]: must be 1, 2, 4 or 8 (bytes), not 3'
	bad_case "$head \"map_writes\": [{\"map\": \".bss\", \"field\": \"stall\", \"width\": 1, \"value\": 256}]}" \
		'map_writes[0]: 256 does not fit 1 bytes'
	bad_case "$head \"wait_for_map_write\": true}" \
		'bad.json:1:63: top level: waits for nothing: give "map_writes"'
	bad_case '{"name": "b", "description": "d", "steps": [{"ops": [{"op": "WriteMap", "map": ".bss", "field": "stall"}]}]}' \
		'steps[0].ops[0]: op WriteMap needs "value"'
fi

if mw_want c_tests; then
	lib=$(dirname "$BIN")
	if ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Iinclude ${MW_CFLAGS:-} \
		-o "$WORK/mw-tests" tests/vm/map_write_ktest.c \
		"$lib/libktstr-test.a" "$lib/libktstr.a" -lbpf -lelf -lz \
		-ljansson -lzstd -lnettle -lm -lpthread \
		${MW_LDFLAGS:--static} >"$WORK/cc" 2>&1; then
		BIN_SAVE=$BIN
		BIN=$WORK/mw-tests
		export KTSTR_MW_SCX="$SCX"
		kt
		BIN=$BIN_SAVE
		good=1
		[ $rc = 0 ] && grep -q '^ok 1 - mw_c_wait$' "$WORK/out" &&
			grep -q '^ok 2 - mw_c_crash$' "$WORK/out" &&
			grep -q '^2 passed, 0 failed$' "$WORK/out" &&
			grep -q 'mw_c_crash: ok (sched, expected an error)' "$WORK/err" &&
			good=0
		check "KTSTR_TEST map writes: waited write before every worker, crash without waiting -> SCHED (${t}s)" \
			"$good" "rc=$rc"
	else
		not_ok "KTSTR_TEST map writes: build tests/vm/map_write_ktest.c" \
			"$(tail -5 "$WORK/cc")"
	fi
fi

plan
summary
