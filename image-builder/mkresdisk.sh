#!/bin/bash
# mkresdisk.sh - results-disk.img: a raw disk with one ext4 partition
# labelled BENCHRES, for machines that boot the appliance from the ISO or
# over PXE (they have no results partition of their own).  The appliance
# finds it by its label on any disk controller and writes runs/ to it;
# `twinbench collect results-disk.img DIR` reads them back.  With
# RESULTS_SCRATCH_MIB > 0 a second partition, ext4 BENCHSCRATCH, gives the
# I/O workloads a disk (without one their scratch space is RAM).
#
# usage: mkresdisk.sh OUT.img WORKDIR
# environment: MKE2FS (the static mke2fs of the build) SEED
#   SOURCE_DATE_EPOCH RESULTS_MIB [RESULTS_SCRATCH_MIB]
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
scratch=${RESULTS_SCRATCH_MIB:-0}

ext4() { # name label size_mib
	MKE2FS_CONFIG=/nonexistent/mke2fs.conf \
	E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH "$MKE2FS" -q -F -t ext4 \
		-L "$2" -U "$(uuidof "resdisk-$1-uuid")" \
		-E "hash_seed=$(uuidof "resdisk-$1-hash"),nodiscard" -m 0 \
		"$work/$1.img" "${3}M" >/dev/null
}

ext4 res BENCHRES "$RESULTS_MIB"
[ "$scratch" -eq 0 ] || ext4 scratch BENCHSCRATCH "$scratch"
p2=$((2048 + RESULTS_MIB * 2048))
rm -f "$img.tmp"
truncate -s $(((RESULTS_MIB + scratch + 2) * 1024 * 1024)) "$img.tmp"
{
	echo "label: dos"
	echo "label-id: 0x$(hexof resdisk-id 8)"
	echo "unit: sectors"
	echo
	echo "start=2048, size=$((RESULTS_MIB * 2048)), type=83"
	[ "$scratch" -eq 0 ] ||
		echo "start=$p2, size=$((scratch * 2048)), type=83"
} | sfdisk -q --no-reread --no-tell-kernel "$img.tmp" >/dev/null
dd if="$work/res.img" of="$img.tmp" bs=1M seek=1 conv=notrunc,sparse \
	status=none
[ "$scratch" -eq 0 ] || dd if="$work/scratch.img" of="$img.tmp" bs=1M \
	seek=$((p2 / 2048)) conv=notrunc,sparse status=none
mv "$img.tmp" "$img"
