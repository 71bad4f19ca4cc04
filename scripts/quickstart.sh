#!/bin/sh
# The main job on a fresh Debian 12 machine: install dependencies, build,
# fetch the default sched_ext kernel, build the BPF toolchain and the
# fixture scheduler, show this host's topology, then boot VMs and run the
# default scenarios under EEVDF and under scx-ktstr, printing the verdicts.
# Extra arguments go to both `ktstr vm` runs (e.g. --topo 1n2l2c1t steady).
# Exit status: the worse of the two runs (see README: exit codes).
#   O=DIR  build into DIR (default build), as make's O=
set -eu
cd "$(dirname "$0")/.."
build=${O:-build}
scripts/install-deps.sh
make -s -j"$(nproc)" O="$build" "$build"/ktstr
"$build"/ktstr kernel fetch
scripts/build-bpf-toolchain.sh >/dev/null
make -s O="$build" scheds
echo "== this host"
"$build"/ktstr topo
echo "== default scenarios in a VM under EEVDF"
rc=0
"$build"/ktstr vm "$@" || rc=$?
echo "== default scenarios in a VM under the scx-ktstr fixture scheduler"
rc2=0
"$build"/ktstr vm --scheduler "$build"/scx-ktstr "$@" || rc2=$?
# The worse exit code by what it means, not by its number: pass 0, skip 4,
# inconclusive 5, fail 1, usage 2, infrastructure 3, anything else.
rank() {
	case $1 in
	0) echo 0 ;; 4) echo 1 ;; 5) echo 2 ;; 1) echo 3 ;; 2) echo 4 ;;
	3) echo 5 ;; *) echo 6 ;;
	esac
}
[ "$(rank "$rc2")" -gt "$(rank "$rc")" ] && rc=$rc2
exit "$rc"
