#!/bin/bash
# tests/bench/oltp.sh - oltp transactions/s on the build host next to a
# reference client on the same work.
#
# Debian 12's sysbench (1.0) has no SQLite driver, so the reference is
# Debian's own sqlite3 shell: the workload's `script` option writes the very
# table and transactions it runs (same ids, same strings) as SQL; the shell
# builds its own copy of the table (untimed) and runs the transactions with
# the same settings (journal_mode=WAL, synchronous, cache_size,
# busy_timeout), alternating with ours, REPS times (medians, with the
# range: fsync times on a shared disk vary by tens of percent from run to
# run).  threads=N: N shell processes at once on one database, each with
# every Nth transaction and BEGIN IMMEDIATE (the shell cannot retry a
# transaction that meets a lock; ours starts with BEGIN and retries, like
# sysbench).  The shell's start-up (a run of the settings alone) is
# subtracted.  Rows: tps (committed transactions per second; not qps, which
# for ours counts the statements of retried attempts too) at threads=1 and
# 4 for each sync setting, then how each scales (tps t4 / tps t1, ours and
# the shell's), then peak RSS of the whole run (ours: runner and workload
# process; reference: one shell).  The scratch directory (TMPDIR, default
# /var/tmp) must be on a disk, not tmpfs, for sync=full to mean anything:
# its file system is printed first.  Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
TB=$O/build/appliance/twinbench
SIZE=${OLTP_BENCH_SIZE:-10000}
TXNS=${OLTP_BENCH_TXNS:-1000}
REPS=${OLTP_BENCH_REPS:-5}

command -v sqlite3 >/dev/null || apt-get install -y -q sqlite3 >/dev/null
make -s O="$O" appliance >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/oltp-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "# oltp: $TXNS transactions, $SIZE rows, scratch $tmp on" \
	"$(df -PT "$tmp" | awk 'NR == 2 { print $2, $1 }')"

row() {
	printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"
}
now() { date +%s.%N; }
calc() { echo "scale=6; $1" | bc; }

# ours THREADS SYNC: run the workload; sets OURS_TPS, OURS_RETRIES,
# OURS_RSS, $tmp/s.*
ours() {
	local d=$tmp/ours
	rm -rf "$d"
	mkdir -p "$d"
	cat >"$d/p.profile" <<-EOF
		[profile]
		repeat = 1
		timeout = 3600
		seed = 1
		[oltp]
		workload = oltp
		table-size = $SIZE
		transactions = $TXNS
		threads = $1
		sync = $2
		script = $tmp/s
	EOF
	/usr/bin/time -f %M -o "$d/rss" "$TB" run --results "$d/res" \
		--profile-file "$d/p.profile" --scratch "$d/scratch" \
		--bindir "$O/build/tools" >"$d/log" 2>&1 ||
		{ tail -5 "$d/log" >&2; return 1; }
	OURS_TPS=$(jq -r 'select(.metric == "tps") | .value' \
		"$d"/res/runs/*/samples.jsonl)
	OURS_RETRIES=$(jq -r 'select(.metric == "retries") | .value' \
		"$d"/res/runs/*/samples.jsonl)
	OURS_RSS=$(cat "$d/rss")
}

# ref THREADS: the shell on $tmp/s.*; sets REF_TPS, REF_RSS, REF_ERR
ref() {
	local d=$tmp/ref i s t0 t1 base
	rm -rf "$d"
	mkdir -p "$d"
	sqlite3 -bail "$d/db" <"$tmp/s.init.sql" >/dev/null
	grep '^PRAGMA' "$tmp/s.run.sql" >"$d/head.sql"
	for ((i = 0; i < $1; i++)); do
		{
			cat "$d/head.sql"
			grep '^BEGIN;' "$tmp/s.run.sql" |
				awk -v n="$1" -v i="$i" 'NR % n == i' |
				if [ "$1" -gt 1 ]; then
					sed 's/^BEGIN;/BEGIN IMMEDIATE;/'
				else cat; fi
		} >"$d/part$i.sql"
	done
	s=$(now)
	sqlite3 "$d/db" <"$d/head.sql" >/dev/null
	base=$(calc "$(now) - $s")
	sync
	t0=$(now)
	for ((i = 0; i < $1; i++)); do
		/usr/bin/time -f %M -o "$d/rss$i" sqlite3 "$d/db" \
			<"$d/part$i.sql" >/dev/null 2>"$d/err$i" &
	done
	wait
	t1=$(now)
	REF_TPS=$(calc "$TXNS / ($t1 - $t0 - $base)")
	REF_RSS=$(cat "$d/rss0")
	REF_ERR=$(cat "$d"/err* | grep -c . || true)
}

# median of the arguments
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		h = int(NR / 2)
		print (NR % 2) ? v[h + 1] : (v[h] + v[h + 1]) / 2 }'
}

# span VALUE...: "min..max", rounded
span() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 }
		END { printf "%.0f..%.0f", lo, hi }'
}

# ratio A B: A / B to two decimals
ratio() { printf %.2f "$(calc "$1 / $2")"; }

for sync in full off; do
	for threads in 1 4; do
		o=() r=() n=() errs=0
		for ((rep = 0; rep < REPS; rep++)); do
			ours "$threads" "$sync"
			ref "$threads"
			o+=("$OURS_TPS") r+=("$REF_TPS") n+=("$OURS_RETRIES")
			errs=$((errs + REF_ERR))
		done
		oq=$(median "${o[@]}") rq=$(median "${r[@]}")
		tps[$threads]=$oq ref_tps[$threads]=$rq
		note="sqlite3 shell, same SQL; median of $REPS, ours"
		note="$note $(span "${o[@]}"), shell $(span "${r[@]}")"
		[ "$threads" = 1 ] ||
			note="$note; ours retried $(median "${n[@]}")"
		[ "$errs" = 0 ] || note="$note; shell errors: $errs"
		row oltp "tps t$threads sync=$sync" "$(printf %.0f "$oq")" \
			"$(printf %.0f "$rq")" "$(ratio "$oq" "$rq")" "$note"
		if [ "$threads" = 1 ] && [ "$sync" = full ]; then
			rss=("$OURS_RSS" "$REF_RSS")
		fi
	done
	os=$(calc "${tps[4]} / ${tps[1]}")
	rs=$(calc "${ref_tps[4]} / ${ref_tps[1]}")
	row oltp "tps t4/t1 sync=$sync" "$(printf %.2f "$os")" \
		"$(printf %.2f "$rs")" "$(ratio "$os" "$rs")" \
		"scaling: ours t4/t1, shell's 4 processes / 1"
done
row oltp "peak RSS t1 sync=full (KiB)" "${rss[0]}" "${rss[1]}" \
	"$(ratio "${rss[0]}" "${rss[1]}")" \
	"ours: runner + workload; reference: the shell"
