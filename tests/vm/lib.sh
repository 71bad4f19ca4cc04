# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Helpers shared by the VM test scripts (tests/vm/run-*.sh). POSIX sh and
# `set -u` clean; sourced, never run:  . "$(dirname "$0")/lib.sh"
#
# Variables (the script sets BIN and WANT; setup sets the rest):
#   BIN      the binary kt runs (made absolute with abspath)
#   WANT     space-separated names want selects (empty: all)
#   WORK     the script's temp dir, removed at exit
#   SCRATCH  with `setup PREFIX scratch`: $WORK/tmp, the TMPDIR of every
#            run of kt, so each VM makes its temp dir there; it must be
#            empty after each check, and no QEMU may name it. Else empty.
#   n pass fail skip   TAP tallies: tests, passed (skips count as passed),
#            failed, skipped
#   rc t     kt's exit status and wall seconds
#
# Setup:
#   abspath P     P absolute against the cwd on stdout; empty stays empty
#   scx_bin       the scx-ktstr fixture (KTSTR_SCX, next to BIN, or
#                 ${O:-build}), absolute, on stdout; empty when none
#   setup PREFIX [scratch]
#                 WORK=$(mktemp -d $TMPDIR/PREFIX.XXXXXX) (exit 3 if that
#                 fails), SCRATCH, tallies at 0; traps: EXIT runs cleanup,
#                 INT and TERM exit 130
#   cleanup       SIGKILL our QEMUs (our_qemu), remove $WORK
#   need_jq       "Bail out! jq is required", exit 3, without jq
#   need_bin WHAT "Bail out! no WHAT at $BIN", exit 3, unless $BIN runs
# Running:
#   kt ARGS...    remove $WORK/r.json (no test reads the one before it),
#                 run "$BIN" ARGS with TMPDIR=$SCRATCH, stdout in
#                 $WORK/out, stderr in $WORK/err; sets rc and t
#   our_qemu      PIDs of QEMU processes whose command line names $SCRATCH
#                 (none when SCRATCH is empty)
#   leftovers     status 1 and "QEMU pids: [..] temp entries: [..]" on
#                 stdout when a QEMU of ours runs or $SCRATCH is not empty
#   want NAME     status 0 when NAME is selected by $WANT
#   jqr FILTER    jq -r FILTER on $WORK/r.json; nothing on errors
# TAP:
#   ok NAME       "ok N - NAME"
#   not_ok NAME [DETAIL...]
#                 "not ok N - NAME", each line of each DETAIL as a "# " line,
#                 then not_ok_dump: a hook the script may redefine (default:
#                 nothing), usually as a few dump lines
#   dump FILE PREFIX CMD COUNT
#                 the lines of $WORK/FILE, if any, each after PREFIX, cut
#                 by `CMD COUNT` (tail -40, head -30)
#   skipped NAME WHY  "ok N - NAME # SKIP WHY": passed and skipped
#   check NAME RES [DETAIL...]
#                 ok NAME when RES is 0 and nothing is left over (see
#                 leftovers), else not_ok NAME DETAIL... plus the leftovers
#   plan          "1..N"
#   summary       "# N skipped" (when some were), "N passed, N failed";
#                 status 0 when none failed: the script's exit status
# Scratch names: p d c q left l name why t0.

abspath() {
	case $1 in
	/* | "") printf '%s\n' "$1" ;;
	*) printf '%s\n' "$(pwd)/$1" ;;
	esac
}

# The scx-ktstr fixture: $KTSTR_SCX, else the one next to $BIN, else
# ${O:-build}/scx-ktstr; an absolute path on stdout (it may not exist:
# callers check -x and skip their scheduler tests with the reason).
scx_bin() {
	s=${KTSTR_SCX:-}
	if [ -z "$s" ]; then
		for c in "$(dirname "$BIN")/scx-ktstr" "${O:-build}"/scx-ktstr; do
			[ -x "$c" ] && s=$c && break
		done
	fi
	abspath "$s"
}

setup() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 3
	SCRATCH=
	if [ "${2:-}" = scratch ]; then
		SCRATCH=$WORK/tmp
		mkdir -p "$SCRATCH"
	fi
	n=0
	pass=0
	fail=0
	skip=0
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

cleanup() {
	for p in $(our_qemu); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$WORK"
}

need_jq() {
	command -v jq >/dev/null || { echo "Bail out! jq is required"; exit 3; }
}

need_bin() {
	[ -x "$BIN" ] || { echo "Bail out! no $1 at $BIN"; exit 3; }
}

our_qemu() {
	[ -n "${SCRATCH:-}" ] || return 0
	for d in /proc/[0-9]*; do
		{ c=$(tr '\0' ' ' <"$d/cmdline"); } 2>/dev/null || continue
		case $c in *qemu-system*"$SCRATCH"*) echo "${d#/proc/}" ;; esac
	done
}

# shellcheck disable=SC2034 # rc and t are for the scripts
kt() {
	rm -f "$WORK/r.json"
	t0=$(date +%s)
	TMPDIR=$SCRATCH "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	t=$(($(date +%s) - t0))
}

leftovers() {
	q=$(our_qemu)
	left=$(ls -A "$SCRATCH")
	if [ -n "$q" ] || [ -n "$left" ]; then
		echo "QEMU pids: [$q] temp entries: [$left]"
		return 1
	fi
	return 0
}

want() {
	[ -z "${WANT:-}" ] && return 0
	case " $WANT " in *" $1 "*) return 0 ;; esac
	return 1
}

jqr() { jq -r "$1" "$WORK/r.json" 2>/dev/null; }

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
	shift
	# a DETAIL of several lines becomes several comment lines
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
	not_ok_dump
}
not_ok_dump() { :; }
dump() {
	[ -s "$WORK/$1" ] && sed "s/^/$2/" "$WORK/$1" | "$3" "$4"
}
skipped() {
	n=$((n + 1)); pass=$((pass + 1)); skip=$((skip + 1))
	echo "ok $n - $1 # SKIP $2"
}

check() {
	name=$1
	shift
	if [ "$1" = 0 ] && why=$(leftovers); then
		ok "$name"
	else
		shift
		not_ok "$name" "$@" "${why:-}"
	fi
	why=
}

plan() { echo "1..$n"; }
summary() {
	[ "$skip" -gt 0 ] && echo "# $skip skipped"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
