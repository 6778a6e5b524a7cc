#!/bin/bash
# tests/bench/seqio.sh - seqio vs dd on the same work, natively.
#   zero: /dev/zero -> /dev/null, 1 MiB blocks (the paper's 60G, scaled)
#   copy: a file to a new file on the same file system, page cache dropped
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
B=$O/build
ZERO=${BENCH_SEQIO_ZERO:-8G}
COPY=${BENCH_SEQIO_COPY:-512M}
row() { printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"; }
mbps() { # bytes seconds
	echo "$1 / $2 / 1000000" | bc -l
}
bytes() { numfmt --from=iec "$1"; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat > "$t/p.profile" <<P
[profile]
repeat = 4
discard = 1
timeout = 3600

[zero]
workload = seqio
mode = zero
size = $ZERO
bs = 1M

[copy]
workload = seqio
mode = copy
size = $COPY
bs = 1M
P
"$B/appliance/twinbench" run --results "$t/res" --profile-file "$t/p.profile" \
	--bindir "$B/tools" --scratch "$t/scratch" --keep-scratch > "$t/log" 2>&1
ours() { jq -r --arg i "$1" '.instances[] | select(.instance == $i) |
	.metrics[] | select(.metric == "throughput") | .median' \
	"$t"/res/runs/*/summary.json; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
ddrate() { # dd args...: MB/s from dd's own byte count and time
	LC_ALL=C dd "$@" 2>&1 >/dev/null | awk '/bytes/ {print $1 / $(NF-3) / 1e6}' |
		tail -1
}
zb=$(bytes "$ZERO")
dz=$(median3 $(for i in 1 2 3; do
	ddrate if=/dev/zero of=/dev/null bs=1M count=$((zb / 1048576)); done))
oz=$(ours zero)
row seqio "zero $ZERO, MB/s" "$(printf %.0f "$oz")" "$(printf %.0f "$dz")" \
	"$(printf %.3f "$(echo "$oz / $dz" | bc -l)")" "medians of 3; dd if=/dev/zero of=/dev/null bs=1M"
src=$(find "$t/scratch" -type f -size +1M | head -1)
ddcopy() {
	rm -f "$t/scratch/dd.out"
	sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
	ddrate if="$src" of="$t/scratch/dd.out" bs=1M
}
dc=$(median3 "$(ddcopy)" "$(ddcopy)" "$(ddcopy)")
oc=$(ours copy)
row seqio "copy $COPY, MB/s" "$(printf %.0f "$oc")" "$(printf %.0f "$dc")" \
	"$(printf %.3f "$(echo "$oc / $dc" | bc -l)")" "medians of 3; dd file to file bs=1M, caches dropped"
