bats_require_minimum_version 1.5.0
load helper

# herd diff against the loopback fleet with a file system per host
# (FLEET_HOST_ROOTS=1, tests/fleet/README): the remote path $R/... is
# $FLEET_ROOTS/hNNN/... here, a different file on each host.

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root (a file system per host)"
	export FD="$BATS_FILE_TMPDIR/fleet"
	FLEET_HOST_ROOTS=1 "$TESTS/fleet/fleet-start" "$FD" 4
}

teardown_file() {
	[ -z "${FD:-}" ] || "$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" HERD_CONFIG="$FLEET_CONFIG"
	mkdir -p "$HOME"
	R="$FLEET_HOST_ROOT"
	D="t$BATS_TEST_NUMBER"
	for h in h001 h002 h003 h004; do
		install -d -o "$FLEET_USER" "$FLEET_ROOTS/$h/$D"
	done
	cd "$T"
}

# put HOST NAME TEXT: the file NAME of HOST's test directory holds TEXT.
put() {
	printf '%s\n' "$3" >"$FLEET_ROOTS/$1/$D/$2"
	chown "$FLEET_USER" "$FLEET_ROOTS/$1/$D/$2"
}

conf() {
	printf 'Port 22\nPermitRootLogin %s\nX11Forwarding no\n' "$1"
}

# hd ARGS...: herd diff on the fleet (its ssh_config names the hosts).
hd() {
	herd diff -F "$FLEET_SSH_CONFIG" --color never "$@"
}

@test "diff: the outlier's unified diff against the norm, then N files compared" {
	for h in h001 h002 h003; do conf no >"$FLEET_ROOTS/$h/$D/sshd_config"; done
	conf yes >"$FLEET_ROOTS/h004/$D/sshd_config"
	run hd "$R/$D/sshd_config" -g fleet
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "3 hosts identical:" ]
	[ "${lines[1]}" = "   h[001-003]" ]
	[ "${lines[2]}" = "   Port 22" ]
	[ "${lines[3]}" = "   PermitRootLogin no" ]
	assert_line "1 host differs:"
	assert_line "   h004"
	assert_line "   --- norm (3 hosts)"
	assert_line "   +++ h004"
	assert_line "   -PermitRootLogin no"
	assert_line "   +PermitRootLogin yes"
	[ "${lines[${#lines[@]}-1]}" = "4 files compared, 1 differs" ]
}

@test "diff: identical files everywhere exit 0 with the first lines once" {
	for h in h001 h002 h003 h004; do seq 1 20 >"$FLEET_ROOTS/$h/$D/f"; done
	run hd "$R/$D/f" h001 h002 h003 h004
	[ "$status" -eq 0 ]
	assert_line "4 hosts identical:"
	assert_line "   5"
	refute_line "   6"
	assert_line "   ... 15 more lines"
	refute_line --partial "differ:"
	[ "${lines[${#lines[@]}-1]}" = "4 files compared, 0 differ" ]
}

@test "diff: a missing file is reported per host, not as a content group" {
	put h001 app.conf a
	put h002 app.conf a
	put h003 app.conf b
	run hd "$R/$D/app.conf" -g fleet
	[ "$status" -eq 1 ]
	assert_line "2 hosts identical:"
	assert_line "1 host differs:"
	assert_line "1 host not read:"
	assert_line "   h004: no such file"
	[ "${lines[${#lines[@]}-1]}" = "3 files compared, 1 differs, 1 not read" ]
	mkdir "$FLEET_ROOTS/h001/$D/dir"
	run hd "$R/$D/dir" h001
	[ "$status" -eq 1 ]
	assert_line "   h001: not a regular file"
	assert_line "0 files compared, 0 differ, 1 not read"
}

@test "diff: a host that cannot be reached is reported with its reason" {
	put h001 f x
	run hd "$R/$D/f" h001 refused
	[ "$status" -eq 1 ]
	assert_line "1 host not read:"
	assert_line --regexp "^   refused: .*(refused|connect)"
	assert_line "1 file compared, 0 differ, 1 not read"
}

@test "diff: binary files are compared by SHA-256, with no diff" {
	for h in h001 h002 h003; do printf 'a\0b\n' >"$FLEET_ROOTS/$h/$D/bin"; done
	printf 'a\0c\n' >"$FLEET_ROOTS/h004/$D/bin"
	run hd "$R/$D/bin" -g fleet
	[ "$status" -eq 1 ]
	norm=$(printf 'a\0b\n' | sha256sum | cut -c1-12)
	odd=$(printf 'a\0c\n' | sha256sum | cut -c1-12)
	assert_line "   (binary file, 4 bytes, sha256 $norm)"
	assert_line "   (binary: compared by SHA-256, no diff; norm $norm, 4 bytes; this $odd, 4 bytes)"
	refute_line --partial "--- norm"
	assert_line "4 files compared, 1 differs"
}

@test "diff --save: each copy read kept as DIR/HOST, none for a host not read" {
	put h001 c one
	put h002 c two
	put h003 c one
	run hd --save "$T/copies" "$R/$D/c" -g fleet
	[ "$status" -eq 1 ]
	cmp "$FLEET_ROOTS/h001/$D/c" "$T/copies/h001"
	cmp "$FLEET_ROOTS/h002/$D/c" "$T/copies/h002"
	cmp "$FLEET_ROOTS/h003/$D/c" "$T/copies/h003"
	[ ! -e "$T/copies/h004" ]
	run hd --save "" "$R/$D/c" h001
	[ "$status" -eq 2 ]
}

@test "diff: a root-only file is not read; --sudo reads it" {
	put h002 s secret
	chmod 600 "$FLEET_ROOTS/h002/$D/s"
	chown root "$FLEET_ROOTS/h002/$D/s"
	run hd "$R/$D/s" h002
	[ "$status" -eq 1 ]
	assert_line "   h002: permission denied (--sudo reads it as root)"
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "the fleet has no passwordless sudo"
	run hd --sudo "$R/$D/s" h002
	[ "$status" -eq 0 ]
	assert_line "   secret"
	assert_line "1 file compared, 0 differ"
}

@test "diff --diff-last: the hosts whose copy changed since the last diff" {
	for h in h001 h002 h003; do put $h app.conf "v=1"; done
	run hd "$R/$D/app.conf" h001 h002 h003
	[ "$status" -eq 0 ]
	put h002 app.conf "v=2"
	run hd --diff-last "$R/$D/app.conf" h001 h002 h003
	assert_output --partial "h002"
	assert_line --partial "-v=1"
	assert_line --partial "+v=2"
	refute_output --partial "h001"
	run hd --diff-last --no-history "$R/$D/app.conf" h001
	[ "$status" -eq 2 ]
}

@test "diff: usage errors" {
	run hd
	[ "$status" -eq 2 ]
	assert_output --partial "give PATH"
	run hd --stdin /etc/hostname h001
	[ "$status" -eq 2 ]
	run herd --explain diff /etc/hostname -g fleet
	[ "$status" -eq 0 ]
	assert_output --partial "herd-run --kind read"
	run herd help diff
	[ "$status" -eq 0 ]
	assert_output --partial "usage: herd diff"
}
