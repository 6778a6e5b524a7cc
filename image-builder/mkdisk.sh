#!/bin/bash
# mkdisk.sh - assemble disk.img without root, loop devices or mounts.
#
# usage: mkdisk.sh OUT.img WORKDIR
# environment: VMLINUZ INITRD PROFILES SYSLINUX (unpacked syslinux packages)
#   MKE2FS (the static mke2fs built from the pinned e2fsprogs source)
#   optional BOOT_FILES "DEST=SRC ...": more files for BENCHBOOT (payloads
#   too large for the initramfs, which lives in RAM)
#   SEED SOURCE_DATE_EPOCH BOOT_MIB RES_MIB SCRATCH_MIB [DEFAULT_PROFILE]
#
# Layout (MBR, 1 MiB aligned):
#   p1  FAT32 "BENCHBOOT"   syslinux (BIOS), EFI/BOOT/BOOTX64.EFI (UEFI),
#                           vmlinuz, initrd.img, syslinux.cfg, profiles/
#   p2  ext4  "BENCHRES"    results: runs/
#   p3  ext4  "BENCHSCRATCH" scratch, re-formatted by the appliance at boot
# Every UUID, serial, hash seed and the disk id derive from SEED; every time
# stamp is SOURCE_DATE_EPOCH, so two builds give the same bytes.
set -euo pipefail
img=$1 work=$2
# shellcheck source=image-builder/media-lib.sh
. "$(dirname "$0")/media-lib.sh"
for v in VMLINUZ INITRD PROFILES SYSLINUX MKE2FS SEED SOURCE_DATE_EPOCH BOOT_MIB \
	RES_MIB SCRATCH_MIB; do
	[ -n "${!v:-}" ] || die "mkdisk.sh: $v is not set"
done
DEFAULT_PROFILE=${DEFAULT_PROFILE:-default}
export LC_ALL=C TZ=UTC MTOOLS_SKIP_CHECK=1
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)

make_boot() { # FAT32 partition image
	local f=$work/boot.img s=$work/bootfs
	mkdir -p "$s/profiles" "$s/EFI/BOOT"
	cp "$VMLINUZ" "$s/vmlinuz"
	cp "$INITRD" "$s/initrd.img"
	boot_menu /vmlinuz /initrd.img > "$s/syslinux.cfg"
	cp "$s/syslinux.cfg" "$s/EFI/BOOT/syslinux.cfg"
	cp "$SYSLINUX/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi" "$s/EFI/BOOT/BOOTX64.EFI"
	cp "$SYSLINUX/usr/lib/syslinux/modules/efi64/ldlinux.e64" "$s/EFI/BOOT/"
	local e
	for e in ${BOOT_FILES:-}; do
		[ -f "${e#*=}" ] || die "${e#*=}: missing (needed for BENCHBOOT:/${e%%=*})"
		mkdir -p "$(dirname "$s/${e%%=*}")"
		cp "${e#*=}" "$s/${e%%=*}"
	done
	cat > "$s/profiles/README.txt" <<-'EOF'
	A file NAME.profile placed here overrides the built-in profile NAME
	without rebuilding the image. Its text and sha256 go into the run's
	manifest.json.
	EOF
	find "$s" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	mkfs.fat -F 32 -s 1 -n BENCHBOOT --invariant -i "$(hexof fat-serial 8)" \
		-C "$f" $((BOOT_MIB * 1024)) >/dev/null
	"$SYSLINUX/usr/bin/syslinux" --install "$f"
	(cd "$s" && find . -mindepth 1 -type d | sort | sed 's|^\./|::/|' |
		xargs -r mmd -i "$f")
	(cd "$s" && find . -type f | sort | while read -r p; do
		mcopy -m -i "$f" "$p" "::/${p#./}"; done)
}

make_ext4() { # name label size_mib
	local f=$work/$1.img
	MKE2FS_CONFIG=/nonexistent/mke2fs.conf E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH "$MKE2FS" -q -F -t ext4 -L "$2" \
		-U "$(uuidof "$1-uuid")" -E "hash_seed=$(uuidof "$1-hash"),nodiscard" \
		-m 0 "$f" "$3M" >/dev/null
}

make_boot
# Both ext4 file systems start empty: mke2fs -d would copy the inode change
# times of the source files, which no one can set (e2fsprogs 1.47.0).  The
# appliance creates runs/ on first use.
make_ext4 res BENCHRES "$RES_MIB"
make_ext4 scratch BENCHSCRATCH "$SCRATCH_MIB"

# MBR: partitions at 1 MiB boundaries, p1 active, syslinux's mbr.bin.
p1=2048
p2=$((p1 + BOOT_MIB * 2048))
p3=$((p2 + RES_MIB * 2048))
end=$((p3 + SCRATCH_MIB * 2048))
rm -f "$img.tmp"
truncate -s $(((end + 2048) * 512)) "$img.tmp"
sfdisk -q --no-reread --no-tell-kernel "$img.tmp" >/dev/null <<EOF
label: dos
label-id: 0x$(hexof disk-id 8)
unit: sectors

start=$p1, size=$((BOOT_MIB * 2048)), type=c, bootable
start=$p2, size=$((RES_MIB * 2048)), type=83
start=$p3, size=$((SCRATCH_MIB * 2048)), type=83
EOF
dd if="$SYSLINUX/usr/lib/syslinux/mbr/mbr.bin" of="$img.tmp" bs=440 count=1 \
	conv=notrunc status=none
for p in boot:$p1 res:$p2 scratch:$p3; do
	dd if="$work/${p%%:*}.img" of="$img.tmp" bs=1M \
		seek=$((${p#*:} * 512)) oflag=seek_bytes conv=notrunc,sparse \
		status=none
done
mv "$img.tmp" "$img"
