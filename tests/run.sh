#!/bin/bash
# tests/run.sh [SUITE...] - run the C unit tests and the bats suites one at a
# time (they boot VMs; the machine has 2 cores), print their TAP, and end
# with one line "N passed, N failed, N skipped".  Exit status 0 only if
# nothing failed.
#
# A SUITE is "unit" (make unit), a .bats file, or any other executable that
# prints TAP.  A relative path is taken from the current directory if it is
# there, else from the top of the repository.
#
# Counting: "ok N" is a pass, "ok N # skip" a skip (not a pass), "not ok N"
# a failure.  Every test a plan ("1..N", before or after its tests) promises
# that never reported is a failure too, and so is TAP that stops without a
# plan.  Output may hold several TAP streams one after another (make unit
# runs one program per file): a plan after tests, or "ok 1" after tests,
# starts the next one.  A suite that exits non-zero with no failure counted
# is one failure.  Lines starting "not ok - SUITE:" name what was added.
#
# Environment: O (output dir, default out), TWINBENCH_TEST_LOG (a copy of
# everything printed).
set -uo pipefail
here=$PWD
cd "$(dirname "$0")/.."
top=$PWD
O=${O:-out}
export TWINBENCH_O=$(mkdir -p "$O" && cd "$O" && pwd)
suites=()
for s in "$@"; do
	case $s in
	unit | /*) ;;
	*) [ "$here" != "$top" ] && [ -e "$here/$s" ] && s=$here/$s ;;
	esac
	suites+=("$s")
done
[ ${#suites[@]} -gt 0 ] || suites=(unit tests/runcount.bats tests/fetch.bats \
	tests/tools.bats tests/runner.bats tests/lab.bats tests/flavours.bats \
	tests/build.bats tests/oltp.bats tests/fileserver.bats \
	tests/report.bats tests/report_html.bats tests/study.bats \
	tests/peer.bats tests/net.bats tests/netlab.bats \
	tests/boot.bats tests/matrix.bats tests/repro.bats)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# count_tap SUITE RC FILE: print "not ok - SUITE: ..." for what FILE's TAP
# leaves out, then a last line "PASSED FAILED SKIPPED".
count_tap() {
	awk -v suite="$1" -v rc="$2" '
	function add(msg) { printf "not ok - %s: %s\n", suite, msg }
	function missing(a, b) {
		add(sprintf("test %s never reported (plan 1..%d)",
			a == b ? a : a ".." b, plan))
		f += b - a + 1
	}
	function close_stream(   k, a) {
		if (plan >= 0) {
			for (k = 1; k <= plan + 1; k++) {
				if (k <= plan && !(k in seen)) {
					if (!a)
						a = k
				} else if (a) {
					missing(a, k - 1)
					a = 0
				}
			}
		} else if (ntests) {
			add(sprintf("TAP stops after test %d without a plan",
				last))
			f++
		}
		split("", seen)
		plan = -1
		ntests = 0
	}
	BEGIN { plan = -1 }
	/^1\.\.[0-9]+/ {
		if (plan >= 0)
			close_stream()
		sub(/^1\.\./, "")
		plan = $0 + 0
		if (ntests)	# a plan after its tests ends the stream
			close_stream()
		next
	}
	/^(not )?ok [0-9]+/ {
		k = $1 == "ok" ? $2 + 0 : $3 + 0
		if (k == 1 && ntests)
			close_stream()
		if ($1 == "not")
			f++
		else if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
			s++
		else
			p++
		seen[k] = 1
		ntests++
		last = k
	}
	END {
		close_stream()
		if (rc != 0 && f == 0) {
			add(sprintf("exited with status %d before reporting " \
				"a failure", rc))
			f = 1
		}
		printf "%d %d %d\n", p, f, s
	}' "$3"
}

pass=0 fail=0 skip=0
for s in "${suites[@]}"; do
	echo "# ==== $s"
	out=$(mktemp)
	# a pipeline, not "> >(tee ...)": the count must wait for tee to finish
	if [ "$s" = unit ]; then
		make --no-print-directory O="$O" unit 2>&1 | tee "$out"
	elif [[ $s != *.bats && -x $s ]]; then
		"$s" 2>&1 | tee "$out"
	else
		bats --tap "$s" 2>&1 | tee "$out"
	fi
	rc=${PIPESTATUS[0]}
	counts=$(count_tap "$s" "$rc" "$out")
	sed '$d' <<< "$counts" | tee -a "$out"
	read -r p f sk <<< "$(tail -n 1 <<< "$counts")"
	echo "# $s: $p passed, $f failed, $sk skipped" | tee -a "$out"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + sk))
	cat "$out" >> "$log"
	rm -f "$out"
done
[ -n "${TWINBENCH_TEST_LOG:-}" ] && cp "$log" "$TWINBENCH_TEST_LOG"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
