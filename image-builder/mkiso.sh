#!/bin/bash
# mkiso.sh - twinbench.iso: a hybrid ISO 9660 image that boots on BIOS and
# UEFI machines from a CD/DVD drive, and from a USB stick it was dd'ed to.
#
# usage: mkiso.sh OUT.iso WORKDIR
# environment: VMLINUZ INITRD PROFILES SYSLINUX (unpacked isolinux and
#   syslinux-common) SDBOOT (unpacked systemd-boot-efi) SEED
#   SOURCE_DATE_EPOCH [DEFAULT_PROFILE] [VOLID] [BOOT_FILES "DEST=SRC ..."]
#
# Layout (volume id TWINBENCH, Rock Ridge):
#   /vmlinuz /initrd.img          kernel and initramfs (isolinux loads them)
#   /isolinux/isolinux.bin        El Torito entry 1: BIOS, no emulation;
#   /isolinux/{ldlinux.c32,isolinux.cfg,boot.cat}   the menu of disk.img
#   /efi.img                      El Torito entry 2: UEFI.  A FAT image
#                                 labelled BENCHEFI: EFI/BOOT/BOOTX64.EFI =
#                                 systemd-boot, loader/loader.conf and one
#                                 loader/entries/NAME.conf per profile (the
#                                 kernel parameters of the syslinux menus),
#                                 vmlinuz, initrd.img (a loader reads its
#                                 own FAT, hence the second copy)
#   /DEST                         each BOOT_FILES payload, as on BENCHBOOT
# Why not syslinux.efi, as on disk.img: started from a CD (El Torito) it
# dies at once under OVMF (#UD, invalid opcode) - syslinux 6.04 has no EFI
# CD-ROM support.  systemd-boot reads its FAT through the firmware and
# boots from CD and stick alike.
# Hybrid: syslinux's isohdpfx.bin in the MBR (BIOS boot from a stick) and,
# with -isohybrid-gpt-basdat, efi.img as MBR partition 2 (type 0xEF) and a
# GPT entry, which UEFI firmware boots from a stick.  The appliance finds
# the ISO 9660 volume TWINBENCH (in a CD drive or on a stick) and mounts it
# as /boot, as it mounts disk.img's BENCHBOOT.  The ISO has no BENCHRES:
# results go to any attached disk with an ext4 partition labelled BENCHRES
# (make results-disk), and always to the console.
#
# Reproducible: file times are SOURCE_DATE_EPOCH (set on the tree and forced
# with -volume_date all_file_dates); the volume times, the boot catalog's
# time, the isohybrid MBR id and the GPT GUIDs derive from the fixed
# --modification-date (-volume_date uuid); the FAT image as in mkdisk.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=image-builder/media-lib.sh
. "$here/media-lib.sh"
[ $# -eq 2 ] || die "usage: mkiso.sh OUT.iso WORKDIR"
iso=$1 work=$2
need VMLINUZ INITRD PROFILES SYSLINUX SDBOOT SEED SOURCE_DATE_EPOCH
VOLID=${VOLID:-TWINBENCH}
export LC_ALL=C TZ=UTC
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
S=$SYSLINUX/usr/lib

# sdboot_config DIR: systemd-boot's loader.conf and one entry per profile,
# with the same kernel parameters as the syslinux menus
sdboot_config() {
	local p n
	mkdir -p "$1/loader/entries"
	{
		echo "default ${DEFAULT_PROFILE:-default}.conf"
		echo "timeout 3"
		echo "editor no"
	} > "$1/loader/loader.conf"
	for p in "$PROFILES"/*.profile; do
		n=$(basename "$p" .profile)
		{
			echo "title twinbench $n"
			echo "linux /vmlinuz"
			echo "initrd /initrd.img"
			echo "options console=tty0 console=ttyS0,115200 bench.profile=$n quiet panic=10"
		} > "$1/loader/entries/$n.conf"
	done
}

make_efi() { # the El Torito UEFI image
	local t=$work/efi
	mkdir -p "$t/EFI/BOOT"
	cp "$VMLINUZ" "$t/vmlinuz"
	cp "$INITRD" "$t/initrd.img"
	cp "$SDBOOT/usr/lib/systemd/boot/efi/systemd-bootx64.efi" \
		"$t/EFI/BOOT/BOOTX64.EFI"
	sdboot_config "$t"
	set_times "$t"
	fat_image "$work/tree/efi.img" BENCHEFI "$t"
}

make_tree() {
	local t=$work/tree
	mkdir -p "$t/isolinux"
	cp "$VMLINUZ" "$t/vmlinuz"
	cp "$INITRD" "$t/initrd.img"
	cp "$S/ISOLINUX/isolinux.bin" "$t/isolinux/"
	cp "$S/syslinux/modules/bios/ldlinux.c32" "$t/isolinux/"
	boot_menu /vmlinuz /initrd.img > "$t/isolinux/isolinux.cfg"
	for e in ${BOOT_FILES:-}; do
		[ -f "${e#*=}" ] || die "${e#*=}: missing (needed for /${e%%=*})"
		mkdir -p "$(dirname "$t/${e%%=*}")"
		cp "${e#*=}" "$t/${e%%=*}"
	done
	make_efi
	chmod -R u=rwX,go=rX "$t"
	set_times "$t"
}

make_tree
stamp=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)
rm -f "$iso.tmp"
xorriso -report_about SORRY -abort_on FAILURE \
	-volume_date all_file_dates "=$SOURCE_DATE_EPOCH" \
	-volume_date uuid "$stamp" \
	-as mkisofs -o "$iso.tmp" -V "$VOLID" -iso-level 3 -r \
	--modification-date="$stamp" \
	-isohybrid-mbr "$S/ISOLINUX/isohdpfx.bin" \
	-c isolinux/boot.cat -b isolinux/isolinux.bin -no-emul-boot \
	-boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e efi.img -no-emul-boot -isohybrid-gpt-basdat \
	"$work/tree" >"$work/xorriso.log" 2>&1 || {
	cat "$work/xorriso.log" >&2
	die "$iso: xorriso failed"
}
mv "$iso.tmp" "$iso"
