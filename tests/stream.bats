bats_require_minimum_version 1.5.0
load helper

# herd-run --stream and herd-group --stream against the loopback fleet
# (tests/fleet/README): binary, big and slow hosts.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 2
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME"
}

hosts() { printf 'H\t%s\n' "$@" >"$T/hosts"; }
hr() { herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" "$@"; }

# joined HOST STREAM: the bytes of HOST's L chunks of STREAM (o or e), in order.
joined() { rec-get -w 2="$1" -w 3="$2" L 5 <"$T/out"; }

@test "--stream: each host's chunks joined are exactly its R output (binary, partial last line, 10 MiB)" {
	hosts h001 binary big slow
	hr --stream behave >"$T/out"
	for h in h001 binary big slow; do
		rec-get -w 2=$h L 5 <"$T/out" >"$T/$h.l"
		rec-get -w 2=$h R 7 <"$T/out" >"$T/$h.r"
		cmp "$T/$h.l" "$T/$h.r"
		run awk -F '\t' -v h=$h '$1 == "R" && $3 == h { print $13 }' "$T/out"
		assert_output streamed
	done
	cmp "$T/binary.l" "$FLEET_BINARY_FILE"
	assert_equal "$(wc -c <"$T/big.l")" "$FLEET_BIG_BYTES"
	# a chunk per line, each keeping its line feed; the last line of binary is partial
	run awk -F '\t' '$1 == "L" && $3 == "slow" { print $6 }' "$T/out"
	assert_output 'line 1\n
line 2\n
line 3\n
line 4\n
line 5\n'
	run awk -F '\t' '$1 == "L" && $3 == "binary" { l = $6 } END { print l }' "$T/out"
	assert_output 'no newline at end'
	# every L comes before its host's R, and before the E
	run awk -F '\t' '$1 == "R" { done[$3] = 1 } $1 == "L" && done[$3] { print "late", $3 }
	    $1 == "E" { e = 1 } $1 == "L" && e { print "after E" }' "$T/out"
	assert_output ""
}

@test "--stream: lines go out as they arrive, with their receive time" {
	hosts slow
	hr --stream behave >"$T/out"
	# 200 ms apart on the host: the chunks' times are not all the same
	run awk -F '\t' '$1 == "L" { t[NR] = $5; n++ } END { print n, (t[length(t)] > 0) }' "$T/out"
	assert_output "5 1"
	first=$(awk -F '\t' '$1 == "L" { print $5; exit }' "$T/out")
	last=$(awk -F '\t' '$1 == "L" { l = $5 } END { print l }' "$T/out")
	[ "$last" -gt "$first" ]
}

@test "--stream with --ping or --ask-become-pass is a usage error" {
	hosts h001
	run hr --stream --ping
	assert_failure 2
	run hr --stream --ask-become-pass true
	assert_failure 2
}

@test "--stream --json: chunk objects as output comes, joined they are the result's stdout" {
	hosts h001 slow
	hr --stream --json behave >"$T/json"
	assert_equal "$(jq -r .type "$T/json" | sed -n '1p;$p' | paste -sd' ')" "run end"
	for h in h001 slow; do
		assert_equal "$(jq -j --arg h "$h" 'select(.type == "chunk" and .host == $h and .stream == "stdout") | .data' "$T/json")" \
		    "$(jq -j --arg h "$h" 'select(.type == "result" and .host == $h) | .stdout' "$T/json")"
		assert_equal "$(jq -r --arg h "$h" 'select(.type == "result" and .host == $h) | .streamed' "$T/json")" true
	done
	[ "$(jq -r 'select(.type == "chunk" and .host == "slow") | .time_ms' "$T/json" | sort -u | wc -l)" -ge 2 ]
}

@test "herd-group --stream: host: line as chunks come, per host in order, partial lines whole, then the view" {
	hosts h001 slow binary
	hr --stream behave >"$T/out"
	run --separate-stderr herd-group --stream --color never "$T/out"
	assert_success
	view=$output
	run grep '^slow: ' <<<"$view"
	assert_output "slow: line 1
slow: line 2
slow: line 3
slow: line 4
slow: line 5"
	herd-group --stream --color never "$T/out" >"$T/view"
	grep -q '^binary: no newline at end$' "$T/view"
	grep -q '^h001: hello from fleet$' "$T/view"
	# every streamed line is one host's; then the usual summary
	run grep -c '^[a-z0-9]*: ' "$T/view"
	[ "$output" -ge 13 ]
	grep -q '^3 succeeded' "$T/view"
	# a terminal escape from the host is made harmless
	run grep -c $'\033' "$T/view"
	assert_output 0
}

@test "herd-group --stream: two hosts' partial lines never share a line" {
	{
		rec-make -H C r 1 x ''
		rec-make L r a o 1 'from a, '
		rec-make L r b o 2 'from b '
		rec-make L r a o 3 $'then a\n'
		rec-make L r b e 4 $'err b\n'
		rec-make L r b o 5 'and b'
		rec-make R r a ok 0 5 - $'from a, then a\n'
		rec-make R r b ok 0 5 - 'from b and b' $'err b\n'
		rec-make E r 9 2 0 0 0
	} >"$T/in"
	run --separate-stderr herd-group --stream --color always "$T/in"
	assert_success
	assert_line --index 0 --regexp $'^\033\\[[0-9;]+ma:\033\\[0m from a, then a$'
	assert_line --index 1 --regexp $'^\033\\[[0-9;]+mb:\033\\[0m from b and b$'
	assert_equal "$stderr" "$(printf '%s' "$stderr" | grep 'err b')"
	NO_COLOR=1 run --separate-stderr herd-group --stream "$T/in"
	assert_line --index 0 "a: from a, then a"
	# the colour of a host is the same from one run to the next
	run --separate-stderr herd-group --stream --color always "$T/in"
	c1=${lines[0]%%a:*}
	run --separate-stderr herd-group --stream --color always "$T/in"
	assert_equal "${lines[0]%%a:*}" "$c1"
}

@test "--stream: Ctrl-C stops the hosts; what came is out, each host has its R, the run its E" {
	hosts slow hang
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --stream behave >"$T/out" 2>"$T/err" 3>&- &
	pid=$!
	for i in $(seq 1 200); do
		grep -q 'line 1' "$T/out" 2>/dev/null && break
		sleep 0.05
	done
	kill -INT $pid
	st=0
	wait $pid || st=$?
	assert_equal "$st" 130
	run awk -F '\t' '$1 == "L" && $3 == "slow" && $6 == "line 1\\n" { n++ }
	    $1 == "R" { print $3, $4 } $1 == "E" { print "E" } END { print n }' "$T/out"
	assert_line "hang failed"
	assert_line "E"
	assert_line "1"
}

@test "herd exec --stream: lines as they come, then the summary" {
	cd "$T"
	run herd exec -F "$FLEET_SSH_CONFIG" --stream slow h001 -- behave
	assert_success
	assert_line "slow: line 5"
	assert_line "h001: hello from fleet"
}
