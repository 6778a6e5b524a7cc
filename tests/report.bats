#!/usr/bin/env bats
# twinbench report, bundle and verify on synthetic run directories with
# known values (tests/gen_study.py): exact medians and relatives in both
# metric directions, the CSV contract, the refusals (no DONE, differing
# binaries, a missing baseline), the flags, determinism, bundle -> verify.
# The coverage of the intervals is tested by tests/unit/test_bootstrap.c;
# the HTML and charts by report_html.bats.
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	make_quiet lab
}

setup() {
	W=$BATS_TEST_TMPDIR
	GEN="python3 $REPO/tests/gen_study.py"
}

csv_row() {	# csv_row FILE PLATFORM INSTANCE METRIC
	awk -F, -v p="$2" -v i="$3" -v m="$4" \
		'$1 == p && $2 == i && $4 == m' "$1"
}

@test "exact medians and relatives in both directions, CSV columns" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5,xen:2 --metrics 3 --info
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	head -1 "$W/r/report.csv" | grep -qx 'platform,instance,workload,metric,unit,better,n,median,min,max,cv,relative,ci_low,ci_high,significant,outliers,flags'
	# 3 platforms x 2 instances x 3 metrics, plus the header
	[ "$(wc -l < "$W/r/report.csv")" -eq 19 ]
	# higher is better: kvm's 5 against bare's 10 is 0.5
	[ "$(csv_row "$W/r/report.csv" kvm i00 m0)" = \
	  "kvm,i00,w00,m0,u,higher,12,5,5,5,0,0.5,0.5,0.5,yes,0," ]
	# lower is better: kvm's 40 s against bare's 20 s is also 0.5
	[ "$(csv_row "$W/r/report.csv" kvm i00 m1)" = \
	  "kvm,i00,w00,m1,u,lower,12,40,40,40,0,0.5,0.5,0.5,yes,0," ]
	[ "$(csv_row "$W/r/report.csv" xen i01 m1)" = \
	  "xen,i01,w01,m1,u,lower,12,15,15,15,0,2,2,2,yes,0," ]
	# the baseline's own rows: relative 1, no interval
	[ "$(csv_row "$W/r/report.csv" bare i00 m0)" = \
	  "bare,i00,w00,m0,u,higher,12,10,10,10,0,1,,,,0," ]
	# information: shown (n, min, max), never divided
	[ "$(csv_row "$W/r/report.csv" kvm i00 m2)" = \
	  "kvm,i00,w00,m2,u,info,12,,15,15,,,,,,0," ]
	# the warm-up (rep 1) is not counted: 3 boots x 4 runs = 12
	jq -e '.geomean.platforms[] | select(.platform == "xen") |
		.geomean == 2' "$W/r/report.json"
}

@test "median of pooled boots; failed repetitions are left out and listed" {
	$GEN --out "$W/s" --platforms bare:1,kvm:1 --boots 1 --runs 4 \
		--instances 1 --metrics 1
	f=$W/s/kvm-1/samples.jsonl
	# kvm's values 10,10,10,10 -> make rep 3 a 100 that then fails
	jq -c 'if .rep == 3 then .value = 100 else . end' "$f" > "$f.new"
	mv "$f.new" "$f"
	echo '{"schema":1,"run":"0001-kvm","instance":"i00","workload":"w00","rep":3,"warmup":false,"metric":null,"value":null,"unit":null,"better":null,"status":"failed","reason":"disk on fire"}' >> "$f"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	# n = 3: rep 3's value does not count
	csv_row "$W/r/report.csv" kvm i00 m0 | grep -q '^kvm,i00,w00,m0,u,higher,3,10,10,10,'
	grep -q 'disk on fire' "$W/r/report.md"
	jq -e '.failures[0] | .platform == "kvm" and .rep == 3 and
		.status == "failed" and .reason == "disk on fire"' \
		"$W/r/report.json"
}

@test "a run without DONE is refused with its path, unless allowed" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5
	rm "$W/s/kvm-2/DONE"
	run -1 "$LAB" report --quiet --out "$W/r" "$W/s"
	[[ "$output" == *"$W/s/kvm-2: incomplete run (no DONE)"* ]]
	[ ! -e "$W/r/report.csv" ]
	run -0 "$LAB" report --quiet --allow-incomplete --out "$W/r" "$W/s"
	grep -q 'INCOMPLETE' "$W/r/report.md"
	csv_row "$W/r/report.csv" kvm i00 m0 | grep -q ',incomplete$'
	csv_row "$W/r/report.csv" bare i00 m0 | grep -q ',$'
}

@test "differing binaries are refused naming binary and runs; --allow-mixed banners" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5
	m=$W/s/kvm-1/manifest.json
	jq '.binaries[1].sha256 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"' \
		"$m" > "$m.new" && mv "$m.new" "$m"
	run -1 "$LAB" report --quiet --out "$W/r" "$W/s"
	[[ "$output" == *"binary bzip2 differs between runs"* ]]
	[[ "$output" == *"001122334455 in $W/s/kvm-1"* ]]
	run -0 "$LAB" report --quiet --allow-mixed --out "$W/r" "$W/s"
	grep -q 'MIXED BITS: binary bzip2' "$W/r/report.md"
	grep -q 'MIXED BITS: binary bzip2' "$W/r/report.html"
	csv_row "$W/r/report.csv" kvm i00 m0 | grep -q 'mixed-bits'
}

@test "a missing baseline names the labels found" {
	$GEN --out "$W/s" --platforms kvm:1,xen:0.5 --boots 1
	run -1 "$LAB" report --quiet --out "$W/r" "$W/s"
	[[ "$output" == *"--baseline bare: no run has that label; the platforms found are: kvm, xen"* ]]
	run -0 "$LAB" report --quiet --baseline kvm --out "$W/r" "$W/s"
	csv_row "$W/r/report.csv" xen i00 m0 | grep -q ',0.5,'
}

@test "derived parameters and a different scratch medium are flagged" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5 --boots 1
	f=$W/s/kvm-1/samples.jsonl
	jq -c '.derived = {"jobs": 8} | .scratch.medium = "ram"' "$f" > "$f.n"
	mv "$f.n" "$f"
	f=$W/s/bare-1/samples.jsonl
	jq -c '.derived = {"jobs": 2}' "$f" > "$f.n" && mv "$f.n" "$f"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	csv_row "$W/r/report.csv" kvm i00 m0 | grep -q ',derived:jobs=8/2 scratch:ram/disk few-boots$'
}

@test "one kept value per side: a ratio, no interval, never significant" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5 --boots 1 --runs 1
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	[ "$(csv_row "$W/r/report.csv" kvm i00 m0)" = \
	  "kvm,i00,w00,m0,u,higher,1,5,5,5,,0.5,,,,0,few-runs" ]
	# one boot of 4 runs: an interval, flagged as blind to boot spread
	$GEN --out "$W/t" --platforms bare:1,kvm:0.5 --boots 1 --runs 4
	run -0 "$LAB" report --quiet --out "$W/q" "$W/t"
	csv_row "$W/q/report.csv" kvm i00 m0 | grep -q ',0.5,0.5,0.5,yes,0,few-boots$'
}

@test "bad input: a broken record names file and line" {
	$GEN --out "$W/s" --platforms bare:1 --boots 1
	sed -i '3s/.*/{"oops": /' "$W/s/bare-1/samples.jsonl"
	run -1 "$LAB" report --quiet --out "$W/r" "$W/s"
	[[ "$output" == *"$W/s/bare-1/samples.jsonl:3:"* ]]
	run -1 "$LAB" report --quiet --out "$W/r" "$W/nothing"
	[[ "$output" == *"$W/nothing: not a directory"* ]]
	mkdir "$W/empty"
	run -1 "$LAB" report --quiet --out "$W/r" "$W/empty"
	[[ "$output" == *"no run directories"* ]]
	run -2 "$LAB" report --bootstrap 10 "$W/s"
}

@test "the same inputs give byte-identical reports; the seed changes the digits" {
	# 40 cells: shared among threads when there are 2 CPUs or more
	$GEN --out "$W/s" --platforms bare:1,kvm:0.9 --noise 0.1 \
		--instances 10 --metrics 4
	"$LAB" report --quiet --out "$W/a" "$W/s"
	"$LAB" report --quiet --out "$W/b" "$W/s"
	diff -r "$W/a" "$W/b"
	"$LAB" report --quiet --seed 2 --out "$W/c" "$W/s"
	! cmp -s "$W/a/report.csv" "$W/c/report.csv"
	# cells are computed in threads: one CPU gives the same bytes
	taskset -c 0 "$LAB" report --quiet --out "$W/d" "$W/s"
	diff -r "$W/a" "$W/d"
	grep -q 'twinbench report --baseline bare --seed 1 --bootstrap 10000' \
		"$W/a/report.md"
}

@test "bundle -> verify passes; a changed byte fails naming the file; report FILE.tar" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.9 --noise 0.1
	run -0 "$LAB" bundle --out "$W/study.tar" "$W/s"
	run -1 "$LAB" bundle --out "$W/study.tar" "$W/s"	# never overwritten
	[[ "$output" == *"exists"* ]]
	tar -tf "$W/study.tar" | grep -qx 'study.json'
	tar -tf "$W/study.tar" | grep -qx 'report/report.csv'
	tar -tf "$W/study.tar" | grep -qx 'runs/0001-kvm/samples.jsonl'
	tar -tf "$W/study.tar" | grep -q '^profiles/synthetic-cdcdcdcdcdcd.profile$'
	tar -tvf "$W/study.tar" | awk '{ print $2 }' | sort -u | grep -qx '0/0'
	run -0 "$LAB" verify "$W/study.tar"
	[[ "$output" == *"byte for byte the same"* ]]
	# deterministic: the same command again gives the same bytes
	mkdir "$W/one" "$W/two"
	(cd "$W/one" && "$LAB" bundle --out study.tar ../s)
	(cd "$W/two" && "$LAB" bundle --out study.tar ../s)
	cmp "$W/one/study.tar" "$W/two/study.tar"
	# regenerate from the bundle
	run -0 "$LAB" report --quiet --out "$W/re" "$W/study.tar"
	mkdir "$W/x" && tar -xf "$W/study.tar" -C "$W/x"
	diff -r "$W/x/report" "$W/re"
	# tamper with the bundled report
	sed -i 's/,0\.9/,0.8/' "$W/x/report/report.csv"
	(cd "$W/x" && tar --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@0 --format=gnu -cf "$W/bad.tar" .)
	run -1 "$LAB" verify "$W/bad.tar"
	[[ "$output" == *"report/report.csv differs"* ]]
}

@test "a run without manifest.json (rebuilt from a console) is reported, its bits not checked" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5 --boots 1
	rm "$W/s/kvm-1/manifest.json"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	grep -q "kvm-1 has no manifest.json" "$W/r/report.md"
	csv_row "$W/r/report.csv" kvm i00 m0 | grep -q '^kvm,i00,w00,m0,u,higher,4,5,'
	jq -e '.platforms[1].hypervisor == "unknown (no manifest)"' \
		"$W/r/report.json"
}

@test "bundle: a run id found twice (two sticks) is kept twice, as .2" {
	$GEN --out "$W/a" --platforms bare:1,kvm:0.5 --boots 1
	$GEN --out "$W/b" --platforms bare:1,kvm:0.5 --boots 1 --seed 2
	run -0 "$LAB" bundle --out "$W/s.tar" "$W/a" "$W/b"
	[ "$(tar -tf "$W/s.tar" | grep -E '^runs/0001-bare(\.2)?/samples.jsonl$' | sort | tr '\n' ' ')" = \
	  "runs/0001-bare.2/samples.jsonl runs/0001-bare/samples.jsonl " ]
	run -0 "$LAB" verify "$W/s.tar"
	mkdir "$W/x" && tar -xf "$W/s.tar" -C "$W/x"
	jq -e '.platforms[0].runs | length == 2' "$W/x/report/report.json"
}
