bats_require_minimum_version 1.5.0
load helper
load run_helper

# herd-run against the loopback OpenSSH test fleet (tests/fleet/README): two
# fleets, one of 8 ordinary hosts (plus the special hosts) for most tests and
# a second one for the run of the default timeouts and for a fleet of another
# directory.  Many hosts, sudo and large outputs are in run-load.bats.  Only
# 127.0.0.0/8 is ever touched; as root scripts/run-tests runs this inside a
# private network namespace.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet" F2="$BATS_FILE_TMPDIR/fleet2"
	"$TESTS/fleet/fleet-start" "$FD" 8
	"$TESTS/fleet/fleet-start" "$F2" 1
	# The default timeouts (10 s to connect, 30 s per command) take that long
	# to show: start that run now, on the second fleet so that the
	# fleet-procs checks of the other tests do not see its session, and
	# check it in the last test.
	printf 'H\t%s\n' silent hang >"$BATS_FILE_TMPDIR/defaults.hosts"
	mkdir -p "$BATS_FILE_TMPDIR/home-defaults"
	(
		. "$F2/env"
		export HOME="$BATS_FILE_TMPDIR/home-defaults"
		exec herd-run -F "$FLEET_SSH_CONFIG" -f "$BATS_FILE_TMPDIR/defaults.hosts" behave
	) </dev/null >"$BATS_FILE_TMPDIR/defaults.out" 2>"$BATS_FILE_TMPDIR/defaults.err" 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/defaults.pid"
}

teardown_file() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/defaults.pid" 2>/dev/null)
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || :
	"$TESTS/fleet/fleet-stop" "$FD"
	"$TESTS/fleet/fleet-stop" "$F2"
}

# --- records, JSON, streaming ---------------------------------------------------------------

@test "records: header, H records passed through, C with the command, R per host, E counts" {
	{
		echo '#herd-records 1'
		echo '# a comment'
		printf 'X\tfor a later stage\n'
		printf 'H\t%s\n' h001 exit3 stderr refused
	} >"$T/hosts"
	run --separate-stderr herd-run -F "$CFG" --selection '-g test' 'echo "a	b"; behave' <"$T/hosts"
	assert_failure 1
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 12
	assert_line --index 0 '#herd-records 1'
	assert_line --index 1 "$(printf 'X\tfor a later stage')"
	assert_line --index 2 "$(printf 'H\th001')"
	assert_line --index 5 "$(printf 'H\trefused')"
	run_id=$(printf '%s\n' "${lines[6]}" | cut -f2)
	assert_line --index 6 --regexp "^C	$run_id	[0-9]{13}	echo \"a\\\\tb\"; behave	-g test$"
	assert_line --index 11 --regexp "^E	$run_id	[0-9]{13}	2	1	1	0$"
	# every R record: 13 fields, this run, a duration, a digest
	run_lines=$(printf '%s\n' "$output" | awk -F '\t' -v r="$run_id" '$1 == "R" &&
	    NF == 13 && $2 == r && $6 ~ /^[0-9]+$/ && length($7) == 64 && $7 ~ /^[0-9a-f]+$/' | wc -l)
	assert_equal "$run_lines" 4
	assert_equal "$(result h001)" 'ok|0|a\tb\nhello from fleet\n|||'
	assert_equal "$(result exit3)" 'nonzero|3|a\tb\ninactive\n|||'
	assert_equal "$(result stderr)" 'ok|0|a\tb\nto-stdout\n|to-stderr\n||'
	assert_equal "$(result refused)" 'failed||||connect: connection refused|check that sshd is running and listening on that port'
	assert_counts_match
}

@test "sha256: the digest of herd-records(5), equal for equal results, different otherwise" {
	hosts h001 h002 h003 h004 exit3 refused authfail
	hr 'uname -r; [ $FLEET_HOST != exit3 ]'
	assert_failure 1
	assert_equal "$(result h001)" "ok|0|$FLEET_KERNEL\\n|||"
	assert_equal "$(result h004)" "ok|0|$FLEET_KERNEL_OUTLIER\\n|||"
	want=$(printf 'herd-result-1\0%s\0%s\0%s\0%s%s\0%s' ok 0 15 "$FLEET_KERNEL
" 0 '' | sha256sum | cut -d' ' -f1)
	assert_equal "$(sha h001)" "$want"
	assert_equal "$(sha h002)" "$want"
	assert_equal "$(sha h003)" "$want"
	refute [ "$(sha h004)" = "$want" ]
	want=$(printf 'herd-result-1\0%s\0%s\0%s\0%s%s\0%s' failed -1 0 '' 0 '' | sha256sum | cut -d' ' -f1)
	assert_equal "$(sha refused)" "$want"
	assert_equal "$(sha authfail)" "$want"
	# same stdout, other exit status: another digest
	assert_equal "$(result exit3)" "nonzero|1|$FLEET_KERNEL\\n|||"
	refute [ "$(sha exit3)" = "$(sha h001)" ]
}

@test "--json: the run, one object per host, its end; nothing else" {
	hosts h001 exit3 stderr refused
	hr --json behave
	assert_failure 1
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 6
	assert_equal "$(jq -r .type <<<"$output" | paste -sd' ')" "run result result result result end"
	assert_equal "$(jq -r 'select(.type == "run") | .command' <<<"$output")" behave
	assert_equal "$(jq -c 'select(.type == "end") | [.ok, .nonzero, .failed, .timeout]' <<<"$output")" "[2,1,1,0]"
	assert_equal "$(jq -r .run <<<"$output" | sort -u | wc -l)" 1
	run jq -c -s 'map(select(.type == "result")) | sort_by(.host) | .[] | del(.type, .duration_ms, .sha256, .run, .finished_ms, .streamed)' <<<"$output"
	assert_success
	assert_output '{"host":"exit3","status":"nonzero","exit":3,"stdout":"inactive\n","stderr":"","error":null,"hint":null,"truncated":false}
{"host":"h001","status":"ok","exit":0,"stdout":"hello from fleet\n","stderr":"","error":null,"hint":null,"truncated":false}
{"host":"refused","status":"failed","exit":null,"stdout":"","stderr":"","error":"connect: connection refused","hint":"check that sshd is running and listening on that port","truncated":false}
{"host":"stderr","status":"ok","exit":0,"stdout":"to-stdout\n","stderr":"to-stderr\n","error":null,"hint":null,"truncated":false}'
	hr --json behave
	run jq -r 'select(.type == "result") | select((.duration_ms | type) != "number" or (.sha256 | test("^[0-9a-f]{64}$") | not)) | .host' <<<"$output"
	assert_output ""
}

@test "results stream out as each host finishes" {
	S=$(shared)
	hosts h001 h002
	herd-run -F "$CFG" -f "$T/hosts" \
	    "if [ \$FLEET_HOST = h002 ]; then until [ -e $S/go ]; do sleep 0.02; done; fi; echo \$FLEET_HOST" \
	    >"$T/out" 2>"$T/err" 3>&- &
	BG_PID=$!
	until_true grep -q "^R.*	h001	ok	" "$T/out"
	# h001 is out while h002 is still running
	kill -0 "$BG_PID"
	run grep -c '^R' "$T/out"
	assert_output 1
	touch "$S/go"
	rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	assert_equal "$rc" 0
	run cat "$T/out"
	assert_equal "$(result h002)" 'ok|0|h002\n|||'
	assert_line --index -1 --regexp '^E	.*	2	0	0	0$'
	assert_equal "$(cat "$T/err")" ""
}

@test "--concurrency N: never more than N commands at once, and N run together" {
	S=$(shared)
	mkdir -m 1777 "$S/active" "$S/go"
	hosts h001 h002 h003 h004 h005 h006 h007 h008
	# Each command shows itself in active/, notes how many are there, and
	# waits until the test lets it go.
	herd-run -F "$CFG" -f "$T/hosts" --concurrency 3 \
	    "touch $S/active/\$FLEET_HOST; ls $S/active | wc -l >>$S/seen
	     until [ -e $S/go/\$FLEET_HOST ]; do sleep 0.02; done
	     rm $S/active/\$FLEET_HOST; echo \$FLEET_HOST" >"$T/out" 2>"$T/err" 3>&- &
	BG_PID=$!
	waiting() {	# commands running and not yet let go
		local h n=0
		for h in $(ls "$S/active"); do
			[ -e "$S/go/$h" ] || n=$((n + 1))
		done
		echo $n
	}
	released=0
	while [ $released -lt 8 ]; do
		want=$((8 - released < 3 ? 8 - released : 3))
		enough() { [ "$(waiting)" -ge "$want" ]; }
		until_true enough
		assert_equal "$(waiting)" $want
		for h in $(ls "$S/active"); do
			[ -e "$S/go/$h" ] && continue
			touch "$S/go/$h"
			break
		done
		released=$((released + 1))
	done
	rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	assert_equal "$rc" 0
	assert_equal "$(sort -n "$S/seen" | tail -1)" 3
	run cat "$T/out"
	assert_line --index -1 --regexp '^E	.*	8	0	0	0$'
	for h in h001 h002 h003 h004 h005 h006 h007 h008; do
		assert_equal "$(result $h)" "ok|0|$h\\n|||"
	done
}

# --- exit status ---------------------------------------------------------------------------

@test "exit 0 when every host is ok, 1 when one is not" {
	hosts h001 h002
	hr behave
	assert_success
	assert_equal "$(counts)" "2 0 0 0"
	hosts h001 exit3
	hr behave
	assert_failure 1
	hosts h001 refused
	hr behave
	assert_failure 1
	printf 'H\th001\nH\thang\t\t\t\t\t\t200\n' >"$T/hosts"
	hr behave
	assert_failure 1
	assert_equal "$(counts)" "1 0 0 1"
	hosts
	hr behave
	assert_success
	assert_equal "$(counts)" "0 0 0 0"
}

@test "usage and config errors: exit 2, nothing on stdout" {
	hosts h001
	hr --help
	assert_success
	assert_line --index 0 "usage: herd-run [options] [--] COMMAND..."
	hr
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$(printf '%s\n' "$stderr" | head -2)" "herd-run: no command given
usage: herd-run [options] [--] COMMAND..."
	hr --timeout 3x true
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "herd-run: --timeout: expected a duration such as 30s, got 3x"
	hr --connect-timeout 0 true
	assert_failure 2
	assert_equal "$stderr" "herd-run: --connect-timeout must be more than 0"
	for p in 0 65536 22x; do
		hr -p "$p" true
		assert_failure 2
		assert_equal "$output" ""
		assert_equal "$stderr" "herd-run: -p: expected a port, got $p"
	done
	hr -F "$T/no-such-config" true
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "herd-run: ssh config: $T/no-such-config: No such file or directory"
	run --separate-stderr herd-run -F "$CFG" -f "$T/no-such-hosts" true
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "herd-run: $T/no-such-hosts: No such file or directory"
	hr --concurrency 0 true
	assert_failure 2
	assert_equal "$stderr" "herd-run: --concurrency: expected 1 to 100000, got 0"
	hr --max-output 0 true
	assert_failure 2
	assert_equal "$stderr" "herd-run: --max-output: expected a size such as 16M, got 0"
	run --separate-stderr herd-run -F "$CFG" true <<<"$(printf 'H\t\tx')"
	assert_failure 2
	assert_equal "$stderr" "$(printf 'herd-run: bad H record: H\t\tx')"
}

# --- ssh_config and the ssh options ------------------------------------------------------

@test "-F: HostName, User, Port, IdentityFile of ssh_config; H record port and user win" {
	hosts h001 refused
	hr 'echo $FLEET_HOST $(id -un)'
	assert_equal "$(result h001)" "ok|0|h001 $FLEET_USER\\n|||"
	# refused and silent only differ from h001 by their Port
	assert_equal "$(result refused)" 'failed||||connect: connection refused|check that sshd is running and listening on that port'
	# (a connect timeout is said as it was given)
	hosts silent
	hr --connect-timeout 250ms true
	assert_equal "$(result silent)" 'failed||||connect: timed out after 250ms|host down, or the port filtered or not speaking SSH? raise --connect-timeout if it is just slow'
	# H record: name h002, address h001 (looked up in ssh_config), user herdfleetpw
	printf 'H\th002\th001\t\t%s\n' "$FLEET_PW_USER" >"$T/hosts"
	hr 'echo $FLEET_HOST $(id -un)'
	assert_success
	assert_equal "$(result h002)" "ok|0|h001 $FLEET_PW_USER\\n|||"
	# H record port: h001's address on the refused host's port
	printf 'H\tx\th001\t%s\n' "$(awk '$1 == "refused" { print $3 }' "$FLEET_ROLES_FILE")" >"$T/hosts"
	hr true
	assert_equal "$(result x)" 'failed||||connect: connection refused|check that sshd is running and listening on that port'
}

@test "-l USER overrides ssh_config's User" {
	hosts h001 h002
	hr -l "$FLEET_PW_USER" 'id -un'
	assert_success
	assert_equal "$(result h001)" "ok|0|$FLEET_PW_USER\\n|||"
	assert_equal "$(result h002)" "ok|0|$FLEET_PW_USER\\n|||"
}

@test "-i KEY, -l USER, -p PORT with an ssh_config that names none of them" {
	. "$F2/env"
	port=$(awk '$1 == "h001" { print $3 }' "$FLEET_ROLES_FILE")
	printf 'Host *\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n' \
	    "$FLEET_KNOWN_HOSTS" >"$T/min.cfg"
	printf 'H\tx\t%s\n' "$(addr h001)" >"$T/hosts"
	CFG=$T/min.cfg
	hr -i "$FLEET_KEY" -l "$FLEET_USER" -p "$port" 'echo $FLEET_HOST $FLEET_DIR $(id -un)'
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(result x)" "ok|0|h001 $F2 $FLEET_USER\\n|||"
	# each of them is needed
	hr -l "$FLEET_USER" -p "$port" true
	assert_equal "$(result x)" "failed||||auth: permission denied for $FLEET_USER@$(addr h001) (tried keys)|check the user and that the key is in the host's authorized_keys; try ssh -v"
	hr -i "$FLEET_KEY" -p "$port" true
	assert_equal "$(result x)" "failed||||auth: permission denied for root@$(addr h001) (tried keys)|check the user and that the key is in the host's authorized_keys; try ssh -v"
	# without -p, port 22 (where a fleet may be or not: --dry-run says it)
	hr -i "$FLEET_KEY" -l "$FLEET_USER" --dry-run true
	assert_success
	assert_line "  x  $FLEET_USER@$(addr h001):22  timeout 30s"
}

@test "ProxyJump in ssh_config: h002 reached through h001" {
	sed '/^Host h002$/a\  ProxyJump h001' "$FLEET_SSH_CONFIG" >"$T/jump.cfg"
	CFG=$T/jump.cfg
	hosts h002 h003
	hr 'echo $FLEET_HOST; behave'
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(result h002)" 'ok|0|h002\nhello from fleet\n|||'
	# the jump is really taken: through a host that refuses us, h002 fails
	sed '/^Host h002$/a\  ProxyJump authfail' "$FLEET_SSH_CONFIG" >"$T/jump.cfg"
	hr 'echo $FLEET_HOST; behave'
	assert_failure 1
	assert_equal "$(result h003)" 'ok|0|h003\nhello from fleet\n|||'
	assert_equal "$(result h002)" "failed||||proxy: $FLEET_USER@$(addr authfail): Permission denied (publickey).|the ProxyJump through authfail failed; try ssh -v -J authfail $(addr h002)"
	no_fleet_procs
}

@test "ProxyJump: a jump that fails gives ssh's own message, not a dropped connection" {
	sed '/^Host h002$/a\  ProxyJump refused' "$FLEET_SSH_CONFIG" >"$T/jump.cfg"
	CFG=$T/jump.cfg
	hosts h002
	hr true
	assert_failure 1
	assert_equal "$stderr" ""
	port=$(awk '$1 == "refused" { print $3 }' "$FLEET_ROLES_FILE")
	assert_equal "$(result h002)" "failed||||proxy: ssh: connect to host $(addr refused) port $port: Connection refused|the ProxyJump through refused failed; try ssh -v -J refused $(addr h002)"
	# through a jump that works, to a port where nothing listens: why, not
	# ssh's last words "stdio forwarding failed" (why is said at LogLevel INFO,
	# the default, not the fleet's ERROR)
	{
		echo 'LogLevel INFO'
		sed '/^Host refused$/a\  ProxyJump h001' "$FLEET_SSH_CONFIG"
	} >"$T/jump.cfg"
	hosts refused
	hr true
	assert_equal "$(result refused)" "failed||||proxy: channel 0: open failed: connect failed: Connection refused|the ProxyJump through h001 failed; try ssh -v -J h001 $(addr refused)"
	# a name that does not resolve (no resolver in the test namespace)
	[ "${HERD_TEST_NETNS:-}" = 1 ] || return 0
	sed '/^Host h002$/a\  ProxyJump nowhere.invalid' "$FLEET_SSH_CONFIG" >"$T/jump.cfg"
	hosts h002
	hr true
	assert_regex "$(result h002)" "^failed\|\|\|\|proxy: ssh: Could not resolve hostname nowhere.invalid: .*\|the ProxyJump through nowhere.invalid failed"
}

@test "%% in UserKnownHostsFile is a % once: the file herd names is the one libssh reads" {
	mkdir "$T/kh%d"
	cp "$FLEET_KNOWN_HOSTS" "$T/kh%d/known_hosts"
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/kh%%d/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts h001 unknownkey
	hr behave
	assert_equal "$(result h001)" 'ok|0|hello from fleet\n|||'
	assert_equal "$(result unknownkey)" "failed||||unknown key: $(known_name unknownkey) is not in $T/kh%d/known_hosts|verify the key once with ssh, or add it with --accept-new"
	# --accept-new writes there too
	hr --accept-new behave
	assert_success
	assert_equal "$(wc -l <"$T/kh%d/known_hosts")" $(($(wc -l <"$FLEET_KNOWN_HOSTS") + 1))
}

@test "UserKnownHostsFile of ssh_config is the one checked" {
	known_hosts_without h001 >"$T/known_hosts"
	assert_equal "$(wc -l <"$T/known_hosts")" $(($(wc -l <"$FLEET_KNOWN_HOSTS") - 1))
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts h001 h002
	hr behave
	assert_failure 1
	assert_equal "$(result h001)" "failed||||unknown key: $(known_name h001) is not in $T/known_hosts|verify the key once with ssh, or add it with --accept-new"
	assert_equal "$(result h002)" 'ok|0|hello from fleet\n|||'
}

@test "StrictHostKeyChecking accept-new in ssh_config adds the keys" {
	: >"$T/known_hosts"
	sed -e "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" \
	    -e 's/StrictHostKeyChecking yes/StrictHostKeyChecking accept-new/' \
	    "$FLEET_SSH_CONFIG" >"$T/an.cfg"
	CFG=$T/an.cfg
	hosts h001 h002
	hr behave
	assert_success
	assert_equal "$stderr" ""
	read -r type key _ <"$FLEET_HOST_KEY"
	run sort "$T/known_hosts"
	assert_output "$(printf '%s %s %s\n' "$(known_name h001)" "$type" "$key" \
	    "$(known_name h002)" "$type" "$key" | sort)"
	# and they are what a strict run checks against
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/strict.cfg"
	CFG=$T/strict.cfg
	hosts h001 h002 h003
	hr behave
	assert_failure 1
	assert_equal "$(counts)" "2 0 1 0"
	assert_equal "$(result h003)" "failed||||unknown key: $(known_name h003) is not in $T/known_hosts|verify the key once with ssh, or add it with --accept-new"
}

@test "ConnectTimeout of ssh_config is honoured on the silent host; --connect-timeout wins" {
	sed '/^Host silent$/a\  ConnectTimeout 1' "$FLEET_SSH_CONFIG" >"$T/ct.cfg"
	CFG=$T/ct.cfg
	hosts silent h001
	hr behave
	assert_failure 1
	assert_equal "$(result silent)" 'failed||||connect: timed out after 1s|host down, or the port filtered or not speaking SSH? raise --connect-timeout if it is just slow'
	assert_equal "$(result h001)" 'ok|0|hello from fleet\n|||'
	hosts silent
	hr --connect-timeout 300ms behave
	assert_equal "$(result silent)" 'failed||||connect: timed out after 300ms|host down, or the port filtered or not speaking SSH? raise --connect-timeout if it is just slow'
}

@test "ssh-agent: the key from the agent, none on disk" {
	grep -v 'IdentityFile\|IdentitiesOnly' "$FLEET_SSH_CONFIG" >"$T/agent.cfg"
	CFG=$T/agent.cfg
	hosts h001 h002 h003
	eval "$(ssh-agent -s)" >/dev/null
	AGENT_PID=$SSH_AGENT_PID
	run ssh-add -q "$FLEET_KEY"
	assert_success
	hr behave
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(counts)" "3 0 0 0"
	assert_equal "$(result h003)" 'ok|0|hello from fleet\n|||'
	# without the agent there is nothing to log in with
	SSH_AUTH_SOCK='' hr behave
	assert_failure 1
	assert_equal "$(result h001)" "failed||||auth: permission denied for $FLEET_USER@$(addr h001) (tried keys)|check the user and that the key is in the host's authorized_keys; try ssh -v"
	kill "$AGENT_PID"
	AGENT_PID=
}

@test "an encrypted key: its passphrase is asked once on the terminal for all hosts" {
	sed "s#IdentityFile .*#IdentityFile $FLEET_KEY_ENC#" "$FLEET_SSH_CONFIG" >"$T/enc.cfg"
	hosts h001 h002 h003 h004 h005 h006 h007 h008
	on_tty "herd-run -F $T/enc.cfg -f $T/hosts behave >$T/out 2>$T/err"
	until_true tty_has "Enter passphrase for key '$FLEET_KEY_ENC':"
	type_line "$FLEET_KEY_PASSPHRASE"
	until_true test -s "$T/tty.rc"
	assert_equal "$(cat "$T/tty.rc")" 0
	assert_equal "$(cat "$T/err")" ""
	run cat "$T/out"
	assert_equal "$(counts)" "8 0 0 0"
	assert_equal "$(result h008)" 'ok|0|hello from fleet\n|||'
	run tty_screen
	assert_equal "$(grep -c 'Enter passphrase' <<<"$output")" 1
	refute_output --partial "$FLEET_KEY_PASSPHRASE"
}

@test "an encrypted key without a terminal: the host fails, saying why" {
	command -v setsid >/dev/null || skip "setsid is not installed"
	sed "s#IdentityFile .*#IdentityFile $FLEET_KEY_ENC#" "$FLEET_SSH_CONFIG" >"$T/enc.cfg"
	hosts h001
	run --separate-stderr setsid -w herd-run -F "$T/enc.cfg" -f "$T/hosts" behave </dev/null
	assert_failure 1
	assert_equal "$stderr" ""
	assert_equal "$(result h001)" "failed||||auth: cannot load key '$FLEET_KEY_ENC' (encrypted without a terminal to ask, or not a private key)|run herd-run on a terminal to be asked the passphrase, or add the key to ssh-agent"
}

@test "--ask-pass: password login on pwhost, asked on the terminal, never shown" {
	[ "$FLEET_HAS_PASSWORD" = 1 ] || skip "no password host (not root)"
	hosts pwhost h001
	on_tty "herd-run -F $CFG -f $T/hosts --ask-pass 'id -un' >$T/out 2>$T/err"
	until_true tty_has "SSH password:"
	type_line "$FLEET_PASSWORD"
	until_true test -s "$T/tty.rc"
	assert_equal "$(cat "$T/tty.rc")" 0
	assert_equal "$(cat "$T/err")" ""
	run cat "$T/out"
	assert_equal "$(result pwhost)" "ok|0|$FLEET_PW_USER\\n|||"
	assert_equal "$(result h001)" "ok|0|$FLEET_USER\\n|||"
	refute_output --partial "$FLEET_PASSWORD"
	run tty_screen
	assert_equal "$(grep -c 'SSH password:' <<<"$output")" 1
	refute_output --partial "$FLEET_PASSWORD"
	# without the password, pwhost lets nobody in
	hosts pwhost
	hr true
	assert_equal "$(result pwhost)" "failed||||auth: permission denied for $FLEET_PW_USER@$(addr pwhost) (tried keys)|check the user and that the key is in the host's authorized_keys; try ssh -v"
}

@test "--ask-pass and --ask-become-pass need a terminal: exit 2" {
	command -v setsid >/dev/null || skip "setsid is not installed"
	hosts h001
	run --separate-stderr setsid -w herd-run -F "$CFG" -f "$T/hosts" --ask-pass true </dev/null
	assert_failure 2
	assert_equal "$stderr" "herd-run: --ask-pass needs a terminal to ask on"
	run --separate-stderr setsid -w herd-run -F "$CFG" -f "$T/hosts" --ask-become-pass true </dev/null
	assert_failure 2
	assert_equal "$stderr" "herd-run: --ask-become-pass needs a terminal to ask on (or --become-pass-file, or HERD_BECOME_PASS)"
}

@test "standard input on a terminal: refused with a hint, not waited on" {
	on_tty "herd-run -F $CFG true 2>$T/err"
	until_true test -s "$T/tty.rc"
	assert_equal "$(cat "$T/tty.rc")" 2
	assert_equal "$(cat "$T/err")" "herd-run: reads records (herd-records(5)) on standard input, not from a terminal; pipe herd-select into it, or give the H records with -f FILE"
	# -G with hosts reads nothing
	on_tty "herd-run -F $CFG -G h001 >$T/out 2>$T/err"
	until_true test -s "$T/out"
	assert_equal "$(head -1 "$T/out")" "host h001"
}

# --- host keys ------------------------------------------------------------------------------

@test "host keys: unknown fails with a hint; --accept-new adds it, then it is known" {
	cp "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts unknownkey h001
	hr behave
	assert_failure 1
	assert_equal "$(result unknownkey)" "failed||||unknown key: $(known_name unknownkey) is not in $T/known_hosts|verify the key once with ssh, or add it with --accept-new"
	cmp "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
	hr --accept-new behave
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(result unknownkey)" 'ok|0|hello from fleet\n|||'
	read -r type key _ <"$FLEET_HOST_KEY"
	run diff "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
	assert_output "$(printf '%s\n> %s %s %s' "$(wc -l <"$FLEET_KNOWN_HOSTS")a$(($(wc -l <"$FLEET_KNOWN_HOSTS") + 1))" \
	    "$(known_name unknownkey)" "$type" "$key")"
	hr behave
	assert_success
	assert_equal "$(result unknownkey)" 'ok|0|hello from fleet\n|||'
}

@test "host keys: --insecure connects with a warning and adds nothing" {
	cp "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts unknownkey h001
	hr --insecure behave
	assert_success
	assert_equal "$stderr" "herd-run: --insecure: host keys are not checked; anyone on the path can impersonate these hosts (a changed key is still refused)"
	assert_equal "$(result unknownkey)" 'ok|0|hello from fleet\n|||'
	cmp "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
}

@test "host keys: a changed key is refused, even with --insecure and --accept-new" {
	cp "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts changedkey
	want="failed||||changed key: the host key of $(known_name changedkey) does not match $T/known_hosts; possible man-in-the-middle attack, refusing to connect|if the change is expected, remove the old key with ssh-keygen -R $(shq "$(known_name changedkey)") -f $T/known_hosts and connect again"
	for opts in "" --insecure --accept-new "--insecure --accept-new"; do
		hr $opts behave
		assert_failure 1
		assert_equal "$(result changedkey)" "$want"
	done
	cmp "$FLEET_KNOWN_HOSTS" "$T/known_hosts"
}

# limited N ARGS...: herd-run ARGS with only stdio open and ulimit -n N.
limited() {
	run --separate-stderr bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}
		[ "$fd" -le 2 ] || eval "exec $fd>&-"; done
		ulimit -n "$1"; shift; exec herd-run "$@"' sh "$@"
}

# Regression (issue 7.1): libssh reads a known_hosts file it cannot open as
# empty, so a changed key looked "unknown" and was accepted under fd pressure.
@test "host keys: short of descriptors, a changed key is never accepted" {
	sed 's/StrictHostKeyChecking yes/StrictHostKeyChecking no/' "$FLEET_SSH_CONFIG" >"$T/no.cfg"
	hosts changedkey
	for how in "$CFG --accept-new" "$CFG --insecure" "$T/no.cfg"; do
		set -- $how
		for n in 6 7 8 9 10 12; do
			limited "$n" -f "$T/hosts" -F "$@" 'echo RAN'
			assert_failure 1
			refute_output --partial 'RAN\n'
			# refused, as changed or as unreadable, or no socket at all: never let in
			assert_regex "$(result changedkey)" \
			    '^failed\|\|\|\|(changed key: |host key check failed: cannot read .*: Too many open files|local: out of file descriptors)'
		done
	done
}

@test "host keys: 60 hosts under ulimit -n 32: they wait for descriptors, the changed key is refused" {
	# the 8 hosts under 7 names each, and changedkey under 3
	{
		echo '#herd-records 1'
		for r in 1 2 3 4 5 6 7; do
			for i in $(seq 1 8); do printf 'H\tcopy%d-h%03d\th%03d\n' "$r" "$i" "$i"; done
		done
		for i in $(seq 1 3); do printf 'H\tcopy-changed%d\tchangedkey\n' "$i"; done
	} >"$T/hosts"
	limited 32 -F "$CFG" -f "$T/hosts" --concurrency 64 --accept-new 'echo $FLEET_HOST'
	assert_failure 1
	assert_equal "$stderr" "herd-run: open-file limit 32: 10 hosts at a time (raise ulimit -n for more)"
	assert_equal "$(counts)" "56 0 3 0"
	assert_equal "$(printf '%s\n' "$output" | awk -F '\t' '$1 == "R" && $4 == "failed" { print $10 }' | cut -c1-12 | sort -u)" "changed key:"
}

@test "host keys: a known_hosts that cannot be read fails closed, whatever the policy" {
	mkdir "$T/known_hosts"	# opens, then fails to read (EISDIR), even as root
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts h001
	for opts in "" --accept-new --insecure; do
		hr $opts 'echo RAN'
		assert_failure 1
		refute_output --partial 'RAN\n'
		assert_equal "$(result h001)" "failed||||host key check failed: cannot read $T/known_hosts: Is a directory|herd refuses a host whose known_hosts entry it cannot read; check the file and the open-file limit (ulimit -n)"
	done
}

@test "host keys: a bad known_hosts line for the host fails closed, not as unknown" {
	known_hosts_without h001 >"$T/known_hosts"
	printf '%s ssh-ed25519 AAAA-not-base64\n' "$(known_name h001)" >>"$T/known_hosts"
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts h001
	hr --accept-new 'echo RAN'
	assert_failure 1
	refute_output --partial 'RAN\n'
	assert_regex "$(result h001)" "^failed\|\|\|\|host key check failed: $T/known_hosts:[0-9]+(: bad entry for | lists )\\[?$(addr h001)"
}

@test "host keys: --accept-new creates known_hosts 0600 in a 0700 directory, whatever the umask" {
	sed "s#UserKnownHostsFile .*#UserKnownHostsFile $T/new/known_hosts#" "$FLEET_SSH_CONFIG" >"$T/kh.cfg"
	CFG=$T/kh.cfg
	hosts h001
	run --separate-stderr bash -c 'umask 000; exec herd-run "$@"' sh -F "$CFG" -f "$T/hosts" --accept-new true
	assert_success
	assert_equal "$(stat -c %a "$T/new" "$T/new/known_hosts")" "$(printf '700\n600')"
	assert_equal "$(wc -l <"$T/new/known_hosts")" 1
}

# --- timeouts, interrupts, pipes ---------------------------------------------------------------

@test "--timeout: status timeout, the remote command is really stopped" {
	hosts hang
	hr --timeout 300ms behave
	assert_failure 1
	assert_equal "$(result hang)" 'timeout|||[herd: remote command killed by signal TERM]\n|timed out after 300ms; the remote command was stopped|'
	assert_equal "$(counts)" "0 0 0 1"
	no_fleet_procs
}

@test "--timeout: a command that ignores TERM is killed" {
	hosts h001
	hr --timeout 1s 'trap "" TERM; echo started; sleep 3600; echo never'
	assert_failure 1
	assert_equal "$(result h001)" 'timeout||started\n|[herd: remote command killed by signal KILL]\n|timed out after 1s; the remote command was stopped|'
	no_fleet_procs
	hr --timeout 1s 'trap "echo got TERM" TERM; sleep 3600 & wait; echo still here; sleep 3600'
	assert_equal "$(result h001)" 'timeout||got TERM\nstill here\n|[herd: remote command killed by signal KILL]\n|timed out after 1s; the remote command was stopped|'
	no_fleet_procs
}

@test "timeouts: the H record's, the config's, and --timeout 0 for none" {
	# a timeout the user did not give says where it comes from
	printf 'H\thang\t\t\t\t\t\t300\n' >"$T/hosts"
	hr behave
	assert_equal "$(result hang)" "timeout|||[herd: remote command killed by signal TERM]\\n|timed out after 300ms; the remote command was stopped|300ms is the host's own timeout (from its group in the config): raise it there or with --timeout, or --timeout 0 for none"
	printf 'defaults:\n  timeout: 300ms\n  connect_timeout: 300ms\n' >"$T/herd.yaml"
	hosts h001
	hr -c "$T/herd.yaml" --connect-timeout 1m 'sleep 3; echo done'
	assert_equal "$(result h001)" "timeout|||[herd: remote command killed by signal TERM]\\n|timed out after 300ms; the remote command was stopped|300ms is defaults.timeout of the config: raise it there or with --timeout, or --timeout 0 for none"
	hosts silent
	hr -c "$T/herd.yaml" true
	assert_equal "$(result silent)" 'failed||||connect: timed out after 300ms|host down, or the port filtered or not speaking SSH? raise --connect-timeout if it is just slow'
	hosts h001
	hr -c "$T/herd.yaml" --connect-timeout 1m --timeout 0 'sleep 0.6; echo done'
	assert_success
	assert_equal "$(result h001)" 'ok|0|done\n|||'
	printf 'H\th001\t\t\t\t\t\t300\n' >"$T/hosts"
	hr --timeout 0 'sleep 0.6; echo done'
	assert_success
	assert_equal "$(result h001)" 'ok|0|done\n|||'
	no_fleet_procs
}

@test "Ctrl-C: no new connections, running commands stopped, all reported, E written, exit 130" {
	S=$(shared)
	hosts h001 h002 h003 hang
	herd-run -F "$CFG" -f "$T/hosts" --concurrency 2 \
	    "touch $S/started.\$FLEET_HOST; behave; sleep 3600" >"$T/out" 2>"$T/err" 3>&- &
	BG_PID=$!
	until_true test -e "$S/started.h001" -a -e "$S/started.h002"
	running_sleeps() { [ "$("$TESTS/fleet/fleet-procs" "$FD" | grep -c '^[0-9]* sleep 3600$')" = 2 ]; }
	until_true running_sleeps
	kill -INT "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	assert_equal "$rc" 130
	assert_equal "$(cat "$T/err")" ""
	run cat "$T/out"
	stopped='failed||hello from fleet\n|[herd: remote command killed by signal TERM]\n|interrupted; the remote command was stopped|'
	assert_equal "$(result h001)" "$stopped"
	assert_equal "$(result h002)" "$stopped"
	assert_equal "$(result h003)" 'failed||||interrupted before connecting|'
	assert_equal "$(result hang)" 'failed||||interrupted before connecting|'
	assert_line --index -1 --regexp '^E	.*	0	0	4	0$'
	run ls "$S"
	assert_output "started.h001
started.h002"
	no_fleet_procs
}

@test "SIGPIPE: a reader that goes away is no error (herd-run | head -1)" {
	# h001 is written at once, h002 later, when head is long gone
	hosts h001 h002
	cmd='[ $FLEET_HOST = h001 ] || sleep 0.3; behave'
	run bash -c 'herd-run -F "$1" -f "$2" "$4" 2>"$3/err" | head -1; echo "${PIPESTATUS[0]}"' \
	    sh "$CFG" "$T/hosts" "$T" "$cmd"
	assert_output "#herd-records 1
141"
	assert_equal "$(cat "$T/err")" ""
	run bash -c 'herd-run -F "$1" -f "$2" --json "$4" 2>"$3/err" | head -c 9; s=${PIPESTATUS[0]}; echo; echo $s' \
	    sh "$CFG" "$T/hosts" "$T" "$cmd"
	assert_output '{"type":"
141'
	assert_equal "$(cat "$T/err")" ""
	no_fleet_procs
}

# --- failure classes -----------------------------------------------------------------------

@test "failures: refused, auth, unknown key, changed key, timeout, disconnected" {
	hosts refused authfail unknownkey changedkey disconnect h001
	hr behave
	assert_failure 1
	assert_equal "$stderr" ""
	assert_equal "$(result refused)" 'failed||||connect: connection refused|check that sshd is running and listening on that port'
	assert_equal "$(result authfail)" "failed||||auth: permission denied for $FLEET_USER@$(addr authfail) (tried keys)|check the user and that the key is in the host's authorized_keys; try ssh -v"
	assert_equal "$(result unknownkey)" "failed||||unknown key: $(known_name unknownkey) is not in $FLEET_KNOWN_HOSTS|verify the key once with ssh, or add it with --accept-new"
	assert_equal "$(result changedkey)" "failed||||changed key: the host key of $(known_name changedkey) does not match $FLEET_KNOWN_HOSTS; possible man-in-the-middle attack, refusing to connect|if the change is expected, remove the old key with ssh-keygen -R $(shq "$(known_name changedkey)") -f $FLEET_KNOWN_HOSTS and connect again"
	assert_equal "$(counts)" "1 0 5 0"
	run awk -F '\t' '$1 == "R" && $3 == "disconnect" { print $4 "|" $5 "|" $8 "|" $9 "|" ($10 ~ /^disconnected: /) "|" $11 }' <<<"$output"
	assert_output 'failed||partial\n||1|sshd dropped the connection (MaxStartups, reboot, OOM?)'
	no_fleet_procs
}

@test "failures: DNS, an unresolvable name (network namespace only)" {
	# outside the namespace the query could reach a real resolver
	[ "${HERD_TEST_NETNS:-}" = 1 ] || skip "needs the test network namespace"
	printf 'H\tnowhere\tno-such-host.invalid\n' >"$T/hosts"
	hr --connect-timeout 2s true
	assert_failure 1
	run awk -F '\t' '$1 == "R" { print $4 "|" ($10 ~ /^DNS: cannot resolve the host name \(.*no-such-host\.invalid/) "|" $11 }' <<<"$output"
	assert_output 'failed|1|check the name, /etc/hosts, or HostName in ssh_config'
}

@test "failures: no route to host (network namespace only)" {
	[ "${HERD_TEST_NETNS:-}" = 1 ] && [ "$(id -u)" = 0 ] || skip "needs the test network namespace"
	ip route add unreachable 127.66.0.0/16
	ROUTE=127.66.0.0/16
	printf 'H\tnoroute\t127.66.0.1\n' >"$T/hosts"
	hr --connect-timeout 2s true
	assert_failure 1
	assert_equal "$(result noroute)" 'failed||||connect: no route to host (Failed to connect: No route to host)|check the address and the network path to the host'
}

@test "failures: key file permissions" {
	cp "$FLEET_KEY" "$T/key"
	chmod 644 "$T/key"
	grep -v IdentityFile "$FLEET_SSH_CONFIG" >"$T/noid.cfg"
	CFG=$T/noid.cfg
	hosts h001
	hr -i "$T/key" behave
	assert_failure 1
	assert_equal "$(result h001)" "failed||||key file permissions: permissions 0644 for '$T/key' are too open|chmod 600 the private key (ssh refuses keys others can read)"
	chmod 600 "$T/key"
	hr -i "$T/key" behave
	assert_success
	assert_equal "$(result h001)" 'ok|0|hello from fleet\n|||'
}

# --- last: the defaults started in setup_file ------------------------------------------------------

@test "defaults: --connect-timeout 10s and --timeout 30s" {
	until_true_long() {
		local i
		for i in $(seq 600); do
			grep -q '^E' "$BATS_FILE_TMPDIR/defaults.out" && return 0
			sleep 0.1
		done
		return 1
	}
	until_true_long
	assert_equal "$(cat "$BATS_FILE_TMPDIR/defaults.err")" ""
	run cat "$BATS_FILE_TMPDIR/defaults.out"
	assert_equal "$(result silent)" 'failed||||connect: timed out after 10s|host down, or the port filtered or not speaking SSH? raise --connect-timeout if it is just slow'
	assert_equal "$(result hang)" 'timeout|||[herd: remote command killed by signal TERM]\n|timed out after 30s; the remote command was stopped|30s is the default timeout: raise it with --timeout or defaults.timeout in the config, or --timeout 0 for none'
	run "$TESTS/fleet/fleet-procs" "$F2" 3
	assert_output ""
}
