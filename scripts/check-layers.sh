#!/bin/sh
# The folder dependency order of libktstr (src/lib/<subsystem>/): which
# folder may use which. Two checks, both against the table below:
#   includes  a file in src/lib/X includes a private header "Y/..." only
#             when X may use Y;
#   symbols   an object of src/lib/X calls or reads a global symbol
#             defined in src/lib/Y only when X may use Y (nm on the
#             objects of a build, so calls through the public headers
#             count too, not only includes).
# Usage: scripts/check-layers.sh [BUILD_DIR]   (default: $O, else build)
# Prints one line per violation and exits 1 when there is one.
# docs/architecture.md draws the same table.
set -u
cd "$(dirname "$0")/.."
objdir=${1:-${O:-build}}

# folder: the folders it may use (besides itself)
allowed() {
	case $1 in
	core) echo "" ;;
	topo) echo "core" ;;
	probe) echo "core topo" ;;
	cgroup) echo "core topo" ;;
	work) echo "core topo" ;;
	result) echo "core topo probe work" ;;
	sched) echo "core topo probe cgroup work result" ;;
	scenario) echo "core topo probe cgroup work result sched" ;;
	ops) echo "core topo probe cgroup work result sched scenario" ;;
	catalog) echo "core topo probe cgroup work result sched scenario ops" ;;
	scenario_file) echo "core topo probe cgroup work result sched scenario ops" ;;
	run) echo "core topo probe cgroup work result sched scenario ops catalog scenario_file" ;;
	kernel) echo "core" ;;
	vm) echo "core topo result sched kernel" ;;
	results) echo "core topo result sched kernel vm" ;;
	gauntlet) echo "core" ;;
	*) echo "?" ;;
	esac
}

may_use() { # from to
	[ "$1" = "$2" ] && return 0
	for a in $(allowed "$1"); do
		[ "$a" = "$2" ] && return 0
	done
	return 1
}

bad=0
folders=$(cd src/lib && ls -d */ | tr -d /)
for f in $folders; do
	if [ "$(allowed "$f")" = "?" ]; then
		echo "check-layers: src/lib/$f is not in the table of scripts/check-layers.sh"
		bad=1
	fi
done
loose=$(find src/lib -maxdepth 1 -name '*.[ch]')
if [ -n "$loose" ]; then
	echo "check-layers: files directly in src/lib: $loose"
	bad=1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. private includes
for f in $folders; do
	for src in src/lib/"$f"/*.[ch]; do
		[ -e "$src" ] || continue
		for to in $(grep -o '^#include "[a-z_]*/[a-z_0-9]*\.h"' "$src" |
			sed 's|^#include "\([a-z_]*\)/.*|\1|' | sort -u); do
			if ! may_use "$f" "$to"; then
				echo "check-layers: $src includes a private header of $to/ ($f/ may not use $to/)"
				bad=1
			fi
		done
	done
done

# 2. symbols
if ! ls "$objdir"/src/lib/*/*.o >/dev/null 2>&1; then
	echo "check-layers: no objects in $objdir/src/lib: build first (make)"
	exit 2
fi
for f in $folders; do
	for o in "$objdir"/src/lib/"$f"/*.o; do
		[ -e "$o" ] || continue
		nm -g --defined-only "$o" | awk -v f="$f" -v o="${o##*/}" \
			'NF == 3 { print $3, f, o }'
	done
done | sort >"$tmp/defs"
for f in $folders; do
	for o in "$objdir"/src/lib/"$f"/*.o; do
		[ -e "$o" ] || continue
		nm -u "$o" | awk -v f="$f" -v o="${o##*/}" '{ print $2, f, o }'
	done
done | sort >"$tmp/uses"
join "$tmp/uses" "$tmp/defs" >"$tmp/edges" # sym from fromobj to toobj
while read -r sym from fobj to tobj; do
	if ! may_use "$from" "$to"; then
		echo "check-layers: $from/${fobj%.o}.c uses $sym of $to/${tobj%.o}.c ($from/ may not use $to/)"
		bad=1
	fi
done <"$tmp/edges"

if [ $bad -eq 0 ]; then
	echo "check-layers: clean ($(echo $folders | wc -w) folders, $(wc -l <"$tmp/edges") cross-object symbol uses)"
fi
exit $bad
