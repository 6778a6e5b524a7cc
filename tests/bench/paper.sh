#!/bin/bash
# tests/bench/paper.sh - every workload of profiles/camargos2008.profile at
# the paper's sizes, once, natively on this machine (container mode): wall
# time, the runner's peak_rss and cpu_time per instance.  Opt-in, as it
# takes several minutes (dbench alone: 100 clients, 60 s warm-up + 300 s):
#     BENCH_PAPER=1 make bench   or   BENCH_PAPER=1 bash tests/bench/paper.sh
# The profile is the shipped one with repeat = 1 and discard = 0 (one run
# each, nothing discarded): a figure of cost, not of the study's statistics.
# Scratch space: up to about 3 GB in ${TMPDIR:-/var/tmp}.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "${BENCH_PAPER:-0}" = 1 ] || exit 0
O=${O:-out}
B=$O/build

t=$(mktemp -d "${TMPDIR:-/var/tmp}/paper-bench.XXXXXX")
trap 'rm -rf "$t"' EXIT
sed -e 's/^repeat = .*/repeat = 1/' -e 's/^discard = .*/discard = 0/' \
	profiles/camargos2008.profile > "$t/camargos2008-once.profile"
grep -qx 'repeat = 1' "$t/camargos2008-once.profile" ||
	{ echo "paper bench: no repeat line in camargos2008.profile" >&2; exit 1; }
"$B/appliance/twinbench" run --results "$t/res" \
	--profile-file "$t/camargos2008-once.profile" --label paper \
	--bindir "$B/tools" --scratch "$t/scratch" > "$t/log" 2>&1 || true
s=$(echo "$t"/res/runs/*/samples.jsonl)
[ -f "$s" ] || { echo "paper bench: no run written; see the log:" >&2
	tail -20 "$t/log" >&2; exit 1; }
echo
echo "# camargos2008 sizes, one run each, natively ($(nproc) cores," \
	"$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo))"
printf '%-14s %-10s %-8s %10s %12s %10s  %s\n' instance workload status \
	"wall s" "peak MiB" "cpu s" "main figure"
jq -sr '
	group_by(.instance)[] as $r | $r[0] as $f |
	($r | map(select(.metric == "peak_rss"))[0].value) as $m |
	($r | map(select(.metric == "cpu_time"))[0].value) as $c |
	($r | map(select(.metric != null and .metric != "peak_rss" and
		.metric != "cpu_time"))[0]) as $main |
	[$f.instance, $f.workload, $f.status,
	 ((($r | map(.t_end_ns) | max) - $f.t_start_ns) / 1e9 | . * 10 | round / 10),
	 (if $m then ($m * 10 | round / 10) else "-" end),
	 (if $c then ($c * 100 | round / 100) else "-" end),
	 (if $main then "\($main.metric) \($main.value * 1000 | round / 1000) \($main.unit)"
	  else ($f.reason // "") end)] | @tsv' "$s" |
while IFS=$'\t' read -r i w st wall m c main; do
	printf '%-14s %-10s %-8s %10s %12s %10s  %s\n' "$i" "$w" "$st" "$wall" \
		"$m" "$c" "$main"
done
