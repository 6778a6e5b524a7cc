#!/bin/bash
# tests/bench/fileserver.sh - the fileserver workload (our static musl
# dbench, run through the appliance binary in container mode) next to
# Debian's packaged dbench (glibc, installed with apt-get if missing) on the
# same work: same clients, time and load file (the very client.txt the
# workload unpacked), same filesystem (both work under one directory of
# $TMPDIR, default /var/tmp).  The two alternate, REPS times each, with a
# sync before every run; rows are the medians of dbench's throughput and of
# operations per second (its table's total / time), and the worst latency.
# Environment: FS_BENCH_CLIENTS (default "4 32"), FS_BENCH_TIME (seconds,
# default 6; dbench adds time/5 of warm-up), FS_BENCH_REPS (default 5).
# dbench is short and sensitive to whatever else the machine does: the
# note gives the load average at the start.  Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
TB=$O/build/appliance/twinbench
CLIENTS=${FS_BENCH_CLIENTS:-4 32}
TIME=${FS_BENCH_TIME:-6}
REPS=${FS_BENCH_REPS:-5}

command -v dbench >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q dbench \
		>/dev/null 2>&1
make -s O="$O" appliance tools >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/fileserver-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

row() {
	printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"
}
calc() { echo "scale=6; $1" | bc; }
ratio() { printf %.3f "$(calc "$1 / $2")"; }

# median of the arguments
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# parse FILE: "MB/s ops/s max_latency" from a dbench output
parse() {
	awk -v t="$TIME" '/^ -+$/ { on = 1; next } on && NF == 4 { n += $2 }
		on && NF == 0 { on = 0 }
		/^Throughput / { mb = $2; sub(/.*max_latency=/, ""); lat = $1 }
		END { printf "%s %s %s\n", mb, n / t, lat }' "$1"
}

# ours N: one run of the workload; prints "MB/s ops/s max_latency"
ours() {
	local d=$tmp/ours
	rm -rf "$d/res"
	mkdir -p "$d"
	printf '[profile]\nrepeat = 1\ntimeout = 3600\n[fs]\n%s\n%s\n%s\n' \
		"workload = fileserver" "clients = $1" "time = $TIME" \
		>"$d/p.profile"
	sync
	"$TB" run --results "$d/res" --profile-file "$d/p.profile" \
		--scratch "$d/scratch" --keep-scratch \
		--bindir "$O/build/tools" >"$d/log" 2>&1 ||
		{ tail -5 "$d/log" >&2; return 1; }
	jq -sr 'map({key: .metric, value: .value}) | from_entries |
		"\(.throughput) \(.ops) \(.max_latency)"' \
		"$d"/res/runs/*/samples.jsonl
}

# ref N: Debian's dbench on the load file the workload unpacked
ref() {
	local d=$tmp/ref
	rm -rf "$d" && mkdir -p "$d"
	sync
	dbench -t "$TIME" -c "$tmp/ours/scratch/fs/client.txt" -D "$d" "$1" \
		>"$tmp/ref.out" 2>&1 ||
		{ tail -5 "$tmp/ref.out" >&2; return 1; }
	parse "$tmp/ref.out"
}

deb=$(dpkg-query -W -f='${Version}' dbench)
load=$(cut -d' ' -f1 /proc/loadavg)
for n in $CLIENTS; do
	omb=() oops=() olat=() rmb=() rops=() rlat=()
	for ((rep = 0; rep < REPS; rep++)); do
		res=$(ours "$n")
		read -r a b c <<<"$res"
		omb+=("$a") oops+=("$b") olat+=("$c")
		res=$(ref "$n")
		read -r a b c <<<"$res"
		rmb+=("$a") rops+=("$b") rlat+=("$c")
	done
	what="$n clients, $TIME s"
	note="Debian dbench $deb, same load/fs, median of $REPS, load $load"
	o=$(median "${omb[@]}") r=$(median "${rmb[@]}")
	row fileserver "MB/s $what" "$(printf %.2f "$o")" \
		"$(printf %.2f "$r")" "$(ratio "$o" "$r")" "$note"
	o=$(median "${oops[@]}") r=$(median "${rops[@]}")
	row fileserver "op/s $what" "$(printf %.0f "$o")" \
		"$(printf %.0f "$r")" "$(ratio "$o" "$r")" "$note"
	o=$(median "${olat[@]}") r=$(median "${rlat[@]}")
	row fileserver "max latency ms $what" "$(printf %.1f "$o")" \
		"$(printf %.1f "$r")" "$(ratio "$o" "$r")" \
		"lower is better; noisy"
done
