#!/bin/bash
# tests/bench/compress.sh - compress vs Debian's bzip2 -9 on the same bytes.
# Runs the compress workload natively (container mode) on a seeded corpus,
# then times the pinned static bzip2 and Debian's /bin/bzip2 on that same
# corpus, one after the other, and checks both write the same bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
B=$O/build
SIZE=${BENCH_COMPRESS_SIZE:-64M}
row() { printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"; }
secs() { local s; s=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $s" | bc; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf '[profile]\nrepeat = 1\ntimeout = 3600\n\n[compress]\nworkload = compress\nsize = %s\nlevel = 9\n' \
	"$SIZE" > "$t/p.profile"
"$B/appliance/twinbench" run --results "$t/res" --profile-file "$t/p.profile" \
	--bindir "$B/tools" --scratch "$t/scratch" --keep-scratch > "$t/log" 2>&1
ours=$(jq -s -r '[.[] | select(.metric == "seconds")][0].value' "$t"/res/runs/*/samples.jsonl)
in=$(find "$t/scratch" -type f -name 'corpus*' | head -1)
[ -n "$in" ] || { echo "compress bench: no corpus kept in $t/scratch" >&2; exit 1; }
static=$(secs "$B/tools/bzip2" -9 -c "$in")
debian=$(secs /bin/bzip2 -9 -c "$in")
"$B/tools/bzip2" -9 -c "$in" > "$t/a.bz2"
/bin/bzip2 -9 -c "$in" > "$t/b.bz2"
same=$(cmp -s "$t/a.bz2" "$t/b.bz2" && echo "same bytes" || echo "OUTPUT DIFFERS")
row compress "bzip2 -9 $SIZE, s (workload)" "$(printf %.2f "$ours")" \
	"$(printf %.2f "$debian")" "$(printf %.3f "$(echo "$ours / $debian" | bc -l)")" \
	"workload incl. fork/exec vs Debian bzip2; $same"
row compress "bzip2 -9 $SIZE, s (binary)" "$(printf %.2f "$static")" \
	"$(printf %.2f "$debian")" "$(printf %.3f "$(echo "$static / $debian" | bc -l)")" \
	"static musl bzip2 vs Debian's glibc build"
