bats_require_minimum_version 1.5.0
load helper

# herd repl (herd-ui) driven on a real terminal (a tmux session of the test's
# own), against the loopback fleet (tests/fleet/README): what the screen shows.

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
	export HOME="$T/home" XDG_STATE_HOME="$T/state"
	mkdir -p "$HOME"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	TMUX_SOCK=
}

teardown() {
	[ -z "$TMUX_SOCK" ] || tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || :
}

# repl ARGS...: herd repl on a terminal of its own (the fleet's config and
# ssh_config), its exit status into $T/tty.rc; waits for the first prompt.
repl() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK="herd-repl-test-$$-$BATS_TEST_NUMBER"
	printf '%s\n' "cd '$T'" \
	    "herd repl -c '$FLEET_CONFIG' -F '$FLEET_SSH_CONFIG' $*" \
	    "echo \$? >'$T/tty.rc'" "exec sleep 600" >"$T/repl.sh"
	# bash: a shell that exits after its child has handled a Ctrl-C (dash
	# does) would never write the status
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 200 -y 50 "bash '$T/repl.sh'"
	await 'herd ['
}

# screen: everything the terminal showed (the history of the pane too).
screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p -S - -E -
}

# await TEXT [SECONDS]: until the screen shows TEXT (default 30 s); the
# screen has no trailing blanks, so neither has TEXT.
await() {
	local i t="${1%"${1##*[! ]}"}"
	for ((i = 0; i < ${2:-30} * 20; i++)); do
		screen | grep -qF -- "$t" && return 0
		sleep 0.05
	done
	echo "the screen never showed: $1" >&2
	screen >&2
	return 1
}

keys() { tmux -L "$TMUX_SOCK" send-keys "$@"; }

prompts() { screen | grep -c '^herd \[' || :; }

# cmd LINE: type LINE and Enter, then wait for the next prompt.
cmd() {
	local n i
	n=$(prompts)
	keys -l -- "$1"
	keys Enter
	for ((i = 0; i < 600; i++)); do
		[ "$(prompts)" -gt "$n" ] && return 0
		sleep 0.05
	done
	echo "no prompt after: $1" >&2
	screen >&2
	return 1
}

# after LINE: what the screen shows after the last prompt line that ends in LINE.
after() {
	screen | awk -v l="$1" '
	    index($0, "herd [") == 1 && substr($0, length($0) - length(l) + 1) == l { out = ""; on = 1; next }
	    index($0, "herd [") == 1 { on = 0 }
	    on { out = out $0 "\n" }
	    END { printf "%s", out }'
}

# quit: Ctrl-D, then the REPL's exit status must be 0 and nothing a sanitizer said.
quit() {
	local i
	keys C-d
	for ((i = 0; i < 600; i++)); do
		[ -s "$T/tty.rc" ] && break
		sleep 0.05
	done
	assert_equal "$(cat "$T/tty.rc")" 0
	refute clean_screen_fails
}

clean_screen_fails() { screen | grep -q 'Sanitizer\|runtime error'; }

# server_pid: the serving herd-run under the REPL.
server_pid() {
	local ui
	ui=$(pgrep -P "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_pid}')" -x herd-ui)
	pgrep -P "$ui" -x herd-run
}

# conns PID: the TCP connections PID holds (local address:port), sorted.
conns() { ss -tnpH state established | awk -v p="pid=$1," 'index($0, p) { print $3 }' | sort; }

# hostport HOST: HOST's address:port as ss shows it.
hostport() { awk -v h="$1" '$1 == h { print $2 ":" $3 }' "$FLEET_ROLES_FILE"; }

@test "repl: the prompt names the group and counts its hosts; a command shows the grouped view" {
	repl -g fleet
	await 'herd [fleet: 3 hosts]> '
	cmd 'uname -r'
	run after 'uname -r'
	assert_line ' 3 hosts identical:'
	assert_line '   h[001-003]'
	assert_line "   $FLEET_KERNEL"
	assert_line '3 succeeded'
	cmd 'echo $FLEET_HOST'
	run after 'echo $FLEET_HOST'
	assert_line ' 3 hosts, all different:'
	quit
}

@test "repl: selectors pick hosts of the last result: @failed, @ok, @tag:, names and ranges" {
	repl h001 h002 exit3
	await 'herd [3 hosts]> '
	cmd '@failed true'
	run after '@failed true'
	assert_output --partial 'no previous command results'
	cmd behave
	run after behave
	assert_line ' 1 host exited with code 3:'
	cmd '@failed echo $FLEET_HOST'
	run after '@failed echo $FLEET_HOST'
	assert_line '   exit3'
	assert_line '1 succeeded'
	# the last result is now that of exit3 alone
	cmd 'echo again'
	cmd '@tag:prod echo $FLEET_HOST'
	run after '@tag:prod echo $FLEET_HOST'
	assert_line '2 succeeded (all different)'
	refute_output --partial exit3
	cmd '@h00[1-2] echo $FLEET_HOST'
	run after '@h00[1-2] echo $FLEET_HOST'
	assert_line '2 succeeded (all different)'
	cmd 'echo once more'
	cmd '@tag:!prod echo $FLEET_HOST'
	run after '@tag:!prod echo $FLEET_HOST'
	assert_line '   exit3'
	assert_line '1 succeeded'
	cmd '@nosuch echo x'
	run after '@nosuch echo x'
	assert_output --partial 'unknown selector or host "@nosuch"'
	quit
}

@test "repl: +HOSTS and -HOSTS change the target set and the prompt" {
	repl -g fleet
	await 'herd [fleet: 3 hosts]> '
	cmd '+exit3,stderr'
	run after '+exit3,stderr'
	assert_line '2 hosts added, 5 in all'
	await 'herd [5 hosts]> '
	cmd '-@tag:odd'
	run after '-@tag:odd'
	assert_line '2 hosts removed, 3 left'
	cmd '-stderr'
	cmd '+h00[1-2]'
	run after '+h00[1-2]'
	assert_line '1 host added, 3 in all'
	cmd 'echo $FLEET_HOST'
	run after 'echo $FLEET_HOST'
	assert_line '3 succeeded (all different)'
	cmd ':hosts'
	run after ':hosts'
	assert_output --regexp 'h002 +up'
	assert_output --regexp 'exit3 +up'
	refute_output --partial h003
	refute_output --partial stderr
	cmd '-nosuchhost'
	run after '-nosuchhost'
	assert_output --partial 'unknown selector or host "nosuchhost"'
	quit
}

@test "repl: :help :hosts :group :tags :timeout :sudo :recipe (the list, a built-in recipe) and an unknown colon command" {
	repl h001
	await 'herd [1 host]> '
	cmd ':help'
	run after ':help'
	assert_output --partial ':export FILE'
	assert_output --partial '+HOSTS / -HOSTS'
	cmd ':hosts'
	run after ':hosts'
	assert_output --regexp 'h001 +not connected'
	cmd ':group fleet'
	await 'herd [fleet: 3 hosts]> '
	cmd ':tags'
	run after ':tags'
	assert_output --regexp 'prod +2 hosts'
	assert_output --regexp 'staging +1 host'
	assert_output --regexp 'fleet +3 hosts'
	cmd ':timeout'
	run after ':timeout'
	assert_output --partial "timeout: each host's own"
	cmd ':timeout 500ms'
	cmd 'sleep 5'
	run after 'sleep 5'
	assert_line ' 3 hosts timed out:'
	cmd ':timeout 0'
	run after ':timeout 0'
	assert_line 'timeout: none'
	cmd ':timeout soon'
	run after ':timeout soon'
	assert_output --partial 'expected a duration'
	if [ "$FLEET_HAS_SUDO" = 1 ]; then
		cmd ':sudo'
		cmd 'id -u'
		run after 'id -u'
		assert_line '   0'
		cmd ':sudo'
		run after ':sudo'
		assert_line 'sudo: off'
	fi
	cmd ':recipe deploy'
	run after ':recipe deploy'
	assert_output --partial 'no recipe deploy; herd recipe --list shows them'
	cmd ':recipe service-check service=no-such-unit'
	run after ':recipe service-check service=no-such-unit'
	assert_output --partial '=== Step 1/2: systemctl is-active -- no-such-unit ==='
	assert_output --partial '=== Step 2/2: systemctl status --no-pager -- no-such-unit ==='
	cmd ':recipe os-version'
	run after ':recipe os-version'
	assert_output --partial '3 hosts identical:'
	assert_output --partial "$(uname -sr)"
	cmd ':recipe'
	run after ':recipe'
	assert_output --regexp 'disk-check +.*\(built-in\)'
	cmd ':hsots'
	run after ':hsots'
	assert_output --partial 'unknown command :hsots; did you mean :hosts?'
	cmd ':group nosuchgroup'
	await 'herd [fleet: 3 hosts]> '
	keys -l ':quit'
	keys Enter
	await 'herd [fleet: 3 hosts]> :quit'
	for ((i = 0; i < 200; i++)); do [ -s "$T/tty.rc" ] && break; sleep 0.05; done
	assert_equal "$(cat "$T/tty.rc")" 0
}

@test "repl: :diff :last :export :parse on the last result" {
	repl h001 h002 exit3
	await 'herd [3 hosts]> '
	cmd ':last'
	run after ':last'
	assert_output --partial 'no previous command results'
	cmd 'echo same'
	cmd ':diff'
	run after ':diff'
	assert_line 'no host differs from the norm: 3 hosts identical'
	cmd behave
	cmd ':diff'
	run after ':diff'
	assert_line ' 1 host exited with code 3:'
	cmd ':last'
	run after ':last'
	assert_line ' 2 hosts identical:'
	assert_line '2 succeeded, 1 non-zero exit'
	cmd ':export out.json'
	run after ':export out.json'
	assert_line 'the last result (3 hosts) written to out.json'
	assert_equal "$(stat -c %a "$T/out.json")" 600
	run jq -rs '.[-1].summary.command' "$T/out.json"
	assert_output behave
	cmd 'uptime'
	cmd ':parse uptime'
	run after ':parse uptime'
	assert_output --regexp 'HOST +uptime +users +load1'
	assert_output --regexp 'h001 '
	cmd ':parse nosuchparser'
	run after ':parse nosuchparser'
	assert_output --partial 'nosuchparser'
	quit
}

@test "repl: Tab completes colon commands, selectors, tags, groups, recipes and hosts" {
	repl h001 h002
	await 'herd [2 hosts]> '
	keys -l ':hi'
	keys Tab
	await 'herd [2 hosts]> :history '
	keys C-u
	keys -l '@fa'
	keys Tab
	await 'herd [2 hosts]> @failed '
	keys C-u
	keys -l '@ok,@tag:pr'
	keys Tab
	await 'herd [2 hosts]> @ok,@tag:prod '
	keys C-u
	keys -l ':group sp'
	keys Tab
	await 'herd [2 hosts]> :group special '
	keys C-u
	keys -l ':recipe os-'
	keys Tab
	await 'herd [2 hosts]> :recipe os-version '
	keys C-u
	keys -l '+h00'
	keys Tab
	await 'h001  h002  h003'
	keys -l '3'
	keys Tab
	await 'herd [2 hosts]> +h003 '
	keys Enter
	await 'herd [3 hosts]> '
	quit
}

@test "repl: Ctrl-C cancels the command running, shows what finished, and the REPL goes on" {
	repl h001 h002
	await 'herd [2 hosts]> '
	cmd 'true'
	first=$(conns "$(server_pid)")
	keys -l 'sleep 30'
	keys Enter
	for ((i = 0; i < 400; i++)); do
		"$TESTS/fleet/fleet-procs" "$FD" | grep -q 'sleep 30' && break
		sleep 0.05
	done
	keys C-c
	await 'cancelled'
	run after 'sleep 30'
	assert_line ' 2 hosts failed:'
	assert_output --partial 'cancelled; the remote command was stopped'
	await 'herd [2 hosts]> '
	# the remote commands are gone
	for ((i = 0; i < 100; i++)); do
		"$TESTS/fleet/fleet-procs" "$FD" | grep -q 'sleep 30' || break
		sleep 0.05
	done
	run "$TESTS/fleet/fleet-procs" "$FD"
	refute_output --partial 'sleep 30'
	cmd 'echo still here'
	run after 'echo still here'
	assert_line '   still here'
	# on the same connections
	assert_equal "$(conns "$(server_pid)")" "$first"
	# Ctrl-C at the prompt drops the line only
	keys -l 'echo never'
	keys C-c
	await 'echo never^C'
	cmd 'echo next'
	run after 'echo next'
	assert_line '   next'
	run screen
	refute_line '   never'
	quit
}

@test "repl: a second command on the same hosts opens no new connection" {
	repl -g fleet
	await 'herd [fleet: 3 hosts]> '
	cmd 'echo one'
	srv=$(server_pid)
	first=$(conns "$srv")
	assert_equal "$(wc -l <<<"$first")" 3
	cmd 'echo two'
	cmd '@h001 echo three'
	assert_equal "$(conns "$srv")" "$first"
	quit
}

@test "repl: a host that dies between commands is shown down in the prompt, and comes back" {
	repl -g fleet
	await 'herd [fleet: 3 hosts]> '
	cmd 'true'
	srv=$(server_pid)
	# the sshd at the other end of h003's connection
	c=$(ss -tnpH state established | awk -v p="pid=$srv," -v h="$(hostport h003)" \
	    'index($0, p) && $4 == h { print $3 }')
	[ -n "$c" ]
	ss -tnpH state established | awk -v c="$c" '$4 == c' | grep -o 'pid=[0-9]*' |
	    cut -d= -f2 | sort -u | xargs -r kill -KILL
	await 'herd [fleet: 2/3 up]> '
	cmd ':hosts'
	run after ':hosts'
	assert_output --regexp 'h003 +down'
	cmd 'echo back'
	run after 'echo back'
	assert_line '3 succeeded'
	await 'herd [fleet: 3 hosts]> '
	quit
}

@test "repl: every command is recorded in the history; the lines typed are kept for the next session" {
	repl h001 h002
	await 'herd [2 hosts]> '
	cmd 'echo recorded-one'
	recorder=$(pgrep -P "$(pgrep -P "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_pid}')" -x herd-ui)" -x herd-hist)
	cmd '@h001 echo recorded-two'
	cmd ':history'
	run after ':history'
	assert_output --partial 'echo recorded-one'
	assert_output --partial 'echo recorded-two'
	# one herd-hist record for the session, which had each run before the prompt came back
	[ -n "$recorder" ]
	assert_equal "$(pgrep -P "$(pgrep -P "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_pid}')" -x herd-ui)" -x herd-hist)" "$recorder"
	cmd ':history search two'
	run after ':history search two'
	assert_output --partial 'echo recorded-two'
	refute_output --partial 'echo recorded-one'
	quit
	run herd-hist list
	assert_output --partial 'echo recorded-one'
	assert_equal "$(stat -c %a "$XDG_STATE_HOME/herd/repl_history")" 600
	# the next session has the lines: Up brings back the last
	tmux -L "$TMUX_SOCK" kill-server
	rm -f "$T/tty.rc"
	repl h001
	keys Up
	await 'herd [1 host]> :history search two'
	keys C-u
	quit
}

@test "repl: --no-history records nothing; !CMD runs a local command" {
	repl --no-history h001
	await 'herd [1 host]> '
	cmd 'echo not-recorded'
	cmd '!echo local-$((6 * 7))'
	run after '!echo local-$((6 * 7))'
	assert_line 'local-42'
	quit
	run herd-hist list
	refute_output --partial 'not-recorded'
}

@test "repl: herd alone on a terminal is the REPL; not on a terminal, an error; herd help repl" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK="herd-repl-test-$$-$BATS_TEST_NUMBER"
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 200 -y 50 \
	    "HERD_CONFIG='$FLEET_CONFIG' herd; echo \$? >'$T/tty.rc'; exec sleep 600"
	await "herd [$(wc -l <"$FLEET_HOSTS_ALL_FILE" | tr -d ' ') hosts]> "
	quit
	run herd repl -c "$FLEET_CONFIG" h001 </dev/null
	assert_failure 2
	assert_output --partial 'reads a terminal'
	run herd help repl
	assert_success
	assert_output --partial 'usage: herd repl'
	run herd-ui --help
	assert_success
	run herd repl --stream
	assert_failure 2
}

@test "repl: the serving herd-run going away ends the REPL with exit 3" {
	repl h001
	await 'herd [1 host]> '
	kill -KILL "$(server_pid)"
	await 'herd-run --serve went away'
	for ((i = 0; i < 200; i++)); do [ -s "$T/tty.rc" ] && break; sleep 0.05; done
	assert_equal "$(cat "$T/tty.rc")" 3
}
