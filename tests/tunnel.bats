bats_require_minimum_version 1.5.0
load helper

# herd tunnel against the loopback fleet (tests/fleet/README): herd-run
# --forward (a local port per host, each local connection a direct-tcpip
# channel on the host's kept connection, a lost host connected again with
# backoff), herd-group --tunnel (the view) and herd tunnel.  What is
# forwarded to is a web server on 127.0.0.1 started here, reached by each
# host's sshd.  As root each host has an sshd of its own (FLEET_HOST_ROOTS),
# so that one host can die alone.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	if [ "$(id -u)" = 0 ]; then
		FLEET_HOST_ROOTS=1 "$TESTS/fleet/fleet-start" "$FD" 3
	else
		"$TESTS/fleet/fleet-start" "$FD" 3
	fi
	export W="$BATS_FILE_TMPDIR/www"
	mkdir -p "$W"
	echo hello >"$W/index.txt"
	head -c 3000000 /dev/urandom >"$W/big"
	# a free run of 8 ports for the forwards, one more for the web server
	export P=$(python3 - <<'EOF'
import random, socket
while True:
    base = random.randrange(30000, 60000)
    socks = []
    try:
        for p in range(base, base + 9):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
print(base)
EOF
)
	export HP=$((P + 8))
	python3 -m http.server --bind 127.0.0.1 --directory "$W" "$HP" \
	    >"$BATS_FILE_TMPDIR/http.log" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/http.pid"
	for i in $(seq 200); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $HP))" \
		    2>/dev/null && break
		sleep 0.05
	done
	# fetch PORT PATH N: PATH by HTTP through PORT, N times at once; the
	# SHA-256 of each body, or the error
	cat >"$BATS_FILE_TMPDIR/fetch" <<'EOF'
#!/usr/bin/env python3
import hashlib, sys, threading, urllib.request
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
out = [None] * n
def get(i):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/%s" % (port, path), timeout=60) as r:
            out[i] = hashlib.sha256(r.read()).hexdigest()
    except Exception as e:
        out[i] = "error: %s" % e
ts = [threading.Thread(target=get, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()
print("\n".join(out))
EOF
	chmod 755 "$BATS_FILE_TMPDIR/fetch"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/http.pid")" 2>/dev/null || true
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" HERD_CONFIG="$FLEET_CONFIG" HERD_FORWARD_BACKOFF=100ms
	mkdir -p "$HOME"
	FETCH="$BATS_FILE_TMPDIR/fetch"
	PID=
}

teardown() {
	if [ -n "${PID:-}" ]; then
		kill -INT "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
}

# bg CMD...: CMD in the background, its stdout in $T/out and stderr in $T/err.
bg() {
	"$@" >"$T/out" 2>"$T/err" &
	PID=$!
}

# has FILE TEXT: FILE has a line with TEXT (waits up to 30 s).
has() {
	local i
	for i in $(seq 600); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for \"$2\" in $1:" >&2
	cat "$1" >&2
	return 1
}

# stop [STATUS]: Ctrl-C to the program started by bg; it exits STATUS (130).
stop() {
	local status=0
	kill -INT "$PID"
	wait "$PID" || status=$?
	PID=
	assert_equal "$status" "${1:-130}"
	# every stage's own complaint (a sanitizer's) would be here
	run grep -E 'Sanitizer|runtime error' "$T/err"
	assert_failure
}

# closed PORT...: nothing listens on them.
closed() {
	local p
	for p; do
		run python3 -c "import socket; socket.create_connection(('127.0.0.1', $p))"
		assert_failure
		assert_output --partial 'Connection refused'
	done
}

# nothing_left: no session of the fleet's users left (waits up to 5 s for it).
nothing_left() {
	run "$TESTS/fleet/fleet-procs" "$FD" 5
	assert_success
	assert_output ""
}

sha() { sha256sum "$W/$1" | cut -d' ' -f1; }

@test "herd tunnel: a port per host in host order, a line each once up; each forwards; Ctrl-C closes every port, nothing left" {
	bg herd tunnel -F "$FLEET_SSH_CONFIG" -L "$P:127.0.0.1:$HP" h001 h002 h003
	has "$T/out" "3 tunnels active. Press Ctrl-C to close."
	run grep -c ' → ' "$T/out"
	assert_output 3
	grep -qxF "127.0.0.1:$P → h001 → 127.0.0.1:$HP" "$T/out"
	grep -qxF "127.0.0.1:$((P + 1)) → h002 → 127.0.0.1:$HP" "$T/out"
	grep -qxF "127.0.0.1:$((P + 2)) → h003 → 127.0.0.1:$HP" "$T/out"
	for p in $P $((P + 1)) $((P + 2)); do
		run "$FETCH" "$p" index.txt 1
		assert_output "$(sha index.txt)"
	done
	stop 130
	closed $P $((P + 1)) $((P + 2))
	nothing_left
	assert_equal "$(tail -n 1 "$T/out")" "3 tunnels closed."
}

@test "herd-run --forward: C of kind forward with the specification, S as hosts come up, R and E once stopped" {
	printf 'H\th001\nH\th002\n' >"$T/hosts"
	bg herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --forward "$P:127.0.0.1:$HP"
	has "$T/out" $'h002\tup'
	has "$T/out" $'h001\tup'
	stop 130
	assert_equal "$(awk -F '\t' '$1 == "C" { print $4, $6 }' "$T/out")" \
	    "127.0.0.1:$P:127.0.0.1:$HP forward"
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $4 }' "$T/out" | sort | paste -sd,)" \
	    'h001 ok,h002 ok'
	assert_equal "$(grep -c '^E' "$T/out")" 1
}

@test "herd tunnel: many connections through one port at once, each its own channel, every byte through" {
	bg herd tunnel -F "$FLEET_SSH_CONFIG" -L "$P:127.0.0.1:$HP" h002
	has "$T/out" "1 tunnel active."
	run "$FETCH" "$P" big 12
	assert_success
	assert_equal "$(sort -u <<<"$output")" "$(sha big)"
	assert_equal "${#lines[@]}" 12
	stop 130
	nothing_left
}

@test "herd tunnel: a reader slower than the host (back-pressure), a half-closed request, all bytes in order" {
	bg herd tunnel -F "$FLEET_SSH_CONFIG" -L "$P:127.0.0.1:$HP" h001
	has "$T/out" "1 tunnel active."
	run python3 - "$P" <<'EOF'
import hashlib, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
s.sendall(b"GET /big HTTP/1.0\r\nHost: x\r\n\r\n")
s.shutdown(socket.SHUT_WR)
time.sleep(1)	# the host's bytes wait in the tunnel meanwhile
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(hashlib.sha256(data.split(b"\r\n\r\n", 1)[1]).hexdigest())
EOF
	assert_success
	assert_output "$(sha big)"
	stop 130
}

@test "herd tunnel: a local port already in use is said, naming it, before anything connects (exit 3)" {
	run herd tunnel -F "$FLEET_SSH_CONFIG" -L "$((HP - 1)):127.0.0.1:$HP" h001 h002
	assert_failure 3
	assert_output --partial "127.0.0.1:$HP (for h002): the port is already in use"
	refute_output --partial '→'
	closed $((HP - 1))
	nothing_left
	# the web server still answers on its port
	run "$FETCH" "$HP" index.txt 1
	assert_output "$(sha index.txt)"
}

@test "herd tunnel: a bad specification or a host count beyond port 65535 is a usage error" {
	run herd tunnel -F "$FLEET_SSH_CONFIG" -L 8080:localhost h001
	assert_failure 2
	assert_output --partial 'expected [BIND:]LPORT:RHOST:RPORT'
	run herd tunnel -F "$FLEET_SSH_CONFIG" -L 0:localhost:80 h001
	assert_failure 2
	assert_output --partial 'a port is a number from 1 to 65535'
	run herd tunnel -F "$FLEET_SSH_CONFIG" h001
	assert_failure 2
	assert_output --partial 'give -L'
	printf 'H\th001\nH\th002\n' >"$T/hosts"
	run herd-run -f "$T/hosts" --forward 65535:localhost:80
	assert_failure 2
	assert_output --partial '2 hosts from port 65535 go beyond 65535'
}

@test "herd tunnel: nothing listening at RHOST:RPORT on the host: that connection refused and said, the tunnel stays" {
	bg herd tunnel -F "$FLEET_SSH_CONFIG" -L "$P:127.0.0.1:$((P + 7))" h001
	has "$T/out" "1 tunnel active."
	run python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $P))
print(len(s.recv(100)))"
	assert_output 0
	has "$T/err" "h001: a connection to 127.0.0.1:$((P + 7)) refused"
	stop 130
	nothing_left
}

@test "herd tunnel: a host that dies is said on one line, its port stays, and it forwards again once the host is back" {
	[ "$(id -u)" = 0 ] || skip "needs root (an sshd per host)"
	bg herd tunnel -F "$FLEET_SSH_CONFIG" -L "$P:127.0.0.1:$HP" h001 h002
	has "$T/out" "2 tunnels active."
	run "$FETCH" $((P + 1)) index.txt 1
	assert_output "$(sha index.txt)"
	# h002's sshd and its sessions, the deepest first: a process killed
	# leaves its children to init
	pid=$(cat "$FD/run/sshd.h002.pid")
	kids=$(pgrep -P "$pid")
	for k in $kids; do pkill -KILL -P "$k" || true; done
	kill -KILL $kids 2>/dev/null || true
	kill -TERM "$pid"
	has "$T/out" "h002: down: "
	# its port stays bound, a connection to it closed at once
	run python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $((P + 1))))
print(len(s.recv(100)))"
	assert_output 0
	# h001 still forwards
	run "$FETCH" "$P" index.txt 1
	assert_output "$(sha index.txt)"
	# the host back: connected again, and forwarding
	env "$FLEET_MARK" /usr/sbin/sshd -r -f "$FD/sshd_config.h002" -E "$FD/sshd.log"
	has "$T/out" "127.0.0.1:$((P + 1)) → h002 → 127.0.0.1:$HP (connected again)"
	run "$FETCH" $((P + 1)) index.txt 1
	assert_output "$(sha index.txt)"
	assert_equal "$(grep -c 'h002: ' "$T/out")" 1
	stop 130
	closed $P $((P + 1))
	nothing_left
}
