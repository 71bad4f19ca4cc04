#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tests of the KTSTR_TEST runner through ${O:-build}/ktstr-selftest (the
# harness's own tests, tests/ktest/*.c): listing, filters, bad input, the
# TAP lines and summary, JUnit content, expect_err inversion (host probes
# and real VMs), that -j 2 gives the same TAP lines as a serial run, a
# SIGINT mid-run, and that no QEMU process or temp dir of ours remains.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_SELFTEST  the test binary (default ${O:-build}/ktstr-selftest)
#   KTSTR_KERNEL    the guest kernel (else the runner's own resolution)
#   KTEST_TESTS     space-separated subset of groups (default: all):
#                   list bad_input host serial parallel interrupt
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_SELFTEST:-${O:-build}/ktstr-selftest}")
WANT=${KTEST_TESTS:-}
setup ktstr-ktest scratch
need_bin "test binary"

not_ok_dump() {
	dump out '#   out: ' tail -30
	dump err '#   err: ' tail -20
}

res() { [ "$1" = 0 ] && echo 0 || echo 1; }
both() { [ "$1" = 0 ] && [ "$2" = 0 ] && echo 0 || echo 1; }
# Is $2 exactly the content of file $1?
same() { [ "$(cat "$1")" = "$2" ]; }

ALL="steady
mixed_workloads
guest_ctx
stopped_worker
max_gap_1ms
host_ctx
host_verdict_probe
host_expect_err_probe"

# ---- listing and filters ----
if want list; then
	kt --list
	same "$WORK/out" "$ALL"
	check "--list prints every test in registration order" \
		"$(both $? $rc)" "rc=$rc"
	kt --list steady
	same "$WORK/out" "steady"
	check "a substring pattern selects by name" "$(res $?)" "rc=$rc"
	kt --list '*_w*'
	same "$WORK/out" "mixed_workloads
stopped_worker"
	check "a glob pattern matches the whole name" "$(res $?)" "rc=$rc"
	kt --list --filter host mixed
	same "$WORK/out" "mixed_workloads
host_ctx
host_verdict_probe
host_expect_err_probe"
	check "--filter and positional patterns add up, order kept" \
		"$(res $?)" "rc=$rc"
fi

# ---- bad input: exit 2, nothing run, nothing written ----
if want bad_input; then
	kt no_such_test
	check "no matching test -> exit 2 with a message" \
		"$([ $rc = 2 ] && grep -q 'no test matches' "$WORK/err" &&
			[ ! -s "$WORK/out" ] && echo 0 || echo 1)" "rc=$rc"
	kt -j 0 steady
	check "-j 0 -> exit 2" \
		"$([ $rc = 2 ] && grep -q -- '-j' "$WORK/err" && echo 0 || echo 1)" \
		"rc=$rc"
	kt --duration abc steady
	check "--duration abc -> exit 2" "$([ $rc = 2 ] && echo 0 || echo 1)" \
		"rc=$rc"
	kt --bogus
	check "unknown option -> exit 2" "$([ $rc = 2 ] && echo 0 || echo 1)" \
		"rc=$rc"
	kt --kernel "$WORK/no-such-kernel" steady
	check "missing kernel -> exit 2 before booting" \
		"$([ $rc = 2 ] && [ ! -s "$WORK/out" ] && echo 0 || echo 1)" \
		"rc=$rc"
	kt --junit "$WORK/no/such/dir/j.xml" host_verdict_probe
	check "unwritable --junit -> exit 2" \
		"$([ $rc = 2 ] && [ ! -s "$WORK/out" ] && echo 0 || echo 1)" \
		"rc=$rc"
fi

# ---- report paths, through the host probes (no VM) ----
if want host; then
	KTSTR_SELFTEST_VERDICT=fail kt --junit "$WORK/j.xml" -q host_verdict
	good=1
	[ $rc = 1 ] && [ "$(sed -n 1p "$WORK/out")" = "1..1" ] &&
		[ "$(sed -n 2p "$WORK/out")" = "not ok 1 - host_verdict_probe" ] &&
		sed -n 3p "$WORK/out" | grep -q '^# FAIL host_verdict_probe \[topo=' &&
		grep -q '^#   probe: unfair <cg_0> & "cg_1"$' "$WORK/out" &&
		[ "$(tail -n 1 "$WORK/out")" = "0 passed, 1 failed" ] &&
		grep -q 'tests="1" failures="1" errors="0" skipped="0"' \
			"$WORK/j.xml" &&
		grep -q '<failure message="probe: unfair &lt;cg_0&gt; &amp; &quot;cg_1&quot;" type="fail">' \
			"$WORK/j.xml" &&
		grep -q '^</testsuite>$' "$WORK/j.xml" && good=0
	check "a failure: not ok, the report as # lines, exit 1, JUnit <failure>" \
		"$good" "rc=$rc"

	KTSTR_SELFTEST_VERDICT=skip kt --junit "$WORK/j.xml" -q host_verdict
	same "$WORK/out" "1..1
ok 1 - host_verdict_probe # SKIP probe: skipped on request
0 passed, 0 failed, 1 skipped" && [ $rc = 0 ] &&
		grep -q 'tests="1" failures="0" errors="0" skipped="1"' \
			"$WORK/j.xml" &&
		grep -q '<skipped message="probe: skipped on request"/>' \
			"$WORK/j.xml"
	check "a skip: # SKIP reason, ', 1 skipped', exit 0, JUnit <skipped>" \
		"$(res $?)" "rc=$rc"

	KTSTR_SELFTEST_VERDICT=error kt --junit "$WORK/j.xml" -q host_verdict
	[ $rc = 3 ] && grep -q '^not ok 1 - host_verdict_probe$' "$WORK/out" &&
		grep -q '^#   scenario host_verdict_probe: probe: error on request$' \
			"$WORK/out" &&
		grep -q 'failures="0" errors="1"' "$WORK/j.xml" &&
		grep -q '<error message=' "$WORK/j.xml"
	check "a body error: INFRA, exit 3, JUnit <error>" "$(res $?)" "rc=$rc"

	kt -q host_expect_err_probe
	same "$WORK/out" "1..1
ok 1 - host_expect_err_probe
1 passed, 0 failed" && [ $rc = 0 ]
	check "expect_err: a failing run passes" "$(res $?)" "rc=$rc"
	KTSTR_SELFTEST_VERDICT=sched kt -q host_expect_err_probe
	grep -q '^ok 1 - host_expect_err_probe$' "$WORK/out" && [ $rc = 0 ]
	check "expect_err: a SCHED verdict passes too" "$(res $?)" "rc=$rc"
	KTSTR_SELFTEST_VERDICT=pass kt -q host_expect_err_probe
	[ $rc = 1 ] && grep -q '^not ok 1 - host_expect_err_probe$' "$WORK/out" &&
		grep -q '^# expected an error, but the test passed$' "$WORK/out" &&
		grep -q '^0 passed, 1 failed$' "$WORK/out"
	check "expect_err: a passing run fails with 'expected an error'" \
		"$(res $?)" "rc=$rc"
	KTSTR_SELFTEST_VERDICT=error kt -q host_expect_err_probe
	[ $rc = 3 ] && grep -q '^not ok 1 - host_expect_err_probe$' "$WORK/out" &&
		grep -q '^# infrastructure failure (not the expected error)$' \
			"$WORK/out"
	check "expect_err: INFRA is never inverted" "$(res $?)" "rc=$rc"

	kt -q host_ctx
	grep -q '^ok 1 - host_ctx$' "$WORK/out" && [ $rc = 0 ]
	check "host_only test runs on the host with its ctx" "$(res $?)" \
		"rc=$rc"
fi

# ---- every test, serially, then with -j 2 ----
if want serial || want parallel; then
	kt --junit "$WORK/serial.xml"
	cp "$WORK/out" "$WORK/serial.out"
	cp "$WORK/err" "$WORK/serial.err"
	good=1
	[ $rc = 0 ] && [ "$(grep -c '^ok ' "$WORK/out")" = 8 ] &&
		grep -q '^1\.\.8$' "$WORK/out" &&
		[ "$(tail -n 1 "$WORK/out")" = "8 passed, 0 failed" ] && good=0
	check "serial: every selftest passes, summary '8 passed, 0 failed'" \
		"$good" "rc=$rc"
	grep -q 'stopped_worker: ok (fail, expected an error)' "$WORK/err" &&
		grep -q 'max_gap_1ms: ok (fail, expected an error)' "$WORK/err" &&
		grep -q 'steady: ok (pass)' "$WORK/err"
	check "serial: the expect_err VM tests failed for real and passed" \
		"$(res $?)"
	good=1
	grep -q '<testsuite name="ktstr-selftest" tests="8" failures="0" errors="0" skipped="0"' \
		"$WORK/serial.xml" &&
		[ "$(grep -c '<testcase ' "$WORK/serial.xml")" = 8 ] &&
		grep -q '<testcase name="guest_ctx" classname="ktstr-selftest" time="[0-9.]*"/>' \
			"$WORK/serial.xml" && good=0
	check "serial: JUnit has 8 testcases and the counts" "$good"
fi
if want parallel; then
	kt -j 2 --junit "$WORK/par.xml"
	diff "$WORK/serial.out" "$WORK/out" >"$WORK/diff" 2>&1
	check "-j 2: the same TAP lines and summary as serial" \
		"$(both $? $rc)" "rc=$rc" \
		"$(cat "$WORK/diff")"
	# Two VMs ran at once: the second progress line is a start too.
	grep -v '^ktstr: ' "$WORK/err" | sed -n 2p | grep -q ': started ('
	check "-j 2: two VMs started before the first finished" "$(res $?)" \
		"$(head -n 4 "$WORK/err")"
fi

# ---- SIGINT mid-run: exit 130, the VM and its temp dir gone ----
if want interrupt; then
	TMPDIR=$SCRATCH "$BIN" steady >"$WORK/out" 2>"$WORK/err" &
	pid=$!
	i=0
	while [ -z "$(our_qemu)" ] && [ $i -lt 100 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	sleep 2
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc = 130 ] && grep -q '^not ok 1 - steady$' "$WORK/out" &&
		grep -q 'interrupted' "$WORK/out"
	check "SIGINT: exit 130, the test reported interrupted" "$(res $?)" \
		"rc=$rc"
fi

summary
