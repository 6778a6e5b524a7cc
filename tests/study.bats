#!/usr/bin/env bats
# The study end to end: a smoke run in QEMU (TCG) and one in container mode
# on the build host from the same build, reported together with the host
# as the baseline: the identical-bits check passes on real manifests, the
# kernels differ (shown), every benchmark has a relative on both.
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	make_quiet guest lab
}

@test "end to end: smoke in QEMU and on the build host, one report" {
	W=$BATS_TEST_TMPDIR
	cp --sparse=always "$O/guest/disk.img" "$W/disk.img"
	export TWINBENCH_KVM_CACHE=$W/kvm-probe TMPDIR=$W
	run -0 timeout 900 "$LAB" run --profile smoke --label qemu \
		--accel tcg --timeout 800 --out "$W/runs" "$W/disk.img"
	run -0 timeout 300 "$B/appliance/twinbench" run --results "$W/host" \
		--profile smoke --profiles-dir "$REPO/profiles" \
		--bindir "$B/tools" --label host
	run -0 "$LAB" report --baseline host --out "$W/r" "$W/runs" "$W/host"
	# the same binaries on both: no refusal, no banner about bits
	! grep -q 'MIXED' "$W/r/report.md"
	grep -q 'kernels differ' "$W/r/report.md"
	jq -e '.platforms | map(.name) == ["host", "qemu"]' "$W/r/report.json"
	jq -e '.platforms[1].hypervisor | startswith("tcg")' "$W/r/report.json"
	jq -e '.platforms[0].mode | startswith("container")' "$W/r/report.json"
	# every instance of smoke has its headline relative on the guest
	for i in compress seqio-copy seqio-zero oltp fileserver build; do
		jq -e --arg i "$i" '[.rows[] | select(.platform == "qemu" and
			.instance == $i and .headline and .relative > 0)] |
			length == 1' "$W/r/report.json"
	done
	[ -s "$W/r/report.html" ]
	[ -s "$W/r/charts/summary.svg" ]
	[[ "$output" == *"report: $W/r/report.html"* ]]
}
