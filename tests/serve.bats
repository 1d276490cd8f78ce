bats_require_minimum_version 1.5.0
load helper

# herd-run --serve against the loopback fleet (tests/fleet/README): requests
# (Q, X) on its stdin, runs (C..R..E) and connection states (S) on its
# stdout, connections kept across requests.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 3
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME"
	mkfifo "$T/in"
}

teardown() {
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null || true
}

# serve [ARGS]: a serving herd-run reading $T/in, writing $T/out; fd 7 feeds it.
serve() {
	herd-run --serve -F "$FLEET_SSH_CONFIG" "$@" <"$T/in" >"$T/out" 2>"$T/err" &
	SERVER=$!
	exec 7>"$T/in"
}

# send RECORD...: each argument one record line, fields TAB-separated already.
send() { printf '%s\n' "$@" >&7; }

# q ID COMMAND HOSTS [TIMEOUT_MS] [FLAGS]: a request.
q() { send "$(printf 'Q\t%s\t\t%s\t%s\t%s\t%s' "$1" "$2" "$3" "${4:-}" "${5:-}")"; }

# await ERE [SECONDS]: until a line of the output matches (default 30 s).
await() {
	local i
	for ((i = 0; i < ${2:-30} * 10; i++)); do
		grep -qE "$1" "$T/out" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line matching $1 in:" >&2
	cat "$T/out" >&2
	return 1
}

# conns: the TCP connections the server holds (local address:port), sorted.
conns() { ss -tnpH state established | awk -v p="pid=$SERVER," 'index($0, p) { print $3 }' | sort; }

# field TYPE ID N: field N of the TYPE records of run (or host) ID.
field() { awk -F '\t' -v t="$1" -v id="$2" -v n="$3" '$1 == t && $2 == id { print $n }' "$T/out"; }

@test "serve: two requests run on the same connections, none new for the second" {
	serve
	send "$(printf 'H\th001')" "$(printf 'H\th002')"
	q r1 'echo one' ''
	await '^E	r1	'
	first=$(conns)
	assert_equal "$(wc -l <<<"$first")" 2
	q r2 'echo two' h002
	await '^E	r2	'
	assert_equal "$(conns)" "$first"
	assert_equal "$(field R r1 4 | sort | paste -sd' ')" "ok ok"
	assert_equal "$(field R r2 3)" h002
	assert_equal "$(awk -F '\t' '$1 == "C" { print $2 "|" $4 }' "$T/out")" "r1|echo one
r2|echo two"
	assert_equal "$(awk -F '\t' '$1 == "E" && $2 == "r2" { print $4, $5, $6, $7 }' "$T/out")" "1 0 0 0"
	# each host said up once
	assert_equal "$(awk -F '\t' '$1 == "S" && $3 == "up" { print $2 }' "$T/out" | sort | paste -sd' ')" "h001 h002"
	exec 7>&-
	wait "$SERVER"
	SERVER=
	assert_equal "$(head -1 "$T/out")" "#herd-records 1"
}

# cpu_ticks PID: its user+sys time in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

@test "serve: kept connections cost no CPU while idle (the loop sleeps)" {
	serve
	send "$(printf 'H\th001')" "$(printf 'H\th002')" "$(printf 'H\th003')"
	q r1 'echo one' ''
	await '^E	r1	'
	before=$(cpu_ticks "$SERVER")
	sleep 3
	after=$(cpu_ticks "$SERVER")
	# a loop that spins takes a whole CPU, hundreds of ticks in 3 s even on
	# a loaded machine; sleeping it takes none (keepalives come every 30 s)
	[ $((after - before)) -le 20 ] || { echo "idle for 3 s took $((after - before)) ticks" >&2; false; }
}

@test "serve: runs interleave; each is C..E by its id, a short one ends before a long one" {
	serve
	send "$(printf 'H\tslow')" "$(printf 'H\th001')"
	q long behave slow
	q short 'echo quick' h001
	await '^E	long	'
	first_end=$(awk -F '\t' '$1 == "E" { print $2; exit }' "$T/out")
	assert_equal "$first_end" short
	run awk -F '\t' '$1 == "R" && $2 == "long" { print $3, $4 }' "$T/out"
	assert_output "slow ok"
}

@test "serve: a cancel stops the run's commands; the host reports it, the run still ends, nothing left on the host" {
	serve
	send "$(printf 'H\thang')" "$(printf 'H\th001')"
	q r1 behave hang,h001
	await '^R	r1	h001	'
	sleep 0.5
	send "$(printf 'X\tr1')"
	await '^E	r1	'
	run awk -F '\t' '$1 == "R" && $2 == "r1" && $3 == "hang" { print $4 "|" $10 }' "$T/out"
	assert_output "failed|cancelled; the remote command was stopped"
	run "$TESTS/fleet/fleet-procs" "$FD" 5
	refute_output --partial 'sleep 3600'
	# the connection is still good for the next request
	q r2 'echo after' hang
	await '^E	r2	'
	assert_equal "$(field R r2 4)" ok
}

@test "serve: a dropped connection is said down, and opened again on the next request" {
	serve
	send "$(printf 'H\tdisconnect')"
	q r1 behave disconnect
	await '^E	r1	'
	assert_equal "$(field R r1 4)" failed
	await '^S	disconnect	down	'
	assert_equal "$(conns)" ""
	q r2 'echo back' disconnect
	await '^E	r2	'
	assert_equal "$(field R r2 4)" ok
	assert_equal "$(conns | wc -l)" 1
	assert_equal "$(awk -F '\t' '$1 == "S" { print $3 }' "$T/out" | paste -sd' ')" \
	    "connecting up down connecting up"
}

@test "serve: an idle connection that dies is noticed without a request" {
	serve
	send "$(printf 'H\th001')" "$(printf 'H\th002')"
	q r1 true ''
	await '^E	r1	'
	# the sshd processes at the other end of the server's connections (only
	# those: other fleets may run beside this one)
	for c in $(conns); do
		ss -tnpH state established | awk -v c="$c" '$4 == c' |
		    grep -o 'pid=[0-9]*' | cut -d= -f2
	done | sort -u | xargs -r kill -KILL
	await '^S	h001	down	'
	await '^S	h002	down	'
}

@test "serve: Ctrl-C is the client's (SIGINT ignored); end of input lets the runs finish, then exit 0" {
	serve
	send "$(printf 'H\tslow')"
	q r1 behave slow
	await '^C	r1	'
	kill -INT "$SERVER"
	exec 7>&-
	status=0
	wait "$SERVER" || status=$?
	SERVER=
	assert_equal "$status" 0
	assert_equal "$(field R r1 4)" ok
	assert_equal "$(awk -F '\t' '$1 == "E" { print $2 }' "$T/out")" r1
}

@test "serve: a request it cannot run is said, and the server goes on" {
	serve
	send "$(printf 'H\th001')"
	q r1 true nosuchhost
	send "$(printf 'Q\tr2\t\t')" "$(printf 'X\tnorun')"
	q r3 'echo fine' h001
	await '^E	r3	'
	run cat "$T/err"
	assert_line --partial 'request r1: no H record for host nosuchhost'
	assert_line --partial 'Q: '
	assert_line --partial 'X norun: no such run in flight'
	refute grep -q '^C	r1	' "$T/out"
	assert_equal "$(field R r3 4)" ok
}

@test "serve: stdin data, sudo and streaming are per request" {
	serve
	send "$(printf 'H\th001')"
	q r1 'id -u' h001 '' S
	# the stdin field is the 12th of a Q
	send "$(printf 'Q\tr2\t\twc -c\th001\t\ti\t\t\t\t\t12345')"
	q r3 'echo a; echo b' h001 '' s
	await '^E	r3	'
	await '^E	r2	'
	await '^E	r1	'
	assert_equal "$(field R r2 8)" '5\n'
	[ "$(grep -c '^L	r3	h001	o	' "$T/out")" -eq 2 ]
	assert_equal "$(grep -c '^L	r2	' "$T/out")" 0
	if [ "$FLEET_HAS_SUDO" = 1 ]; then
		assert_equal "$(field R r1 8)" '0\n'
	fi
	herd-run --help | grep -q -- --serve
}

@test "serve: two requests' stdin of 3 MB each at once on one connection: each arrives whole" {
	serve
	send "$(printf 'H\th001')"
	q r0 true h001
	await '^E	r0	'
	head -c 2300000 /dev/urandom | base64 -w 0 >"$T/a"
	head -c 2300000 /dev/urandom | base64 -w 0 >"$T/b"
	# more than the window sshd gives (2 MB) and than herd-run keeps in flight
	[ "$(stat -c %s "$T/a")" -gt 3000000 ]
	send "$(printf 'Q\tr1\t\tsha256sum\th001\t\ti\t\t\t\t\t'; cat "$T/a")" \
	    "$(printf 'Q\tr2\t\tsha256sum\th001\t\ti\t\t\t\t\t'; cat "$T/b")"
	await '^E	r1	'
	await '^E	r2	'
	assert_equal "$(field R r1 8)" "$(sha256sum <"$T/a" | sed 's/$/\\n/')"
	assert_equal "$(field R r2 8)" "$(sha256sum <"$T/b" | sed 's/$/\\n/')"
	# one connection for all three
	assert_equal "$(grep -c '^S	h001	up' "$T/out")" 1
}

@test "serve: P records give hosts their own command; one not for the request refuses it" {
	serve
	send "$(printf 'H\th001')" "$(printf 'H\th002')" "$(printf 'H\th003')"
	send "$(printf 'P\tr1\th002\techo own; echo two')"
	q r1 'echo shared' h001,h002
	await '^E	r1	'
	assert_equal "$(field R r1 8 | sort | tr '\n' ' ')" 'own\ntwo\n shared\n '
	# a P for a host the request leaves out, or for another run: nothing run
	send "$(printf 'P\tr2\th003\techo x')"
	q r2 'echo y' h001
	send "$(printf 'P\tother\th001\techo x')"
	q r3 'echo y' h001
	# a request refused for another reason takes its P records with it
	send "$(printf 'P\tr5\th001\techo x')"
	q r5 'echo y' h001,nohost
	q r4 'echo after' h001
	await '^E	r4	'
	run cat "$T/err"
	assert_line --partial 'request r2: a P record for run r2, host h003, is not for it'
	assert_line --partial 'request r3: a P record for run other, host h001, is not for it'
	refute grep -qE '^C	r[23]	' "$T/out"
	assert_equal "$(field R r4 8)" 'after\n'
}

@test "serve: usage errors (a COMMAND, --json, -f) exit 2" {
	run herd-run --serve true </dev/null
	assert_failure 2
	run herd-run --serve --json </dev/null
	assert_failure 2
	run herd-run --serve -f /dev/null </dev/null
	assert_failure 2
}

# --- the socket (--serve --socket): each client served like stdin/stdout ---

# sock_serve [ARGS]: a server on $T/s/mux.sock.
sock_serve() {
	mkdir -m 700 -p "$T/s"
	herd-run --serve --socket "$T/s/mux.sock" -F "$FLEET_SSH_CONFIG" "$@" \
	    </dev/null >/dev/null 2>"$T/err" &
	SERVER=$!
	local i
	for ((i = 0; i < 100; i++)); do
		unix-relay "$T/s/mux.sock" </dev/null >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	cat "$T/err" >&2
	return 1
}

# client NAME RECORD...: a client sending the records, its answer in $T/NAME.
client() {
	local name=$1
	shift
	printf '%s\n' '#herd-records 1' "$@" | unix-relay "$T/s/mux.sock" >"$T/$name"
}

@test "socket: clients one after another share the connections; each gets only its own runs" {
	sock_serve
	client a "$(printf 'H\th001')" "$(printf 'H\th002')" "$(printf 'Q\tra\t\techo a')"
	first=$(conns)
	assert_equal "$(wc -l <<<"$first")" 2
	client b "$(printf 'H\th002')" "$(printf 'Q\trb\t\techo b')"
	assert_equal "$(conns)" "$first"
	assert_equal "$(awk -F '\t' '$1 == "R" { print $2, $3, $4, $8 }' "$T/a" | sort)" "ra h001 ok a\\n
ra h002 ok a\\n"
	assert_equal "$(awk -F '\t' '$1 == "R" { print $2, $3, $4, $8 }' "$T/b")" 'rb h002 ok b\n'
	refute grep -q '	ra	' "$T/b"
	# on connect, a client is told every kept connection's state
	assert_equal "$(awk -F '\t' '$1 == "S" { print $2, $3 }' "$T/b" | head -2 | sort)" "h001 up
h002 up"
}

@test "socket: two clients at once" {
	sock_serve
	client a "$(printf 'H\tslow')" "$(printf 'Q\tra\t\tbehave')" &
	pid=$!
	client b "$(printf 'H\th001')" "$(printf 'Q\trb\t\techo b')"
	wait "$pid"
	assert_equal "$(awk -F '\t' '$1 == "E" { print $2, $4 }' "$T/a")" "ra 1"
	assert_equal "$(awk -F '\t' '$1 == "E" { print $2, $4 }' "$T/b")" "rb 1"
}

@test "socket: 0600, another user is refused, a live socket is not taken over" {
	sock_serve
	assert_equal "$(stat -c %a "$T/s/mux.sock")" 600
	run herd-run --serve --socket "$T/s/mux.sock" </dev/null
	assert_failure 3
	assert_output --partial "a mux is already running on $T/s/mux.sock"
	if [ "$(id -u)" != 0 ]; then
		skip "needs root to connect as another user"
	fi
	chmod 755 "$T/s"
	chmod 666 "$T/s/mux.sock"	# even so: the peer's uid is checked
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$(command -v unix-relay)" "$T/s/mux.sock" </dev/null
	refute_output --partial '#herd-records'
	for ((i = 0; i < 100; i++)); do
		grep -q 'uid 65534 .*refused' "$T/err" && break
		sleep 0.1
	done
	assert grep -q 'a client of uid 65534 .*refused' "$T/err"
}

@test "socket: a stale socket file left by kill -9 is replaced; the idle timeout stops the server" {
	sock_serve
	kill -KILL "$SERVER"
	wait "$SERVER" || true
	[ -S "$T/s/mux.sock" ]
	sock_serve
	client a "$(printf 'H\th001')" "$(printf 'Q\tra\t\techo a')"
	assert_equal "$(awk -F '\t' '$1 == "E" { print $2, $4 }' "$T/a")" "ra 1"
	kill -TERM "$SERVER"
	wait "$SERVER" || true
	sock_serve --idle-timeout 500ms
	status=0
	wait "$SERVER" || status=$?
	SERVER=
	assert_equal "$status" 0
	[ ! -e "$T/s/mux.sock" ]
}

@test "herd-run --mux PATH: one-shot runs handed to the mux; the second opens no connection" {
	sock_serve
	printf 'H\t%s\n' h001 h002 >"$T/hosts"
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --mux "$T/s/mux.sock" 'echo one' >"$T/one"
	first=$(conns)
	assert_equal "$(wc -l <<<"$first")" 2
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --mux "$T/s/mux.sock" 'echo two' >"$T/two"
	assert_equal "$(conns)" "$first"
	assert_equal "$(head -1 "$T/two")" "#herd-records 1"
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $4, $8 }' "$T/two" | sort)" 'h001 ok two\n
h002 ok two\n'
	assert_equal "$(grep -c '^E	' "$T/two")" 1
	refute grep -q '^S	' "$T/two"
	# the same run directly, for the same records
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --mux no 'echo two' >"$T/direct"
	assert_equal "$(cut -f1,3,4,8 "$T/direct" | grep '^R' | sort)" "$(cut -f1,3,4,8 "$T/two" | grep '^R' | sort)"
}
