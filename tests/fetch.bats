#!/usr/bin/env bats
# Pinned inputs: fetch, sha256 verification, the lock-update hint, re-pinning.
# Uses copies of the lock and hard-linked copies of dl/; never the real ones.
bats_require_minimum_version 1.5.0
load helper

FETCH=$REPO/image-builder/fetch.sh
LOCK=$REPO/image-builder/inputs.lock

setup_file() {
	make_quiet source
}

setup() {
	T=$BATS_TEST_TMPDIR
	cp -al "$DL" "$T/dl"
	cp "$LOCK" "$T/lock"
}

# first_file KIND: file name of the first lock entry of that kind
first_file() { awk -v k="$1" '$1 == k {print $4; exit}' "$LOCK"; }

@test "verify accepts the pinned inputs" {
	run bash "$FETCH" verify "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
}

@test "a corrupted input stops the build with the file named" {
	local f
	f=$(first_file src)
	rm "$T/dl/$f" && cp "$DL/$f" "$T/dl/$f" && echo x >> "$T/dl/$f"
	run bash "$FETCH" fetch "$T/lock" "$T/dl"
	[ "$status" -eq 1 ]
	[[ "$output" == "twinbench: $T/dl/$f: sha256 mismatch"* ]]
	[ -f "$T/dl/$f" ]	# left for inspection, not deleted
}

@test "a missing input is named when verifying offline" {
	local f
	f=$(first_file bin)
	rm "$T/dl/$f"
	run bash "$FETCH" verify "$T/lock" "$T/dl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$f: missing (run 'make source')"* ]]
}

@test "a missing input is fetched again and verified" {
	local f
	f=$(first_file src)
	rm "$T/dl/$f"
	run bash "$FETCH" fetch "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
	cmp "$T/dl/$f" "$DL/$f"
}

@test "a version gone from the archive says to run make lock-update" {
	sed -i 's/^src bzip2 1\.0\.8-5 /src bzip2 1.0.8-0gone /' "$T/lock"
	rm -f "$T"/dl/bzip2_*
	run bash "$FETCH" fetch "$T/lock" "$T/dl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bzip2 1.0.8-0gone"*"make lock-update"* ]]
}

@test "lock-update re-pins a stale lock to the archive's versions" {
	sed -i 's/^src bzip2 1\.0\.8-5 /src bzip2 1.0.8-0gone /' "$T/lock"
	run bash "$FETCH" update "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
	grep -q '^src bzip2 1\.0\.8-5 bzip2_1\.0\.8-5\.dsc [0-9a-f]\{64\} ' "$T/lock"
	run -1 grep -q 0gone "$T/lock"
	run bash "$FETCH" verify "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
}
