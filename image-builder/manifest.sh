#!/bin/bash
# manifest.sh EMBEDDED DIR FILE... - print the image manifest: the manifest
# embedded in the initramfs (inputs, every initramfs file) plus the size and
# sha256 of each artefact FILE in DIR.
set -euo pipefail
emb=$1 dir=$2
shift 2
arts=$(for f in "$@"; do
	printf '%s %s %s\n' "$f" "$(sha256sum < "$dir/$f" | cut -c1-64)" \
		"$(stat -c %s "$dir/$f")"
done | jq -R -s 'split("\n") | map(select(length > 0) | split(" ") |
	{key: .[0], value: {sha256: .[1], size: (.[2] | tonumber)}}) |
	from_entries')
jq --argjson a "$arts" '. + {artefacts: $a}' "$emb"
