#!/usr/bin/env bats
# tests/runner.bats - the appliance binary in container mode on the build
# host: run directories, records, failures, timeouts, determinism.
bats_require_minimum_version 1.5.0

setup_file() {
	load helper
	make_quiet appliance tools lab
	[ -x "$B/tools/bzip2" ]
}

setup() {
	load helper
	TB=$B/appliance/twinbench
	BINDIR=$B/tools
	R=$BATS_TEST_TMPDIR/results
	P=$BATS_TEST_TMPDIR/p
	mkdir -p "$P"
}

# tb_run ARGS...: container-mode run with the test's results dir and tools
tb_run() {
	"$TB" run --results "$R" --bindir "$BINDIR" \
		--profiles-dir "$REPO/profiles" "$@"
}

# profile NAME TEXT: write $P/NAME.profile
profile() {
	printf '%s\n' "$2" > "$P/$1.profile"
}

# tree_sum DIR: sha256 of every file under DIR, sorted
tree_sum() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum)
}

@test "version, list and help" {
	run -0 "$TB" --version
	[[ $output == "twinbench "* ]]
	run -0 "$TB" list
	[[ $output == *compress* && $output == *seqio* ]]
	run -0 "$TB" help compress
	[[ $output == *level* && $output == *corpus* ]]
	run -1 "$TB" help nosuchworkload
	run -2 "$TB" frobnicate
}

@test "shipped profiles validate" {
	for f in "$REPO"/profiles/*.profile; do
		run -0 "$TB" check "$f"
	done
}

@test "smoke in container mode writes a complete run" {
	run -0 tb_run --profile smoke --label t1
	d=$R/runs/0001-t1
	for f in manifest.json samples.jsonl summary.json console.log DONE; do
		[ -s "$d/$f" ]
	done
	# DONE is written last: nothing is newer than it
	[ -z "$(find "$d" -type f -newer "$d/DONE")" ]
	[ "$(cat "$d/DONE")" = ok ]
	[[ $output == *"TWINBENCH-DONE 0001-t1 ok"* ]]
	# smoke: every section runs twice (repeat = 2)
	local sections n
	sections=$(sed -n 's/^\[\(.*\)\]$/\1/p' "$REPO/profiles/smoke.profile" |
		grep -vx profile | paste -sd,)
	n=$(( $(echo "$sections" | tr , '\n' | wc -l) * 2 ))
	[[ $output == *"[1/$n compress 1/2] ..."* ]]
	# (the network workloads are skipped: no peer here)
	[[ $output =~ \[$n/$n\ [a-z0-9-]+\ 2/2\]\ [0-9]+\.[0-9]\ s\ (ok|skipped) ]]
	run -0 jq -er .status "$d/summary.json"
	[ "$output" = ok ]
	# every line is one JSON object; the expected metrics are there
	run -0 jq -ec 'select(.schema == 1 and .run == "0001-t1")' \
		"$d/samples.jsonl"
	[ "${#lines[@]}" -eq "$(wc -l < "$d/samples.jsonl")" ]
	run -0 jq -sr '[.[] | "\(.workload) \(.metric)"] | unique | join(",")' \
		"$d/samples.jsonl"
	local m
	for m in "compress ratio" "compress seconds" "compress throughput" \
		"seqio caches_dropped" "seqio seconds" "seqio throughput"; do
		[[ ",$output," == *",$m,"* ]]
	done
	# the runner's own accounting: every ok run has a peak resident set
	# and CPU time; bzip2 -9 needs more than 6 MiB, cpu_time > 0
	local want
	want=$(jq -r '[.instances[] | select(.status == "ok") |
		"\(.instance)=\(2 * .repeat)"] | sort | join(",")' \
		"$d/summary.json")
	run -0 jq -sr '[.[] | select(.metric == "peak_rss" or
		.metric == "cpu_time")] | group_by(.instance) |
		map("\(.[0].instance)=\(length)") | join(",")' "$d/samples.jsonl"
	[[ $want == *compress=4* ]]
	[ "$output" = "$want" ]
	run -0 jq -se 'map(select(.instance == "compress" and
		.metric == "peak_rss" and .warmup == false)) |
		length == 1 and .[0].value > 6 and .[0].unit == "MiB"' \
		"$d/samples.jsonl"
	run -0 jq -se 'map(select(.metric == "cpu_time")) |
		length > 0 and all(.value > 0 and .unit == "s")' "$d/samples.jsonl"
	run -0 jq -r '.instances | map(.instance) | join(",")' "$d/summary.json"
	[ "$output" = "$sections" ]
	# every TWINBENCH line of the console is a record
	[ "$(grep -c '^TWINBENCH {' "$d/console.log")" -eq \
		"$(wc -l < "$d/samples.jsonl")" ]
	run -0 jq -r '[.mode, .profile.source, .profile.sha256] | join(" ")' \
		"$d/manifest.json"
	[ "$output" = "container builtin $(sha256sum < "$REPO/profiles/smoke.profile" | cut -d' ' -f1)" ]
	run -0 jq -r '.binaries[] | select(.name == "bzip2") | .sha256' \
		"$d/manifest.json"
	[ "$output" = "$(sha256sum < "$BINDIR/bzip2" | cut -d' ' -f1)" ]
}

@test "a second run adds 0002 and leaves 0001 untouched" {
	run -0 tb_run --profile smoke --label a
	before=$(tree_sum "$R/runs/0001-a")
	run -0 tb_run --profile smoke --label b
	[ -f "$R/runs/0002-b/DONE" ]
	[ "$(tree_sum "$R/runs/0001-a")" = "$before" ]
	[ "$(cat "$R/runs/.counter")" = 2 ]
}

@test "the counter skips a number that is already taken" {
	profile tiny $'[profile]\nrepeat = 1\n[z]\nworkload = seqio\nmode = zero\nsize = 1M'
	run -0 tb_run --profile-file "$P/tiny.profile" --label x
	mkdir -p "$R/runs/0002-other" "$R/runs/0003-x"
	touch "$R/runs/0003-x/keep"
	run -0 tb_run --profile-file "$P/tiny.profile" --label x
	[ -f "$R/runs/0004-x/DONE" ]
	[ ! -e "$R/runs/0002-x" ]
	[ "$(ls -A "$R/runs/0003-x")" = keep ]
	[ -z "$(ls -A "$R/runs/0002-other")" ]
}

# bad NAME LINE TEXT: check and run reject it with NAME.profile:LINE:
bad() {
	profile "$1" "$3"
	run -1 "$TB" check "$P/$1.profile"
	[[ $output == "$P/$1.profile:$2: "* ]]
	msg=$output
	rm -rf "$R"
	run -1 tb_run --profile-file "$P/$1.profile" --label bad
	[[ $output == *"$msg"* ]]
	[[ $output == *"nothing was run"* ]]
	d=$R/runs/0001-bad
	for f in manifest.json summary.json console.log DONE; do
		[ -s "$d/$f" ]
	done
	[ -f "$d/samples.jsonl" ]
	[ ! -s "$d/samples.jsonl" ]
	[ "$(jq -r .status "$d/summary.json")" = failed ]
	[ "$(jq -r .reason "$d/summary.json")" = "$msg" ]
	[ "$(jq -r '.instances | length' "$d/summary.json")" = 0 ]
	[ "$(cat "$d/DONE")" = failed ]
	grep -qF "$msg" "$d/console.log"
}

@test "malformed profiles: file:line error, a failed run, nothing runs" {
	bad unknown-key 6 $'[profile]\nrepeat = 2\n\n[c]\nworkload = compress\nlevle = 9'
	bad bad-value 3 $'[profile]\n[c]\nsize = 12Q\nworkload = compress'
	bad out-of-range 4 $'[profile]\n[c]\nworkload = compress\nlevel = 12'
	bad unknown-workload 3 $'[profile]\n[c]\nworkload = frobnicate'
	bad bad-enum 4 $'[profile]\n[s]\nworkload = seqio\nmode = sideways'
}

@test "a profile that is not there gives a failed run" {
	run -1 tb_run --profile no-such-profile --label nf
	[ "$(jq -r .status "$R/runs/0001-nf/summary.json")" = failed ]
	[[ $(jq -r .reason "$R/runs/0001-nf/summary.json") == *no-such-profile* ]]
}

@test "a run over its timeout is killed with everything it started" {
	# a random corpus is written fast and bzip2 -9 chews on it for long
	profile slow $'[profile]\nrepeat = 1\ntimeout = 3\n[big]\nworkload = compress\nsize = 128M\ncorpus = random'
	scratch=$BATS_TEST_TMPDIR/scratch-slow
	SECONDS=0
	run -1 tb_run --profile-file "$P/slow.profile" --label to \
		--scratch "$scratch" --keep-scratch
	[ "$SECONDS" -lt 30 ]
	# bzip2 had started (its output is there, cut short)
	[ -f "$scratch/big/compress.bz2" ]
	d=$R/runs/0001-to
	[ "$(jq -r '.instances[0].status' "$d/summary.json")" = timeout ]
	[ "$(jq -r '.instances[0].reason' "$d/summary.json")" = \
		"exceeded the timeout of 3 s" ]
	run -0 jq -c 'select(.status == "timeout" and .metric == null)' \
		"$d/samples.jsonl"
	[ "${#lines[@]}" -eq 1 ]
	[[ $(cat "$d/console.log") =~ \[1/1\ big\ 1/1\]\ [0-9.]+\ s\ timeout ]]
	# nothing of the run is left: no bzip2, no child still writing
	run -1 pgrep -f "$scratch"
}

@test "a failing workload is recorded with its reason, the rest runs" {
	empty=$BATS_TEST_TMPDIR/empty-bin
	mkdir -p "$empty"
	run -1 "$TB" run --results "$R" --bindir "$empty" \
		--profiles-dir "$REPO/profiles" --profile smoke --label nb
	d=$R/runs/0001-nb
	[ "$(jq -r .status "$d/summary.json")" = failed ]
	run -0 jq -r '.instances[] | "\(.instance) \(.status) \(.reason)"' \
		"$d/summary.json"
	[ "${lines[0]}" = "compress failed $empty/bzip2: not found" ]
	[ "${lines[1]}" = "seqio-copy ok null" ]
	[ "${lines[2]}" = "seqio-zero ok null" ]
	run -0 jq -c 'select(.instance == "compress")' "$d/samples.jsonl"
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == *'"metric":null'*'"status":"failed","reason":"'"$empty"'/bzip2: not found"'* ]]
	[ "$(cat "$d/DONE")" = failed ]
}

@test "run --quiet: progress and messages on stdout, everything in console.log" {
	profile q $'[profile]\nrepeat = 1\ndiscard = 0\n[f]\nworkload = fileserver\nclients = 1\ntime = 2\n[s]\nworkload = selftest\nfail = yes'
	run -1 tb_run --quiet --profile-file "$P/q.profile" --label q
	d=$R/runs/0001-q
	[ "${lines[0]}" = "twinbench 0.1.0: run 0001-q, profile q (file $P/q.profile), label q" ]
	[ "${lines[2]}" = "[1/2 f 1/1] ..." ]
	[[ "${lines[3]}" == "[1/2 f 1/1] "*" s ok" ]]
	[ "${lines[5]}" = "[2/2 s 1/1] 0.0 s failed: failed as asked (fail = yes)" ]
	[ "${lines[6]}" = "twinbench: run 0001-q finished, status failed: s: failed: failed as asked (fail = yes)" ]
	[ "${lines[7]}" = "twinbench: the whole console: $d/console.log" ]
	[ "${#lines[@]}" -eq 8 ]
	# dbench's own lines and the records: only in console.log
	grep -q '^  f: ' "$d/console.log"
	grep -q '^TWINBENCH {"schema":1,"run":"0001-q"' "$d/console.log"
	grep -qx 'TWINBENCH-DONE 0001-q failed s: failed: failed as asked (fail = yes)' \
		"$d/console.log"
	# without --quiet stdout is the whole console
	run -1 tb_run --profile-file "$P/q.profile" --label q
	[[ "$output" == *$'\n  f: '* ]]
	[[ "$output" == *$'\nTWINBENCH {"schema":1,"run":"0002-q"'* ]]
	[[ "$output" == *$'\nTWINBENCH-DONE 0002-q failed s: '* ]]
}

@test "warm-up runs are marked and left out of the statistics" {
	profile warm $'[profile]\nrepeat = 4\ndiscard = 1\n[z]\nworkload = seqio\nmode = zero\nsize = 4M\n[c]\nworkload = compress\nsize = 64K\ndiscard = 2\n[r]\nworkload = selftest'
	run -0 tb_run --profile-file "$P/warm.profile" --label w
	d=$R/runs/0001-w
	run -0 jq -r '.instances[] | .instance as $i | .metrics[] |
		"\($i) \(.metric) \(.n) \(.discarded)"' "$d/summary.json"
	[[ $output == *"z seconds 3 1"* ]]
	[[ $output == *"c ratio 2 2"* ]]
	[[ $output == *"r rep 3 1"* ]]
	run -0 jq -r 'select(.instance == "c" and .metric == "seconds") |
		"\(.rep) \(.warmup)"' "$d/samples.jsonl"
	[ "$output" = $'1 true\n2 true\n3 false\n4 false' ]
	# the selftest's "rep" metric is the repetition's number: the
	# statistics are over 2, 3 and 4 only (with the warm-up: 2.5 and 1)
	run -0 jq -r '.instances[] | select(.instance == "r") | .metrics[] |
		select(.metric == "rep") | "\(.median) \(.min) \(.max) \(.mean)"' \
		"$d/summary.json"
	[ "$output" = "3 2 4 3" ]
}

@test "cpu_time and peak_rss cover the timed phase, not an expensive setup" {
	# setup burns 1.5 s of CPU and touches 200 MiB, in the workload's
	# process and in a child it reaps; the timed phase burns 0.3 s and
	# touches 20 MiB
	profile phase $'[profile]\nrepeat = 2\n[s]\nworkload = selftest\nsetup_cpu = 1.5\nsetup_mem = 200M\ncpu = 0.3\nmem = 20M'
	run -0 tb_run --profile-file "$P/phase.profile" --label ph
	d=$R/runs/0001-ph
	m() { jq -s "map(select(.metric == \"$1\" and .rep == $2))[0].value" \
		"$d/samples.jsonl"; }
	for rep in 1 2; do
		cpu=$(m cpu_time $rep) rss=$(m peak_rss $rep) s=$(m seconds $rep)
		# within what seconds timed (one busy thread: CPU <= wall)
		jq -en --argjson c "$cpu" --argjson s "$s" \
			'$c >= 0.25 and $c < 0.6 and $c <= $s + 0.02'
		jq -en --argjson r "$rss" '$r >= 19 and $r < 100'
	done
}

@test "a run that does not mark its timed phase fails instead of guessing" {
	profile nophase $'[profile]\nrepeat = 1\n[s]\nworkload = selftest\nphase = no'
	run -1 tb_run --profile-file "$P/nophase.profile" --label np
	[ "$(jq -r '.instances[0].reason' "$R/runs/0001-np/summary.json")" = \
		"the workload did not mark its timed phase (tb_phase_begin/tb_phase_end)" ]
	run -0 jq -s 'map(select(.metric == "cpu_time")) | length' \
		"$R/runs/0001-np/samples.jsonl"
	[ "$output" = 0 ]
}

@test "generated data is deterministic: same seed, same bytes" {
	gen=$'[profile]\nrepeat = 1\nseed = SEED\n[c]\nworkload = compress\nsize = 3M\n[t]\nworkload = compress\nsize = 1M\ncorpus = text\n[s]\nworkload = seqio\nsize = 2M'
	profile s7 "${gen//SEED/7}"
	profile s8 "${gen//SEED/8}"
	for x in a b; do
		run -0 tb_run --profile-file "$P/s7.profile" --label $x \
			--keep-scratch --scratch "$BATS_TEST_TMPDIR/$x"
	done
	run -0 tb_run --profile-file "$P/s8.profile" --label c \
		--keep-scratch --scratch "$BATS_TEST_TMPDIR/c"
	a=$(tree_sum "$BATS_TEST_TMPDIR/a")
	[ "$(echo "$a" | wc -l)" -eq 3 ]
	[ "$a" = "$(tree_sum "$BATS_TEST_TMPDIR/b")" ]
	c=$(tree_sum "$BATS_TEST_TMPDIR/c" | cut -d' ' -f1)
	for h in $(echo "$a" | cut -d' ' -f1); do
		[[ $c != *$h* ]]
	done
	# the ratio of the same input is the same
	r1=$(jq -r 'select(.metric == "ratio" and .instance == "c") | .value' \
		"$R/runs/0001-a/samples.jsonl")
	r2=$(jq -r 'select(.metric == "ratio" and .instance == "c") | .value' \
		"$R/runs/0002-b/samples.jsonl")
	[ "$r1" = "$r2" ]
}

@test "the mixed corpus compresses about like an OS image (2..4)" {
	profile ratio $'[profile]\nrepeat = 1\n[c]\nworkload = compress\nsize = 8M'
	run -0 tb_run --profile-file "$P/ratio.profile" --label r
	run -0 jq -r 'select(.metric == "ratio") | .value >= 2 and .value <= 4' \
		"$R/runs/0001-r/samples.jsonl"
	[ "$output" = true ]
}

@test "a run that ignores SIGTERM is killed with SIGKILL, group and all" {
	profile hang $'[profile]\nrepeat = 1\ntimeout = 2\n[h]\nworkload = selftest\nhang = 120\nignore_term = yes'
	SECONDS=0
	run -1 tb_run --profile-file "$P/hang.profile" --label hg
	# SIGTERM at 2 s was ignored: SIGKILL came 5 s later
	[ "$SECONDS" -ge 7 ]
	[ "$SECONDS" -lt 15 ]
	d=$R/runs/0001-hg
	[ "$(jq -r '.instances[0].status' "$d/summary.json")" = timeout ]
	run -1 pgrep -f "results $R "
}

@test "values of a run that then fails or times out are not in the summary" {
	profile late $'[profile]\nrepeat = 2\ntimeout = 2\n[f]\nworkload = selftest\nvalues = 3\nfail = yes\n[t]\nworkload = selftest\nvalues = 2\nhang = 30\n[k]\nworkload = selftest\nvalues = 2'
	run -1 tb_run --profile-file "$P/late.profile" --label lt
	d=$R/runs/0001-lt
	# the values were written as they came, then the run's outcome
	run -0 jq -sr 'map(select(.instance == "f")) |
		map("\(.rep) \(.metric) \(.status)") | join(",")' "$d/samples.jsonl"
	[[ $output == "1 seconds ok,1 rep ok,1 value ok,1 value ok,1 value ok,1 null failed,2 "* ]]
	run -0 jq -r '.instances[] | "\(.instance) \(.status) \([.metrics[].metric] | join("+"))"' \
		"$d/summary.json"
	[ "${lines[0]}" = "f failed " ]
	[ "${lines[1]}" = "t timeout " ]
	[ "${lines[2]}" = "k ok seconds+rep+value+peak_rss+cpu_time" ]
	[ "$(jq -r .reason "$d/summary.json")" = "f: failed: failed as asked (fail = yes)" ]
}

@test "the console rebuild of a run equals its summary.json" {
	profile con $'[profile]\nrepeat = 3\ndiscard = 1\ntimeout = 2\n[f]\nworkload = selftest\nvalues = 2\nfail = yes\n[t]\nworkload = selftest\nhang = 30\n[z]\nworkload = seqio\nmode = zero\nsize = 1M\n[c]\nworkload = compress\nsize = 64K'
	tb_run --profile-file "$P/con.profile" --label cn > "$BATS_TEST_TMPDIR/console.log" || true
	mkdir "$BATS_TEST_TMPDIR/rebuilt"
	run -1 "$LAB" console "$BATS_TEST_TMPDIR/console.log" "$BATS_TEST_TMPDIR/rebuilt"
	a=$(jq -S 'del(.source)' "$BATS_TEST_TMPDIR/rebuilt/0001-cn/summary.json")
	b=$(jq -S . "$R/runs/0001-cn/summary.json")
	[ "$a" = "$b" ]
	[ "$(jq -r .status <<< "$b")" = failed ]
	cmp "$BATS_TEST_TMPDIR/rebuilt/0001-cn/samples.jsonl" "$R/runs/0001-cn/samples.jsonl"
	[ "$(cat "$BATS_TEST_TMPDIR/rebuilt/0001-cn/DONE")" = failed ]
	# and for the smoke profile, which ends ok
	tb_run --profile smoke --label ok > "$BATS_TEST_TMPDIR/smoke.log"
	run -0 "$LAB" console "$BATS_TEST_TMPDIR/smoke.log" "$BATS_TEST_TMPDIR/rebuilt"
	[ "$(jq -S 'del(.source)' "$BATS_TEST_TMPDIR/rebuilt/0002-ok/summary.json")" = \
		"$(jq -S . "$R/runs/0002-ok/summary.json")" ]
}

@test "information metrics carry better: null and get no median or CV" {
	profile inf $'[profile]\nrepeat = 2\n[c]\nworkload = compress\nsize = 64K'
	run -0 tb_run --profile-file "$P/inf.profile" --label in
	d=$R/runs/0001-in
	run -0 jq -sr 'map(select(.metric == "ratio")) | map(.better | tostring) | unique | join(",")' \
		"$d/samples.jsonl"
	[ "$output" = "null" ]
	run -0 jq -c '.instances[0].metrics[] | select(.metric == "ratio") | keys' \
		"$d/summary.json"
	[ "$output" = '["better","discarded","max","metric","min","n","unit"]' ]
	run -0 jq -r '.instances[0].metrics[] | select(.metric == "throughput") | .better' \
		"$d/summary.json"
	[ "$output" = higher ]
	run -0 "$LAB" show --csv "$d"
	[[ $output == *",c,compress,ratio,x,info,2,,,,"* ]]
}

@test "the scratch medium is in every record; RAM never claims a dropped cache" {
	[ -d /dev/shm ] || skip "no /dev/shm"
	profile io $'[profile]\nrepeat = 1\n[s]\nworkload = seqio\nsize = 1M'
	run -0 tb_run --profile-file "$P/io.profile" --label ram \
		--scratch /dev/shm/twinbench-test-$$
	rm -rf /dev/shm/twinbench-test-$$
	d=$R/runs/0001-ram
	[[ $output == *"is in RAM: the I/O workloads measure memory, not a disk"* ]]
	run -0 jq -sr 'map(.scratch.medium) | unique | join(",")' "$d/samples.jsonl"
	[ "$output" = ram ]
	run -0 jq -sr 'map(select(.metric == "caches_dropped"))[0].value' "$d/samples.jsonl"
	[ "$output" = 0 ]
	[ "$(jq -r .storage.scratch_medium.fs "$d/manifest.json")" = tmpfs ]
	# on this machine's disk (where the test's tmp is), as root, it drops
	[ "$(stat -f -c %T "$BATS_TEST_TMPDIR")" != tmpfs ] || skip "tmp is tmpfs"
	run -0 tb_run --profile-file "$P/io.profile" --label dsk \
		--scratch "$BATS_TEST_TMPDIR/scr"
	d=$R/runs/0002-dsk
	run -0 jq -sr 'map(.scratch.medium) | unique | join(",")' "$d/samples.jsonl"
	[ "$output" = disk ]
	if [ "$(id -u)" = 0 ]; then
		run -0 jq -sr 'map(select(.metric == "caches_dropped"))[0].value' "$d/samples.jsonl"
		[ "$output" = 1 ]
	fi
}

@test "results that cannot be written make the run failed, with the reason" {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
	command -v unshare >/dev/null || skip "no unshare"
	profile big $'[profile]\nrepeat = 1\n[s]\nworkload = selftest\nvalues = 3000'
	small=$BATS_TEST_TMPDIR/small
	mkdir -p "$small"
	run -1 unshare -m sh -c 'mount -t tmpfs -o size=256k none "$1" && shift && exec "$@"' \
		sh "$small" "$TB" run --results "$small" --bindir "$BINDIR" \
		--profile-file "$P/big.profile" --label full
	[[ $output == *"samples.jsonl: write failed: No space left on device"* ]]
	[[ $output == *"TWINBENCH-DONE 0001-full failed samples.jsonl: write failed: No space left on device"* ]]
	[[ $output != *"TWINBENCH-DONE 0001-full ok"* ]]
}

@test "each workload names its headline metric; only its records say headline" {
	run -0 "$TB" help oltp
	[[ "$output" == *"headline metric (what reports chart): tps"* ]]
	profile hl $'[profile]\nrepeat = 1\ndiscard = 0\n[s]\nworkload = selftest\n[z]\nworkload = seqio\nmode = zero\nsize = 4M'
	tb_run --profile-file "$P/hl.profile" >/dev/null 2>&1
	f=$(echo "$R"/runs/*/samples.jsonl)
	[ "$(jq -r 'select(.headline == true) | .instance + ":" + .metric' "$f" |
		sort | tr '\n' ' ')" = "s:seconds z:throughput " ]
	# every workload in the table has one, and reports it
	for w in $("$TB" list | awk '{ print $1 }'); do
		"$TB" help "$w" | grep -q '^headline metric (what reports chart): [a-z_]*$'
	done
}
