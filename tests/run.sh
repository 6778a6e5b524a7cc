#!/bin/bash
# tests/run.sh [SUITE...] - run the C unit tests and the bats suites one at a
# time (they boot VMs; the machine has 2 cores), print their TAP, and end
# with one line "N passed, N failed".  Exit status 0 only if nothing failed.
# Environment: O (output dir, default out), TWINBENCH_TEST_LOG (a copy of
# everything printed).
set -uo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
export TWINBENCH_O=$(mkdir -p "$O" && cd "$O" && pwd)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit tests/fetch.bats tests/tools.bats tests/runner.bats \
	tests/lab.bats tests/flavours.bats tests/build.bats tests/oltp.bats tests/fileserver.bats tests/boot.bats tests/matrix.bats tests/repro.bats)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

pass=0 fail=0
for s in "${suites[@]}"; do
	echo "# ==== $s"
	out=$(mktemp)
	if [ "$s" = unit ]; then
		make --no-print-directory O="$O" unit > >(tee "$out") 2>&1
	else
		bats --tap "$s" > >(tee "$out") 2>&1
	fi
	rc=$?
	wait
	p=$(grep -cE '^ok [0-9]+' "$out")
	f=$(grep -cE '^not ok [0-9]+' "$out")
	# a suite that failed without a failing test (build error, crash)
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $s exited with status $rc before reporting a failure"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
	cat "$out" >> "$log"
	rm -f "$out"
done
[ -n "${TWINBENCH_TEST_LOG:-}" ] && cp "$log" "$TWINBENCH_TEST_LOG"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
