#!/bin/sh
# build-rsync.sh - the pinned rsync as one static musl binary.
#
# usage: build-rsync.sh DSC SRCDIR BUILDDIR OUT
#
# Unpacks DSC (Debian's patches applied) into SRCDIR.  Debian's patches
# change configure.ac, and Debian's build regenerates the configure script
# (dh_autoreconf); so does this script, with upstream's own rules
# (aclocal -I m4, autoconf -o configure.sh, autoheader: what rsync's
# `make reconfigure` runs), in SRCDIR.  Then it configures out of tree in
# BUILDDIR and builds the rsync program:
#   --with-included-zlib    rsync's bundled zlib, upstream's default: it
#                           has rsync's Z_INSERT_ONLY, which the classic
#                           "zlib" compression uses for matched data
#                           (Debian links the system zlib, where rsync
#                           falls back to Z_SYNC_FLUSH); no other package
#   --with-included-popt    rsync's bundled popt: one source package, no
#                           link to another build (the pinned popt is
#                           built for dbench); Debian's patches cover it
#   --disable-xxhash --disable-zstd --disable-lz4 --disable-openssl
#                           no other library: checksums md5 and md4,
#                           compression zlib
#   --disable-md5-asm --disable-roll-asm --disable-roll-simd
#                           plain C (Debian disables the MD5 assembler
#                           too; the SIMD roll needs a C++ compiler)
#   --disable-iconv --disable-iconv-open --disable-locale
#                           the appliance has no locales, and musl's iconv
#                           tables would add 150 KB
#   --disable-md2man        no manual pages
# ACLs are not found (no libacl for musl); extended attributes (-X) use
# musl's.  -Os: the binary goes into a 101 MiB VM.
#
# musl-gcc's headers are musl's only, without the kernel's UAPI headers,
# and rsync's syscall.c includes <linux/openat2.h> (openat2 with
# RESOLVE_BENEATH for its symlink-race-safe opens).  BUILDDIR/kernel-include
# holds links to the build host's linux/, asm/ and asm-generic/ (Debian's
# linux-libc-dev, the headers Debian's own build uses), added after musl's
# with -idirafter; only headers named linux/... or asm/... come from there.
#
# Checks: upstream's test suite (make check: 49 tests here; those needing
# ACLs, crtimes, SIMD or user xattrs on the build file system skip, and
# Debian skips the device tests) must pass.  Everything is redone from
# scratch; the log is BUILDDIR/build.log.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 4 ] || die "usage: build-rsync.sh DSC SRCDIR BUILDDIR OUT"
tools_start rsync "$1" "$2" "$3" "$4"
MCC=${MUSL_CC:-musl-gcc}

tools_unpack
step AUTOGEN "rsync (configure.sh, config.h.in)"
(cd "$SRC" && run aclocal -I m4 && run autoconf -o configure.sh &&
	run autoheader && touch config.h.in)

KINC=$BLD/kernel-include
mkdir -p "$KINC"
for d in linux asm-generic; do
	[ -d "/usr/include/$d" ] || die "/usr/include/$d: missing (linux-libc-dev)"
	ln -s "/usr/include/$d" "$KINC/$d"
done
asm=/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/asm
[ -d "$asm" ] || die "$asm: missing (linux-libc-dev)"
ln -s "$asm" "$KINC/asm"

step CONFIG "rsync ($MCC -static)"
cd "$BLD"
run env CC="$MCC" CFLAGS="-Os -g0 $MAP" CPPFLAGS="-idirafter $KINC" \
	LDFLAGS="-static" sh "$SRC/configure" \
	--with-included-zlib --with-included-popt \
	--disable-xxhash --disable-zstd --disable-lz4 --disable-openssl \
	--disable-md5-asm --disable-roll-asm --disable-roll-simd \
	--disable-iconv --disable-iconv-open --disable-locale \
	--disable-md2man
step MAKE "rsync"
# shellcheck disable=SC2086
run $MAKE $JOBS rsync

step CHECK "rsync test suite"
# shellcheck disable=SC2086
run $MAKE $JOBS check
run sh -c "'$BLD/rsync' --version | grep -q '^rsync  version 3\\.'"
tools_install "$BLD/rsync"
