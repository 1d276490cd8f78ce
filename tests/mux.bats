bats_require_minimum_version 1.5.0
load helper

# The per-user mux (herd-run --serve --socket, herd mux, herd-run --mux):
# where its socket lives, who may connect, stale sockets, the client's
# relay of a run (against mux-listen, a stand-in mux: tests/tools), and,
# once herd-run serves a socket, connections kept across herd execs on the
# loopback fleet (tests/fleet/README).

has_socket() { herd-run --help | grep -q -- '--socket'; }
has_mux() { herd-run --help | grep -q -- '--mux'; }

setup_file() {
	if has_socket; then
		export FD="$BATS_FILE_TMPDIR/fleet"
		"$TESTS/fleet/fleet-start" "$FD" 3
	fi
}

teardown_file() {
	[ -z "${FD:-}" ] || "$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	[ -z "${FD:-}" ] || . "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" XDG_RUNTIME_DIR="$T/run"
	mkdir -p "$HOME"
	mkdir -m 700 "$T/run"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	PIDS=()
}

# Every mux and stand-in this test started, stopped.
teardown() {
	local f p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for f in "$T"/run/herd/*.pid "$T"/*.pid; do
		[ -f "$f" ] || continue
		p=$(cut -d' ' -f1 "$f" 2>/dev/null) || continue
		kill "$p" 2>/dev/null || true
	done
}

needs_server() {
	has_socket || skip "needs herd-run --serve --socket"
}

needs_client() {
	has_socket || skip "needs herd-run --serve --socket"
	has_mux || skip "needs herd-run --mux"
}

# mux_path [OPTION...]: the socket herd mux would use with these options.
mux_path() { herd --explain mux status "$@" | sed -n 's/^# herd mux status: the mux on //p'; }

# listen PATH [ARGS]: a stand-in mux on PATH, in the background.
listen() {
	local path=$1 i
	shift
	mux-listen "$@" "$path" 2>>"$T/listen.err" &
	PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -S "$path" ] && [ "$(cut -d' ' -f1 "$path.pid" 2>/dev/null)" = "$!" ] && return 0
		sleep 0.05
	done
	echo "mux-listen did not start on $path:" >&2
	cat "$T/listen.err" >&2
	return 1
}

# two hosts' H records
hosts() { printf '#herd-records 1\nH\th1\nH\th2\n'; }

# kinds: each record's type (and host for L and R), one line
kinds() { awk -F '\t' '{ s = $1; if ($1 == "L" || $1 == "R") s = s ":" $3; print s }' | paste -sd'|'; }

# reply FILE LINE...: a stand-in's script, fields separated by TABs already.
reply() { local f=$1; shift; printf '%s\n' "$@" >"$f"; }

@test "mux: the socket is DIR/mux-<12 hex>.sock in \$XDG_RUNTIME_DIR/herd, made 0700" {
	p=$(mux_path)
	[[ $p =~ ^$T/run/herd/mux-[0-9a-f]{12}\.sock$ ]]
	assert_equal "$(stat -c %a "$T/run/herd")" 700
}

@test "mux: without an absolute XDG_RUNTIME_DIR, /tmp/herd-UID (same rules)" {
	dir=/tmp/herd-$(id -u)
	existed=0
	[ ! -e "$dir" ] || existed=1
	XDG_RUNTIME_DIR=relative/run run mux_path
	relative=$output
	assert_equal "$(stat -c %a "$dir")" 700
	unset XDG_RUNTIME_DIR
	run mux_path
	[ "$existed" = 1 ] || rmdir "$dir" 2>/dev/null || true
	[[ $relative =~ ^$dir/mux-[0-9a-f]{12}\.sock$ ]]
	[[ $output =~ ^$dir/mux-[0-9a-f]{12}\.sock$ ]]
}

@test "mux: a directory open to group or others, a symlink, or not a directory is refused" {
	mkdir -m 755 "$T/run/herd"
	run -3 herd mux status
	assert_output --partial "$T/run/herd is open to group or others (mode 0755)"
	assert_output --partial "chmod 700 it"
	rmdir "$T/run/herd"
	mkdir -m 700 "$T/elsewhere"
	ln -s "$T/elsewhere" "$T/run/herd"
	run -3 herd mux status
	assert_output --partial "$T/run/herd is not a directory"
	rm "$T/run/herd"
	: >"$T/run/herd"
	run -3 herd mux start
	assert_output --partial "is not a directory"
	[ ! -e "$T/run/herd.sock" ]
}

@test "mux: a directory owned by another user is refused" {
	[ "$(id -u)" = 0 ] || skip "needs root to chown the directory to another user"
	mkdir -m 700 "$T/run/herd"
	chown 65534 "$T/run/herd"
	run -3 herd mux status
	assert_output --partial "$T/run/herd is owned by uid 65534, not by us (uid 0)"
}

@test "mux: the socket's name is the hash of the SSH settings, as ssh's %C" {
	base=$(mux_path)
	assert_equal "$(mux_path)" "$base"
	[ "$(mux_path -F "$T/ssh_config")" != "$base" ]
	# a relative path is the same file as its absolute one
	(cd "$T" && [ "$(mux_path -F ssh_config)" = "$(mux_path -F "$T/ssh_config")" ])
	[ "$(mux_path -i "$T/key")" != "$base" ]
	[ "$(mux_path -l deploy)" != "$base" ]
	[ "$(mux_path -p 2222)" != "$base" ]
	[ "$(mux_path --accept-new)" != "$base" ]
	[ "$(mux_path --insecure)" != "$base" ]
	[ "$(mux_path --connect-timeout 5s)" != "$base" ]
	assert_equal "$(mux_path --connect-timeout 5s)" "$(mux_path --connect-timeout 5000ms)"
	# -o options: the first value wins in ssh_config, so their order counts
	[ "$(mux_path -o Port=1 -o User=a)" != "$(mux_path -o User=a -o Port=1)" ]
	# the config in effect: -c, else $HERD_CONFIG
	[ "$(mux_path -c "$T/other.yaml")" != "$base" ]
	assert_equal "$(HERD_CONFIG="$T/other.yaml" mux_path)" "$(mux_path -c "$T/other.yaml")"
}

@test "mux: herd mux status and stop with no mux: exit 1" {
	run -1 herd mux status
	assert_output "no mux runs on $(mux_path)"
	run -1 herd mux stop
	assert_output "no mux runs on $(mux_path)"
	run -2 herd mux restart
	assert_output --partial "unknown action restart"
	run -2 herd mux status --idle-timeout 1s
	assert_output --partial "--idle-timeout goes with start"
	run -2 herd mux start --fanout 3
	assert_output --partial "--fanout is not an option of mux"
	run -2 herd mux start --idle-timeout soon
	assert_output --partial "expected a duration"
}

@test "mux: listen_open: socket 0600, pid file 0600 with the pid and the idle timeout" {
	p=$(mux_path)
	listen "$p"
	assert_equal "$(stat -c %a "$p")" 600
	assert_equal "$(stat -c %a "$p.pid")" 600
	assert_equal "$(cat "$p.pid")" "${PIDS[0]} 600000"
}

@test "mux: a live socket is not taken over; a stale one (kill -9) is replaced" {
	p=$(mux_path)
	listen "$p"
	run -1 mux-listen "$p"
	assert_output "mux-listen: a mux is already running on $p"
	kill -9 "${PIDS[0]}"
	wait "${PIDS[0]}" 2>/dev/null || true
	[ -S "$p" ]
	listen "$p"
	assert_equal "$(cut -d' ' -f1 "$p.pid")" "${PIDS[1]}"
	run -0 herd mux status
	assert_output "mux on $p (pid ${PIDS[1]}, idle timeout 10m): 0 connections"
	# what is at the path and no socket is left alone
	rm -f "$T/file"
	: >"$T/file"
	run -1 mux-listen "$T/file"
	assert_output "mux-listen: $T/file exists and is not a socket"
}

@test "mux: herd mux stop removes a stale socket file and says so" {
	p=$(mux_path)
	listen "$p"
	kill -9 "${PIDS[0]}"
	wait "${PIDS[0]}" 2>/dev/null || true
	run -1 herd mux stop
	assert_output "no mux runs on $p; its stale socket file was removed"
	[ ! -e "$p" ]
	[ ! -e "$p.pid" ]
}

@test "mux: herd mux stop: SIGTERM, the socket and pid file removed; start with one running" {
	p=$(mux_path)
	listen "$p"
	run -0 herd mux start
	assert_output "a mux already runs on $p (pid ${PIDS[0]}, idle timeout 10m)"
	run -0 herd mux stop
	assert_output "mux on $p stopped (pid ${PIDS[0]})"
	[ ! -e "$p" ]
	[ ! -e "$p.pid" ]
}

@test "mux: herd mux status: the connections folded by state and reason" {
	p=$(mux_path)
	reply "$T/states" \
	    "$(printf 'S\th001\tup\t1')" "$(printf 'S\th002\tup\t1')" \
	    "$(printf 'S\th003\tconnecting\t1')" \
	    "$(printf 'S\th004\tfailed\t1\tPermission denied')" \
	    "$(printf 'S\th005\tfailed\t1\tConnection refused')" \
	    "$(printf 'S\th006\tfailed\t1\tPermission denied')" \
	    "$(printf 'S\th003\tup\t2')"
	listen "$p" -s "$T/states"
	run -0 herd mux status
	assert_output "mux on $p (pid ${PIDS[0]}, idle timeout 10m): 6 connections
up (3): h[001-003]
failed (2): h[004,006]: Permission denied
failed (1): h005: Connection refused"
}

@test "mux: a peer of another uid is refused (SO_PEERCRED), and cannot reach the socket anyway" {
	[ "$(id -u)" = 0 ] || skip "needs root to connect as another uid"
	p=$(mux_path)
	listen "$p"
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	# the directory is 0700 and the socket 0600: no way in
	run -4 nobody "$HERD_BUILD/tests/mux-client" "$p" true < <(hosts)
	assert_output --partial "Permission denied"
	# even when the socket is reachable, the mux refuses the peer
	open=$(mktemp -d /tmp/herd-mux-test.XXXXXX)
	chmod 755 "$open"
	listen "$open/s.sock"
	chmod 666 "$open/s.sock"
	run -4 nobody "$HERD_BUILD/tests/mux-client" "$open/s.sock" true < <(hosts)
	kill "${PIDS[1]}"
	wait "${PIDS[1]}" || true
	rm -rf "$open"
	# (the client refuses a server of another uid too)
	assert_output --partial "Operation not permitted"
	for ((i = 0; i < 50; i++)); do
		grep -q refused "$T/listen.err" && break
		sleep 0.1
	done
	run grep -c "refused: a client of uid 65534 (pid [0-9]*) refused: the mux serves uid 0 only" "$T/listen.err"
	assert_output 1
}

@test "mux client: the run's C, L, R, E relayed; S records and other runs left out" {
	p=$(mux_path)
	reply "$T/reply" \
	    "$(printf 'S\th1\tup\t1')" \
	    "$(printf 'C\t@RUN@\t5\techo hi')" \
	    "$(printf 'C\tother\t5\tnot ours')" \
	    "$(printf 'L\t@RUN@\th1\to\t6\thi\\n')" \
	    "$(printf 'R\tother\th1\tok\t0\t1\t-')" \
	    "$(printf 'R\t@RUN@\th1\tok\t0\t1\t-\thi\\n')" \
	    "$(printf 'R\t@RUN@\th2\tnonzero\t1\t1\t-')" \
	    "$(printf 'E\t@RUN@\t9\t1\t1\t0\t0')"
	listen "$p" -r "$T/reply"
	run -1 --separate-stderr mux-client -s auto 'echo hi' < <(hosts)
	assert_equal "$(kinds <<<"$output")" "#herd-records 1|H|H|C|L:h1|R:h1|R:h2|E"
	run=$(awk -F '\t' '$1 == "C" { print $2 }' <<<"$output")
	assert_equal "$(awk -F '\t' -v r="$run" '$1 ~ /[CLRE]/ && $2 != r' <<<"$output")" ""
	assert_equal "$stderr" ""
}

@test "mux client: the request: header, the H records, one Q with the run's settings" {
	p=$(mux_path)
	reply "$T/reply" "$(printf 'C\t@RUN@\t5\tuptime')" "$(printf 'E\t@RUN@\t9\t0\t0\t0\t0')"
	listen "$p" -l "$T/got" -r "$T/reply"
	printf 'in\0put\n' >"$T/stdin"
	run -0 mux-client -s -S -t 1500 -I "$T/stdin" auto 'uptime -p' < <(hosts)
	run=$(awk -F '\t' '$1 == "C" { print $2 }' <<<"$output")
	assert_equal "$(cut -f1,2 "$T/got")" "#herd-records 1
H	h1
H	h2
Q	$run"
	# Q id kind command hosts timeout_ms flags selection series seq compare stdin
	assert_equal "$(awk -F '\t' '$1 == "Q" { print $3 "|" $4 "|" $5 "|" $6 "|" $7 "|" $12 }' "$T/got")" \
	    '|uptime -p||1500|sSi|in\x00put\n'
	run -0 mux-client auto true < <(hosts)
	assert_equal "$(awk -F '\t' '$1 == "Q" { print NF, $4 "|" $6 "|" $7 }' "$T/got" | tail -1)" '4 true||'
}

@test "mux client: --json relays the run as JSON objects" {
	p=$(mux_path)
	reply "$T/reply" \
	    "$(printf 'C\t@RUN@\t5\techo hi')" \
	    "$(printf 'R\t@RUN@\th1\tok\t0\t1\t-\thi\\n')" \
	    "$(printf 'R\t@RUN@\th2\tok\t0\t1\t-\thi\\n')" \
	    "$(printf 'E\t@RUN@\t9\t2\t0\t0\t0')"
	listen "$p" -r "$T/reply"
	run -0 mux-client -j auto 'echo hi' < <(hosts)
	assert_equal "$(jq -r '.type + ":" + (.host // "")' <<<"$output" | paste -sd'|')" \
	    "run:|result:h1|result:h2|end:"
	assert_equal "$(jq -r 'select(.host == "h1") | .stdout' <<<"$output")" "hi"
	assert_equal "$(jq -r 'select(.type == "end") | .ok' <<<"$output")" 2
}

@test "mux client: the mux going away mid-run: each host left gets R failed, then E; exit 3" {
	p=$(mux_path)
	reply "$T/reply" \
	    "$(printf 'C\t@RUN@\t5\techo hi')" \
	    "$(printf 'R\t@RUN@\th1\tok\t0\t1\t-\thi\\n')" \
	    "@CLOSE@"
	listen "$p" -r "$T/reply"
	run -3 --separate-stderr mux-client auto 'echo hi' < <(hosts)
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $4, $10 }' <<<"$output")" "h1 ok 
h2 failed the mux went away"
	assert_equal "$(awk -F '\t' '$1 == "E" { print $4, $5, $6, $7 }' <<<"$output")" "1 0 1 0"
	assert_equal "$stderr" "mux-client: the mux went away before the run ended: 1 host without a result: h2"
	# before its C: the run is begun here, every host failed
	reply "$T/reply2" "@CLOSE@"
	kill "${PIDS[0]}"
	wait "${PIDS[0]}" || true
	listen "$p" -r "$T/reply2"
	run -3 --separate-stderr mux-client auto 'echo hi' < <(hosts)
	assert_equal "$(kinds <<<"$output")" "#herd-records 1|H|H|C|R:h1|R:h2|E"
	assert_equal "$(awk -F '\t' '$1 == "R" { print $4 }' <<<"$output" | paste -sd' ')" "failed failed"
	assert_equal "$(awk -F '\t' '$1 == "C" { print $4 }' <<<"$output")" "echo hi"
}

@test "mux client: SIGINT sends X and waits for the E (exit 130); a second leaves at once" {
	p=$(mux_path)
	reply "$T/reply" \
	    "$(printf 'C\t@RUN@\t5\tsleep 60')" \
	    "@WAIT-X@" \
	    "$(printf 'R\t@RUN@\th1\tfailed\t\t1\t-\t\t\tcancelled')" \
	    "$(printf 'R\t@RUN@\th2\tfailed\t\t1\t-\t\t\tcancelled')" \
	    "$(printf 'E\t@RUN@\t9\t0\t0\t2\t0')"
	listen "$p" -l "$T/got" -r "$T/reply"
	mux-client auto 'sleep 60' < <(hosts) >"$T/out" 2>"$T/err" &
	client=$!
	for ((i = 0; i < 100; i++)); do grep -q '^C' "$T/out" && break; sleep 0.05; done
	kill -INT "$client"
	rc=0
	wait "$client" || rc=$?
	assert_equal "$rc" 130
	grep -q "^X	$(awk -F '\t' '$1 == "C" { print $2 }' "$T/out")\$" "$T/got"
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $10 }' "$T/out" | paste -sd'|')" \
	    "h1 cancelled|h2 cancelled"
	grep -q '^E' "$T/out"
	# the mux never ends it: a second signal leaves, every host reported
	reply "$T/reply" "$(printf 'C\t@RUN@\t5\tsleep 60')" "@WAIT-X@"
	listen "$p.2" -l "$T/got2" -r "$T/reply"
	mux-client "$p.2" 'sleep 60' < <(hosts) >"$T/out" 2>"$T/err" &
	client=$!
	for ((i = 0; i < 100; i++)); do grep -q '^C' "$T/out" && break; sleep 0.05; done
	kill -INT "$client"
	# the first signal taken (its X sent) before the second: two signals
	# pending at once are one
	for ((i = 0; i < 600; i++)); do grep -q '^X' "$T/got2" 2>/dev/null && break; sleep 0.05; done
	kill -0 "$client"
	kill -INT "$client"
	rc=0
	wait "$client" || rc=$?
	assert_equal "$rc" 130
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $4, $10 }' "$T/out" | sort | paste -sd'|')" \
	    "h1 failed interrupted; the run was left to the mux|h2 failed interrupted; the run was left to the mux"
}

@test "mux client: a request the mux refuses: its word, no run, exit 3 (2 for a host's settings)" {
	p=$(mux_path)
	# the stand-in answers the Q (line 4 after the header and two H) with the server's comment
	reply "$T/reply" "# herd-run: line 4: Q: kind tail is not served"
	listen "$p" -r "$T/reply"
	run -3 --separate-stderr mux-client auto 'echo hi' < <(hosts)
	assert_equal "$stderr" "mux-client: the mux: Q: kind tail is not served"
	[[ $output != *$'\nC'* ]]
	reply "$T/reply2" "# herd-run: line 3: host h2: bad port" \
	    "# herd-run: line 4: request r: no H record for host h2"
	kill "${PIDS[0]}"
	wait "${PIDS[0]}" || true
	listen "$p" -r "$T/reply2"
	run -2 --separate-stderr mux-client auto 'echo hi' < <(hosts)
	assert_equal "${stderr_lines[0]}" "mux-client: the mux: host h2: bad port"
	[[ $output != *$'\nC'* ]]
}

@test "mux client: auto with no mux that can start: a warning, and the run is left to the caller" {
	# mux-client is not herd-run: the mux it starts (itself) exits at once
	run -4 --separate-stderr mux-client auto true < <(hosts)
	assert_equal "$output" ""
	assert_equal "$stderr" "mux-client: --mux: the mux exited with status 2: herd-run: invalid option -- '-'; running without a mux"
	run -4 mux-client no true < <(hosts)
	assert_output ""
	run -2 mux-client sometimes true < <(hosts)
	assert_output --partial "--mux: expected auto, no or a socket path, got sometimes"
}

@test "mux: config defaults.mux is auto or no; herd exec --mux goes to herd-run" {
	printf 'defaults:\n  mux: sometimes\n' >"$T/c.yaml"
	run -2 herd config validate -c "$T/c.yaml"
	assert_output --partial "$T/c.yaml:2:8: defaults.mux: expected \"auto\" or \"no\", got \"sometimes\""
	printf 'defaults:\n  mux: auto\n' >"$T/c.yaml"
	run -0 herd config export -c "$T/c.yaml"
	assert_output --partial "mux: auto"
	run -0 herd --explain exec --mux no -- uname h1
	assert_output --partial "herd-run --mux no --selection"
	run -2 herd ping --mux no h1
	assert_output --partial "--mux is not an option of ping"
}

# ---- with the server: herd-run --serve --socket, herd-run --mux ----

@test "mux: herd mux start, status and stop with the real server" {
	needs_server
	run -0 herd mux start --idle-timeout 1m
	p=$(mux_path)
	assert_output --regexp "^mux started on $p \\(pid [0-9]+, idle timeout 1m\\)$"
	pid=$(cut -d' ' -f1 "$p.pid")
	assert_equal "$(stat -c %a "$p")" 600
	run -0 herd mux status
	assert_output "mux on $p (pid $pid, idle timeout 1m): 0 connections"
	run -0 herd mux stop
	assert_output "mux on $p stopped (pid $pid)"
	[ ! -e "$p" ]
	run -1 herd mux status
}

# the remote end of each host's connection, as the host sees it: "h001 ADDR PORT"
ends() { awk -F '\t' '$1 == "R" { split($8, a, " "); print $3, a[1], a[2] }' | sort; }

@test "mux: a second herd-run on the same hosts opens no new SSH connection" {
	needs_client
	herd select h001 h002 h003 >"$T/hosts"
	herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" 'echo $SSH_CONNECTION' >"$T/one"
	herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" 'echo $SSH_CONNECTION' >"$T/two"
	assert_equal "$(ends <"$T/one" | grep -cE '^h00[1-3] 127\.[0-9.]+ [0-9]+$')" 3
	# the hosts saw the same client port: the same connection
	assert_equal "$(ends <"$T/two")" "$(ends <"$T/one")"
	p=$(mux_path -F "$FLEET_SSH_CONFIG")
	run -0 herd mux status -F "$FLEET_SSH_CONFIG"
	assert_line "up (3): h[001-003]"
	pid=$(cut -d' ' -f1 "$p.pid")
	assert_equal "$(ss -tnpH state established | grep -c "pid=$pid,")" 3
	# and herd exec, the same way
	run -0 herd exec --mux auto -F "$FLEET_SSH_CONFIG" 'uname -r' h001 h002 h003
	assert_equal "$(ss -tnpH state established | grep -c "pid=$pid,")" 3
	# a file for the commands' input goes in the request, whole
	seq 100000 >"$T/in"
	run -0 herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --stdin-file "$T/in" sha256sum
	assert_equal "$(rec-get R 7 <<<"$output" | sort -u)" "$(sha256sum <"$T/in")"
}

@test "mux: several clients at once share the connections" {
	needs_client
	herd select h001 h002 h003 >"$T/hosts"
	for i in 1 2 3 4; do
		herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" 'sleep 0.3; echo $SSH_CONNECTION' >"$T/out.$i" &
		PIDS+=($!)
	done
	for i in 1 2 3 4; do wait "${PIDS[$((i - 1))]}"; done
	PIDS=()
	for i in 1 2 3 4; do
		assert_equal "$(awk -F '\t' '$1 == "R" && $4 == "ok"' "$T/out.$i" | wc -l)" 3
	done
	# one connection per host, whoever started the mux
	assert_equal "$(cat "$T"/out.* | ends | sort -u | wc -l)" 3
}

@test "mux: after kill -9 of the mux, the next herd-run starts a new one on the same path" {
	needs_client
	herd select h001 >"$T/hosts"
	herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" true >/dev/null
	p=$(mux_path -F "$FLEET_SSH_CONFIG")
	old=$(cut -d' ' -f1 "$p.pid")
	kill -9 "$old"
	while kill -0 "$old" 2>/dev/null; do sleep 0.05; done
	[ -S "$p" ]
	run -0 herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" 'echo back'
	assert_equal "$(awk -F '\t' '$1 == "R" { print $4, $8 }' <<<"$output")" 'ok back\n'
	new=$(cut -d' ' -f1 "$p.pid")
	[ "$new" != "$old" ]
	kill -0 "$new"
}

@test "mux: the mux killed mid-run: every host without a result failed, exit 3" {
	needs_client
	herd select h001 h002 >"$T/hosts"
	herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" true >/dev/null
	p=$(mux_path -F "$FLEET_SSH_CONFIG")
	pid=$(cut -d' ' -f1 "$p.pid")
	herd-run --mux auto -F "$FLEET_SSH_CONFIG" -f "$T/hosts" 'sleep 30' >"$T/out" 2>"$T/err" &
	client=$!
	for ((i = 0; i < 100; i++)); do grep -q '^C' "$T/out" && break; sleep 0.05; done
	kill -9 "$pid"
	rc=0
	wait "$client" || rc=$?
	assert_equal "$rc" 3
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $4, $10 }' "$T/out" | sort | paste -sd'|')" \
	    "h001 failed the mux went away|h002 failed the mux went away"
	grep -q "2 hosts without a result: h\[001-002\]" "$T/err"
}

@test "mux: with no client and no run for --idle-timeout, the mux exits and removes its socket" {
	needs_server
	run -0 herd mux start --idle-timeout 300ms
	p=$(mux_path)
	for ((i = 0; i < 200; i++)); do [ -e "$p" ] || break; sleep 0.05; done
	[ ! -e "$p" ]
	[ ! -e "$p.pid" ]
	run -1 herd mux status
}
