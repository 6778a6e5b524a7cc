#!/bin/sh
# build-make-dfsg.sh - the pinned GNU make as one static musl binary.
#
# usage: build-make-dfsg.sh DSC SRCDIR BUILDDIR OUT
#
# Unpacks DSC (Debian's patches applied) into SRCDIR, regenerates the
# autotools files there as Debian's own build does (dh --with autoreconf:
# the dfsg tarball ships no configure script), configures and builds out of
# tree in BUILDDIR, checks the result on a small parallel makefile and
# writes the stripped binary to OUT.  Everything is redone from scratch;
# the log is BUILDDIR/build.log.  Needs autoconf, automake and autopoint
# (image-builder/deps.sh).
#
# Options as in debian/rules (no Guile, getloadavg without libutil), plus
# --disable-nls: the appliance has no message catalogues.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 4 ] || die "usage: build-make-dfsg.sh DSC SRCDIR BUILDDIR OUT"
tools_start make-dfsg "$1" "$2" "$3" "$4"
CC=${MUSL_CC:-musl-gcc}
# gcc would add these to its search paths
unset CPATH C_INCLUDE_PATH LIBRARY_PATH
for t in autoreconf automake autopoint; do
	command -v "$t" >/dev/null ||
		die "make-dfsg: $t is missing (run 'make deps')"
done

tools_unpack

step AUTOGEN "$SRC_ARG (autoreconf -fi)"
(cd "$SRC" && run autoreconf -fi)

step CONFIG "make ($CC -static)"
cd "$BLD"
run env CC="$CC" CFLAGS="-O2 -g0 $MAP" LDFLAGS=-static \
	ac_cv_lib_util_getloadavg=no \
	"$SRC/configure" --prefix=/usr --without-guile --disable-nls \
	--disable-dependency-tracking

step MAKE "make"
# shellcheck disable=SC2086
run $MAKE $JOBS -C "$BLD" all

# a makefile of 8 independent targets and one that needs them all, run
# with -j4: every target is made once and the result is in order
make_check() {
	d=$BLD/check
	rm -rf "$d" && mkdir -p "$d"
	# shellcheck disable=SC2016 # make's $ signs
	printf '%s\n' 'N := 1 2 3 4 5 6 7 8' \
		'all: $(N:%=t%)' '	cat $^ > $@.out' \
		't%:' '	echo $* > $@' >"$d/Makefile"
	MAKEFLAGS='' MAKELEVEL='' "$BLD/make" -s -j4 -C "$d" all &&
		[ "$(tr -d '\n' <"$d/all.out")" = 12345678 ] &&
		MAKEFLAGS='' MAKELEVEL='' "$BLD/make" -q -C "$d" t1 &&
		"$BLD/make" --version | grep -q "^GNU Make 4\.3$"
}
step CHECK "make -j4 on a small makefile"
run make_check

tools_install "$BLD/make"
