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

# versions KIND PKG: the versions the lock FILE ($T/lock) pins for PKG
versions() { awk -v k="$1" -v p="$2" '$1 == k && $2 == p {print $3}' "$T/lock" | sort -u; }

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

@test "a src-trixie input is fetched from trixie's sources, and only those" {
	local f
	f=$(first_file src-trixie)
	[ -n "$f" ]
	rm "$T/dl/$f"
	run bash "$FETCH" fetch "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
	cmp "$T/dl/$f" "$DL/$f"
	grep -q " trixie/main $(awk -v f="$f" '$4 == f {print $2}' "$LOCK") " \
		"$T/dl/.apt/fetch.log"
	# trixie's configuration has one line: its sources, no binaries
	run -0 grep -v '^#' "$T/dl/.apt/trixie/sources.list"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "deb-src "*" trixie main" ]]
	# bookworm's has no trixie
	run -1 grep trixie "$T/dl/.apt/sources.list"
}

@test "a corrupted src-trixie input is refused with the file named" {
	local f
	f=$(first_file src-trixie)
	rm "$T/dl/$f" && cp "$DL/$f" "$T/dl/$f" && echo x >> "$T/dl/$f"
	run bash "$FETCH" fetch "$T/lock" "$T/dl"
	[ "$status" -eq 1 ]
	[[ "$output" == "twinbench: $T/dl/$f: sha256 mismatch"* ]]
	run bash "$FETCH" verify "$T/lock" "$T/dl"
	[ "$status" -eq 1 ]
}

@test "an unknown kind in the lock is refused" {
	sed -i '0,/^src-trixie /s//src-sid /' "$T/lock"
	run bash "$FETCH" fetch "$T/lock" "$T/dl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown kind 'src-sid' for "* ]]
}

@test "lock-update re-pins src from bookworm, src-trixie from trixie" {
	[ -n "$(first_file src-trixie)" ]
	run bash "$FETCH" update "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
	# every src package keeps a bookworm version (trixie has newer
	# bzip2, rsync, e2fsprogs...): +debNNuN suffixes are deb12 only
	local v
	for v in $(awk '$1 == "src" {print $3}' "$T/lock"); do
		[[ "$v" != *deb13* ]]
	done
	[ "$(versions src bzip2)" = 1.0.8-5 ]
	[[ "$(versions src rsync)" == 3.2.7-* ]]
	run -1 grep -q '^src-trixie rsync ' "$T/lock"
	[ "$(versions src-trixie netperf)" = "$(awk '$1 == "src-trixie" &&
		$2 == "netperf" {print $3; exit}' "$LOCK")" ]
	[ "$(grep -c '^src-trixie netperf ' "$T/lock")" -eq 2 ]
	run bash "$FETCH" verify "$T/lock" "$T/dl"
	[ "$status" -eq 0 ]
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
