#!/bin/bash
# fetch.sh - fetch and verify the pinned inputs of image-builder/inputs.lock.
#
# usage: fetch.sh fetch  LOCK DL_DIR     fetch what is missing, verify all
#        fetch.sh verify LOCK DL_DIR     verify only (no network)
#        fetch.sh update LOCK DL_DIR     re-pin every package to the version
#                                        Debian's archive has now
#
# Uses the ordinary apt clients with a private configuration under
# DL_DIR/.apt (bookworm, bookworm-updates, bookworm-security, with deb-src);
# the machine's own apt sources are never read or changed.
set -euo pipefail

die() { echo "twinbench: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: fetch.sh fetch|verify|update LOCK DL_DIR"
cmd=$1 lock=$2 dl=$3
[ -r "$lock" ] || die "$lock: cannot read"
mkdir -p "$dl"
dl=$(cd "$dl" && pwd)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECMIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEY=/usr/share/keyrings/debian-archive-keyring.gpg

apt_setup() {
	a=$dl/.apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	: > "$a/status"
	{
		for s in bookworm bookworm-updates; do
			echo "deb [signed-by=$KEY] $MIRROR $s main"
			echo "deb-src [signed-by=$KEY] $MIRROR $s main"
		done
		echo "deb [signed-by=$KEY] $SECMIRROR bookworm-security main"
		echo "deb-src [signed-by=$KEY] $SECMIRROR bookworm-security main"
	} > "$a/sources.list"
	APTOPT="-o Dir::Etc::SourceList=$a/sources.list
		-o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State=$a -o Dir::State::Lists=$a/lists
		-o Dir::State::status=$a/status -o Dir::Cache=$a/cache
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root
		-o Acquire::Languages=none -q"
	if [ ! -e "$a/lists/.updated" ] || [ "${1:-}" = refresh ]; then
		# shellcheck disable=SC2086
		apt-get $APTOPT update >"$a/update.log" 2>&1 ||
			die "apt-get update failed (see $a/update.log)"
		touch "$a/lists/.updated"
	fi
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# verify_line FILE SHA: 0 ok, 1 missing, dies on mismatch
verify_file() {
	[ -e "$dl/$1" ] || return 1
	got=$(sha_of "$dl/$1")
	[ "$got" = "$2" ] ||
		die "$dl/$1: sha256 mismatch (expected $2, got $got); delete it to re-fetch"
}

entries() { grep -v '^[[:space:]]*#' "$lock" | grep -v '^[[:space:]]*$'; }

# get_pkg KIND PKG VERSION: apt-get download / source --download-only
get_pkg() {
	(
		cd "$dl"
		# shellcheck disable=SC2086
		if [ "$1" = bin ]; then
			apt-get $APTOPT download "$2=$3"
		else
			apt-get $APTOPT source --download-only "$2=$3"
		fi
	) >"$dl/.apt/fetch.log" 2>&1
}

# fetch_pkg KIND PKG VERSION: 0 if apt-get fetched everything.  A source
# package may fail only for a file the archive lists but does not serve
# (dbench's debian tarball); the caller checks the pinned file itself.
fetch_pkg() {
	apt_setup
	get_pkg "$@" || { apt_setup refresh; get_pkg "$@"; }
}

do_fetch() {
	entries | while read -r kind pkg ver file sha lic; do
		[ -n "$lic" ] || die "$lock: malformed line for '$pkg'"
		if ! verify_file "$file" "$sha"; then
			echo "  FETCH   $pkg $ver ($kind)"
			fetch_pkg "$kind" "$pkg" "$ver" || [ "$kind" = src ] ||
				gone "$kind" "$pkg" "$ver"
			verify_file "$file" "$sha" || gone "$kind" "$pkg" "$ver" "$file"
		fi
	done
}

gone() { # kind pkg version [file]
	die "$2 $3 ($1)${4:+: $4} is no longer in Debian's archive or could not be fetched (see $dl/.apt/fetch.log); run 'make lock-update' to re-pin"
}

do_verify() {
	entries | while read -r kind pkg ver file sha lic; do
		verify_file "$file" "$sha" ||
			die "$dl/$file: missing (run 'make source')"
	done
}

# Re-pin: newest version of each package; the kernel follows the
# linux-image-amd64 metapackage so its ABI name can move too.  The lock is
# replaced only when every package was re-pinned and fetched.
debfile() { # pkg version: the file name apt-get download gives
	local arch
	# shellcheck disable=SC2086
	arch=$(apt-cache $APTOPT show "$1=$2" | sed -n 's/^Architecture: //p' | head -1)
	echo "${1}_${2//:/%3a}_${arch}.deb"
}

repin_bin() { # pkg lic
	local pkg=$1 ver f
	case $pkg in
	linux-image-*-amd64)
		# shellcheck disable=SC2086
		pkg=$(apt-cache $APTOPT depends linux-image-amd64 |
			sed -n 's/^ *Depends: \(linux-image-6[^ ]*\)$/\1/p' | head -1)
		[ -n "$pkg" ] || die "linux-image-amd64: no kernel dependency found" ;;
	esac
	# shellcheck disable=SC2086
	ver=$(apt-cache $APTOPT policy "$pkg" | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "$pkg: not in the archive"
	# shellcheck disable=SC2086
	(cd "$dl" && apt-get $APTOPT download "$pkg=$ver" >/dev/null 2>&1) ||
		die "$pkg $ver: download failed"
	f=$(debfile "$pkg" "$ver")
	[ -f "$dl/$f" ] || die "$dl/$f: not produced by apt-get download"
	echo "bin $pkg $ver $f $(sha_of "$dl/$f") $2"
}

repin_src() { # pkg lic
	local ver
	# shellcheck disable=SC2086
	ver=$(apt-cache $APTOPT showsrc "$1" | sed -n 's/^Version: //p' |
		sort -V | tail -1)
	[ -n "$ver" ] || die "$1: no source package in the archive"
	# A file the archive lists but does not serve (it happens: dbench's
	# debian tarball) is left out if the lock did not pin it either.
	# shellcheck disable=SC2086
	(cd "$dl" && apt-get $APTOPT source --download-only "$1=$ver" >/dev/null 2>&1) ||
		echo "twinbench: $1 $ver: some files could not be fetched" >&2
	# shellcheck disable=SC2086
	apt-cache $APTOPT showsrc "$1" | awk -v v="$ver" '
		/^Package:/ { cur = "" } /^Version:/ { cur = $2 }
		/^Checksums-Sha256:/ { on = (cur == v); next }
		/^[^ ]/ { on = 0 } on { print $1, $3 }' | sort -u -k2,2 |
	while read -r s f; do
		if [ ! -f "$dl/$f" ]; then
			! entries | awk -v f="$f" '$4 == f {found = 1} END {exit !found}' ||
				die "$dl/$f: pinned but not fetched; see $dl/.apt/fetch.log"
			echo "twinbench: $f: not served by the archive, left out" >&2
			continue
		fi
		[ "$(sha_of "$dl/$f")" = "$s" ] || die "$dl/$f: sha256 differs from the archive's"
		echo "src $1 $ver $f $s $2"
	done
}

do_update() {
	apt_setup refresh
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	grep '^#' "$lock" > "$tmp"
	entries | awk '{print $1, $2, $6}' | uniq | while read -r kind pkg lic; do
		if [ "$kind" = bin ]; then repin_bin "$pkg" "$lic"
		else repin_src "$pkg" "$lic"; fi
	done >> "$tmp"
	cat "$tmp" > "$lock"
	echo "twinbench: $lock re-pinned; review 'git diff $lock'"
}

case $cmd in
fetch) do_fetch; do_verify ;;
verify) do_verify ;;
update) do_update ;;
*) die "unknown command '$cmd'" ;;
esac
