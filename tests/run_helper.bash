# Shared by run.bats and run-load.bats: per-test setup and the helpers of
# herd-run's tests on the loopback fleet (tests/fleet/README).

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	CFG="$FLEET_SSH_CONFIG"
	# No ~/.ssh of the machine's: keys, config and known_hosts are the test's.
	export HOME="$T/home"
	mkdir -p "$HOME"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	BG_PID= AGENT_PID= TMUX_SOCK= ROUTE=
}

teardown() {
	[ -z "$BG_PID" ] || kill "$BG_PID" 2>/dev/null || :
	[ -z "$AGENT_PID" ] || kill "$AGENT_PID" 2>/dev/null || :
	[ -z "$TMUX_SOCK" ] || tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || :
	[ -z "$ROUTE" ] || ip route del "$ROUTE" 2>/dev/null || :
}

# --- helpers ---------------------------------------------------------------------

# hosts NAME...: H records for those fleet hosts, in $T/hosts.
hosts() {
	{
		echo '#herd-records 1'
		[ $# -eq 0 ] || printf 'H\t%s\n' "$@"
	} >"$T/hosts"
}

# hr ARGS...: herd-run over $T/hosts with ssh_config $CFG; stderr in $stderr.
hr() {
	run --separate-stderr herd-run -F "$CFG" -f "$T/hosts" "$@"
	# a sanitizer build must report nothing, whatever the test looks at
	if grep -q 'Sanitizer\|runtime error' <<<"$stderr"; then
		printf '%s\n' "$stderr" >&2
		return 1
	fi
}

# result HOST: HOST's R record in $output as status|exit|stdout|stderr|error|hint
# (fields escaped as in the record).
result() {
	printf '%s\n' "$output" | awk -F '\t' -v h="$1" '
	    $1 == "R" && $3 == h { print $4 "|" $5 "|" $8 "|" $9 "|" $10 "|" $11 }'
}

# sha HOST: HOST's sha256 field in $output.
sha() {
	printf '%s\n' "$output" | awk -F '\t' -v h="$1" '$1 == "R" && $3 == h { print $7 }'
}

# counts: the E record's ok nonzero failed timeout, space separated.
counts() {
	printf '%s\n' "$output" | awk -F '\t' '$1 == "E" { print $4, $5, $6, $7 }'
}

# The counts of the R records in $output must be the E record's.
assert_counts_match() {
	local fromr
	fromr=$(printf '%s\n' "$output" | awk -F '\t' '$1 == "R" { n[$4]++ }
	    END { print n["ok"] + 0, n["nonzero"] + 0, n["failed"] + 0, n["timeout"] + 0 }')
	assert_equal "$(counts)" "$fromr"
}

# known_name HOST: how HOST's address appears in a known_hosts file.
known_name() {
	awk -v h="$1" '$1 == h { if ($3 == 22) print $2; else print "[" $2 "]:" $3 }' \
	    "$FLEET_ROLES_FILE"
}

# known_hosts_without HOST: the fleet's known_hosts less HOST's line, found by
# its names, so whatever address and port the fleet got.
known_hosts_without() {
	awk -v a="$(known_name "$1")" -v h="$1" '{
		n = split($1, names, ",")
		for (i = 1; i <= n; i++)
			if (names[i] == a || names[i] == h || index(names[i], "[" h "]:") == 1)
				next
		print
	}' "$FLEET_KNOWN_HOSTS"
}

# shq WORD: WORD as herd quotes it for sh (in hints).
shq() {
	case $1 in
	*[!A-Za-z0-9_./=:,@+%-]*) printf "'%s'" "$1" ;;
	*) printf '%s' "$1" ;;
	esac
}

# addr HOST: HOST's address.
addr() {
	awk -v h="$1" '$1 == h { print $2 }' "$FLEET_ROLES_FILE"
}

# shared: a directory the commands on the fleet (as the fleet users) and the
# test can both write.
shared() {
	local d="$BATS_FILE_TMPDIR/shared-$BATS_TEST_NUMBER"
	mkdir -m 1777 "$d"
	echo "$d"
}

# until_true CMD...: wait (at most 20 s) until CMD succeeds.
until_true() {
	local i
	for i in $(seq 400); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

# no_fleet_procs: nothing left running on the fleet (waits up to 3 s for it).
no_fleet_procs() {
	run "$TESTS/fleet/fleet-procs" "$FD" 3
	assert_success
	assert_output ""
}

# on_tty CMD: run the shell command line CMD on a terminal of its own (a detached
# tmux session on a private server); its exit status lands in $T/tty.rc.
on_tty() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK="herd-run-test-$$-$BATS_TEST_NUMBER"
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 200 -y 50 \
	    "$1; echo \$? >$T/tty.rc; exec sleep 600"
}

# tty_screen: everything the terminal showed.
tty_screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p -S -
}

# tty_has TEXT: the terminal showed TEXT.
tty_has() {
	tty_screen | grep -qF -- "$1"
}

# type_line TEXT: type TEXT and Enter on the terminal.
type_line() {
	tmux -L "$TMUX_SOCK" send-keys -l -- "$1"
	tmux -L "$TMUX_SOCK" send-keys Enter
}
