#!/bin/sh
# Run cmocka unit-test binaries one by one and close with the summary line
# "N passed, N failed" (after a "# N skipped" line when tests skipped).
# Exits non-zero when any test failed or a binary crashed.
#   scripts/run-unit-tests.sh [BINARY...]
# Without arguments: every ${O:-build}/tests/test_*. KTSTR_BIN (the ktstr
# command some tests run) defaults to ${O:-build}/ktstr.
#
# Each binary runs with CMOCKA_MESSAGE_OUTPUT=TAP and its standard output
# (the TAP) is counted; its standard error goes through untouched. As
# libcmocka 1.1.x (Debian 12) writes it, per test group:
#   1..N                      the group's plan
#   ok K - NAME               passed
#   not ok K - NAME           failed, followed by "# ..." diagnostics
#   not ok K # SKIP NAME      skipped (cmocka 1.1 says "not ok" for skips)
#   not ok 0 - GROUP [  FAILED  ] GROUP SETUP   the group setup failed
#   # ok - GROUP / # not ok - GROUP            the group's end
# A binary whose output stops before a group's end (a crash, an exit in
# the middle) or that exits non-zero with no failed test counts as one
# failure.
set -u
build=${O:-build}

if [ $# -eq 0 ]; then
	cd "$(dirname "$0")/.." || exit 1
	set -- "$build"/tests/test_*
fi
if [ -z "${KTSTR_BIN:-}" ]; then
	KTSTR_BIN=$(pwd)/$build/ktstr
	case $build in /*) KTSTR_BIN=$build/ktstr ;; esac
	export KTSTR_BIN
fi

tap=$(mktemp "${TMPDIR:-/tmp}/ktstr-unit.XXXXXX") || exit 1
trap 'rm -f "$tap"' EXIT

# The TAP of one binary -> "passed failed skipped plans ends" on stdout.
count_tap() {
	awk '
	/^1\.\.[0-9]+$/ { plans++; next }
	/^# (not )?ok - / { ends++; next }
	/^(not )?ok [0-9]+ # SKIP/ { skipped++; next }
	/^ok [0-9]+/ { passed++; next }
	/^not ok [0-9]+/ { failed++; next }
	END { printf "%d %d %d %d %d\n", passed, failed, skipped, plans, ends }
	' "$1"
}

passed=0
failed=0
skipped=0
for t in "$@"; do
	echo "# $t"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$tap"
	rc=$?
	cat "$tap"
	read -r p f s plans ends <<-EOF
		$(count_tap "$tap")
	EOF
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$plans" -eq 0 ] || [ "$plans" -ne "$ends" ]; then
		# Crashed or stopped before the end of a group.
		echo "$t: exited with status $rc without a test summary"
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited with status $rc although no test failed"
		failed=$((failed + 1))
	fi
done
[ "$skipped" -gt 0 ] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
