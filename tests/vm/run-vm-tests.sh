#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the host side: boot real VMs with `ktstr vm` / `ktstr shell`
# and check the boot image (the PVH vmlinux by default, the bzImage on
# request or as the fallback), the guest's topology view, crash/timeout/kill
# classification, bad-input exits, and that no QEMU process or temp dir of
# ours remains.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   VM_TESTS      space-separated subset of test names (default: all)
# Needs jq. Timings are generous: 2-core hosts under TCG boot in 3-10 s.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${VM_TESTS:-}
setup ktstr-vmtest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() { dump err '#   ' tail -40; }

# ---- bad input: exit 2 before anything boots ----
if want bad_input; then
	echo "not a kernel" >"$WORK/bogus"
	kt vm --kernel "$WORK/bogus" --quiet steady
	check "bad kernel file -> exit 2 before booting" \
		"$([ $rc = 2 ] && echo 0 || echo 1)" "rc=$rc"
	kt vm --kernel /nonexistent/vmlinuz steady
	check "missing kernel -> exit 2" "$([ $rc = 2 ] && echo 0 || echo 1)" \
		"rc=$rc"
	kt vm --topo 1n3l2c1tx steady
	check "bad topology text -> exit 2" \
		"$([ $rc = 2 ] && grep -q topo "$WORK/err" && echo 0 || echo 1)" \
		"rc=$rc"
	kt vm --topo 1n1l2c1t no_such_scenario
	check "unknown scenario -> exit 2" \
		"$([ $rc = 2 ] && grep -q no_such_scenario "$WORK/err" &&
			echo 0 || echo 1)" "rc=$rc"
fi

# ---- a real run ----
if want steady; then
	kt vm --topo 1n1l2c1t --duration 2 --json "$WORK/r.json" steady mixed_workloads
	good=1
	[ $rc = 0 ] && [ "$(jqr .end)" = exit ] &&
		[ "$(jqr '.results[0].scenario')" = steady ] &&
		[ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.results[0].topo')" = 1n1l2c1t ] &&
		[ "$(jqr '.results[1].scenario')" = mixed_workloads ] &&
		[ "$(jqr '.results[1].verdict')" = pass ] &&
		[ "$(jqr '.results[1].stats | length')" = 3 ] &&
		grep -q '^PASS steady \[topo=1n1l2c1t' "$WORK/out" &&
		grep -q '^PASS mixed_workloads \[topo=1n1l2c1t' "$WORK/out" &&
		good=0
	check "1n1l2c1t steady and mixed_workloads pass under EEVDF" "$good" \
		"rc=$rc end=$(jqr .end)"
fi

# ---- the boot image: PVH by default, the bzImage on request or when
# PVH cannot work (here: too little RAM for the 72 MB vmlinux image).
# The guest must boot, run steady and power off; steady's own verdict
# (pass, or a FAIL of a 1 s run on a loaded host) is not the point ----
boot_case() { # want-boot args...
	want_boot=$1
	shift
	kt vm --topo 1n1l2c1t --duration 1 --json "$WORK/r.json" "$@" steady
	good=1
	case $rc:$(jqr '.results[0].verdict') in 0:pass | 1:fail) ;; *) return ;; esac
	[ "$(jqr .end)" = exit ] && [ "$(jqr .boot)" = "$want_boot" ] &&
		[ "$(jqr '.results[0].scenario')" = steady ] &&
		grep -q "^ktstr: booting 1n1l2c1t .* $want_boot " "$WORK/err" &&
		good=0
}
if want boot; then
	unset KTSTR_BOOT
	boot_case pvh
	[ $good = 0 ] && grep -q "pvh .*/vmlinux" "$WORK/err" || good=1
	check "default boot: the PVH vmlinux boots and runs steady" "$good" \
		"rc=$rc boot=$(jqr .boot) verdict=$(jqr '.results[0].verdict')" \
		"$(grep booting "$WORK/err")"
	boot_case bzimage --boot bzimage
	grep -q "PVH boot not possible" "$WORK/err" && good=1
	check "--boot bzimage: the bzImage boots and runs steady" "$good" \
		"rc=$rc boot=$(jqr .boot) verdict=$(jqr '.results[0].verdict')" \
		"$(grep booting "$WORK/err")"
	boot_case bzimage --boot pvh --memory 128
	[ $good = 0 ] && [ "$(grep -c 'PVH boot not possible: .*need' \
		"$WORK/err")" = 1 ] || good=1
	check "--boot pvh --memory 128: one line why, then the bzImage boots" \
		"$good" "rc=$rc boot=$(jqr .boot) $(grep ktstr: "$WORK/err")"
	kt vm --topo 1n1l2c1t --boot floppy steady
	check "--boot floppy -> exit 2" \
		"$([ $rc = 2 ] && grep -q 'auto, pvh or bzimage' "$WORK/err" &&
			echo 0 || echo 1)" "rc=$rc"
fi

# ---- the guest's view of each topology equals the request ----
# expected: shape | llcs | nodes | siblings (cpulists, space-separated)
topo_case() {
	spec=$1 llcs=$2 nodes=$3 sibs=$4
	kt vm --topo "$spec" --duration 0.5 --quiet --json "$WORK/r.json" \
		steady
	got_shape=$(jqr .guest_topo.topo)
	got_llcs=$(jqr '.guest_topo.llcs | join(" ")')
	got_nodes=$(jqr '.guest_topo.nodes | join(" ")')
	got_sibs=$(jqr '.guest_topo.siblings | join(" ")')
	good=1
	[ "$(jqr .end)" = exit ] && [ "$got_shape" = "$spec" ] &&
		[ "$got_llcs" = "$llcs" ] && [ "$got_nodes" = "$nodes" ] &&
		[ "$got_sibs" = "$sibs" ] && good=0
	check "guest topology $spec: llcs [$llcs] nodes [$nodes] siblings [$sibs]" \
		"$good" "rc=$rc end=$(jqr .end) reason=$(jqr .reason)" \
		"got shape=$got_shape llcs=[$got_llcs] nodes=[$got_nodes] siblings=[$got_sibs]"
}
if want topo; then
	topo_case 1n1l2c1t "0-1" "0-1" "0 1"
	topo_case 1n2l2c1t "0-1 2-3" "0-3" "0 1 2 3"
	topo_case 2n2l1c1t "0 1" "0 1" "0 1"
	topo_case 1n1l2c2t "0-3" "0-3" "0-1 2-3"
fi

# ---- a guest panic is an infrastructure failure, quickly ----
if want panic; then
	kt vm --topo 1n1l2c1t --guest-panic --json "$WORK/r.json"
	good=1
	[ $rc = 3 ] && [ "$(jqr .end)" = crash ] &&
		[ "$(jqr .verdict)" = infra ] &&
		jqr .console_excerpt | grep -q "Kernel panic" &&
		grep -q '^INFRA ' "$WORK/out" && [ $t -lt 60 ] && good=0
	check "guest panic -> INFRA with the console excerpt (${t}s)" "$good" \
		"rc=$rc end=$(jqr .end) reason=$(jqr .reason)"
fi

# ---- boot watchdog ----
if want boot_timeout; then
	kt vm --topo 1n1l2c1t --boot-timeout 1 --json "$WORK/r.json" steady
	good=1
	[ $rc = 3 ] && [ "$(jqr .end)" = timeout ] &&
		jqr .reason | grep -q "timed out after 1 s" && good=0
	check "no boot within the boot timeout -> INFRA timeout" "$good" \
		"rc=$rc end=$(jqr .end) reason=$(jqr .reason)"
fi

# Start `ktstr vm` in the background and wait until its guest booted
# (the channel file has a line); echoes ktstr's pid.
start_bg() {
	TMPDIR=$SCRATCH "$BIN" vm --topo 1n1l2c1t --duration 30 \
		--json "$WORK/r.json" steady >"$WORK/out" 2>"$WORK/err" &
	bg=$!
	i=0
	while [ $i -lt 1200 ]; do # 120 s
		for ch in "$SCRATCH"/ktstr-vm.*/channel; do
			[ -s "$ch" ] && return 0
		done
		kill -0 $bg 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- QEMU killed from outside ----
if want qemu_killed; then
	rm -f "$WORK/r.json"
	if start_bg; then
		for p in $(our_qemu); do kill -9 "$p"; done
		wait $bg
		rc=$?
		good=1
		[ $rc = 3 ] && [ "$(jqr .end)" = died ] &&
			jqr .reason | grep -q "killed by signal 9" && good=0
		check "QEMU killed from outside -> INFRA" "$good" \
			"rc=$rc end=$(jqr .end) reason=$(jqr .reason)"
	else
		wait $bg
		check "QEMU killed from outside -> INFRA" 1 "guest never booted"
	fi
fi

# ---- SIGINT to ktstr: QEMU killed, dir removed, exit 130 ----
if want sigint; then
	if start_bg; then
		kill -INT $bg
		wait $bg
		rc=$?
		check "SIGINT -> QEMU killed, temp dir removed, exit 130" \
			"$([ $rc = 130 ] && echo 0 || echo 1)" "rc=$rc"
	else
		wait $bg
		check "SIGINT -> exit 130" 1 "guest never booted"
	fi
fi

# ---- shell --exec: output and exit status ----
if want shell; then
	kt shell --topo 1n1l1c1t --exec 'echo hello-from-guest; nproc; exit 7'
	good=1
	[ $rc = 7 ] && grep -qx hello-from-guest "$WORK/out" &&
		grep -qx 1 "$WORK/out" && good=0
	check "shell --exec prints the output and exits with its status" \
		"$good" "rc=$rc out=$(tr '\n' '|' <"$WORK/out")"
fi

plan
summary
