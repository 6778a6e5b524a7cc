# media-lib.sh - helpers shared by mkiso.sh, mkpxe.sh and mkresdisk.sh
# (sourced, not run).  The callers set SEED, SOURCE_DATE_EPOCH, PROFILES and
# DEFAULT_PROFILE; every identifier derives from SEED and every time stamp
# is SOURCE_DATE_EPOCH, as in mkdisk.sh.

die() { echo "twinbench: $*" >&2; exit 1; }

# need VAR...: stop unless each variable is set and not empty
need() {
	local v
	for v in "$@"; do
		[ -n "${!v:-}" ] || die "$(basename "$0"): $v is not set"
	done
}

# seeded identifiers: hex digest of "SEED:what"
hexof() { printf '%s:%s' "$SEED" "$1" | sha256sum | cut -c1-"$2"; }
uuidof() {
	local h
	h=$(hexof "$1" 32)
	echo "${h:0:8}-${h:8:4}-4${h:13:3}-a${h:17:3}-${h:20:12}"
}

# boot_menu KERNEL INITRD [EXTRA]: a syslinux-family menu with one entry per
# shipped profile, the same entries and APPEND lines as disk.img's
# syslinux.cfg; EXTRA (e.g. "IPAPPEND 2") is added to every entry.
boot_menu() {
	local p n
	echo "# twinbench boot menu: one entry per shipped profile."
	echo "DEFAULT ${DEFAULT_PROFILE:-default}"
	echo "PROMPT 1"
	echo "TIMEOUT 30"
	echo "SERIAL 0 115200"
	for p in "$PROFILES"/*.profile; do
		n=$(basename "$p" .profile)
		echo
		echo "LABEL $n"
		echo "  KERNEL $1"
		echo "  INITRD $2"
		echo "  APPEND console=tty0 console=ttyS0,115200 bench.profile=$n quiet panic=10"
		[ -z "${3:-}" ] || echo "  $3"
	done
}

# set_times DIR: every file and directory under DIR gets SOURCE_DATE_EPOCH
set_times() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# fat_image IMG LABEL SRCDIR: a FAT file system holding SRCDIR's tree, sized
# to fit it (mkfs.fat --invariant, seeded serial, mtools; no mounting).
fat_image() {
	local img=$1 label=$2 src=$3 kib
	kib=$(du -s -B1024 --apparent-size "$src" | cut -f1)
	# room for the FATs, directories and cluster slack, rounded to MiB
	kib=$(( (kib + kib / 8 + 2048 + 1023) / 1024 * 1024 ))
	rm -f "$img"
	export MTOOLS_SKIP_CHECK=1
	mkfs.fat ${FAT_OPTS:-} -n "$label" --invariant -i "$(hexof "fat:${img##*/}" 8)" \
		-C "$img" "$kib" >/dev/null
	(cd "$src" && find . -mindepth 1 -type d | sort | sed 's|^\./|::/|' |
		xargs -r mmd -i "$img")
	(cd "$src" && find . -type f | sort | while read -r p; do
		mcopy -m -i "$img" "$p" "::/${p#./}"; done)
}
