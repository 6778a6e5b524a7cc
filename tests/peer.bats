#!/usr/bin/env bats
# tests/peer.bats - the peer agent (`twinbench serve`) against good and bad
# clients: protocol errors, oversized lines, tokens, busy, idle and vanished
# clients, and the real services when the build has them.
#
# The services' tests use the static netserver/netperf and rsync of
# $B/tools and, since the image carries no iperf3 (its source is not
# fetchable), Debian's iperf3; a tool that is missing skips its tests with
# that reason.  TB_PEER_BINDIR=DIR takes the tools from DIR instead.
bats_require_minimum_version 1.5.0

setup_file() {
	load helper
	make_quiet appliance tools
}

# a tools directory: the build's, plus Debian's iperf3 when it has none
bindir() {
	local d=$BATS_TEST_TMPDIR/bin t
	mkdir -p "$d"
	for t in netserver netperf rsync iperf3; do
		if [ -x "$B/tools/$t" ]; then
			ln -sf "$B/tools/$t" "$d/$t"
		elif [ "$t" = iperf3 ] && command -v iperf3 >/dev/null; then
			ln -sf "$(command -v iperf3)" "$d/$t"
		fi
	done
	echo "$d"
}

setup() {
	load helper
	TB=$B/appliance/twinbench
	TOOLS=${TB_PEER_BINDIR:-$(bindir)}
	WHERE=$TOOLS
	if [ ! -d "$TOOLS" ]; then
		TOOLS=$BATS_TEST_TMPDIR/notools
		mkdir -p "$TOOLS"
	fi
	S=$BATS_TEST_TMPDIR/scratch
	LOG=$BATS_TEST_TMPDIR/serve.log
	DATA=$BATS_TEST_TMPDIR/data
	SERVE_PID=
	export DATA
}

teardown() {
	if [ -n "$SERVE_PID" ]; then
		kill "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
	fi
	if mountpoint -q "$S" 2>/dev/null; then umount "$S"; fi
}

# listening PORT: a TCP socket listens on PORT (IPv4 or IPv6)
listening() {
	awk -v h="$(printf '%04X' "$1")" 'FNR > 1 { split($2, a, ":")
		if (a[2] == h && $4 == "0A") f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# free_base: a port P with P..P+4 free on 127.0.0.1
free_base() {
	python3 -c '
import random, socket
for _ in range(500):
    b = random.randint(20000, 60000)
    try:
        for p in range(b, b + 5):
            with socket.socket() as s:
                s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(b)
    break'
}

# serve ARGS...: the agent on 127.0.0.1:$P in the background
serve() {
	local i
	P=$(free_base)
	export P
	"$TB" serve --listen 127.0.0.1 --port "$P" --scratch "$S" \
		--bindir "$TOOLS" "$@" 3>&- 2>"$LOG" &
	SERVE_PID=$!
	for i in $(seq 100); do
		listening "$P" && return 0
		sleep 0.05
	done
	cat "$LOG" >&2
	return 1
}

# talk STEP...: one client connection to $P, steps in order:
#   >TEXT   send TEXT (Python escapes: \n, \x00, ...)
#   <       read one line and print it
#   <DATA   read a DATA reply: header and final line printed, the bytes
#           appended to $DATA
#   *       print every line until the agent closes (10 s at most)
#   ~S      sleep S seconds        .       close now
#   !CMD    run CMD with sh (e.g. a service's client)
# A step that meets the end of the connection prints "EOF" and stops.
talk() {
	python3 -c '
import codecs, os, socket, subprocess, sys, time
s = socket.create_connection(("127.0.0.1", int(os.environ["P"])), 5)
s.settimeout(10)
f = s.makefile("rb")
def line():
    try:
        l = f.readline()
    except ConnectionResetError:
        l = b""
    if not l:
        print("EOF")
        sys.exit(0)
    print(l.decode("latin-1").rstrip("\n"))
    return l
for step in sys.argv[1:]:
    if step.startswith(">"):
        s.sendall(codecs.escape_decode(step[1:])[0])
    elif step == "<":
        line()
    elif step == "<DATA":
        n = int(line().split(b"=")[1])
        with open(os.environ["DATA"], "ab") as d:
            d.write(f.read(n))
        line()
    elif step == "*":
        while True:
            line()
    elif step.startswith("~"):
        time.sleep(float(step[1:]))
    elif step == ".":
        s.close()
        sys.exit(0)
    elif step.startswith("!"):
        subprocess.run(step[1:], shell=True, check=True)' "$@"
}

# good_client: HELLO and MANIFEST work, the JSON is valid
good_client() {
	rm -f "$DATA"
	run -0 talk '<' '>HELLO\n' '<' '>MANIFEST\n' '<DATA' '>BYE\n' '*'
	[ "${lines[0]}" = "TWINBENCH-PEER 1 ready" ]
	[ "${lines[1]}" = "OK v=1" ]
	[[ ${lines[2]} =~ ^DATA\ len=[0-9]+$ ]]
	[ "${lines[3]}" = OK ] && [ "${lines[4]}" = OK ]
	[ "${lines[5]}" = EOF ]
	jq -e '.protocol == 1 and .agent == "twinbench serve"' "$DATA"
}

# tool NAME: $TOOLS/NAME, or skip
tool() {
	[ -x "$TOOLS/$1" ] ||
		skip "no $1 in $WHERE (built by the tools part of the build)"
}

@test "serve: usage and bad options" {
	run -0 "$TB" serve --help
	[[ $output == *"--port P"* && $output == *"--token T"* ]]
	run -2 "$TB" serve --port 0
	run -2 "$TB" serve --port 65532
	run -2 "$TB" serve --bogus
	run -2 "$TB" serve --token 'has space'
	run -2 "$TB" serve extra
	P=$(free_base)
	run -1 "$TB" serve --listen 1.2.3 --port "$P" --scratch "$S" --once
	[[ $output == *"Invalid argument"* ]]
}

@test "HELLO and MANIFEST: the machine, its binaries and ports as JSON" {
	serve
	good_client
	jq -e --arg sha "$(sha256sum < "$TB" | cut -c1-64)" --argjson p "$P" '
		.schema == 1 and .twinbench_version != null and
		(.kernel.release | length > 0) and
		(.system.cpu_count >= 1) and (.container | has("detected")) and
		.binaries[0].name == "twinbench" and
		.binaries[0].sha256 == $sha and
		([.binaries[].name] == ["twinbench", "netserver", "iperf3",
					"rsync"]) and
		.ports == {agent: $p, netserver: ($p + 1),
			   netperf_data: ($p + 2), iperf3: ($p + 3),
			   rsync: ($p + 4)} and
		(.image | has("id")) and (.scratch.path | length > 0)' "$DATA"
	grep -q "client 127.0.0.1 connected" "$LOG"
	grep -q "session ended" "$LOG"
}

@test "bad requests get an ERR and the connection stays" {
	serve
	run -0 talk '<' '>MANIFEST\n' '<' '>FROB x=1\n' '<' '>hello\n' '<' \
		'>HELLO x=1\n' '<' '>HELLO token=a token=b\n' '<' \
		'>HELLO token=a\x00\n' '<' '>HELLO\ttoken=a\n' '<' \
		'>HELLO token\n' '<' '>HELLO =a\n' '<' '>HELLO\n' '<' \
		'>STOP\n' '<' '>START svc=nope\n' '<' \
		'>START svc=iperf3 kind=tree\n' '<' '>START\n' '<' \
		'>HELLO  token=a\n' '<' '>BYE\n' '<' '*'
	local want=(
		"TWINBENCH-PEER 1 ready"
		"ERR hello-first send HELLO first"
		"ERR unknown-request FROB"
		"ERR malformed no verb (A-Z) at the start"
		"ERR unknown-key x"
		"ERR duplicate-key token"
		"ERR malformed NUL byte"
		"ERR malformed control or non-ASCII byte"
		"ERR malformed word without '='"
		"ERR malformed empty key"
		"OK v=1"
		"ERR not-running no service was started"
		"ERR bad-value svc=nope: @SVCS@"
		"ERR unknown-key kind"
		"ERR bad-value svc=(missing): @SVCS@"
		"ERR malformed empty word (two spaces, or a space at the end)"
		"OK"
		"EOF"
	)
	local i svcs="one of netserver, iperf3, rsync-out, rsync-in"
	for i in "${!want[@]}"; do
		want[$i]=${want[$i]/@SVCS@/$svcs}
		[ "${lines[$i]}" = "${want[$i]}" ] || {
			echo "line $i: '${lines[$i]}' != '${want[$i]}'"
			return 1
		}
	done
	[ "${#lines[@]}" -eq "${#want[@]}" ]
	good_client
}

@test "an oversized line: ERR oversized, closed; the next client is served" {
	serve
	local big
	big=$(printf 'A%.0s' $(seq 600))
	run -0 talk '<' ">$big" '*'
	[ "${lines[1]}" = \
		"ERR oversized a line is at most 512 bytes with its LF" ]
	[ "${lines[2]}" = EOF ]
	# 511 bytes and the LF is still a line
	run -0 talk '<' ">HELLO token=$(printf 'x%.0s' $(seq 128))\n" '<' \
		">$(printf 'B%.0s' $(seq 511))\n" '<' '>BYE\n' '<'
	[ "${lines[1]}" = "OK v=1" ]
	[ "${lines[2]}" = "ERR malformed verb longer than 16" ]
	[ "${lines[3]}" = OK ]
	good_client
}

@test "--token: missing or wrong closes the connection, right is OK" {
	serve --token s3cret
	run -0 talk '<' '>HELLO\n' '*'
	[ "${lines[1]}" = "ERR token token required" ]
	[ "${lines[2]}" = EOF ]
	run -0 talk '<' '>HELLO token=s3cre\n' '*'
	[ "${lines[1]}" = "ERR token wrong token" ] && [ "${lines[2]}" = EOF ]
	run -0 talk '<' '>HELLO token=s3cret\n' '<' '>BYE\n' '<'
	[ "${lines[1]}" = "OK v=1" ]
	grep -q "token required" "$LOG"
	kill "$SERVE_PID"
	wait "$SERVE_PID" || true
	# the token may come from the environment instead
	TWINBENCH_TOKEN=envtok serve
	run -0 talk '<' '>HELLO token=envtok\n' '<' '>BYE\n' '<'
	[ "${lines[1]}" = "OK v=1" ]
	run -0 talk '<' '>HELLO\n' '*'
	[ "${lines[1]}" = "ERR token token required" ]
}

@test "a client gone mid-line, one gone silent (--idle): the next is served" {
	serve --idle 1
	run -0 talk '<' '>HEL' '.'
	for i in $(seq 50); do
		grep -q "disconnected mid-line" "$LOG" && break
		sleep 0.1
	done
	grep -q "disconnected mid-line" "$LOG"
	SECONDS=0
	run -0 talk '<' '>HELLO\n' '<' '*'
	[ "${lines[1]}" = "OK v=1" ] && [ "${lines[2]}" = EOF ]
	[ "$SECONDS" -le 5 ]
	grep -q "idle for 1 s: closed" "$LOG"
	good_client
}

@test "busy: a second client while the first is connected, at once" {
	serve
	talk '<' '>HELLO\n' '<' '~3' '>BYE\n' '<' > "$BATS_TEST_TMPDIR/first" &
	local first=$!
	for i in $(seq 50); do
		grep -q "connected" "$LOG" && break
		sleep 0.1
	done
	SECONDS=0
	run -0 talk '<' '*'
	[ "${lines[0]}" = "TWINBENCH-PEER 1 busy" ] && [ "${lines[1]}" = EOF ]
	[ "$SECONDS" -le 1 ]
	wait "$first"
	run -0 cat "$BATS_TEST_TMPDIR/first"
	[ "${lines[1]}" = "OK v=1" ] && [ "${lines[2]}" = OK ]
	grep -q "refused: busy with another client" "$LOG"
	good_client
}

@test "--once: the agent exits after the first session, its scratch gone" {
	P=$(free_base)
	export P
	mkdir -p "$BATS_TEST_TMPDIR/tmp"
	TMPDIR=$BATS_TEST_TMPDIR/tmp "$TB" serve --listen 127.0.0.1 \
		--port "$P" --bindir "$TOOLS" --once 3>&- 2>"$LOG" &
	SERVE_PID=$!
	for i in $(seq 100); do listening "$P" && break; sleep 0.05; done
	ls "$BATS_TEST_TMPDIR/tmp" | grep -q '^twinbench-serve-'
	good_client
	local rc=0
	for i in $(seq 50); do
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$SERVE_PID" || rc=$?
	SERVE_PID=
	[ "$rc" -eq 0 ]
	[ -z "$(ls "$BATS_TEST_TMPDIR/tmp")" ]
}

# stopped PORT: wait (7 s at most) until nothing listens on PORT
stopped() {
	for i in $(seq 70); do
		listening "$1" || return 0
		sleep 0.1
	done
	return 1
}

@test "a client gone while its service runs: the service is stopped" {
	local name port args=
	if [ -x "$TOOLS/netserver" ]; then
		name=netserver port=1
	elif [ -x "$TOOLS/iperf3" ]; then
		name=iperf3 port=3
	else
		tool rsync
		name=rsync-out port=4 args=' kind=file seed=1 bytes=1000'
	fi
	local start=">START svc=$name$args\n"
	serve
	run -0 talk '<' '>HELLO\n' '<' "$start" '<' '.'
	[[ ${lines[2]} == "OK port=$((P + port))"* ]]
	stopped $((P + port))
	for i in $(seq 50); do
		grep -q "session ended" "$LOG" && break
		sleep 0.1
	done
	grep -q "disconnected" "$LOG" && grep -q "stopping" "$LOG"
	good_client
	# and START while one runs is refused
	run -0 talk '<' '>HELLO\n' '<' "$start" '<' "$start" '<' '>STOP\n' \
		'<DATA' '>BYE\n' '<'
	[ "${lines[3]}" = "ERR already-running $name" ]
	stopped $((P + port))
}

# metric NAME: the value of NAME in the STOP reply's lines in $DATA
metric() {
	awk -F '\t' -v m="$1" '$1 == "R" && $2 == m && $6 == "peer" {
		print $3 }' "$DATA"
}

@test "iperf3: START, a real test, STOP has the server's throughput" {
	tool iperf3
	serve
	rm -f "$DATA"
	run -0 talk '<' '>HELLO\n' '<' '>START svc=iperf3\n' '<' \
		"!'$TOOLS/iperf3' -c 127.0.0.1 -p $((P + 3)) -t 1 >/dev/null" \
		'>STOP\n' '<DATA' '>BYE\n' '<'
	[ "${lines[2]}" = "OK port=$((P + 3))" ]
	[[ ${lines[3]} =~ ^DATA\ len=[0-9]+$ ]] && [ "${lines[4]}" = OK ]
	cat "$DATA"
	awk -F '\t' '$1 == "R" && $2 == "peer_throughput" && $3 > 0 &&
		$4 == "Mbit/s" && $5 == "higher" { f = 1 } END { exit !f }' \
		"$DATA"
	[ -n "$(metric peer_cpu_time)" ] && [ -n "$(metric peer_seconds)" ]
	awk -v v="$(metric peer_rx_bytes)" 'BEGIN { exit !(v > 1000000) }'
	stopped $((P + 3))
}

@test "netserver: START, netperf TCP_STREAM on the fixed ports, STOP" {
	tool netserver
	tool netperf
	serve
	rm -f "$DATA"
	run -0 talk '<' '>HELLO\n' '<' '>START svc=netserver\n' '<' \
		"!'$TOOLS/netperf' -H 127.0.0.1 -p $((P + 1)) -l 1 \
			-t TCP_STREAM -- -P ,$((P + 2)) >/dev/null" \
		'>STOP\n' '<DATA' '>BYE\n' '<'
	[ "${lines[2]}" = "OK port=$((P + 1)) data_port=$((P + 2))" ]
	[ "${lines[4]}" = OK ]
	awk -v v="$(metric peer_cpu_time)" 'BEGIN { exit !(v > 0) }'
	awk -v v="$(metric peer_rx_bytes)" 'BEGIN { exit !(v > 1000000) }'
	stopped $((P + 1))
}

# tree_hash DIR: the canonical data-set hash of workloads/dataset.h
tree_hash() {
	python3 -c '
import hashlib, os, sys
top = sys.argv[1]
recs = []
for d, dirs, files in os.walk(top):
    for n in dirs + files:
        p = os.path.join(d, n)
        rel = os.path.relpath(p, top).encode()
        if os.path.isdir(p):
            recs.append((rel, b"d " + rel + b"\n"))
        else:
            data = open(p, "rb").read()
            h = hashlib.sha256(data).hexdigest().encode()
            recs.append((rel, b"f %d %s %s\n" % (len(data), h, rel)))
recs.sort()
print(hashlib.sha256(b"".join(r for _, r in recs)).hexdigest())' "$1"
}

@test "rsync-out serves the seeded set; rsync-in checks what arrives" {
	tool rsync
	serve
	local spec='kind=tree seed=2a bytes=100000 files=20'
	local got=$BATS_TEST_TMPDIR/got url=rsync://127.0.0.1:$((P + 4))
	run -0 talk '<' '>HELLO\n' '<' ">START svc=rsync-out $spec\n" '<' \
		"!'$TOOLS/rsync' -a $url/data/ '$got/'" \
		'>STOP\n' '<DATA' '>BYE\n' '<'
	local re="^OK port=$((P + 4)) module=data files=20 bytes=100000"
	[[ ${lines[2]} =~ $re\ sha256=([0-9a-f]{64})$ ]]
	local sha=${BASH_REMATCH[1]}
	[ "$(tree_hash "$got")" = "$sha" ]
	[ "$(find "$got" -type f | wc -l)" -eq 20 ]
	# pushed back: the same set arrives
	rm -f "$DATA"
	run -0 talk '<' '>HELLO\n' '<' ">START svc=rsync-in $spec\n" '<' \
		"!'$TOOLS/rsync' -a '$got/' rsync://127.0.0.1:$((P + 4))/in/" \
		'>STOP\n' '<DATA' '>BYE\n' '<'
	[ "${lines[2]}" = "OK port=$((P + 4)) module=in" ]
	[ "${lines[4]}" = OK ]
	[ "$(metric peer_tree_match)" = 1 ]
	[ "$(metric peer_tree_files)" = 20 ]
	# another seed: the tree that arrives is not the one expected
	rm -f "$DATA"
	run -0 talk '<' '>HELLO\n' '<' \
		">START svc=rsync-in ${spec/seed=2a/seed=2b}\n" '<' \
		"!'$TOOLS/rsync' -a '$got/' $url/in/" \
		'>STOP\n' '<DATA' '>BYE\n' '<'
	[[ ${lines[4]} == "ERR tree-mismatch expected="*" got=$sha "* ]]
	[[ ${lines[4]} == *" files=20/20 bytes=100000/100000" ]]
	[ "$(metric peer_tree_match)" = 0 ]
	[ ! -e "$S/in" ]
}

@test "rsync sets: sizes out of bounds, bad specs, a full scratch disk" {
	tool rsync
	serve
	local o='>START svc=rsync-out'
	run -0 talk '<' '>HELLO\n' '<' \
		"$o kind=tree seed=1 bytes=68719476737 files=2\n" '<' \
		"$o kind=tree seed=1 bytes=10 files=1000001\n" '<' \
		"$o kind=tree seed=1 bytes=10\n" '<' \
		"$o kind=file seed=1 bytes=10 files=2\n" '<' \
		"$o kind=disk seed=1 bytes=10\n" '<' \
		"$o kind=file seed=xyz bytes=10\n" '<' \
		"$o kind=file seed=1 bytes=10 port=1\n" '<' \
		'>BYE\n' '<'
	[[ ${lines[2]} == "ERR bad-value bytes=: 0-68719476736" ]]
	[[ ${lines[3]} == "ERR bad-value files=: "* ]]
	[[ ${lines[4]} == "ERR bad-value files=: "* ]]
	[[ ${lines[5]} == "ERR bad-value files=: "* ]]
	[ "${lines[6]}" = "ERR bad-value kind=disk: tree or file" ]
	[ "${lines[7]}" = "ERR bad-value seed=: 1-16 hex digits" ]
	[ "${lines[8]}" = "ERR unknown-key port" ]
	kill "$SERVE_PID"
	wait "$SERVE_PID" || true
	mkdir -p "$S"
	mount -t tmpfs -o size=4m tmpfs "$S" 2>/dev/null ||
		skip "cannot mount a small tmpfs for the full-disk case"
	serve
	run -0 talk '<' '>HELLO\n' '<' \
		'>START svc=rsync-out kind=file seed=1 bytes=8000000\n' '<' \
		'>BYE\n' '<'
	[[ ${lines[2]} =~ ^ERR\ no-space\ need=[0-9]+\ have=[0-9]+\ on\  ]]
}
