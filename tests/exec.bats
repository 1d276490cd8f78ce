bats_require_minimum_version 1.5.0
load helper

# herd exec = herd-select | herd-run | herd-group, end to end on the loopback
# OpenSSH test fleet (tests/fleet/README): 8 ordinary hosts and the special
# ones.  Only 127.0.0.0/8 is touched; as root scripts/run-tests runs this in
# a private network namespace.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 8
	# A herd config whose groups list fleet hosts (addresses, ports and
	# users come from the fleet's ssh_config, given with -F).
	cat >"$BATS_FILE_TMPDIR/config.yaml" <<'EOF'
groups:
  fleet:
    hosts:
      - {host: h001, tags: [odd, prod]}
      - {host: h002, tags: [even, prod]}
      - {host: h003, tags: [odd, prod]}
      - {host: h004, tags: [even, prod]}
      - {host: h005, tags: [odd, staging]}
      - {host: h006, tags: [even, staging]}
      - {host: h007, tags: [odd, staging]}
      - {host: h008, tags: [even, staging]}
  web:
    hosts: [h001, h002, h003, h004]
  db:
    hosts: [h005, h006, h007, h008]
  special:
    hosts: [exit3, stderr, hang, slow, binary, authfail, refused, silent]
parsers:
  kernel:
    extract:
      - field: major
        pattern: '^(\d+)\.'
      - field: flavour
        pattern: '-(\w+)$'
      - field: release
        column: 1
EOF
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	CONFIG="$BATS_FILE_TMPDIR/config.yaml"
	# No ~/.ssh of the machine's: keys, config and known_hosts are the test's.
	export HOME="$T/home"
	mkdir -p "$HOME"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
}

# hx ARGS...: herd exec on the fleet, stdout and stderr apart.
hx() {
	run --separate-stderr herd exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" "$@"
}

# The address a fleet host has (tests/fleet/README: roles).
addr() {
	awk -v h="$1" '$1 == h { print $2 }' "$FLEET_ROLES_FILE"
}

# No byte but TAB, LF and printable ASCII in FILE.
only_plain_ascii() {
	if LC_ALL=C grep -qa $'[^\t -~]' "$1"; then
		echo "raw control or non-ASCII bytes in $1:" >&2
		LC_ALL=C grep -na $'[^\t -~]' "$1" | od -c | head -20 >&2
		return 1
	fi
}

# --- the ROADMAP's and ORIGINAL's examples ------------------------------------------------

@test "uname -r on the fleet: 6 identical, h004 and h008 differ, with the diff" {
	hx 'uname -r' -g fleet
	assert_success
	assert_output " 6 hosts identical:
   h[001-003,005-007]
   6.1.0-18-amd64

 2 hosts differ:
   h[004,008]
   6.1.0-17-amd64

   --- norm (6 hosts)
   +++ h[004,008]
   @@ -1 +1 @@
   -6.1.0-18-amd64
   +6.1.0-17-amd64

8 succeeded (2 differ)"
	assert_equal "$stderr" ""
}

@test "special hosts: an exit code, refused and authfail with hints, a timeout" {
	# one host at a time, so that results (and groups) come in this order
	hx --concurrency 1 --timeout 2s behave h001 h002 exit3 refused authfail hang
	assert_failure 1
	assert_output " 2 hosts identical:
   h[001-002]
   hello from fleet

 1 host exited with code 3:
   exit3
   inactive

 2 hosts failed:
   authfail (auth: permission denied for $FLEET_USER@$(addr authfail) (tried keys))
     hint: check the user and that the key is in the host's authorized_keys; try ssh -v
   refused (connect: connection refused)
     hint: check that sshd is running and listening on that port

 1 host timed out:
   hang (timed out after 2s; the remote command was stopped)
     stderr: [herd: remote command killed by signal TERM]

2 succeeded, 1 non-zero exit, 2 failed, 1 timeout"
	assert_equal "$stderr" ""
}

@test "stderr is shown marked, and in the diff" {
	hx behave h001 h002 stderr
	assert_success
	assert_output " 2 hosts identical:
   h[001-002]
   hello from fleet

 1 host differs:
   stderr
   to-stdout
   stderr: to-stderr

   --- norm (2 hosts)
   +++ stderr
   @@ -1 +1,2 @@
   -hello from fleet
   +to-stdout
   +stderr: to-stderr

3 succeeded (1 differs)"
}

@test "the binary host: escapes, NUL, CR and bad UTF-8 are shown, never sent raw" {
	hx behave binary
	assert_success
	assert_output " 1 host:
   binary
   binary start
   ^@nul^@byte
   ^[[2Jclear
   ^[]0;title^G
   cr^M
   bad utf8 \\xff\\xfe end
   tab	here
   no newline at end

1 succeeded"
	herd exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" behave binary h001 >"$T/out"
	only_plain_ascii "$T/out"
	herd exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" --color always behave binary h001 |
	    sed $'s/\e\\[[0-9;]*m//g' >"$T/out"
	only_plain_ascii "$T/out"
	herd exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" --json behave binary >"$T/out"
	only_plain_ascii "$T/out"
	# the JSON output holds the bytes (invalid UTF-8 as U+FFFD)
	jq -j 'select(.hosts) | .output' "$T/out" | od -c >"$T/got"
	sed 's/\xff\xfe/\xef\xbf\xbd\xef\xbf\xbd/' "$FLEET_BINARY_FILE" | od -c >"$T/want"
	cmp "$T/want" "$T/got"
}

# --- selection ------------------------------------------------------------------------

@test "selection: -g, -t, host names and ranges go to herd-select" {
	# selected N HOSTS ARGS...: \`true\` on the hosts ARGS select ran on N HOSTS
	selected() {
		local n=$1 hosts=$2
		shift 2
		hx "$@" -- true
		assert_success
		assert_output " $n hosts identical:
   $hosts
   (no output)

$n succeeded"
	}
	selected 4 "h[001-004]" -g web
	selected 2 "h[001,003]" -g web -t odd
	selected 2 "h[006,008]" --group=db --tag '!odd'
	selected 2 "h[005,007]" -t odd,staging
	selected 4 "h[005-008]" -g fleet -t '!prod'
	selected 6 "h[001-004,006,008]" -t prod -t staging,even
	selected 5 "h[001,005-008]" -g db h001
	selected 2 "h[002,007]" h007 h002
	selected 2 "h[002-003]" 'h[002-003]'
	selected 2 "h[004,007]" 'h*7' 'h*4'
}

@test "selection: the C record carries herd-select's canonical description, whatever the order" {
	# a herd-group that keeps the records it reads
	mkdir -p "$T/bin"
	printf '#!/bin/sh\ntee -a "%s" | exec "%s" "$@"\n' "$T/records" "$HERD_BUILD/herd-group" \
	    >"$T/bin/herd-group"
	chmod +x "$T/bin/herd-group"
	run --separate-stderr herd --exec-path="$T/bin" exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" \
	    -g web -t odd -x h003 h005 -- true
	assert_success
	assert_output --partial "h[001,005]"
	run --separate-stderr herd --exec-path="$T/bin" exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" \
	    -x h003 h005 -t odd -g web -- true
	assert_success
	run --separate-stderr herd --exec-path="$T/bin" ping -F "$FLEET_SSH_CONFIG" -c "$CONFIG" \
	    h005 -t odd --exclude h003 --group web
	assert_success
	run awk -F '\t' '$1 == "C" { print $5 }' "$T/records"
	assert_output "-g web -t odd -w h005 -x h003
-g web -t odd -w h005 -x h003
-g web -t odd -w h005 -x h003"
	# herd-select's own description
	run herd-select -c "$CONFIG" --describe h005 -x h003 -t odd -g web
	assert_output "-g web -t odd -w h005 -x h003"
}

@test "the command reaches the hosts as one string; hosts before --" {
	hx --concurrency 1 h001 -g web -t odd -- 'echo "$FLEET_HOST: a  b" | tr a-z A-Z'
	assert_success
	assert_output " 2 hosts, all different:
   h001
     H001: A  B
   h003
     H003: A  B

2 succeeded (all different)"
}

# --- herd-run's options ------------------------------------------------------------------

@test "--timeout: a command that takes longer is stopped and shown timed out" {
	hx --timeout 1s behave hang h001
	assert_failure 1
	assert_output " 1 host:
   h001
   hello from fleet

 1 host timed out:
   hang (timed out after 1s; the remote command was stopped)
     stderr: [herd: remote command killed by signal TERM]

1 succeeded, 1 timeout"
	hx --timeout=1s --errors-only 'sleep 30' h002
	assert_failure 1
	assert_output " 1 host timed out:
   h002 (timed out after 1s; the remote command was stopped)
     stderr: [herd: remote command killed by signal TERM]

0 succeeded, 1 timeout"
}

@test "--connect-timeout: a host that never speaks SSH fails" {
	hx --connect-timeout 1s true silent
	assert_failure 1
	assert_output " 1 host failed:
   silent (connect: timed out after 1s)
     hint: host down, or the port filtered or not speaking SSH? raise --connect-timeout if it is just slow

0 succeeded, 1 failed"
}

@test "-F: the fleet's ssh_config is what names the hosts" {
	run --separate-stderr herd exec -c "$CONFIG" true h001
	assert_failure 1
	# (the resolver's own words vary)
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 " 1 host failed:"
	assert_line --index 1 --regexp '^   h001 \(DNS: cannot resolve the host name \(.+\)\)$'
	assert_line --index 2 "     hint: check the name, /etc/hosts, or HostName in ssh_config"
	assert_line --index 3 "0 succeeded, 1 failed"
	hx true h001
	assert_success
	run --separate-stderr herd exec --ssh-config "$FLEET_SSH_CONFIG" -c "$CONFIG" true h001
	assert_success
}

@test "--sudo runs the command as root; --concurrency is passed on" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "the fleet has no sudo (not root)"
	hx 'id -u' h001 h002
	assert_success
	assert_output " 2 hosts identical:
   h[001-002]
   $(id -u "$FLEET_USER")

2 succeeded"
	hx --sudo --concurrency 1 'id -u' h001 h002
	assert_success
	assert_output " 2 hosts identical:
   h[001-002]
   0

2 succeeded"
}

# --- herd-group's options -------------------------------------------------------------

@test "--json: JSON Lines, one object per group, then the summary" {
	hx --json 'uname -r' -g fleet
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$T/json"
	# (hosts in a group come in the order they answered)
	run jq -c 'select(.hosts) | [.label, (.hosts | sort), .status, .exit, .output, .diff]' \
	    "$T/json"
	assert_output '["identical",["h001","h002","h003","h005","h006","h007"],"ok",0,"6.1.0-18-amd64\n",null]
["differs",["h004","h008"],"ok",0,"6.1.0-17-amd64\n","@@ -1 +1 @@\n-6.1.0-18-amd64\n+6.1.0-17-amd64\n"]'
	run jq -c '.summary | select(.) | del(.run)' "$T/json"
	assert_output '{"command":"uname -r","hosts":8,"succeeded":8,"differs":2,"nonzero":0,"failed":0,"timeout":0,"noresult":0,"cut_short":false}'
}

@test "--errors-only, --lines, --no-fold" {
	hx --errors-only behave h001 h002 exit3
	assert_failure 1
	assert_output " 1 host exited with code 3:
   exit3
   inactive

2 succeeded, 1 non-zero exit"
	hx --lines 2 behave slow
	assert_success
	assert_output " 1 host:
   slow
   line 1
   line 2
   ... 3 more lines (--lines 0 for all)

1 succeeded"
	hx --no-fold true -g web
	assert_output " 4 hosts identical:
   h001, h002, h003, h004
   (no output)

4 succeeded"
}

@test "--color never and always" {
	hx --concurrency 1 --color never behave h001 exit3
	assert_failure 1
	assert_output " 1 host:
   h001
   hello from fleet

 1 host exited with code 3:
   exit3
   inactive

1 succeeded, 1 non-zero exit"
	hx --concurrency 1 --color always behave h001 exit3
	assert_failure 1
	assert_output $'\e[1m\e[32m 1 host:\e[0m
   h001
   hello from fleet

\e[1m\e[31m 1 host exited with code 3:\e[0m
   exit3
   inactive

1 succeeded, 1 non-zero exit'
	hx --color=always true h001
	assert_output $'\e[1m\e[32m 1 host:\e[0m\n   h001\n   \e[2m(no output)\e[0m\n\n1 succeeded'
}

@test "--parse: a config parser and a built-in" {
	hx --parse kernel -g fleet refused -- 'uname -r'
	assert_failure 1
	assert_output "HOST     major  flavour  release
-------  -----  -------  --------------
h001     6      amd64    6.1.0-18-amd64
h002     6      amd64    6.1.0-18-amd64
h003     6      amd64    6.1.0-18-amd64
h004     6      amd64    6.1.0-17-amd64
h005     6      amd64    6.1.0-18-amd64
h006     6      amd64    6.1.0-18-amd64
h007     6      amd64    6.1.0-18-amd64
h008     6      amd64    6.1.0-17-amd64
refused  -      -        -"
	hx --parse uptime uptime h001 h002
	assert_success
	assert_line --index 0 --regexp '^HOST +uptime +users +load1 +load5 +load15$'
	assert_line --index 2 --regexp '^h001  .+ [0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$'
	assert_line --index 3 --regexp '^h002  .+ [0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$'
	hx --parse disk 'df -h /' h003
	assert_success
	assert_line --index 0 --regexp '^HOST +filesystem +size +used +avail +use_pct +mount$'
	assert_equal "$(sed -n 3p <<<"$output" | tr -s ' ')" "h003 $(df -h / | tail -1 | tr -s ' ')"
}

@test "by hand: herd-group --hosts picks hosts of a run for the next one" {
	herd-select -c "$CONFIG" -g fleet exit3 refused |
	    herd-run -F "$FLEET_SSH_CONFIG" -- 'test $FLEET_HOST != h003 && behave' >"$T/run1" ||
	    true
	# picked hosts, in sorted order (results come as hosts answer)
	picked() {
		herd-group --hosts "$1" "$T/run1" | grep '^H' | cut -f2 | sort | paste -sd' ' -
	}
	run picked @failed
	assert_output "exit3 h003 refused"
	run picked @nonzero
	assert_output "exit3 h003"
	run picked @ok
	assert_output "h001 h002 h004 h005 h006 h007 h008"
	run picked @tag:odd
	assert_output "h001 h003 h005 h007"
	run picked '@tag:!prod'
	assert_output "exit3 h005 h006 h007 h008 refused"
	run picked 'h00[1-2],@timeout'
	assert_output "h001 h002"
	# the H records herd-run passed on are written again, as herd-select wrote them
	run sh -c "herd-group --hosts h003 '$T/run1'"
	assert_failure 1
	assert_output "$(herd-select -c "$CONFIG" h003)"
	# and they are the next stage's input
	run sh -c "herd-group --hosts @nonzero '$T/run1' |
	    herd-run -F '$FLEET_SSH_CONFIG' -- 'echo again' | herd-group"
	assert_success
	assert_output " 2 hosts identical:
   exit3, h003
   again

2 succeeded"
}

# --- exit status and errors ------------------------------------------------------------------

@test "exit status: 0 all ok, 1 some host not ok" {
	hx true -g fleet
	assert_success
	hx 'test $FLEET_HOST != h005' -g fleet
	assert_failure 1
	assert_output " 7 hosts identical:
   h[001-004,006-008]
   (no output)

 1 host exited with code 1:
   h005
   (no output)

7 succeeded, 1 non-zero exit"
	hx true h001 refused
	assert_failure 1
	assert_output " 1 host:
   h001
   (no output)

 1 host failed:
   refused (connect: connection refused)
     hint: check that sshd is running and listening on that port

1 succeeded, 1 failed"
}

@test "exit status 2: an unknown group, with herd-select's message" {
	hx true -g nosuch
	assert_failure 2
	assert_equal "$stderr" 'herd-select: unknown group "nosuch"
herd: herd-select failed (exit status 2)'
	# herd-run gets no host and writes an empty run, herd-group says so
	assert_output "no results"
	hx true -g fleeet
	assert_failure 2
	assert_equal "$stderr" 'herd-select: unknown group "fleeet"; did you mean "fleet"?
herd: herd-select failed (exit status 2)'
	hx true
	assert_failure 2
	assert_equal "$stderr" 'herd-select: no hosts selected: give hosts, -g GROUP, -t TAGS, -f FILE or -a
herd: herd-select failed (exit status 2)'
}

@test "exit status 2: bad options, for herd exec and for a stage" {
	hx --bogus true h001
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd: exec: unknown option --bogus (a command's own options go after --); see herd help exec"
	hx --timeout
	assert_failure 2
	assert_equal "$stderr" "herd: exec: --timeout needs a value"
	hx --json=yes true h001
	assert_failure 2
	assert_equal "$stderr" "herd: exec: --json=yes takes no value"
	hx -g web
	assert_failure 2
	assert_equal "$stderr" \
	    "herd: exec: no command; usage: herd exec CMD [HOSTS...] [-g GROUP] [-t TAGS] [options]"
	hx --lines -1 true h001
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd-group: --lines: expected a number, 0 for all, got -1
herd: herd-group failed (exit status 2)"
	hx --color sometimes true h001
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd-group: --color: expected auto, always or never, got sometimes
herd: herd-group failed (exit status 2)"
	hx --parse nosuch true h001
	assert_failure 2
	assert_output ""
	# said by herd, before anything runs
	assert_equal "$stderr" "herd: exec: --parse: unknown parser \"nosuch\" (built in: disk, free, uptime; others come from the config's parsers)"
}

# --- --explain ------------------------------------------------------------------------

@test "--explain prints the exact pipeline and runs nothing" {
	run --separate-stderr herd --explain exec -c /etc/herd.yaml -g web -t prod,!staging \
	    -F ssh_config --timeout 5s --concurrency 8 --connect-timeout 2s --sudo \
	    --json --errors-only --lines 3 --color never --parse disk --no-fold h001 'h[002-003]' \
	    -- 'uname -r'
	assert_success
	assert_output "herd-select -c /etc/herd.yaml -g web -t 'prod,!staging' h001 'h[002-003]' | herd-run -c /etc/herd.yaml -F ssh_config --timeout 5s --concurrency 8 --connect-timeout 2s --sudo --selection '-g web -t '\\''prod,!staging'\\'' -w '\\''h[001-003]'\\''' -- 'uname -r' | herd-hist record -c /etc/herd.yaml | herd-group -c /etc/herd.yaml --json --errors-only --lines 3 --color never --parse disk --no-fold"
	assert_equal "$stderr" ""
	run herd --explain exec "echo it's \"\$HOME\"" --hosts-file hosts.txt --group=db -ga --tag=x
	assert_success
	assert_output "herd-select --hosts-file hosts.txt -g db -g a -t x | herd-run --selection '-g a,db -t x -f hosts.txt' -- 'echo it'\\''s \"\$HOME\"' | herd-hist record | herd-group"
	run herd --explain exec -- -n
	assert_output "herd-select | herd-run --selection '' -- -n | herd-hist record | herd-group"
}

# --- the front end: words, fanout flags ------------------------------------------------

@test "herd exec: with -g every word is the command's; -- ends the hosts" {
	hx echo hello  world -g web
	assert_success
	assert_output " 4 hosts identical:
   h[001-004]
   hello world

4 succeeded"
	# the words are joined with a space, as ssh does, for the remote shell
	hx h001 h002 -- echo 'a  b' c '"d  e"'
	assert_success
	assert_output " 2 hosts identical:
   h[001-002]
   a b c d  e

2 succeeded"
	# after --, options are the command's
	hx -t odd -t even -g web -- ls -d /
	assert_success
	assert_line --index 1 "   h[001-004]"
	assert_line --index 2 "   /"
	# a command's word where a host should be: refused before connecting
	hx cat /etc/hostname h001
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd: exec: \"/etc/hostname\" is not a host name; did you mean to quote the command? herd exec 'cat /etc/hostname' h001"
}

@test "-f, --fanout and --forks set the hosts at a time, as --concurrency" {
	for f in "-f 1" "--fanout 1" "--forks=1" "-f1"; do
		# shellcheck disable=SC2086
		hx $f --color never behave h001 exit3
		assert_failure 1
		assert_output " 1 host:
   h001
   hello from fleet

 1 host exited with code 3:
   exit3
   inactive

1 succeeded, 1 non-zero exit"
	done
}

@test "defaults.output: json in the config: herd exec and herd ping write JSON Lines" {
	sed 's/^groups:/defaults: {output: json}\ngroups:/' "$CONFIG" >"$T/json.yaml"
	run --separate-stderr herd exec -F "$FLEET_SSH_CONFIG" -c "$T/json.yaml" true -g web
	assert_success
	run jq -c 'select(.summary) | .summary | [.hosts, .succeeded]' <<<"$output"
	assert_output "[4,4]"
	run --separate-stderr herd ping -F "$FLEET_SSH_CONFIG" -c "$T/json.yaml" h001 refused
	assert_failure 1
	run sh -c "jq -r 'select(.host) | \"\\(.host) \\(.reachable)\"' | sort" <<<"$output"
	assert_output "h001 true
refused false"
}

# --- herd-group on the fleet: runs cut short, signals, one line per host ------------------------

@test "herd-run killed with -9: herd-group names the host without a result, exit 1" {
	herd-select -c "$CONFIG" h001 h002 hang |
	    herd-run -F "$FLEET_SSH_CONFIG" -- behave >"$T/rec" &
	pid=$!
	for i in $(seq 400); do
		[ "$(grep -c '^R' "$T/rec")" = 2 ] && break
		sleep 0.05
	done
	kill -9 "$pid"
	wait "$pid" || true
	run --separate-stderr herd-group "$T/rec"
	assert_failure 1
	assert_output " 2 hosts identical:
   h[001-002]
   hello from fleet

 1 host has no result:
   hang (the run was cut short)

2 succeeded, 1 no result; the run was cut short"
	run --separate-stderr herd-group --hosts @noresult "$T/rec"
	assert_equal "$(hosts_of <<<"$output")" "hang"
	# the remote sleep herd-run left behind
	"$TESTS/fleet/fleet-procs" "$FD" | awk '/sleep/ { print $1 }' | xargs -r kill
}

@test "SIGTERM to herd-run and herd-group, as herd passes it on: the run is shown, exit 130" {
	mkfifo "$T/fifo"
	herd-group <"$T/fifo" >"$T/out" 2>"$T/err" &
	gpid=$!
	herd-select -c "$CONFIG" h001 hang |
	    sh -c 'echo $$ >"$1"; exec herd-run -F "$2" -- behave' sh "$T/rpid" \
	    "$FLEET_SSH_CONFIG" | tee "$T/rec" >"$T/fifo" &
	for i in $(seq 400); do
		grep -q '^R	[^	]*	h001	' "$T/rec" 2>/dev/null && break
		sleep 0.05
	done
	kill -s TERM "$(cat "$T/rpid")" "$gpid"
	rc=0
	wait "$gpid" || rc=$?
	assert_equal "$rc" 130
	run cat "$T/out"
	assert_line --index 0 " 1 host:"
	assert_line --index 1 "   h001"
	assert_line " 1 host failed:"
	assert_line "   hang (interrupted; the remote command was stopped)"
	assert_line "1 succeeded, 1 failed"
	assert_equal "$(cat "$T/err")" ""
}

@test "by hand: herd-group --oneline, --outdir, --errdir and -S on the fleet" {
	herd-select -c "$CONFIG" h001 h002 exit3 stderr refused |
	    herd-run -F "$FLEET_SSH_CONFIG" -- behave >"$T/rec" || true
	run herd-group --oneline "$T/rec"
	assert_failure 1
	assert_output "exit3 | NONZERO | rc=3 | inactive
h001 | OK | rc=0 | hello from fleet
h002 | OK | rc=0 | hello from fleet
refused | FAILED | rc=- | connect: connection refused
stderr | OK | rc=0 | to-stdout (+1 more line)"
	run herd-group -S --outdir "$T/out" --errdir "$T/err" "$T/rec"
	assert_failure 255
	assert_equal "$(ls "$T/out" | paste -sd' ')" "exit3 h001 h002 refused stderr"
	assert_equal "$(cat "$T/out/h001")" "hello from fleet"
	assert_equal "$(cat "$T/out/stderr")" "to-stdout"
	assert_equal "$(cat "$T/err/stderr")" "to-stderr"
	assert_equal "$(cat "$T/out/exit3")" "inactive"
	grep -v refused "$T/rec" >"$T/rec2"
	run herd-group --max-exit "$T/rec2"
	assert_failure 3
}

@test "herd exec: -w, -x, --pick and --hosts-file select the hosts" {
	hx -w 'h001,h00[3-4]' -x h004 -- true
	assert_success
	assert_line --index 1 "   h[001,003]"
	printf 'h003\n# a comment\nh006\n' >"$T/hosts"
	hx --hosts-file "$T/hosts" -w h008 true
	assert_success
	assert_line --index 1 "   h[003,006,008]"
	hx -w "^$T/hosts" --exclude 'h00[6-9]' true
	assert_success
	assert_line --index 1 "   h003"
	hx -g fleet --pick 3 true
	assert_success
	assert_line --index 0 " 3 hosts identical:"
	assert_line "3 succeeded"
}

@test "herd exec -o: an ssh_config option for every host, as ssh -o" {
	hx -o Port=1 true h001
	assert_failure 1
	assert_line --index 1 "   h001 (connect: connection refused)"
	hx -o ConnectTimeout=5 true h001
	assert_success
}

@test "herd exec: --oneline, -S, --outdir and --errdir reach herd-group" {
	hx --oneline behave h001 exit3
	assert_failure 1
	assert_output "exit3 | NONZERO | rc=3 | inactive
h001 | OK | rc=0 | hello from fleet"
	hx -S --outdir "$T/out" --errdir "$T/err" behave h001 exit3 stderr
	assert_failure 3
	assert_equal "$(ls "$T/out" | paste -sd' ')" "exit3 h001 stderr"
	assert_equal "$(cat "$T/err/stderr")" "to-stderr"
	hx --max-exit behave h001
	assert_success
}

@test "herd exec echo hello h001: hello does not resolve, did you mean to quote the command?" {
	hx echo hello h001
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd: exec: \"hello\" is not a configured host and does not resolve; did you mean to quote the command? herd exec 'echo hello' h001"
	# a name of the fleet's ssh_config, or of the config, is a host
	hx echo refused h001
	assert_failure 1
	assert_line "   refused (connect: connection refused)"
}

@test "SIGTERM and SIGHUP to herd exec: the same report as Ctrl-C, exit 130" {
	for sig in TERM HUP; do
		"$TESTS/fleet/fleet-procs" "$FD" 5 >/dev/null
		# one host at a time: once hang's command runs, h001 is done
		herd exec -F "$FLEET_SSH_CONFIG" -c "$CONFIG" -f 1 behave h001 hang \
		    >"$T/out" 2>"$T/err" &
		pid=$!
		for i in $(seq 400); do
			"$TESTS/fleet/fleet-procs" "$FD" | grep -q 'sleep 3600' && break
			sleep 0.05
		done
		kill -s "$sig" "$pid"
		rc=0
		wait "$pid" || rc=$?
		assert_equal "$rc" 130
		run cat "$T/out"
		assert_line " 1 host failed:"
		assert_line "   hang (interrupted; the remote command was stopped)"
		assert_line "1 succeeded, 1 failed"
	done
}

@test "herd exec -I: standard input read once and sent to every host's command, then EOF" {
	head -c 1048576 /dev/urandom >"$T/1m"
	hx -I h001 h002 h003 h004 -- 'wc -c' <"$T/1m"
	assert_success
	assert_line --index 0 " 4 hosts identical:"
	assert_line --index 2 "   1048576"
	# the bytes arrive unchanged
	sum=$(sha256sum <"$T/1m" | cut -d' ' -f1)
	hx --stdin h001 h002 -- sha256sum <"$T/1m"
	assert_success
	assert_line --index 2 "   $sum  -"
	# a script for bash, each host its own output
	printf 'echo "from $FLEET_HOST"\nread -r x || echo eof\n' >"$T/script.sh"
	hx -I --oneline h001 h002 -- bash <"$T/script.sh"
	assert_success
	assert_output "h001 | OK | rc=0 | from h001 (+1 more line)
h002 | OK | rc=0 | from h002 (+1 more line)"
	hx -I h001 -- bash <"$T/script.sh"
	assert_line --index 2 "   from h001"
	assert_line --index 3 "   eof"
	# without -I the command's input is at EOF, whatever herd's stdin is
	hx h001 -- 'wc -c' <"$T/1m"
	assert_success
	assert_line --index 2 "   0"
}

@test "herd-run --stdin-file: an empty file is EOF at once; a missing file is a usage error" {
	: >"$T/empty"
	printf 'H\th001\n' >"$T/hosts"
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --stdin-file "$T/empty" 'wc -c'
	assert_success
	assert_equal "$(rec-get R 7 <<<"$output")" "0"
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --stdin-file "$T/nonexistent" true
	assert_failure 2
	assert_output --partial "--stdin-file"
	# a pipe (read whole first) and a file (read as sent), each iteration of --every
	seq 200000 >"$T/seq"
	sum=$(sha256sum <"$T/seq")
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --stdin-file <(cat "$T/seq") sha256sum
	assert_success
	assert_equal "$(rec-get R 7 <<<"$output")" "$sum"
	HERD_MIN_INTERVAL=10ms run herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --stdin-file "$T/seq" --every 50ms \
	    --count 2 sha256sum
	assert_success
	assert_equal "$(rec-get R 7 <<<"$output" | grep -c -- "^$sum\$")" 2
}
