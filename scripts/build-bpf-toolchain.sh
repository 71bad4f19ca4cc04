#!/bin/sh
# Build the BPF toolchain that scheds/ (the scx-ktstr fixture scheduler) needs:
#   - clang-22 / llvm-22 and the static libraries from Debian (apt);
#   - a static libbpf.a + headers and bpftool, built from Debian sid's
#     linux-source-7.2 package (bookworm's libbpf 1.1 is too old for
#     .struct_ops.link);
#   - the kernel's tools/sched_ext/include headers (scx/common.bpf.h, ...).
# Everything goes into one prefix in the ktstr cache:
#   ${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}/toolchain/linux-<version>
#     bin/bpftool  lib/libbpf.a  include/{bpf,linux,scx}/  .complete
# The source package is fetched once (kept under toolchain/debs/) through a
# private apt sources file that points this machine's own Debian mirror at
# sid. Idempotent: quiet when already built. The last line printed on stdout
# is the prefix. Needs root (or sudo) only to install missing packages.
# Environment: KTSTR_CACHE_DIR, KTSTR_LINUX_SOURCE (default linux-source-7.2),
# KTSTR_APT_ETC (default /etc/apt), JOBS (default: nproc).
set -eu

SRCPKG=${KTSTR_LINUX_SOURCE:-linux-source-7.2}
SUITE=sid
APT_ETC=${KTSTR_APT_ETC:-/etc/apt}
PKGS="clang-22 llvm-22 gcc libc6-dev make pkg-config libelf-dev libssl-dev zlib1g-dev
libzstd-dev xz-utils python3 ca-certificates"

CACHE=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:?HOME is unset}/.cache}/ktstr}
TC=$CACHE/toolchain
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

say() { echo "build-bpf-toolchain: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- Debian packages (quiet when all are installed) ----
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null ||
			die "run as root to install the missing packages:$missing"
		SUDO=sudo
	fi
	say "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

mkdir -p "$TC/debs"
# One builder at a time (test.sh and quickstart.sh may both call us).
exec 9>"$TC/.lock"
flock 9

# "7.2.13-1" -> "7.2.13": no epoch, no Debian revision.
upstream() { echo "$1" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//'; }

cached_deb() {
	ls -t "$TC/debs/${SRCPKG}_"*_all.deb 2>/dev/null | head -n 1
}

# ---- already built? ----
deb=$(cached_deb)
if [ -n "$deb" ]; then
	ver=$(dpkg-deb -f "$deb" Version)
	PREFIX=$TC/linux-$(upstream "$ver")
	if [ -f "$PREFIX/.complete" ] && [ "$(cat "$PREFIX/.complete")" = "$SRCPKG $ver" ]; then
		echo "$PREFIX"
		exit 0
	fi
fi

WORK=$(mktemp -d "$TC/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
LOG=$WORK/build.log
fail() {
	say "$1 failed; last lines of the log:"
	tail -n 25 "$LOG" >&2
	exit 1
}

# ---- the machine's Debian mirror, pointed at sid in a private sources file ----
mirror_from_etc() {
	# One-line format first: deb [signed-by=K] URI SUITE COMPONENTS
	if [ -f "$APT_ETC/sources.list" ]; then
		awk '
		$1 == "deb" {
			sub(/#.*/, ""); i = 2; sb = ""
			if ($i ~ /^\[/) {
				for (; i <= NF; i++) {
					o = $i; sub(/^\[/, "", o); e = sub(/\]$/, "", o)
					if (o ~ /^signed-by=/) { sb = substr(o, 11) }
					if (e) { i++; break }
				}
			}
			uri = $i; suite = $(i + 1)
			if (uri == "" || suite == "" || uri ~ /^cdrom:/) next
			if (suite ~ /[-\/]/) next
			print "URIs: " uri
			if (sb != "") print "Signed-By: " sb
			exit
		}' "$APT_ETC/sources.list"
	fi
	for f in "$APT_ETC"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: the first enabled "deb" stanza with a main suite
		# (no "-" or "/": bookworm, sid; not bookworm-security).
		awk '
		function flush(   n, i, w, ok) {
			ok = 0
			n = split(suites, w, /[ \t]+/)
			for (i = 1; i <= n; i++)
				if (w[i] != "" && w[i] !~ /[-\/]/) ok = 1
			if (ok && types ~ /(^|[ \t])deb([ \t]|$)/ && uri != "" &&
			    uri !~ /^cdrom:/ && enabled != "no") {
				print "URIs: " uri
				if (sb != "") print "Signed-By: " sb
				found = 1
			}
			types = uri = suites = enabled = sb = ""; last = ""
		}
		/^#/ { next }
		/^[ \t]*$/ { if (!found) flush(); next }
		/^[ \t]/ { if (last == "sb") sb = sb "\n" $0; next }
		{
			k = tolower($0); sub(/:.*/, "", k)
			v = $0; sub(/^[^:]*:[ \t]*/, "", v); last = ""
			if (k == "types") types = v
			else if (k == "uris") { split(v, u, /[ \t]+/); uri = u[1] }
			else if (k == "suites") suites = v
			else if (k == "enabled") enabled = v
			else if (k == "signed-by") { sb = v; last = "sb" }
		}
		END { if (!found) flush() }' "$f"
	done
}

fetch_deb() {
	# the first mirror found: its URIs line and Signed-By (maybe several lines)
	m=$(mirror_from_etc | awk '/^URIs:/ { if (n++) exit } { print }')
	[ -n "$m" ] || die "no Debian main-archive mirror in $APT_ETC/sources.list or $APT_ETC/sources.list.d/*.sources"
	mkdir -p "$TC/apt/lists/partial"
	src=$TC/apt/$SUITE.sources
	{
		echo "Types: deb"
		echo "$m" | grep '^URIs:'
		echo "Suites: $SUITE"
		echo "Components: main"
		echo "$m" | sed -n '/^Signed-By:/,$p'
	} >"$src"
	set -- -o "Dir::Etc::SourceList=$src" -o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State::Lists=$TC/apt/lists" -o Dir::Cache::pkgcache= \
		-o Dir::Cache::srcpkgcache= -o Acquire::Check-Valid-Until=false
	# (frozen snapshot mirrors carry sid Release files past Valid-Until;
	# the signature is still checked)
	[ "$(id -u)" = 0 ] && set -- "$@" -o APT::Sandbox::User=root
	say "updating the $SUITE package lists from this machine's mirror"
	LC_ALL=C apt-get "$@" -q -q update >"$LOG" 2>&1 || fail "apt-get update"
	ver=$(LC_ALL=C apt-cache "$@" show --no-all-versions "$SRCPKG" 2>>"$LOG" |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || die "$SRCPKG is not in $SUITE on this machine's mirror"
	say "downloading $SRCPKG $ver (about 165 MB)"
	mkdir -p "$WORK/dl"
	(cd "$WORK/dl" && LC_ALL=C apt-get "$@" -q -q download "$SRCPKG" >>"$LOG" 2>&1) ||
		fail "apt-get download $SRCPKG"
	for d in "$WORK"/dl/*.deb; do
		mv "$d" "$TC/debs/"
	done
	# Older source packages of the same name are of no further use.
	for d in "$TC/debs/${SRCPKG}_"*_all.deb; do
		case "$d" in */"${SRCPKG}_${ver#*:}_all.deb") ;; *) rm -f "$d" ;; esac
	done
}

if [ -z "$deb" ]; then
	fetch_deb
	deb=$(cached_deb)
	[ -n "$deb" ] || die "apt-get download left no ${SRCPKG}_*_all.deb"
fi
ver=$(dpkg-deb -f "$deb" Version)
PREFIX=$TC/linux-$(upstream "$ver")
t0=$(date +%s)

# ---- extract only what libbpf, bpftool and the scx headers need ----
# tools/ (libbpf, bpftool, tools/include, tools/build, tools/sched_ext),
# scripts/bpf_doc.py (generates bpf_helper_defs.h from tools' uapi bpf.h),
# kernel/bpf/ (bpftool compiles kernel/bpf/disasm.c).
say "extracting tools/, scripts/bpf_doc.py and kernel/bpf/ from $(basename "$deb")"
tarball=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep '^\./usr/src/linux-source-.*\.tar\.xz$' | head -n 1)
[ -n "$tarball" ] || die "$deb holds no usr/src/linux-source-*.tar.xz"
top=$(basename "$tarball" .tar.xz)
mkdir -p "$WORK/src"
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "$tarball" | xz -dc |
	tar -xf - -C "$WORK/src" "$top/tools" "$top/scripts/bpf_doc.py" "$top/kernel/bpf" ||
	die "extracting $tarball from $deb failed"
S=$WORK/src/$top

STAGE=$WORK/prefix
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/include"

say "building libbpf (static)"
mkdir -p "$WORK/libbpf"
make -C "$S/tools/lib/bpf" -j"$JOBS" BUILD_STATIC_ONLY=1 \
	OUTPUT="$WORK/libbpf/" DESTDIR="$STAGE" prefix= \
	"$WORK/libbpf/libbpf.a" install_headers >"$LOG" 2>&1 || fail "libbpf build"
cp "$WORK/libbpf/libbpf.a" "$STAGE/lib/"
# The uapi headers libbpf was written against: newer than bookworm's
# linux-libc-dev (6.1), and <bpf/libbpf.h> includes <linux/bpf.h>.
mkdir -p "$STAGE/include/linux"
for h in bpf.h bpf_common.h btf.h; do
	cp "$S/tools/include/uapi/linux/$h" "$STAGE/include/linux/"
done

say "building bpftool"
mkdir -p "$WORK/bpftool"
make -C "$S/tools/bpf/bpftool" -j"$JOBS" OUTPUT="$WORK/bpftool/" \
	CLANG=clang-22 LLVM_STRIP=llvm-strip-22 >"$LOG" 2>&1 || fail "bpftool build"
cp "$WORK/bpftool/bpftool" "$STAGE/bin/"

cp -r "$S/tools/sched_ext/include/scx" "$STAGE/include/"
[ -f "$STAGE/include/scx/common.bpf.h" ] || die "no tools/sched_ext/include/scx/common.bpf.h in $top"

echo "$SRCPKG $ver" >"$STAGE/.complete"
rm -rf "$PREFIX"
mv "$STAGE" "$PREFIX"
say "built in $(($(date +%s) - t0)) s: libbpf $("$PREFIX/bin/bpftool" version 2>/dev/null | sed -n 's/.*libbpf \(v[^ ]*\).*/\1/p') and bpftool"
echo "$PREFIX"
