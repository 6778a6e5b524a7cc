#!/bin/bash
# modules.sh ROOT RELEASE LIST... - print the load order of the modules named
# in the LIST files (and all they depend on) as paths relative to ROOT, one
# per line, dependencies first, each once.  Uses depmod and modprobe from
# kmod on the unpacked kernel package, never the running system's modules.
set -euo pipefail
root=$1 rel=$2
shift 2
die() { echo "twinbench: $*" >&2; exit 1; }
[ -d "$root/lib/modules/$rel" ] || die "$root/lib/modules/$rel: no such directory"
root=$(cd "$root" && pwd)
for list in "$@"; do
	n=0
	grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r mod; do
		n=$((n + 1))
		out=$(modprobe -d "$root" -S "$rel" --show-depends "$mod" 2>&1) ||
			die "$list: module '$mod' not found in kernel $rel"
		printf '%s\n' "$out"
	done
done | awk -v root="$root/" '
	$1 == "insmod" { p = $2; sub("^" root, "", p); if (!seen[p]++) print p }
	$1 == "builtin" { next }'
