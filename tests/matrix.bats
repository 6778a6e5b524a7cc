#!/usr/bin/env bats
# The boot matrix (issue 4): the guest image under QEMU on every machine,
# disk bus, NIC, firmware and boot method, each boot a complete `smoke` run
# (TCG unless the KVM probe of `twinbench run --accel auto` succeeds; every
# boot has a timeout).  Each boot's hardware object (manifest.json, or the
# console's TWINBENCH-HARDWARE line) must name the expected firmware, boot
# medium, disk driver and NIC drivers.
#
# Factors and their valid values:
#   machine   pc, q35, microvm
#   disk bus  virtio-blk, virtio-scsi, ahci, ide, nvme, lsi (lsi53c895a)
#   NIC       virtio-net, e1000, e1000e, rtl8139, vmxnet3
#   firmware  bios (SeaBIOS; qboot on microvm), uefi (OVMF)
#   boot      disk (disk.img), cdrom (twinbench.iso), pxe (pxe/ over QEMU's
#             TFTP), kernel (-kernel/-initrd/-append from disk.img)
# Constraints: microvm = virtio-blk + virtio-net + qboot + kernel boot (no
# PCI, no disk-reading firmware); ide only on pc (q35 has AHCI); OVMF has no
# LSI driver, so lsi + uefi only with kernel or pxe boot; pxe needs a NIC.
# For cdrom and pxe the disk bus is that of the results disk (make
# results-disk), and for cdrom also of the CD drive where the bus has CD
# drives (ide, ahci, virtio-scsi, lsi; else the machine's own ATA).
#
# NICs: every pc/q35 boot carries all five NIC models at once (the first
# is the PXE boot NIC), so each NIC model is paired with every machine,
# disk bus, firmware and boot method in every boot.  That leaves four
# factors, machine x bus x firmware x boot.  Pairwise over them needs at
# least 24 boots (6 buses x 4 boot methods), about 15 minutes under TCG
# here, so the suite has two sets:
#
#   quick (default, rows a-n, 14 boots): every valid pair of machine x bus,
#     machine x firmware, machine x boot, bus x firmware, firmware x boot,
#     and every NIC with everything (above); of bus x boot, 13 of the 24
#     pairs.  Row n is a PXE boot without a results disk (iPXE script,
#     results read from the console).
#   full (TWINBENCH_MATRIX=full, rows a-y, 25 boots): adds rows o-y, the 11
#     missing bus x boot pairs: then every valid pair of all five factors.
#
#   row  machine  bus          firmware  boot    PXE NIC / note
#   a    pc       virtio-blk   bios      disk
#   b    q35      virtio-blk   uefi      cdrom
#   c    q35      virtio-scsi  bios      pxe     e1000e, pxelinux.0
#   d    pc       virtio-scsi  uefi      kernel
#   e    pc       ahci         bios      kernel
#   f    q35      ahci         uefi      disk
#   g    pc       ide          bios      cdrom
#   h    pc       ide          uefi      pxe     e1000, syslinux.efi
#   i    q35      nvme         bios      kernel
#   j    pc       nvme         uefi      disk
#   k    q35      lsi          bios      cdrom
#   l    pc       lsi          uefi      pxe     rtl8139, syslinux.efi
#   m    microvm  virtio-blk   bios      kernel  (virtio-mmio disk + NIC)
#   n    pc       -            bios      pxe     vmxnet3, boot.ipxe, console
#   --- full only ---
#   o    q35      virtio-blk   uefi      pxe     virtio, syslinux.efi
#   p    q35      virtio-scsi  bios      disk
#   q    pc       virtio-scsi  uefi      cdrom
#   r    pc       ahci         uefi      cdrom
#   s    q35      ahci         bios      pxe     rtl8139, pxelinux.0
#   t    pc       ide          uefi      disk
#   u    pc       ide          bios      kernel
#   v    q35      nvme         uefi      cdrom
#   w    pc       nvme         bios      pxe     e1000, pxelinux.0
#   x    pc       lsi          bios      disk
#   y    q35      lsi          uefi      kernel
bats_require_minimum_version 1.5.0
load helper

ALL_NICS=virtio,e1000,e1000e,rtl8139,vmxnet3

setup_file() {
	make_quiet guest lab results-disk
	export XDG_CACHE_HOME=$BATS_FILE_TMPDIR/cache
}

full_only() {
	[ "${TWINBENCH_MATRIX:-quick}" = full ] ||
		skip "full matrix only (TWINBENCH_MATRIX=full)"
}

# The Linux driver the appliance must report for a disk bus or NIC model.
disk_driver() {
	case $1 in
	virtio-blk) echo virtio_blk ;; virtio-scsi) echo virtio_scsi ;;
	ahci) echo ahci ;; ide) echo ata_piix ;; nvme) echo nvme ;;
	lsi) echo sym53c8xx ;;
	esac
}
nic_driver() {
	case $1 in
	virtio) echo virtio_net ;; e1000) echo e1000 ;; e1000e) echo e1000e ;;
	rtl8139) echo 8139cp ;; vmxnet3) echo vmxnet3 ;;
	esac
}
# The CD drive's driver: on the bus if it has CD drives, else the ATA
# controller of the machine.
cd_driver() { # machine bus
	case $2 in
	ide|ahci|virtio-scsi|lsi) disk_driver "$2" ;;
	*) if [ "$1" = q35 ]; then echo ahci; else echo ata_piix; fi ;;
	esac
}

# boot_row ROW MACHINE BUS FIRMWARE BOOT NICS [PXE-FILE] [console]
# One boot on smoke; its whole serial console in $T/console.log (a copy of
# $T/out/<run-id>.serial.log), the terminal in $T/terminal.log, the lab's
# messages in $T/lab.log, the run in $T/out/<run-id>/.
boot_row() {
	local row=$1 machine=$2 bus=$3 fw=$4 boot=$5 nics=$6 pxe=${7:-}
	local mode=${8:-res} img args=()
	T=$BATS_FILE_TMPDIR/$row
	mkdir -p "$T"
	case $boot in
	disk|kernel)
		cp --sparse=always "$O/guest/disk.img" "$T/disk.img"
		img=$T/disk.img ;;
	cdrom) img=$O/guest/twinbench.iso ;;
	pxe) img=$O/guest/pxe ;;
	esac
	if [ "$mode" = res ] && [ "$boot" = cdrom -o "$boot" = pxe ]; then
		cp --sparse=always "$O/results-disk.img" "$T/res.img"
		args+=(--results-disk "$T/res.img")
	fi
	[ -z "$pxe" ] || args+=(--pxe-file "$pxe")
	run --separate-stderr timeout 900 "$LAB" run --profile smoke \
		--timeout 600 --out "$T/out" --machine "$machine" \
		--disk-bus "$bus" --firmware "$fw" --boot "$boot" \
		--nic "$nics" "${args[@]}" "$img"
	printf '%s\n' "$output" > "$T/terminal.log"
	printf '%s\n' "$stderr" > "$T/lab.log"
	cat "$T"/out/*.log > "$T/console.log" 2>/dev/null || true
	if [ "$status" -ne 0 ]; then
		echo "twinbench run exited $status; its messages:"
		tail -n 25 "$T/lab.log"
		echo "console (end):"
		grep -av '^TWINBENCH {' "$T/console.log" | tail -n 15
		return 1
	fi
}

# The hardware object of the run: manifest.json's, or the console's.
hardware() {
	local d
	d=$(echo "$T"/out/*/)
	if [ -f "$d/manifest.json" ]; then
		jq -c .hardware "$d/manifest.json"
	else
		jq -c . "$d/hardware.json"
	fi
}

# check_row MACHINE BUS FIRMWARE BOOT NICS [console]: a complete, ok smoke
# run; every workload has ok samples (build, over PXE: skipped, with the
# reason); the hardware object names what QEMU
# was given.
check_row() {
	local machine=$1 bus=$2 fw=$3 boot=$4 nics=$5 mode=${6:-res}
	local hw d w want got
	grep -qa 'TWINBENCH-DONE [0-9]*-[a-z0-9_.-]* ok' "$T/console.log"
	d=$(echo "$T"/out/*/)
	[ -e "$d/DONE" ]
	[ "$(jq -r .status "$d/summary.json")" = ok ]
	net_skipped "$d/samples.jsonl" ||
		{ echo "network runs without a peer: not skipped"; return 1; }
	for w in $(smoke_workloads); do
		if [ "$w" = build ] && [ "$boot" = pxe ]; then
			# no BENCHBOOT over PXE: no compiler or code base, and
			# the run says so
			jq -se 'map(select(.workload == "build")) | length > 0 and
				all(.status == "skipped" and (.reason |
				contains("twinbench-build.tar.bz2")))' \
				"$d/samples.jsonl" >/dev/null ||
				{ echo "build over PXE: not skipped as expected"; return 1; }
			continue
		fi
		[ "$(jq -s --arg w "$w" '[.[] | select(.workload == $w and
			.status == "ok")] | length' "$d/samples.jsonl")" -gt 0 ] ||
			{ echo "no ok samples of $w"; return 1; }
	done
	hw=$(hardware)
	echo "hardware: $hw"
	[ "$(jq -r .firmware <<< "$hw")" = "$fw" ]
	[ "$(jq -r .boot.medium <<< "$hw")" = "$boot" ]
	if [ "$mode" = res ]; then
		want=$(disk_driver "$bus")
		jq -e --arg d "$want" '[.disks[] | select(.kind == "disk") |
			.driver] | index($d) != null' <<< "$hw"
	fi
	if [ "$boot" = cdrom ]; then
		want=$(cd_driver "$machine" "$bus")
		jq -e --arg d "$want" '[.disks[] | select(.kind == "cdrom") |
			.driver] | index($d) != null' <<< "$hw"
	fi
	want=$(for n in ${nics//,/ }; do nic_driver "$n"; done | sort | paste -sd,)
	got=$(jq -r '[.nics[].driver] | sort | join(",")' <<< "$hw")
	[ "$got" = "$want" ] || { echo "NIC drivers: $got, want $want"; return 1; }
}

# row ROW MACHINE BUS FIRMWARE BOOT [PXE-NIC PXE-FILE] [console]
row() {
	local r=$1 m=$2 b=$3 f=$4 boot=$5 nics=$ALL_NICS pxe= mode=res
	if [ "$m" = microvm ]; then
		nics=virtio
	elif [ "$boot" = pxe ]; then
		nics=$6,$(tr , '\n' <<< "$ALL_NICS" | grep -vx "$6" | paste -sd,)
		pxe=$7
		mode=${8:-res}
	fi
	boot_row "$r" "$m" "$b" "$f" "$boot" "$nics" "$pxe" "$mode"
	check_row "$m" "$b" "$f" "$boot" "$nics" "$mode"
}

# ---- what `twinbench run` refuses, and the media themselves -------------

@test "run refuses the combinations QEMU or its firmware cannot boot" {
	run -2 "$LAB" run --machine microvm --boot disk "$O/guest/disk.img"
	[[ "$output" == *"use --boot kernel"* ]]
	run -2 "$LAB" run --machine q35 --disk-bus ide "$O/guest/disk.img"
	[[ "$output" == *"only on --machine pc"* ]]
	run -2 "$LAB" run --firmware uefi --disk-bus lsi "$O/guest/disk.img"
	[[ "$output" == *"OVMF has no LSI"* ]]
	run -2 "$LAB" run --boot pxe "$O/guest/pxe"
	[[ "$output" == *"needs a NIC"* ]]
	run -2 "$LAB" run --results-disk x "$O/guest/disk.img"
	run -2 "$LAB" run --nic e1000,token-ring "$O/guest/disk.img"
}

@test "twinbench.iso is a hybrid ISO: El Torito BIOS + UEFI, MBR with an EFI partition" {
	local iso=$O/guest/twinbench.iso
	run xorriso -indev "$iso" -report_el_torito plain
	[[ "$output" == *"Volume id    : 'TWINBENCH'"* ]]
	[[ "$output" == *"El Torito boot img :   1  BIOS"* ]]
	[[ "$output" == *"El Torito boot img :   2  UEFI"* ]]
	run sfdisk -J "$iso"
	[ "$(jq -r '.partitiontable.partitions[1].type' <<< "$output")" = ef ]
	# the EFI partition is the FAT image with systemd-boot and the menu
	local off
	off=$(part_offset "$iso" 2)
	MTOOLS_SKIP_CHECK=1 mdir -i "$iso@@$off" ::/EFI/BOOT/BOOTX64.EFI
	MTOOLS_SKIP_CHECK=1 mtype -i "$iso@@$off" ::/loader/entries/smoke.conf |
		grep -q 'bench.profile=smoke'
}

@test "pxe/ has BIOS and UEFI loaders, the menus, kernel, initrd, dnsmasq.conf" {
	local p=$O/guest/pxe f
	for f in pxelinux.0 ldlinux.c32 syslinux.efi ldlinux.e64 vmlinuz \
		initrd.img pxelinux.cfg/default boot.ipxe dnsmasq.conf; do
		[ -s "$p/$f" ]
	done
	cmp "$p/initrd.img" "$O/guest/initrd.img"
	grep -q '^  IPAPPEND 2' "$p/pxelinux.cfg/default"
	grep -q '^LABEL smoke' "$p/pxelinux.cfg/default"
	grep -q '^item smoke' "$p/boot.ipxe"
}

@test "results-disk.img has one ext4 partition labelled BENCHRES" {
	run sfdisk -J "$O/results-disk.img"
	[ "$(jq '.partitiontable.partitions | length' <<< "$output")" -eq 1 ]
	part_extract "$O/results-disk.img" 1 "$BATS_TEST_TMPDIR/res"
	[ "$(e2label "$BATS_TEST_TMPDIR/res")" = BENCHRES ]
	e2fsck -fn "$BATS_TEST_TMPDIR/res"
}

@test "console rebuilds a run from a saved serial log, never overwriting" {
	local log=$BATS_TEST_TMPDIR/serial.log d=$BATS_TEST_TMPDIR/runs r
	r='"schema":1,"run":"0001-x","instance":"zip","workload":"compress"'
	{
		echo 'SeaBIOS (version 1.16)'
		echo 'TWINBENCH-HARDWARE {"firmware":"bios","nics":[]}'
		for v in 9 4 2 3; do
			printf 'TWINBENCH {%s,"rep":%d,"warmup":%s,"metric":"seconds","value":%s,"unit":"s","better":"lower","status":"ok","reason":null}\r\n' \
				"$r" $((v == 9 ? 1 : 2)) $([ $v = 9 ] && echo true || echo false) $v
		done
		echo '[   20.1] random kernel noise'
		echo 'TWINBENCH-DONE 0001-x ok'
	} > "$log"
	run -0 "$LAB" console "$log" "$d"
	[ -e "$d/0001-x/DONE" ]
	[ "$(jq -c '[.source, .status, .instances[0].metrics[0].n,
		.instances[0].metrics[0].median,
		.instances[0].metrics[0].discarded]' "$d/0001-x/summary.json")" = '["console","ok",3,3,1]' ]
	[ "$(wc -l < "$d/0001-x/samples.jsonl")" -eq 4 ]
	[ "$(jq -r .firmware "$d/0001-x/hardware.json")" = bios ]
	cp "$d/0001-x/summary.json" "$BATS_TEST_TMPDIR/before"
	run -1 "$LAB" console "$log" "$d"
	[[ "$output" == *"exists; left alone"* ]]
	cmp "$BATS_TEST_TMPDIR/before" "$d/0001-x/summary.json"
	# a log without DONE: incomplete, no DONE file
	grep -v TWINBENCH-DONE "$log" > "$BATS_TEST_TMPDIR/cut.log"
	run -1 "$LAB" console "$BATS_TEST_TMPDIR/cut.log" "$BATS_TEST_TMPDIR/cut"
	[ ! -e "$BATS_TEST_TMPDIR/cut/0001-x/DONE" ]
}

# ---- the boots: quick set ------------------------------------------------

@test "a: pc, virtio-blk, SeaBIOS, disk" { row a pc virtio-blk bios disk; }
@test "b: q35, virtio-blk, OVMF, cdrom" { row b q35 virtio-blk uefi cdrom; }
@test "c: q35, virtio-scsi, SeaBIOS, pxe (e1000e, pxelinux)" {
	row c q35 virtio-scsi bios pxe e1000e pxelinux.0
}
@test "d: pc, virtio-scsi, OVMF, kernel" { row d pc virtio-scsi uefi kernel; }
@test "e: pc, ahci, SeaBIOS, kernel" { row e pc ahci bios kernel; }
@test "f: q35, ahci, OVMF, disk" { row f q35 ahci uefi disk; }
@test "g: pc, ide, SeaBIOS, cdrom" { row g pc ide bios cdrom; }
@test "h: pc, ide, OVMF, pxe (e1000, syslinux.efi)" {
	row h pc ide uefi pxe e1000 syslinux.efi
}
@test "i: q35, nvme, SeaBIOS, kernel" { row i q35 nvme bios kernel; }
@test "j: pc, nvme, OVMF, disk" { row j pc nvme uefi disk; }
@test "k: q35, lsi, SeaBIOS, cdrom" { row k q35 lsi bios cdrom; }
@test "l: pc, lsi, OVMF, pxe (rtl8139, syslinux.efi)" {
	row l pc lsi uefi pxe rtl8139 syslinux.efi
}
@test "m: microvm, virtio-mmio disk and NIC, qboot, kernel" {
	row m microvm virtio-blk bios kernel
}
@test "n: pc, SeaBIOS, pxe (vmxnet3, boot.ipxe), results from the console" {
	row n pc virtio-blk bios pxe vmxnet3 boot.ipxe console
	grep -q 'reading the results from the serial console' "$T/lab.log"
	[ "$(jq -r .source "$T"/out/*/summary.json)" = console ]
	# the PXE menus pass BOOTIF=, the appliance's evidence for "pxe"
	[[ "$(hardware | jq -r .boot.evidence)" == BOOTIF=* ]]
}

# ---- full set: the remaining disk bus x boot method pairs ----------------

@test "o: q35, virtio-blk, OVMF, pxe (virtio, syslinux.efi)" {
	full_only
	row o q35 virtio-blk uefi pxe virtio syslinux.efi
}
@test "p: q35, virtio-scsi, SeaBIOS, disk" {
	full_only
	row p q35 virtio-scsi bios disk
}
@test "q: pc, virtio-scsi, OVMF, cdrom" { full_only; row q pc virtio-scsi uefi cdrom; }
@test "r: pc, ahci, OVMF, cdrom" { full_only; row r pc ahci uefi cdrom; }
@test "s: q35, ahci, SeaBIOS, pxe (rtl8139, pxelinux)" {
	full_only
	row s q35 ahci bios pxe rtl8139 pxelinux.0
}
@test "t: pc, ide, OVMF, disk" { full_only; row t pc ide uefi disk; }
@test "u: pc, ide, SeaBIOS, kernel" { full_only; row u pc ide bios kernel; }
@test "v: q35, nvme, OVMF, cdrom" { full_only; row v q35 nvme uefi cdrom; }
@test "w: pc, nvme, SeaBIOS, pxe (e1000, pxelinux)" {
	full_only
	row w pc nvme bios pxe e1000 pxelinux.0
}
@test "x: pc, lsi, SeaBIOS, disk" { full_only; row x pc lsi bios disk; }
@test "y: q35, lsi, OVMF, kernel" { full_only; row y q35 lsi uefi kernel; }

# ---- full set: pxe/dnsmasq.conf as shipped, with a real dnsmasq -----------

# A bridge in a network namespace: QEMU's tap, and a veth to a second
# namespace with the lab's "existing" DHCP server; dnsmasq.conf (proxy-DHCP,
# Mode 1) runs on the bridge.  Needs root and dnsmasq.
proxy_net() {
	[ "$(id -u)" = 0 ] && command -v dnsmasq >/dev/null ||
		skip "needs root and dnsmasq"
	NS=tbm$$
	ip netns add "$NS" && ip netns add "${NS}d" || skip "no network namespaces"
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" tuntap add tap0 mode tap
	ip -n "$NS" link set tap0 master br0
	ip -n "$NS" link add veth0 type veth peer name veth1 netns "${NS}d"
	ip -n "$NS" link set veth0 master br0
	ip -n "$NS" addr add 192.168.50.1/24 dev br0
	ip -n "${NS}d" addr add 192.168.50.2/24 dev veth1
	for l in br0 tap0 veth0 lo; do ip -n "$NS" link set "$l" up; done
	ip -n "${NS}d" link set veth1 up
}

teardown() {
	[ -z "${NS:-}" ] && return 0
	local p
	for p in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -e "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	ip netns del "${NS}d" 2>/dev/null
	return 0
}

proxy_boot() { # FIRMWARE
	local t=$BATS_TEST_TMPDIR fw=
	sed -e 's/^interface=.*/interface=br0/' \
		-e "s|^tftp-root=.*|tftp-root=$O/guest/pxe|" \
		"$O/guest/pxe/dnsmasq.conf" > "$t/proxy.conf"
	# --no-daemon: no fork, and no change of user (the TFTP root is in
	# private temporary directories); fd 3 closed for bats
	ip netns exec "${NS}d" dnsmasq --no-daemon --port=0 \
		--interface=veth1 --bind-interfaces \
		--dhcp-range=192.168.50.100,192.168.50.199,1h \
		--dhcp-leasefile="$t/leases" > "$t/dhcp.log" 2>&1 3>&- &
	echo $! > "$t/dhcp.pid"
	ip netns exec "$NS" dnsmasq --no-daemon --conf-file="$t/proxy.conf" \
		--log-facility="$t/proxy.log" > /dev/null 2>&1 3>&- &
	echo $! > "$t/proxy.pid"
	sleep 1
	[ "$1" = uefi ] && fw="-bios /usr/share/ovmf/OVMF.fd"
	# shellcheck disable=SC2086
	run timeout 600 ip netns exec "$NS" qemu-system-x86_64 -machine q35 \
		-accel tcg -m 512 -smp 2 -display none -monitor none -no-reboot \
		-serial stdio $fw -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device e1000,netdev=n0,bootindex=1 \
		-fw_cfg name=opt/org.twinbench/cmdline,string=bench.profile=smoke
	[ "$status" -eq 0 ]
	[[ "$output" == *"TWINBENCH-DONE 0001-"*" ok"* ]]
	grep -q 'proxy' "$t/proxy.log"
}

@test "z1: pxe/dnsmasq.conf (proxy-DHCP) boots a BIOS client: pxelinux.0" {
	full_only
	proxy_net
	proxy_boot bios
	# the shipped configuration served the BIOS loader, and it ran
	grep -q 'sent .*/pxe/pxelinux.0 to ' "$BATS_TEST_TMPDIR/proxy.log"
	[[ "$output" == *"PXELINUX 6.04"* ]]
}

@test "z2: pxe/dnsmasq.conf (proxy-DHCP) boots a UEFI client: syslinux.efi" {
	full_only
	proxy_net
	proxy_boot uefi
	grep -q 'sent .*/pxe/syslinux.efi to ' "$BATS_TEST_TMPDIR/proxy.log"
}
