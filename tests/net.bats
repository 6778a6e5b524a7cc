#!/usr/bin/env bats
# tests/net.bats - the network workloads in container mode on the build
# host against a peer agent (`twinbench serve`) on loopback: netperf,
# iperf3 and rsync really run, both sides' figures land in the client's
# run, the peer's manifest is recorded; an absent peer fails the network
# runs within the bound and the rest of the profile still runs; the data
# set is the same bytes on two peers.
bats_require_minimum_version 1.5.0

setup_file() {
	load helper
	make_quiet appliance tools
	for t in netperf netserver rsync; do
		[ -x "$B/tools/$t" ] || { echo "no $B/tools/$t" >&2; return 1; }
	done
	command -v iperf3 >/dev/null || apt-get install -y iperf3 >/dev/null
}

setup() {
	load helper
	TB=$B/appliance/twinbench
	# our static tools, and Debian's iperf3 (the image has none: its
	# source is not fetchable here) for the reference mode
	BINDIR=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BINDIR"
	for t in netperf netserver rsync bzip2; do
		ln -s "$B/tools/$t" "$BINDIR/$t"
	done
	ln -s "$(command -v iperf3)" "$BINDIR/iperf3"
	R=$BATS_TEST_TMPDIR/results
	P=$BATS_TEST_TMPDIR/p
	mkdir -p "$P"
	AGENTS=()
}

teardown() {
	local pid
	for pid in "${AGENTS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# free_port: a TCP port with the next 4 free too, on 127.0.0.1
free_port() {
	python3 - <<'EOF'
import socket, random
for _ in range(200):
    p = random.randrange(20000, 60000)
    ok = True
    for q in range(p, p + 5):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", q))
        except OSError:
            ok = False
        s.close()
    if ok:
        print(p)
        break
EOF
}

# agent NAME [ARGS]: start `twinbench serve` on a free port; sets PORT
agent() {
	local name=$1
	shift
	PORT=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/$name"
	"$TB" serve --listen 127.0.0.1 --port "$PORT" --bindir "$BINDIR" \
		--scratch "$BATS_TEST_TMPDIR/$name" "$@" \
		>"$BATS_TEST_TMPDIR/$name.log" 2>&1 3>&- &
	AGENTS+=($!)
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

net_profile() {
	cat >"$P/net.profile" <<'EOF'
[profile]
repeat = 2
discard = 1
timeout = 120
seed = 7

[netperf]
workload = netstream
tool = netperf
time = 1

[iperf3]
workload = netstream
tool = iperf3
time = 1

[tree]
workload = transfer
dataset = tree
files = 300
size = 3M

[push]
workload = transfer
dataset = file
size = 2M
direction = push

[compress]
workload = compress
size = 1M
EOF
}

tb_run() {
	"$TB" run --results "$R" --bindir "$BINDIR" --quiet "$@"
}

@test "every network workload runs against a peer agent on loopback" {
	net_profile
	agent peer1 --token s3cret
	run -0 tb_run --profile-file "$P/net.profile" --label loop \
		--peer "127.0.0.1:$PORT" --token s3cret
	term=$output
	d=$R/runs/0001-loop
	[ -f "$d/DONE" ]
	run -0 jq -r '.status' "$d/summary.json"
	[ "$output" = ok ]
	# no run failed or was skipped
	run -0 jq -s '[.[] | select(.status != "ok")] | length' "$d/samples.jsonl"
	[ "$output" = 0 ]
	s=$d/samples.jsonl
	# plausible values, marked with the side that measured them
	jq -e -s '[.[] | select(.instance == "netperf" and .metric ==
		"throughput" and .side == "local" and .value > 10)] |
		length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "netperf" and .metric ==
		"throughput_recv" and .value > 10)] | length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "netperf" and .metric ==
		"transactions" and .value > 100)] | length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "netperf" and
		(.metric | startswith("latency_p")) and .value > 0 and
		.better == "lower")] | length == 6' "$s"
	jq -e -s '[.[] | select(.instance == "netperf" and .metric ==
		"peer_bytes_recvd" and .side == "peer" and .value > 0)] |
		length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "iperf3" and .metric ==
		"peer_throughput" and .side == "peer" and .value > 10)] |
		length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "iperf3" and .metric ==
		"throughput_recv" and .side == "local" and .value > 10)] |
		length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "tree" and .metric == "seconds"
		and .headline == true and .side == "local" and .value > 0)] |
		length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "push" and .metric ==
		"peer_tree_match" and .value == 1)] | length == 2' "$s"
	jq -e -s '[.[] | select(.instance == "compress")] | length > 0' "$s"
	# the peer's own manifest, and its binaries' hashes
	jq -e '.peer.address == "127.0.0.1:'"$PORT"'" and .peer.token and
		.peer.manifest.protocol == 1 and
		(.peer.manifest.kernel.release | length > 0)' "$d/manifest.json"
	jq -e '.peer.manifest | tostring | test("[0-9a-f]{64}")' \
		"$d/manifest.json"
	# what the terminal showed: progress lines, no raw records
	[[ $term != *'TWINBENCH {'* ]]
	echo "$term" | grep -q "^\[1/10 netperf 1/2\]"
}

@test "a wrong token: the network runs fail with the agent's reason" {
	net_profile
	agent peer1 --token right
	run -1 tb_run --profile-file "$P/net.profile" --label tok \
		--peer "127.0.0.1:$PORT" --token wrong --netwait 5
	d=$R/runs/0001-tok
	[ -f "$d/DONE" ]
	jq -e -s '[.[] | select(.workload == "netstream" and
		.status == "failed" and (.reason | test("token")))] |
		length == 4' "$d/samples.jsonl"
	jq -e -s '[.[] | select(.instance == "compress" and
		.status == "ok")] | length > 0' "$d/samples.jsonl"
}

@test "no peer agent: failed within the bound, the rest runs, DONE" {
	net_profile
	port=$(free_port)
	SECONDS=0
	run -1 tb_run --profile-file "$P/net.profile" --label gone \
		--peer "127.0.0.1:$port" --netwait 3
	[ "$SECONDS" -lt 60 ]
	d=$R/runs/0001-gone
	[ -f "$d/DONE" ]
	jq -e -s '[.[] | select(.workload != "compress")] | all(
		.status == "failed" and
		(.reason | test("127.0.0.1:'"$port"'.*3 s")))' "$d/samples.jsonl"
	jq -e -s '[.[] | select(.workload != "compress")] | length == 8' \
		"$d/samples.jsonl"
	jq -e -s '[.[] | select(.instance == "compress" and .status == "ok")]
		| length > 0' "$d/samples.jsonl"
	jq -e '.peer.error | test("did not answer|refused|3 s")' \
		"$d/manifest.json"
	[[ $output == *"the network runs fail"* ]]
}

@test "without a peer the network workloads are skipped with the reason" {
	net_profile
	run -0 tb_run --profile-file "$P/net.profile" --label alone
	d=$R/runs/0001-alone
	jq -e -s '[.[] | select(.workload != "compress")] | all(
		.status == "skipped" and (.reason | test("needs a peer")))' \
		"$d/samples.jsonl"
	jq -e '.peer == null' "$d/manifest.json"
}

# the canonical hash of a tree, computed here independently (dataset.h)
py_tree_hash() {
	python3 -c 'import hashlib,os,sys
t=os.fsencode(sys.argv[1]);r=[]
for d,ds,fs in os.walk(t):
 for n in ds: p=os.path.relpath(os.path.join(d,n),t);r.append((p,b"d %s\n"%p))
 for n in fs:
  f=os.path.join(d,n);p=os.path.relpath(f,t);h=hashlib.sha256(open(f,"rb").read()).hexdigest().encode()
  r.append((p,b"f %d %s %s\n"%(os.path.getsize(f),h,p)))
print(hashlib.sha256(b"".join(x for _,x in sorted(r))).hexdigest())' "$1"
}

# start_set PORT: the sha256 the agent announces for one fixed tree spec
start_set() {
	python3 - "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 30)
f = s.makefile("rwb")
def say(line):
    f.write(line.encode() + b"\n"); f.flush()
    return f.readline().decode().strip()
f.readline()
assert say("HELLO").startswith("OK")
r = say("START svc=rsync-out kind=tree seed=2a bytes=5000000 files=700")
assert r.startswith("OK"), r
kv = dict(w.split("=", 1) for w in r.split()[1:])
say("STOP"); f.read(0)
print(kv["sha256"], kv["files"], kv["bytes"])
EOF
}

@test "the transfer data set is byte-identical on two peers" {
	agent peer1
	p1=$PORT
	agent peer2
	p2=$PORT
	run -0 start_set "$p1"
	a=$output
	run -0 start_set "$p2"
	b=$output
	[ "$a" = "$b" ]
	[[ $a == *" 700 5000000" ]]
	# the trees on both scratch disks hash the same, by an independent
	# implementation of the documented canonical hash
	d1=$(find "$BATS_TEST_TMPDIR/peer1" -maxdepth 3 -type d -name 'tree-*' ! -name '*.tmp' | head -1)
	d2=$(find "$BATS_TEST_TMPDIR/peer2" -maxdepth 3 -type d -name 'tree-*' ! -name '*.tmp' | head -1)
	[ -n "$d1" ] && [ -n "$d2" ]
	diff -r "$d1" "$d2"
	run -0 py_tree_hash "$d1"
	[ "$output" = "${a%% *}" ]
	[ "$(find "$d1" -type f | wc -l)" -eq 700 ]
}
