#!/bin/bash
# tests/bench/netvm.sh - netperf between two VMs of the current image (the
# machine under test and a peer booted by `twinbench run --peer`, on their
# private dgram link; TCG unless the KVM probe works), next to the same
# static netperf on the build host's loopback in the same run: TCP_STREAM
# and TCP_MAERTS throughput, TCP_RR transactions and latency.  The VMs run
# a profile override on a copy of disk.img's BENCHBOOT (profiles/smoke:
# netstream only, NETVM_TIME seconds per test, default 5, 2 repetitions,
# the first a warm-up).  Figures, not assertions; the ratio row says what
# fraction of the host's loopback figure crosses the emulated link.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
T=$O/build/tools
LAB=$O/bin/twinbench
TIME=${NETVM_TIME:-5}
make -s O="$O" guest lab >/dev/null

tmp=$(mktemp -d)
agent=
cleanup() {
	[ -n "$agent" ] && kill "$agent" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/smoke.profile" <<EOF
[profile]
description = netperf between two VMs (tests/bench/netvm.sh)
repeat = 2
discard = 1
timeout = 600
seed = 1

[netstream]
workload = netstream
tool = netperf
tests = all
time = $TIME
EOF
img=$tmp/disk.img
cp --sparse=always "$O/guest/disk.img" "$img"
off=$(( $(sfdisk -J "$img" | jq '.partitiontable.partitions[0].start') * 512 ))
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$off" "$tmp/smoke.profile" \
	::/profiles/smoke.profile
s=$(date +%s)
"$LAB" run --profile smoke --timeout 1200 --out "$tmp/out" \
	--peer "$O/guest" "$img" >"$tmp/run.log" 2>&1 || {
	tail -20 "$tmp/run.log" >&2
	exit 1
}
wall=$(( $(date +%s) - s ))
run=$(ls -d "$tmp"/out/0001-*/)
vm() { # METRIC: the measured (not warm-up) value between the VMs
	jq -s -r --arg m "$1" '[.[] | select(.warmup == false and
		.metric == $m)][0].value' "$run/samples.jsonl"
}

# the same netperf tests on the host's loopback against our netserver
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$T/netserver" -D -4 -L 127.0.0.1 -p "$port" >/dev/null 2>&1 &
agent=$!
sleep 0.5
host() { # TEST SELECTORS
	"$T/netperf" -H 127.0.0.1 -p "$port" -t "$1" -l "$TIME" -f m -P 0 \
		-- -o "$2" | tail -1
}
h_stream=$(host TCP_STREAM THROUGHPUT)
h_maerts=$(host TCP_MAERTS THROUGHPUT)
IFS=, read -r h_tps h_p50 h_p99 <<<"$(host TCP_RR \
	TRANSACTION_RATE,P50_LATENCY,P99_LATENCY)"

row() { printf '%-34s %14s %14s %10s\n' "$@"; }
ratio() { printf %.4f "$(echo "scale=8; $1 / $2" | bc)"; }
echo "# netperf: two VMs of the image ($(grep -o 'accel: [a-z]*' \
	"$tmp/run.log" | head -1)) vs the build host's loopback, $TIME s each"
row "" "two VMs" "host loopback" "VM/host"
pair() { # METRIC HOST_VALUE
	local v
	v=$(vm "$1")
	row "$1" "$v" "$2" "$(ratio "$v" "$2")"
}
pair throughput "$h_stream"
pair throughput_recv "$h_maerts"
pair transactions "$h_tps"
pair latency_p50 "$h_p50"
pair latency_p99 "$h_p99"
echo "# units: throughput Mbit/s, transactions 1/s, latency us;" \
	"the two-VM run took $wall s from QEMU start to the peer's stop"
