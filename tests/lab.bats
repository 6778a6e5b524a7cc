#!/usr/bin/env bats
# The host-side twinbench command (lab/): collect, show and the parts of run
# that need no VM (profile selection, accelerator choice, reading back), on
# a real disk image built here without root: an MBR made by sfdisk on a
# regular file, p1 FAT32 BENCHBOOT (mkfs.fat + mtools), p2 ext4
# BENCHSCRATCH and p3 ext4 BENCHRES (mke2fs -d from fixture runs).  BENCHRES
# is deliberately not p2: partitions must be found by label.  The same disk
# in qcow2, vdi, vhdx and vmdk is made by the build's own converter
# (image-builder/formats.sh), for collect through qemu-img.  Where `run`
# would start QEMU, TWINBENCH_QEMU points at a stand-in script; real boots
# are in boot.bats.
bats_require_minimum_version 1.5.0
load helper

FORMATS="qcow2 vdi vhdx vmdk"	# what `make formats` makes

setup_file() {
	make_quiet lab
	export FIX=$BATS_FILE_TMPDIR/fixture
	mkdir -p "$FIX"
	write_runs "$FIX/res"
	make_disk "$FIX/disk.img" "$FIX/res"
	local f
	for f in $FORMATS; do
		SEED=lab-bats bash "$REPO/image-builder/formats.sh" \
			"$FIX/disk.img" "$f" "$FIX/disk.$f"
	done
}

setup() {
	DISK=$BATS_TEST_TMPDIR/disk.img
	cp --sparse=always "$FIX/disk.img" "$DISK"
	export TWINBENCH_KVM_CACHE=$BATS_TEST_TMPDIR/kvm-probe
	export MTOOLS_SKIP_CHECK=1
	# run without --out keeps its serial log in $TMPDIR
	export TMPDIR=$BATS_TEST_TMPDIR
}

# ---- fixture -------------------------------------------------------------

# run_0001 DIR: a complete smoke run (DESIGN section 6 formats)
run_0001() {
	local d=$1/0001-kvm-virtio
	mkdir -p "$d"
	cat > "$d/manifest.json" <<-'EOF'
	{"schema":1,"run":"0001-kvm-virtio","label":"kvm-virtio","image_id":"5b1e0c1f2a9d","kernel":{"release":"6.1.0-56-amd64"},"profile":{"name":"smoke","sha256":"9f2c"},"cpu":{"model":"QEMU Virtual CPU","count":2},"memory_kib":503400,"hypervisor":"KVMKVMKVM"}
	EOF
	: > "$d/samples.jsonl"
	local rep v
	for rep in 0:13.9 1:12.4 2:12.5 3:12.7; do
		v=${rep#*:}
		printf '{"schema":1,"run":"0001-kvm-virtio","instance":"compress","workload":"compress","rep":%d,"warmup":%s,"metric":"seconds","value":%s,"unit":"s","better":"lower","status":"ok","reason":null,"t_start_ns":%d000000000,"t_end_ns":%d000000000,"params":{"size":4194304,"level":9}}\n' \
			"${rep%%:*}" "$([ "${rep%%:*}" = 0 ] && echo true || echo false)" \
			"$v" "$((10 + ${rep%%:*} * 20))" "$((24 + ${rep%%:*} * 20))" >> "$d/samples.jsonl"
	done
	cat > "$d/summary.json" <<-'EOF'
	{"schema":1,"run":"0001-kvm-virtio","label":"kvm-virtio","profile":"smoke","status":"ok","reason":null,"instances":[
	 {"instance":"compress","workload":"compress","status":"ok","reason":null,"repeat":4,"discard":1,"metrics":[
	  {"metric":"seconds","unit":"s","better":"lower","n":3,"discarded":1,"median":12.5,"mean":12.533333333333331,"min":12.4,"max":12.699999999999999,"mad":0.099999999999999645,"cv":0.012187701316371875},
	  {"metric":"throughput","unit":"MB/s","better":"higher","n":3,"discarded":1,"median":34.64,"mean":34.550000000000004,"min":34.090000000000003,"max":34.920000000000002,"mad":0.28000000000000114,"cv":0.01222158745627633},
	  {"metric":"ratio","unit":"x","better":null,"n":3,"discarded":1,"min":4.0999999999999996,"max":4.0999999999999996}]},
	 {"instance":"seqio-zero","workload":"seqio","status":"ok","reason":null,"repeat":4,"discard":1,"metrics":[
	  {"metric":"throughput","unit":"MB/s","better":"higher","n":3,"discarded":1,"median":2003,"mean":2000.5833333333333,"min":1987.25,"max":2011.5,"mad":8.5,"cv":0.006150356853867918}]},
	 {"instance":"seqio-direct","workload":"seqio","status":"skipped","reason":"O_DIRECT is not supported on this file system","repeat":4,"discard":1,"metrics":[]}]}
	EOF
	printf '[1/3 compress 1/4] 13.9 s\nTWINBENCH-DONE 0001-kvm-virtio ok\n' \
		> "$d/console.log"
	: > "$d/DONE"
}

# run_0002 DIR: complete, failed before anything ran (bad profile)
run_0002() {
	local d=$1/0002-tcg
	mkdir -p "$d"
	echo '{"schema":1,"run":"0002-tcg","label":"tcg"}' > "$d/manifest.json"
	: > "$d/samples.jsonl"
	cat > "$d/summary.json" <<-'EOF'
	{"schema":1,"run":"0002-tcg","label":"tcg","profile":"smoke","status":"failed","reason":"/profiles/smoke.profile:6: level: 12 is out of range (1..9)","instances":[]}
	EOF
	echo 'TWINBENCH-DONE 0002-tcg failed' > "$d/console.log"
	: > "$d/DONE"
}

# run_0003 DIR: summary.json written, power lost before DONE
run_0003() {
	local d=$1/0003-bare
	mkdir -p "$d"
	sed -e 's/0001-kvm-virtio/0003-bare/g' -e 's/"kvm-virtio"/"bare"/' \
		"$1/0001-kvm-virtio/summary.json" > "$d/summary.json"
	echo '{"schema":1,"run":"0003-bare","label":"bare"}' > "$d/manifest.json"
	: > "$d/samples.jsonl"
	: > "$d/console.log"
}

# run_0004 DIR: power lost in the middle: no summary.json, no DONE
run_0004() {
	local d=$1/0004-xen-hvm
	mkdir -p "$d"
	echo '{"schema":1,"run":"0004-xen-hvm","label":"xen-hvm"}' > "$d/manifest.json"
	head -n 2 "$1/0001-kvm-virtio/samples.jsonl" |
		sed 's/0001-kvm-virtio/0004-xen-hvm/' > "$d/samples.jsonl"
	echo '[1/3 compress 1/4] 14.2 s' > "$d/console.log"
}

# write_runs DIR: DIR/runs/ as the appliance leaves it on BENCHRES
write_runs() {
	mkdir -p "$1/runs"
	run_0001 "$1/runs"
	run_0002 "$1/runs"
	run_0003 "$1/runs"
	run_0004 "$1/runs"
	echo 4 > "$1/runs/.counter"
}

cfg_text() {
	cat <<-'EOF'
	# twinbench boot menu: one entry per shipped profile.
	DEFAULT default
	PROMPT 1
	TIMEOUT 30
	SERIAL 0 115200

	LABEL camargos2008
	  KERNEL /vmlinuz
	  INITRD /initrd.img
	  APPEND console=tty0 console=ttyS0,115200 bench.profile=camargos2008 quiet

	LABEL default
	  KERNEL /vmlinuz
	  INITRD /initrd.img
	  APPEND console=tty0 console=ttyS0,115200 bench.profile=default quiet

	LABEL smoke
	  KERNEL /vmlinuz
	  INITRD /initrd.img
	  APPEND console=tty0 console=ttyS0,115200 bench.profile=smoke quiet
	EOF
}

# make_disk IMAGE RESDIR: p1 FAT32 BENCHBOOT (40 MiB), p2 ext4 BENCHSCRATCH
# (8 MiB), p3 ext4 BENCHRES (16 MiB) made from RESDIR, files owned by root.
make_disk() {
	local img=$1 w
	w=$(dirname "$img")/parts
	mkdir -p "$w"
	cfg_text > "$w/syslinux.cfg"
	printf 'not a kernel\n' > "$w/vmlinuz"
	mkfs.fat -F 32 -s 1 -n BENCHBOOT -C "$w/boot.img" 40960 >/dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$w/boot.img" ::/EFI ::/EFI/BOOT ::/profiles
	for f in /syslinux.cfg /EFI/BOOT/syslinux.cfg /vmlinuz; do
		MTOOLS_SKIP_CHECK=1 mcopy -i "$w/boot.img" \
			"$w/$(basename "$f")" "::$f"
	done
	mke2fs -q -F -t ext4 -L BENCHSCRATCH "$w/scratch.img" 8M
	mke2fs -q -F -t ext4 -L BENCHRES -d "$2" "$w/res.img" 16M
	# owned by root, as the appliance writes them (collecting as another
	# user must cope with copies it cannot chown)
	(cd "$2" && find . -mindepth 1 | sed 's|^\.||' |
		while read -r p; do echo "sif $p uid 0"; echo "sif $p gid 0"; done) |
		debugfs -w -f - "$w/res.img" >/dev/null 2>&1
	truncate -s 66M "$img"
	sfdisk -q "$img" >/dev/null <<-EOF
	label: dos
	start=2048, size=81920, type=c, bootable
	start=83968, size=16384, type=83
	start=100352, size=32768, type=83
	EOF
	dd if="$w/boot.img" of="$img" bs=512 seek=2048 conv=notrunc,sparse status=none
	dd if="$w/scratch.img" of="$img" bs=512 seek=83968 conv=notrunc,sparse status=none
	dd if="$w/res.img" of="$img" bs=512 seek=100352 conv=notrunc,sparse status=none
}

# tree_state DIR: every file with its size, mode, mtime and sha256
tree_state() {
	(cd "$1" && find . -printf '%p %s %m %T@\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

boot_cfg() { mtype -i "$DISK@@$((2048 * 512))" "::$1"; }

# fake_qemu SCRIPT-BODY: a stand-in for qemu-system-x86_64 that logs its
# arguments to $BATS_TEST_TMPDIR/qemu.args (one per line, per call)
fake_qemu() {
	local q=$BATS_TEST_TMPDIR/fake-qemu
	{
		echo '#!/bin/bash'
		echo "printf '%s\n' \"\$@\" '--' >> '$BATS_TEST_TMPDIR/qemu.args'"
		echo "$1"
	} > "$q"
	chmod +x "$q"
	export TWINBENCH_QEMU=$q
}

# ---- help and usage --------------------------------------------------------

@test "help documents every command; usage errors exit 2" {
	run -0 "$LAB" help
	[[ "$output" == *"twinbench run [OPTION]... IMAGE"* ]]
	[[ "$output" == *"twinbench collect IMAGE DESTDIR"* ]]
	[[ "$output" == *"twinbench show [--csv|--markdown] RUNDIR..."* ]]
	[[ "$output" == *"--profile NAME"* ]]
	run -0 "$LAB" --version
	[[ "$output" == "twinbench "* ]]
	run -2 --separate-stderr "$LAB"
	run -2 --separate-stderr "$LAB" frobnicate
	[ "$stderr" = "twinbench: frobnicate: unknown command"$'\n'"Try 'twinbench help'." ]
	run -2 --separate-stderr "$LAB" collect "$DISK"
	run -2 --separate-stderr "$LAB" show --csv --markdown x
	run -2 --separate-stderr "$LAB" run --accel xen "$DISK"
	[[ "$stderr" == *"--accel: auto, kvm or tcg"* ]]
	run -2 --separate-stderr "$LAB" run --memory 12 "$DISK"
	run -2 --separate-stderr "$LAB" run --label 'a b' "$DISK"
	run -2 --separate-stderr "$LAB" run --bogus "$DISK"
	[[ "$stderr" == *"run: unknown option --bogus"* ]]
}

# ---- collect ---------------------------------------------------------------

@test "collect copies every run off BENCHRES (found by label, not p2)" {
	local dest=$BATS_TEST_TMPDIR/results
	run -0 --separate-stderr "$LAB" collect "$DISK" "$dest"
	[ "${lines[0]}" = "collected 0001-kvm-virtio -> $dest/0001-kvm-virtio" ]
	[ "${lines[1]}" = "collected 0002-tcg -> $dest/0002-tcg" ]
	[ "${lines[2]}" = "collected 0003-bare -> $dest/0003-bare (incomplete: no DONE)" ]
	[ "${lines[3]}" = "collected 0004-xen-hvm -> $dest/0004-xen-hvm (incomplete: no DONE)" ]
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
	# byte for byte what was written; no counter, no temporary left
	diff -r "$FIX/res/runs/0001-kvm-virtio" "$dest/0001-kvm-virtio"
	diff -r "$FIX/res/runs/0004-xen-hvm" "$dest/0004-xen-hvm"
	run -0 ls -A "$dest"
	[ "$output" = $'0001-kvm-virtio\n0002-tcg\n0003-bare\n0004-xen-hvm' ]
	# the image is only read
	cmp "$FIX/disk.img" "$DISK"
}

@test "collecting again skips what is already there and changes nothing" {
	local dest=$BATS_TEST_TMPDIR/results before
	run -0 "$LAB" collect "$DISK" "$dest"
	before=$(tree_state "$dest")
	sleep 0.05
	run -0 --separate-stderr "$LAB" collect "$DISK" "$dest"
	[ "${lines[0]}" = "skipped 0001-kvm-virtio: already collected in $dest/0001-kvm-virtio" ]
	[ "${lines[3]}" = "skipped 0004-xen-hvm: already collected in $dest/0004-xen-hvm" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(tree_state "$dest")" = "$before" ]
}

@test "a differing run already in DESTDIR is refused and left untouched" {
	local dest=$BATS_TEST_TMPDIR/results before
	run -0 "$LAB" collect "$DISK" "$dest"
	echo '{"edited":true}' > "$dest/0002-tcg/summary.json"
	rm "$dest/0001-kvm-virtio/console.log"
	before=$(tree_state "$dest")
	run -1 --separate-stderr "$LAB" collect "$DISK" "$dest"
	[[ "$stderr" == *"twinbench: $dest/0001-kvm-virtio: exists and differs from run 0001-kvm-virtio on $DISK; left alone"* ]]
	[[ "$stderr" == *"twinbench: $dest/0002-tcg: exists and differs from run 0002-tcg on $DISK; left alone"* ]]
	[[ "$output" == *"skipped 0003-bare: already collected"* ]]
	[ "$(tree_state "$dest")" = "$before" ]
	[ "$(cat "$dest/0002-tcg/summary.json")" = '{"edited":true}' ]
}

@test "collect names what is wrong with the image" {
	run -1 --separate-stderr "$LAB" collect "$BATS_TEST_TMPDIR/none.img" "$BATS_TEST_TMPDIR/r"
	[ "$stderr" = "twinbench: $BATS_TEST_TMPDIR/none.img: No such file or directory" ]
	run -1 --separate-stderr "$LAB" collect "$FIX/parts/res.img" "$BATS_TEST_TMPDIR/r"
	[ "$stderr" = "twinbench: $FIX/parts/res.img: BENCHRES: no MBR partition table (not a disk image?)
twinbench: $FIX/parts/res.img: qemu-img info: raw (no header of qcow2, vmdk, vdi, vhdx or another format it reads)" ]
	# relabel BENCHRES: nothing is taken by its number instead
	tune2fs -L OTHER "$DISK?offset=$((100352 * 512))" >/dev/null 2>&1 ||
		e2label "$DISK?offset=$((100352 * 512))" OTHER
	run -1 --separate-stderr "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/r"
	[ "$stderr" = "twinbench: $DISK: BENCHRES: no partition with that label" ]
}

@test "collect of an image whose BENCHRES has no runs yet" {
	local img=$BATS_TEST_TMPDIR/empty.img
	mkdir -p "$BATS_TEST_TMPDIR/e"
	make_disk "$img" "$BATS_TEST_TMPDIR/e"
	run -0 "$LAB" collect "$img" "$BATS_TEST_TMPDIR/r"
	[ "$output" = "no runs on $img" ]
	run -0 ls -A "$BATS_TEST_TMPDIR/r"
	[ -z "$output" ]
}

@test "collect works when TMPDIR is on another file system than DESTDIR" {
	[ -d /dev/shm ] && [ -w /dev/shm ] ||
		skip "no /dev/shm to put TMPDIR on"
	[ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$BATS_TEST_TMPDIR")" ] ||
		skip "/dev/shm is on the same file system"
	local tmp dest=$BATS_TEST_TMPDIR/results
	tmp=$(mktemp -d /dev/shm/twinbench-lab.XXXXXX)
	TMPDIR=$tmp run -0 "$LAB" collect "$DISK" "$dest"
	local left
	left=$(ls -A "$tmp")
	rm -rf "$tmp"
	[ -z "$left" ]
	[ "${lines[2]}" = "collected 0003-bare -> $dest/0003-bare (incomplete: no DONE)" ]
	diff -r "$FIX/res/runs" "$dest" -x .counter
	# the raw copy of a vmdk is in TMPDIR too
	tmp=$(mktemp -d /dev/shm/twinbench-lab.XXXXXX)
	TMPDIR=$tmp run -0 "$LAB" collect "$FIX/disk.vmdk" "$dest.vmdk"
	left=$(ls -A "$tmp")
	rm -rf "$tmp"
	[ -z "$left" ]
	diff -r "$FIX/res/runs" "$dest.vmdk" -x .counter
}

# ---- collect from qcow2, vdi, vhdx, vmdk (qemu-img) ------------------------

# file_state FILE: sha256, size and mtime (ns) of the user's image
file_state() { sha256sum < "$1"; stat -c '%s %.9Y %.9Z' "$1"; }

# collect_as FMT IMAGE: collect IMAGE (in format FMT) like the raw DISK:
# the same output, the same runs byte for byte, one line naming the
# format; the image unchanged, nothing left in a private TMPDIR
collect_as() {
	local fmt=$1 img=$2 before tmp dest ref=$BATS_TEST_TMPDIR/raw
	tmp=$(mktemp -d "$BATS_TEST_TMPDIR/tmp-$fmt.XXXX")
	dest=$(mktemp -d -u "$BATS_TEST_TMPDIR/from-$fmt.XXXX")
	before=$(file_state "$img")
	sleep 0.05
	TMPDIR=$tmp run -0 --separate-stderr "$LAB" collect "$img" "$dest"
	[ "$stderr" = "twinbench: $img: $fmt image, read through a temporary raw copy" ]
	[ "$output" = "$(sed "s|$ref|$dest|g" "$BATS_TEST_TMPDIR/raw.out")" ]
	diff -r "$ref" "$dest"
	[ "$(cd "$ref" && find . -printf '%p %y %s\n' | sort)" = \
		"$(cd "$dest" && find . -printf '%p %y %s\n' | sort)" ]
	[ "$(file_state "$img")" = "$before" ]
	[ -z "$(ls -A "$tmp")" ]
}

raw_ref() {
	run -0 --separate-stderr "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/raw"
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/raw.out"
	[ "${#lines[@]}" -eq 4 ]
}

@test "collect reads the qcow2, vdi, vhdx and vmdk of make formats like disk.img" {
	raw_ref
	local f
	for f in $FORMATS; do
		cp "$FIX/disk.$f" "$BATS_TEST_TMPDIR/disk.$f"
		collect_as "$f" "$BATS_TEST_TMPDIR/disk.$f"
	done
}

@test "collect reads VMware's other vmdk layouts (split extents, stream)" {
	raw_ref
	local d=$BATS_TEST_TMPDIR/vmware
	mkdir -p "$d"
	qemu-img convert -f raw -O vmdk -o subformat=twoGbMaxExtentSparse \
		"$DISK" "$d/split.vmdk"
	[ -e "$d/split-s001.vmdk" ]
	collect_as vmdk "$d/split.vmdk"
	qemu-img convert -f raw -O vmdk -o subformat=streamOptimized \
		"$DISK" "$d/ova.vmdk"
	collect_as vmdk "$d/ova.vmdk"
	# a relative name qemu-img would otherwise take for a protocol
	cp "$FIX/disk.vmdk" "$d/nbd:x.vmdk"
	cd "$d"
	collect_as vmdk "nbd:x.vmdk"
}

# fake_qemu_img: qemu-img on PATH logs its arguments to qemu-img.args
fake_qemu_img() {
	local bin=$BATS_TEST_TMPDIR/bin q
	q=$(command -v qemu-img)
	mkdir -p "$bin"
	printf '#!/bin/sh\necho "$*" >> "%s"\nexec %s "$@"\n' \
		"$BATS_TEST_TMPDIR/qemu-img.args" "$q" > "$bin/qemu-img"
	chmod +x "$bin/qemu-img"
	PATH=$bin:$PATH
}

@test "a raw image is read as it always was: only qemu-img info -U looks" {
	fake_qemu_img
	run -0 --separate-stderr "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/r"
	[ -z "$stderr" ]
	[ "$(cat "$BATS_TEST_TMPDIR/qemu-img.args")" = "info -U --output=json $DISK" ]
	diff -r "$FIX/res/runs" "$BATS_TEST_TMPDIR/r" -x .counter
	# a vmdk: check and convert without -U, from the detected format
	rm "$BATS_TEST_TMPDIR/qemu-img.args"
	cp "$FIX/disk.vmdk" "$BATS_TEST_TMPDIR/d.vmdk"
	run -0 "$LAB" collect "$BATS_TEST_TMPDIR/d.vmdk" "$BATS_TEST_TMPDIR/v"
	run -0 cut -d' ' -f1-8 "$BATS_TEST_TMPDIR/qemu-img.args"
	[ "$output" = "info -U --output=json $BATS_TEST_TMPDIR/d.vmdk
check -q -f vmdk $BATS_TEST_TMPDIR/d.vmdk
convert -q -f vmdk -O raw -S 4k" ]
}

@test "without qemu-img a raw image still collects; a vmdk says what is missing" {
	local bin=$BATS_TEST_TMPDIR/nobin
	mkdir -p "$bin"
	ln -s "$(command -v debugfs)" "$bin/debugfs"
	run -0 --separate-stderr env PATH="$bin" "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/r"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 4 ]
	cp "$FIX/disk.vmdk" "$BATS_TEST_TMPDIR/d.vmdk"
	run -1 --separate-stderr env PATH="$bin" "$LAB" collect "$BATS_TEST_TMPDIR/d.vmdk" "$BATS_TEST_TMPDIR/v"
	[ "$stderr" = "twinbench: $BATS_TEST_TMPDIR/d.vmdk: BENCHRES: no MBR partition table (not a disk image?)
twinbench: $BATS_TEST_TMPDIR/d.vmdk was read as a raw image: qemu-img (package qemu-utils) is not installed" ]
	[ ! -e "$BATS_TEST_TMPDIR/v" ]
}

# refused IMAGE MESSAGE...: collect fails with exactly these stderr lines,
# creates no DESTDIR, changes none and leaves nothing in TMPDIR
refused() {
	local img=$1 tmp=$BATS_TEST_TMPDIR/tmp-refused want
	local kept=$BATS_TEST_TMPDIR/kept before
	shift
	want=$(printf '%s\n' "$@")
	mkdir -p "$tmp"
	[ -d "$kept" ] || run -0 "$LAB" collect "$DISK" "$kept"
	rm -rf "$kept/0003-bare"
	before=$(tree_state "$kept")
	TMPDIR=$tmp run -1 --separate-stderr "$LAB" collect "$img" "$kept"
	[ "$stderr" = "$want" ]
	[ -z "$output" ]
	[ "$(tree_state "$kept")" = "$before" ]
	TMPDIR=$tmp run -1 --separate-stderr "$LAB" collect "$img" "$BATS_TEST_TMPDIR/new"
	[ "$stderr" = "$want" ]
	[ ! -e "$BATS_TEST_TMPDIR/new" ]
	[ -z "$(ls -A "$tmp")" ]
}

@test "a non-image and cut-short images: qemu-img's word, DESTDIR untouched" {
	local t=$BATS_TEST_TMPDIR
	printf 'not a disk\n' > "$t/notes.txt"
	refused "$t/notes.txt" \
		"twinbench: $t/notes.txt: BENCHRES: no MBR partition table (not a disk image?)" \
		"twinbench: $t/notes.txt: qemu-img info: raw (no header of qcow2, vmdk, vdi, vhdx or another format it reads)"
	# cut in the middle: the header is fine, clusters lie past the end
	head -c $(($(stat -c %s "$FIX/disk.vmdk") / 2)) "$FIX/disk.vmdk" > "$t/cut.vmdk"
	run -0 qemu-img info "$t/cut.vmdk"
	refused "$t/cut.vmdk" \
		"twinbench: $t/cut.vmdk: vmdk image, read through a temporary raw copy" \
		"twinbench: $t/cut.vmdk: qemu-img check: ERROR: cluster offset for sector $(qemu-img check "$t/cut.vmdk" 2>&1 | sed -n 's/.*for sector \([0-9]*\) .*/\1/p') points after EOF; Check failed: Invalid argument"
	# cut in its header
	head -c 4096 "$FIX/disk.vmdk" > "$t/head.vmdk"
	refused "$t/head.vmdk" \
		"twinbench: $t/head.vmdk: qemu-img info: Could not open '$t/head.vmdk': File truncated, expecting at least 65536 bytes"
	# a vdi cut short passes qemu-img check: its map tells
	head -c 3000000 "$FIX/disk.vdi" > "$t/cut.vdi"
	refused "$t/cut.vdi" \
		"twinbench: $t/cut.vdi: vdi image, read through a temporary raw copy" \
		"twinbench: $t/cut.vdi: qemu-img map: data up to byte $(stat -c %s "$FIX/disk.vdi") of a file of 3000000 bytes: truncated?"
}

@test "a vmdk a VM still holds open is refused, a raw one read as before" {
	local t=$BATS_TEST_TMPDIR fmt img
	for fmt in vmdk raw; do
		img=$t/busy.$fmt
		cp --sparse=always "$FIX/disk.$([ $fmt = raw ] && echo img || echo $fmt)" "$img"
		mkfifo "$t/fifo-$fmt"
		qemu-io -f "$fmt" "$img" < "$t/fifo-$fmt" > /dev/null 2>&1 3>&- &
		exec 4> "$t/fifo-$fmt"
		local i
		for i in $(seq 50); do
			qemu-img info "$img" >/dev/null 2>&1 || break
			sleep 0.1
		done
		if [ $fmt = vmdk ]; then
			run -1 --separate-stderr "$LAB" collect "$img" "$t/r-$fmt"
			[[ "$stderr" == *"twinbench: $img: qemu-img check: Could not open '$img': Failed to get shared \"write\" lock; Is another process using the image [$img]?" ]]
			[ ! -e "$t/r-$fmt" ]
		else
			run -0 "$LAB" collect "$img" "$t/r-$fmt"
		fi
		exec 4>&-
		wait
	done
}

@test "collect opens the user's image read-only and never write-locks it" {
	command -v strace >/dev/null || skip "no strace"
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	local f img log=$BATS_TEST_TMPDIR/strace
	for f in img $FORMATS; do
		img=$BATS_TEST_TMPDIR/disk.$f
		[ "$f" = img ] || cp "$FIX/disk.$f" "$img"
		strace -f -qq -e trace=open,openat,fcntl -o "$log.$f" \
			"$LAB" collect "$img" "$BATS_TEST_TMPDIR/r-$f" >/dev/null 2>&1
		[ -e "$BATS_TEST_TMPDIR/r-$f/0001-kvm-virtio/DONE" ]
		grep -q "\"$img\", O_RDONLY" "$log.$f"
		run -1 grep -E "\"$img\", [^)]*O_(WRONLY|RDWR|CREAT|TRUNC)|F_WRLCK" "$log.$f"
	done
}

# ---- show ------------------------------------------------------------------

@test "show prints the medians and spreads from summary.json" {
	run -0 "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/r"
	run -0 --separate-stderr "$LAB" show "$BATS_TEST_TMPDIR/r/0001-kvm-virtio"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 6 ]
	[ "${lines[0]}" = "run              label       instance      workload  metric      unit  better  n  median     MAD   CV%    min    max  status   reason" ]
	[ "${lines[1]}" = "0001-kvm-virtio  kvm-virtio  compress      compress  seconds     s     lower   3   12.50  0.1000  1.22  12.40  12.70  ok" ]
	[ "${lines[2]}" = "0001-kvm-virtio  kvm-virtio  compress      compress  throughput  MB/s  higher  3   34.64  0.2800  1.22  34.09  34.92  ok" ]
	[ "${lines[3]}" = "0001-kvm-virtio  kvm-virtio  compress      compress  ratio       x     info    3       -       -     -  4.100  4.100  ok" ]
	[ "${lines[4]}" = "0001-kvm-virtio  kvm-virtio  seqio-zero    seqio     throughput  MB/s  higher  3    2003   8.500  0.62   1987   2012  ok" ]
	[ "${lines[5]}" = "0001-kvm-virtio  kvm-virtio  seqio-direct  seqio     -           -     -       -       -       -     -      -      -  skipped  O_DIRECT is not supported on this file system" ]
}

@test "show --csv keeps full precision; --markdown makes a pipe table" {
	run -0 "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/r"
	cd "$BATS_TEST_TMPDIR/r"
	run -0 "$LAB" show --csv 0001-kvm-virtio 0002-tcg
	[ "${lines[0]}" = "run,label,instance,workload,metric,unit,better,n,median,mad,cv,min,max,status,reason" ]
	[ "${lines[1]}" = "0001-kvm-virtio,kvm-virtio,compress,compress,seconds,s,lower,3,12.5,0.09999999999999964,0.012187701316371875,12.4,12.7,ok," ]
	[ "${lines[3]}" = "0001-kvm-virtio,kvm-virtio,compress,compress,ratio,x,info,3,,,,4.1,4.1,ok," ]
	[ "${lines[4]}" = "0001-kvm-virtio,kvm-virtio,seqio-zero,seqio,throughput,MB/s,higher,3,2003,8.5,0.006150356853867918,1987.25,2011.5,ok," ]
	[ "${lines[6]}" = "0002-tcg,tcg,,,,,,,,,,,,failed,/profiles/smoke.profile:6: level: 12 is out of range (1..9)" ]
	[ "${#lines[@]}" -eq 7 ]
	run -0 "$LAB" show --markdown 0002-tcg
	[ "${lines[0]}" = "| run | label | instance | workload | metric | unit | better | n | median | MAD | CV% | min | max | status | reason |" ]
	[ "${lines[1]}" = "| --- | --- | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |" ]
	[ "${lines[2]}" = "| 0002-tcg | tcg | - | - | - | - | - | - | - | - | - | - | - | failed | /profiles/smoke.profile:6: level: 12 is out of range (1..9) |" ]
	[ "${lines[3]}" = "0002-tcg: failed: /profiles/smoke.profile:6: level: 12 is out of range (1..9)" ]
}

@test "show names the file, line and column of malformed JSON" {
	local d=$BATS_TEST_TMPDIR/0009-x
	mkdir -p "$d"
	: > "$d/DONE"
	printf '{"schema":1,\n "run":"0009-x",\n "label": "x" "status":"ok"}\n' \
		> "$d/summary.json"
	run -1 --separate-stderr "$LAB" show "$d"
	[ "$stderr" = "twinbench: $d/summary.json:3:22: '}' expected near '\"status\"'" ]
	[ -z "$output" ]
	# valid JSON, wrong content: the field is named
	sed 's/"median":12.5,/"median":"12.5",/' \
		"$FIX/res/runs/0001-kvm-virtio/summary.json" > "$d/summary.json"
	run -1 --separate-stderr "$LAB" show "$d"
	[ "$stderr" = "twinbench: $d/summary.json: instances[0].metrics[0]: \"median\" is missing or not a number" ]
	echo '{"schema":2}' > "$d/summary.json"
	run -1 --separate-stderr "$LAB" show "$d"
	[ "$stderr" = "twinbench: $d/summary.json: \"schema\" is not 1 (unknown format)" ]
}

@test "a run without DONE shows as incomplete" {
	run -0 "$LAB" collect "$DISK" "$BATS_TEST_TMPDIR/r"
	cd "$BATS_TEST_TMPDIR/r"
	run -0 --separate-stderr "$LAB" show 0003-bare
	[ "${lines[1]}" = "0003-bare  bare   compress      compress  seconds     s     lower   3   12.50  0.1000  1.22  12.40  12.70  incomplete  no DONE" ]
	[ "${lines[5]}" = "0003-bare  bare   seqio-direct  seqio     -           -     -       -       -       -     -      -      -  skipped     O_DIRECT is not supported on this file system" ]
	[ "${lines[6]}" = "0003-bare: incomplete (no DONE)" ]
	run -0 "$LAB" show --csv 0003-bare
	[ "${lines[2]}" = "0003-bare,bare,compress,compress,throughput,MB/s,higher,3,34.64,0.28000000000000114,0.01222158745627633,34.09,34.92,incomplete,no DONE" ]
	# cut before summary.json: an error that names the file and says why
	run -1 --separate-stderr "$LAB" show 0001-kvm-virtio 0004-xen-hvm
	[ "$stderr" = "twinbench: 0004-xen-hvm/summary.json: missing (run incomplete: no DONE)" ]
	[ "${lines[1]:0:24}" = "0001-kvm-virtio  kvm-vir" ]
	run -1 --separate-stderr "$LAB" show nosuch
	[ "$stderr" = "twinbench: nosuch: No such file or directory" ]
}

# ---- run (no VM: TWINBENCH_QEMU is a stand-in) ------------------------------

@test "run --profile nosuch lists the available profiles and boots nothing" {
	fake_qemu 'exit 0'
	run -1 --separate-stderr "$LAB" run --accel tcg --profile nosuch "$DISK"
	[ "$stderr" = "twinbench: $DISK: no profile 'nosuch' on BENCHBOOT; available: camargos2008, default, smoke" ]
	[ ! -e "$BATS_TEST_TMPDIR/qemu.args" ]
	cmp "$FIX/disk.img" "$DISK"
}

@test "run --profile rewrites DEFAULT in both syslinux.cfg inside the image" {
	fake_qemu 'exit 0'
	run -1 --separate-stderr "$LAB" run --accel tcg --profile smoke "$DISK"
	[[ "$stderr" == *"twinbench: $DISK: profile smoke (DEFAULT was default; changed in the image)"* ]]
	# QEMU ran but the stand-in wrote no run
	[[ "$stderr" == *"twinbench: $DISK: no new run on BENCHRES"* ]]
	diff <(cfg_text | sed 's/^DEFAULT default$/DEFAULT smoke/') \
		<(boot_cfg /syslinux.cfg)
	diff <(cfg_text | sed 's/^DEFAULT default$/DEFAULT smoke/') \
		<(boot_cfg /EFI/BOOT/syslinux.cfg)
	# choosing it again changes nothing
	cp --sparse=always "$DISK" "$BATS_TEST_TMPDIR/before.img"
	run -1 --separate-stderr "$LAB" run --accel tcg --profile smoke "$DISK"
	[[ "$stderr" == *"twinbench: $DISK: profile smoke"$'\n'* ]]
	cmp "$BATS_TEST_TMPDIR/before.img" "$DISK"
	# --label goes into the chosen entry's APPEND line only
	run -1 "$LAB" run --accel tcg --label lab-7 "$DISK"
	diff <(cfg_text | sed -e 's/^DEFAULT default$/DEFAULT smoke/' \
		-e 's/bench.profile=smoke quiet$/& bench.label=lab-7/') \
		<(boot_cfg /EFI/BOOT/syslinux.cfg)
	run -1 "$LAB" run --accel tcg --label lab-8 "$DISK"
	boot_cfg /syslinux.cfg | grep -qx '  APPEND console=tty0 console=ttyS0,115200 bench.profile=smoke quiet bench.label=lab-8'
	[ "$(boot_cfg /syslinux.cfg | grep -c bench.label=)" -eq 1 ]
}

# add_run_cmds ID DONE: debugfs commands that add a copy of run 0001 as ID
add_run_cmds() {
	local src=$BATS_TEST_TMPDIR/src/$1 f
	mkdir -p "$src"
	for f in manifest.json samples.jsonl summary.json console.log; do
		sed "s/0001-kvm-virtio/$1/g" "$FIX/res/runs/0001-kvm-virtio/$f" > "$src/$f"
	done
	[ "$2" = yes ] && : > "$src/DONE"
	echo "mkdir /runs/$1"
	echo "cd /runs/$1"
	for f in "$src"/*; do echo "write $f $(basename "$f")"; done
}

# a stand-in QEMU that "boots" the -drive image: prints console lines and
# adds a run to BENCHRES with debugfs -w
fake_appliance() {
	add_run_cmds "$1" "$2" > "$BATS_TEST_TMPDIR/dbg.cmds"
	fake_qemu "$(cat <<-EOF
	img=\$(printf '%s\n' "\$@" | sed -n 's/^file=\(.*\),format=raw,if=virtio\$/\1/p')
	echo '[1/3 compress 1/4] 12.5 s'
	debugfs -w -f '$BATS_TEST_TMPDIR/dbg.cmds' "\$img?offset=$((100352 * 512))" >/dev/null 2>&1
	echo 'TWINBENCH-DONE $1 ok'
	EOF
	)"
}

@test "run boots with the documented QEMU command line and shows the new run" {
	fake_appliance 0005-qemu yes
	local out=$BATS_TEST_TMPDIR/kept
	run -0 --separate-stderr "$LAB" run --accel tcg --memory 768 --cpus 3 \
		--serial-log "$BATS_TEST_TMPDIR/a,b.log" --out "$out" "$DISK"
	[ "${lines[0]}" = "[1/3 compress 1/4] 12.5 s" ]
	[ "${lines[1]}" = "twinbench: run 0005-qemu finished, status ok" ]
	[ "${lines[3]}" = "0005-qemu  kvm-virtio  compress      compress  seconds     s     lower   3   12.50  0.1000  1.22  12.40  12.70  ok" ]
	[[ "$stderr" == *"twinbench: accel: tcg (--accel tcg)"* ]]
	[[ "$stderr" == *"twinbench: run 0005-qemu: complete, status ok"$'\n'* ]]
	[ -e "$out/0005-qemu/DONE" ]
	cmp "$out/0005-qemu/summary.json" "$BATS_TEST_TMPDIR/src/0005-qemu/summary.json"
	run -0 cat "$BATS_TEST_TMPDIR/qemu.args"
	[ "$output" = "$(printf '%s\n' -machine pc -accel tcg -display none \
		-monitor none -nic none -no-reboot -m 768 -smp 3 -chardev \
		"stdio,id=console,logfile=$BATS_TEST_TMPDIR/a,,b.log" -serial \
		chardev:console -drive "file=$DISK,format=raw,if=virtio" --)" ]
	[[ "$stderr" == *"twinbench: the whole serial console: $BATS_TEST_TMPDIR/a,b.log" ]]
	# the defaults: 512 MiB, 2 CPUs, the log in $TMPDIR
	fake_appliance 0006-qemu yes
	rm "$BATS_TEST_TMPDIR/qemu.args"
	run -0 --separate-stderr "$LAB" run --accel tcg "$DISK"
	[ "$(sed -n '/^-m$/{n;p}' "$BATS_TEST_TMPDIR/qemu.args")" = 512 ]
	[ "$(sed -n '/^-smp$/{n;p}' "$BATS_TEST_TMPDIR/qemu.args")" = 2 ]
	grep -qx "stdio,id=console,logfile=$TMPDIR/twinbench-serial-......\.log" \
		"$BATS_TEST_TMPDIR/qemu.args"
	[[ "$stderr" == *"twinbench: the whole serial console: $TMPDIR/twinbench-serial-"??????".log" ]]
}

# a stand-in appliance with everything a real console has: firmware and
# kernel chatter, records, workload output, messages, progress; each line
# also goes to the chardev's logfile=, as QEMU writes it
fake_console() {
	add_run_cmds "$1" yes > "$BATS_TEST_TMPDIR/dbg.cmds"
	fake_qemu "$(cat <<-EOF
	img=\$(printf '%s\n' "\$@" | sed -n 's/^file=\(.*\),format=raw,if=virtio\$/\1/p')
	log=\$(printf '%s\n' "\$@" | sed -n 's/^stdio,id=console,logfile=//p')
	log=\${log//,,/,}
	say() { printf '%s\n' "\$1"; printf '%s\n' "\$1" >> "\$log"; }
	say \$'SeaBIOS (version 1.16.2-debian-1.16.2-1)\r'
	say '[    0.512000] Run /init as init process'
	say 'twinbench 0.1.0: run $1, profile smoke (builtin), label qemu'
	say 'TWINBENCH-RUN {"schema":1,"run":"$1","label":"qemu","profile":"smoke"}'
	say '[1/3 compress 1/4] ...'
	say '  fileserver: Operation      Count    AvgLat    MaxLat'
	say 'TWINBENCH {"schema":1,"run":"$1","metric":"seconds","value":12.5}'
	say '[1/3 compress 1/4] 12.5 s ok (warm-up)'
	say 'twinbench: scratch /scratch is in RAM'
	say '[    3.100000] Out of memory: Killed process 42 (dbench)'
	debugfs -w -f '$BATS_TEST_TMPDIR/dbg.cmds' "\$img?offset=$((100352 * 512))" >/dev/null 2>&1
	say 'TWINBENCH-DONE $1 failed fileserver: timeout'
	EOF
	)"
}

@test "run shows progress and messages; the serial log keeps everything" {
	local out=$BATS_TEST_TMPDIR/kept
	fake_console 0007-qemu
	run -0 --separate-stderr "$LAB" run --accel tcg --out "$out" "$DISK"
	local shown=(
		"twinbench 0.1.0: run 0007-qemu, profile smoke (builtin), label qemu"
		"[1/3 compress 1/4] ..."
		"[1/3 compress 1/4] 12.5 s ok (warm-up)"
		"twinbench: scratch /scratch is in RAM"
		"[    3.100000] Out of memory: Killed process 42 (dbench)"
		"twinbench: run 0007-qemu finished, status failed: fileserver: timeout"
	)
	[ "$(head -n 6 <<< "$output")" = "$(printf '%s\n' "${shown[@]}")" ]
	[[ "${lines[6]}" == "run "*" label "* ]]	# then the results table
	run -1 grep -E 'TWINBENCH|SeaBIOS|Run /init|AvgLat' <<< "$output"
	# the whole console, named after the run, beside it in --out
	[ "$(wc -l < "$out/0007-qemu.serial.log")" -eq 11 ]
	grep -q '^TWINBENCH {"schema":1,"run":"0007-qemu"' "$out/0007-qemu.serial.log"
	grep -q '^TWINBENCH-DONE 0007-qemu failed' "$out/0007-qemu.serial.log"
	grep -q 'AvgLat' "$out/0007-qemu.serial.log"
	[[ "$stderr" == *"twinbench: the appliance's console: $out/0007-qemu/console.log"$'\n'* ]]
	[[ "$stderr" == *"twinbench: the whole serial console: $out/0007-qemu.serial.log" ]]
	[ -z "$(find "$out" -maxdepth 1 -name 'serial-*')" ]
	# --console: all of it on stdout, as before
	fake_console 0008-qemu
	run -0 --separate-stderr "$LAB" run --accel tcg --console --out "$out" "$DISK"
	[[ "$output" == *'TWINBENCH {"schema":1,"run":"0008-qemu"'* ]]
	[[ "$output" == *"  fileserver: Operation      Count"* ]]
	[[ "$output" == *"TWINBENCH-DONE 0008-qemu failed fileserver: timeout"* ]]
	cmp <(head -n 11 <<< "$output") "$out/0008-qemu.serial.log"
}

@test "run never replaces a serial log; without --out it is in TMPDIR" {
	local out=$BATS_TEST_TMPDIR/kept log
	mkdir -p "$out"
	echo older > "$out/0009-qemu.serial.log"
	fake_console 0009-qemu
	run -0 --separate-stderr "$LAB" run --accel tcg --out "$out" "$DISK"
	[ "$(cat "$out/0009-qemu.serial.log")" = older ]
	log=$(echo "$out"/serial-??????.log)
	[ "$(wc -l < "$log")" -eq 11 ]
	[[ "$stderr" == *"twinbench: $out/0009-qemu.serial.log: File exists; the log stays in $log"$'\n'* ]]
	[[ "$stderr" == *"twinbench: the whole serial console: $log" ]]
	[[ "$stderr" != *"the appliance's console"* ]]
	fake_console 0010-qemu
	run -0 --separate-stderr "$LAB" run --accel tcg "$DISK"
	log=$(echo "$TMPDIR"/twinbench-serial-??????.log)
	[ "$(wc -l < "$log")" -eq 11 ]
	[[ "$stderr" == *"twinbench: the whole serial console: $log" ]]
	[[ "$stderr" != *"the appliance's console"* ]]
}

@test "run fails when the new run has no DONE" {
	fake_appliance 0005-cut no
	run -1 --separate-stderr "$LAB" run --accel tcg "$DISK"
	[[ "$stderr" == *"twinbench: run 0005-cut: INCOMPLETE (no DONE) (not kept: use --out DIR or twinbench collect)"* ]]
	[[ "$output" == *"0005-cut: incomplete (no DONE)"* ]]
}

@test "run stops a QEMU that outlives --timeout" {
	fake_qemu 'exec sleep 60'
	SECONDS=0
	run -1 --separate-stderr "$LAB" run --accel tcg --timeout 1 "$DISK"
	[ "$SECONDS" -lt 10 ]
	[[ "$stderr" == *"twinbench: $DISK: timed out after 1 s; QEMU was stopped"* ]]
}

kvm_or_skip() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm is not usable here"
}

kernel_sha() { printf 'not a kernel\n' | sha256sum | cut -c1-64; }

@test "a hanging KVM probe costs its 10 s once, then TCG from the cache" {
	kvm_or_skip
	fake_qemu 'for a; do [ "$a" = -kernel ] && exec sleep 60; done; exit 0'
	SECONDS=0
	run -1 --separate-stderr "$LAB" run "$DISK"
	[ "$SECONDS" -lt 16 ]
	[[ "$stderr" == *"twinbench: accel: tcg (KVM probe boot hung: no exit within 10 s)"* ]]
	[ "$(cat "$TWINBENCH_KVM_CACHE")" = "$(kernel_sha) fail" ]
	grep -qx tcg "$BATS_TEST_TMPDIR/qemu.args"
	SECONDS=0
	run -1 --separate-stderr "$LAB" run "$DISK"
	[ "$SECONDS" -lt 5 ]
	[[ "$stderr" == *"twinbench: accel: tcg (cached: the KVM probe failed for this kernel ($TWINBENCH_KVM_CACHE; delete it to probe again))"* ]]
	[ "$(grep -c '^-kernel$' "$BATS_TEST_TMPDIR/qemu.args")" -eq 1 ]
}

@test "a KVM probe that shows the kernel banner selects KVM with -cpu host" {
	kvm_or_skip
	fake_qemu "$(cat <<-'EOF'
	for a; do case $a in file,id=console,path=*) log=${a#*path=};; esac; done
	[ -n "$log" ] && echo '[    0.000000] Linux version 6.1.0-56-amd64' > "$log"
	exit 0
	EOF
	)"
	run -1 --separate-stderr "$LAB" run "$DISK"
	[[ "$stderr" == *"twinbench: accel: kvm (KVM probe boot succeeded in "* ]]
	[ "$(cat "$TWINBENCH_KVM_CACHE")" = "$(kernel_sha) ok" ]
	# the probe: the run's machine and CPU, the image's kernel, no initrd
	run -0 cat "$BATS_TEST_TMPDIR/qemu.args"
	[[ "$output" == "-machine"$'\n'"pc"$'\n'"-accel"$'\n'"kvm"$'\n'"-cpu"$'\n'"host"$'\n'* ]]
	[[ "$output" == *$'\n-kernel\n'*$'\n-append\nconsole=ttyS0 panic=-1 rdinit=/nonexistent\n--\n-machine\npc\n-accel\nkvm\n-cpu\nhost\n'* ]]
}
