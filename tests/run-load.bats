bats_require_minimum_version 1.5.0
load helper
load run_helper

# herd-run on many hosts, with sudo, and with large outputs, against the
# loopback OpenSSH test fleet (tests/fleet/README): one fleet of 8 ordinary
# hosts (plus the special hosts) and one of 200.  Only 127.0.0.0/8 is ever
# touched; as root scripts/run-tests runs this inside a private network
# namespace.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet" F200="$BATS_FILE_TMPDIR/fleet200"
	"$TESTS/fleet/fleet-start" "$FD" 8
	"$TESTS/fleet/fleet-start" "$F200" 200
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
	"$TESTS/fleet/fleet-stop" "$F200"
}

# --- many hosts ------------------------------------------------------------------------------

@test "200 hosts at once with ulimit -Sn 64: the limit is raised, all ok, each host itself" {
	# 200 handshakes at once on 2 slow cores can take longer than the default
	# 10 s connect timeout: this test is about descriptors, not speed.
	. "$F200/env"
	sed 's/^/H\t/' "$FLEET_HOSTS_FILE" >"$T/hosts"
	run --separate-stderr bash -c 'ulimit -Sn 64 && exec herd-run -F "$1" -f "$2" --concurrency 200 --connect-timeout 120s "echo hello from fleet; echo \$FLEET_HOST >&2"' \
	    sh "$FLEET_SSH_CONFIG" "$T/hosts"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(counts)" "200 0 0 0"
	assert_counts_match
	# the same stdout everywhere, and each host's stderr its own name
	assert_equal "$(printf '%s\n' "$output" | awk -F '\t' '$1 == "R" { print $4 "|" $5 "|" $8 }' | sort | uniq -c | sed 's/^ *//')" \
	    "200 ok|0|hello from fleet\\n"
	bad=$(printf '%s\n' "$output" | awk -F '\t' '$1 == "R" && $9 != $3 "\\n"' | wc -l)
	assert_equal "$bad" 0
	assert_equal "$(printf '%s\n' "$output" | awk -F '\t' '$1 == "R" { print $3 }' | sort)" \
	    "$(cat "$FLEET_HOSTS_FILE")"
}

# --- sudo ----------------------------------------------------------------------------------

@test "--sudo: passwordless sudo runs the command as root" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "no sudo on the fleet (not root)"
	hosts h001 h002
	hr --sudo 'id -u; echo "it'\''s $(id -un)"'
	assert_success
	assert_equal "$(result h001)" "ok|0|0\\nit's root\\n|||"
	assert_equal "$(result h002)" "ok|0|0\\nit's root\\n|||"
	# sudo wanting a password fails the host clearly, without waiting
	hosts sudopw
	hr --sudo 'id -u'
	assert_failure 1
	assert_equal "$(result sudopw)" 'nonzero|1||sudo: a password is required\n||sudo wants a password on this host: use --ask-become-pass (or --become-pass-file)'
}

@test "--become-pass-file and HERD_BECOME_PASS: the sudo password without a terminal" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "no sudo on the fleet (not root)"
	command -v setsid >/dev/null || skip "setsid is not installed"
	hosts sudopw h001
	printf '%s\n' "$FLEET_PASSWORD" >"$T/pass"
	chmod 600 "$T/pass"
	run --separate-stderr setsid -w herd-run -F "$CFG" -f "$T/hosts" --become-pass-file "$T/pass" 'id -u' </dev/null
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(result sudopw)" 'ok|0|0\n|||'
	assert_equal "$(result h001)" 'ok|0|0\n|||'
	refute_output --partial "$FLEET_PASSWORD"
	HERD_BECOME_PASS=$FLEET_PASSWORD run --separate-stderr setsid -w herd-run -F "$CFG" -f "$T/hosts" --ask-become-pass 'id -u' </dev/null
	assert_success
	assert_equal "$(result sudopw)" 'ok|0|0\n|||'
	HERD_BECOME_PASS=not-it run --separate-stderr setsid -w herd-run -F "$CFG" -f "$T/hosts" --ask-become-pass 'id -u' </dev/null
	assert_failure 1
	run awk -F '\t' '$1 == "R" && $3 == "sudopw" { print $4 "|" $5 "|" $10 "|" $11 }' <<<"$output"
	assert_output 'failed||sudo: incorrect password (--ask-become-pass)|check the become password; sudo refused it'
	# a file others can read is refused, as ssh refuses such a key
	chmod 640 "$T/pass"
	run --separate-stderr herd-run -F "$CFG" -f "$T/hosts" --become-pass-file "$T/pass" true
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "herd-run: --become-pass-file: $T/pass: permissions 0640 are too open; chmod 600 it"
	no_fleet_procs
}

@test "--ask-become-pass: sudo with a password on sudopw, never echoed nor recorded" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "no sudo on the fleet (not root)"
	hosts sudopw h001 refused
	on_tty "herd-run -F $CFG -f $T/hosts --ask-become-pass 'id -u' >$T/out 2>$T/err"
	until_true tty_has "BECOME password:"
	type_line "$FLEET_PASSWORD"
	until_true test -s "$T/tty.rc"
	assert_equal "$(cat "$T/tty.rc")" 1
	assert_equal "$(cat "$T/err")" ""
	run cat "$T/out"
	assert_equal "$(result sudopw)" 'ok|0|0\n|||'
	assert_equal "$(result h001)" 'ok|0|0\n|||'
	assert_equal "$(result refused)" 'failed||||connect: connection refused|check that sshd is running and listening on that port'
	# the same result as a plain sudo gives
	assert_equal "$(sha sudopw)" "$(sha h001)"
	refute_output --partial "$FLEET_PASSWORD"
	refute_output --partial "herd-sudo"
	refute_output --partial "assword"
	run tty_screen
	assert_equal "$(grep -c 'BECOME password:' <<<"$output")" 1
	refute_output --partial "$FLEET_PASSWORD"
	no_fleet_procs
}

@test "--ask-become-pass: a wrong password fails the host clearly" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "no sudo on the fleet (not root)"
	hosts sudopw
	on_tty "herd-run -F $CFG -f $T/hosts --ask-become-pass 'id -u' >$T/out 2>$T/err"
	until_true tty_has "BECOME password:"
	type_line "not-the-password"
	until_true test -s "$T/tty.rc"
	assert_equal "$(cat "$T/tty.rc")" 1
	assert_equal "$(cat "$T/err")" ""
	run cat "$T/out"
	run awk -F '\t' '$1 == "R" { print $4 "|" $5 "|" $10 "|" $11 }' <<<"$output"
	assert_output 'failed||sudo: incorrect password (--ask-become-pass)|check the become password; sudo refused it'
	run cat "$T/out"
	refute_output --partial "not-the-password"
	refute_output --partial "herd-sudo"
	no_fleet_procs
}

@test "--ask-become-pass: the password goes to sudo's prompt only, never to a command" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "no sudo on the fleet (not root)"
	# h001's sudo wants no password, so no prompt comes first; the command
	# itself then prints the prompt text (found with ps) and reads a line
	hosts h001
	on_tty "herd-run -F $CFG -f $T/hosts --timeout 3s --ask-become-pass 'ps -eo args | grep -o \"[[]herd-sudo:[0-9a-f]*]\" | head -1; read -r x; echo got:\$x' >$T/out 2>$T/err"
	until_true tty_has "BECOME password:"
	type_line "$FLEET_PASSWORD"
	until_true test -s "$T/tty.rc"
	run cat "$T/out"
	refute_output --partial "$FLEET_PASSWORD"
	# the command got no line, and the prompt text it printed is its output
	assert_regex "$(result h001)" '^timeout\|\|\[herd-sudo:[0-9a-f]+\]\\n\|'
	no_fleet_procs
}

# --- output ------------------------------------------------------------------------------

@test "big: 10 MiB arrive complete by default" {
	hosts big
	herd-run -F "$CFG" -f "$T/hosts" behave >"$T/out"
	rec-get -w 2=big R 7 <"$T/out" >"$T/stdout"
	assert_equal "$(wc -c <"$T/stdout")" "$FLEET_BIG_BYTES"
	yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ. |
	    head -c "$FLEET_BIG_BYTES" >"$T/expected"
	cmp "$T/expected" "$T/stdout"
	assert_equal "$(awk -F '\t' '$1 == "E" { print $4, $5, $6, $7 }' "$T/out")" "1 0 0 0"
}

@test "--max-output 1M: truncated with a marker, memory stays bounded" {
	hosts big
	# (without ASan's quarantine of freed memory, which grows with the traffic)
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
	measure herd-run -F "$CFG" -f "$T/hosts" --max-output 1M behave >"$T/out" 2>"$T/measure.big"
	rec-get -w 2=big R 7 <"$T/out" >"$T/stdout"
	yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ. | head -c 1048576 >"$T/expected"
	printf '\n[herd: output truncated: %d bytes beyond --max-output dropped]\n' \
	    $((FLEET_BIG_BYTES - 1048576)) >>"$T/expected"
	cmp "$T/expected" "$T/stdout"
	run cat "$T/out"
	run awk -F '\t' '$1 == "R" { print $4 "|" $5 "|" $9 "|" $10 }' <<<"$output"
	assert_output 'ok|0||'
	herd-run -F "$CFG" -f "$T/hosts" --max-output 1M --json behave >"$T/json"
	assert_equal "$(jq -r 'select(.type == "result") | "\(.truncated) \(.stdout | length)"' "$T/json")" "true $(wc -c <"$T/expected")"
	# maxrss (KiB): holding the output takes about 10 MiB more than a small
	# run (less under ASan, whose baseline differs); bounded, far less
	hosts h001
	measure herd-run -F "$CFG" -f "$T/hosts" --max-output 1M behave >/dev/null 2>"$T/measure.small"
	hosts big
	measure herd-run -F "$CFG" -f "$T/hosts" behave >/dev/null 2>"$T/measure.all"
	big=$(cut -d' ' -f3 "$T/measure.big")
	small=$(cut -d' ' -f3 "$T/measure.small")
	all=$(cut -d' ' -f3 "$T/measure.all")
	echo "maxrss KiB: small $small, big with 1M $big, big kept $all" >&2
	[ $((big - small)) -lt $((FLEET_BIG_BYTES / 2048)) ]
	[ $((all - small)) -gt $((FLEET_BIG_BYTES / 2048)) ]
}

@test "--max-output is per stream; the default is 16 MiB" {
	hosts h001
	hr --max-output 10 'printf 0123456789abcdefghij; printf err >&2'
	assert_success
	assert_equal "$(result h001)" 'ok|0|0123456789\n[herd: output truncated: 10 bytes beyond --max-output dropped]\n|err||'
	hr --max-output 10 --json 'printf 0123456789; printf err >&2'
	assert_equal "$(jq -c 'select(.type == "result") | [.stdout, .stderr, .truncated]' <<<"$output")" '["0123456789","err",false]'
	herd-run -F "$CFG" -f "$T/hosts" 'head -c 16777316 /dev/zero | tr "\0" a' >"$T/out"
	rec-get -w 2=h001 R 7 <"$T/out" >"$T/stdout"
	{
		head -c 16777216 /dev/zero | tr '\0' a
		printf '\n[herd: output truncated: 100 bytes beyond --max-output dropped]\n'
	} >"$T/expected"
	cmp "$T/expected" "$T/stdout"
}

@test "binary output survives byte for byte" {
	hosts binary h001
	herd-run -F "$CFG" -f "$T/hosts" behave >"$T/out"
	rec-get -w 2=binary R 7 <"$T/out" >"$T/stdout"
	cmp "$FLEET_BINARY_FILE" "$T/stdout"
	# every record is still one line
	assert_equal "$(grep -c '^R' "$T/out")" 2
	assert_equal "$(wc -l <"$T/out")" 7
	# JSON carries it as valid UTF-8 (bad bytes as U+FFFD)
	herd-run -F "$CFG" -f "$T/hosts" --json behave >"$T/json"
	run jq -r 'select(.host == "binary") | .stdout' "$T/json"
	assert_success
	rep=$(printf '\357\277\275')
	assert_line --partial "bad utf8 $rep$rep end"
}

@test "10 hosts of 10 MiB at once: memory stays within 1.3 times the output held" {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
	hosts h001
	measure herd-run -F "$CFG" -f "$T/hosts" behave >/dev/null 2>"$T/measure.small"
	for i in $(seq -w 1 10); do printf 'H\tbig%s\tbig\n' "$i"; done >"$T/hosts"
	measure herd-run -F "$CFG" -f "$T/hosts" behave >"$T/out" 2>"$T/measure.big"
	# (the file is read by awk: 100 MB in a shell variable would take minutes)
	assert_equal "$(awk -F '\t' '$1 == "E" { print $4, $5, $6, $7 }' "$T/out")" "10 0 0 0"
	# every output complete: 163840 lines, each LF escaped as \n in the record
	assert_equal "$(awk -F '\t' '$1 == "R" { print length($8) }' "$T/out" | sort -u)" \
	    $((FLEET_BIG_BYTES + 163840))
	small=$(cut -d' ' -f3 "$T/measure.small")
	big=$(cut -d' ' -f3 "$T/measure.big")
	held=$((10 * FLEET_BIG_BYTES / 1024))
	echo "maxrss KiB: small $small, 10 x 10 MiB $big, output $held" >&2
	[ $((big - small)) -le $((held * 13 / 10)) ]
}

@test "--max-total-output: the output all hosts hold at once stays within it" {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
	hosts h001
	measure herd-run -F "$CFG" -f "$T/hosts" behave >/dev/null 2>"$T/measure.small"
	printf 'H\tbig%d\tbig\n' 1 2 3 4 >"$T/hosts"
	measure herd-run -F "$CFG" -f "$T/hosts" --max-total-output 1M behave >"$T/out" \
	    2>"$T/measure.big"
	assert_equal "$(awk -F '\t' '$1 == "E" { print $4, $5, $6, $7 }' "$T/out")" "4 0 0 0"
	yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ. |
	    head -c "$FLEET_BIG_BYTES" >"$T/expected"
	for h in big1 big2 big3 big4; do
		rec-get -w 2=$h R 7 <"$T/out" >"$T/stdout"
		marker=$(tail -n 1 "$T/stdout")
		assert_regex "$marker" '^\[herd: output truncated: [0-9]+ bytes dropped, beyond --max-total-output for all hosts at once\]$'
		dropped=$(tr -dc 0-9 <<<"$marker")
		kept=$(($(wc -c <"$T/stdout") - ${#marker} - 2))
		assert_equal $((kept + dropped)) "$FLEET_BIG_BYTES"
		[ "$kept" -le 1048576 ]
		cmp <(head -c "$kept" "$T/stdout") <(head -c "$kept" "$T/expected")
	done
	small=$(cut -d' ' -f3 "$T/measure.small")
	big=$(cut -d' ' -f3 "$T/measure.big")
	echo "maxrss KiB: small $small, 4 x 10 MiB within 1M $big" >&2
	[ $((big - small)) -lt $((FLEET_BIG_BYTES / 1024)) ]
	hr --max-total-output 1x true
	assert_failure 2
	assert_equal "$stderr" "herd-run: --max-total-output: expected a size such as 16M, got 1x"
}

@test "--stream to a reader far behind: the hosts wait, herd-run's memory does not grow with the output" {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
	printf 'H\tbig%d\tbig\n' 1 2 >"$T/hosts"
	measure herd-run -F "$CFG" -f "$T/hosts" --stream behave >"$T/fast" 2>"$T/measure.fast"
	# the reader starts after the hosts have sent everything they could
	measure herd-run -F "$CFG" -f "$T/hosts" --stream behave 2>"$T/measure.slow" |
	    { sleep 4; cat >"$T/slow"; }
	for f in fast slow; do
		assert_equal "$(awk -F '\t' '$1 == "E" { print $4, $5, $6, $7 }' "$T/$f")" "2 0 0 0"
		# every line of both hosts came in the L records (LF escaped as \n)
		assert_equal "$(awk -F '\t' '$1 == "L" && $4 == "o" { n += gsub(/\\n/, "", $6) } END { print n }' "$T/$f")" 327680
	done
	fast=$(cut -d' ' -f3 "$T/measure.fast")
	slow=$(cut -d' ' -f3 "$T/measure.slow")
	# the records of 2 x 10 MiB are about 37 MB (queued whole, 65 MB more than
	# into a file); herd-run queues 8 MiB and what is in flight (16 MB more)
	echo "maxrss KiB: into a file $fast, into a reader 4 s late $slow" >&2
	[ $((slow - fast)) -lt 32768 ]
}

@test "a host whose H record comes twice runs once, and is passed on once" {
	printf 'H\th001\nH\th002\nH\th001\t%s\n' "$(addr h002)" >"$T/hosts"
	hr 'echo $FLEET_HOST'
	assert_success
	assert_equal "$(counts)" "2 0 0 0"
	assert_equal "$(result h001)" 'ok|0|h001\n|||'
	assert_equal "$(printf '%s\n' "$output" | grep -c '^H')" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c '^R')" 2
}

@test "a write error on the output: exit 3, saying so" {
	hosts h001
	run --separate-stderr bash -c 'exec herd-run -F "$1" -f "$2" behave >/dev/full' sh \
	    "$CFG" "$T/hosts"
	assert_failure 3
	assert_equal "$stderr" "herd-run: writing the output: No space left on device"
	no_fleet_procs
}
