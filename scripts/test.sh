#!/bin/sh
# The whole test suite: clang-format check, unit tests in the release and
# the ASan+UBSan builds (each with the layer and spin-instruction checks),
# then the VM tests (real QEMU guests; the default kernel is fetched into
# the cache first). Closes with one total line.
#   KTSTR_SKIP_VM=1  leave out the VM tests (they need the apt mirror for
#                    the kernel and QEMU); the total line says so.
#   O=DIR            the release build goes to DIR (default build) and the
#                    ASan+UBSan build to DIR-asan (default build-asan): one
#                    O names both builds, since they cannot share a dir.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${O:-build}
build_asan=${O:+$O-asan}
build_asan=${build_asan:-build-asan}
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
skipped=0

tally() { # log file: add its "N passed, N failed" line to the totals
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		echo "test.sh: $2 printed no summary line" >&2
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
}

log=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-test.XXXXXX")
trap 'rm -rf "$log"' EXIT

if ! make -s format-check; then
	failed=$((failed + 1))
fi
if ! make -s O="$build" header-check; then
	failed=$((failed + 1))
fi
for san in 0 1; do
	dir=$build
	[ $san = 1 ] && dir=$build_asan
	if make -s -j"$jobs" O="$dir" SAN=$san all >"$log/build" 2>&1; then
		# the folder order of src/lib (docs/architecture.md)
		scripts/check-layers.sh "$dir" || failed=$((failed + 1))
		# no pause & co. in our code (docs/emulation.md)
		scripts/check-spin.sh "$dir" || failed=$((failed + 1))
		make -s O="$dir" SAN=$san unit 2>&1 | tee "$log/unit$san"
		tally "$log/unit$san" "unit tests (SAN=$san)"
	else
		cat "$log/build"
		echo "test.sh: build with SAN=$san failed" >&2
		failed=$((failed + 1))
	fi
done

if [ "${KTSTR_SKIP_VM:-0}" = 1 ]; then
	skipped=1
	echo "test.sh: VM tests left out (KTSTR_SKIP_VM=1)"
elif ! "$build"/ktstr kernel fetch; then
	echo "test.sh: could not fetch the guest kernel" >&2
	failed=$((failed + 1))
else
	vmtest() { # name, then the command; tallies its summary line
		name=$1
		shift
		"$@" 2>&1 | tee "$log/$name"
		tally "$log/$name" "$name"
	}
	vmtest vm env KTSTR_BIN="$build"/ktstr tests/vm/run-vm-tests.sh
	vmtest ktest env KTSTR_SELFTEST="$build"/ktstr-selftest \
		tests/vm/run-ktest-tests.sh
	vmtest scenario-files env KTSTR_BIN="$build"/ktstr \
		tests/vm/run-scenario-file-tests.sh
	vmtest ops env KTSTR_BIN="$build"/ktstr tests/vm/run-ops-tests.sh
	vmtest work-types env KTSTR_BIN="$build"/ktstr \
		tests/vm/run-work-types-tests.sh
	vmtest spin env KTSTR_BIN="$build"/ktstr tests/vm/run-spin-tests.sh
	vmtest catalog env KTSTR_BIN="$build"/ktstr tests/vm/run-catalog-tests.sh
	# The fixture scheduler needs the BPF toolchain (clang-22, libbpf and
	# bpftool built from the kernel's source package) and the kernel BTF.
	if scripts/build-bpf-toolchain.sh >"$log/toolchain" 2>&1 &&
		make -s O="$build" SAN=0 scheds >>"$log/toolchain" 2>&1; then
		vmtest sched env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr tests/vm/run-sched-tests.sh
		vmtest gauntlet env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr \
			tests/vm/run-gauntlet-tests.sh
		vmtest hotplug env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr \
			tests/vm/run-hotplug-tests.sh
		vmtest policy env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr \
			tests/vm/run-policy-tests.sh
		vmtest cgroup-ctrl env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr \
			tests/vm/run-cgroup-ctrl-tests.sh
		vmtest dump env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr tests/vm/run-dump-tests.sh
		vmtest map-write env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr \
			tests/vm/run-map-write-tests.sh
		vmtest recorder env KTSTR_BIN="$build"/ktstr \
			KTSTR_SCX="$build"/scx-ktstr \
			tests/vm/run-recorder-tests.sh
	else
		tail -n 30 "$log/toolchain"
		echo "test.sh: building the BPF toolchain or scx-ktstr failed" >&2
		failed=$((failed + 1))
	fi
	# after scheds: one payload also runs under scx-ktstr (a SKIP without)
	vmtest payload env KTSTR_BIN="$build"/ktstr \
		KTSTR_SCX="$build"/scx-ktstr tests/vm/run-payload-tests.sh
	vmtest monitor env KTSTR_BIN="$build"/ktstr \
		tests/vm/run-monitor-tests.sh
	# the run's picture: a failing run (scx-ktstr) and a passing one,
	# screenshot in headless Chromium (a SKIP without the browser)
	vmtest html env KTSTR_BIN="$build"/ktstr \
		KTSTR_SCX="$build"/scx-ktstr tests/vm/run-html-tests.sh
fi

if [ $skipped -gt 0 ]; then
	echo "total: $passed passed, $failed failed, $skipped skipped"
else
	echo "total: $passed passed, $failed failed"
fi
[ $failed -eq 0 ]
