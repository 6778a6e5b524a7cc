#!/bin/bash
# tests/bench/build.sh - the build workload on the build host next to the
# reference on the same work.
#
# Ours: the workload in container mode (twinbench run, files=0, link=no:
# every object of the e2fsprogs tree, timed by the workload: make alone,
# the copy of the tree is setup).  Reference: Debian's make and Debian's
# tcc (apt-get install tcc; same upstream version, built with gcc for
# glibc) on a fresh copy of the same tree, same targets and jobs, given the
# same headers (musl's and tcc's own from the payload: the tree is
# configured for musl), timed the same way.  Second row: Debian's make
# with our tcc, which isolates what the workload, the runner and our make
# add; the rest of the difference is tcc's C library (musl's allocator
# maps and unmaps small groups of pages where glibc's reuses its heap: two
# times the page faults).  Last, musl-gcc -O0 (the recorded -O2
# overridden) for scale, once.  jobs=1 and jobs=$(nproc); REPS runs of
# each alternating, medians.  Peak RSS: the largest process of a run (GNU
# time %M).  Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-out}
B=$(cd "$O" && pwd)/build
TB=$B/appliance/twinbench
REPS=${BUILD_BENCH_REPS:-3}

command -v tcc >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q tcc >/dev/null 2>&1
make -s O="$O" appliance tools >/dev/null
CCDIR=$(cd "$B/lib/twinbench-cc" && pwd)
TREE=$(cd "$B/lib/twinbench-build" && pwd)
NOBJ=$(wc -l <"$TREE/objects.list")
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/build-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\nexec musl-gcc "$@" -O0\n' >"$tmp/gcc-O0"
chmod +x "$tmp/gcc-O0"
unset MAKEFLAGS MAKELEVEL MFLAGS CPATH C_INCLUDE_PATH LIBRARY_PATH

row() { printf '%-10s %-28s %12s %12s %8s  %s\n' "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { printf %.3f "$(echo "scale=6; $1 / $2" | bc)"; }

# ours JOBS: seconds and peak RSS (KiB) of one workload run
ours() {
	local d=$tmp/ours
	rm -rf "$d" && mkdir -p "$d"
	printf '%s\n' '[profile]' 'repeat = 1' 'timeout = 600' '[b]' \
		'workload = build' "jobs = $1" >"$d/p.profile"
	/usr/bin/time -f %M -o "$d/rss" "$TB" run --results "$d/res" \
		--profile-file "$d/p.profile" --scratch "$d/scratch" \
		--bindir "$B/tools" >"$d/log" 2>&1 ||
		{ tail -5 "$d/log" >&2; return 1; }
	[ "$(jq -r 'select(.metric == "files") | .value' \
		"$d"/res/runs/*/samples.jsonl)" = "$NOBJ" ]
	echo "$(jq -r 'select(.metric == "seconds") | .value' \
		"$d"/res/runs/*/samples.jsonl) $(cat "$d/rss")"
}

# ref JOBS MAKE CC...: seconds and peak RSS of make -jJOBS objs in a copy
ref() {
	local d=$tmp/ref j=$1 mk=$2 t0 t1 n
	shift 2
	rm -rf "$d" && cp -R "$TREE" "$d"
	t0=$(date +%s.%N)
	/usr/bin/time -f %M -o "$tmp/rss" "$mk" -C "$d" -j"$j" \
		CC="$*" objs >"$tmp/ref.log" 2>&1 ||
		{ tail -5 "$tmp/ref.log" >&2; return 1; }
	t1=$(date +%s.%N)
	n=$(find "$d" -name '*.o' | wc -l)
	[ "$n" = "$NOBJ" ]
	echo "$(echo "$t1 - $t0" | bc) $(cat "$tmp/rss")"
}

deb_tcc="/usr/bin/tcc -nostdinc -I$CCDIR/include -I$CCDIR/musl/include"
our_tcc="$B/tools/tcc -B$CCDIR"
for j in 1 "$(nproc)"; do
	: >"$tmp/o" && : >"$tmp/r" && : >"$tmp/m"
	for ((i = 0; i < REPS; i++)); do
		ours "$j" >>"$tmp/o"
		ref "$j" /usr/bin/make "$deb_tcc" >>"$tmp/r"
		ref "$j" /usr/bin/make "$our_tcc" >>"$tmp/m"
	done
	o=$(cut -d' ' -f1 "$tmp/o" | median)
	r=$(cut -d' ' -f1 "$tmp/r" | median)
	m=$(cut -d' ' -f1 "$tmp/m" | median)
	row build "$NOBJ objects -j$j (s)" "$(printf %.2f "$o")" \
		"$(printf %.2f "$r")" "$(ratio "$o" "$r")" \
		"Debian make + Debian tcc (glibc)"
	row build "$NOBJ objects -j$j (s)" "$(printf %.2f "$o")" \
		"$(printf %.2f "$m")" "$(ratio "$o" "$m")" \
		"Debian make + our tcc: make and runner cost"
done
g=$(ref "$(nproc)" /usr/bin/make "$tmp/gcc-O0" | cut -d' ' -f1)
row build "$NOBJ objects -j$(nproc) (s)" "$(printf %.2f "$o")" \
	"$(printf %.2f "$g")" "$(ratio "$o" "$g")" \
	"Debian make + musl-gcc -O0, for scale"
row build "peak RSS (KiB)" "$(cut -d' ' -f2 "$tmp/o" | median)" \
	"$(cut -d' ' -f2 "$tmp/r" | median)" "" \
	"largest process (twinbench, make or tcc)"
