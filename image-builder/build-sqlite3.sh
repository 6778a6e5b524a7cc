#!/bin/sh
# build-sqlite3.sh - the pinned SQLite as its amalgamation (sqlite3.c,
# sqlite3.h and configure's sqlite_cfg.h), which tool-sqlite3.mk compiles
# with musl-gcc and links into the appliance for the oltp workload.
#
# usage: build-sqlite3.sh DSC SRCDIR BUILDDIR OUT
#
# Unpacks DSC (Debian's patches applied) into SRCDIR, configures the full
# source tree out of tree in BUILDDIR and runs upstream's own `make
# sqlite3.c` target (tclsh runs tool/mksqlite3c.tcl; lemon and mkkeywordhash
# are built and run on the way).  OUT is the amalgamation; sqlite3.h and
# sqlite_cfg.h are written next to it.  None of them holds a build path
# (Debian's configure turns #line directives off); the script checks that.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 4 ] || die "usage: build-sqlite3.sh DSC SRCDIR BUILDDIR OUT"
tools_start sqlite3 "$1" "$2" "$3" "$4"
CC=${MUSL_CC:-musl-gcc}
command -v tclsh >/dev/null 2>&1 ||
	die "sqlite3: tclsh not found (run 'make deps': Debian package tcl)"

tools_unpack

step CONFIG "sqlite3 (out of tree)"
# Only the generators are compiled here (with CC, run on the build
# machine); what reaches the appliance is sqlite3.c and sqlite_cfg.h.
run sh -c 'cd "$1" && "$2/configure" CC="$3" CFLAGS="-O2 -g0 $4" \
	--disable-tcl --disable-readline --disable-editline \
	--disable-load-extension --enable-threadsafe' \
	configure "$BLD" "$SRC" "$CC" "$MAP"

step MAKE "sqlite3.c sqlite3.h (amalgamation)"
# shellcheck disable=SC2086
run $MAKE $JOBS -C "$BLD" sqlite3.c sqlite3.h

# What configure found in musl (HAVE_FDATASYNC, HAVE_USLEEP, ...: without
# them SQLite syncs with fsync and sleeps in whole seconds when busy),
# less malloc_usable_size, which Debian's patch 10-665363 removes from
# configure.ac (Debian regenerates configure; we do not).
run sh -c 'grep -v "^#define HAVE_MALLOC_USABLE_SIZE " "$1/sqlite_cfg.h" \
	>"$1/sqlite_cfg.h.ship"' cfg "$BLD"
grep -q '^#define HAVE_FDATASYNC 1' "$BLD/sqlite_cfg.h.ship" ||
	die "sqlite3: configure found no fdatasync in $CC"

# no path of this machine may leak into what we ship
for f in sqlite3.c sqlite3.h sqlite_cfg.h.ship; do
	if grep -q -F -e "$SRC" -e "$BLD" "$BLD/$f"; then
		die "sqlite3: $BLD/$f contains a build path"
	fi
done
grep -q '^#define SQLITE_VERSION  *"' "$BLD/sqlite3.h" ||
	die "sqlite3: $BLD/sqlite3.h has no SQLITE_VERSION"

# sqlite3.c last: it is the target make knows
step CP "$OUT_ARG"
dir=$(dirname "$OUT")
cp "$BLD/sqlite3.h" "$dir/sqlite3.h.tmp"
mv -f "$dir/sqlite3.h.tmp" "$dir/sqlite3.h"
cp "$BLD/sqlite_cfg.h.ship" "$dir/sqlite_cfg.h.tmp"
mv -f "$dir/sqlite_cfg.h.tmp" "$dir/sqlite_cfg.h"
cp "$BLD/sqlite3.c" "$OUT.tmp"
mv -f "$OUT.tmp" "$OUT"
