#!/bin/sh
# The main job on a fresh Debian 12 machine: install dependencies, build,
# fetch the default sched_ext kernel, show this host's topology, then boot
# a VM and run the default scenarios in it, printing the verdicts.
# Extra arguments go to `ktstr vm` (e.g. --topo 1n2l2c1t steady).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make -s -j"$(nproc)" build/ktstr
build/ktstr kernel fetch
echo "== this host"
build/ktstr topo
echo "== default scenarios in a VM under EEVDF"
exec build/ktstr vm "$@"
