load helper

@test "random byte strings survive write then read (NUL, TAB, LF, CR, ESC, invalid UTF-8, 1 MiB)" {
	for seed in 1 2 3 4 5; do
		run sh -c "rec-roundtrip write $seed | rec-roundtrip check $seed"
		assert_success
		assert_output "200 strings survived"
	done
}

@test "the round trip notices a changed byte" {
	run sh -c "rec-roundtrip write 7 | sed '3s/^\(X\t1\t\)./\1Z/' | rec-roundtrip check 7"
	assert_failure 1
	assert_output --partial "came back as"
}

@test "every record is one line and starts with the version header" {
	run sh -c "rec-roundtrip write 3 | head -1"
	assert_output "#herd-records 1"
	run sh -c "rec-roundtrip write 3 | grep -vc '^[#X]'"
	assert_output "0"
}

# Runs in one stream, the header's version, and the fields of C and R
# (herd-records(5)); herd-run's part against a small loopback fleet.

rec() { rec-make "$@"; }
sha() { rec-make R x h "$1" "$2" 1 - "$3" | cut -f7; }

@test "herd-group: two runs interleaved in one stream are each their own run, keyed on the run id" {
	T="$BATS_TEST_TMPDIR"
	{
		echo '#herd-records 1'
		rec H a; rec H b
		rec C r1 1764150000000 'echo one' ''
		rec H c
		rec C r2 1764150000001 'echo two' ''
		rec R r1 a ok 0 5 - $'one\n'
		rec R r2 c ok 0 5 - $'two\n'
		rec H z
		rec R r1 b ok 0 5 - $'one\n'
		rec E r2 1764150000100 1 0 0 0
		rec E r1 1764150000200 2 0 0 0
	} >"$T/in"
	run herd-group --color never --no-fold "$T/in"
	assert_success
	assert_output " 1 host:
   c
   two

1 succeeded

 2 hosts identical:
   a, b
   one

2 succeeded"
	run herd-group --json "$T/in"
	assert_success
	assert_line --index 1 --partial '"run":"r2"'
	assert_line --index 3 --partial '"run":"r1"'
}

@test "herd-group: an H record in the middle of a run neither ends it nor takes its results" {
	T="$BATS_TEST_TMPDIR"
	{
		rec -H H a
		rec C 9 1764150000000 true ''
		rec R 9 a ok 0 5 - ''
		rec H b
		rec R 9 b nonzero 3 5 - ''
		rec E 9 1764150000200 1 1 0 0
	} >"$T/in"
	run herd-group --color never --oneline "$T/in"
	assert_failure 1
	assert_output "a | OK | rc=0 |
b | NONZERO | rc=3 |"
}

@test "readers refuse records of a newer major version, exit 2, and take version 1 and 1.x" {
	T="$BATS_TEST_TMPDIR"
	{ echo '#herd-records 2'; rec R 1 a ok 0 5 - ''; } >"$T/new"
	run herd-group "$T/new"
	assert_failure 2
	assert_output --partial "newer format version"
	printf '#herd-records 2\nH\ta\n' >"$T/newhosts"
	run herd-run -f "$T/newhosts" true
	assert_failure 2
	assert_output --partial "newer format version"
	{ echo '#herd-records 1.3'; rec R 1 a ok 0 5 - ''; rec E 1 5 1 0 0 0; } >"$T/old"
	run herd-group --oneline "$T/old"
	assert_success
	assert_output "a | OK | rc=0 |"
	{ echo '#herd-records x'; } >"$T/bad"
	run herd-group "$T/bad"
	assert_failure 2
	assert_output --partial "bad #herd-records header"
	# an ordinary comment is not a header
	{ echo '# a comment'; rec R 1 a ok 0 5 - ''; } >"$T/comment"
	run herd-group --oneline "$T/comment"
	assert_success
}

@test "herd-run: C carries kind, series, seq and compare; R its finish time and flags; run ids differ" {
	FD="$BATS_TEST_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 2
	. "$FD/env"
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	printf 'H\t%s\n' h001 h002 >"$BATS_TEST_TMPDIR/hosts"
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$BATS_TEST_TMPDIR/hosts" --kind watch \
	    --series w1 --seq 4 --compare prev-id --max-output 1k -- 'head -c 5000 /dev/zero'
	first=$output
	run awk -F '\t' '$1 == "C" { print $6 "|" $7 "|" $8 "|" $9 }' <<<"$first"
	assert_output "watch|w1|4|prev-id"
	run awk -F '\t' '$1 == "R" { print $2 == id, ($12 + 0 > 1700000000000), $13 }' \
	    id="$(awk -F '\t' '$1 == "C" { print $2 }' <<<"$first")" <<<"$first"
	assert_output "1 1 truncated
1 1 truncated"
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$BATS_TEST_TMPDIR/hosts" true
	run awk -F '\t' '$1 == "C" { print $6 "|" $7 "|" $8 "|" $9 } $1 == "R" { print $13 "|" }' <<<"$output"
	assert_output "|||
|
|"
	id1=$(awk -F '\t' '$1 == "C" { print $2 }' <<<"$first")
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$BATS_TEST_TMPDIR/hosts" --ping
	run awk -F '\t' '$1 == "C" { print $6; print ($2 != id) }' id="$id1" <<<"$output"
	assert_output "ping
1"
	run herd-run -F "$FLEET_SSH_CONFIG" -f "$BATS_TEST_TMPDIR/hosts" --json true
	assert_line --index 1 --partial '"finished_ms":'
	assert_line --index 1 --partial '"streamed":false'
	run herd-run -f "$BATS_TEST_TMPDIR/hosts" --seq x true
	assert_failure 2
	"$TESTS/fleet/fleet-stop" "$FD"
}
