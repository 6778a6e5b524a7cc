#!/usr/bin/env bats
# Reproducibility (DESIGN section 3): two builds of the same commit, in
# different directories and at different times, give byte-identical
# artefacts.  Slow: two full builds (the pinned inputs are shared).
#
# Each build is of its own git clone of the committed HEAD, with nothing
# passed for SOURCE_DATE_EPOCH or VERSION: the Makefile's defaults (the
# commit time from `git log -1 --format=%ct`, `git describe --always
# --dirty`) are computed from each clone's own history and compared too.
# Uncommitted changes in the working tree are therefore not in these builds:
# this tests a commit, as a release would be built.
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	make_quiet source
	local t=$BATS_FILE_TMPDIR
	mkdir -p "$t/one" "$t/two/deeper"
	git clone -q "$REPO" "$t/one/src"
	# the second from the first: the same commit even if $REPO moves on
	git clone -q "$t/one/src" "$t/two/deeper/src"
	build "$t/one/src" "$t/one/out" guest host formats
	sleep 2	# FAT keeps time stamps in 2 s steps: make the clocks differ
	build "$t/two/deeper/src" "$t/two/out" guest host formats
}

# build SRC OUT TARGET...: make in SRC with the defaults a fresh shell has
# (make test exports SOURCE_DATE_EPOCH; the outer make's flags stay out too)
build() {
	local src=$1 out=$2
	shift 2
	env -u SOURCE_DATE_EPOCH -u VERSION -u MAKEFLAGS -u MAKELEVEL \
		make -C "$src" O="$out" DL_DIR="$DL" "$@" \
		> "$out.log" 2>&1 || {
		cat "$out.log" >&2
		return 1
	}
}

@test "each build takes its version and date from its clone's history" {
	local t=$BATS_FILE_TMPDIR d ver sde
	ver=$(git -C "$t/one/src" describe --always --dirty)
	sde=$(git -C "$t/one/src" log -1 --format=%ct)
	[[ "$ver" != *-dirty ]]
	[ "$sde" -gt 0 ]
	[ "$(git -C "$t/two/deeper/src" describe --always --dirty)" = "$ver" ]
	for d in one/out/guest one/out/host two/out/guest two/out/host; do
		run jq -r '.twinbench + " " + (.source_date_epoch | tostring)' \
			"$t/$d/manifest.json"
		[ "$output" = "$ver $sde" ]
	done
}

@test "two builds in different directories give identical artefacts" {
	local t=$BATS_FILE_TMPDIR f
	for f in vmlinuz initrd.img disk.img rootfs.tar manifest.json \
		disk.qcow2 disk.vmdk disk.vdi; do
		cmp "$t/one/out/guest/$f" "$t/two/out/guest/$f"
		cmp "$t/one/out/host/$f" "$t/two/out/host/$f"
	done
}

@test "the static binaries inside are identical too" {
	local t=$BATS_FILE_TMPDIR f
	for f in appliance/twinbench tools/bzip2 tools/mke2fs; do
		cmp "$t/one/out/build/$f" "$t/two/out/build/$f"
	done
}

@test "the manifest lists every pinned input with its sha256" {
	local t=$BATS_FILE_TMPDIR n
	n=$(grep -cv '^[[:space:]]*\(#\|$\)' "$REPO/image-builder/inputs.lock")
	run jq '.inputs | length' "$t/one/out/guest/manifest.json"
	[ "$output" -eq "$n" ]
	run jq -r '.artefacts["initrd.img"].sha256' "$t/one/out/guest/manifest.json"
	[ "$output" = "$(sha256sum < "$t/one/out/guest/initrd.img" | cut -c1-64)" ]
}

@test "twinbench.iso, pxe/ and results-disk.img are identical too" {
	local t=$BATS_FILE_TMPDIR
	cmp "$t/one/out/guest/twinbench.iso" "$t/two/out/guest/twinbench.iso"
	diff -r "$t/one/out/guest/pxe" "$t/two/out/guest/pxe"
	build "$t/one/src" "$t/one/out" results-disk
	build "$t/two/deeper/src" "$t/two/out" results-disk
	cmp "$t/one/out/results-disk.img" "$t/two/out/results-disk.img"
}
