#!/usr/bin/env bats
# tests/runner.bats - the appliance binary in container mode on the build
# host: run directories, records, failures, timeouts, determinism.
bats_require_minimum_version 1.5.0

setup_file() {
	load helper
	make_quiet appliance tools
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
	[[ $output =~ \[$n/$n\ [a-z0-9-]+\ 2/2\]\ [0-9]+\.[0-9]\ s\ ok ]]
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

@test "warm-up runs are marked and left out of the statistics" {
	profile warm $'[profile]\nrepeat = 4\ndiscard = 1\n[z]\nworkload = seqio\nmode = zero\nsize = 4M\n[c]\nworkload = compress\nsize = 64K\ndiscard = 2'
	run -0 tb_run --profile-file "$P/warm.profile" --label w
	d=$R/runs/0001-w
	run -0 jq -r '.instances[] | .instance as $i | .metrics[] |
		"\($i) \(.metric) \(.n) \(.discarded)"' "$d/summary.json"
	[[ $output == *"z seconds 3 1"* ]]
	[[ $output == *"c ratio 2 2"* ]]
	run -0 jq -r 'select(.instance == "c" and .metric == "seconds") |
		"\(.rep) \(.warmup)"' "$d/samples.jsonl"
	[ "$output" = $'1 true\n2 true\n3 false\n4 false' ]
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
