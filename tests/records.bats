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
