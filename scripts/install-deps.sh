#!/bin/sh
# Install every build and run dependency of ktstr from Debian's archive.
# Idempotent and quiet when everything is already there. Needs root (or sudo).
set -eu

PKGS="gcc make libc6-dev pkg-config libcmocka-dev libjansson-dev libzstd-dev
zlib1g-dev nettle-dev libbpf-dev libelf-dev clang-format qemu-system-x86 busybox-static cpio zstd jq
ca-certificates procps
stress-ng rt-tests rt-app"
# stress-ng, rt-tests (cyclictest) and rt-app are the binary payloads'
# programs (docs/payloads.md): the payload_* catalog scenarios and
# tests/vm/run-payload-tests.sh run them in VMs.
# Optional, and big (about 290 MB installed, 13 s to install here from the
# machine's mirror): Debian's chromium, the headless browser in which
# tests/vm/run-html-tests.sh screenshots the `--html` picture of a run
# (docs/timeline.md); python3 decodes the screenshot. Without them those
# checks are skipped with the reason. KTSTR_NO_BROWSER=1 leaves them out.
[ "${KTSTR_NO_BROWSER:-0}" = 1 ] || PKGS="$PKGS chromium python3"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: run as root (missing:$missing)" >&2; exit 2; }
	SUDO=sudo
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
