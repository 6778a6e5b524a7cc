#!/bin/bash
# tests/bench.sh - print twinbench's build and boot figures.
#   no-op make, warm rebuild (one appliance source touched), initrd size,
#   disk.img allocated size, seconds from QEMU start to DONE on smoke (TCG
#   unless the KVM probe succeeds).  BENCH_COLD=1 adds a cold build with an
#   empty download directory and output directory (several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
lab=$O/bin/twinbench
t0() { date +%s.%N; }
dt() { printf "%.2f" "$(echo "$(t0) - $1" | bc)"; }
row() { printf '%-44s %12s %s\n' "$1" "$2" "$3"; }

make -s O="$O" guest lab >/dev/null
echo "# twinbench bench ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores)"
if [ "${BENCH_COLD:-0}" = 1 ]; then
	tmp=$(mktemp -d)
	s=$(t0)
	make -s O="$tmp/out" DL_DIR="$tmp/dl" guest >/dev/null
	row "cold build (empty dl/ and out/)" "$(dt "$s")" s
	rm -rf "$tmp"
fi
s=$(t0); make -s O="$O" guest >/dev/null; row "no-op make" "$(dt "$s")" s
touch appliance/runner.c
s=$(t0); make -s O="$O" guest >/dev/null
row "warm rebuild (appliance/runner.c touched)" "$(dt "$s")" s
row "initrd.img (zstd -19)" "$(stat -c %s "$O/guest/initrd.img")" bytes
row "disk.img apparent size" "$(stat -c %s "$O/guest/disk.img")" bytes
row "disk.img allocated" "$(( $(stat -c %b "$O/guest/disk.img") * 512 ))" bytes

img=$(mktemp --suffix=.img)
trap 'rm -f "$img"' EXIT
cp --sparse=always "$O/guest/disk.img" "$img"
s=$(t0)
done_at=
while IFS= read -r line; do
	case $line in *TWINBENCH-DONE*) done_at=$(dt "$s") ;; esac
done < <("$lab" run --profile smoke --out "$img.res" "$img" 2>&1)
rm -rf "$img.res"
row "QEMU start to DONE, smoke, from disk.img" "${done_at:-never}" s

echo
printf '%-10s %-28s %12s %12s %8s  %s\n' workload what ours reference ratio note
for b in tests/bench/*.sh; do
	O=$O bash "$b" || echo "# $b failed"
done
