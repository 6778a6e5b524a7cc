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

# The workloads that need a peer (bench.peer / --peer); without one their
# runs are skipped with "needs a peer".
NET_WORKLOADS="netstream transfer"

# smoke_workloads: smoke's workloads that run without a peer
smoke_workloads() {
	sed -n 's/^workload *= *//p' "$REPO/profiles/smoke.profile" | sort -u |
		grep -vxF -e netstream -e transfer
}

# net_skipped SAMPLES: every network record of a run without a peer is
# skipped with the reason
net_skipped() {
	jq -se '[.[] | select(.workload == "netstream" or
		.workload == "transfer")] | length > 0 and all(.status ==
		"skipped" and (.reason | test("needs a peer")))' "$1" >/dev/null
}
