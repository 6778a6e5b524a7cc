#!/bin/bash
# initramfs.sh - write the mkcpio list and the embedded image manifest of
# one flavour's initramfs.
#
# usage: initramfs.sh OUTDIR FLAVOUR
# environment (all required):
#   KROOT KREL      unpacked kernel package and its release
#   MODLISTS        space separated module list files of the flavour
#   APPLIANCE       the static appliance binary (/init)
#   TOOLS           directory with the static bzip2 and mke2fs
#   BUSYBOX         the static busybox binary
#   PROFILES        directory of *.profile files
#   LOCK            image-builder/inputs.lock
#   VERSION SEED SOURCE_DATE_EPOCH
# optional: EXTRA_FILES "DEST=SRC ...", EXTRA_TREES "DEST=SRCDIR ..."
# writes OUTDIR/modules.order, OUTDIR/manifest.json (embedded), OUTDIR/list
set -euo pipefail
out=$1 flavour=$2
here=$(dirname "$0")
die() { echo "twinbench: $*" >&2; exit 1; }
for v in KROOT KREL MODLISTS APPLIANCE TOOLS BUSYBOX PROFILES LOCK VERSION \
	SEED SOURCE_DATE_EPOCH; do
	[ -n "${!v:-}" ] || die "initramfs.sh: $v is not set"
done
mkdir -p "$out"
export LC_ALL=C

# shellcheck disable=SC2086
bash "$here/modules.sh" "$KROOT" "$KREL" $MODLISTS > "$out/modules.rel"
sed 's|^|/|' "$out/modules.rel" > "$out/modules.order"

# name source mode; directories are added below.
entries() {
	echo "init $APPLIANCE 0755"
	echo "bin/busybox $BUSYBOX 0755"
	echo "usr/bin/bzip2 $TOOLS/bzip2 0755"
	echo "usr/bin/mke2fs $TOOLS/mke2fs 0755"
	echo "etc/twinbench/modules.order $out/modules.order 0644"
	for p in "$PROFILES"/*.profile; do
		echo "etc/twinbench/profiles/$(basename "$p") $p 0644"
	done
	while read -r m; do echo "$m $KROOT/$m 0644"; done < "$out/modules.rel"
	for f in ${EXTRA_FILES:-}; do
		echo "${f%%=*} ${f#*=} $(modeof "${f#*=}")"
	done
	for t in ${EXTRA_TREES:-}; do
		src=${t#*=}
		[ -d "$src" ] || die "$src: missing (needed for /${t%%=*})"
		(cd "$src" && find . -type f ! -name .stamp | sed 's|^\./||') |
		while read -r p; do
			echo "${t%%=*}/$p $src/$p $(modeof "$src/$p")"
		done
	done
}
modeof() { if [ -x "$1" ]; then echo 0755; else echo 0644; fi; }
entries | sort > "$out/files"
while read -r name src mode; do
	[ -f "$src" ] || die "$src: missing (needed for /$name)"
done < "$out/files"

# The embedded manifest: inputs, and the sha256 of every file beside it.
# An input's kind is bin or src and its suite the Debian release it is
# from (lock kind src-trixie: a src from trixie; the others: bookworm).
grep -v '^[[:space:]]*\(#\|$\)' "$LOCK" | jq -R -s '
	split("\n") | map(select(length > 0) | split(" ") |
	{kind: (.[0] | sub("-trixie$"; "")),
	 suite: (if .[0] == "src-trixie" then "trixie" else "bookworm" end),
	 name: .[1], version: .[2], file: .[3], sha256: .[4],
	 license: .[5]})' > "$out/inputs.json"
while read -r name src mode; do
	printf '/%s %s %s %s\n' "$name" "$(sha256sum < "$src" | cut -c1-64)" \
		"$(stat -c %s "$src")" "$mode"
done < "$out/files" | jq -R -s '
	split("\n") | map(select(length > 0) | split(" ") |
	{path: .[0], sha256: .[1], size: (.[2] | tonumber), mode: .[3]})' \
	> "$out/files.json"
jq -n --arg v "$VERSION" --arg f "$flavour" --arg k "$KREL" \
	--arg seed "$SEED" --argjson sde "$SOURCE_DATE_EPOCH" \
	--slurpfile inputs "$out/inputs.json" --slurpfile files "$out/files.json" \
	--rawfile mods "$out/modules.order" '
	{schema: 1, twinbench: $v, flavour: $f, kernel_release: $k,
	 source_date_epoch: $sde, seed: $seed, inputs: $inputs[0],
	 modules: ($mods | split("\n") | map(select(length > 0))),
	 files: $files[0]}' > "$out/manifest.json"
echo "etc/twinbench/manifest.json $out/manifest.json 0644" >> "$out/files"

# The mkcpio list: every parent directory, then the entries, sorted.
{
	cut -d' ' -f1 "$out/files" | while read -r name; do
		d=$(dirname "$name")
		while [ "$d" != . ]; do echo "$d"; d=$(dirname "$d"); done
	done
	printf '%s\n' dev proc sys tmp boot results scratch
} | sort -u | sed 's/$/ dir 0755/' > "$out/dirs"
{
	awk '{print $1, "dir", $3}' "$out/dirs"
	awk '{print $1, "file", $2, $3}' "$out/files"
	echo "bin/sh slink busybox 0777"
	echo "bin/twinbench slink /init 0777"
	echo "dev/console nod 0600 c 5 1"
	echo "dev/null nod 0666 c 1 3"
} | sort -k1,1 | awk '{ k = $2; $2 = ""; sub("  ", " "); print k, $0 }' \
	> "$out/list"
