#!/bin/sh
# deps.sh - install the Debian 12 packages twinbench needs to build, boot
# and test, with apt-get; installs only what is missing (idempotent).
# gnuplot-nox draws twinbench report's charts; chromium is for the tests
# only (report_html.bats renders report.html headless); iperf3 and rsync
# are Debian's, the references net.bats and `make bench` compare with.
set -eu
PKGS="make gcc libc6-dev musl-tools dpkg-dev kmod cpio zstd xz-utils bzip2
jq file e2fsprogs dosfstools mtools fdisk qemu-system-x86 qemu-utils ovmf
libjansson-dev pkg-config bats ca-certificates debian-archive-keyring
patch bc autoconf automake autopoint xxd tcl sqlite3 xorriso strace
gnuplot-nox chromium iperf3 rsync"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "twinbench: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "twinbench: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
