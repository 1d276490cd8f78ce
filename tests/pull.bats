bats_require_minimum_version 1.5.0
load helper

# herd pull and herd-run --output-dir against the loopback fleet with a file
# system per host (FLEET_HOST_ROOTS=1, tests/fleet/README): the remote path
# $R/... is $FLEET_ROOTS/hNNN/... here, a different file on each host.

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

# hp ARGS...: herd pull on the fleet (its ssh_config names the hosts).
hp() {
	herd pull -F "$FLEET_SSH_CONFIG" "$@"
}

@test "pull: every host's file into results/HOST/PATH, a line per host" {
	for h in h001 h002 h003 h004; do put $h app.conf "conf of $h"; done
	run hp "$R/$D/app.conf" -g fleet
	[ "$status" -eq 0 ]
	for h in h001 h002 h003 h004; do
		cmp "$FLEET_ROOTS/$h/$D/app.conf" "results/$h${R}/$D/app.conf"
		[ "$(stat -c %a "results/$h${R}/$D/app.conf")" = 600 ]
		sum=$(sha256sum <"results/$h${R}/$D/app.conf" | cut -c1-12)
		assert_output --regexp "  $h  13 bytes  sha256 $sum  [0-9]+ms"
	done
	assert_line "4 succeeded, 0 unchanged, 0 failed"
	[ -z "$(find results -name '*.herd-part.*')" ]
}

@test "pull --dest: a missing file is said per host, the others pulled" {
	put h001 x.log one
	put h003 x.log three
	run hp --dest "$T/out" "$R/$D/x.log" -g fleet
	[ "$status" -eq 1 ]
	assert_line "  h002  missing: $R/$D/x.log: no such file"
	assert_line "  h004  missing: $R/$D/x.log: no such file"
	assert_line "2 succeeded, 0 unchanged, 2 missing, 0 failed"
	[ "$(cat "$T/out/h003$R/$D/x.log")" = three ]
	[ ! -e "$T/out/h002" ] || [ -z "$(find "$T/out/h002" -type f)" ]
}

@test "pull --group: hosts with identical files listed once, folded" {
	put h001 c same
	put h002 c same
	put h003 c other
	put h004 c same
	run hp --group "$R/$D/c" -g fleet
	[ "$status" -eq 0 ]
	sum=$(echo same | sha256sum | cut -c1-12)
	assert_line "  h[001-002,004]  5 bytes  sha256 $sum  (3 hosts)"
	assert_line --regexp "^  h003  6 bytes  sha256 [0-9a-f]{12}  \(1 host\)$"
	assert_line "2 different contents; 4 succeeded, 0 unchanged, 0 failed"
}

@test "pull: a file the user cannot read fails; --sudo reads it" {
	echo secret >"$FLEET_ROOTS/h002/$D/s"
	chmod 600 "$FLEET_ROOTS/h002/$D/s"
	run hp "$R/$D/s" h002
	[ "$status" -eq 1 ]
	assert_line "  h002  failed: $R/$D/s: permission denied (--sudo reads it as root)"
	[ ! -e "results/h002$R/$D/s" ]
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "the fleet has no passwordless sudo"
	run hp --sudo "$R/$D/s" h002
	[ "$status" -eq 0 ]
	[ "$(cat "results/h002$R/$D/s")" = secret ]
}

@test "pull: a 20 MiB binary file from each host arrives whole" {
	for h in h001 h002; do
		head -c $((20 << 20)) /dev/urandom >"$FLEET_ROOTS/$h/$D/big"
		chown "$FLEET_USER" "$FLEET_ROOTS/$h/$D/big"
	done
	run hp "$R/$D/big" h001 h002
	[ "$status" -eq 0 ]
	cmp "$FLEET_ROOTS/h001/$D/big" "results/h001$R/$D/big"
	cmp "$FLEET_ROOTS/h002/$D/big" "results/h002$R/$D/big"
	assert_line --regexp "  h001  20971520 bytes  sha256 "
}

@test "pull: a path with .. is refused; a missing file alone exits 1" {
	run hp "../etc/passwd" h001
	[ "$status" -eq 2 ]
	assert_output --partial "without .. parts"
	run hp "$R/$D/nothere" h001
	[ "$status" -eq 1 ]
	assert_line "0 succeeded, 0 unchanged, 1 missing, 0 failed"
}

@test "herd-run --output-dir: stdout to DIR/HOST, the R record its size and SHA-256" {
	herd-select h001 h002 | herd-run -F "$FLEET_SSH_CONFIG" --output-dir "$T/o" \
	    -- 'echo out of $FLEET_HOST; [ $FLEET_HOST = h001 ]' >"$T/recs" || true
	[ "$(cat "$T/o/h001")" = "out of h001" ]
	[ ! -e "$T/o/h002" ]
	[ -z "$(ls -A "$T/o" | grep herd-part)" ]
	sum=$(echo "out of h001" | sha256sum | cut -d' ' -f1)
	run herd-group --oneline "$T/recs"
	assert_line --partial "h001 | OK | rc=0 | 12 $sum"
	run herd-run --output-dir "$T/o" --output-name ../x -- true </dev/null
	[ "$status" -eq 2 ]
}

@test "pull -r: a directory from each host, unpacked into results/HOST/PATH" {
	for h in h001 h002; do
		mkdir -p "$FLEET_ROOTS/$h/$D/site/css"
		echo "index of $h" >"$FLEET_ROOTS/$h/$D/site/index.html"
		echo 'body{}' >"$FLEET_ROOTS/$h/$D/site/css/a.css"
		chown -R "$FLEET_USER" "$FLEET_ROOTS/$h/$D/site"
	done
	run hp -r "$R/$D/site/" h001 h002 h003
	[ "$status" -eq 1 ]
	assert_line "  h003  missing: $R/$D/site: no such file"
	assert_line "2 succeeded, 0 unchanged, 1 missing, 0 failed"
	for h in h001 h002; do
		diff -r "$FLEET_ROOTS/$h/$D/site" "results/$h$R/$D/site"
		[ ! -e "results/$h$R/$D/site.herd-tar" ]
	done
	run hp -r --checksum "$R/$D/site" h001
	[ "$status" -eq 2 ]
}
