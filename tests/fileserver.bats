#!/usr/bin/env bats
# tests/fileserver.bats - the fileserver workload (dbench 4.0, static musl,
# with popt, from the pinned Debian source packages) in container mode on
# the build host: real tiny runs, option errors, dbench's output parsed
# (also from a canned real output), failures and the runner's timeout.
bats_require_minimum_version 1.5.0

DATA=tests/data/dbench-4.0-3clients-10s.txt

setup_file() {
	load helper
	make_quiet tools appliance
	[ -x "$B/tools/dbench" ]
	[ -s "$B/share/dbench/client.txt.xz" ]
}

setup() {
	load helper
	TB=$B/appliance/twinbench
	DB=$B/tools/dbench
	LOCK=$REPO/image-builder/inputs.lock
	R=$BATS_TEST_TMPDIR/results
	P=$BATS_TEST_TMPDIR/p
	mkdir -p "$P"
}

# tb_run BINDIR ARGS...: container-mode run with the test's results dir
tb_run() {
	local bindir=$1
	shift
	"$TB" run --results "$R" --bindir "$bindir" \
		--profiles-dir "$REPO/profiles" "$@"
}

# profile NAME TEXT: write $P/NAME.profile
profile() {
	printf '%s\n' "$2" > "$P/$1.profile"
}

# value RUN METRIC: the value of METRIC in RUN's only non-warm-up sample
value() {
	jq -r --arg m "$2" 'select(.metric == $m and .warmup == false) |
		.value' "$R/runs/$1/samples.jsonl"
}

# is RUN METRIC NUMBER: that value is NUMBER (compared as numbers)
is() {
	jq -se --arg m "$2" --argjson v "$3" '[.[] | select(.metric == $m and
		.warmup == false) | .value] == [$v]' "$R/runs/$1/samples.jsonl"
}

# fake_bindir DIR SCRIPT: DIR/dbench runs SCRIPT (sh), beside the real
# load file
fake_bindir() {
	mkdir -p "$1" "$1/../share/dbench"
	printf '#!/bin/sh\n%s\n' "$2" > "$1/dbench"
	chmod +x "$1/dbench"
	ln -sf "$B/share/dbench/client.txt.xz" "$1/../share/dbench/"
}

# procs_in DIR: how many processes have their working directory under DIR
procs_in() {
	local p n=0 d
	for p in /proc/[0-9]*; do
		d=$(readlink "$p/cwd" 2>/dev/null) || continue
		[[ $d == "$1"* ]] && n=$((n + 1))
	done
	echo "$n"
}

@test "dbench is static, stripped, the pinned version, with its load file" {
	run -0 readelf -lW "$DB"
	[[ $output != *INTERP* ]]
	run -0 file -b "$DB"
	[[ $output == *"statically linked"* && $output == *", stripped"* ]]
	local v
	v=$(awk '$1 == "src" && $2 == "dbench" { print $3; exit }' "$LOCK")
	[ "$v" = 4.0-2.1 ]
	run -0 "$DB" --help
	[ "${lines[0]}" = "dbench version ${v%-*}0 - Copyright Andrew Tridgell 1999-2004" ]
	[[ $output == *"--timelimit=integer"* && $output == *"--loadfile"* ]]
	# built from the pinned popt and dbench
	v=$(awk '$1 == "src" && $2 == "popt" && $4 ~ /dsc$/ { print $4 }' "$LOCK")
	grep -q "dpkg-source -x .*/$v " "$B/build/popt/build.log"
	grep -q "dbench_4.0.orig.tar.gz" "$B/build/dbench/build.log"
	# the shipped load file is upstream's client.txt, byte for byte,
	# and unpacks with a 1 MiB dictionary
	v=$(awk '$1 == "src" && $2 == "dbench" && $4 ~ /orig/ { print $4 }' "$LOCK")
	cmp <(xz -dc "$B/share/dbench/client.txt.xz") \
		<(tar -xzOf "$DL/$v" --wildcards '*/client.txt')
	run -0 xz -lvv "$B/share/dbench/client.txt.xz"
	[[ $output =~ Memory\ needed:\ +2\ MiB ]]
}

@test "dbench reuses its read/write buffers (keepbuf), not one munmap per op" {
	command -v strace >/dev/null || skip "needs strace (make deps)"
	strace -qq -o /dev/null true || skip "strace cannot trace here (ptrace)"
	local t=$BATS_TEST_TMPDIR ops unmaps
	mkdir "$t/d"
	xz -dc "$B/share/dbench/client.txt.xz" > "$t/client.txt"
	strace -f -qq -c -e trace=munmap -o "$t/strace" \
		"$DB" -t 2 -D "$t/d" -c "$t/client.txt" 1 > "$t/out" 2>&1
	ops=$(awk '$1 == "ReadX" || $1 == "WriteX" { n += $2 } END { print n + 0 }' "$t/out")
	unmaps=$(awk '$NF == "munmap" { print $(NF - 1) }' "$t/strace")
	echo "ReadX + WriteX: $ops, munmap calls: ${unmaps:-0}"
	[ "$ops" -gt 500 ]
	# without keepbuf musl unmaps about one buffer per two reads/writes
	# (1179 munmap for 2403 ops measured); with it, start-up and growth only
	[ "${unmaps:-0}" -lt $((ops / 5)) ]
}

@test "a tiny run: status ok, positive throughput, ops and latency" {
	profile tiny $'[profile]\nrepeat = 2\ndiscard = 1\ntimeout = 120\n[fs]\nworkload = fileserver\nclients = 2\ntime = 2'
	local s=$BATS_TEST_TMPDIR/scratch
	run -0 tb_run "$B/tools" --profile-file "$P/tiny.profile" --label t \
		--scratch "$s" --keep-scratch
	local d=$R/runs/0001-t
	[ "$(jq -r .status "$d/summary.json")" = ok ]
	[ "$(cat "$d/DONE")" = ok ]
	run -0 jq -sr '[.[] | "\(.metric) \(.unit) \(.better)"] | unique |
		join(",")' "$d/samples.jsonl"
	[ "$output" = "cpu_time s lower,max_latency ms lower,operations ops null,ops op/s higher,peak_rss MiB lower,phase_seconds s null,throughput MB/s higher" ]
	run -0 jq -r 'select(.warmup == false) | .params |
		"\(.clients) \(.time) \(.loadfile)"' "$d/samples.jsonl"
	[ "${lines[0]}" = "2 2 client.txt" ]
	run -0 jq -se 'length == 14 and (map(.value > 0) | all)' \
		"$d/samples.jsonl"
	# ops/s is the operations table's total over the timed phase as dbench
	# ran it (about 2 s): the console shows the table of each run
	local sum
	sum=$(awk '/ Operation +Count/ { n++; s = 0; on = 1; next }
		on && /^  fs: +[A-Za-z]+ +[0-9]+ / { s += $3 }
		/Throughput/ { on = 0; t = s } END { print t }' "$d/console.log")
	[ "$sum" -gt 1000 ]
	is 0001-t operations "$sum"
	jq -se 'map(select(.warmup == false)) |
		(map(select(.metric == "ops"))[0].value) as $o |
		(map(select(.metric == "phase_seconds"))[0].value) as $s |
		(map(select(.metric == "operations"))[0].value) as $n |
		($o * $s - $n | fabs) < 1e-6 * $n and $s > 1.5 and $s < 4' \
		"$d/samples.jsonl"
	[[ $(cat "$d/console.log") == *"Throughput $(value 0001-t throughput) MB/sec  2 clients  2 procs"* ]]
	# the manifest has the sha256 of dbench, bzip2 and the load file
	run -0 jq -r '.binaries[] | select(.name == "dbench") | .sha256' \
		"$d/manifest.json"
	[ "$output" = "$(sha256sum < "$DB" | cut -d' ' -f1)" ]
	run -0 jq -r '.binaries[] | select(.name | endswith("client.txt.xz")) |
		.sha256' "$d/manifest.json"
	[ "$output" = "$(sha256sum < "$B/share/dbench/client.txt.xz" |
		cut -d' ' -f1)" ]
	# dbench worked in the scratch directory and cleaned up after itself
	[ "$(stat -c %s "$s/fs/client.txt")" -eq 26214401 ]
	[ -z "$(find "$s/fs/clients" -type f 2>/dev/null)" ]
}

@test "with a warm-up, ops is over the timed phase dbench measured, not time" {
	# time = 6: dbench warms up for 1 s, restarts its clock, then runs
	# its timed phase of about 6 s (its 1 s ticks drift a little)
	profile warm $'[profile]\nrepeat = 1\ntimeout = 120\n[fs]\nworkload = fileserver\nclients = 2\ntime = 6'
	run -0 tb_run "$B/tools" --profile-file "$P/warm.profile" --label w
	[[ $output == *"minimum warmup 1 secs"* ]]
	[[ $output != *"did not arrive once a second"* ]]
	local d=$R/runs/0001-w
	jq -se '(map(select(.metric == "ops"))[0].value) as $o |
		(map(select(.metric == "phase_seconds"))[0].value) as $s |
		(map(select(.metric == "operations"))[0].value) as $n |
		($o * $s - $n | fabs) < 1e-6 * $n and $s > 5.9 and $s < 8 and
		$s != 6' "$d/samples.jsonl"
}

@test "bad options: twinbench check names file:line" {
	local bad
	for bad in "clients = 0:4" "clients = 1001:4" "time = 1:4" \
		"time = 86401:4" "loadfile = client2.txt:4" "clients = x:4" \
		"warmup = 3:4"; do
		profile bad $'[profile]\n[fs]\nworkload = fileserver\n'"${bad%:*}"
		run -1 "$TB" check "$P/bad.profile"
		[[ $output == "$P/bad.profile:${bad##*:}: "* ]]
	done
	run -1 "$TB" check "$P/bad.profile"
	[[ $output == *warmup* ]]
	profile good $'[profile]\n[fs]\nworkload = fileserver\nclients = 1000\ntime = 86400\nloadfile = client.txt'
	run -0 "$TB" check "$P/good.profile"
}

@test "dbench's real output, canned, gives exactly its figures" {
	local bin=$BATS_TEST_TMPDIR/fake/bin
	fake_bindir "$bin" "cat '$REPO/$DATA'"
	profile canned $'[profile]\nrepeat = 1\n[fs]\nworkload = fileserver\nclients = 3\ntime = 10'
	run -0 tb_run "$bin" --profile-file "$P/canned.profile" --label c
	local sum
	sum=$(awk '/^ -+$/ { on = 1; next } on && NF == 4 { s += $2 }
		on && NF == 0 { on = 0 } END { print s }' "$REPO/$DATA")
	[ "$sum" -eq 291011 ]
	is 0001-c throughput 157.31
	is 0001-c max_latency 256.759
	is 0001-c ops 29101.1
	# the progress lines stay off the console, the table is on it
	run -0 cat "$R/runs/0001-c/console.log"
	[[ $output != *"MB/sec  execute"* && $output != *"  cleanup "* ]]
	[[ $output == *"fs:  Flush           3520     3.997   256.756"* ]]
}

@test "unreadable or incomplete dbench output is a failed run" {
	local bin=$BATS_TEST_TMPDIR/fake/bin
	# a wrong client count
	fake_bindir "$bin" "cat '$REPO/$DATA'"
	profile two $'[profile]\nrepeat = 1\n[fs]\nworkload = fileserver\nclients = 2\ntime = 10'
	run -1 tb_run "$bin" --profile-file "$P/two.profile" --label w
	[ "$(jq -r '.instances[0].reason' "$R/runs/0001-w/summary.json")" = \
		"dbench: cannot read its output: 3 clients reported, 2 asked for; last line: Throughput 157.31 MB/sec  3 clients  3 procs  max_latency=256.759 ms" ]
	# output cut before the summary
	fake_bindir "$bin" "head -n 35 '$REPO/$DATA'"
	run -1 tb_run "$bin" --profile-file "$P/two.profile" --label cut
	[ "$(jq -r '.instances[0].reason' "$R/runs/0002-cut/summary.json")" = \
		"dbench: cannot read its output: no Throughput line; last line:  Flush           3520     3.997   256.756" ]
	# no table at all, and a signal
	fake_bindir "$bin" 'echo hello; kill -9 $$'
	run -1 tb_run "$bin" --profile-file "$P/two.profile" --label sig
	[ "$(jq -r '.instances[0].reason' "$R/runs/0003-sig/summary.json")" = \
		"dbench: killed by signal 9: hello" ]
	run -0 jq -c 'select(.status == "failed" and .metric == null)' \
		"$R/runs/0003-sig/samples.jsonl"
	[ "${#lines[@]}" -eq 1 ]
}

@test "dbench failing gives its last line and first error as the reason" {
	# the real dbench, with a file where its clients' directory goes
	local bin=$BATS_TEST_TMPDIR/fail/bin
	fake_bindir "$bin" ": > clients; exec '$DB' \"\$@\""
	profile f $'[profile]\nrepeat = 1\ntimeout = 60\n[fs]\nworkload = fileserver\nclients = 1\ntime = 2'
	run -1 tb_run "$bin" --profile-file "$P/f.profile" --label f
	[ "$(jq -r '.instances[0].status' "$R/runs/0001-f/summary.json")" = failed ]
	[ "$(jq -r '.instances[0].reason' "$R/runs/0001-f/summary.json")" = \
		"dbench: exit status 1: Child failed with status 1 (first error: [3] open ./clients/client0 failed for handle 16385 (Not a directory))" ]
	# a missing dbench is named
	rm "$bin/dbench"
	run -1 tb_run "$bin" --profile-file "$P/f.profile" --label nf
	[ "$(jq -r '.instances[0].reason' "$R/runs/0002-nf/summary.json")" = \
		"$bin/dbench: not found" ]
}

@test "a load file that is not dbench's client.txt is refused" {
	local bin=$BATS_TEST_TMPDIR/tamper/bin
	fake_bindir "$bin" "exec '$DB' \"\$@\""
	rm "$bin/../share/dbench/client.txt.xz"
	xz -dc "$B/share/dbench/client.txt.xz" | sed '1000s/NT_STATUS_OK/NT_STATUS_NO/' |
		xz -T1 --check=crc32 > "$bin/../share/dbench/client.txt.xz"
	profile t $'[profile]\nrepeat = 1\n[fs]\nworkload = fileserver\nclients = 1\ntime = 2'
	run -1 tb_run "$bin" --profile-file "$P/t.profile" --label t
	run -0 jq -r '.instances[0].reason' "$R/runs/0001-t/summary.json"
	[[ $output == "$bin/../share/dbench/client.txt.xz: unpacks to sha256 "*", not dbench's client.txt ec2792b86d74ff0c6d091a599ce3ec311fcce86c97f7be86a80fca80c24ce45c" ]]
	# and a broken one is xzcat's failure
	head -c 1000 "$B/share/dbench/client.txt.xz" > "$bin/../share/dbench/client.txt.xz"
	run -1 tb_run "$bin" --profile-file "$P/t.profile" --label b
	run -0 jq -r '.instances[0].reason' "$R/runs/0002-b/summary.json"
	[[ $output == "xzcat $bin/../share/dbench/client.txt.xz: failed (status "* ]]
}

@test "the runner's timeout kills dbench and every client it started" {
	profile slow $'[profile]\nrepeat = 1\ntimeout = 4\n[fs]\nworkload = fileserver\nclients = 6\ntime = 600'
	local s=$BATS_TEST_TMPDIR/scratch-slow
	SECONDS=0
	run -1 tb_run "$B/tools" --profile-file "$P/slow.profile" --label to \
		--scratch "$s" --keep-scratch
	[ "$SECONDS" -lt 60 ]
	local d=$R/runs/0001-to
	[ "$(jq -r '.instances[0].status' "$d/summary.json")" = timeout ]
	# the clients had started: their trees are there (cleanup never ran)
	[ -d "$s/fs/clients/client5" ]
	[[ $(cat "$d/console.log") == *"fs: releasing clients"* ]]
	# no process is left working in the scratch directory
	[ "$(procs_in "$s")" -eq 0 ]
	sleep 1
	[ "$(procs_in "$s")" -eq 0 ]
}
