#!/bin/bash
# mkpxe.sh - pxe/: a TFTP root that network-boots the appliance.
#
# usage: mkpxe.sh OUTDIR
# environment: VMLINUZ INITRD PROFILES SYSLINUX (unpacked pxelinux,
#   syslinux-common and syslinux-efi packages) SOURCE_DATE_EPOCH
#   [DEFAULT_PROFILE]
#
#   pxelinux.0, ldlinux.c32     BIOS PXE (DHCP client architecture 0)
#   syslinux.efi, ldlinux.e64   UEFI x86-64 PXE (client architecture 7, 9)
#   pxelinux.cfg/default        the boot menu of both: one entry per profile,
#                               as on disk.img, plus IPAPPEND 2 (BOOTIF=)
#   vmlinuz, initrd.img
#   boot.ipxe                   the same menu for iPXE (chain to it, or give
#                               it as the DHCP file name to an iPXE client)
#   dnsmasq.conf                an example lab server: proxy-DHCP + TFTP
# Paths in the menus are relative, so the tree can live in a subdirectory
# of a TFTP root.  OUTDIR/.stamp is written last (with the current time, for
# make); everything else has SOURCE_DATE_EPOCH as its time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=image-builder/media-lib.sh
. "$here/media-lib.sh"
[ $# -eq 1 ] || die "usage: mkpxe.sh OUTDIR"
out=${1%/}
need VMLINUZ INITRD PROFILES SYSLINUX SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC
S=$SYSLINUX/usr/lib
t=$out.tmp

ipxe_script() {
	local p n d=${DEFAULT_PROFILE:-default}
	cat <<-'EOF'
	#!ipxe
	# twinbench: iPXE boot menu, one entry per shipped profile (the same
	# kernel parameters as pxelinux.cfg/default).  Paths are relative to
	# this script's URL, so it works from TFTP or HTTP.
	EOF
	echo "menu twinbench: choose a profile"
	for p in "$PROFILES"/*.profile; do
		n=$(basename "$p" .profile)
		echo "item $n $n"
	done
	echo "choose --default $d --timeout 3000 profile || set profile $d"
	cat <<-'EOF'
	kernel vmlinuz initrd=initrd.img console=tty0 console=ttyS0,115200 bench.profile=${profile} quiet panic=10 BOOTIF=01-${netX/mac:hexhyp}
	initrd initrd.img
	boot
	EOF
}

dnsmasq_conf() {
	cat <<-'EOF'
	# dnsmasq.conf - example PXE server for a twinbench lab (dnsmasq >= 2.80).
	#
	# Copy this pxe/ directory to the server, e.g. /srv/twinbench/pxe, set
	# "interface" to the server's lab NIC, and run
	#     dnsmasq --no-daemon --conf-file=/srv/twinbench/pxe/dnsmasq.conf
	# Machines set to network boot get the boot menu; the default entry
	# runs after 3 s.  Results: on a local disk with an ext4 partition
	# labelled BENCHRES if the machine has one, and always on the serial
	# console (TWINBENCH lines).
	#
	# Mode 1 (below): proxy-DHCP.  The lab's existing DHCP server keeps
	# handing out addresses; dnsmasq only adds the boot information.
	# Mode 2: dnsmasq is the DHCP server: comment the proxy line and the
	# pxe-service lines, uncomment the block "Mode 2".

	port=0                          # no DNS
	interface=eth1                  # the lab NIC of this server
	bind-interfaces
	log-dhcp
	enable-tftp
	tftp-root=/srv/twinbench/pxe    # this directory

	# ---- Mode 1: proxy-DHCP for the subnet of "interface" -------------
	dhcp-range=192.168.50.0,proxy
	pxe-prompt="twinbench", 1
	# BIOS: dnsmasq adds the ".0" to the base name
	pxe-service=x86PC,"twinbench (BIOS)",pxelinux
	# UEFI x86-64 (firmware sends client architecture 7 or 9)
	pxe-service=BC_EFI,"twinbench (UEFI)",syslinux.efi
	pxe-service=X86-64_EFI,"twinbench (UEFI)",syslinux.efi

	# ---- Mode 2: dnsmasq hands out the addresses too ------------------
	#dhcp-range=192.168.50.100,192.168.50.199,12h
	#dhcp-option=option:router,192.168.50.1
	#dhcp-match=set:efi64,option:client-arch,7
	#dhcp-match=set:efi64,option:client-arch,9
	#dhcp-match=set:ipxe,175
	#dhcp-boot=tag:ipxe,boot.ipxe
	#dhcp-boot=tag:!ipxe,tag:efi64,syslinux.efi
	#dhcp-boot=tag:!ipxe,tag:!efi64,pxelinux.0
	EOF
}

rm -rf "$t"
mkdir -p "$t/pxelinux.cfg"
cp "$S/PXELINUX/pxelinux.0" "$S/syslinux/modules/bios/ldlinux.c32" "$t/"
cp "$S/SYSLINUX.EFI/efi64/syslinux.efi" "$S/syslinux/modules/efi64/ldlinux.e64" \
	"$t/"
cp "$VMLINUZ" "$t/vmlinuz"
cp "$INITRD" "$t/initrd.img"
boot_menu vmlinuz initrd.img "IPAPPEND 2" > "$t/pxelinux.cfg/default"
ipxe_script > "$t/boot.ipxe"
dnsmasq_conf > "$t/dnsmasq.conf"
chmod -R u=rwX,go=rX "$t"
set_times "$t"
rm -rf "$out"
mv "$t" "$out"
touch "$out/.stamp"
