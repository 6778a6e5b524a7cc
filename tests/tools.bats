#!/usr/bin/env bats
# The static upstream tools: $B/tools/bzip2, mke2fs, netperf, netserver and
# rsync, built with musl from the Debian source packages pinned in
# image-builder/inputs.lock.  The network tests bind 127.0.0.1 only, run
# for a second or two, and kill their servers in teardown.
bats_require_minimum_version 1.5.0
load helper

LOCK=$REPO/image-builder/inputs.lock
BZ=$B/tools/bzip2
MKE2FS=$B/tools/mke2fs
NETPERF=$B/tools/netperf
NETSERVER=$B/tools/netserver
RSYNC=$B/tools/rsync

# upstream_version PKG: the pinned version of source package PKG, without
# epoch and Debian revision (1.0.8-5 -> 1.0.8)
upstream_version() {
	local v
	v=$(awk -v p="$1" '($1 == "src" || $1 == "src-trixie") && $2 == p {
		print $3; exit }' "$LOCK")
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
		[ -x "$BZ" ] && [ -x "$MKE2FS" ] && [ -x "$NETPERF" ] &&
			[ -x "$NETSERVER" ] && [ -x "$RSYNC" ] ||
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
	SERVER_PIDS=()
}

teardown() {
	local p
	for p in "${SERVER_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# random_port: a port number in 20000..59999 (the servers below try
# another when it is taken)
random_port() { echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000)); }

# start_server LOG READY CMD...: start CMD (a program, not a function:
# its pid must be the server's) in the background (fd 3 closed, output
# appended to LOG), wait until LOG matches READY; the pid goes to
# SERVER_PIDS for teardown.  Fails if CMD exits first (port taken) or
# after 5 s.
start_server() {
	local log=$1 ready=$2 pid i
	shift 2
	: >"$log"
	"$@" >>"$log" 2>&1 3>&- &
	pid=$!
	SERVER_PIDS+=("$pid")
	for ((i = 0; i < 50; i++)); do
		grep -q "$ready" "$log" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# start_netserver: our netserver on 127.0.0.1 in the foreground; sets
# NS_PORT
start_netserver() {
	local _
	for _ in 1 2 3 4 5; do
		NS_PORT=$(random_port)
		start_server "$BATS_TEST_TMPDIR/netserver.log" \
			'^Starting netserver' \
			"$NETSERVER" -D -4 -L 127.0.0.1 -p "$NS_PORT" && return 0
	done
	cat "$BATS_TEST_TMPDIR/netserver.log" >&2
	return 1
}

# NO_ETC CMD...: run CMD in a mount namespace whose /etc is an empty
# directory, as in the appliance (no passwd, group, hosts); unshare and sh
# exec, so CMD keeps the pid
NO_ETC=(unshare -m -- sh -c 'mount --bind "$0" /etc && exec "$@"')
no_etc_passwd() {
	mkdir -p "$BATS_TEST_TMPDIR/empty-etc"
	"${NO_ETC[@]}" "$BATS_TEST_TMPDIR/empty-etc" "$@"
}

# can_unshare: 0 if no_etc_passwd works here (root, mount namespaces)
can_unshare() {
	no_etc_passwd sh -c '[ ! -e /etc/passwd ]' 2>/dev/null
}

# rsync_daemon CONF: our rsync as a daemon on 127.0.0.1 with CONF, in the
# foreground and without /etc/passwd; sets RS_PORT
rsync_daemon() {
	local _ log=$BATS_TEST_TMPDIR/rsyncd.log
	for _ in 1 2 3 4 5; do
		RS_PORT=$(random_port)
		mkdir -p "$BATS_TEST_TMPDIR/empty-etc"
		start_server "$log" "listening on port $RS_PORT" \
			"${NO_ETC[@]}" "$BATS_TEST_TMPDIR/empty-etc" \
			"$RSYNC" --daemon --no-detach --address=127.0.0.1 \
			--port="$RS_PORT" --config="$1" --log-file="$log" &&
			return 0
	done
	cat "$log" >&2
	return 1
}

# gen_tree DIR: a small tree: text and random files of several sizes,
# nested directories, an empty file and directory, a symlink, a
# hard link, modes and owners that are not root's
gen_tree() {
	local d=$1 i
	mkdir -p "$d/a/b/c" "$d/empty" "$d/x"
	for i in 1 2 3 4 5 6 7 8; do
		gen_random "$i" $((i * i * 3001)) >"$d/a/r$i.bin"
		gen_text "$((i + 10))" | head -c $((i * 5000)) >"$d/a/b/t$i.txt"
	done
	gen_random 99 1048576 >"$d/a/b/c/big.bin"
	: >"$d/x/empty.file"
	ln -s ../a/b/t1.txt "$d/x/link"
	ln "$d/a/r1.bin" "$d/x/hard"
	chmod 0640 "$d/a/r2.bin"
	chmod 0750 "$d/a/b"
	chown 1234:5678 "$d/a/r3.bin"
}

# same_tree A B: same names, types, modes, owners and contents
same_tree() {
	diff -r --no-dereference "$1" "$2"
	diff <(cd "$1" && find . -printf '%P %y %m %U:%G %l\n' | LC_ALL=C sort) \
		<(cd "$2" && find . -printf '%P %y %m %U:%G %l\n' | LC_ALL=C sort)
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

@test "bzip2, mke2fs, netperf, netserver and rsync are static, stripped executables" {
	local t
	for t in "$BZ" "$MKE2FS" "$NETPERF" "$NETSERVER" "$RSYNC"; do
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
	# netperf 2.7.0+git20210121 calls itself 2.7.1 (upstream's tree
	# was past the 2.7.0 release)
	v=$(upstream_version netperf)
	[[ "$v" == 2.7.0+git20210121.* ]]
	run -0 "$NETPERF" -V
	[ "$output" = "Netperf version 2.7.1" ]
	run -0 "$NETSERVER" -V
	[ "$output" = "Netperf version 2.7.1" ]
	v=$(upstream_version rsync)
	[ -n "$v" ]
	run -0 "$RSYNC" --version
	[[ "${lines[0]}" == "rsync  version $v  protocol version "* ]]
	# the options of image-builder/build-rsync.sh
	[[ "$output" == *"no iconv"* ]]
	[[ "$output" == *"no openssl-crypto"* ]]
	[[ "$output" == *"Compress list:"*"zlibx zlib none"* ]]
	[[ "$output" != *xxh* && "$output" != *zstd* && "$output" != *lz4* ]]
}

@test "netperf TCP_STREAM and TCP_MAERTS against our netserver give a throughput" {
	start_netserver
	local n=("$NETPERF" -H 127.0.0.1 -p "$NS_PORT" -l 1 -P 0)
	local sel=THROUGHPUT,THROUGHPUT_UNITS,LOCAL_BYTES_SENT,REMOTE_BYTES_RECVD
	run -0 "${n[@]}" -t TCP_STREAM -- -m 16384 -o "$sel,ELAPSED_TIME"
	IFS=, read -r tput unit sent recvd secs <<<"$output"
	[ "${#lines[@]}" -eq 1 ]
	awk -v t="$tput" -v s="$secs" 'BEGIN { exit !(t > 0 && s >= 0.9) }'
	[ "$unit" = "10^6bits/s" ]
	# netserver's count is netperf's within a few KB, either way
	[ "$sent" -gt 0 ] && [ "$recvd" -gt 0 ]
	awk -v s="$sent" -v r="$recvd" 'BEGIN {
		d = s - r; if (d < 0) d = -d; exit !(d < s / 1000) }'
	sel=THROUGHPUT,THROUGHPUT_UNITS,REMOTE_BYTES_SENT,LOCAL_BYTES_RECVD
	run -0 "${n[@]}" -t TCP_MAERTS -- -m 16384 -o "$sel,DIRECTION"
	IFS=, read -r tput unit sent recvd dir <<<"$output"
	awk -v t="$tput" 'BEGIN { exit !(t > 0) }'
	[ "$recvd" -gt 0 ] && [ "$dir" = Receive ]
}

@test "netperf TCP_RR gives a transaction rate and latency percentiles" {
	start_netserver
	run -0 "$NETPERF" -H 127.0.0.1 -p "$NS_PORT" -l 1 -P 0 -t TCP_RR -- \
		-o TRANSACTION_RATE,P50_LATENCY,P90_LATENCY,P99_LATENCY,MEAN_LATENCY
	[ "${#lines[@]}" -eq 1 ]
	IFS=, read -r rate p50 p90 p99 mean <<<"$output"
	awk -v r="$rate" -v a="$p50" -v b="$p90" -v c="$p99" -v m="$mean" \
		'BEGIN { exit !(r > 0 && a > 0 && a <= b && b <= c && m > 0) }'
}

@test "netperf's data connection uses the ports given with -P" {
	start_netserver
	local lp rp
	lp=$(random_port)
	rp=$(random_port)
	[ "$lp" != "$rp" ] || rp=$((lp + 1))
	run -0 "$NETPERF" -H 127.0.0.1 -p "$NS_PORT" -l 1 -P 0 -t TCP_STREAM \
		-- -P "$lp,$rp" -o SOURCE_PORT,DEST_PORT,THROUGHPUT
	IFS=, read -r sp dp tput <<<"$output"
	[ "$sp" = "$lp" ] && [ "$dp" = "$rp" ]
	awk -v t="$tput" 'BEGIN { exit !(t > 0) }'
	# the same ports again at once (no TIME_WAIT trouble)
	run -0 "$NETPERF" -H 127.0.0.1 -p "$NS_PORT" -l 1 -P 0 -t TCP_RR \
		-- -P "$lp,$rp" -o SOURCE_PORT,DEST_PORT,TRANSACTION_RATE
	[[ "$output" == "$lp,$rp,"* ]]
}

@test "rsync daemon serves a tree that arrives identical, without /etc/passwd" {
	can_unshare || skip "no mount namespace here (unshare -m, as root)"
	local t=$BATS_TEST_TMPDIR
	gen_tree "$t/tree"
	cat >"$t/rsyncd.conf" <<-EOF
		use chroot = no
		uid = 0
		gid = 0
		numeric ids = yes
		reverse lookup = no
		[mod]
		path = $t/tree
		read only = yes
	EOF
	rsync_daemon "$t/rsyncd.conf"
	run -0 no_etc_passwd "$RSYNC" -aH "rsync://127.0.0.1:$RS_PORT/mod/" \
		"$t/dst/"
	same_tree "$t/tree" "$t/dst"
	[ "$(stat -c %i "$t/dst/a/r1.bin")" = "$(stat -c %i "$t/dst/x/hard")" ]
	[ "$(stat -c %u:%g "$t/dst/a/r3.bin")" = 1234:5678 ]
	# the module is listed, and a second run has nothing to do
	run -0 no_etc_passwd "$RSYNC" "rsync://127.0.0.1:$RS_PORT/"
	[[ "$output" == mod* ]]
	run -0 no_etc_passwd "$RSYNC" -aHi "rsync://127.0.0.1:$RS_PORT/mod/" \
		"$t/dst/"
	[ -z "$output" ]
}

@test "rsync daemon receives a tree, numeric owners kept, without /etc/passwd" {
	can_unshare || skip "no mount namespace here (unshare -m, as root)"
	local t=$BATS_TEST_TMPDIR
	gen_tree "$t/tree"
	mkdir "$t/up"
	cat >"$t/rsyncd.conf" <<-EOF
		use chroot = no
		uid = 0
		gid = 0
		numeric ids = yes
		reverse lookup = no
		[up]
		path = $t/up
		read only = no
		munge symlinks = no
	EOF
	rsync_daemon "$t/rsyncd.conf"
	run -0 no_etc_passwd "$RSYNC" -aH "$t/tree/" \
		"rsync://127.0.0.1:$RS_PORT/up/"
	same_tree "$t/tree" "$t/up"
	# munge symlinks is on by default when use chroot is off: a received
	# symlink would get a /rsyncd-munged/ prefix
	sed -i '/^munge symlinks = no$/d' "$t/rsyncd.conf"
	rm -rf "$t/up" && mkdir "$t/up"
	run -0 no_etc_passwd "$RSYNC" -a "$t/tree/" \
		"rsync://127.0.0.1:$RS_PORT/up/"
	[ "$(readlink "$t/up/x/link")" = /rsyncd-munged/../a/b/t1.txt ]
	# without uid = 0 the daemon, as root, would switch to "nobody",
	# which it cannot look up without /etc/passwd
	sed -i '/^uid = 0$/d' "$t/rsyncd.conf"
	run ! no_etc_passwd "$RSYNC" -a "$t/tree/" \
		"rsync://127.0.0.1:$RS_PORT/up/"
	[[ "$output" == *"invalid uid nobody"* ]]
}

@test "a second build elsewhere, later, gives the same bytes" {
	command -v musl-gcc >/dev/null || skip "musl-gcc missing ('make deps')"
	local o2=$BATS_FILE_TMPDIR/o2
	run -0 make -C "$REPO" O="$o2" tools
	local t
	for t in bzip2 mke2fs netperf netserver rsync; do
		cmp "$B/tools/$t" "$o2/build/tools/$t"
	done
	for t in bzip2 e2fsprogs netperf rsync; do
		[ -s "$o2/build/build/$t/build.log" ]
	done
}
