bats_require_minimum_version 1.5.0
load helper

# herd push against the loopback fleet with a file system per host
# (FLEET_HOST_ROOTS=1, tests/fleet/README): the remote path $R/... is
# $FLEET_ROOTS/hNNN/... here, so each host's copy is checked apart.

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
	# each test its own remote directory, on every host
	D="t$BATS_TEST_NUMBER"
	for h in h001 h002 h003 h004; do
		install -d -o "$FLEET_USER" "$FLEET_ROOTS/$h/$D"
	done
}

teardown() {
	rm -f "$FLEET_DIR/bin/cat"
}

# hp ARGS...: herd push on the fleet (its ssh_config names the hosts).
hp() {
	herd push -F "$FLEET_SSH_CONFIG" "$@"
}

# sessions PID: the sshd processes under the listener PID (its sessions).
sessions() {
	local p
	for p in $(pgrep -P "$1"); do
		case $(cat "/proc/$p/comm") in sshd*) ;; *) continue ;; esac
		echo "$p"
		sessions "$p"
	done
}

# no_temp DIR: no temporary copy left in DIR on any host.
no_temp() {
	local left
	left=$(find "$FLEET_ROOTS"/h00?/"$1" -name '.herd-push.*' 2>/dev/null)
	[ -z "$left" ] || { echo "left behind: $left" >&2; return 1; }
}

@test "push: a file to every host, its content and mode, a line per host" {
	head -c 5000 /dev/urandom >"$T/app.bin"
	chmod 640 "$T/app.bin"
	sum=$(sha256sum <"$T/app.bin" | cut -c1-12)
	run hp "$T/app.bin" "$R/$D/app.bin" -g fleet
	[ "$status" -eq 0 ]
	for h in h001 h002 h003 h004; do
		cmp "$T/app.bin" "$FLEET_ROOTS/$h/$D/app.bin"
		[ "$(stat -c %a "$FLEET_ROOTS/$h/$D/app.bin")" = 640 ]
		assert_output --regexp "  $h  5000 bytes  sha256 $sum  [0-9]+ms"
	done
	assert_line "4 succeeded, 0 unchanged, 0 failed"
	no_temp "$D"
}

@test "push: REMOTE a directory or ending in /: the file goes in under its name" {
	echo one >"$T/a.conf"
	run hp "$T/a.conf" "$R/$D" h001
	[ "$status" -eq 0 ]
	[ "$(cat "$FLEET_ROOTS/h001/$D/a.conf")" = one ]
	run hp --mkdir "$T/a.conf" "$R/$D/sub/" h002
	[ "$status" -eq 0 ]
	[ "$(cat "$FLEET_ROOTS/h002/$D/sub/a.conf")" = one ]
}

@test "push --checksum: a host that has the content already is unchanged, not written" {
	seq 1000 >"$T/f"
	cp "$T/f" "$FLEET_ROOTS/h002/$D/f"
	echo old >"$FLEET_ROOTS/h003/$D/f"
	chown "$FLEET_USER" "$FLEET_ROOTS"/h00?/"$D"/f
	inode=$(stat -c %i "$FLEET_ROOTS/h002/$D/f")
	run hp --checksum "$T/f" "$R/$D/f" -g fleet
	[ "$status" -eq 0 ]
	assert_output --regexp "  h002  unchanged  sha256 [0-9a-f]{12}"
	assert_output --regexp "  h003  3893 bytes  sha256"
	assert_line "3 succeeded, 1 unchanged, 0 failed"
	[ "$(stat -c %i "$FLEET_ROOTS/h002/$D/f")" = "$inode" ]
	for h in h001 h002 h003 h004; do cmp "$T/f" "$FLEET_ROOTS/$h/$D/f"; done
	# again: every host unchanged
	run hp --checksum "$T/f" "$R/$D/f" -g fleet
	[ "$status" -eq 0 ]
	assert_line "0 succeeded, 4 unchanged, 0 failed"
}

@test "push: a missing directory fails per host; --mkdir creates it" {
	echo x >"$T/x"
	run hp "$T/x" "$R/$D/a/b/x" h001 h002
	[ "$status" -eq 1 ]
	assert_line --partial "h001  failed: $R/$D/a/b: no such directory (--mkdir creates it)"
	assert_line "0 succeeded, 0 unchanged, 2 failed"
	[ ! -e "$FLEET_ROOTS/h001/$D/a" ]
	run hp --mkdir "$T/x" "$R/$D/a/b/x" h001 h002
	[ "$status" -eq 0 ]
	[ "$(cat "$FLEET_ROOTS/h002/$D/a/b/x")" = x ]
}

@test "push: an unwritable remote path fails and keeps the old file; --sudo writes it" {
	echo new >"$T/conf"
	install -d -o root -m 755 "$FLEET_ROOTS/h001/$D/ro"
	echo old >"$FLEET_ROOTS/h001/$D/ro/conf"
	run hp "$T/conf" "$R/$D/ro/conf" h001
	[ "$status" -eq 1 ]
	assert_line --partial "h001  failed: cannot write in $R/$D/ro"
	[ "$(cat "$FLEET_ROOTS/h001/$D/ro/conf")" = old ]
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "the fleet has no passwordless sudo"
	run hp --sudo "$T/conf" "$R/$D/ro/conf" h001
	[ "$status" -eq 0 ]
	[ "$(cat "$FLEET_ROOTS/h001/$D/ro/conf")" = new ]
	[ "$(stat -c %U "$FLEET_ROOTS/h001/$D/ro/conf")" = root ]
	no_temp "$D"
}

@test "push --preserve --sudo: owner and modification time kept" {
	[ "$FLEET_HAS_SUDO" = 1 ] || skip "the fleet has no passwordless sudo"
	echo keep >"$T/k"
	chown 1234:2345 "$T/k"
	touch -d '2020-01-02 03:04:05 UTC' "$T/k"
	run hp --sudo --preserve "$T/k" "$R/$D/k" h003
	[ "$status" -eq 0 ]
	[ "$(stat -c '%u:%g %Y' "$FLEET_ROOTS/h003/$D/k")" = "1234:2345 $(stat -c %Y "$T/k")" ]
}

@test "push: a missing local file is a usage error, nothing runs" {
	run hp "$T/nothere" "$R/$D/x" -g fleet
	[ "$status" -eq 2 ]
	assert_output --partial "push: $T/nothere: No such file or directory"
	mkdir "$T/dir"
	run hp "$T/dir" "$R/$D/x" -g fleet
	[ "$status" -eq 2 ]
	assert_output --partial "is a directory: -r pushes a directory"
	run hp "$T/dir" h001
	[ "$status" -eq 2 ]
}

@test "push -r: a directory, modes kept, an old one replaced as a whole" {
	mkdir -p "$T/site/css"
	echo '<h1>' >"$T/site/index.html"
	echo 'body{}' >"$T/site/css/a.css"
	printf '#!/bin/sh\n' >"$T/site/run.sh"
	chmod 750 "$T/site/run.sh"
	mkdir -p "$FLEET_ROOTS/h002/$D/site"
	echo stale >"$FLEET_ROOTS/h002/$D/site/stale.html"
	chown -R "$FLEET_USER" "$FLEET_ROOTS/h002/$D/site"
	run hp -r "$T/site" "$R/$D/site" h001 h002
	[ "$status" -eq 0 ]
	assert_line "2 succeeded, 0 unchanged, 0 failed"
	for h in h001 h002; do
		diff -r "$T/site" "$FLEET_ROOTS/$h/$D/site"
		[ "$(stat -c %a "$FLEET_ROOTS/$h/$D/site/run.sh")" = 750 ]
	done
	[ ! -e "$FLEET_ROOTS/h002/$D/site/stale.html" ]
	no_temp "$D"
}

@test "push -r --checksum: a host whose directory has the same files is unchanged" {
	mkdir -p "$T/site/css" "$T/site/empty"
	echo '<h1>' >"$T/site/index.html"
	echo 'body{}' >"$T/site/css/a.css"
	run hp -r "$T/site" "$R/$D/site" h001 h002 h003
	[ "$status" -eq 0 ]
	echo changed >"$FLEET_ROOTS/h002/$D/site/css/a.css"
	echo extra >"$FLEET_ROOTS/h003/$D/site/extra.html"
	inode=$(stat -c %i "$FLEET_ROOTS/h001/$D/site/index.html")
	run hp -r --checksum "$T/site" "$R/$D/site" h001 h002 h003 h004
	[ "$status" -eq 0 ]
	assert_output --regexp "  h001  unchanged  sha256 [0-9a-f]{12}"
	assert_line "3 succeeded, 1 unchanged, 0 failed"
	# h001 not written again; the others have LOCAL's files, and only them
	[ "$(stat -c %i "$FLEET_ROOTS/h001/$D/site/index.html")" = "$inode" ]
	for h in h002 h003 h004; do diff -r "$T/site" "$FLEET_ROOTS/$h/$D/site"; done
}

@test "push: a host whose connection is killed mid-push keeps its old file, no temp file" {
	head -c $((96 << 20)) /dev/zero >"$T/big"
	echo old >"$FLEET_ROOTS/h001/$D/big"
	chown "$FLEET_USER" "$FLEET_ROOTS/h001/$D/big"
	# h001 takes the upload in slowly (about 20 MiB/s), so it is still being
	# written when its sessions are stopped, however fast the rest goes
	cat >"$FLEET_DIR/bin/cat" <<-'EOF'
	#!/bin/sh
	if [ "$FLEET_HOST" = h001 ] && [ $# = 0 ]; then
		exec perl -e 'binmode STDIN; binmode STDOUT; $| = 1;
		    while (read(STDIN, my $b, 1 << 20)) { print $b; select(undef, undef, undef, 0.05) }'
	fi
	exec /bin/cat "$@"
	EOF
	chmod 755 "$FLEET_DIR/bin/cat"
	hp --timeout 1m "$T/big" "$R/$D/big" h001 h002 >"$T/out" 2>&1 &
	pid=$!
	# the temporary copy is being written: stop its sshd's sessions, then kill them
	for i in $(seq 600); do
		ls "$FLEET_ROOTS/h001/$D"/.herd-push.* >/dev/null 2>&1 && break
		sleep 0.02
	done
	sessions=$(sessions "$(cat "$FD/run/sshd.h001.pid")")
	[ -n "$sessions" ]
	kill -STOP $sessions
	size=$(stat -c %s "$FLEET_ROOTS/h001/$D"/.herd-push.* 2>/dev/null || echo none)
	kill -KILL $sessions
	wait "$pid" || rc=$?
	cat "$T/out"
	[ "${rc:-0}" -eq 1 ]
	[ "$size" != none ] && [ "$size" -lt $((96 << 20)) ]
	grep -q '  h001  failed: ' "$T/out"
	grep -qx '1 succeeded, 0 unchanged, 1 failed' "$T/out"
	[ "$(cat "$FLEET_ROOTS/h001/$D/big")" = old ]
	cmp "$T/big" "$FLEET_ROOTS/h002/$D/big"
	# the remote script saw its input end short and removed the copy
	for i in $(seq 200); do
		no_temp "$D" 2>/dev/null && break
		sleep 0.05
	done
	no_temp "$D"
}

@test "herd-group alone shows a push run's records" {
	sha=$(printf x | sha256sum | cut -d' ' -f1)
	herd-select h001 h002 |
	    herd-run -F "$FLEET_SSH_CONFIG" --kind push -- "case \$FLEET_HOST in h001) echo pushed 1 $sha ;;
	        *) echo 'herd: cannot write in /x' >&2; exit 1 ;; esac" >"$T/recs" || true
	run herd-group "$T/recs"
	[ "$status" -eq 1 ]
	assert_output --regexp "  h001  1 bytes  sha256 ${sha:0:12}  [0-9]+ms"
	assert_line "  h002  failed: cannot write in /x"
	assert_line "1 succeeded, 0 unchanged, 1 failed"
	run herd-group --json "$T/recs"
	assert_line --partial '"host":"h001","status":"done","bytes":1'
	assert_line '{"succeeded":1,"unchanged":0,"missing":0,"failed":1}'
}

@test "push: options that cannot go with it are refused" {
	echo x >"$T/x"
	run hp --ask-become-pass "$T/x" "$R/$D/x" h001
	[ "$status" -eq 2 ]
	assert_output --partial "use --sudo with passwordless sudo"
	run hp "$T/x"
	[ "$status" -eq 2 ]
	assert_output --partial "give LOCAL REMOTE [HOSTS...]"
}
