#!/bin/bash
# fetch.sh - fetch and verify the pinned inputs of image-builder/inputs.lock.
#
# usage: fetch.sh fetch  LOCK DL_DIR     fetch what is missing, verify all
#        fetch.sh verify LOCK DL_DIR     verify only (no network)
#        fetch.sh update LOCK DL_DIR     re-pin every package to the version
#                                        Debian's archive has now
#
# Uses the ordinary apt clients with private configurations; the machine's
# own apt sources are never read or changed.  Lock kinds bin and src use
# DL_DIR/.apt (bookworm, bookworm-updates, bookworm-security, with
# deb-src); kind src-trixie uses DL_DIR/.apt/trixie, which has nothing but
# trixie's deb-src (no trixie binary can be fetched).  Two configurations,
# not one: apt-cache showsrc does not say which suite a version is from,
# so with trixie in the bookworm configuration re-pinning a src package
# would pick trixie's newer version.
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

# apt_setup KIND [refresh]: the private apt configuration for lock kind
# KIND (bin and src: bookworm; src-trixie: trixie's sources only) in
# DL_DIR/.apt or DL_DIR/.apt/trixie, its options in APTOPT.  The lists are
# fetched again when asked or when the sources changed since they were.
apt_setup() {
	local kind=$1 a
	case $kind in
	src-trixie) a=$dl/.apt/trixie ;;
	*) a=$dl/.apt ;;
	esac
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	: > "$a/status"
	if [ "$kind" = src-trixie ]; then
		echo "deb-src [signed-by=$KEY] $MIRROR trixie main"
	else
		for s in bookworm bookworm-updates; do
			echo "deb [signed-by=$KEY] $MIRROR $s main"
			echo "deb-src [signed-by=$KEY] $MIRROR $s main"
		done
		echo "deb [signed-by=$KEY] $SECMIRROR bookworm-security main"
		echo "deb-src [signed-by=$KEY] $SECMIRROR bookworm-security main"
	fi > "$a/sources.list.new"
	cmp -s "$a/sources.list.new" "$a/sources.list" || rm -f "$a/lists/.updated"
	mv -f "$a/sources.list.new" "$a/sources.list"
	APTOPT="-o Dir::Etc::SourceList=$a/sources.list
		-o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State=$a -o Dir::State::Lists=$a/lists
		-o Dir::State::status=$a/status -o Dir::Cache=$a/cache
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root
		-o Acquire::Languages=none -q"
	if [ ! -e "$a/lists/.updated" ] || [ "${2:-}" = refresh ]; then
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
	apt_setup "$1"
	get_pkg "$@" || { apt_setup "$1" refresh; get_pkg "$@"; }
}

# check_kind KIND PKG: the lock's kinds (see its header)
check_kind() {
	case $1 in
	bin | src | src-trixie) ;;
	*) die "$lock: unknown kind '$1' for '$2' (bin, src or src-trixie)" ;;
	esac
}

do_fetch() {
	entries | while read -r kind pkg ver file sha lic; do
		[ -n "$lic" ] || die "$lock: malformed line for '$pkg'"
		check_kind "$kind" "$pkg"
		if ! verify_file "$file" "$sha"; then
			echo "  FETCH   $pkg $ver ($kind)"
			fetch_pkg "$kind" "$pkg" "$ver" || [ "$kind" != bin ] ||
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

# src_files PKG VERSION: "sha256 file" of each file of that source version
src_files() {
	# shellcheck disable=SC2086
	apt-cache $APTOPT showsrc "$1" | awk -v v="$2" '
		/^Package:/ { cur = "" } /^Version:/ { cur = $2 }
		/^Checksums-Sha256:/ { on = (cur == v); next }
		/^[^ ]/ { on = 0 } on { print $1, $3 }' | sort -u -k2,2
}

# upstream_served PKG VERSION: 0 if every upstream tarball of that version
# (*.orig.tar.*, *.orig-NAME.tar.*; a native package's *.tar.*; not their
# signatures) is in $dl, i.e. the archive served it
upstream_served() {
	local up
	up=$(src_files "$1" "$2" | awk '$2 !~ /\.asc$/ { print $2 }' |
		grep -E '\.orig(-[^.]+)?\.tar\.[a-z0-9]+$') ||
		up=$(src_files "$1" "$2" | awk '$2 !~ /\.asc$/ { print $2 }' |
			grep -E '\.tar\.[a-z0-9]+$') || return 1
	for f in $up; do
		[ -f "$dl/$f" ] || return 1
	done
}

# repin_src KIND PKG LIC: the newest version of source package PKG in the
# suites of KIND's apt configuration (src: bookworm and its updates and
# security suites; src-trixie: trixie) whose upstream tarballs the archive
# serves (a mirror may list a version, e.g. a security update, without
# serving its files: then the next older one), a lock line per file
repin_src() {
	local kind=$1 ver="" v
	shift
	apt_setup "$kind"
	# shellcheck disable=SC2086
	for v in $(apt-cache $APTOPT showsrc "$1" | sed -n 's/^Version: //p' |
			sort -u -V -r); do
		# shellcheck disable=SC2086
		(cd "$dl" && apt-get $APTOPT source --download-only "$1=$v" \
			>>"$dl/.apt/fetch.log" 2>&1) ||
			echo "twinbench: $1 $v: some files could not be fetched" >&2
		if upstream_served "$1" "$v"; then
			ver=$v
			break
		fi
		echo "twinbench: $1 $v: upstream tarball not served by the archive, trying an older version" >&2
	done
	[ -n "$ver" ] || die "$1: no source version in the archive whose files it serves ($kind)"
	# A file the archive lists but does not serve (it happens: dbench's
	# debian tarball) is left out if the lock did not pin it either.
	src_files "$1" "$ver" | while read -r s f; do
		if [ ! -f "$dl/$f" ]; then
			! entries | awk -v f="$f" '$4 == f {found = 1} END {exit !found}' ||
				die "$dl/$f: pinned but not fetched; see $dl/.apt/fetch.log"
			echo "twinbench: $f: not served by the archive, left out" >&2
			continue
		fi
		[ "$(sha_of "$dl/$f")" = "$s" ] || die "$dl/$f: sha256 differs from the archive's"
		echo "$kind $1 $ver $f $s $2"
	done
}

do_update() {
	apt_setup bin refresh
	if entries | awk '$1 == "src-trixie" {f = 1} END {exit !f}'; then
		apt_setup src-trixie refresh
	fi
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	# comments stay where they are; each package's lines are replaced
	# where its first line was
	awk '/^[[:space:]]*(#|$)/ { print "C " $0; next }
		{ k = $1 " " $2 " " $6 } k != last { print "P " k; last = k }' \
		"$lock" | while IFS= read -r line; do
		case $line in
		"C "*) printf '%s\n' "${line#C }"; continue ;;
		esac
		read -r _ kind pkg lic <<<"$line"
		check_kind "$kind" "$pkg"
		if [ "$kind" = bin ]; then
			apt_setup bin
			repin_bin "$pkg" "$lic"
		else
			repin_src "$kind" "$pkg" "$lic"
		fi
	done > "$tmp"
	cat "$tmp" > "$lock"
	echo "twinbench: $lock re-pinned; review 'git diff $lock'"
}

case $cmd in
fetch) do_fetch; do_verify ;;
verify) do_verify ;;
update) do_update ;;
*) die "unknown command '$cmd'" ;;
esac
