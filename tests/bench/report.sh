#!/bin/bash
# tests/bench/report.sh - twinbench report on a large synthetic study:
#   8 platforms x 30 instances x 10 metrics x 3 boots x 4 runs (B = 10000,
#   charts included; goal: under 2 s), against jq computing only the
#   per-(platform, instance, metric) medians of the same records.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
row() { printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"; }
t0() { date +%s.%N; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
python3 tests/gen_study.py --out "$t/s" --instances 30 --metrics 10 \
	--boots 3 --runs 4 --noise 0.05 \
	--platforms bare:1,a:0.9,b:0.8,c:1.1,d:0.7,e:0.95,f:1.05,g:0.5
s=$(t0)
"$O/bin/twinbench" report --quiet --out "$t/r" "$t/s"
ours=$(echo "$(t0) - $s" | bc)
s=$(t0)
cat "$t"/s/*/samples.jsonl | jq -s -c '
	map(select(.warmup | not)) |
	group_by([.run[5:], .instance, .metric]) |
	map(sort_by(.value) | {k: .[0].instance, m: .[(length / 2 | floor)].value})' \
	> "$t/jq.json"
ref=$(echo "$(t0) - $s" | bc)
row report "large study, s" "$(printf %.2f "$ours")" "$(printf %.2f "$ref")" \
	"$(echo "scale=2; $ours / $ref" | bc)" \
	"reference: jq, medians only (no bootstrap, no files); goal < 2 s"
