#!/usr/bin/env bats
# twinbench report's charts and report.html, on synthetic run directories
# with known values (tests/gen_study.py): one gnuplot SVG per benchmark,
# the summary and the scalability chart, each well-formed XML with one bar
# per platform and none for a platform without data; the same inputs give
# the same bytes; report.html inlines the charts, refers to nothing
# outside itself and escapes what the runs say.  Last, Debian's chromium,
# headless, renders the page: the bar colour must be on the screenshot,
# and must not be once the <svg> elements are taken out.
bats_require_minimum_version 1.5.0
load helper

BAR_RGB='rgb( 52, 101, 164)'	# ST_CHART_BAR, #3465a4, as gnuplot writes it
BAR_HEX=3465a4

setup_file() {
	command -v gnuplot >/dev/null ||
		apt-get install -y -q gnuplot-nox >/dev/null 2>&1 || true
	command -v chromium >/dev/null ||
		apt-get install -y -q chromium >/dev/null 2>&1 || true
	make_quiet lab
}

setup() {
	W=$BATS_TEST_TMPDIR
	GEN="python3 $REPO/tests/gen_study.py"
	command -v gnuplot >/dev/null || skip "gnuplot cannot be installed"
}

# bars FILE: the number of bars in a chart
bars() {
	grep -c "<polygon fill = '$BAR_RGB'" "$1" || true
}

# jq_edit FILE FILTER: rewrite a JSON Lines file in place
jq_edit() {
	jq -c "$2" "$1" > "$1.new" && mv "$1.new" "$1"
}

# jq_keep FILE CONDITION: keep the records for which it holds
jq_keep() {
	jq_edit "$1" "select($2)"
}

# study DIR: bare, kvm (half as fast) and xen (twice as fast), 2 benchmarks
study() {
	$GEN --out "$1" --platforms bare:1,kvm:0.5,xen:2 --boots 2 --runs 3
}

# shot HTML PNG: a headless chromium screenshot of a page
shot() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir="$W/chromium" \
		--window-size=1200,4000 --screenshot="$2" "file://$1" \
		>"$W/chromium.log" 2>&1 3>&-
}

@test "a chart per benchmark, a summary: well-formed, a bar per platform" {
	study "$W/s"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	c=$W/r/charts
	[ "$(ls -A "$c" | tr '\n' ' ')" = "i00.svg i01.svg summary.svg " ]
	y='<text>relative performance (> 1: faster than bare)</text>'
	for f in "$c"/*.svg; do
		xmllint --noout "$f"
		[ "$(bars "$f")" -eq 3 ]
		for p in bare kvm xen; do grep -q "<text>$p</text>" "$f"; done
		grep -qF "$y" "$f"
	done
	grep -q '<text>i00 (w00): m0, relative to bare</text>' "$c/i00.svg"
	grep -q '<text>geometric mean over 2 benchmarks, relative to bare' \
		"$c/summary.svg"
	# the values above the bars: the baseline's 1, kvm 0.5, xen 2
	for v in 1.00 0.50 2.00; do
		grep -q "<text>$v</text>" "$c/i01.svg"
	done
	# bar heights: kvm's half the baseline's, xen's twice
	grep -o "<polygon fill = '$BAR_RGB' points = '[^']*'" \
		"$c/i00.svg" | sed "s/.*points = '//" |
		awk -F'[ ,]' '{ h[NR] = $2 - $6 } END {
			d1 = 2 * h[2] - h[1]; d2 = h[3] - 2 * h[1]
			exit !(NR == 3 && d1 * d1 < 0.25 && d2 * d2 < 0.25) }'
}

@test "a platform without data gets no bar, not a bar at 0" {
	study "$W/s"
	# xen never ran i01; the baseline never ran i00 (no relative there)
	for b in 1 2; do
		jq_keep "$W/s/xen-$b/samples.jsonl" '.instance != "i01"'
		jq_keep "$W/s/bare-$b/samples.jsonl" '.instance != "i00"'
	done
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	[ "$(bars "$W/r/charts/i01.svg")" -eq 2 ]
	[ "$(grep -c '<text>no data</text>' "$W/r/charts/i01.svg")" -eq 1 ]
	[ "$(bars "$W/r/charts/i00.svg")" -eq 0 ]
	[ "$(grep -c '<text>no data</text>' "$W/r/charts/i00.svg")" -eq 3 ]
	xmllint --noout "$W"/r/charts/*.svg
}

@test "twice, in another environment: byte-identical charts and page" {
	study "$W/s"
	run -0 "$LAB" report --quiet --out "$W/a" "$W/s"
	mkdir "$W/home"
	echo 'set border lw 4' > "$W/home/.gnuplot"	# must not be read
	run -0 env HOME="$W/home" TZ=Asia/Tokyo LANG=de_DE.UTF-8 \
		LC_ALL=de_DE.UTF-8 "$LAB" report --quiet --out "$W/b" "$W/s"
	diff -r "$W/a/charts" "$W/b/charts"
	cmp "$W/a/report.html" "$W/b/report.html"
}

@test "report.html: charts inline, nothing outside, well-formed, unique ids" {
	study "$W/s"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	h=$W/r/report.html
	[ "$(grep -c '^<svg' "$h")" -eq 3 ]
	! grep -q '<?xml' "$h"
	! grep -qiE '<script|<link|<img|<iframe|src=' "$h"
	# the only URLs are the SVG and XLink namespace names
	[ "$(grep -oE 'https?://[^"'\'' ]*' "$h" | sort -u | tr '\n' ' ')" = \
	  "http://www.w3.org/1999/xlink http://www.w3.org/2000/svg " ]
	xmllint --noout "$h"	# the page is well-formed XML as well
	[ -z "$(grep -oE " id=['\"][^'\"]*" "$h" | sort | uniq -d)" ]
	for s in Platforms 'Headline results' 'Geometric means' Charts \
		'All rows' Failures; do
		grep -q "<h2 id=\"[a-z]*\">$s</h2>" "$h"
	done
	# the full table has the CSV's columns
	csvhead=$(head -1 "$W/r/report.csv" | sed 's/,/<\/th><th>/g')
	grep -qF "<thead><tr><th>$csvhead</th></tr></thead>" "$h"
}

@test "report.html escapes instances and reasons; odd names keep charts valid" {
	study "$W/s"
	odd=$(printf '<b>&"q\047\007\303\251')	# a BEL and an e-acute
	for f in "$W"/s/*/samples.jsonl; do
		jq -c --arg n "$odd" \
			'if .instance == "i01" then .instance = $n else . end' \
			"$f" > "$f.new" && mv "$f.new" "$f"
	done
	jq -nc '{schema: 1, run: "0001-kvm", instance: "i00", workload: "w00",
		rep: 2, warmup: false, metric: null, value: null, unit: null,
		better: null, status: "failed",
		reason: "disk <full> & \"gone\""}' >> "$W/s/kvm-1/samples.jsonl"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	h=$W/r/report.html
	grep -qF '<td>&lt;b&gt;&amp;&quot;q&#39;&#xFFFD;é</td>' "$h"
	grep -qF '<td>disk &lt;full&gt; &amp; &quot;gone&quot;</td>' "$h"
	! grep -qF '<b>&' "$h"
	! grep -qF '<full>' "$h"
	f=$W/r/charts/_b___q____.svg	# st_chart_name: a _ for each byte
	xmllint --noout "$f" "$h"
	[ "$(bars "$f")" -eq 3 ]
	# gnuplot escapes & and <; the BEL became a ?
	grep -qF '<text>&lt;b>&amp;"q'"'"'?é (w01): m0, relative to bare' "$f"
}

@test "scalability steps: aggregate and per-VM against n on a log2 axis" {
	$GEN --out "$W/s" --platforms bare:1,kvm:0.5 --boots 1 --instances 1
	for n in 2 4; do
		$GEN --out "$W/g$n" --platforms kvm:0.5 --boots "$n" \
			--instances 1
		for v in $(seq "$n"); do
			d=$W/s/kvm$n-$v
			mv "$W/g$n/kvm-$v" "$d"
			jq_edit "$d/manifest.json" ".vms = $n | .vm = $v |
				.run = \"$n-$v-kvm\""
			jq_edit "$d/samples.jsonl" ".run = \"$n-$v-kvm\""
		done
	done
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	f=$W/r/charts/scale-i00.svg
	xmllint --noout "$f"
	grep -q '<text>i00: m0 with n VMs</text>' "$f"
	grep -q '<text>(a) aggregate</text>' "$f"
	grep -q '<text>(b) per VM</text>' "$f"
	for x in 1 2 4 8 16 32; do grep -q "<text> $x</text>" "$f"; done
	[ "$(grep -c '<text>kvm</text>' "$f")" -eq 2 ]	# a key per panel
	[ "$(grep -c '^<svg' "$W/r/report.html")" -eq 3 ]
}

@test "gnuplot missing or failing: report fails naming gnuplot, no chart left" {
	study "$W/s"
	mkdir "$W/bin"
	printf '#!/bin/sh\necho >&2\necho "no terminal here" >&2\nexit 1\n' \
		> "$W/bin/gnuplot"
	chmod +x "$W/bin/gnuplot"
	run -1 env PATH="$W/bin:$PATH" "$LAB" report --quiet --out "$W/r" "$W/s"
	[[ "$output" == *"gnuplot: i00.svg: no terminal here"* ]]
	[ -z "$(ls -A "$W/r/charts")" ]
	run -1 env PATH="$W/none" "$LAB" report --quiet --out "$W/r2" "$W/s"
	[[ "$output" == *"gnuplot: not found"* ]]
}

@test "headless chromium draws the bars; without the <svg>s they are gone" {
	command -v chromium >/dev/null || skip "chromium cannot be installed"
	study "$W/s"
	run -0 "$LAB" report --quiet --out "$W/r" "$W/s"
	python3 - "$W/r/report.html" "$W/bare.html" <<-'EOF'
		import re, sys
		page = open(sys.argv[1], encoding="utf-8").read()
		bare = re.sub(r"<svg\b.*?</svg>", "", page, flags=re.S)
		assert bare != page
		open(sys.argv[2], "w", encoding="utf-8").write(bare)
	EOF
	shot "$W/r/report.html" "$W/with.png" || {
		cat "$W/chromium.log" >&2
		false
	}
	shot "$W/bare.html" "$W/without.png"
	count="python3 $REPO/tests/png_count.py"
	with=$($count "$W/with.png" "$BAR_HEX")
	without=$($count "$W/without.png" "$BAR_HEX")
	echo "bar pixels: $with with the charts, $without without" >&2
	# 3 charts x 3 bars, each tens of pixels wide and high
	[ "$with" -gt 20000 ]
	[ "$without" -eq 0 ]
}
