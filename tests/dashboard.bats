bats_require_minimum_version 1.5.0
load helper

# herd-ui --dashboard (herd dashboard) driven on a real terminal, a tmux
# session of the test's own at 80x24, against the loopback fleet: what the
# screen shows after each key and command.

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
	# files the fleet user reads: written here
	S="$FD/files-$BATS_TEST_NUMBER"
	mkdir -p "$S" && chmod 777 "$S"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	TMUX_SOCK=
}

teardown() {
	[ -z "$TMUX_SOCK" ] || tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || :
}

# dash ARGS...: herd dashboard on a terminal of its own (80x24), its exit
# status into $T/tty.rc; waits until every host's connection is up.
# DASH_ENV: assignments for its environment.
dash() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK="herd-dash-test-$$-$BATS_TEST_NUMBER"
	printf '%s\n' "cd '$T'" "${DASH_ENV:-:}" \
	    "herd dashboard -c '$FLEET_CONFIG' -F '$FLEET_SSH_CONFIG' $*" \
	    "echo \$? >'$T/tty.rc'" "exec sleep 600" >"$T/dash.sh"
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 80 -y 24 "bash '$T/dash.sh'"
	await ' up, 0 down |'
}

# screen: what the terminal shows now.
screen() { tmux -L "$TMUX_SOCK" capture-pane -p; }

# await TEXT [SECONDS]: until the screen shows TEXT (default 30 s).
await() {
	local i
	for ((i = 0; i < ${2:-30} * 20; i++)); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "the screen never showed: $1" >&2
	screen >&2
	return 1
}

# await_line N TEXT: until line N of the screen shows TEXT (a resize lands
# after the screen of the old size may already show what await looks for).
await_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		tmux -L "$TMUX_SOCK" capture-pane -p | sed -n "$1p" | grep -qF -- "$2" && break
		sleep 0.05
	done
	run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | sed -n $1p"
	assert_output --partial "$2"
}

# gone TEXT: until the screen no longer shows TEXT.
gone() {
	local i
	for ((i = 0; i < 600; i++)); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.05
	done
	echo "the screen still shows: $1" >&2
	screen >&2
	return 1
}

keys() { tmux -L "$TMUX_SOCK" send-keys "$@"; }

# cmd LINE: the command bar, LINE, Enter.
cmd() {
	keys :
	keys -l -- "$1"
	keys Enter
}

# row HOST: the host table's line of HOST.
row() { screen | grep -E "^..$1 "; }

# quit: q, then the exit status must be 0 and nothing a sanitizer said.
quit() {
	local i
	keys q
	for ((i = 0; i < 600; i++)); do
		[ -s "$T/tty.rc" ] && break
		sleep 0.05
	done
	assert_equal "$(cat "$T/tty.rc")" 0
	refute bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -S - | grep -q 'Sanitizer\|runtime error'"
}

@test "dashboard: the host table, a command's result groups with folded ranges, the status bar" {
	dash -g fleet
	run screen
	assert_output --partial 'herd dashboard | 3 hosts'
	assert_output --partial 'fleet: 3 hosts | 3 up, 0 down | 3 shown | 0 tagged'
	assert_line --regexp '^ +Hostv +Status +Cmd +Exit +Time$'
	cmd 'echo same; [ $FLEET_HOST != h002 ] || echo other'
	await 'done: 3 ok, 0 not ok'
	run screen
	assert_output --regexp ' norm +h\[001,003\] \(2\)  same'
	assert_output --regexp ' differs +h002 \(1\)  same'
	run row h001
	assert_output --regexp '^  h001 +ok +echo same.* 0 +[0-9.]+m?s$'
	# the Diff tab: the norm's output, the other group's as a diff against it
	run screen
	assert_output --partial '== differs (1): h002'
	assert_output --partial '+other'
	quit
}

@test "dashboard: a command that fails on one host: failed group, exit codes, @failed picks it" {
	dash h001 h002 h003
	cmd '[ $FLEET_HOST != h003 ] || exit 7; echo fine'
	await 'done: 2 ok, 1 not ok'
	run row h003
	assert_output --regexp 'nonzero .* 7 '
	run screen
	assert_output --regexp ' differs +h003 \(1\)'
	cmd '@nonzero echo again'
	await 'done: 1 ok, 0 not ok'
	run screen
	assert_output --regexp ' norm +h003 \(1\)  again'
	run row h001
	assert_output --partial 'echo fine'
	quit
}

@test "dashboard: s sorts by the next column, S reverses; t shows the Tags column" {
	dash -g fleet
	cmd 'exit $(( 4 - ${FLEET_HOST#h00} ))'
	await 'done: 0 ok, 3 not ok'
	keys S
	await 'Host^'
	run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -E '^..h00' | head -1"
	assert_output --regexp '^..h003 '
	keys S s s s
	await 'Exitv'
	run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -E '^..h00' | head -1"
	assert_output --regexp '^..h003 .* 1 '
	refute_output --partial 'Tags'
	keys t
	await 'Tags'
	run row h001
	assert_output --partial 'fleet,odd,prod'
	keys t
	gone 'Tags'
	quit
}

@test "dashboard: ? shows the keys, Esc closes them" {
	dash h001
	keys '?'
	await 'Ctrl-C     cancel the running command'
	keys Escape
	gone 'Ctrl-C     cancel'
	quit
}

@test "dashboard: / filters the table live, /! inverts, Esc clears" {
	dash -g fleet
	keys /
	keys -l h002
	await '| 1 shown |'
	run screen
	assert_output --partial '| /h002'
	run row h001
	assert_output ''
	keys BSpace BSpace BSpace BSpace BSpace
	keys -l '!h002'
	await '| 2 shown |'
	run row h002
	assert_output ''
	run row h003
	assert_output --regexp '^  h003 '
	keys Enter Escape
	await '| 3 shown |'
	quit
}

@test "dashboard: Space tags hosts and the next command runs on the tagged ones" {
	dash -g fleet
	keys Space
	keys j Space
	await '| 2 tagged'
	run row h001
	assert_output --regexp '^\* h001 '
	run row h003
	assert_output --regexp '^\* h003 '
	cmd 'echo tagged-run'
	await 'done: 2 ok, 0 not ok'
	run screen
	assert_output --regexp ' norm +h\[001,003\] \(2\)  tagged-run'
	run row h002
	refute_output --partial 'tagged-run'
	keys A
	await '| 0 tagged'
	quit
}

@test "dashboard: Ctrl-C cancels the running command; the dashboard and its connections stay" {
	dash -g fleet
	cmd 'sleep 30'
	await 'running | sleep 30'
	keys C-c
	await 'cancelled: 0 ok, 3 not ok'
	run screen
	assert_output --partial 'cancelled | sleep 30'
	assert_output --regexp ' failed +h\[001-003\] \(3\)'
	cmd 'echo still-here'
	await 'done: 3 ok, 0 not ok'
	run screen
	assert_output --partial '3 up, 0 down'
	quit
}

@test "dashboard: watch runs again and again, the hosts whose result changed are highlighted; Esc stops it" {
	echo one >"$S/value"
	chmod 644 "$S/value"
	dash h001 h002
	# (an interval long enough that one screen shows the marks of a run)
	cmd "watch --interval 2s cat '$S/value'"
	await 'run 2 every'
	run row h001
	refute_output --regexp '^.!'
	echo two >"$S/value"
	await '!h001'
	run screen
	assert_line --regexp '^ !h002 '
	assert_line --regexp ' norm +h\[001-002\] \(2\)  two'
	await ' h001 '
	# unchanged in the run after: no longer highlighted
	gone '!h001'
	keys Escape
	await 'watch stopped'
	quit
}

@test "dashboard: tail shows each host's lines, its rates in the Diff tab, the filter applies live; Esc stops it" {
	log="$S/app.log"
	: >"$log"
	chmod 644 "$log"
	dash h001 h002
	cmd "tail $log"
	await "running | tail /"
	for i in 1 2 3 4 5 6; do echo "line $i ERROR" >>"$log"; echo "line $i info" >>"$log"; done
	await 'lines/s per host'
	await 'h002                            '
	keys Enter
	await 'line 6 info'
	keys /
	keys -l ERROR
	keys Enter
	echo 'line 7 ERROR' >>"$log"
	echo 'line 7 info' >>"$log"
	await 'line 7 ERROR'
	run screen
	refute_output --partial 'line 7 info'
	keys Escape
	await 'tail stopped'
	quit
}

@test "dashboard: tail --grep keeps the matching lines" {
	log="$S/app.log"
	printf 'keep 1\ndrop 2\nkeep 3\n' >"$log"
	chmod 644 "$log"
	dash h001
	cmd "tail $log --grep ^keep"
	keys Enter
	await 'keep 3'
	run screen
	refute_output --partial 'drop 2'
	quit
}

@test "dashboard: diff PATH groups the hosts by the file's content" {
	printf 'a\nb\n' >"$S/conf"
	chmod 644 "$S/conf"
	dash -g fleet
	cmd "diff $S/conf"
	await 'done: 3 ok, 0 not ok'
	run screen
	assert_output --regexp ' norm +h\[001-003\] \(3\)  a'
	quit
}

@test "dashboard: its runs are recorded in the history, a watch as one series; a tail is not; --no-history none" {
	echo log >"$S/log"
	chmod 644 "$S/log"
	dash h001 h002
	cmd 'echo recorded'
	await 'done: 2 ok, 0 not ok'
	cmd "watch --interval 1s echo watched"
	await 'run 2 every'
	keys Escape
	await 'watch stopped'
	cmd "tail $S/log"
	await '(2)  log'
	keys Escape
	await 'tail stopped'
	quit
	run herd-hist list --json
	assert_success
	# newest first: the watch's iterations (at least 2), then the command
	run jq -s -r '.[] | "\(.command)|\(.hosts)|\(.ok)|\(.seq)"' <<<"$output"
	assert_line --index 0 --regexp '^echo watched\|2\|2\|[1-9]'
	assert_line 'echo watched|2|2|0'
	assert_line --regexp '^echo recorded\|2\|2\|'
	refute_output --partial 'tail'
	run bash -c 'herd-hist list --json | jq -s -r "[.[] | select(.command == \"echo watched\") | .series] | unique | length"'
	assert_output 1
	# the results with them: the first run's outputs, per host
	run bash -c 'herd-hist show 1 | herd-group'
	assert_output --partial 'recorded'
	assert_output --partial 'h[001-002]'

	rm -rf "$HOME/.local/share/herd" "$T/tty.rc"
	tmux -L "$TMUX_SOCK" kill-server
	dash --no-history h001
	cmd 'echo not recorded'
	await 'done: 1 ok, 0 not ok'
	quit
	run herd-hist list --json
	refute_output --partial 'not recorded'
}

@test "dashboard: recipe NAME runs the recipe's steps" {
	dash h001 h002
	cmd 'recipe os-version'
	await 'recipe os-version: done after step'
	run screen
	assert_output --regexp 'norm +h\[001-002\] \(2\)'
	cmd 'recipe no-such'
	await 'no recipe no-such'
	quit
}

@test "dashboard: Enter opens a host's tab with its output, 1 goes back to Diff, x closes" {
	dash -g fleet
	cmd 'echo "out of $FLEET_HOST"'
	await 'done: 3 ok'
	keys j Enter
	await '2 h002'
	await 'out of h002'
	keys 1
	await '== differs (1): h001'
	keys 2 x
	gone '2 h002'
	quit
}

@test "dashboard: resize: the screen is laid out again at the new size" {
	dash -g fleet
	tmux -L "$TMUX_SOCK" resize-window -x 100 -y 30
	await '| 3 shown |'
	await_line 29 'fleet: 3 hosts | 3 up, 0 down'
	tmux -L "$TMUX_SOCK" resize-window -x 60 -y 16
	await_line 15 'fleet: 3 hosts'
	quit
}

@test "dashboard: a host that dies shows down in the status bar and its row" {
	dash -g fleet
	cmd true
	await 'done: 3 ok'
	ui=$(pgrep -P "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_pid}')" -x herd-ui)
	srv=$(pgrep -P "$ui" -x herd-run)
	hp=$(awk '$1 == "h003" { print $2 ":" $3 }' "$FLEET_ROLES_FILE")
	c=$(ss -tnpH state established | awk -v p="pid=$srv," -v h="$hp" \
	    'index($0, p) && $4 == h { print $3 }')
	[ -n "$c" ]
	ss -tnpH state established | awk -v c="$c" '$4 == c' | grep -o 'pid=[0-9]*' |
	    cut -d= -f2 | sort -u | xargs -r kill -KILL
	await '2 up, 1 down'
	quit
}

@test "dashboard: colours by default, none with NO_COLOR; remote text is sanitised" {
	DASH_ENV='unset NO_COLOR' dash h001
	cmd "printf 'esc:\\033[31mred\\n'"
	await 'done: 1 ok'
	run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -e | grep -c \$'\\e\\\\[3[0-7]m'"
	assert [ "$output" -gt 0 ]
	run screen
	assert_output --partial 'esc:^[[31mred'
	quit
	teardown
	DASH_ENV='export NO_COLOR=1' dash h001
	cmd 'echo x'
	await 'done: 1 ok'
	run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -e | grep -c \$'\\e\\\\[3[0-7]m'"
	assert_equal "$output" 0
	quit
}
