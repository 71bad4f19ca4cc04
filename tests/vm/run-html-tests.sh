#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the run's picture (`ktstr vm --html FILE`, docs/timeline.md):
# the page of a FAILING run (scx-ktstr holding back cg_1's tasks: a FAIL,
# at the evidence or at the end, with the held workers' gaps past the
# limit) and of a passing run of two scenarios (one with steps), each
# checked twice (and the page of a run whose scheduler is ejected mid-run
# for its marker):
#   - its structure: a section per scenario, one lane per worker of the
#     result JSON (its "workers" and "lanes.workers"), gap boxes where the
#     JSON has gaps, step and verdict markers, nothing fetched, no script;
#   - in a real browser: headless Chromium takes a screenshot and
#     png_lanes.py decodes it: not blank (non-white pixels, colours), and
#     the lanes present (one horizontal band of lane colours per worker,
#     the on-CPU colour, the gap colour in the failing run).
# Where Chromium is not installed the screenshot checks are skipped with
# that reason (likewise without python3, which decodes the screenshot);
# without the scx-ktstr fixture the failing run is skipped.
# A bad --html path is refused before anything boots (exit 2).
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN       the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_SCX       the scx-ktstr fixture (default: next to KTSTR_BIN)
#   KTSTR_CHROMIUM  the browser (default: chromium on PATH)
#   KTSTR_KERNEL    the guest kernel (else ktstr's own resolution)
#   HTML_TESTS      space-separated subset: bad_path fail sched pass
# Needs jq.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
SCX=$(scx_bin)
PNG=$(abspath "$(dirname "$0")/png_lanes.py")
WANT=${HTML_TESTS:-}
CHROMIUM=${KTSTR_CHROMIUM:-$(command -v chromium || true)}
setup ktstr-htmltest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   ' tail -20
	dump err '#   ' tail -10
}

# count FILE PATTERN: lines of grep -o (occurrences)
count() { grep -o "$2" "$1" | wc -l | tr -d ' '; }

# The structure of page $1 against $WORK/r.json: sections, lanes, gaps.
# Prints what is wrong (nothing when all is right).
structure() {
	page=$1 want_sections=$(jqr '.results | length')
	want_lanes=$(jqr '[.results[].workers | length] | add')
	want_lanes2=$(jqr '[.results[].lanes.workers | length] | add')
	want_gaps=$(jqr '[.results[].lanes.workers[].gaps | length] | add')
	[ -s "$page" ] || { echo "no page at $page"; return; }
	[ "$(count "$page" '<section ')" = "$want_sections" ] ||
		echo "sections $(count "$page" '<section ') != results $want_sections"
	[ "$(count "$page" '<g class="lane"')" = "$want_lanes" ] ||
		echo "lanes $(count "$page" '<g class="lane"') != workers $want_lanes"
	[ "$want_lanes" = "$want_lanes2" ] ||
		echo "JSON: workers $want_lanes != lanes.workers $want_lanes2"
	[ "$(count "$page" '<rect class="gap"')" = "$want_gaps" ] ||
		echo "gap boxes $(count "$page" '<rect class="gap"') != JSON gaps $want_gaps"
	[ "$(count "$page" '<g class="verdict-at"')" = "$want_sections" ] ||
		echo "verdict markers: $(count "$page" '<g class="verdict-at"')"
	grep -Eq '<script|src=|href=|url\(|https?:' "$page" &&
		echo "the page fetches something or has a script"
	tail -c 8 "$page" | grep -q '</html>' || echo "the page is cut short"
}

# shot PAGE PNG: a screenshot as tall as the page's pictures; sets $shot to
# png_lanes.py's line (empty when Chromium failed; $WORK/chrome.err says)
shot() {
	h=$(grep -o '<svg width="[0-9]*" height="[0-9]*"' "$1" |
		sed 's/.*height="//; s/"//' | awk '{ s += $1 + 240 } END { print s + 120 }')
	rm -f "$2"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir="$WORK/chrome" \
		--screenshot="$2" --window-size=1280,"$h" "file://$1" \
		>"$WORK/chrome.err" 2>&1
	shot=
	[ -s "$2" ] && shot=$(python3 "$PNG" "$2" 2>>"$WORK/chrome.err")
}

# v KEY: the value of KEY in $shot
v() { printf '%s\n' "$shot" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# browser NAME PAGE LANES NEED_GAP: the screenshot checks of one page
browser() {
	if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then
		skipped "$1" "${CHROMIUM:+no browser at $CHROMIUM: }chromium is not installed (scripts/install-deps.sh installs Debian's chromium)"
		return
	fi
	if ! command -v python3 >/dev/null; then
		skipped "$1" "python3 is not installed (png_lanes.py reads the screenshot)"
		return
	fi
	shot "$2" "${2%.html}.png"
	good=1
	[ -n "$shot" ] && [ "$(v bands)" = "$3" ] &&
		[ "$(v nonwhite)" -gt 20000 ] && [ "$(v colours)" -gt 8 ] &&
		[ "$(v oncpu)" -gt 2000 ] && [ "$(v verdict)" -gt 20 ] &&
		{ [ "$4" = 0 ] || [ "$(v gap)" -gt 500 ]; } && good=0
	check "$1: ${shot:-no screenshot}" "$good" \
		"want $3 bands (one per lane)$([ "$4" = 1 ] && echo ', gap pixels')" \
		"$(tail -3 "$WORK/chrome.err" 2>/dev/null)"
}

if want bad_path; then
	kt vm --topo 1n2l2c1t --duration 2 --html /nonexistent-ktstr-dir/run.html steady
	good=1
	[ $rc = 2 ] && [ $t -lt 10 ] &&
		grep -q -- '--html /nonexistent-ktstr-dir/run.html: directory /nonexistent-ktstr-dir does not exist' "$WORK/err" &&
		good=0
	check "--html in a missing directory: exit 2 before boot (${t}s)" "$good" "rc=$rc"
	kt vm --topo 1n2l2c1t --duration 2 --html "$WORK" steady
	good=1
	[ $rc = 2 ] && grep -q 'is a directory; name a file' "$WORK/err" && good=0
	check "--html naming a directory: exit 2 before boot" "$good" "rc=$rc"
	kt vm --runs 2 --results "$WORK/res" --html "$WORK/x.html" steady
	good=1
	[ $rc = 2 ] && [ ! -e "$WORK/x.html" ] && good=0
	check "--runs 2 with --html: exit 2 (one picture per VM)" "$good" "rc=$rc"
	kt run --html /nonexistent-ktstr-dir/run.html steady
	good=1
	[ $rc = 2 ] && grep -q 'does not exist' "$WORK/err" && good=0
	check "ktstr run --html in a missing directory: exit 2 before running" "$good" "rc=$rc"
fi

if want fail; then
	if [ ! -x "$SCX" ]; then
		skipped "failing run's page" "no scx-ktstr fixture (make scheds)"
	else
		page=$WORK/fail.html
		kt vm --topo 1n2l2c1t --duration 3 --scheduler "$SCX" \
			--sched-arg=--starve-cgroup --sched-arg=cg_1 \
			--json "$WORK/r.json" --html "$page" steady
		lanes=$(jqr '.results[0].workers | length')
		first=$(jqr '[.results[0].details[] | select(.kind != "note") | .msg][0]')
		over=$(count "$page" 'data-over-limit="1"')
		why=$(structure "$page")
		good=1
		[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
			[ -z "$why" ] && [ "${lanes:-0}" -ge 4 ] && [ "$over" -ge 2 ] &&
			grep -q '<span class="v v-fail">FAIL</span>' "$page" &&
			grep -qF "<th>first evidence</th><td>$first</td>" "$page" &&
			grep -q '<text [^>]*>verdict FAIL' "$page" &&
			grep -q "ktstr vm: timeline $page" "$WORK/err" && good=0
		check "failing run (cg_1 starved): page has $lanes lanes, $over gaps past the limit, the FAIL header ($first) and the verdict marker ($(wc -c <"$page" 2>/dev/null) bytes, ${t}s)" \
			"$good" "rc=$rc verdict=$(jqr '.results[0].verdict')" "$why"
		browser "failing run in headless Chromium" "$page" "$lanes" 1
	fi
fi

if want sched; then
	if [ ! -x "$SCX" ]; then
		skipped "ejected scheduler's page" "no scx-ktstr fixture (make scheds)"
	else
		# the crash comes about 3.6 s into the scenario (it starts a few
		# tenths of a second after the scheduler)
		page=$WORK/sched.html
		kt vm --topo 1n2l2c1t --duration 5 --scheduler "$SCX" \
			--sched-arg=--crash-after --sched-arg=4 \
			--json "$WORK/r.json" --html "$page" steady
		why=$(structure "$page")
		gone=$(jqr '.results[0].lanes.sched_gone_us')
		good=1
		[ "$rc" = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
			[ -z "$why" ] && [ "$(jqr '.results[0].lanes.verdict_at')" = scheduler ] &&
			[ "$(count "$page" '<g class="sched-gone"')" = 1 ] &&
			grep -q 'verdict SCHED (the scheduler went)' "$page" && good=0
		check "ejected scheduler (scx_bpf_error): the scheduler's end marked at +${gone:-?}us, the verdict with it" \
			"$good" "rc=$rc verdict=$(jqr '.results[0].verdict')" "$why"
	fi
fi

if want pass; then
	page=$WORK/pass.html
	kt vm --topo 1n2l2c1t --duration 2 --json "$WORK/r.json" \
		--html "$page" steady ops_cpuset_swap
	lanes=$(jqr '[.results[].workers | length] | add')
	why=$(structure "$page")
	good=1
	[ $rc = 0 ] && [ "$(jqr '[.results[].verdict] | unique | join(",")')" = pass ] &&
		[ -z "$why" ] && [ "$(jqr '.results | length')" = 2 ] &&
		[ "$(count "$page" '<g class="step"')" -ge 1 ] &&
		[ "$(count "$page" '<span class="v v-pass">PASS</span>')" = 2 ] &&
		good=0
	check "passing run of 2 scenarios: a section each, $lanes lanes, $(count "$page" '<g class="step"') step markers ($(wc -c <"$page" 2>/dev/null) bytes, ${t}s)" \
		"$good" "rc=$rc verdicts=$(jqr '[.results[].verdict] | join(",")')" "$why"
	browser "passing run in headless Chromium" "$page" "$lanes" 0
fi

plan
summary
