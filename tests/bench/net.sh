#!/bin/bash
# tests/bench/net.sh - the pinned static network tools next to Debian's, on
# the loopback of the build host (127.0.0.1 only), side by side in one run:
#   netstream  our netperf TCP_STREAM / TCP_MAERTS against our netserver,
#              next to Debian's iperf3 (glibc; installed with apt-get if
#              missing) and -R, same duration, one stream, 128 KiB writes
#              (iperf3's default length; netperf -m 131072); and next to
#              Debian's netperf when it is installable (bookworm's is in
#              non-free: usually "skipped: not installable")
#   transfer   our rsync daemon and client pulling a seeded tree
#              (NET_BENCH_FILES files, NET_BENCH_MIB MiB of incompressible
#              data) over rsync:// from 127.0.0.1, next to Debian's rsync
#              daemon and client on the same tree; MB/s = tree bytes / the
#              client's wall time, into an emptied directory each time;
#              once with each side's default checksum (ours: md5, built
#              without xxhash; Debian's: xxh128), once with md5 on both
# The two sides alternate NET_BENCH_REPS times (default 3); rows are
# medians.  Environment: NET_BENCH_TIME (seconds per stream run, default
# 5), NET_BENCH_FILES (default 2000), NET_BENCH_MIB (default 50).  Figures,
# not assertions; loopback measures CPU and the kernel's TCP, not a NIC.
# The tree and its copies are in NET_BENCH_DIR (default /dev/shm, a tmpfs:
# about 2 x NET_BENCH_MIB of RAM), so that the transfer rows measure rsync
# and not the build host's disk (on a disk, writeback throttling made them
# swing between 20 and 170 MB/s); the notes give the load average at the
# start.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
T=$O/build/tools
TIME=${NET_BENCH_TIME:-5}
REPS=${NET_BENCH_REPS:-3}
FILES=${NET_BENCH_FILES:-2000}
MIB=${NET_BENCH_MIB:-50}

row() { printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"; }
calc() { echo "scale=6; $1" | bc; }
ratio() { printf %.3f "$(calc "$1 / $2")"; }
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
install_pkg() {
	have_pkg "$1" || DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		"$1" >/dev/null 2>&1
}

install_pkg iperf3 || true
install_pkg rsync || true
deb_netperf=no
install_pkg netperf && deb_netperf=yes
make -s O="$O" "$T/netperf" "$T/netserver" "$T/rsync" >/dev/null
load=$(cut -d' ' -f1 /proc/loadavg)
tmp=$(mktemp -d "${NET_BENCH_DIR:-/dev/shm}/net-bench.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

random_port() { echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000)); }

# serve LOG READY CMD...: start a server (random port in CMD as @PORT@,
# another when taken), wait for READY in LOG; sets PORT
serve() {
	local log=$1 ready=$2 i pid
	shift 2
	for _ in 1 2 3 4 5; do
		PORT=$(random_port)
		: >"$log"
		"${@//@PORT@/$PORT}" >>"$log" 2>&1 </dev/null &
		pid=$!
		for ((i = 0; i < 50; i++)); do
			if grep -q "${ready//@PORT@/$PORT}" "$log"; then
				pids+=("$pid")
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	echo "net bench: $1 did not start: $(tail -2 "$log")" >&2
	return 1
}

# --- netstream -------------------------------------------------------
serve "$tmp/ns.log" '^Starting netserver' \
	"$T/netserver" -D -4 -L 127.0.0.1 -p @PORT@
ours_port=$PORT
serve "$tmp/iperf3.log" 'Server listening on @PORT@' \
	iperf3 -s -B 127.0.0.1 -p @PORT@ --forceflush
iperf_port=$PORT
if [ "$deb_netperf" = yes ]; then
	serve "$tmp/dns.log" '^Starting netserver' \
		/usr/bin/netserver -D -4 -L 127.0.0.1 -p @PORT@
	deb_port=$PORT
fi

# netperf_mbit NETPERF PORT TEST: Mbit/s (10^6 bits/s) of one run
netperf_mbit() {
	"$1" -H 127.0.0.1 -p "$2" -l "$TIME" -P 0 -t "$3" -- -m 131072 \
		-o THROUGHPUT,THROUGHPUT_UNITS | awk -F, '
		$2 == "10^6bits/s" { print $1; ok = 1 } END { exit !ok }'
}

# iperf3_mbit [-R]: Mbit/s received, one run
iperf3_mbit() {
	iperf3 -c 127.0.0.1 -p "$iperf_port" -t "$TIME" -l 128K --json "$@" |
		jq -e '.end.sum_received.bits_per_second / 1e6'
}

for t in TCP_STREAM TCP_MAERTS; do
	o=() r=() d=()
	flag=()
	[ "$t" = TCP_MAERTS ] && flag=(-R)
	for ((rep = 0; rep < REPS; rep++)); do
		o+=("$(netperf_mbit "$T/netperf" "$ours_port" "$t")")
		r+=("$(iperf3_mbit "${flag[@]}")")
		[ "$deb_netperf" = no ] ||
			d+=("$(netperf_mbit /usr/bin/netperf "$deb_port" "$t")")
	done
	om=$(median "${o[@]}") rm=$(median "${r[@]}")
	row netstream "Mbit/s $t ${TIME}s" "$(printf %.0f "$om")" \
		"$(printf %.0f "$rm")" "$(ratio "$om" "$rm")" \
		"vs Debian iperf3 $(dpkg-query -W -f='${Version}' iperf3)${flag:+ -R}, median of $REPS, load $load"
	if [ "$deb_netperf" = yes ]; then
		dm=$(median "${d[@]}")
		row netstream "Mbit/s $t ${TIME}s" "$(printf %.0f "$om")" \
			"$(printf %.0f "$dm")" "$(ratio "$om" "$dm")" \
			"vs Debian netperf $(dpkg-query -W -f='${Version}' netperf), median of $REPS"
	else
		row netstream "Mbit/s $t ${TIME}s" "$(printf %.0f "$om")" - - \
			"vs Debian netperf: skipped: not installable"
	fi
done

# --- transfer --------------------------------------------------------
# a seeded tree: FILES files in 40 directories, log-uniform sizes scaled to
# MIB MiB in all, incompressible bytes
python3 - "$tmp/tree" "$FILES" "$MIB" <<'EOF'
import os, random, sys
root, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20080101)
w = [2 ** rng.uniform(0, 10) for _ in range(n)]
total = mib * 1048576
sizes = [int(x * total / sum(w)) for x in w]
sizes[-1] += total - sum(sizes)
for i, s in enumerate(sizes):
    d = os.path.join(root, "d%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(rng.randbytes(s))
EOF
bytes=$(find "$tmp/tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
cat >"$tmp/rsyncd.conf" <<EOF
use chroot = no
uid = 0
gid = 0
numeric ids = yes
reverse lookup = no
[tree]
path = $tmp/tree
read only = yes
EOF
serve "$tmp/rs-ours.log" 'listening on port @PORT@' \
	"$T/rsync" --daemon --no-detach --address=127.0.0.1 --port=@PORT@ \
	--config="$tmp/rsyncd.conf" --log-file="$tmp/rs-ours.log"
rs_ours=$PORT
serve "$tmp/rs-deb.log" 'listening on port @PORT@' \
	/usr/bin/rsync --daemon --no-detach --address=127.0.0.1 --port=@PORT@ \
	--config="$tmp/rsyncd.conf" --log-file="$tmp/rs-deb.log"
rs_deb=$PORT

# pull RSYNC PORT [OPTION...]: MB/s (10^6 bytes) of one pull into an
# empty directory
pull() {
	local s e rs=$1 port=$2
	shift 2
	rm -rf "$tmp/dst"
	sync
	s=$(date +%s.%N)
	"$rs" -a "$@" "rsync://127.0.0.1:$port/tree/" "$tmp/dst/"
	e=$(date +%s.%N)
	calc "$bytes / 1000000 / ($e - $s)"
}

# transfer WHAT NOTE [OPTION...]: one row, the two alternating
transfer() {
	local what=$1 note=$2 o=() r=() om rm same
	shift 2
	for ((rep = 0; rep < REPS; rep++)); do
		o+=("$(pull "$T/rsync" "$rs_ours" "$@")")
		r+=("$(pull /usr/bin/rsync "$rs_deb" "$@")")
	done
	same="TREE DIFFERS"
	diff -r "$tmp/tree" "$tmp/dst" >/dev/null && same="same tree"
	om=$(median "${o[@]}") rm=$(median "${r[@]}")
	row transfer "$what" "$(printf %.1f "$om")" "$(printf %.1f "$rm")" \
		"$(ratio "$om" "$rm")" "$note, median of $REPS, load $load; $same"
}

deb=$(dpkg-query -W -f='${Version}' rsync)
transfer "MB/s rsync:// $FILES files ${MIB}MiB" \
	"ours 3.2.7 (md5) vs Debian rsync $deb (xxh128), daemon+client each"
transfer "MB/s same, --checksum-choice=md5" \
	"both md5 (Debian's: OpenSSL's)" --checksum-choice=md5
