#!/bin/sh
# build-e2fsprogs-tree.sh - the code base the `build` workload compiles:
# the pinned e2fsprogs, configured for tcc and musl, with a plain Makefile
# generated from e2fsprogs' own build.
#
# usage: build-e2fsprogs-tree.sh DSC SRCDIR BUILDDIR STAMP TCC CCDIR
#
# Unpacks DSC (Debian's patches applied) into SRCDIR, configures a copy in
# BUILDDIR/tree with CC="TCC -B CCDIR" (so config.h describes what tcc and
# musl offer), and runs e2fsprogs' own `make all` there with wrappers in
# place of the compiler, linker and archiver that record every command
# (directory and arguments) and let tcc write the headers each file reads.
# From the record it writes, in STAMP's directory (emptied first; STAMP is
# written last):
#   Makefile         one rule per recorded command, paths relative to the
#                    tree: every object (target `objs`), the static
#                    libraries and the programs (target `all`);
#                    TCC and CCDIR say which compiler runs
#   objects.list     the objects, one per line, in the Makefile's order
#   programs.list    the programs `all` links
#   the sources and headers those commands read (generated ones, such as
#   config.h and the error tables, included), NOTICE, README.twinbench
# and checks that the tree builds with the generated Makefile alone: every
# object and program is made and mke2fs runs.  The log is
# BUILDDIR/build.log.
set -eu

# shellcheck source=image-builder/tools-lib.sh
. "$(dirname "$0")/tools-lib.sh"

[ $# -eq 6 ] ||
	die "usage: build-e2fsprogs-tree.sh DSC SRCDIR BUILDDIR STAMP TCC CCDIR"
TCC=$(cd "$(dirname "$5")" && pwd -P)/$(basename "$5")
CCDIR=$(cd "$6" && pwd -P)
[ -x "$TCC" ] || die "$5: missing"
tools_start e2fsprogs-tree "$1" "$2" "$3" "$4"
OUTDIR=$(dirname "$OUT")
OUTDIR_ARG=$(dirname "$OUT_ARG")
rm -rf "$OUTDIR" && mkdir -p "$OUTDIR"
VERSION=$(basename "$SRC")
VERSION=${VERSION#*_}
T=$BLD/tree
REC=$BLD/record
# tcc would add these to its search paths
unset CPATH C_INCLUDE_PATH LIBRARY_PATH

tools_unpack
mkdir -p "$T" "$REC" "$BLD/bin"
cp -R "$SRC/." "$T/"

# tcc does not define __GNUC__, and e2fsprogs' headers use glibc's
# __GNUC_PREREQ (musl has none): every file is compiled with this first.
cat >"$T/twinbench-tcc.h" <<'EOF'
/* twinbench-tcc.h - included first by every e2fsprogs file (-include):
 * glibc defines __GNUC_PREREQ, which e2fsprogs' headers use unguarded;
 * neither musl nor tcc (no __GNUC__) has it. */
#ifndef __GNUC_PREREQ
#define __GNUC_PREREQ(maj, min) 0
#endif
EOF

step CONFIG "e2fsprogs (CC=tcc -B $CCDIR)"
cd "$T"
run env CC="$TCC -B$CCDIR" CFLAGS=-O2 CPPFLAGS="-include $T/twinbench-tcc.h" \
	LDFLAGS=-static PKG_CONFIG=false ./configure \
	--enable-libuuid --enable-libblkid --disable-elf-shlibs --disable-nls \
	--disable-rpath --disable-fuse2fs --disable-uuidd \
	--disable-e2initrd-helper --disable-backtrace

# record_wrapper NAME KIND CMD: $BLD/bin/NAME appends one line
# "KIND<tab>cwd<tab>arg..." to its own file in $REC, then runs CMD "$@"
# (a compile also writes the files it read to that file's .d)
record_wrapper() {
	cat >"$BLD/bin/$1" <<EOF
#!/bin/sh
f=\$(mktemp "$REC/$2.XXXXXXXX") || exit 1
{ printf '$2\t%s' "\$PWD"; printf '\t%s' "\$@"; printf '\n'; } >"\$f"
exec $3 "\$@"${4:-}
EOF
	chmod +x "$BLD/bin/$1"
}
# shellcheck disable=SC2016 # $f is the wrapper's
record_wrapper cc cc "\"$TCC\" -B\"$CCDIR\"" ' -MD -MF "$f.d"'
record_wrapper ar ar "\"$TCC\" -ar"

step MAKE "e2fsprogs all (recorded)"
# shellcheck disable=SC2086
run $MAKE $JOBS V=1 CC="$BLD/bin/cc" LD="$BLD/bin/cc" AR="$BLD/bin/ar" all

# The record, one line per command, sorted: the Makefile does not depend
# on the order in which make -j happened to run them.
for f in "$REC"/*; do
	case $f in *.d) ;; *) cat "$f" ;; esac
done | LC_ALL=C sort >"$BLD/record.tsv"

# gen_awk MODE: the record (MODE=rules) or "dir<tab>path" lines from the
# .d files (MODE=files) on stdin.  Paths are made relative to the tree;
# anything outside it, or an argument it does not know, is an error.
#   rules: one line per rule, "target<tab>kind<tab>prerequisites<tab>
#          recipe", kind obj, lib or prog
#   files: the paths
gen_awk() {
	awk -F '\t' -v top="$T" -v mode="$1" '
	function fail(msg) { print "twinbench: e2fsprogs-tree: " msg \
		>"/dev/stderr"; bad = 1; exit 1 }
	function inside(dir, p,    n, part, st, i, k, out) {
		if (p !~ /^\//)
			p = dir "/" p
		n = split(p, part, "/")
		k = 0
		for (i = 1; i <= n; i++) {
			if (part[i] == "" || part[i] == ".")
				continue
			if (part[i] == "..") {
				if (k > 0)
					k--
				continue
			}
			st[++k] = part[i]
		}
		out = ""
		for (i = 1; i <= k; i++)
			out = out "/" st[i]
		if (out == top)
			return "."
		if (index(out, top "/") != 1)
			fail(p ": outside the tree")
		return substr(out, length(top) + 2)
	}
	function base(p) { sub(/.*\//, "", p); return p }
	function cc(dir,    i, a, args, out, pre, c, src) {
		c = 0
		for (i = 3; i <= NF; i++) {
			a = $i
			if (a == "-I" || a == "-include" || a == "-o")
				a = a " " $(++i)
			if (a == "-c") {
				c = 1
			} else if (a ~ /^-o /) {
				out = inside(dir, substr(a, 4))
				a = "-o " out
			} else if (a ~ /^-I/) {
				sub(/^-I */, "", a)
				a = "-I" inside(dir, a)
			} else if (a ~ /^-include /) {
				a = "-include " inside(dir, substr(a, 10))
			} else if (a ~ /\.[cao]$/ && a !~ /^-/) {
				a = inside(dir, a)
				pre = pre " " a
				if (a ~ /\.c$/)
					src = a
				if (a ~ /\.a$/)
					linked[a] = 1
			} else if (a !~ /^-([DUOl]|pthread$|static$)/) {
				fail(dir ": unexpected argument " a)
			}
			args = args " " a
		}
		if (out == "" && c && src != "") {
			out = src
			sub(/\.c$/, ".o", out)
			out = (dir == top ? "" : inside(dir, ".") "/") base(out)
			args = args " -o " out
		}
		if (out == "")
			fail(dir ": no output in" args)
		print out "\t" (c ? "obj" : "prog") "\t" substr(pre, 2) \
			"\t$(CC)" args
	}
	function ar(dir,    i, objs) {
		if ($3 !~ /^[rcs]+$/ || NF < 5)
			fail(dir ": unexpected archiver command " $0)
		for (i = 5; i <= NF; i++)
			objs = objs " " inside(dir, $i)
		nar++
		arout[nar] = inside(dir, $4)
		arobjs[nar] = substr(objs, 2)
	}
	mode == "files" {
		if ($2 !~ /\.[ao]$/)
			print inside($1, $2)
		next
	}
	$1 == "cc" { cc($2); next }
	$1 == "ar" { ar($2); next }
	{ fail("unexpected record " $0) }
	END {
		if (bad)
			exit 1
		# e2fsprogs makes lib/ext2fs/libext2fs.a and links with a
		# copy, lib/libext2fs.a: make it there directly
		for (k = 1; k <= nar; k++) {
			o = arout[k]
			if (!(o in linked))
				for (l in linked)
					if (base(l) == base(o))
						o = l
			print o "\tlib\t" arobjs[k] "\t$(AR) rc " o " " \
				arobjs[k]
		}
	}'
}

step GEN "$OUTDIR_ARG/Makefile"
gen_awk rules <"$BLD/record.tsv" | LC_ALL=C sort -t "$(printf '\t')" \
	-k2,2 -k1,1 >"$BLD/rules.tsv"
dups=$(cut -f1 "$BLD/rules.tsv" | uniq -d)
[ -z "$dups" ] || die "e2fsprogs-tree: made twice: $dups"
for f in "$REC"/cc.*; do
	case $f in *.d) continue ;; esac
	[ -f "$f.d" ] || continue
	dir=$(cut -f2 "$f")
	sed -e 1d -e 's/[ \\]*$//' -e 's/^ *//' "$f.d" |
		awk -v d="$dir" 'NF { print d "\t" $0 }'
done | gen_awk files | LC_ALL=C sort -u >"$BLD/files.list"

# list KIND: the targets of one kind, in the rules' order
list() { awk -F '\t' -v k="$1" '$2 == k { print $1 }' "$BLD/rules.tsv"; }
# var NAME KIND: "NAME := \" and the targets, one per line
var() {
	printf '%s :=' "$1"
	list "$2" | awk '{ printf " \\\n\t%s", $0 } END { print "" }'
}
{
	cat <<EOF
# Makefile - e2fsprogs $VERSION as its own \`make all\` builds it with tcc
# and musl: one rule per compiler, archiver and linker command of that
# build, paths relative to this directory.  Generated by twinbench
# (image-builder/build-e2fsprogs-tree.sh); do not edit.
#
#   make objs      compile every object (\$(OBJS), objects.list)
#   make all       also the static libraries and programs (programs.list)
# TCC is the compiler, CCDIR its -B directory (headers and libraries).

TCC = tcc
CCDIR = /usr/lib/twinbench-cc
CC = \$(TCC) -B\$(CCDIR)
AR = \$(TCC) -ar

.SUFFIXES:
.PHONY: all objs

EOF
	var OBJS obj
	var LIBS lib
	var PROGS prog
	# shellcheck disable=SC2016 # make's $ signs
	printf '\nall: $(PROGS)\nobjs: $(OBJS)\n'
	awk -F '\t' '{ printf "\n%s: %s\n\t%s\n", $1, $3, $4 }' \
		"$BLD/rules.tsv"
} >"$BLD/Makefile"

step COPY "$OUTDIR_ARG ($(wc -l <"$BLD/files.list") files)"
(cd "$T" && xargs cp --parents -t "$OUTDIR" <"$BLD/files.list") ||
	die "e2fsprogs-tree: copying the sources failed"
cp "$BLD/Makefile" "$OUTDIR/Makefile"
list obj >"$OUTDIR/objects.list"
list prog >"$OUTDIR/programs.list"
cp "$T/NOTICE" "$OUTDIR/NOTICE"
cat >"$OUTDIR/README.twinbench" <<EOF
e2fsprogs $VERSION (Debian source package, Debian's patches applied),
configured on the build host with CC="tcc -B <twinbench-cc>" for musl, as
the code base of twinbench's \`build\` workload.  Only the files the build
reads are here (sources, headers, and the files configure and the build
generate: lib/config.h, error tables, ...), with a Makefile that repeats
the compiler, archiver and linker commands of e2fsprogs' own \`make all\`.
twinbench-tcc.h is twinbench's (see inside).  Licence: NOTICE.
EOF
chmod -R u=rwX,go=rX "$OUTDIR"

# the tree alone, copied elsewhere: every object and program is made, and
# the mke2fs made is the pinned version
tree_check() {
	c=$BLD/check
	rm -rf "$c" && cp -R "$OUTDIR" "$c"
	# shellcheck disable=SC2086
	$MAKE $JOBS -C "$c" TCC="$TCC" CCDIR="$CCDIR" all || return 1
	n=$(find "$c" -name '*.o' | wc -l)
	[ "$n" -eq "$(wc -l <"$OUTDIR/objects.list")" ] || {
		echo "$n objects made, $(wc -l <"$OUTDIR/objects.list") listed"
		return 1
	}
	(cd "$c" && xargs ls -l <programs.list) || return 1
	"$c/misc/mke2fs" -V 2>&1 | grep "^mke2fs ${VERSION%-*} "
}
step CHECK "$OUTDIR_ARG: make all with the generated Makefile"
run tree_check
touch "$OUT"
