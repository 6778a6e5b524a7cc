#!/bin/bash
# mkiso.sh - twinbench.iso: a hybrid ISO 9660 image that boots on BIOS and
# UEFI machines from a CD/DVD drive, and from a USB stick it was dd'ed to.
#
# usage: mkiso.sh OUT.iso WORKDIR
# environment: VMLINUZ INITRD PROFILES SYSLINUX (unpacked isolinux,
#   syslinux-common and syslinux-efi packages) SEED SOURCE_DATE_EPOCH
#   [DEFAULT_PROFILE] [VOLID]
#
# Layout (volume id TWINBENCH, Rock Ridge):
#   /vmlinuz /initrd.img          kernel and initramfs (isolinux loads them)
#   /isolinux/isolinux.bin        El Torito entry 1: BIOS, no emulation
#   /isolinux/{ldlinux.c32,isolinux.cfg,boot.cat}
#   /efi.img                      El Torito entry 2: UEFI.  A FAT image
#                                 labelled BENCHBOOT with the layout of
#                                 disk.img's boot partition:
#                                 EFI/BOOT/{BOOTX64.EFI,ldlinux.e64,
#                                 syslinux.cfg}, vmlinuz, initrd.img.
#                                 syslinux.efi reads only its own FAT, hence
#                                 the second copy of kernel and initramfs.
# Hybrid: syslinux's isohdpfx.bin in the MBR (BIOS boot from a stick) and,
# with -isohybrid-gpt-basdat, efi.img as MBR partition 2 (type 0xEF) and a
# GPT entry, which UEFI firmware boots from a stick.  On a stick, Linux sees
# that partition as a FAT labelled BENCHBOOT, so the appliance mounts it as
# it mounts disk.img's boot partition.  The ISO has no BENCHRES: results go
# to any attached disk with an ext4 partition labelled BENCHRES (make
# results-disk), and always to the console.
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
	fat_image "$work/tree/efi.img" BENCHBOOT "$t"
}

make_tree() {
	local t=$work/tree
	mkdir -p "$t/isolinux"
	cp "$VMLINUZ" "$t/vmlinuz"
	cp "$INITRD" "$t/initrd.img"
	cp "$S/ISOLINUX/isolinux.bin" "$t/isolinux/"
	cp "$S/syslinux/modules/bios/ldlinux.c32" "$t/isolinux/"
	boot_menu /vmlinuz /initrd.img > "$t/isolinux/isolinux.cfg"
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
