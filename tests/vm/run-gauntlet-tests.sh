#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the gauntlet and of results directories: bad input is exit 2
# before anything boots; the shards of a plan (and of docs/ci's workflow)
# partition it; --work-type reaches the guest's workers; a small
# gauntlet under EEVDF writes a sidecar per VM, the matrix and a JUnit
# file; stats reads the directory; replay reruns one sidecar and refuses
# one whose kernel changed; compare finds nothing between a directory and
# itself and, with scx-ktstr, flags the slow profile against the default
# naming the metric and the p-value. No QEMU and no temp dir of ours may
# remain after any test.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN       the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_SCX       scx-ktstr binary, with scx-ktstr.json beside it
#                   (default ${O:-build}/scx-ktstr); without it the compare
#                   test with scx-ktstr is skipped
#   GAUNTLET_TESTS  space-separated subset of test names (default: all)
# Needs jq. Short durations on 1n1l2c1t and 1n2l2c1t: TCG-friendly.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${GAUNTLET_TESTS:-}
SCX=$(abspath "${KTSTR_SCX:-${O:-build}/scx-ktstr}")
setup ktstr-gauntlettest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   out: ' tail -30
	dump err '#   err: ' tail -20
	# the evidence of any VM that did not pass
	for l in "$WORK"/*/logs/*.log; do
		[ -f "$l" ] && ! grep -q '^PASS ' "$l" &&
			sed "s|^|#   ${l##*/}: |" "$l" | grep -v '^#.*: ktstr: ' | head -20
	done
}

# The subject of these tests is the gauntlet's plumbing, not the verdict
# of a 1-2 s scenario (the catalog and soak judge those): a VM counts when
# it ended with a scheduler verdict, PASS or FAIL, and not INFRA.
verdict_ok() { [ "$1" = 0 ] || [ "$1" = 1 ]; }

if want bad_input; then
	res=0
	for args in "--presets nope" "--shard 4/3" "--profiles slow" \
		"--budget 1s" "--work-types Nope" "--kernel /nonexistent"; do
		# shellcheck disable=SC2086 # word splitting wanted
		kt gauntlet $args --results "$WORK/bad" steady
		if [ $rc != 2 ] || [ -e "$WORK/bad" ]; then
			res=1
			echo "# gauntlet $args: rc=$rc"
		fi
	done
	kt compare "$WORK/none" "$WORK/none2"
	[ $rc = 2 ] && grep -q 'none' "$WORK/err" || res=1
	kt replay "$WORK/none.json"
	[ $rc = 2 ] || res=1
	check "bad input to gauntlet, compare and replay -> exit 2, nothing boots" "$res"
fi

# The union of shards 1/3, 2/3 and 3/3 of a plan of every preset that fits
# times four work types is the plan.
if want shards; then
	kt gauntlet -n --presets all --work-types none,SpinWait,Mixed,Bursty \
		--duration 1 --budget 10h steady
	grep '^  run ' "$WORK/out" | sort >"$WORK/all"
	: >"$WORK/union"
	for k in 1 2 3; do
		kt gauntlet -n --presets all --work-types none,SpinWait,Mixed,Bursty \
			--duration 1 --budget 10h --shard $k/3 steady
		grep '^  run ' "$WORK/out" >>"$WORK/union"
	done
	sort "$WORK/union" >"$WORK/union.s"
	all=$(wc -l <"$WORK/all")
	check "shards 1/3..3/3 partition the $all variants (no overlap, none missing)" \
		"$([ "$all" -ge 24 ] && cmp -s "$WORK/all" "$WORK/union.s" &&
			[ "$(uniq -d "$WORK/union.s" | wc -l)" = 0 ] &&
			echo 0 || echo 1)" "all=$all union=$(wc -l <"$WORK/union")"
fi

# docs/ci/ktstr-gauntlet.yml: its GAUNTLET_ARGS make a valid plan, and its
# four shards partition it.
if want ci_workflow; then
	if [ ! -f "$SCX.json" ]; then
		skipped "docs/ci workflow's gauntlet arguments" "no $SCX.json (make scheds)"
	else
		args=$(awk '/^  GAUNTLET_ARGS: >-$/ {on = 1; next}
			on && /^    / {printf "%s ", $0; next} {on = 0}' \
			"$(dirname "$0")/../../docs/ci/ktstr-gauntlet.yml" |
			sed "s|build/scx-ktstr.json|$SCX.json|")
		# shellcheck disable=SC2086 # word splitting wanted
		kt gauntlet -n $args
		grep '^  run ' "$WORK/out" | sort >"$WORK/all"
		good=$rc
		: >"$WORK/union"
		for k in 1 2 3 4; do
			# shellcheck disable=SC2086
			kt gauntlet -n $args --shard $k/4
			[ $rc = 0 ] || good=1
			grep '^  run ' "$WORK/out" >>"$WORK/union"
		done
		sort "$WORK/union" | cmp -s - "$WORK/all" || good=1
		[ -s "$WORK/all" ] || good=1
		check "docs/ci workflow: GAUNTLET_ARGS plan, 4 shards partition it ($(wc -l <"$WORK/all") variants)" \
			"$good" "args: $args"
	fi
fi

G=$WORK/g
if want gauntlet_eevdf || want stats || want replay || want compare_self ||
	want work_type; then
	kt gauntlet steady --presets tiny,llc --duration 1 --budget 10m \
		--results "$G" --junit "$WORK/g.xml"
	sidecars=$(ls "$G"/*.json 2>/dev/null | wc -l)
	good=1
	verdict_ok $rc && [ "$sidecars" = 2 ] &&
		grep -Eq '^topo=tiny sched=eevdf work=- kernel=.* +(PASS|FAIL)' "$WORK/out" &&
		grep -Eq '^topo=llc sched=eevdf work=- kernel=.* +(PASS|FAIL)' "$WORK/out" &&
		[ "$(grep -c '<testcase ' "$WORK/g.xml")" = 2 ] &&
		[ "$(ls "$G"/logs/*.log | wc -l)" = 2 ] && good=0
	check "gauntlet steady --presets tiny,llc: 2 sidecars, matrix, JUnit (rc=$rc, ${t}s)" \
		"$good"
fi

# --work-type reaches the guest: steady's SpinWait workers never sleep
# (no wake samples in the gauntlet's tiny sidecar); as Bursty (50 ms on,
# 100 ms asleep) they do.
if want work_type; then
	kt vm --topo tiny --duration 1 --quiet --json "$WORK/r.json" \
		--work-type Bursty steady
	spin=$(jq '[.report.results[0].stats[].wake_samples] | max' \
		"$G"/tiny.*.r1.json 2>/dev/null)
	good=1
	verdict_ok $rc &&
		[ "$(jqr '[.results[0].stats[].wake_samples] | min')" -gt 0 ] &&
		[ "$spin" = 0 ] && good=0
	check "vm --work-type Bursty: steady's workers sleep and wake (rc=$rc)" \
		"$good" "wake samples: $(jqr '[.results[0].stats[].wake_samples]'), without the override: $spin"
fi

if want stats; then
	kt stats "$G"
	good=1
	[ $rc = 0 ] && grep -q 'work_rate' "$WORK/out" &&
		grep -q '^2 sidecar(s), 2 variant(s), 1 scenario(s)' "$WORK/out" &&
		good=0
	kt stats --json "$G"
	cp "$WORK/out" "$WORK/r.json"
	[ "$(jqr '.cells | length')" = 2 ] &&
		[ "$(jqr '.cells[0].metrics.work_rate.n')" = 1 ] || good=1
	check "stats: matrix and distributions, text and JSON" "$good"
fi

if want replay; then
	s=$(ls "$G"/tiny.*.json | head -1)
	kt replay "$s" --results "$WORK/rep"
	good=1
	verdict_ok $rc && [ "$(ls "$WORK"/rep/*.json | wc -l)" = 1 ] &&
		[ "$(jq -r .variant.kernel.sha256 "$WORK"/rep/*.json)" = \
			"$(jq -r .variant.kernel.sha256 "$s")" ] &&
		[ "$(jq -r .variant.topo "$WORK"/rep/*.json)" = 1n1l2c1t ] && good=0
	jq '.variant.kernel.sha256 = "00"' "$s" >"$WORK/changed.json"
	kt replay "$WORK/changed.json"
	[ $rc = 2 ] && grep -q 'changed since the run' "$WORK/err" || good=1
	check "replay reruns the sidecar's variant; a changed kernel is exit 2" "$good"
fi

if want compare_self; then
	kt compare "$G" "$G"
	check "compare of a directory with itself: no regression (rc=$rc)" \
		"$([ $rc = 0 ] && grep -q '^0 regression' "$WORK/out" && echo 0 || echo 1)"
fi

# scx-ktstr's slow profile against its default, 3 runs each on 1n1l2c1t
# (with 2 a side Welch's test has about one degree of freedom: a 99% drop
# gave p=0.016, over Holm's limit).
if want compare_slow; then
	if [ ! -x "$SCX" ] || [ ! -f "$SCX.json" ]; then
		skipped "compare default vs slow" "no $SCX and $SCX.json (make scheds)"
	else
		kt gauntlet steady --presets tiny --scheduler "$SCX.json" \
			--runs 3 --duration 2 --budget 10m --results "$WORK/def"
		rc1=$rc
		# the other side through `ktstr vm --runs`: the same sidecars
		kt vm steady --topo tiny --scheduler "$SCX.json" --flags slow \
			--runs 3 --duration 2 --quiet --results "$WORK/slow"
		rc2=$rc
		[ "$(ls "$WORK"/slow/*.json | wc -l)" = 3 ] || rc2="$rc2(sidecars)"
		kt compare "$WORK/def" "$WORK/slow"
		good=1
		verdict_ok $rc1 && [ $rc2 = 1 ] && [ $rc = 1 ] &&
			grep -q '^A/B: sched scx-ktstr -> scx-ktstr+slow' "$WORK/out" &&
			grep -Eq '^REGRESSION steady \[topo=tiny .*\] (work_rate|max_gap_ms): base mean .* p=' "$WORK/out" &&
			good=0
		check "compare default vs slow -> exit 1 naming metric and p (rc=$rc1/$rc2/$rc)" \
			"$good"
	fi
fi

plan
summary
