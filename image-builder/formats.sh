#!/bin/bash
# formats.sh DISK FORMAT OUT - convert the raw disk.img with qemu-img for
# another hypervisor, then replace what qemu-img fills in at random with
# values derived from SEED, so the result is reproducible:
#   qcow2  QEMU/KVM, Proxmox, libvirt   nothing random
#   vmdk   VMware                       descriptor CID (8 hex digits)
#   vdi    VirtualBox                   creation and modification UUIDs
#   vhdx   Hyper-V                      random GUIDs in headers, region
#                                       and log entries, each covered by
#                                       a CRC-32C: left as qemu-img makes it
# environment: SEED
set -euo pipefail
disk=$1 fmt=$2 out=$3
die() { echo "twinbench: $*" >&2; exit 1; }
[ -n "${SEED:-}" ] || die "formats.sh: SEED is not set"
hexof() { printf '%s:%s' "$SEED" "$1" | sha256sum | cut -c1-"$2"; }
patch_at() { # file offset hexbytes
	printf '%s' "$3" | xxd -r -p | dd of="$1" bs=1 seek="$2" conv=notrunc \
		status=none
}

# vmdk_cid FILE: replace the descriptor's random CID line with a seeded one.
# qemu-img prints the CID without leading zeros, so its length varies: the
# whole descriptor text is rewritten, NUL-padded to its area (header fields:
# descriptor offset at byte 28, size at byte 36, both in 512-byte sectors).
vmdk_cid() {
	local f=$1 doff dsz text LC_ALL=C
	doff=$(od -An -tu8 -j28 -N8 "$f" | tr -d ' ')
	dsz=$(od -An -tu8 -j36 -N8 "$f" | tr -d ' ')
	[ "${doff:-0}" -gt 0 ] && [ "${dsz:-0}" -gt 0 ] ||
		die "$f: no embedded VMDK descriptor"
	text=$(dd if="$f" bs=512 skip="$doff" count="$dsz" status=none | tr -d '\0')
	[ "$(grep -c '^CID=[0-9a-f]\{1,8\}$' <<< "$text")" = 1 ] ||
		die "$f: not one CID line in the VMDK descriptor"
	text=$(sed "s/^CID=[0-9a-f]*$/CID=$(hexof vmdk-cid 8)/" <<< "$text")
	[ $(( ${#text} + 1 )) -le $(( dsz * 512 )) ] ||
		die "$f: VMDK descriptor outgrows its area"
	{ printf '%s\n' "$text"; head -c $(( dsz * 512 - ${#text} - 1 )) /dev/zero; } |
		dd of="$f" bs=512 seek="$doff" conv=notrunc iflag=fullblock status=none
}

# qemu-img writes the file name into a VMDK descriptor: convert under the
# final name in a private directory, then move it into place.
tmpd=$(mktemp -d "$(dirname "$out")/.formats.XXXXXX")
trap 'rm -rf "$tmpd"' EXIT
tmp=$tmpd/$(basename "$out")
case $fmt in
qcow2) qemu-img convert -q -f raw -O qcow2 "$disk" "$tmp" ;;
vmdk)
	qemu-img convert -q -f raw -O vmdk -o subformat=monolithicSparse \
		"$disk" "$tmp"
	vmdk_cid "$tmp" ;;
vdi)
	qemu-img convert -q -f raw -O vdi "$disk" "$tmp"
	# VDI 1.1 header: uuid_create at 0x188, uuid_modify at 0x198
	patch_at "$tmp" $((0x188)) "$(hexof vdi-create 32)"
	patch_at "$tmp" $((0x198)) "$(hexof vdi-modify 32)" ;;
vhdx) qemu-img convert -q -f raw -O vhdx "$disk" "$tmp" ;;
*) die "formats.sh: unknown format '$fmt'" ;;
esac
qemu-img check -q "$tmp" || die "$out: qemu-img check failed"
mv "$tmp" "$out"
