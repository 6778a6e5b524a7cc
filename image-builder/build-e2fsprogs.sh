#!/bin/sh
# build-e2fsprogs.sh - the pinned mke2fs as one static musl binary.
#
# usage: build-e2fsprogs.sh DSC SRCDIR BUILDDIR OUT
#
# Unpacks DSC (Debian's patches applied) into SRCDIR, configures in
# BUILDDIR (e2fsprogs builds out of tree), builds only the libraries mke2fs
# links and mke2fs itself, and writes the stripped binary to OUT.
# Everything is redone from scratch; the log is BUILDDIR/build.log.
#
# libuuid and libblkid are e2fsprogs' own (there are no musl builds of
# util-linux's).  mke2fs.conf is compiled in (misc/default_profile.c, made
# from Debian's patched mke2fs.conf.in), so mke2fs needs no /etc/mke2fs.conf.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 4 ] || die "usage: build-e2fsprogs.sh DSC SRCDIR BUILDDIR OUT"
tools_start e2fsprogs "$1" "$2" "$3" "$4"
CC=${MUSL_CC:-musl-gcc}

tools_unpack

step CONFIG "e2fsprogs ($CC -static)"
cd "$BLD"
run env CC="$CC" CFLAGS="-O2 -g0 $MAP" LDFLAGS=-static PKG_CONFIG=false \
	"$SRC/configure" --enable-libuuid --enable-libblkid \
	--disable-elf-shlibs --disable-nls --disable-rpath --disable-fuse2fs \
	--disable-uuidd --disable-fsck --disable-e2initrd-helper \
	--disable-debugfs --disable-imager --disable-resizer --disable-defrag \
	--disable-tdb --disable-backtrace

step MAKE "mke2fs"
# shellcheck disable=SC2086
{
	run $MAKE V=1 subs
	for d in lib/et lib/e2p lib/uuid lib/blkid lib/support lib/ext2fs; do
		run $MAKE $JOBS -C "$d" V=1 all
	done
	run $MAKE $JOBS -C misc V=1 mke2fs
}

tools_install "$BLD/misc/mke2fs"
