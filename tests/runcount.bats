#!/usr/bin/env bats
# tests/run.sh's counting: skips are not passes, every test of a plan that
# never reported is a failure, several TAP streams in one suite (make unit).
# Feeds run.sh tiny fake suites written into the test's temporary directory.
bats_require_minimum_version 1.5.0
load helper

setup() {
	T=$BATS_TEST_TMPDIR
}

# runsh SUITE...: run tests/run.sh on the suites, output dir in $T
runsh() {
	run env O="$T/out" bash "$REPO/tests/run.sh" "$@"
}

# last_line: the last line of $output
last_line() { printf '%s\n' "$output" | tail -n 1; }

# fake NAME: write the bats file $T/NAME from stdin, where a test is written
# "TEST name { ... }" (a literal @test here would be a test of this file)
fake() { sed 's/^[[:blank:]]*TEST /@test /' > "$T/$1"; }

# tap NAME LINE...: an executable suite printing the lines (and exit status
# $TAP_RC, default 0)
tap() {
	local f=$T/$1
	shift
	{
		echo '#!/bin/sh'
		printf "echo '%s'\n" "$@"
		echo "exit ${TAP_RC:-0}"
	} > "$f"
	chmod +x "$f"
}

@test "a skip is counted as skipped, not passed" {
	fake skip.bats <<-'EOF'
		TEST "passes" { true; }
		TEST "skips" { skip "not here"; }
		TEST "skips too" { skip; }
		TEST "passes too" { true; }
	EOF
	runsh "$T/skip.bats"
	[ "$status" -eq 0 ]
	[ "$(last_line)" = "2 passed, 0 failed, 2 skipped" ]
}

@test "passes, failures and skips of two suites add up" {
	fake a.bats <<-'EOF'
		TEST "passes" { true; }
		TEST "fails" { false; }
		TEST "skips" { skip; }
	EOF
	echo 'TEST "passes" { true; }' | fake b.bats
	runsh "$T/a.bats" "$T/b.bats"
	[ "$status" -eq 1 ]
	[ "$(last_line)" = "2 passed, 1 failed, 1 skipped" ]
	[[ "$output" == *"# $T/a.bats: 1 passed, 1 failed, 1 skipped"* ]]
}

@test "a failing setup_file fails every test of the plan" {
	fake setup.bats <<-'EOF'
		setup_file() { false; }
		TEST "one" { true; }
		TEST "two" { true; }
		TEST "three" { true; }
	EOF
	TWINBENCH_TEST_LOG=$T/log runsh "$T/setup.bats"
	[ "$status" -eq 1 ]
	[ "$(last_line)" = "0 passed, 3 failed, 0 skipped" ]
	local want="not ok - $T/setup.bats: test 2..3 never reported (plan 1..3)"
	[[ "$output" == *"$want"* ]]
	grep -qxF "$want" "$T/log"
}

@test "a bats suite killed mid-plan fails the tests it never ran" {
	fake killed.bats <<-'EOF'
		TEST "one" { true; }
		TEST "kills the runner" { kill -KILL "$PPID"; }
		TEST "three" { true; }
		TEST "four" { true; }
	EOF
	runsh "$T/killed.bats"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/killed.bats: test 3..4 never reported (plan 1..4)"* ]]
	[[ "$(last_line)" == *" passed, 2 failed, 0 skipped" ]]
}

@test "a TAP program that exits mid-plan fails the tests it never ran" {
	TAP_RC=1 tap stops 1..20 'ok 1 - a' 'ok 2 - b' 'not ok 3 - c' 'ok 5 - e'
	runsh "$T/stops"
	[ "$status" -eq 1 ]
	[ "$(last_line)" = "3 passed, 17 failed, 0 skipped" ]
	[[ "$output" == *"$T/stops: test 4 never reported (plan 1..20)"* ]]
	[[ "$output" == *"$T/stops: test 6..20 never reported (plan 1..20)"* ]]
}

@test "several TAP programs with plans at the end, as make unit runs them" {
	tap unit '# one' 'ok 1 - a' 'ok 2 - b' 1..2 \
		'# two' 'ok 1 - a' 'ok 2 - b # SKIP no disk' 'ok 3 - c' 1..3 \
		'# three' 'ok 1 - a' 'not ok 2 - b' 1..2
	runsh "$T/unit"
	[ "$status" -eq 1 ]
	[ "$(last_line)" = "5 passed, 1 failed, 1 skipped" ]
	tap unit-ok '# one' 'ok 1 - a' 1..1 '# two' 'ok 1 - a' 'ok 2 - b' 1..2
	runsh "$T/unit-ok"
	[ "$status" -eq 0 ]
	[ "$(last_line)" = "3 passed, 0 failed, 0 skipped" ]
}

@test "a TAP program that dies before its plan is one failure" {
	TAP_RC=1 tap crash '# one' 'ok 1 - a' 1..1 '# two' 'ok 1 - a' 'ok 2 - b' \
		'# three' 'ok 1 - a' 'not ok 2 - b' 1..2
	runsh "$T/crash"
	[ "$status" -eq 1 ]
	[ "$(last_line)" = "4 passed, 2 failed, 0 skipped" ]
	[[ "$output" == *"$T/crash: TAP stops after test 2 without a plan"* ]]
}

@test "a suite with no plan that exits non-zero is one failure" {
	TAP_RC=2 tap noplan 'make: *** [unit] Error 1'
	runsh "$T/noplan"
	[ "$status" -eq 1 ]
	[ "$(last_line)" = "0 passed, 1 failed, 0 skipped" ]
	[[ "$output" == *"$T/noplan: exited with status 2 before reporting"* ]]
}

@test "a relative suite path is taken from the current directory" {
	echo 'TEST "passes" { true; }' | fake rel.bats
	cd "$T"
	runsh rel.bats
	[ "$status" -eq 0 ]
	[ "$(last_line)" = "1 passed, 0 failed, 0 skipped" ]
}
