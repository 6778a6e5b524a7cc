#!/bin/bash
# mkrootfs.sh LIST OUT.tar WORKDIR - the initramfs userland as a root file
# system for OS-level virtualization (LXC, systemd-nspawn, OpenVZ,
# Linux-VServer): every entry of the mkcpio LIST except kernel modules and
# device nodes (the engine provides /dev), plus /sbin/init -> /init.
# Reproducible: sorted names, owners 0:0, one mtime (SOURCE_DATE_EPOCH).
set -euo pipefail
list=$1 out=$2 work=$3
die() { echo "twinbench: $*" >&2; exit 1; }
[ -n "${SOURCE_DATE_EPOCH:-}" ] || die "mkrootfs.sh: SOURCE_DATE_EPOCH is not set"
rm -rf "$work" && mkdir -p "$work/root"
r=$work/root
while read -r kind name a b _; do
	case $name in lib/modules/*|etc/twinbench/modules.order) continue ;; esac
	case $kind in
	dir) mkdir -p "$r/$name" && chmod "$a" "$r/$name" ;;
	file) cp "$a" "$r/$name" && chmod "$b" "$r/$name" ;;
	slink) ln -s "$a" "$r/$name" ;;
	nod) ;;
	*) die "$list: unknown entry '$kind'" ;;
	esac
done < "$list"
rmdir "$r/lib/modules" 2>/dev/null || true
find "$r/lib" -depth -type d -empty -delete 2>/dev/null || true
mkdir -p "$r/sbin" "$r/dev" && ln -s /init "$r/sbin/init"
tar --sort=name --owner=0 --group=0 --numeric-owner --format=gnu \
	--mtime="@$SOURCE_DATE_EPOCH" -C "$r" -cf "$out.tmp" .
mv "$out.tmp" "$out"
