#!/usr/bin/env bats
# Reproducibility (DESIGN section 3): two builds of the same tree, in
# different directories and at different times, give byte-identical
# artefacts.  Slow: two full builds (the pinned inputs are shared).
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	make_quiet source
	local t=$BATS_FILE_TMPDIR
	export SDE VER
	SDE=$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || echo 1700000000)
	VER=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo test)
	for d in one/src two/deeper/src; do
		mkdir -p "$t/$d"
		(cd "$REPO" && git ls-files -co --exclude-standard -z |
			xargs -0 cp --parents -t "$t/$d")
	done
	build "$t/one/src" "$t/one/out"
	sleep 2	# FAT keeps time stamps in 2 s steps: make the clocks differ
	build "$t/two/deeper/src" "$t/two/out"
}

build() {
	make -C "$1" O="$2" DL_DIR="$REPO/dl" SOURCE_DATE_EPOCH="$SDE" \
		VERSION="$VER" guest host formats > "$2.log" 2>&1 || {
		cat "$2.log" >&2
		return 1
	}
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
	local t=$BATS_FILE_TMPDIR d
	cmp "$t/one/out/guest/twinbench.iso" "$t/two/out/guest/twinbench.iso"
	diff -r "$t/one/out/guest/pxe" "$t/two/out/guest/pxe"
	for d in one/src two/deeper/src; do
		make -C "$t/$d" O="$t/${d%%/*}/out" DL_DIR="$REPO/dl" \
			SOURCE_DATE_EPOCH="$SDE" VERSION="$VER" results-disk \
			> /dev/null
	done
	cmp "$t/one/out/results-disk.img" "$t/two/out/results-disk.img"
}
