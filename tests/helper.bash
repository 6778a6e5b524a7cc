# tests/helper.bash - common setup for every bats suite (load 'helper').
REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
O=${TWINBENCH_O:-$REPO/out}
B=$O/build
LAB=$O/bin/twinbench
# the download cache: DL_DIR (CI keeps it outside the clone) or dl/
DL=${DL_DIR:-$REPO/dl}
export REPO O B LAB DL

# make_quiet TARGET...: build targets, showing the log only on failure.
make_quiet() {
	local log
	log=$(make -C "$REPO" O="$O" "$@" 2>&1) || {
		echo "$log" >&2
		return 1
	}
}

# part_offset IMAGE N: byte offset of MBR partition N (1-4).
part_offset() {
	local start
	start=$(sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].start")
	echo $((start * 512))
}

# part_extract IMAGE N DEST: copy partition N to a sparse file.
part_extract() {
	local start size
	start=$(sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].start")
	size=$(sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].size")
	dd if="$1" of="$3" bs=512 skip="$start" count="$size" conv=sparse \
		status=none
}
