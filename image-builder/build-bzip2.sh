#!/bin/sh
# build-bzip2.sh - the pinned bzip2 as one static musl binary.
#
# usage: build-bzip2.sh DSC SRCDIR BUILDDIR OUT
#
# Unpacks DSC (Debian's patches applied) into SRCDIR, builds in a copy of
# the tree in BUILDDIR (bzip2 has a plain Makefile, no out-of-tree mode),
# checks the result against upstream's sample files and writes the stripped
# binary to OUT.  Everything is redone from scratch; the log is
# BUILDDIR/build.log.
#
# Debian's Makefile links bzip2 against libbz2.so; we only let it compile
# libbz2.a and bzip2.o and link those ourselves, statically.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 4 ] || die "usage: build-bzip2.sh DSC SRCDIR BUILDDIR OUT"
tools_start bzip2 "$1" "$2" "$3" "$4"
CC=${MUSL_CC:-musl-gcc}
CFLAGS="-O2 -g0 -Wall -Winline -D_FILE_OFFSET_BITS=64 $MAP"

tools_unpack
cp -R "$SRC/." "$BLD/"

step MAKE "bzip2 ($CC -static)"
# shellcheck disable=SC2086
run $MAKE $JOBS -C "$BLD" CC="$CC" CFLAGS="$CFLAGS" libbz2.a bzip2.o
run "$CC" -static -o "$BLD/bzip2" "$BLD/bzip2.o" "$BLD/libbz2.a"

# upstream's own test: exact outputs for levels 1-3, and their decoding
sample_check() { # LEVEL
	"$BLD/bzip2" -"$1" <"$BLD/sample$1.ref" | cmp - "$BLD/sample$1.bz2" &&
		"$BLD/bzip2" -d <"$BLD/sample$1.bz2" | cmp - "$BLD/sample$1.ref"
}
step CHECK "bzip2 sample1-3"
for i in 1 2 3; do
	run sample_check "$i"
done

tools_install "$BLD/bzip2"
