bats_require_minimum_version 1.5.0
load helper

# herd-run --ping, --dry-run, stdin at EOF, and herd ping / herd exec
# --dry-run, on the loopback OpenSSH test fleet (tests/fleet/README).

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 4
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME"
	unset SSH_AUTH_SOCK
	printf 'H\t%s\n' h001 h002 refused silent authfail >"$T/hosts"
}

@test "--ping: TCP and the SSH banner, no login; R records with the banner" {
	run --separate-stderr herd-run --ping -F "$FLEET_SSH_CONFIG" --connect-timeout 1s \
	    -f "$T/hosts"
	assert_failure 1
	assert_equal "$(grep -c '^R' <<<"$output")" 5
	assert_line --partial "C	"
	assert_regex "$(grep -P '^R\t[^\t]*\th001\t' <<<"$output")" \
	    $'\th001\tok\t0\t[0-9]+\t[0-9a-f]{64}\tSSH-2.0-OpenSSH_[^\t]*\\\\n\t\t\t\t[0-9]+\t[a-z,]*$'
	# authfail refuses every key, but --ping does not log in: reachable
	assert_regex "$(grep -P '^R\t[^\t]*\tauthfail\t' <<<"$output")" $'\tauthfail\tok\t0\t'
	assert_regex "$(grep -P '^R\t[^\t]*\trefused\t' <<<"$output")" \
	    $'\trefused\tfailed\t\t[0-9]+\t[0-9a-f]{64}\t\t\tconnect: connection refused\t'
	assert_regex "$(grep -P '^R\t[^\t]*\tsilent\t' <<<"$output")" \
	    $'\tsilent\tfailed\t\t[0-9]+\t[0-9a-f]{64}\t\t\tconnect: timed out after 1s\t'
	# the C record says what ran, and that it is a ping
	assert_regex "$(grep '^C' <<<"$output")" $'^C\t[^\t]+\t[0-9]+\tping\t\tping(\t[^\t]*)*$'
}

@test "--ping --auth: logs in; a host that refuses the login fails" {
	run --separate-stderr herd-run --ping --auth -F "$FLEET_SSH_CONFIG" \
	    --connect-timeout 1s -f "$T/hosts"
	assert_failure 1
	assert_regex "$(grep -P '^R\t[^\t]*\th002\t' <<<"$output")" $'\th002\tok\t0\t'
	assert_regex "$(grep -P '^R\t[^\t]*\tauthfail\t' <<<"$output")" \
	    $'\tauthfail\tfailed\t\t.*\tauth: permission denied for herdfleet@'
	assert_regex "$(grep '^C' <<<"$output")" $'\tping --auth\t'
}

@test "--ping takes no command; --auth needs --ping" {
	run herd-run --ping true </dev/null
	assert_failure 2
	assert_output "herd-run: --ping runs no command"
	run herd-run --auth true </dev/null
	assert_failure 2
	assert_output "herd-run: --auth goes with --ping"
}

@test "herd ping: one line per host and the count reachable, exit 1 if any is not" {
	cat >"$T/c.yaml" <<CONF
groups:
  web: {hosts: [h001, h002, refused]}
  ok: {hosts: [h003, h004]}
CONF
	run herd ping -c "$T/c.yaml" -F "$FLEET_SSH_CONFIG" -g web
	assert_failure 1
	assert_line --index 0 --regexp '^  h001     reachable \([0-9]+ms\)$'
	assert_line --index 1 --regexp '^  h002     reachable \([0-9]+ms\)$'
	assert_line --index 2 '  refused  unreachable (connect: connection refused)'
	assert_line --index 3 '2/3 hosts reachable'
	run herd ping -c "$T/c.yaml" -F "$FLEET_SSH_CONFIG" -g ok --auth
	assert_success
	assert_line --index 2 '2/2 hosts logged in'
	run herd ping -c "$T/c.yaml" -F "$FLEET_SSH_CONFIG" -g ok --json
	assert_success
	assert_equal "$(jq -r 'select(.reachable) | .host' <<<"$output" | paste -sd,)" "h003,h004"
}

@test "herd exec --dry-run: the hosts, as whom (-l beats ssh_config), the command" {
	cat >"$T/c.yaml" <<CONF
groups:
  web: {hosts: [h001, h002], timeout: 5s}
CONF
	run herd exec -c "$T/c.yaml" -F "$FLEET_SSH_CONFIG" --dry-run -g web \
	    -l someone -w nohost:2200 'uname -r'
	assert_success
	# the fleet's address and port of each host (port 22 unless a second
	# fleet shares the namespace)
	a1=$(awk '$1 == "h001" { print $2 ":" $3 }' "$FD/roles")
	a2=$(awk '$1 == "h002" { print $2 ":" $3 }' "$FD/roles")
	assert_output "would run: uname -r
on 3 hosts:
  h001         someone@$a1  timeout 5s
  h002         someone@$a2  timeout 5s
  nohost:2200  someone@nohost:2200  timeout 30s"
	assert_equal "$("$TESTS/fleet/fleet-procs" "$FD")" ""
}

@test "the remote command's stdin is at EOF: cat ends at once" {
	printf 'H\th001\n' >"$T/hosts"
	run --separate-stderr herd-run -F "$FLEET_SSH_CONFIG" --timeout 5s -f "$T/hosts" \
	    cat
	grep -P '^R\t[^\t]*\th001\t' <<<"$output" | grep -qP '\th001\tok\t0\t'
}

@test "SSH connections have TCP keepalives, probing after 60s idle" {
	printf 'H\th001\n' >"$T/one"
	port=$(awk '$1 == "h001" { print $3 }' "$FD/roles")
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/one" 'sleep 3' >/dev/null 2>&1 &
	pid=$!
	# the connection of that run, once it is idle (no retransmit timer)
	for i in $(seq 50); do
		seen=$(ss -tnoi state established "( dport = :$port )")
		grep -q 'timer:(keepalive' <<<"$seen" && break
		sleep 0.1
	done
	run echo "$seen"
	kill "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
	assert_output --regexp 'timer:\(keepalive,([1-5][0-9]sec|60sec|1min),0\)'
}

@test "herd exec at a terminal: Ctrl-C stops the hosts and still shows the view" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	sock="herd-ping-test-$$"
	cat >"$T/c.yaml" <<CONF
groups:
  g: {hosts: [h001, hang]}
CONF
	tmux -L "$sock" -f /dev/null new-session -d -x 150 -y 40 \
	    "herd exec -c $T/c.yaml -F $FLEET_SSH_CONFIG --color never behave -g g; echo rc=\$? >$T/rc; exec sleep 600"
	for i in $(seq 200); do
		tmux -L "$sock" capture-pane -p | grep -q '1/2 done' && break
		sleep 0.05
	done
	tmux -L "$sock" send-keys C-c
	for i in $(seq 200); do
		[ -s "$T/rc" ] && break
		sleep 0.05
	done
	run tmux -L "$sock" capture-pane -p
	tmux -L "$sock" kill-server
	assert_line ' 1 host:'
	assert_line '   h001'
	assert_line ' 1 host failed:'
	assert_line '   hang (interrupted; the remote command was stopped)'
	assert_line '1 succeeded, 1 failed'
	assert_equal "$(cat "$T/rc")" "rc=130"
	assert_equal "$("$TESTS/fleet/fleet-procs" "$FD" 3)" ""
}
