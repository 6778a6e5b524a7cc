#!/bin/sh
# build-netperf.sh - the pinned netperf as two static musl binaries,
# netperf (the client) and netserver.
#
# usage: build-netperf.sh ORIG DEBIAN SRCDIR BUILDDIR OUT
#
# ORIG and DEBIAN are the orig and debian tarballs of Debian trixie's
# netperf source package (lock kind src-trixie: bookworm's netperf is in
# non-free, trixie's is in main, upstream's licence being MIT since
# 2.7.0).  The archive serves both tarballs but not the package's .dsc
# (HTTP 404), so the lock pins the two tarballs (their sha256 checked by
# 'make source') and this script does what dpkg-source -x would do for a
# 3.0 (quilt) package: it unpacks ORIG into SRCDIR and DEBIAN into
# SRCDIR/debian and applies debian/patches/series in order with patch -p1
# (quilt's default).  The +ds orig tarball has no configure: like Debian's
# build (dh_autoreconf), autoreconf -f -i -I src/missing/m4 generates it in
# SRCDIR; configure then runs out of tree in BUILDDIR.
#
# Configured with the omni tests (--enable-omni; TCP_STREAM, TCP_MAERTS
# and TCP_RR run as omni tests, so -o output selectors work), the
# per-transaction histogram (--enable-histogram: P50_LATENCY, P90_LATENCY,
# P99_LATENCY), CPU utilisation from /proc/stat (--enable-cpuutil=procstat,
# what configure would guess for Linux), no SCTP, no demo mode (interim
# results).  -Os: the binaries go into a 101 MiB VM.
#
# musl: netlib.c includes <sched.h> inside a function body, after its own
# _GNU_SOURCE; glibc's header has been included by then, musl's has not and
# cannot be included there.  -include sched.h with _GNU_SOURCE defined (to
# nothing, as netlib.c defines it) includes it first, at make time only so
# that configure sees plain libc.  netperf's code does not find glibc's
# __CPU_SETSIZE under musl and binds CPUs (-T) with an unsigned long mask:
# CPUs 0-63.
#
# Checks: netserver on 127.0.0.1 (a free port) and a one-second TCP_STREAM
# and TCP_RR against it must give a positive throughput and transaction
# rate.  OUT is netperf; netserver is written beside it.  Everything is
# redone from scratch; the log is BUILDDIR/build.log.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 5 ] || die "usage: build-netperf.sh ORIG DEBIAN SRCDIR BUILDDIR OUT"
MCC=${MUSL_CC:-musl-gcc}

# start ORIG DEBIAN SRCDIR BUILDDIR OUT: tools_start for a package without
# a .dsc: the same variables (PKG, SRC, BLD, OUT, LOG, MAP, ...)
start() {
	PKG=netperf
	for f in "$1" "$2"; do
		[ -r "$f" ] || die "$f: missing (run 'make source')"
	done
	ORIG=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
	DEB=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2")
	rm -rf "$3" "$4"
	SRC_ARG=$3 OUT_ARG=$5
	OUT=$(abs "$(dirname "$5")")/$(basename "$5")
	NETSERVER=$(dirname "$OUT")/netserver
	rm -f "$OUT" "$NETSERVER"
	SRC=$(abs "$3")
	BLD=$(abs "$4")
	LOG=$BLD/build.log
	: >"$LOG"
	canon=/usr/src/$(basename "$SRC")
	MAP="-ffile-prefix-map=$SRC=$canon -ffile-prefix-map=$BLD=$canon"
	tools_env
}

# patches: debian/patches/series, one patch name a line, '#' comments
patches() {
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' \
		"$SRC/debian/patches/series"
}

unpack() {
	step UNPACK "$SRC_ARG (orig + debian tarball, series)"
	run tar -xJf "$ORIG" -C "$SRC" --strip-components=1
	run tar -xJf "$DEB" -C "$SRC"
	[ -f "$SRC/debian/patches/series" ] || return 0
	for p in $(patches); do
		[ -f "$SRC/debian/patches/$p" ] ||
			die "$DEB: debian/patches/$p is in series but missing"
		run patch -d "$SRC" -p1 -N -s -i "$SRC/debian/patches/$p"
	done
}

# start_netserver: netserver in the foreground on 127.0.0.1, on a random
# port (another if that one is taken: netserver then says "Unable to
# start" and exits); sets port and pid
start_netserver() {
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		: >"$BLD/netserver.out"
		"$BLD/src/netserver" -D -4 -L 127.0.0.1 -p "$port" \
			>"$BLD/netserver.out" 2>&1 &
		pid=$!
		i=0
		while [ "$i" -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
			grep -q '^Starting netserver' "$BLD/netserver.out" &&
				return 0
			i=$((i + 1))
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		cat "$BLD/netserver.out"
	done
	echo "netserver did not start (try $try)"
	return 1
}

# smoke_check: a TCP_STREAM and a TCP_RR of one second each against our
# netserver: positive throughput, transaction rate and 99th percentile
smoke_check() {
	start_netserver || return 1
	rc=0
	n="$BLD/src/netperf -H 127.0.0.1 -p $port -l 1 -P 0"
	# shellcheck disable=SC2086
	{ $n -t TCP_STREAM -- -o THROUGHPUT &&
		$n -t TCP_RR -- -o TRANSACTION_RATE,P99_LATENCY
	} >"$BLD/check.out" 2>&1 || rc=1
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	cat "$BLD/netserver.out" "$BLD/check.out"
	[ "$rc" = 0 ] &&
		awk 'NR == 1 && $1 > 0 { s = 1 }
			NR == 2 && split($0, f, ",") == 2 && f[1] > 0 && f[2] > 0 {
				r = 1 }
			END { exit !(s && r) }' "$BLD/check.out"
}

start "$@"
unpack
step AUTOGEN "netperf (autoreconf)"
(cd "$SRC" && run autoreconf -f -i -I src/missing/m4)

step CONFIG "netperf ($MCC -static)"
cd "$BLD"
run env CC="$MCC" CFLAGS="-Os -g0 $MAP" LDFLAGS="-static" \
	sh "$SRC/configure" --enable-omni --enable-histogram \
	--enable-cpuutil=procstat --disable-sctp --disable-demo
step MAKE "netperf netserver"
# shellcheck disable=SC2086
run $MAKE $JOBS -C src netperf netserver \
	CPPFLAGS="-D_GNU_SOURCE= -include sched.h"

step CHECK "netperf TCP_STREAM, TCP_RR on 127.0.0.1"
run smoke_check
run sh -c "'$BLD/src/netperf' -V | grep -q '^Netperf version 2\\.7\\.'"

step STRIP "$(dirname "$OUT_ARG")/netserver"
run strip --strip-all -o "$NETSERVER.tmp" "$BLD/src/netserver"
mv -f "$NETSERVER.tmp" "$NETSERVER"
tools_install "$BLD/src/netperf"
