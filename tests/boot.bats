#!/usr/bin/env bats
# Boot out/guest/disk.img in QEMU (TCG unless a short KVM probe boot works)
# through SeaBIOS + syslinux, run the smoke profile and read the results
# back from BENCHRES with debugfs.  Each boot has a timeout.
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	make_quiet guest lab
	export DISK=$BATS_FILE_TMPDIR/disk.img
	cp --sparse=always "$O/guest/disk.img" "$DISK"
	export XDG_CACHE_HOME=$BATS_FILE_TMPDIR/cache
}

# boot IMAGE OUTDIR [args]: one boot on smoke kept in OUTDIR; the terminal
# (progress and messages) in OUTDIR.log, the whole serial console in
# OUTDIR/<run-id>.serial.log
boot() {
	local img=$1 out=$2
	shift 2
	run --separate-stderr timeout 900 "$LAB" run --profile smoke \
		--timeout 600 --out "$out" "$@" "$img"
	echo "$output" > "$out.log"
}

res_offset() { part_offset "$1" 2; }

# rdump IMAGE DEST: the whole runs/ tree of BENCHRES, without mounting
rdump() {
	mkdir -p "$2"
	debugfs -R "rdump /runs $2" "$1?offset=$(res_offset "$1")" 2>/dev/null
	[ -d "$2/runs" ]
}

@test "smoke boots from disk.img to DONE and reports every workload" {
	local r=$BATS_FILE_TMPDIR/r1
	boot "$DISK" "$r"
	[ "$status" -eq 0 ]
	grep -qE '^\[1/[0-9]+ [a-z0-9_.-]+ 1/[0-9]+\]' "$r.log"
	grep -qx 'twinbench: run 0001-[a-z0-9_.-]* finished, status ok' "$r.log"
	# the records and workload output stay off the terminal ...
	run -1 grep -E 'TWINBENCH|^  [a-z0-9_.-]+: ' "$r.log"
	# ... in the run's console.log and the whole serial log
	grep -q '^TWINBENCH {' "$r"/0001-*/console.log
	grep -q '^TWINBENCH-DONE 0001-[a-z0-9_.-]* ok' "$r"/0001-*/console.log
	grep -q '^TWINBENCH {' "$r"/0001-*.serial.log
	grep -q 'TWINBENCH-DONE 0001-[a-z0-9_.-]* ok' "$r"/0001-*.serial.log
	grep -q '^SYSLINUX ' "$r"/0001-*.serial.log	# the boot loader's too
	[[ "$stderr" == *"twinbench: the whole serial console: $(echo "$r"/0001-*.serial.log)" ]]
}

@test "the run on BENCHRES is complete and names this image and kernel" {
	rdump "$DISK" "$BATS_FILE_TMPDIR/d1"
	local r
	r=$(echo "$BATS_FILE_TMPDIR"/d1/runs/0001-*)
	[ -d "$r" ]
	for f in manifest.json samples.jsonl summary.json console.log DONE; do
		[ -s "$r/$f" ] || [ "$f" = DONE ]
		[ -e "$r/$f" ]
	done
	run jq -r '.status' "$r/summary.json"
	[ "$output" = ok ]
	# image id = sha256 of the initrd that booted
	run jq -r '.image.id' "$r/manifest.json"
	[ "$output" = "$(sha256sum < "$O/guest/initrd.img" | cut -c1-64)" ]
	run jq -r '.kernel.release' "$r/manifest.json"
	[ "$output" = "$(jq -r .kernel_release "$O/guest/manifest.json")" ]
	run jq -r '.profile.name' "$r/manifest.json"
	[ "$output" = smoke ]
	# every workload of the profile produced ok samples; the network
	# ones (no peer here) were skipped with the reason
	for w in $(smoke_workloads); do
		run jq -s --arg w "$w" '[.[] | select(.workload == $w and .status == "ok")] | length' \
			"$r/samples.jsonl"
		[ "$output" -gt 0 ]
	done
	net_skipped "$r/samples.jsonl"
	run jq -s '[.[] | select(.status != "ok" and .workload != "netstream"
		and .workload != "transfer")] | length' "$r/samples.jsonl"
	[ "$output" -eq 0 ]
}

@test "BENCHRES passes e2fsck -fn after the boot" {
	part_extract "$DISK" 2 "$BATS_FILE_TMPDIR/res.img"
	run e2fsck -fn "$BATS_FILE_TMPDIR/res.img"
	[ "$status" -eq 0 ]
}

@test "a second boot adds run 0002 and leaves run 0001 untouched" {
	boot "$DISK" "$BATS_FILE_TMPDIR/r2" --console
	[ "$status" -eq 0 ]
	# --console: the whole serial console on the terminal
	grep -q '^TWINBENCH {' "$BATS_FILE_TMPDIR/r2.log"
	grep -q '^TWINBENCH-DONE 0002-' "$BATS_FILE_TMPDIR/r2.log"
	rdump "$DISK" "$BATS_FILE_TMPDIR/d2"
	local a b
	a=$(echo "$BATS_FILE_TMPDIR"/d1/runs/0001-*)
	b=$BATS_FILE_TMPDIR/d2/runs/$(basename "$a")
	diff -r "$a" "$b"
	ls "$BATS_FILE_TMPDIR"/d2/runs/0002-*/DONE
	part_extract "$DISK" 2 "$BATS_FILE_TMPDIR/res2.img"
	e2fsck -fn "$BATS_FILE_TMPDIR/res2.img"
}

@test "a malformed profile on BENCHBOOT fails clearly and runs nothing" {
	local img=$BATS_FILE_TMPDIR/bad.img off
	cp --sparse=always "$O/guest/disk.img" "$img"
	off=$(part_offset "$img" 1)
	printf '[profile]\nrepeat = 2\n\n[zip]\nworkload = compress\nlevel = 12\n' \
		> "$BATS_FILE_TMPDIR/smoke.profile"
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$off" \
		"$BATS_FILE_TMPDIR/smoke.profile" ::/profiles/smoke.profile
	boot "$img" "$BATS_FILE_TMPDIR/r3"
	[ "$status" -ne 0 ]
	grep -q 'smoke.profile:6:' "$BATS_FILE_TMPDIR/r3.log"
	rdump "$img" "$BATS_FILE_TMPDIR/d3"
	local r
	r=$(echo "$BATS_FILE_TMPDIR"/d3/runs/0001-*)
	[ -e "$r/DONE" ]
	run jq -r '.status + " " + .reason' "$r/summary.json"
	[[ "$output" == "failed "*"smoke.profile:6:"* ]]
	[ ! -s "$r/samples.jsonl" ]
	run jq -r '.profile.source' "$r/manifest.json"
	[[ "$output" == *BENCHBOOT* ]]
	run -1 grep -q 'TWINBENCH {' "$BATS_FILE_TMPDIR"/r3/0001-*.serial.log
}

@test "smoke completes in a 101 MiB VM (the 2008 study's 32-VM size)" {
	local img=$BATS_FILE_TMPDIR/small.img
	cp --sparse=always "$O/guest/disk.img" "$img"
	boot "$img" "$BATS_FILE_TMPDIR/r4" --memory 101
	[ "$status" -eq 0 ]
	grep -q 'TWINBENCH-DONE 0001-[a-z0-9_.-]* ok' \
		"$BATS_FILE_TMPDIR"/r4/0001-*.serial.log
}

@test "disk.img boots under UEFI (OVMF) through EFI/BOOT/BOOTX64.EFI" {
	local img=$BATS_FILE_TMPDIR/uefi.img
	[ -r /usr/share/ovmf/OVMF.fd ]
	cp --sparse=always "$O/guest/disk.img" "$img"
	# the UEFI menu (EFI/BOOT/syslinux.cfg) defaults to smoke for this boot
	local off cfg=$BATS_FILE_TMPDIR/efi.cfg
	off=$(part_offset "$img" 1)
	MTOOLS_SKIP_CHECK=1 mtype -i "$img@@$off" ::/EFI/BOOT/syslinux.cfg |
		sed 's/^DEFAULT .*/DEFAULT smoke/' > "$cfg"
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$off" "$cfg" ::/EFI/BOOT/syslinux.cfg
	run timeout 600 qemu-system-x86_64 -accel tcg -m 512 -smp 2 \
		-bios /usr/share/ovmf/OVMF.fd -display none -monitor none \
		-nic none -no-reboot -serial stdio \
		-drive "file=$img,format=raw,if=virtio"
	[ "$status" -eq 0 ]
	[[ "$output" == *"TWINBENCH-DONE 0001-"*" ok"* ]]
	[[ "$output" == *"BdsDxe"* ]]	# OVMF's boot manager loaded it
}
