#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the spin unit under emulation (docs/emulation.md): spinning
# workers beside loops that never spin must not look stuck under QEMU TCG
# round-robin, our default accelerator. It failed every time at 4 vCPUs
# while the spin unit executed x86 `pause` (TCG leaves the vCPU loop on
# it): `stuck ~3000ms ... at +0ms`. In one 4-vCPU VM per topology
# (1n2l2c1t, 2n2l2c1t), under EEVDF, 3 s per scenario:
#   tests/fixtures/scenarios/vm/spin_beside_cache.json  2 SpinWait beside
#       2 CachePressure workers: PASS, and SpinWait's units per on-CPU
#       second within RATIO_MIN..RATIO_MAX of CachePressure's (measured:
#       0.04 on the host, 0.045-0.06 under TCG; 1e-5 with the pause unit)
#   cache_yield_wake_affine          CacheYield beside PipeIo pairs: PASS
#   cache_pipe_io_compute_imbalance  CachePipe pairs beside SpinWait: PASS
# TAP lines and a final "N passed, N failed"; exit 1 on any failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   SPIN_TOPOS    space-separated subset of the topologies
# Needs jq. About 25 s per topology under TCG on a 2-core host.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${SPIN_TOPOS:-}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
FILE=$SRC/tests/fixtures/scenarios/vm/spin_beside_cache.json
CATALOG="cache_yield_wake_affine cache_pipe_io_compute_imbalance"
# 10x either side of the measured ratio: a pause-like slowdown is 1000x
RATIO_MIN=0.004
RATIO_MAX=0.6
setup ktstr-spintest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump err '#   ' tail -20
	dump out '#   out: ' tail -30
}

# result NAME's verdict and details ("pass" when it passed)
verdict() {
	jqr ".results[] | select(.scenario == \"$1\") |
		[.verdict] + [.details[]?.msg] | join(\"; \")"
}

# units per worker per on-CPU second of cgroup $2 in result $1
rate() {
	jqr ".results[] | select(.scenario == \"$1\") | .duration_ns as \$d |
		.stats[] | select(.cgroup == \"$2\") |
		.total_work_units / .workers / (\$d / 1e9) /
		(1 - (.min_off_cpu_pct + .max_off_cpu_pct) / 200)"
}

for topo in 1n2l2c1t 2n2l2c1t; do
	want "$topo" || continue
	# shellcheck disable=SC2086 # CATALOG is a list of names
	kt vm --topo "$topo" --duration 3 --json "$WORK/r.json" $CATALOG "$FILE"
	if [ $rc != 0 ] && [ $rc != 1 ]; then
		not_ok "$topo: the VM ran (rc=$rc)"
		continue
	fi
	for name in $CATALOG spin_beside_cache; do
		v=$(verdict "$name")
		[ "$v" = pass ]
		check "$topo $name: PASS at 3 s" $? "verdict: ${v:-missing}"
	done
	spin=$(rate spin_beside_cache spin)
	cache=$(rate spin_beside_cache cache)
	ratio=$(awk -v s="${spin:-0}" -v c="${cache:-0}" \
		'BEGIN { if (c > 0) printf "%.4g", s / c; else print 0 }')
	awk -v r="$ratio" -v lo=$RATIO_MIN -v hi=$RATIO_MAX \
		'BEGIN { exit !(r >= lo && r <= hi) }'
	check "$topo spin_beside_cache: SpinWait/CachePressure units per on-CPU s = $ratio ($RATIO_MIN-$RATIO_MAX)" \
		$? "SpinWait ${spin:-?}/s, CachePressure ${cache:-?}/s per worker"
done

plan
summary
