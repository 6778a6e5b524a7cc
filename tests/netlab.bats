#!/usr/bin/env bats
# tests/netlab.bats - `twinbench run --peer IMAGE|ADDR[:PORT]`, --token and
# --peer-memory (lab/peer*.c): option errors; the QEMU command lines of
# both VMs, with TWINBENCH_QEMU a stand-in that records them (the dgram
# link's two ports crossed, the NIC models, each side's kernel parameters,
# the forwarding rules to an agent on this host); the peer VM's keeper
# (stopped with SIGTERM, SIGKILL when that is ignored, an early death
# reported); `twinbench relay`; and one real boot of two VMs from the
# current image (smoke, TCG unless the KVM probe works, under a timeout):
# the client finishes, the peer booted and is stopped, both consoles kept.
#
# The stand-in tests use a small disk made here without root (sfdisk, mkfs,
# mtools): p1 FAT32 BENCHBOOT with a boot menu, /vmlinuz and /initrd.img
# (text files), p2 ext4 BENCHSCRATCH, p3 ext4 BENCHRES with no runs; the
# run then fails its read-back (no new run), which they do not look at.
bats_require_minimum_version 1.5.0
load helper

# the workloads that need the peer: in the real boot, every other workload
# of smoke must be ok
NET_WORKLOADS="netstream transfer"

setup_file() {
	make_quiet lab
	export FIX=$BATS_FILE_TMPDIR/fixture
	mkdir -p "$FIX"
	make_disk "$FIX/disk.img"
}

setup() {
	DISK=$BATS_TEST_TMPDIR/disk.img
	PEER=$BATS_TEST_TMPDIR/peer.img
	cp --sparse=always "$FIX/disk.img" "$DISK"
	cp --sparse=always "$FIX/disk.img" "$PEER"
	export TWINBENCH_KVM_CACHE=$BATS_TEST_TMPDIR/kvm-probe
	export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	export MTOOLS_SKIP_CHECK=1
	export TMPDIR=$BATS_TEST_TMPDIR
	SERVER_PID=
}

teardown() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}

# ---- fixture ---------------------------------------------------------------

cfg_text() {
	cat <<-'EOF'
	DEFAULT default
	PROMPT 1
	TIMEOUT 30

	LABEL default
	  KERNEL /vmlinuz
	  INITRD /initrd.img
	  APPEND console=tty0 console=ttyS0,115200 bench.profile=default quiet panic=10

	LABEL smoke
	  KERNEL /vmlinuz
	  INITRD /initrd.img
	  APPEND console=tty0 console=ttyS0,115200 bench.profile=smoke quiet panic=10
	EOF
}

# make_disk IMAGE: BENCHBOOT (40 MiB), BENCHSCRATCH (8), BENCHRES (16)
make_disk() {
	local img=$1 w f
	w=$(dirname "$img")/parts
	mkdir -p "$w" "$w/res/runs"
	cfg_text > "$w/syslinux.cfg"
	printf 'not a kernel\n' > "$w/vmlinuz"
	printf 'not an initrd\n' > "$w/initrd.img"
	mkfs.fat -F 32 -s 1 -n BENCHBOOT -C "$w/boot.img" 40960 >/dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$w/boot.img" ::/EFI ::/EFI/BOOT
	for f in /syslinux.cfg /EFI/BOOT/syslinux.cfg /vmlinuz /initrd.img; do
		MTOOLS_SKIP_CHECK=1 mcopy -i "$w/boot.img" \
			"$w/$(basename "$f")" "::$f"
	done
	mke2fs -q -F -t ext4 -L BENCHSCRATCH "$w/scratch.img" 8M
	mke2fs -q -F -t ext4 -L BENCHRES -d "$w/res" "$w/res.img" 16M
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

boot_cfg() { mtype -i "$1@@$((2048 * 512))" ::/syslinux.cfg; }

# fake_qemu: a stand-in for qemu-system-x86_64.  Each call writes its
# arguments, one per line, to $BATS_TEST_TMPDIR/qemu.<pid>.args.  The peer
# VM (bench.role=server on its command line) keeps a copy of its -kernel
# and the label of its disk's partition 1, puts a kernel banner in its
# serial log and runs until it is stopped; PEER_FAKE=dies: it fails at
# once instead, PEER_FAKE=stubborn: it ignores SIGTERM.  The client waits
# (5 s at most) until the peer is that far if it has a link, logs
# TWINBENCH-RUN $CLIENT_RUN (if set) and ends after $CLIENT_S seconds.
fake_qemu() {
	local q=$BATS_TEST_TMPDIR/fake-qemu
	cat > "$q" <<-'EOF'
	#!/bin/bash
	d=$FAKE_DIR
	printf '%s\n' "$@" > "$d/qemu.$$.args"
	log= kernel= disk= prev=
	for a; do
		case $a in
		*logfile=*) log=${a#*logfile=} log=${log//,,/,} ;;
		file=*,format=raw,if=virtio) disk=${a#file=} disk=${disk%%,*} ;;
		esac
		[ "$prev" = -kernel ] && kernel=$a
		prev=$a
	done
	if grep -q 'bench\.role=server' "$d/qemu.$$.args"; then
		echo $$ > "$d/peer.pid"
		cp "$kernel" "$d/peer.kernel"
		blkid -p -O 1048576 -o value -s LABEL "$disk" > "$d/peer.scratch"
		echo '[    0.000000] Linux version 6.1.0-fake' > "$log"
		: > "$d/peer.ready"
		case ${PEER_FAKE:-} in
		dies)	echo 'qemu-system-x86_64: -netdev dgram: Address already in use' >&2
			exit 1 ;;
		stubborn) trap '' TERM ;;
		esac
		while :; do sleep 0.2; done
	fi
	# on the link: the peer stand-in is done with its files first
	for i in $(seq 50); do
		grep -q '^dgram,' "$d/qemu.$$.args" || break
		[ -e "$d/peer.ready" ] && break
		sleep 0.1
	done
	[ -z "${CLIENT_RUN:-}" ] ||
		echo "TWINBENCH-RUN {\"schema\":1,\"run\":\"$CLIENT_RUN\"}" >> "$log"
	sleep "${CLIENT_S:-0}"
	EOF
	chmod +x "$q"
	export TWINBENCH_QEMU=$q FAKE_DIR=$BATS_TEST_TMPDIR
}

# args_of peer|client: the argument file of that VM's QEMU
args_of() {
	local f
	for f in "$BATS_TEST_TMPDIR"/qemu.*.args; do
		if grep -q 'bench\.role=server' "$f"; then
			[ "$1" = peer ] && echo "$f"
		else
			[ "$1" = client ] && echo "$f"
		fi
	done
	return 0
}

# fresh: forget the stand-ins' files of the last run
fresh() {
	local d=$BATS_TEST_TMPDIR
	rm -f "$d"/qemu.*.args "$d"/peer.pid "$d"/peer.ready "$d"/peer.kernel \
		"$d"/peer.scratch
}

nargs() { find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'qemu.*.args' | wc -l; }

# after FILE OPT: every argument that follows OPT in FILE
after() { sed -n "/^$2\$/{n;p}" "$1"; }

port_of() { sed -n "s/.*[,=]$2\.port=\([0-9]*\).*/\1/p" <<< "$1"; }

# ---- options ---------------------------------------------------------------

@test "run --help lists --peer, --token, --peer-memory and relay" {
	run -0 "$LAB" run --help
	[[ "$output" == *"--peer IMAGE|ADDR[:PORT]"* ]]
	[[ "$output" == *"--token TEXT"* ]]
	[[ "$output" == *"--peer-memory MIB"* ]]
	[[ "$output" == *"twinbench relay ADDR PORT"* ]]
}

@test "option errors name the option and boot nothing" {
	fake_qemu
	local long
	long=$(printf 'x%.0s' $(seq 129))
	bad() {	# bad MESSAGE ARG...: exit 2 with that message
		local m=$1
		shift
		run -2 --separate-stderr "$LAB" run --accel tcg "$@" "$DISK"
		[ "$stderr" = "twinbench: run: $m"$'\n'"Try 'twinbench help'." ]
	}
	bad "--peer: nonexistent: no such image or address" --peer nonexistent
	bad "--peer: 10.1.2.3.4: no such image or address" --peer 10.1.2.3.4
	local port="the agent's port must be 1 to 65531 (it uses the port and the next four)"
	bad "--peer: 10.0.0.1:0: $port" --peer 10.0.0.1:0
	bad "--peer: 127.0.0.1:65532: $port" --peer 127.0.0.1:65532
	bad "--peer: 127.0.0.1:x: $port" --peer 127.0.0.1:x
	local tok="--token: 1 to 128 letters, digits or - . _ ~ + / = : @ %"
	bad "$tok" --peer "$PEER" --token 'a b'
	bad "$tok" --peer "$PEER" --token ''
	bad "$tok" --peer "$PEER" --token "$long"
	bad "--token: only with --peer" --token abc
	bad "--peer-memory: MiB from 64 to 1048576" --peer "$PEER" --peer-memory 32
	bad "--peer-memory: only with --peer IMAGE" --peer-memory 256
	bad "--peer-memory: only with --peer IMAGE" --peer 127.0.0.1 --peer-memory 256
	bad "--peer IMAGE: not with --boot pxe (its first NIC is on QEMU's TFTP network; --peer ADDR can share it)" \
		--peer "$PEER" --boot pxe
	run -2 --separate-stderr "$LAB" run --accel tcg --peer
	[ "$stderr" = "twinbench: run: option --peer needs an argument"$'\n'"Try 'twinbench help'." ]
	[ "$(nargs)" -eq 0 ]
	# IMAGE exists but is none of the forms
	mkdir "$BATS_TEST_TMPDIR/empty"
	run -1 --separate-stderr "$LAB" run --accel tcg --peer "$BATS_TEST_TMPDIR/empty" "$DISK"
	[[ "$stderr" == *"twinbench: --peer $BATS_TEST_TMPDIR/empty: a directory without disk.img, and not a pxe/ directory"* ]]
	echo text > "$BATS_TEST_TMPDIR/notes.txt"
	run -1 --separate-stderr "$LAB" run --accel tcg --peer "$BATS_TEST_TMPDIR/notes.txt" "$DISK"
	[[ "$stderr" == *"twinbench: --peer $BATS_TEST_TMPDIR/notes.txt: not a disk.img (no BENCHBOOT partition), twinbench.iso, pxe/ or out/guest directory"* ]]
	[ "$(nargs)" -eq 0 ]
}

# ---- --peer IMAGE: the two command lines ------------------------------------

@test "--peer IMAGE: two VMs on one private dgram link, the peer a server" {
	fake_qemu
	run -1 --separate-stderr "$LAB" run --accel tcg --profile smoke \
		--peer "$PEER" --token s3cr3t "$DISK"
	[ "$(nargs)" -eq 2 ]
	local c p cn pn
	c=$(args_of client) p=$(args_of peer)
	# one network each, the link: each side's local port the other's remote
	cn=$(after "$c" -netdev) pn=$(after "$p" -netdev)
	[ "$(wc -l <<< "$cn")" -eq 1 ] && [ "$(wc -l <<< "$pn")" -eq 1 ]
	[[ "$cn" == dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=*,remote.type=inet,remote.host=127.0.0.1,remote.port=* ]]
	[[ "$pn" == dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=*,remote.type=inet,remote.host=127.0.0.1,remote.port=* ]]
	[ "$(port_of "$cn" local)" = "$(port_of "$pn" remote)" ]
	[ "$(port_of "$pn" local)" = "$(port_of "$cn" remote)" ]
	[ "$(port_of "$cn" local)" != "$(port_of "$cn" remote)" ]
	# NICs: the client's default virtio, the peer's virtio-net-pci (own MAC)
	[ "$(after "$c" -device)" = "virtio-net-pci,netdev=net0,romfile=" ]
	[ "$(after "$p" -device)" = "virtio-net-pci,netdev=net0,mac=52:54:00:77:00:01,romfile=" ]
	# the client's parameters in fw_cfg (a disk boot), none of the server's
	[ "$(after "$c" -fw_cfg)" = "name=opt/org.twinbench/cmdline,string=bench.net=10.77.0.2/24 bench.peer=10.77.0.1 bench.token=s3cr3t" ]
	run -1 grep -e 'bench.role' -e '10.77.0.1/24' "$c"
	# the peer: kernel boot of the image's smoke entry (not quiet), server
	[ "$(after "$p" -append)" = "console=tty0 console=ttyS0,115200 bench.profile=smoke panic=10 bench.role=server bench.net=10.77.0.1/24 bench.token=s3cr3t" ]
	[ "$(cat "$BATS_TEST_TMPDIR/peer.kernel")" = "not a kernel" ]
	[ "$(after "$p" -machine)" = pc ]
	[ "$(after "$p" -m)" = 512 ]
	[ "$(after "$p" -smp)" = 2 ]
	run -1 grep -e '^-fw_cfg$' -e "$PEER" "$p"
	# its own scratch disk, BENCHSCRATCH; IMAGE itself untouched
	[[ "$(after "$p" -drive)" == "file=$TMPDIR/twinbench."*"/peer-scratch.img,format=raw,if=virtio" ]]
	[ "$(cat "$BATS_TEST_TMPDIR/peer.scratch")" = BENCHSCRATCH ]
	cmp "$FIX/disk.img" "$PEER"
	# the boot menu of the client keeps no peer parameter
	run -1 grep -e bench.net -e bench.peer -e bench.token <(boot_cfg "$DISK")
	# the terminal: one line per event, the peer stopped and reaped
	[[ "$stderr" == *"twinbench: peer: booting $PEER (console: $TMPDIR/twinbench-serial-"??????".peer.log)"$'\n'* ]]
	[[ "$stderr" == *"twinbench: peer: stopped after "*" s"$'\n'* ]]
	run -1 kill -0 "$(cat "$BATS_TEST_TMPDIR/peer.pid")"
}

@test "--peer IMAGE: logs side by side, --peer-memory, other machines" {
	fake_qemu
	local c p log
	run -1 --separate-stderr "$LAB" run --accel tcg --machine q35 \
		--peer "$PEER" --peer-memory 384 "$DISK"
	c=$(args_of client) p=$(args_of peer)
	log=$(after "$c" -chardev)
	log=${log#stdio,id=console,logfile=}
	[ "$(after "$p" -chardev)" = "stdio,id=console,logfile=${log%.log}.peer.log" ]
	[ -s "${log%.log}.peer.log" ]
	[ "$(after "$p" -m)" = 384 ] && [ "$(after "$c" -m)" = 512 ]
	[ "$(after "$c" -machine)" = q35 ] && [ "$(after "$p" -machine)" = pc ]
	# without --token: no bench.token anywhere; the menu's DEFAULT entry
	run -1 grep -h bench.token "$c" "$p"
	[[ "$(after "$p" -append)" == "console=tty0 console=ttyS0,115200 bench.profile=default panic=10 bench.role=server bench.net=10.77.0.1/24" ]]
	[[ "$stderr" == *"twinbench: the peer's serial console: ${log%.log}.peer.log"$'\n'"twinbench: the whole serial console: $log" ]]
	# --serial-log FILE: FILE's name with .peer
	fresh
	run -1 --separate-stderr "$LAB" run --accel tcg --peer "$PEER" \
		--serial-log "$BATS_TEST_TMPDIR/a,b.log" "$DISK"
	[ "$(after "$(args_of peer)" -chardev)" = "stdio,id=console,logfile=$BATS_TEST_TMPDIR/a,,b.peer.log" ]
	# --out DIR: DIR/<run-id>.peer.serial.log beside DIR/<run-id>.serial.log
	fresh
	local out=$BATS_TEST_TMPDIR/kept
	CLIENT_RUN=0042-net run -1 --separate-stderr "$LAB" run --accel tcg \
		--peer "$PEER" --out "$out" "$DISK"
	grep -q '^TWINBENCH-RUN {"schema":1,"run":"0042-net"}' "$out/0042-net.serial.log"
	grep -q 'Linux version' "$out/0042-net.peer.serial.log"
	[ -z "$(find "$out" -name 'serial-*')" ]
	[[ "$stderr" == *"twinbench: the peer's serial console: $out/0042-net.peer.serial.log"$'\n'* ]]
	# a name already taken is kept, and the log stays where it was
	fresh
	CLIENT_RUN=0042-net run -1 --separate-stderr "$LAB" run --accel tcg \
		--peer "$PEER" --out "$out" "$DISK"
	log=$(echo "$out"/serial-??????.peer.log)
	[ -s "$log" ]
	[[ "$stderr" == *"twinbench: $out/0042-net.peer.serial.log: File exists; the peer's log stays in $log"$'\n'* ]]
}

@test "--peer IMAGE: kernel boot parameters, NIC models, the out/guest form" {
	fake_qemu
	local c g=$BATS_TEST_TMPDIR/guest
	# --boot kernel: the client's parameters on its command line
	run -1 --separate-stderr "$LAB" run --accel tcg --boot kernel \
		--profile smoke --peer "$PEER" "$DISK"
	c=$(args_of client)
	[ "$(after "$c" -append)" = "console=tty0 console=ttyS0,115200 bench.profile=smoke quiet panic=10 bench.net=10.77.0.2/24 bench.peer=10.77.0.1" ]
	run -1 grep -x -- -fw_cfg "$c"
	# --nic e1000,rtl8139: the first on the link, the second on its own net
	fresh
	run -1 --separate-stderr "$LAB" run --accel tcg --nic e1000,rtl8139 \
		--peer "$PEER" "$DISK"
	c=$(args_of client)
	[ "$(after "$c" -device)" = "e1000,netdev=net0,romfile="$'\n'"rtl8139,netdev=net1,romfile=" ]
	[[ "$(after "$c" -netdev | head -n 1)" == dgram,id=net0,* ]]
	[ "$(after "$c" -netdev | tail -n 1)" = user,id=net1 ]
	[[ "$(after "$(args_of peer)" -device)" == virtio-net-pci,* ]]
	# microvm: virtio-net-device on the link
	fresh
	run -1 --separate-stderr "$LAB" run --accel tcg --machine microvm \
		--peer "$PEER" "$DISK"
	[ "$(after "$(args_of client)" -device | tail -n 1)" = "virtio-net-device,netdev=net0" ]
	# a directory with disk.img in it (out/guest)
	fresh
	mkdir "$g"
	mv "$PEER" "$g/disk.img"
	run -1 --separate-stderr "$LAB" run --accel tcg --peer "$g" "$DISK"
	[ "$(nargs)" -eq 2 ]
	[[ "$stderr" == *"twinbench: peer: booting $g (console: "* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/peer.kernel")" = "not a kernel" ]
}

# ---- the peer VM's keeper ---------------------------------------------------

@test "a peer VM that dies early is reported at once; the client goes on" {
	fake_qemu
	SECONDS=0
	PEER_FAKE=dies CLIENT_S=2 run -1 --separate-stderr "$LAB" run \
		--accel tcg --peer "$PEER" "$DISK"
	[ "$SECONDS" -lt 10 ]
	[[ "$stderr" == *"twinbench: peer: the peer VM ended after "*" s, before the machine under test (QEMU exit status 1: qemu-system-x86_64: -netdev dgram: Address already in use); its network runs will fail"$'\n'*"twinbench: QEMU finished after "* ]]
	[[ "$stderr" != *"peer: stopped"* ]]
}

@test "a peer VM that ignores SIGTERM gets SIGKILL after 3 s" {
	fake_qemu
	SECONDS=0
	PEER_FAKE=stubborn run -1 --separate-stderr "$LAB" run --accel tcg \
		--peer "$PEER" "$DISK"
	[ "$SECONDS" -ge 3 ] && [ "$SECONDS" -lt 12 ]
	[[ "$stderr" == *"twinbench: peer: stopped after "* ]]
	run -1 kill -0 "$(cat "$BATS_TEST_TMPDIR/peer.pid")"
}

# ---- --peer ADDR -------------------------------------------------------------

@test "--peer 127.0.0.1:7777: restricted user network, guestfwd per port" {
	fake_qemu
	local c exe fwd="" i
	exe=$(readlink -f "$LAB")
	run -1 --separate-stderr "$LAB" run --accel tcg --peer 127.0.0.1:7777 \
		--token t0k "$DISK"
	[ "$(nargs)" -eq 1 ]
	c=$(args_of client)
	for i in 7777 7778 7779 7780 7781; do
		fwd+=",guestfwd=tcp:10.0.2.100:$i-cmd:'$exe' relay 127.0.0.1 $i"
	done
	[ "$(after "$c" -netdev)" = "user,id=net0,restrict=on$fwd" ]
	[ "$(after "$c" -device)" = "virtio-net-pci,netdev=net0,romfile=" ]
	[ "$(after "$c" -fw_cfg)" = "name=opt/org.twinbench/cmdline,string=bench.net=dhcp bench.peer=10.0.2.100:7777 bench.token=t0k" ]
	[[ "$stderr" == *"twinbench: peer: the agent at 127.0.0.1:7777, as 10.0.2.100:7777..7781 in the machine under test (restricted user-mode network)"* ]]
	# another port, another loopback address; the default port
	fresh
	run -1 --separate-stderr "$LAB" run --accel tcg --peer 127.0.0.2:9000 "$DISK"
	c=$(args_of client)
	[[ "$(after "$c" -netdev)" == "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:9000-cmd:'$exe' relay 127.0.0.2 9000,"*"relay 127.0.0.2 9004" ]]
	[ "$(after "$c" -fw_cfg)" = "name=opt/org.twinbench/cmdline,string=bench.net=dhcp bench.peer=10.0.2.100:9000" ]
}

@test "--peer ADDR elsewhere: plain user-mode networking, no forwarding" {
	fake_qemu
	local c
	run -1 --separate-stderr "$LAB" run --accel tcg --nic e1000 \
		--peer 192.0.2.7 "$DISK"
	[ "$(nargs)" -eq 1 ]
	c=$(args_of client)
	[ "$(after "$c" -netdev)" = "user,id=net0,restrict=off" ]
	[ "$(after "$c" -device)" = "e1000,netdev=net0,romfile=" ]
	[ "$(after "$c" -fw_cfg)" = "name=opt/org.twinbench/cmdline,string=bench.net=dhcp bench.peer=192.0.2.7:7777" ]
}

# ---- twinbench relay ----------------------------------------------------------

# echo_server: a TCP server on 127.0.0.1:$PORT answering each connection
# with "N:" and what it read, then closing it
echo_server() {
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	python3 -c '
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
def h(c, n):
    data = b""
    while True:
        d = c.recv(4096)
        if not d: break
        data += d
    c.sendall(b"%d:" % n + data); c.close()
n = 0
while True:
    c, _ = s.accept(); n += 1
    threading.Thread(target=h, args=(c, n)).start()
' "$PORT" 3>&- &
	SERVER_PID=$!
	local i
	for i in $(seq 50); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1]))).close()' \
			"$PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

@test "twinbench relay: one connection per run, ends passed both ways" {
	echo_server
	# the probe above was connection 1
	run -0 timeout 10 "$LAB" relay 127.0.0.1 "$PORT" <<< "hello"
	[ "$output" = "2:hello" ]
	run -0 timeout 10 "$LAB" relay 127.0.0.1 "$PORT" < /dev/null
	[ "$output" = "3:" ]
	# nobody there: it fails, silently (its stderr is the guest's connection)
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
	run -1 --separate-stderr timeout 10 "$LAB" relay 127.0.0.1 "$PORT" <<< "x"
	[ -z "$output" ] && [ -z "$stderr" ]
	run -2 --separate-stderr "$LAB" relay localhost 80
	[[ "$stderr" == "twinbench: relay: needs an IPv4 ADDR and a PORT"* ]]
}

# ---- two real VMs ---------------------------------------------------------------

@test "two VMs from the current image: smoke finishes, the peer is stopped" {
	make_quiet guest
	local img=$BATS_TEST_TMPDIR/client.img out=$BATS_TEST_TMPDIR/r id
	local so se st
	cp --sparse=always "$O/guest/disk.img" "$img"
	run --separate-stderr timeout 900 "$LAB" run --profile smoke \
		--timeout 600 --out "$out" --peer "$O/guest" --token netlab "$img"
	so=$output se=$stderr st=$status
	echo "$se" > "$out.stderr"
	# the client finished, every run ok, the network ones too
	[ "$st" -eq 0 ]
	[[ "$se" == *"twinbench: QEMU finished after "* ]]
	id=$(sed -n 's/^twinbench: run \(0001-[a-z0-9_.-]*\) finished, status .*/\1/p' <<< "$so")
	[ -n "$id" ] && [ -e "$out/$id/DONE" ]
	jq -r '.instances[] | "# \(.instance): \(.status) \(.reason // "")"' \
		"$out/$id/summary.json" >&3
	run -0 jq -r '.instances[] | select(.status != "ok") | .instance' \
		"$out/$id/summary.json"
	[ -z "$output" ]
	# both sides' figures in the client's run, plausible; the peer's
	# manifest recorded
	s=$out/$id/samples.jsonl
	for w in $NET_WORKLOADS; do
		jq -e -s --arg w "$w" '[.[] | select(.workload == $w and
			.status == "ok" and .side == "peer")] | length > 0' "$s"
	done
	jq -e -s '[.[] | select(.instance == "netstream" and .metric ==
		"throughput" and .side == "local" and .value > 0.1)] |
		length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "netstream" and .metric ==
		"transactions" and .value > 1)] | length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "transfer-tree" and .metric ==
		"seconds" and .headline and .value > 0)] | length == 2' "$s"
	jq -e '.peer.address == "10.77.0.1" and .peer.error == null and
		.peer.token and .peer.manifest.protocol == 1 and
		(.peer.manifest.kernel.release | length > 0)' \
		"$out/$id/manifest.json"
	# the peer booted beside it and was stopped after it
	[[ "$se" == *"twinbench: peer: booting $O/guest (console: $out/serial-"??????".peer.log)"$'\n'* ]]
	[[ "$se" == *"twinbench: peer: stopped after "* ]]
	[[ "$se" != *"peer VM ended"* ]]
	run -1 pgrep -f "logfile=$out/"
	# both consoles kept; the peer's shows its kernel and the appliance
	[[ "$se" == *"twinbench: the peer's serial console: $out/$id.peer.serial.log"$'\n'* ]]
	[ -s "$out/$id.serial.log" ]
	grep -aq 'Linux version' "$out/$id.peer.serial.log"
	grep -aq 'twinbench .*: appliance starting' "$out/$id.peer.serial.log"
	grep -aq 'Kernel command line: .* bench.role=server bench.net=10.77.0.1/24 bench.token=netlab' \
		"$out/$id.peer.serial.log"
	grep -aq 'parameters from QEMU fw_cfg: bench.net=10.77.0.2/24 bench.peer=10.77.0.1' \
		"$out/$id.serial.log"
	run -1 grep -a 'bench.role=server' "$out/$id.serial.log"
}

# boot_net NAME APPEND [QEMU NIC ARGS]: direct kernel boot of the current
# image's smoke with extra kernel parameters; the run collected to
# $BATS_TEST_TMPDIR/NAME, the serial console in NAME.serial
boot_net() {
	local name=$1 append=$2 img=$BATS_TEST_TMPDIR/$1.img
	shift 2
	cp --sparse=always "$O/guest/disk.img" "$img"
	run timeout 900 qemu-system-x86_64 -accel tcg -m 256 -smp 2 \
		-display none -monitor none -no-reboot -serial stdio \
		-kernel "$O/guest/vmlinuz" -initrd "$O/guest/initrd.img" \
		-append "console=ttyS0 panic=10 bench.profile=smoke $append" \
		-drive "file=$img,format=raw,if=virtio" "$@"
	echo "$output" > "$BATS_TEST_TMPDIR/$name.serial"
	[[ "$output" == *"TWINBENCH-DONE 0001-"* ]]
	run -0 "$LAB" collect "$img" "$BATS_TEST_TMPDIR/$name"
	RUN=$(ls -d "$BATS_TEST_TMPDIR/$name"/0001-*)
	[ -f "$RUN/DONE" ]
}

# net_failed REGEX: every network run failed with a reason matching
# REGEX, every other workload ok
net_failed() {
	jq -e -s --arg re "$1" --arg net "$NET_WORKLOADS" '
		($net | split(" ")) as $n |
		(map(select(.workload as $w | $n | index($w))) |
		 length > 0 and all(.status == "failed" and
				    (.reason | test($re)))) and
		(map(select(.workload as $w | $n | index($w) | not)) |
		 all(.status == "ok"))' "$RUN/samples.jsonl"
}

@test "the peer does not answer after the link came up: failed in the bound" {
	make_quiet guest lab
	local port
	port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	# a link to a UDP port nobody reads: the NIC has carrier, no peer
	boot_net nopeer "bench.net=10.77.0.2/24 bench.peer=10.77.0.1 bench.netwait=5" \
		-netdev "dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=$((port + 1)),remote.type=inet,remote.host=127.0.0.1,remote.port=$port" \
		-device virtio-net-pci,netdev=n0,romfile=
	grep -q 'network: eth0 is up (10.77.0.2/24)' "$BATS_TEST_TMPDIR/nopeer.serial"
	net_failed '10\.77\.0\.1.*5 s'
	jq -e '.peer.address == "10.77.0.1" and (.peer.error | length > 0)' \
		"$RUN/manifest.json"
}

@test "no network interface: the console says so, the network runs fail" {
	make_quiet guest lab
	boot_net nonic "bench.net=dhcp bench.peer=10.77.0.1 bench.netwait=3" \
		-nic none
	grep -q 'no network interface appeared within 3 s' \
		"$BATS_TEST_TMPDIR/nonic.serial"
	net_failed 'no network interface appeared within 3 s'
}

@test "--peer 127.0.0.1:P: a VM on DHCP reaches an agent on this host" {
	make_quiet guest appliance tools
	local port out=$BATS_TEST_TMPDIR/r img=$BATS_TEST_TMPDIR/c.img id
	port=$(python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randrange(20000, 60000)
    try:
        ss = [socket.socket() for _ in range(5)]
        for i, s in enumerate(ss):
            s.bind(("127.0.0.1", p + i))
    except OSError:
        continue
    finally:
        for s in ss:
            s.close()
    print(p)
    break
PY
)
	mkdir -p "$BATS_TEST_TMPDIR/agent"
	"$B/appliance/twinbench" serve --listen 127.0.0.1 --port "$port" \
		--bindir "$B/tools" --scratch "$BATS_TEST_TMPDIR/agent" \
		>"$BATS_TEST_TMPDIR/agent.log" 2>&1 3>&- &
	SERVER_PID=$!
	cp --sparse=always "$O/guest/disk.img" "$img"
	run --separate-stderr timeout 900 "$LAB" run --profile smoke \
		--timeout 600 --out "$out" --peer "127.0.0.1:$port" "$img"
	[ "$status" -eq 0 ]
	id=$(sed -n 's/^twinbench: run \(0001-[a-z0-9_.-]*\) finished, status .*/\1/p' <<< "$output")
	[ -n "$id" ] && [ -e "$out/$id/DONE" ]
	grep -aq 'network: eth0 is up (DHCP)' "$out/$id.serial.log"
	run -0 jq -r '.instances[] | select(.status != "ok") | .instance' \
		"$out/$id/summary.json"
	[ -z "$output" ]
	jq -e -s '[.[] | select(.workload == "transfer" and .side == "peer")]
		| length > 0' "$out/$id/samples.jsonl"
	jq -e '.peer.address == "10.0.2.100:'"$port"'" and
		.peer.error == null and .peer.manifest.protocol == 1' \
		"$out/$id/manifest.json"
	grep -q "client 127.0.0.1 connected" "$BATS_TEST_TMPDIR/agent.log"
}
