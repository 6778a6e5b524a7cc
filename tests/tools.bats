#!/usr/bin/env bats
# The static upstream tools: $B/tools/bzip2 and $B/tools/mke2fs, built with
# musl from the Debian source packages pinned in image-builder/inputs.lock.
bats_require_minimum_version 1.5.0
load helper

LOCK=$REPO/image-builder/inputs.lock
BZ=$B/tools/bzip2
MKE2FS=$B/tools/mke2fs

# upstream_version PKG: the pinned version of source package PKG, without
# epoch and Debian revision (1.0.8-5 -> 1.0.8)
upstream_version() {
	local v
	v=$(awk -v p="$1" '$1 == "src" && $2 == p { print $3; exit }' "$LOCK")
	v=${v#*:}
	echo "${v%-*}"
}

# gen_text SEED: about 1 MiB of word-like lines (Park-Miller generator)
gen_text() {
	awk -v x="$1" 'BEGIN {
		n = split("the of and to in is was for on that with as by at " \
			"from it be this are or an which have not but had his " \
			"they you were her all she there would their we him " \
			"been has when who will more no if out so said what up " \
			"its about into than them can only other new some could " \
			"time these two may then do first any my now such like", \
			w, " ")
		for (out = 0; out < 1048576; out += length(line) + 1) {
			x = (x * 16807) % 2147483647
			k = 3 + x % 12
			line = ""
			for (i = 0; i < k; i++) {
				x = (x * 16807) % 2147483647
				line = line (i ? " " : "") w[1 + x % n]
			}
			x = (x * 16807) % 2147483647
			line = line " " x % 100000 "."
			print line
		}
	}'
}

# gen_random SEED BYTES: incompressible bytes (same generator, high bits)
gen_random() {
	awk -v x="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			x = (x * 16807) % 2147483647
			printf "%02X", int(x / 8388608)
			if (i % 32 == 31)
				printf "\n"
		}
	}' | basenc --base16 -d
}

# gen_input: 3.2 MiB mixing text, random data and a long run of one byte,
# so that -9's 900k blocks each hold more than one kind
gen_input() {
	gen_text 1
	gen_random 2 1048576
	head -c 204800 /dev/zero | tr '\0' a
	gen_text 3
}

# skip in setup_file fails instead on bats 1.8.2 (Debian 12; bats-core
# issue 686): setup_file leaves the reason in TOOLS_SKIP, setup skips.
setup_file() {
	export TOOLS_SKIP=
	if ! command -v musl-gcc >/dev/null ||
		! command -v dpkg-source >/dev/null; then
		[ -x "$B/tools/bzip2" ] && [ -x "$B/tools/mke2fs" ] ||
			TOOLS_SKIP="no tools in $B/tools, and musl-gcc or"
		[ -z "$TOOLS_SKIP" ] ||
			TOOLS_SKIP+=" dpkg-source is missing ('make deps')"
	else
		make_quiet tools
	fi
	gen_input >"$BATS_FILE_TMPDIR/input"
}

setup() {
	[ -z "$TOOLS_SKIP" ] || skip "$TOOLS_SKIP"
}

@test "bzip2 -9 gives the same bytes as Debian's bzip2, and -d round-trips" {
	[ -x /bin/bzip2 ] || skip "Debian's bzip2 is not installed ('make deps')"
	local in=$BATS_FILE_TMPDIR/input out=$BATS_TEST_TMPDIR
	[ "$(stat -c %s "$in")" -gt 3000000 ]
	[ "$(gen_random 2 4096 | sha256sum)" = \
		"$(gen_random 2 4096 | sha256sum)" ]
	"$BZ" -9 <"$in" >"$out/ours.bz2"
	/bin/bzip2 -9 <"$in" >"$out/debian.bz2"
	cmp "$out/ours.bz2" "$out/debian.bz2"
	"$BZ" -d <"$out/ours.bz2" | cmp - "$in"
	# file mode too: -k keeps the input, writes input.bz2
	cp "$in" "$out/f"
	"$BZ" -1 -k "$out/f"
	/bin/bzip2 -1 <"$in" | cmp - "$out/f.bz2"
	rm "$out/f"
	"$BZ" -d "$out/f.bz2"
	cmp "$out/f" "$in"
}

@test "bzip2 and mke2fs are static, stripped executables" {
	local t
	for t in "$BZ" "$MKE2FS"; do
		run -0 readelf -lW "$t"
		[[ "$output" != *INTERP* ]]
		run -0 readelf -d "$t"
		[[ "$output" == *"no dynamic section"* ]]
		run -0 file -b "$t"
		[[ "$output" == *"statically linked"* ]]
		[[ "$output" == *", stripped"* ]]
	done
}

@test "mke2fs makes a clean ext4 with label and UUID, without mke2fs.conf" {
	local img=$BATS_TEST_TMPDIR/scratch.img
	local uuid=5f0c2b9e-4d3a-4e1f-8a6b-7c9d0e1f2a3b
	truncate -s 64M "$img"
	# the appliance has no /etc/mke2fs.conf: only the built-in profile
	run -0 env MKE2FS_CONFIG=/nonexistent/mke2fs.conf "$MKE2FS" -F -q \
		-t ext4 -L BENCHSCRATCH -U "$uuid" -E nodiscard "$img"
	run -0 /sbin/e2fsck -fn "$img"
	[[ "$output" == *"BENCHSCRATCH: 11/"* ]]
	run -0 /sbin/dumpe2fs -h "$img"
	[[ "$output" == *"Filesystem volume name:   BENCHSCRATCH"* ]]
	[[ "$output" == *"Filesystem UUID:          $uuid"* ]]
	local f features
	features=$(sed -n 's/^Filesystem features: *//p' <<<"$output")
	for f in has_journal extent 64bit flex_bg metadata_csum huge_file \
		dir_nlink extra_isize; do
		[[ " $features " == *" $f "* ]] || {
			echo "feature $f missing: $features" >&2
			return 1
		}
	done
}

@test "mke2fs without mke2fs.conf makes what Debian's mke2fs makes" {
	[ -r /etc/mke2fs.conf ] || skip "no Debian /etc/mke2fs.conf to compare"
	local d=$BATS_TEST_TMPDIR f fields
	fields='Filesystem features|Inode count|Block count|Block size'
	fields+='|Inode size|Flex block group size'
	fields+='|Default mount options|Reserved block count'
	for f in ours debian; do
		truncate -s 1G "$d/$f.img"
	done
	MKE2FS_CONFIG=/nonexistent/mke2fs.conf "$MKE2FS" -F -q -t ext4 \
		-E nodiscard "$d/ours.img"
	/sbin/mke2fs -F -q -t ext4 -E nodiscard "$d/debian.img"
	for f in ours debian; do
		/sbin/dumpe2fs -h "$d/$f.img" 2>/dev/null |
			grep -E "^($fields):" >"$d/$f.txt"
	done
	[ "$(wc -l <"$d/ours.txt")" -eq 8 ]
	diff "$d/ours.txt" "$d/debian.txt"
}

@test "the tools are the pinned versions, with Debian's patches" {
	local v
	v=$(upstream_version bzip2)
	[ -n "$v" ]
	run -0 "$BZ" --version
	[[ "$output" == *"Version $v, "* ]]
	v=$(upstream_version e2fsprogs)
	[ -n "$v" ]
	run -0 "$MKE2FS" -V
	[[ "${lines[0]}" == "mke2fs $v ("* ]]
	[[ "$output" == *"Using EXT2FS Library version $v"* ]]
	# Debian's disable-metadata_csum_seed-and-orphan_file-by-default
	local img=$BATS_TEST_TMPDIR/p.img
	truncate -s 64M "$img"
	MKE2FS_CONFIG=/nonexistent/mke2fs.conf "$MKE2FS" -F -q -t ext4 "$img"
	run -0 /sbin/dumpe2fs -h "$img"
	[[ "$output" == *metadata_csum* ]]
	[[ "$output" != *metadata_csum_seed* ]]
	[[ "$output" != *orphan_file* ]]
}

@test "a second build elsewhere, later, gives the same bytes" {
	command -v musl-gcc >/dev/null || skip "musl-gcc missing ('make deps')"
	local o2=$BATS_FILE_TMPDIR/o2
	run -0 make -C "$REPO" O="$o2" tools
	cmp "$BZ" "$o2/build/tools/bzip2"
	cmp "$MKE2FS" "$o2/build/tools/mke2fs"
	[ -s "$o2/build/build/bzip2/build.log" ]
	[ -s "$o2/build/build/e2fsprogs/build.log" ]
}
