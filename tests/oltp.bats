#!/usr/bin/env bats
# tests/oltp.bats - the oltp workload (sysbench 0.4 OLTP on the pinned
# SQLite) in container mode on the build host: tiny runs, option errors,
# and the proof that the transactions really happened: the database kept
# in scratch is checked with Debian's sqlite3 shell against the workload's
# figures, and the shell, replaying the same SQL, makes the same table.
bats_require_minimum_version 1.5.0

setup_file() {
	load helper
	command -v sqlite3 >/dev/null ||
		apt-get install -y -q sqlite3 >/dev/null
	make_quiet appliance
}

setup() {
	load helper
	TB=$B/appliance/twinbench
	R=$BATS_TEST_TMPDIR/results
	S=$BATS_TEST_TMPDIR/scratch
	P=$BATS_TEST_TMPDIR/p
	mkdir -p "$P"
}

# profile NAME [KEY=VALUE...]: $P/NAME.profile with one run of one oltp
# instance "o"; the options given are on lines 7, 8, ...; table-size 1000
# and 200 transactions unless given
profile() {
	local name=$1 kv
	shift
	{
		printf '[profile]\nrepeat = 1\nseed = 3\ntimeout = 300\n'
		printf '[o]\nworkload = oltp\n'
		for kv in "$@"; do
			printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
		done
		[[ " $* " == *" table-size="* ]] ||
			printf 'table-size = 1000\n'
		[[ " $* " == *" transactions="* ]] ||
			printf 'transactions = 200\n'
	} >"$P/$name.profile"
}

# tb_run NAME: run $P/NAME.profile, results in $R, scratch kept in $S
tb_run() {
	"$TB" run --results "$R" --scratch "$S" --keep-scratch \
		--profile-file "$P/$1.profile" --label "$1"
}

# metric NAME: value of metric NAME of the last run's only instance
metric() {
	jq -r --arg m "$1" 'select(.metric == $m) | .value' \
		"$R"/runs/*/samples.jsonl | tail -1
}

# db SQL: ask Debian's sqlite3 shell about the kept database
db() {
	sqlite3 "$S/o/oltp.db" "$1"
}

@test "oltp is listed, with its options" {
	run -0 "$TB" list
	[[ $output == *oltp* ]]
	run -0 "$TB" help oltp
	for o in threads transactions table-size time journal sync cache \
		script; do
		[[ $output == *"$o"* ]]
	done
}

@test "bad options: check names the file and line" {
	local bad=(threads=0 threads=65 transactions=0 table-size=99
		table-size=1000001 time=-1 journal=memory sync=extra
		cache=1K cache=1G)
	for kv in "${bad[@]}"; do
		profile bad "$kv"
		run -1 "$TB" check "$P/bad.profile"
		[[ $output == "$P/bad.profile:7: "* ]]
		[[ $output == *"${kv%%=*}"* ]]
	done
	profile good threads=64 journal=delete sync=off cache=64K time=5
	run -0 "$TB" check "$P/good.profile"
}

@test "one thread: ok, every metric, 19 queries per transaction" {
	profile t1
	run -0 tb_run t1
	[ "$(jq -r .status "$R"/runs/*/summary.json)" = ok ]
	run -0 jq -sr '[.[].metric] | sort | join(",")' \
		"$R"/runs/*/samples.jsonl
	[ "$output" = "committed,cpu_time,latency_p95,peak_rss,qps,retries,seconds,tps" ]
	# counters are information, not performance
	run -0 jq -sr 'map(select(.metric == "committed" or .metric == "retries") |
		.better | tostring) | unique | join(",")' "$R"/runs/*/samples.jsonl
	[ "$output" = null ]
	[ "$(metric committed)" = 200 ]
	[ "$(metric retries)" = 0 ]
	# 14 reads and 5 writes per transaction, as sysbench 0.4 counts them
	run -0 jq -ns --argjson q "$(metric qps)" --argjson t "$(metric tps)" \
		'($q / $t - 19) | fabs < 1e-6'
	[ "$output" = true ]
	run -0 jq -ns --argjson l "$(metric latency_p95)" '$l > 0'
	[ "$output" = true ]
}

@test "cpu_time covers the transactions, not the database build" {
	# 200000 rows take seconds of CPU to insert and index (setup); 20
	# transactions take milliseconds
	profile big table-size=200000 transactions=20
	run -0 tb_run big
	s=$(metric seconds) c=$(metric cpu_time)
	jq -en --argjson s "$s" --argjson c "$c" --argjson n "$(nproc)" \
		'$c <= $s * $n + 0.05'
}

@test "two threads: ok, and the table is consistent" {
	profile t2 threads=2 transactions=300
	run -0 tb_run t2
	[ "$(jq -r .status "$R"/runs/*/summary.json)" = ok ]
	[ "$(metric committed)" = 300 ]
	[ "$(db 'PRAGMA integrity_check')" = ok ]
	[ "$(db 'SELECT COUNT(*) FROM sbtest')" = 1000 ]
	# each transaction adds 1 to two rows' k, then one of them is reset
	k=$(db 'SELECT SUM(k) FROM sbtest')
	[ "$k" -gt 0 ]
	[ "$k" -le 600 ]
}

@test "rollback journal, two threads, no sync: ok" {
	profile jd threads=2 journal=delete sync=off
	run -0 tb_run jd
	[ "$(jq -r .status "$R"/runs/*/summary.json)" = ok ]
	[ "$(metric committed)" = 200 ]
	[ "$(db 'PRAGMA journal_mode')" = delete ]
	k=$(db 'SELECT SUM(k) FROM sbtest')
	[ "$k" -gt 0 ]
	[ "$k" -le 400 ]
}

# The workload checks its table after the run; here Debian's sqlite3
# shell does it again from outside, then replays the same table and
# transactions (the script option) and must end with the same rows.
@test "the transactions really happened: the sqlite3 shell agrees" {
	local sql=$BATS_TEST_TMPDIR/sql ref=$BATS_TEST_TMPDIR/ref.db
	local q='SELECT id, k, c, pad FROM sbtest ORDER BY id'
	profile v script="$sql"
	run -0 tb_run v
	[ "$(metric committed)" = 200 ]
	k=$(db 'SELECT SUM(k) FROM sbtest')
	[ "$k" -gt 0 ]
	[ "$k" -le 400 ]
	[ "$(db 'PRAGMA integrity_check')" = ok ]
	[ "$(db 'SELECT COUNT(*), MIN(id), MAX(id) FROM sbtest')" = \
		"1000|1|1000" ]
	[ "$(db 'SELECT SUM(k) FROM sbtest')" = "$k" ]
	# re-inserted rows (sysbench's pad) exist, at most one per transaction
	n=$(db "SELECT COUNT(*) FROM sbtest WHERE pad LIKE 'aaaaaaaaaaff%'")
	[ "$n" -ge 1 ]
	[ "$n" -le 200 ]
	# the same table and transactions, replayed by the shell alone
	[ "$(grep -c '^BEGIN; .*; COMMIT;$' "$sql.run.sql")" = 200 ]
	run -0 sh -c 'sqlite3 -bail "$1" <"$2.init.sql" >/dev/null' sh \
		"$ref" "$sql"
	initial=$(sqlite3 "$ref" "$q" | sha256sum)
	[ "$(sqlite3 "$ref" 'SELECT SUM(k) FROM sbtest')" = 0 ]
	run -0 sh -c 'sqlite3 -bail "$1" <"$2.run.sql" >/dev/null' sh \
		"$ref" "$sql"
	theirs=$(sqlite3 "$ref" "$q" | sha256sum)
	ours=$(db "$q" | sha256sum)
	[ "$theirs" != "$initial" ]
	[ "$ours" = "$theirs" ]
}

@test "a change behind the workload's back fails its check" {
	profile tamper transactions=1000000000 time=3 sync=off
	tb_run tamper >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	# once the table exists, add 1000 to one k (the shell waits for locks)
	for _ in $(seq 100); do
		if sqlite3 -cmd '.timeout 5000' "file:$S/o/oltp.db?mode=rw" \
			'UPDATE sbtest SET k = k + 1000 WHERE id = 1' \
			2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 1 ]
	run -0 jq -r '.instances[0] | .status + " " + .reason' \
		"$R"/runs/*/summary.json
	[[ $output == "failed "*"verify"*"SUM(k) is "*", expected "* ]]
}

@test "time limits the run" {
	profile tl transactions=1000000000 time=1 sync=off
	run -0 tb_run tl
	c=$(metric committed)
	[ "$c" -gt 0 ]
	[ "$c" -lt 1000000000 ]
	run -0 jq -ns --argjson s "$(metric seconds)" '$s >= 1 and $s < 3'
	[ "$output" = true ]
	[ "$(db 'SELECT COUNT(*) FROM sbtest')" = 1000 ]
}

# Issue 7 item 4: only SQLite's locks serialise the threads (no mutex of
# ours around COMMIT or claim()), and the model of what the table must
# hold still follows the commit order: the check after the run passes
# with many threads on both journals, retries included.
@test "threads=8 and 16, sync=full, wal and delete: the check passes" {
	local j t
	for j in wal delete; do
		for t in 8 16; do
			rm -rf "$R" "$S"
			profile "c$t$j" threads="$t" journal="$j" sync=full \
				transactions=300
			run -0 tb_run "c$t$j"
			[ "$(jq -r .status "$R"/runs/*/summary.json)" = ok ]
			[ "$(metric committed)" = 300 ]
			[ "$(db 'PRAGMA integrity_check')" = ok ]
			[ "$(db 'SELECT COUNT(*) FROM sbtest')" = 1000 ]
		done
	done
}

# A COMMIT that fails (SQLITE_BUSY: a reader outside kept its SHARED lock
# past the busy timeout, 10 s) must take its transaction back out of the
# model before the retry.  One thread: its only conflict is the reader,
# at COMMIT (reads and RESERVED go with a SHARED lock; EXCLUSIVE does not).
# The retry commits 11 s after the reader began, past the time limit, so
# no later transaction hides a transaction counted twice (a delete resets
# k): 10000 rows, so that the retried transaction's two rows differ.
@test "a COMMIT that fails with SQLITE_BUSY is taken out of the model" {
	local uri=file:$S/o/oltp.db?mode=rw pid st
	profile busy journal=delete sync=off table-size=10000 \
		transactions=1000000000 time=10
	tb_run busy >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	for _ in $(seq 100); do
		[ -s "$S/o/oltp.db" ] &&
			sqlite3 "$uri" 'SELECT 1 FROM sbtest LIMIT 1' \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	# a read transaction held open for 11 s
	{
		echo 'BEGIN; SELECT COUNT(*) FROM sbtest;'
		sleep 11
		echo 'COMMIT;'
	} | sqlite3 -cmd '.timeout 5000' "$uri" >"$BATS_TEST_TMPDIR/held"
	st=0
	wait "$pid" || st=$?
	[ "$(cat "$BATS_TEST_TMPDIR/held")" = 10000 ]
	[ "$st" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/out" >&2; return 1; }
	[ "$(jq -r .status "$R"/runs/*/summary.json)" = ok ]
	[ "$(metric retries)" -ge 1 ]
}

# The threads overlap: while one thread's COMMIT runs WAL's automatic
# checkpoint (after SQLite has released its write lock), the others go on.
# A commit's own fdatasync of the WAL is under SQLite's write lock, so no
# other connection can commit then (readers could, and did before too);
# a checkpoint syncs the database file itself, and there the old mutex
# around COMMIT held every other thread.  strace makes the first fdatasync
# of oltp.db by every thread (its first checkpoint, or the last close)
# 1 s longer, and shows the reads (pread64 on oltp.db) of the other threads
# while it lasts: they must go on past its first half.  With the mutex they
# stopped within 0.1 s, once their transactions in flight had read.
@test "threads=4, wal: the others go on while one thread's checkpoint syncs" {
	command -v strace >/dev/null || skip "strace missing ('make deps')"
	local tr=$BATS_TEST_TMPDIR/st
	profile ov threads=4 journal=wal sync=full table-size=10000 \
		transactions=2000
	mkdir -p "$S/o"
	run -0 strace -f -ff --seccomp-bpf -tt -T -o "$tr" -P "$S/o/oltp.db" \
		-e trace=fdatasync,pread64 \
		-e inject=fdatasync:delay_enter=1000000:when=1 \
		"$TB" run --results "$R" --scratch "$S" --keep-scratch \
		--profile-file "$P/ov.profile" --label ov
	[ "$(jq -r .status "$R"/runs/*/summary.json)" = ok ]
	# per window (fdatasync of one thread): length, reads of the other
	# threads in it, how far into it the last of them started
	run -0 awk '
		function secs(ts,  t) {
			split(ts, t, ":")
			return t[1] * 3600 + t[2] * 60 + t[3]
		}
		{
			tid = FILENAME
			sub(/.*\./, "", tid)
			d = $NF
			gsub(/[<>]/, "", d)
		}
		$2 ~ /^fdatasync\(/ {
			n++; s[n] = secs($1); e[n] = s[n] + d; st[n] = tid
		}
		$2 ~ /^pread64\(/ { m++; r[m] = secs($1); rt[m] = tid }
		END {
			for (i = 1; i <= n; i++) {
				k = 0; last = 0
				for (j = 1; j <= m; j++)
					if (rt[j] != st[i] && r[j] > s[i] &&
					    r[j] < e[i]) {
						k++
						if (r[j] - s[i] > last)
							last = r[j] - s[i]
					}
				printf "%.3f %d %.3f\n", e[i] - s[i], k, last
			}
		}' "$tr".*
	echo "$output" >&2
	# a delayed window with reads of the others in its second half
	run -0 awk '$1 >= 1 && $3 > 0.5 { print }' <<<"$output"
	[ -n "$output" ]
}
