bats_require_minimum_version 1.5.0
load helper

# herd tail against the loopback fleet (tests/fleet/README): herd-run
# --follow (streams kept up, connections tried again with backoff, the
# remote command dying with its channel), herd-group --tail (the merged
# view, --collapse, --merge-time, --json, --stats) and herd tail.  The
# fleet's hosts share one file system: a file followed is the same file on
# every host.  journalctl is a fake one, first on the hosts' PATH.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 3
	# the fake journalctl: its arguments kept, then lines stamped per host
	cat >"$FD/bin/journalctl" <<'EOF'
#!/bin/sh
echo "$*" >"$FLEET_DIR/jargs/$FLEET_HOST"
case $FLEET_HOST in
h001) set -- 01 04 07 ;;
h002) set -- 02 05 08 ;;
*) set -- 03 06 09 ;;
esac
for s; do echo "2026-11-28T10:00:${s}Z $FLEET_HOST event $s"; done
exec sleep 3600
EOF
	chmod 755 "$FD/bin/journalctl"
	mkdir -m 777 "$FD/jargs"
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" HERD_CONFIG="$FLEET_CONFIG" HERD_FOLLOW_BACKOFF=100ms
	mkdir -p "$HOME"
	# the logs, written here, read by the fleet user
	L="$FD/logs-$BATS_TEST_NUMBER"
	mkdir -p "$L" && chmod 777 "$L"
	PID=
}

teardown() {
	if [ -n "${PID:-}" ]; then
		kill -INT "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
}

# log FILE LINE...: lines appended to a log the hosts read.
log() {
	local f=$1
	shift
	printf '%s\n' "$@" >>"$f"
	chmod 644 "$f"
}

# bg CMD...: CMD in the background, its stdout in $T/out and stderr in $T/err.
bg() {
	"$@" >"$T/out" 2>"$T/err" &
	PID=$!
}

# has FILE TEXT: FILE has a line with TEXT (waits up to 20 s).
has() {
	local i
	for i in $(seq 400); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for \"$2\" in $1:" >&2
	cat "$1" >&2
	return 1
}

# followers N: N remote tail (or journal) commands are running.
followers() {
	local i
	for i in $(seq 400); do
		[ "$("$TESTS/fleet/fleet-procs" "$FD" | grep -cE ' (tail -F|sleep 3600)')" -ge "$1" ] &&
			return 0
		sleep 0.05
	done
	echo "not $1 followers:" >&2
	"$TESTS/fleet/fleet-procs" "$FD" >&2
	return 1
}

# stop [STATUS]: Ctrl-C to the program started by bg; it exits STATUS (130).
stop() {
	local status=0
	kill -INT "$PID"
	wait "$PID" || status=$?
	PID=
	assert_equal "$status" "${1:-130}"
}

# no_followers: nothing left running on the fleet (waits up to 5 s for it).
no_followers() {
	run "$TESTS/fleet/fleet-procs" "$FD" 5
	assert_success
	assert_output ""
}

ht() { herd tail -F "$FLEET_SSH_CONFIG" "$@"; }

# drop HOST: SIGKILL the sshd process of HOST's follow session: its
# connection drops under the remote command.
drop() {
	local p l
	for p in $(pgrep -x tail; pgrep -x sleep); do
		tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qx "FLEET_HOST=$1" || continue
		tr '\0' '\n' </proc/"$p"/environ | grep -qx "FLEET_SESSION_DIR=$FD" || continue
		while [ "$p" -gt 1 ]; do
			read -r l </proc/"$p"/stat || break
			set -- $l
			case $2 in "(sshd)"|"(sshd-session)") kill -KILL "$p"; return 0 ;; esac
			p=$4
		done
	done
	echo "no follow session of $1" >&2
	return 1
}

@test "herd-run --follow: lines as L records as they are written, connection states as S, output not kept; Ctrl-C leaves nothing running" {
	log "$L/a.log" old-1 old-2
	printf 'H\th001\nH\th002\n' >"$T/hosts"
	bg herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --follow --kind tail -- "tail -F -n 1 -- $L/a.log"
	followers 2
	has "$T/out" 'old-2\n'
	log "$L/a.log" new-1
	has "$T/out" 'new-1\n'
	stop 130
	no_followers
	# C: the kind; L: one per line per host; S: connecting, up
	assert_equal "$(awk -F '\t' '$1 == "C" { print $6 }' "$T/out")" tail
	assert_equal "$(awk -F '\t' '$1 == "L" { print $3, $6 }' "$T/out" | sort | paste -sd,)" \
	    'h001 new-1\n,h001 old-2\n,h002 new-1\n,h002 old-2\n'
	assert_equal "$(awk -F '\t' '$1 == "S" && $3 == "up" { print $2 }' "$T/out" | sort | paste -sd' ')" "h001 h002"
	# the results: stopped, nothing of the output kept (flags truncated,streamed), no signal note
	assert_equal "$(awk -F '\t' '$1 == "R" { print $3, $4, $8, $13 }' "$T/out" | sort | paste -sd,)" \
	    "h001 failed  truncated,streamed,h002 failed  truncated,streamed"
	run ! grep -F 'killed by signal' "$T/out"
	assert_equal "$(grep -c '^E' "$T/out")" 1
}

@test "herd-run --follow: usage errors" {
	printf 'H\th001\n' >"$T/hosts"
	run -2 herd-run -f "$T/hosts" --follow --json -- true
	assert_output --partial "not with --json"
	run -2 herd-run -f "$T/hosts" --resume 'tail -n 0' -- true
	assert_output --partial "--resume goes with --follow"
	run -2 herd-run -f "$T/hosts" --follow --every 5s -- true
	assert_output --partial "--every"
}

@test "herd tail: lines of several hosts merged, [host] line, whole lines only; rotation and truncation survive" {
	log "$L/app.log" first-1 first-2 first-3
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/app.log" -n 2 h001 h002 h003
	followers 3
	for h in h001 h002 h003; do has "$T/out" "[$h] first-3"; done
	run ! grep -F 'first-1' "$T/out"
	# rotated: the new file is followed
	mv "$L/app.log" "$L/app.log.1"
	log "$L/app.log" after-rotation
	for h in h001 h002 h003; do has "$T/out" "[$h] after-rotation"; done
	# truncated: read again from its start
	: >"$L/app.log"
	sleep 0.3
	log "$L/app.log" after-truncation
	for h in h001 h002 h003; do has "$T/out" "[$h] after-truncation"; done
	stop 130
	no_followers
	# each line whole, with one host's prefix
	run grep -vE '^\[h00[123]\] (first-[23]|after-rotation|after-truncation)$' "$T/out"
	assert_output ""
	assert_equal "$(grep -c . "$T/out")" 12
	# tail's own words on stderr, per host
	grep -q '^\[h00[123]\] tail: .*app.log' "$T/err"
}

@test "herd tail: --grep and --exclude run remotely; a hostile pattern is a pattern, never a command" {
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 h002 -n 0 --grep "GET|'\$(touch $T/pwned1)'" --exclude "health|\`touch $T/pwned2\`; touch $T/pwned3"
	followers 2
	# the filters are in the remote command, after tail
	run pgrep -af "grep -E --line-buffered -v -e"
	assert_success
	log "$L/a.log" "GET /index 200" "GET /health 200" "POST /form 201" "GET /last 200"
	has "$T/out" "[h002] GET /last 200"
	has "$T/out" "[h001] GET /last 200"
	stop 130
	no_followers
	assert_equal "$(grep -c 'GET /index 200' "$T/out")" 2
	run ! grep -E 'health|POST' "$T/out"
	assert [ ! -e "$T/pwned1" ]
	assert [ ! -e "$T/pwned2" ]
	assert [ ! -e "$T/pwned3" ]
	# a pattern that looks like an option is a pattern
	log "$L/b.log" "x --no-such y" "other"
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/b.log" h001 --grep '--no-such'
	has "$T/out" "[h001] x --no-such y"
	stop 130
	run ! grep other "$T/out"
}

@test "herd tail: several files, each line with its path; a missing file said per host, the others go on" {
	log "$L/a.log" a-old
	log "$L/b.log" b-old
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" "$L/missing.log" "$L/b.log" h001 h002 -n 1
	followers 2
	has "$T/out" "[h001 $L/b.log] b-old"
	has "$T/out" "[h002 $L/a.log] a-old"
	log "$L/b.log" b-new
	log "$L/a.log" a-new
	has "$T/out" "[h001 $L/a.log] a-new"
	has "$T/out" "[h002 $L/b.log] b-new"
	has "$T/err" "[h001] tail: cannot open '$L/missing.log'"
	has "$T/err" "[h002] tail: cannot open '$L/missing.log'"
	# the file appears: followed from then on
	log "$L/missing.log" now-here
	has "$T/out" "[h002 $L/missing.log] now-here"
	stop 130
	no_followers
	run ! grep -F '==>' "$T/out"
	# --json: host, path, time, line (through jq)
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" "$L/b.log" h001 -n 1 --json
	has "$T/out" '"b-new"'
	stop 130
	assert_equal "$(jq -r 'select(.line) | [.host, .path, .line] | @tsv' "$T/out" | sort)" \
	    "$(printf 'h001\t%s\ta-new\nh001\t%s\tb-new' "$L/a.log" "$L/b.log")"
	jq -e 'select(.line) | .time | type == "number"' "$T/out" >/dev/null
}

@test "herd tail --journalctl: journalctl -f -u UNIT --since on every host (a fake journalctl)" {
	rm -f "$FD"/jargs/*
	bg herd tail -F "$FLEET_SSH_CONFIG" --journalctl 'nginx.service' --since 5m h001 h002
	has "$T/out" "[h001] 2026-11-28T10:00:07Z h001 event 07"
	has "$T/out" "[h002] 2026-11-28T10:00:08Z h002 event 08"
	stop 130
	no_followers
	assert_equal "$(cat "$FD/jargs/h001")" "-f -q -u nginx.service --since -300s -n all"
	# without --since: the last --lines entries
	bg herd tail -F "$FLEET_SSH_CONFIG" --journalctl "x'; touch $T/pwned" -n 3 h001
	has "$T/out" "[h001] 2026-11-28T10:00:07Z h001 event 07"
	stop 130
	assert_equal "$(cat "$FD/jargs/h001")" "-f -q -u x'; touch $T/pwned -n 3"
	assert [ ! -e "$T/pwned" ]
}

@test "herd tail: a host whose stream drops is said, connected again and resumed with the gap said" {
	log "$L/a.log" before
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 h002 -n 1
	followers 2
	has "$T/out" "[h002] before"
	drop h002
	has "$T/out" "[h002] stream lost: disconnected"
	has "$T/out" "— reconnecting"
	has "$T/out" "[h002] stream resumed after "
	followers 2
	log "$L/a.log" after
	has "$T/out" "[h002] after"
	has "$T/out" "[h001] after"
	stop 130
	no_followers
	grep -q '^\[h002\] stream resumed after [0-9.]*m\?s ([0-9:]* to [0-9:]*); lines written meanwhile are not shown$' "$T/out"
	# not started again from -n 1: "before" once per host
	assert_equal "$(grep -c 'before' "$T/out")" 2
	# the lost stream is said on stderr too, when the output is not a terminal (here: no terminal at all)
}

@test "herd tail: a host that never connects is said and tried again; the others are not held back" {
	log "$L/a.log" hello
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 refused silent --connect-timeout 1s -n 1
	has "$T/out" "[h001] hello"
	has "$T/out" "[refused] cannot connect: connect: connection refused — retrying"
	log "$L/a.log" more
	has "$T/out" "[h001] more"
	has "$T/out" "[silent] cannot connect: connect: timed out after 1s — retrying"
	sleep 1
	stop 130
	no_followers
	# said once, however many tries
	assert_equal "$(grep -c '^\[refused\]' "$T/out")" 1
}

@test "herd tail --collapse: the same line from several hosts shown once, the hosts folded" {
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 h002 h003 -n 0 --collapse --window 2s
	followers 3
	log "$L/a.log" "GET /health 200"
	has "$T/out" "[h[001-003]] GET /health 200"
	stop 130
	assert_equal "$(grep -c . "$T/out")" 1
	# --json: the hosts listed
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 h002 -n 1 --collapse --window 2s --json
	has "$T/out" '"hosts"'
	stop 130
	assert_equal "$(jq -c '[.host, .hosts, .line]' "$T/out")" '["h[001-002]",["h001","h002"],"GET /health 200"]'
}

@test "herd-group --tail --collapse: lines apart in time, or from one host, are not folded" {
	rec() { printf 'L\tr1\t%s\to\t%s\t%s\\n\n' "$1" "$2" "$3"; }
	{ echo '#herd-records 1'; rec h1 1 same; rec h2 2 same; rec h1 3 same; rec h2 4 other; } >"$T/in"
	run herd-group --tail --collapse "$T/in"
	assert_success
	assert_output "$(printf '[h[1-2]] same\n[h1] same\n[h2] other')"
}

@test "herd-group --tail --merge-time: lines in the order of their timestamps (syslog, RFC 3339, web logs)" {
	rec() { printf 'L\tr1\t%s\to\t%s\t%s\\n\n' "$1" 1 "$2"; }
	{
		echo '#herd-records 1'
		rec a '2026-11-28T10:00:03Z three'
		rec a '2026-11-28T10:00:05.500+00:00 five'
		rec a '  continued line of five'
		rec b '2026-11-28 10:00:01 one'
		rec b '2026-11-28T11:00:04+01:00 four (in +01:00)'
		rec c '127.0.0.1 - - [28/Nov/2026:10:00:02 +0000] "GET / HTTP/1.1" 200 two'
		rec c '127.0.0.1 - - [28/Nov/2026:10:00:06 +0000] "GET / HTTP/1.1" 200 six'
	} >"$T/in"
	run herd-group --tail --merge-time --no-hostname "$T/in"
	assert_success
	assert_equal "$(sed 's/.* //' <<<"$output" | paste -sd' ')" "one two three +01:00) five five six"
	# syslog stamps, among themselves
	{
		echo '#herd-records 1'
		rec a 'Nov 28 10:00:09 a nine'
		rec b 'Nov 28 10:00:07 b seven'
		rec b '<13>Nov 28 10:00:08 b eight'
	} >"$T/in2"
	run herd-group --tail --merge-time "$T/in2"
	assert_output "$(printf '[b] Nov 28 10:00:07 b seven\n[b] <13>Nov 28 10:00:08 b eight\n[a] Nov 28 10:00:09 a nine')"
}

@test "herd tail --merge-time: interleaved timestamped logs of three hosts in time order" {
	bg herd tail -F "$FLEET_SSH_CONFIG" --journalctl app h001 h002 h003 --merge-time --window 3s --no-hostname
	has "$T/out" "h003 event 09"
	stop 130
	no_followers
	assert_equal "$(awk '{ print $4 }' "$T/out" | paste -sd' ')" "01 02 03 04 05 06 07 08 09"
}

@test "herd-group --tail: remote text made safe, a partial line kept until its end, colours only when asked" {
	esc=$(printf '\033')
	{
		echo '#herd-records 1'
		printf 'L\tr1\th1\to\t1\tred \\x1b[31mtext\\x07\\n\n'
		printf 'L\tr1\th2\to\t2\tpart-\n'
		printf 'L\tr1\th1\to\t3\tother\\n\n'
		printf 'L\tr1\th2\to\t4\tone\\n\n'
	} >"$T/in"
	run herd-group --tail "$T/in"
	assert_output "$(printf '[h1] red ^[[31mtext^G\n[h1] other\n[h2] part-one')"
	run herd-group --tail --color always "$T/in"
	assert_line --index 0 --regexp "^${esc}\\[[0-9;]+m\\[h1\\]${esc}\\[0m red \\^\\[\\[31mtext\\^G$"
	# the same host, the same colour
	c1=$(sed -n 1p <<<"$output" | cut -c1-8)
	c2=$(sed -n 2p <<<"$output" | cut -c1-8)
	assert_equal "$c1" "$c2"
	NO_COLOR=1 run herd-group --tail "$T/in"
	run ! grep -q "$esc" <<<"$output"
}

@test "herd tail --stats: lines, bytes and gaps per host when it ends; --no-hostname" {
	log "$L/a.log" one two
	HERD_TAIL_STATS_EVERY=100ms bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 h002 -n 2 --stats --no-hostname
	followers 2
	has "$T/err" "lines/s:"
	stop 130
	assert_equal "$(sort "$T/out" | paste -sd' ')" "one one two two"
	has "$T/err" "2 hosts, 4 lines, 16 bytes, 0 gaps"
	has "$T/err" "  h001: 2 lines, 8 bytes, 0 gaps"
}

@test "herd tail: Ctrl-C stops every remote tail and grep (checked on the hosts)" {
	bg herd tail -F "$FLEET_SSH_CONFIG" "$L/a.log" h001 h002 h003 --grep x --exclude y
	followers 3
	run "$TESTS/fleet/fleet-procs" "$FD"
	assert_output --partial "grep -E --line-buffered"
	stop 130
	no_followers
}

@test "herd tail: usage errors, herd help tail and --explain" {
	run -2 herd tail h001
	assert_output --partial "which file?"
	run -2 herd tail /var/log/x --since 5m h001
	assert_output --partial "--since goes with --journalctl"
	run -2 herd tail /var/log/x --journalctl nginx h001
	assert_output --partial "either PATH"
	run -2 herd tail /var/log/x -n many h001
	assert_output --partial "--lines"
	run herd help tail
	assert_success
	assert_output --partial "usage: herd tail"
	run herd --explain tail /var/log/syslog -x h002 --exclude "a'b" -g fleet
	assert_success
	assert_output --partial "herd-select -x h002 -g fleet |"
	assert_output --partial "herd-run --follow --kind tail"
	assert_output --partial "| grep -E --line-buffered -v -e "
	assert_output --partial "herd-group --tail --path /var/log/syslog"
}
