#!/usr/bin/env bats
# The host flavour, rootfs.tar and the hypervisor disk formats.
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	make_quiet guest host formats-guest
	local f
	for f in guest host; do
		mkdir -p "$BATS_FILE_TMPDIR/$f"
		zstd -dc "$O/$f/initrd.img" | (cd "$BATS_FILE_TMPDIR/$f" &&
			cpio -id --quiet --no-absolute-filenames 2>/dev/null) || true
	done
}

# files of an unpacked initramfs, without kernel modules and the two files
# that list them
userland() {
	(cd "$1" && find . -type f ! -path './lib/modules/*' \
		! -path ./etc/twinbench/modules.order \
		! -path ./etc/twinbench/manifest.json | LC_ALL=C sort)
}

@test "host and guest flavours have byte-identical kernel and userland" {
	local g=$BATS_FILE_TMPDIR/guest h=$BATS_FILE_TMPDIR/host f n=0
	cmp "$O/guest/vmlinuz" "$O/host/vmlinuz"
	diff <(userland "$g") <(userland "$h")
	diff <(cd "$g" && find . -type l -printf '%p %l\n' | sort) \
		<(cd "$h" && find . -type l -printf '%p %l\n' | sort)
	while read -r f; do
		cmp "$g/$f" "$h/$f"
		n=$((n + 1))
	done < <(userland "$g")
	[ "$n" -ge 6 ]	# init, busybox, bzip2, mke2fs, profiles, ...
	[ -x "$h/init" ]
}

@test "the host flavour adds bare-metal drivers to the guest set" {
	local g=$BATS_FILE_TMPDIR/guest h=$BATS_FILE_TMPDIR/host m
	for m in megaraid_sas igb ixgbe tg3 r8169 usb-storage xhci-pci; do
		[ -n "$(find "$h/lib/modules" -name "$m.ko")" ]
		[ -z "$(find "$g/lib/modules" -name "$m.ko")" ]
	done
	# every guest module is in the host flavour too
	(cd "$g" && find lib/modules -name '*.ko') | while read -r m; do
		cmp "$g/$m" "$h/$m"
	done
	run jq -r .flavour "$O/host/manifest.json"
	[ "$output" = host ]
}

@test "rootfs.tar holds the same userland, owned by root, no modules" {
	local t=$BATS_FILE_TMPDIR/rootfs f
	mkdir -p "$t"
	tar -C "$t" -xf "$O/guest/rootfs.tar"
	[ "$(readlink "$t/sbin/init")" = /init ]
	[ ! -e "$t/lib/modules" ]
	while read -r f; do
		cmp "$BATS_FILE_TMPDIR/guest/$f" "$t/$f"
	done < <(userland "$BATS_FILE_TMPDIR/guest")
	run bash -c "tar -tvf '$O/guest/rootfs.tar' | awk '{print \$2}' | sort -u"
	[ "$output" = "0/0" ]
}

@test "rootfs.tar runs smoke in a chroot as a container's PID 1" {
	local t=$BATS_FILE_TMPDIR/ct
	mkdir -p "$t" && tar -C "$t" -xf "$O/guest/rootfs.tar"
	mkdir -p "$t/results" "$t/proc"
	run timeout 300 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin container=lxc TWINBENCH_PROFILE=smoke \
		unshare --pid --fork --mount chroot "$t" /bin/sh -c \
		'/bin/busybox mount -t proc proc /proc && # what an engine provides:
		 /bin/busybox mount -t devtmpfs dev /dev && exec /init'
	[ "$status" -eq 0 ]
	[[ "$output" == *"PID 1 of a container"* ]]
	local r
	r=$(echo "$t"/results/runs/0001-*)
	[ -e "$r/DONE" ]
	run jq -r '.status' "$r/summary.json"
	[ "$output" = ok ]
	run jq -r '.container.detected' "$r/manifest.json"
	[ "$output" = true ]
	run jq -r '.mode' "$r/manifest.json"
	[ "$output" = container ]
}

@test "qcow2, vmdk, vdi and vhdx hold the same disk as disk.img" {
	local f
	for f in qcow2 vmdk vdi vhdx; do
		run qemu-img info --output=json "$O/guest/disk.$f"
		[ "$(echo "$output" | jq -r .format)" = "$f" ]
		[ "$(echo "$output" | jq -r '."virtual-size"')" = \
			"$(stat -c %s "$O/guest/disk.img")" ]
		qemu-img compare -q -f raw -F "$f" "$O/guest/disk.img" "$O/guest/disk.$f"
	done
	(cd "$O/guest" && sha256sum -c --quiet formats.sha256)
}

@test "qcow2, vmdk and vdi are reproducible; vhdx differs only as documented" {
	local t=$BATS_FILE_TMPDIR/fmt f
	mkdir -p "$t"
	sleep 1	# qemu-img's random and time-based fields would change
	for f in qcow2 vmdk vdi; do
		SEED=$(sed -n 's/^SEED ?= //p' "$REPO/Makefile") bash "$REPO/image-builder/formats.sh" "$O/guest/disk.img" "$f" "$t/disk.$f"
		cmp "$O/guest/disk.$f" "$t/disk.$f"
	done
	grep -q 'vhdx' "$REPO/README.md"
}
