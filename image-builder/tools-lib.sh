# tools-lib.sh - helpers for build-bzip2.sh and build-e2fsprogs.sh.
# Sourced, not run.  Environment: V=1 also shows the full build output
# (it always goes to the build log); MAKE is the make to run (the top
# Makefile passes $(MAKE) so that -jN is shared through its jobserver).
# shellcheck shell=sh disable=SC2034 # JOBS, MAP... are for the sourcers

die() { echo "twinbench: $*" >&2; exit 1; }

# step TAG TEXT: one short line per build step, like the top Makefile
step() { printf '  %-7s %s\n' "$1" "$2"; }

# abs DIR: DIR as an absolute path (DIR is created)
abs() { mkdir -p "$1" && (cd "$1" && pwd -P); }

# tools_env: a clean environment for the upstream builds.  Variables given
# on the top make's command line (O=, V=, CC=...) must not leak into the
# upstream makefiles, nor the caller's CFLAGS/LIBS into configure.
tools_env() {
	case " ${MAKEFLAGS:-}" in
	*" -- "*) MAKEFLAGS=${MAKEFLAGS%%-- *} ;;
	esac
	unset MAKEOVERRIDES CFLAGS CPPFLAGS LDFLAGS LIBS CC CPP CXX CXXFLAGS \
		O B DL_DIR MAKELEVEL || true
	export MAKEFLAGS LC_ALL=C TZ=UTC
	MAKE=${MAKE:-make}
	# our own -j only when no jobserver is shared with us
	case ${MAKEFLAGS:-} in
	*jobserver*) JOBS= ;;
	*) JOBS=-j$(nproc 2>/dev/null || echo 1) ;;
	esac
}

# run CMD...: run CMD, output appended to $LOG (and shown with V=1); on
# failure show the end of the log and stop.
run() {
	echo "+ $*" >>"$LOG"
	if [ "${V:-0}" = 1 ]; then
		echo "+ $*"
		{ rc=0; "$@" 2>&1 || rc=$?; echo "$rc" >"$LOG.rc"; } |
			tee -a "$LOG"
		rc=$(cat "$LOG.rc") && rm -f "$LOG.rc"
	else
		rc=0
		"$@" >>"$LOG" 2>&1 || rc=$?
	fi
	[ "$rc" -eq 0 ] && return 0
	[ "${V:-0}" = 1 ] || tail -n 25 "$LOG" >&2
	die "$PKG: '$1' failed (exit $rc); full log: $LOG"
}

# tools_start PKG DSC SRCDIR BUILDDIR OUT: check the arguments, start from
# an empty build directory and a new log.  Sets PKG, DSC, SRC, BLD, OUT (all
# absolute), LOG and MAP (compiler flags keeping both trees' paths out of
# the binaries); SRC_ARG and OUT_ARG are the paths as given, for messages.
tools_start() {
	PKG=$1
	case $2 in
	*.dsc) ;;
	*) die "$PKG: no .dsc pinned in image-builder/inputs.lock" ;;
	esac
	[ -r "$2" ] || die "$2: missing (run 'make source')"
	DSC=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2")
	rm -rf "$3" "$4"
	SRC_ARG=$3 OUT_ARG=$5
	OUT=$(abs "$(dirname "$5")")/$(basename "$5")
	rm -f "$OUT"
	SRC=$(abs "$3")
	BLD=$(abs "$4")
	rmdir "$SRC"
	LOG=$BLD/build.log
	: >"$LOG"
	# one fixed name for both trees, whatever O= is
	canon=/usr/src/$(basename "$SRC")
	MAP="-ffile-prefix-map=$SRC=$canon -ffile-prefix-map=$BLD=$canon"
	tools_env
}

# tools_unpack: dpkg-source -x applies Debian's patches.  The signature of
# the .dsc may be unverifiable here (no keyring): that is fine, every file
# was checked against inputs.lock's sha256 by 'make source'.
tools_unpack() {
	step UNPACK "$SRC_ARG"
	run dpkg-source -x "$DSC" "$SRC"
}

# tools_install BIN: strip BIN into OUT (written whole, then renamed)
tools_install() {
	step STRIP "$OUT_ARG"
	run strip --strip-all -o "$OUT.tmp" "$1"
	mv -f "$OUT.tmp" "$OUT"
}
