#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make soak`: a benchmark of the verdicts' honesty, not a test. Under
# EEVDF (a correct scheduler) every scenario should pass, so any FAIL or
# SCHED is a false positive, any INCONCLUSIVE a run the host disturbed.
# Runs SOAK_VMS fresh VMs of the default set (alternating the topologies)
# and SOAK_CATALOG full catalog runs on each topology, then prints the
# counts and the host-stall totals. It never fails on the numbers: it
# exits 0 unless a VM could not run at all.
#   SOAK_VMS           default-set VMs (default 50)
#   SOAK_DURATION      seconds per scenario there (default 5)
#   SOAK_CATALOG       catalog runs per topology (default 5)
#   SOAK_CAT_DURATION  seconds per scenario there (default 3)
#   SOAK_TOPOS         topologies (default "1n2l2c1t 2n2l2c1t")
#   SOAK_KEEP          a directory to keep every run's JSON in
#   KTSTR_BIN          the ktstr binary (default ${O:-build}/ktstr)
set -u
cd "$(dirname "$0")/.." || exit 3
BIN=${KTSTR_BIN:-${O:-build}/ktstr}
VMS=${SOAK_VMS:-50}
DUR=${SOAK_DURATION:-5}
CATS=${SOAK_CATALOG:-5}
CDUR=${SOAK_CAT_DURATION:-3}
TOPOS=${SOAK_TOPOS:-1n2l2c1t 2n2l2c1t}
command -v jq >/dev/null || { echo "soak: jq is required" >&2; exit 3; }
[ -x "$BIN" ] || { echo "soak: no ktstr binary at $BIN (make)" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-soak.XXXXXX") || exit 3
trap 'rm -rf "$work"' EXIT
keep=${SOAK_KEEP:-}
[ -n "$keep" ] && mkdir -p "$keep"
all=$("$BIN" list --json | jq -r '.[].name' | tr '\n' ' ')
broken=0

# One VM; its JSON goes to $work/N.json and, with SOAK_KEEP, is kept.
run_vm() { # tag topo duration names...
	tag=$1 topo=$2 dur=$3
	shift 3
	# shellcheck disable=SC2086
	"$BIN" vm --quiet --topo "$topo" --duration "$dur" \
		--json "$work/$tag.json" "$@" >"$work/$tag.out" 2>&1
	if ! jq -e '.results' "$work/$tag.json" >/dev/null 2>&1; then
		echo "soak: $tag ($topo): no results: $(tail -2 "$work/$tag.out")"
		broken=$((broken + 1))
		return
	fi
	[ -n "$keep" ] && cp "$work/$tag.json" "$keep/"
	jq -r --arg tag "$tag" --arg topo "$topo" '.results[] |
		"\($tag) \($topo) \(.scenario) \(.verdict) " +
		"\(.host.unavailable_ns // 0) \(.host.longest_ns // 0) " +
		"\(.host.longest_cpu // -1) \(.host.cpus // 0) \(.duration_ns)"' \
		"$work/$tag.json" >>"$work/rows"
	jq -r --arg tag "$tag" '.results[] | select(.verdict != "pass" and
		.verdict != "skip") | "  \($tag) \(.scenario): \(.verdict): " +
		([.details[] | select(.kind != "note") | .msg][0] // "")' \
		"$work/$tag.json"
}

: >"$work/rows"
i=0
set -- $TOPOS
while [ $i -lt "$VMS" ]; do
	topo=$(echo "$TOPOS" | awk -v k=$((i % $#)) '{ print $(k + 1) }')
	run_vm "default-$i" "$topo" "$DUR"
	i=$((i + 1))
done
for topo in $TOPOS; do
	c=0
	while [ $c -lt "$CATS" ]; do
		# shellcheck disable=SC2086
		run_vm "catalog-$topo-$c" "$topo" "$CDUR" $all
		c=$((c + 1))
	done
done

awk -v vms="$VMS" -v cats="$CATS" -v broken="$broken" '
{
	kind = ($1 ~ /^default-/) ? "default set" : "catalog";
	n[kind]++; v[kind, $4]++
	un += $5; span += $9 * $8
	if ($6 > longest) { longest = $6; where = $3 " cpu" $7 }
}
END {
	for (k = 0; k < 2; k++) {
		kind = k ? "catalog" : "default set"
		printf "%s: %d scenario runs: %d pass, %d skip, %d false " \
		       "positives (%d fail, %d sched), %d inconclusive, " \
		       "%d infra\n", kind, n[kind], v[kind, "pass"],
		       v[kind, "skip"], v[kind, "fail"] + v[kind, "sched"],
		       v[kind, "fail"], v[kind, "sched"],
		       v[kind, "inconclusive"], v[kind, "infra"]
	}
	printf "VMs: %d default-set, %d catalog runs per topology, %d " \
	       "without results\n", vms, cats, broken
	printf "host stalls: vCPUs unavailable %.3f%% of vCPU time, " \
	       "longest %.0f ms (%s)\n", span ? un * 100 / span : 0,
	       longest / 1e6, longest ? where : "none"
}' "$work/rows"
[ "$broken" -eq 0 ]
