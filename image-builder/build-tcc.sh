#!/bin/sh
# build-tcc.sh - the pinned Tiny C Compiler as one static musl binary, and
# the directory it compiles and links against (its "-B" directory).
#
# usage: build-tcc.sh DSC SRCDIR BUILDDIR OUT CCDIR MUSLDEB
#
# Unpacks DSC (Debian's patches applied) into SRCDIR, configures and builds
# tcc and its runtime libtcc1.a out of tree in BUILDDIR, writes the stripped
# tcc to OUT and fills CCDIR (emptied first; CCDIR/.stamp is written last):
#   CCDIR/include/       tcc's own headers (stddef.h, stdarg.h, float.h...)
#   CCDIR/libtcc1.a      tcc's runtime library
#   CCDIR/musl/include/  the C library headers  } from MUSLDEB, the pinned
#   CCDIR/musl/lib/      libc.a, crt*.o ...     } musl-dev package
# The appliance has CCDIR at /usr/lib/twinbench-cc, which is compiled into
# tcc as its default directory; every other path tcc searches is relative
# to that directory ({B}), so `tcc -B CCDIR` works wherever CCDIR is (the
# build host, container mode).  Everything is redone from scratch; the log
# is BUILDDIR/build.log.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 6 ] ||
	die "usage: build-tcc.sh DSC SRCDIR BUILDDIR OUT CCDIR MUSLDEB"
[ -r "$6" ] || die "$6: missing (run 'make source')"
MUSLDEB=$(cd "$(dirname "$6")" && pwd -P)/$(basename "$6")
CCDIR_ARG=$5
tools_start tcc "$1" "$2" "$3" "$4"
rm -rf "$CCDIR_ARG"
CCDIR=$(abs "$CCDIR_ARG")
CC=${MUSL_CC:-musl-gcc}
# tcc would add these to its search paths (and gcc too)
unset CPATH C_INCLUDE_PATH LIBRARY_PATH
TCCDIR=/usr/lib/twinbench-cc

tools_unpack

step CONFIG "tcc ($CC -static, musl, {B}=$TCCDIR)"
cd "$BLD"
# --triplet only names directories of the default search paths, which are
# all replaced here; it is set so that nothing depends on the host's.
run "$SRC/configure" --cc="$CC" --config-musl --prefix=/usr \
	--tccdir="$TCCDIR" --triplet=x86_64-linux-musl \
	--sysincludepaths='{B}/include:{B}/musl/include' \
	--libpaths='{B}/musl/lib' --crtprefix='{B}/musl/lib' \
	--extra-cflags="-O2 -g0 $MAP" --extra-ldflags=-static

step MAKE "tcc, libtcc1.a"
# shellcheck disable=SC2086
run $MAKE $JOBS tcc
# only the runtime library: the -bt/-b support objects are not shipped
run $MAKE -C lib ../libtcc1.a

step UNPACK "$CCDIR_ARG (tcc headers, libtcc1.a, musl-dev)"
run dpkg-deb -x "$MUSLDEB" "$BLD/musl-dev"
mkdir -p "$CCDIR/include" "$CCDIR/musl/include" "$CCDIR/musl/lib"
cp "$SRC"/include/*.h "$CCDIR/include/"
cp "$BLD/libtcc1.a" "$CCDIR/"
cp "$SRC/COPYING" "$CCDIR/COPYING.tcc"
m=$BLD/musl-dev/usr
cp -R "$m/include/x86_64-linux-musl/." "$CCDIR/musl/include/"
for f in crt1.o crti.o crtn.o libc.a libm.a libdl.a libpthread.a librt.a \
	libutil.a libresolv.a libxnet.a; do
	cp "$m/lib/x86_64-linux-musl/$f" "$CCDIR/musl/lib/" ||
		die "$MUSLDEB: no $f"
done
cp "$m/share/doc/musl-dev/copyright" "$CCDIR/musl/COPYRIGHT"
chmod -R u=rwX,go=rX "$CCDIR"

# the new compiler, with nothing but CCDIR: a static program using stdio,
# stdarg (va_arg is in libtcc1.a), math and 64-bit arithmetic, which must
# run.  tcc searches libtcc1.a after libc.a, and libtcc1's va_arg calls
# abort(): a static program with va_arg links only if it already uses
# abort() itself (as e2fsprogs' programs do), so this one does.
tcc_check() {
	d=$BLD/check
	rm -rf "$d" && mkdir -p "$d"
	printf '%s\n' '#include <stdarg.h>' '#include <stdio.h>' \
		'#include <math.h>' '#include <stdint.h>' \
		'static long sum(int n, ...) { va_list ap; long s = 0;' \
		'	va_start(ap, n); while (n--) s += va_arg(ap, int);' \
		'	va_end(ap); return s; }' \
		'#include <stdlib.h>' \
		'int main(int argc, char **argv) { volatile uint64_t x = 1;' \
		'	x <<= 40 + argc; if (!argv[0]) abort();' \
		'	printf("%ld %.3f %llu\n", sum(3, 1, 2, 3), sqrt(2.0),' \
		'	       (unsigned long long)(x / 3)); return 0; }' \
		>"$d/t.c"
	"$BLD/tcc" -B"$CCDIR" -static -o "$d/t" "$d/t.c" -lm &&
		[ "$("$d/t")" = "6 1.414 733007751850" ] &&
		"$BLD/tcc" -B"$CCDIR" -c -o "$d/t.o" "$d/t.c" &&
		"$BLD/tcc" -v | grep -q '^tcc version 0\.9\.27 '
}
step CHECK "tcc -B $CCDIR_ARG: static program"
run tcc_check

tools_install "$BLD/tcc"
touch "$CCDIR/.stamp"
