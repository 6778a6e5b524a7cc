#!/bin/sh
# build-dbench.sh - the pinned dbench as one static musl binary, linked
# with the pinned popt (both Debian source packages).
#
# usage: build-dbench.sh POPT_DSC DBENCH_DSC SRCROOT BUILDROOT OUT
#
# popt: unpacked with dpkg-source (Debian's patches applied) into
# SRCROOT/popt_<version>, configured in BUILDROOT/popt (out of tree) as a
# static library only; its own test suite must pass.  Without iconv
# (am_cv_func_iconv=no): popt would only use it to convert its help text
# from UTF-8 to the locale's charset, and dbench never sets a locale and
# prints ASCII; musl's iconv tables would add 150 KB to the binary.
# (Both of configure's iconv checks are answered through their cache
# variables.)
#
# dbench: upstream ships configure.in but no configure; like Debian's
# build we generate it with autoconf (into the build directory, the source
# tree stays as unpacked), configure in BUILDROOT/dbench with
# --srcdir and build only the dbench program (not tbench).  The Debian
# archive mirror serves dbench_4.0-2.1.dsc and the orig tarball but not
# its debian.tar.xz, so when that file is not next to the .dsc the orig
# tarball is unpacked alone (after checking its sha256 against the .dsc).
# Debian's 4.0-2.1 changes only its packaging (changelog: debhelper 12,
# dh, source format 3.0), so the program is the same.  The source is not
# changed: image-builder/dbench/keepbuf.h is forced into every file
# (-include) to route dbench's malloc/calloc/free through keepbuf.c, which
# says why (CC carries the -include at make time only, so configure's
# checks see plain libc).  A one-client, two-second run must report a
# throughput.  Everything is redone from scratch; the logs are
# BUILDROOT/{popt,dbench}/build.log.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd -P)

[ $# -eq 5 ] ||
	die "usage: build-dbench.sh POPT_DSC DBENCH_DSC SRCROOT BUILDROOT OUT"
MCC=${MUSL_CC:-musl-gcc}
SRCROOT=$3 BUILDROOT=$4 FINAL=$5

# dsc_name DSC: SRCROOT subdirectory for a .dsc (foo_1.0-1.dsc -> foo_1.0-1)
dsc_name() { basename "$1" .dsc; }

# dsc_file DSC SUFFIX: the file of DSC whose name ends in SUFFIX
dsc_file() {
	awk -v s="$2" '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 }
		on && substr($3, length($3) - length(s) + 1) == s {
			print $3 }' "$1" | head -n 1
}

# dsc_sha DSC FILE: the sha256 the .dsc gives for FILE
dsc_sha() {
	awk -v f="$2" '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 }
		on && $3 == f { print $1 }' "$1"
}

build_popt() {
	tools_start popt "$1" "$SRCROOT/$(dsc_name "$1")" "$BUILDROOT/popt" \
		"$FINAL"
	tools_unpack
	step CONFIG "popt ($MCC, static library)"
	cd "$BLD"
	run env CC="$MCC" CFLAGS="-O2 -g0 $MAP" "$SRC/configure" \
		--disable-shared --enable-static --disable-nls --disable-rpath \
		ac_cv_func_iconv=no am_cv_func_iconv=no
	step MAKE "popt"
	# shellcheck disable=SC2086
	run $MAKE $JOBS -C src libpopt.la
	step CHECK "popt test suite"
	# shellcheck disable=SC2086
	run $MAKE $JOBS check
	[ -f "$BLD/src/.libs/libpopt.a" ] || die "popt: no libpopt.a built"
}

# unpack_dbench: dpkg-source when the Debian tarball is there, else the
# verified orig tarball alone (see the header)
unpack_dbench() {
	deb=$(dsc_file "$DSC" .debian.tar.xz)
	orig=$(dsc_file "$DSC" .orig.tar.gz)
	[ -n "$orig" ] || die "$DSC: no orig tarball listed"
	if [ -n "$deb" ] && [ -f "$(dirname "$DSC")/$deb" ]; then
		tools_unpack
		return
	fi
	step UNPACK "$SRC_ARG (orig tarball; $deb not available)"
	echo "+ $deb is not available: unpacking $orig alone" >>"$LOG"
	sum=$(sha256sum "$(dirname "$DSC")/$orig" | cut -d' ' -f1)
	[ "$sum" = "$(dsc_sha "$DSC" "$orig")" ] ||
		die "$orig: sha256 differs from $(basename "$DSC")"
	mkdir -p "$SRC"
	run tar -xzf "$(dirname "$DSC")/$orig" -C "$SRC" --strip-components=1
}

# smoke_check: one client for two seconds on the build directory
smoke_check() {
	rm -rf "$BLD/check" && mkdir "$BLD/check"
	"$BLD/dbench" -t 2 -D "$BLD/check" -c "$SRC/client.txt" 1 \
		>"$BLD/check.out" 2>&1 || return 1
	rm -rf "$BLD/check"
	grep -q '^Throughput [1-9][0-9.]* MB/sec  1 clients ' "$BLD/check.out"
}

build_dbench() {
	tools_start dbench "$1" "$SRCROOT/$(dsc_name "$1")" \
		"$BUILDROOT/dbench" "$FINAL"
	unpack_dbench
	step CONFIG "dbench ($MCC -static)"
	cd "$BLD"
	run autoconf -o "$BLD/configure" "$SRC/configure.in"
	run env CC="$MCC" CFLAGS="-O2 -g0 $MAP -I$POPT_INC" \
		sh "$BLD/configure" --srcdir="$SRC" --prefix=/usr \
		--datadir=/usr/share/dbench
	step MAKE "dbench"
	cp "$HERE/dbench/keepbuf.c" "$HERE/dbench/keepbuf.h" "$BLD/"
	run "$MCC" -O2 -g0 $MAP -c "$BLD/keepbuf.c" -o "$BLD/keepbuf.o"
	# LIBS replaces the Makefile's "@LIBS@ -lpopt": static, our popt
	# shellcheck disable=SC2086
	run $MAKE $JOBS dbench CC="$MCC -include $BLD/keepbuf.h" LIBS="-static $BLD/keepbuf.o -L$POPT_LIB -lpopt"
	step CHECK "dbench 1 client, 2 s"
	run smoke_check
	run sh -c "'$BLD/dbench' --help | grep -q '^dbench version 4.00 '"
	tools_install "$BLD/dbench"
}

# each in a subshell: they cd into their build directories
(build_popt "$1")
POPT_INC=$(abs "$SRCROOT/$(dsc_name "$1")")/src
POPT_LIB=$(abs "$BUILDROOT/popt")/src/.libs
(build_dbench "$2")
