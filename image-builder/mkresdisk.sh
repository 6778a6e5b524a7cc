#!/bin/bash
# mkresdisk.sh - results-disk.img: a raw disk with one ext4 partition
# labelled BENCHRES, for machines that boot the appliance from the ISO or
# over PXE (they have no results partition of their own).  The appliance
# finds it by its label on any disk controller and writes runs/ to it;
# `twinbench collect results-disk.img DIR` reads them back.
#
# usage: mkresdisk.sh OUT.img WORKDIR
# environment: MKE2FS (the static mke2fs of the build) SEED
#   SOURCE_DATE_EPOCH RESULTS_MIB
# Made like disk.img's BENCHRES (seeded UUID and hash seed, fake time, an
# empty file system), so two builds give the same bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=image-builder/media-lib.sh
. "$here/media-lib.sh"
[ $# -eq 2 ] || die "usage: mkresdisk.sh OUT.img WORKDIR"
img=$1 work=$2
need MKE2FS SEED SOURCE_DATE_EPOCH RESULTS_MIB
export LC_ALL=C TZ=UTC
rm -rf "$work" && mkdir -p "$work"
fs=$work/res.img

MKE2FS_CONFIG=/nonexistent/mke2fs.conf E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH \
	"$MKE2FS" -q -F -t ext4 -L BENCHRES -U "$(uuidof resdisk-uuid)" \
	-E "hash_seed=$(uuidof resdisk-hash),nodiscard" -m 0 \
	"$fs" "${RESULTS_MIB}M" >/dev/null

rm -f "$img.tmp"
truncate -s $(((RESULTS_MIB + 2) * 1024 * 1024)) "$img.tmp"
sfdisk -q --no-reread --no-tell-kernel "$img.tmp" >/dev/null <<EOF
label: dos
label-id: 0x$(hexof resdisk-id 8)
unit: sectors

start=2048, size=$((RESULTS_MIB * 2048)), type=83
EOF
dd if="$fs" of="$img.tmp" bs=1M seek=1 conv=notrunc,sparse status=none
mv "$img.tmp" "$img"
