bats_require_minimum_version 1.5.0
load helper

# herd discover on loopback ranges only, inside the test network namespace:
# there the fleet's one sshd listens on 0.0.0.0:PORT, so every 127.x
# address answers SSH on the fleet's port (tests/fleet/README, netns mode).

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root (the fleet's netns mode)"
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 2
}

teardown_file() {
	[ -z "${FD:-}" ] || "$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	[ "$FLEET_MODE" = netns ] || skip "needs the fleet's netns mode"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME"
	P=$(awk '$1 == "h001" { print $3 }' "$FD/roles")
	# a host found on a port other than 22 is ADDR:PORT (another fleet in
	# the namespace may have taken port 22)
	S=
	[ "$P" = 22 ] || S=":$P"
	cd "$T"
}

teardown() {
	[ ! -f "$T/listener.pid" ] || kill "$(cat "$T/listener.pid")" 2>/dev/null || true
}

# listen ADDR BANNER: a TCP listener on ADDR that sends BANNER (CR LF) to each
# connection; its port in $LPORT.
listen() {
	python3 - "$1" "$2" "$T/listener.port" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.bind((sys.argv[1], 0))
s.listen(16)
open(sys.argv[3] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
import os; os.rename(sys.argv[3] + ".tmp", sys.argv[3])
while True:
    c, _ = s.accept()
    c.sendall(sys.argv[2].encode() + b"\r\n")
    c.close()
EOF
	echo $! >"$T/listener.pid"
	for _ in $(seq 100); do [ -s "$T/listener.port" ] && break; sleep 0.05; done
	LPORT=$(cat "$T/listener.port")
}

@test "discover: the SSH servers of a /29, without its network and broadcast addresses" {
	run herd discover --cidr 127.0.1.0/29 --port "$P" --timeout 5s
	[ "$status" -eq 0 ]
	for i in 1 2 3 4 5 6; do
		assert_line --regexp "^127\.0\.1\.$i$S +SSH-2\.0-OpenSSH[^ ]* .*  [0-9]+ms$"
	done
	refute_line --partial "127.0.1.0 "
	refute_line --partial "127.0.1.7 "
	[ "${lines[${#lines[@]}-1]}" = "6 hosts found" ]
	[ "${#lines[@]}" -eq 7 ]
}

@test "discover: a /31 has both addresses, a /32 one; a range's host bits are ignored" {
	run herd discover --cidr 127.0.1.5/31 --port "$P" --timeout 5s
	[ "$status" -eq 0 ]
	assert_line --regexp "^127\.0\.1\.4$S +SSH-"
	assert_line --regexp "^127\.0\.1\.5$S +SSH-"
	assert_line "2 hosts found"
	run herd discover --cidr 127.0.1.9/32 --port "$P" --timeout 5s
	[ "$status" -eq 0 ]
	assert_line --regexp "^127\.0\.1\.9$S +SSH-"
	assert_line "1 host found"
	run herd discover --cidr 127.0.1.9 --port "$P" --timeout 5s
	assert_line "1 host found"
}

@test "discover: nothing listening, a silent port and a non-SSH banner are not hosts" {
	run herd discover --cidr 127.0.1.0/30 --port 1 --timeout 2s
	[ "$status" -eq 1 ]
	[ "$output" = "0 hosts found" ]
	listen 127.0.5.1 "HTTP/1.0 400 Bad Request"
	run herd discover --cidr 127.0.5.1/32 --port "$LPORT" --timeout 2s
	[ "$status" -eq 1 ]
	[ "$output" = "0 hosts found" ]
	silent=$(awk '$1 == "silent" { print $2, $3 }' "$FD/roles")
	run herd discover --cidr "${silent% *}/32" --port "${silent#* }" --timeout 300ms
	[ "$status" -eq 1 ]
	[ "$output" = "0 hosts found" ]
}

@test "discover: IPv6, the port shown when it is not 22" {
	listen ::1 "SSH-2.0-Test_1.0"
	run herd discover --cidr ::1/128 --port "$LPORT" --timeout 5s
	[ "$status" -eq 0 ]
	assert_line --regexp "^\[::1\]:$LPORT +SSH-2\.0-Test_1\.0  [0-9]+ms$"
	assert_line "1 host found"
	run herd --explain discover --cidr fd00::/126
	assert_output --partial "the 3 addresses of fd00::/126"
	run herd --explain discover --cidr fd00::/127
	assert_output --partial "the 2 addresses of fd00::/127"
}

@test "discover: too large a range is refused without --force; bad ranges" {
	run herd discover --cidr 10.0.0.0/8
	[ "$status" -eq 2 ]
	assert_output --partial "16777216 addresses; more than 65536 need --force"
	run herd discover --cidr 10.0.0.0/8 --force
	[ "$status" -eq 2 ]
	assert_output --partial "too many addresses"
	run herd --explain discover --cidr 10.0.0.0/12 --force
	[ "$status" -eq 0 ]
	assert_output --partial "the 1048574 addresses of 10.0.0.0/12"
	run herd discover --cidr 10.0.0.0/33
	[ "$status" -eq 2 ]
	run herd discover --cidr nonsense/24
	[ "$status" -eq 2 ]
	run herd discover --cidr fd00::/64
	[ "$status" -eq 2 ]
	run herd discover
	[ "$status" -eq 2 ]
	assert_output --partial "--cidr"
	run herd discover --cidr 127.0.1.1 --tag x
	[ "$status" -eq 2 ]
	run herd discover --cidr 127.0.1.1 --save 'bad name'
	[ "$status" -eq 2 ]
}

# saved ADDR: how --save writes the host found at ADDR (quoted with a port)
saved() { if [ -z "$S" ]; then printf '%s' "$1"; else printf "'%s%s'" "$1" "$S"; fi; }

commented_config() {
	cat <<EOF
# my fleet, hand written
defaults:
  timeout: 30s   # generous

groups:
  # the web tier
  web:
    user: deploy
    hosts:
      - web-01        # primary
      - {host: web-02, tags: [b]}

  # the lab, found by hand
  lab:
    hosts:
      - host: 127.0.1.1$S
        tags: [old]
      # - 127.0.1.9   retired

  db:
    hosts: [db-1]
EOF
}

@test "discover --save: hosts added to the group, every other byte kept, mode kept" {
	commented_config >"$T/herd.yaml"
	chmod 640 "$T/herd.yaml"
	cp "$T/herd.yaml" "$T/before.yaml"
	run herd discover -c "$T/herd.yaml" --cidr 127.0.1.0/30 --port "$P" --timeout 5s \
	    --save lab --tag discovered,lan
	[ "$status" -eq 0 ]
	assert_line "2 hosts found"
	assert_line --partial "1 host added to group lab in "
	[ "$(stat -c %a "$T/herd.yaml")" = 640 ]
	# the original with one line inserted after the group's last host
	{
		sed -n '1,17p' "$T/before.yaml"
		printf '      - {host: %s, tags: [discovered, lan]}\n' "$(saved 127.0.1.2)"
		sed -n '18,$p' "$T/before.yaml"
	} >"$T/expected.yaml"
	cmp "$T/expected.yaml" "$T/herd.yaml"
	run herd-select -c "$T/herd.yaml" -t discovered
	[ "$status" -eq 0 ]
	assert_output --partial "127.0.1.2"
	[ -z "$(ls "$T" | grep herd-)" ]
	# again: nothing new to add, the file untouched
	run herd discover -c "$T/herd.yaml" --cidr 127.0.1.0/30 --port "$P" --timeout 5s --save lab
	[ "$status" -eq 0 ]
	assert_line "group lab already has them all"
	cmp "$T/expected.yaml" "$T/herd.yaml"
}

@test "discover --save: a new group at the end of groups:, a config made when missing" {
	commented_config >"$T/herd.yaml"
	run herd discover -c "$T/herd.yaml" --cidr 127.0.1.3/32 --port "$P" --timeout 5s \
	    --save found
	[ "$status" -eq 0 ]
	{ commented_config; printf '  found:\n    hosts:\n      - %s\n' "$(saved 127.0.1.3)"; } >"$T/expected.yaml"
	cmp "$T/expected.yaml" "$T/herd.yaml"
	mkdir -p "$XDG_CONFIG_HOME/herd"
	run herd discover --cidr 127.0.1.3/32 --port "$P" --timeout 5s --save lab --tag x
	[ "$status" -eq 0 ]
	[ "$(cat "$XDG_CONFIG_HOME/herd/config.yaml")" = "$(printf 'groups:\n  lab:\n    hosts:\n      - {host: %s, tags: [x]}' "$(saved 127.0.1.3)")" ]
}

@test "discover --save: a file ending in a | block without a line break is left as it was" {
	printf 'groups:\n  lab:\n    hosts:\n      - a\n      - |\n        b' >"$T/herd.yaml"
	cp "$T/herd.yaml" "$T/before.yaml"
	run herd discover -c "$T/herd.yaml" --cidr 127.0.1.1/32 --port "$P" --timeout 5s --save lab
	[ "$status" -eq 2 ]
	assert_output --partial "herd.yaml:5:9: a | or > block ends the file without a line break"
	cmp "$T/before.yaml" "$T/herd.yaml"
}

@test "discover --save: a config whose lines end in CR alone: the hosts go to the group named" {
	printf 'groups:\r  web:\r    user: x\r  db:\r    hosts: [d]\r' >"$T/herd.yaml"
	run herd discover -c "$T/herd.yaml" --cidr 127.0.1.1/32 --port "$P" --timeout 5s --save web
	[ "$status" -eq 0 ]
	run -0 herd-select -c "$T/herd.yaml" -g web
	assert_output --partial "127.0.1.1"
	run -0 herd-select -c "$T/herd.yaml" -g db
	refute_output --partial "127.0.1.1"
}

@test "discover --save: a config that does not load is refused before the scan" {
	printf 'groups:\n  lab:\n    hosts: [a,\n' >"$T/broken.yaml"
	cp "$T/broken.yaml" "$T/before.yaml"
	run herd discover -c "$T/broken.yaml" --cidr 127.0.1.1/32 --port "$P" --save lab
	[ "$status" -eq 2 ]
	assert_output --regexp "broken\.yaml:[0-9]+:[0-9]+: "
	refute_output --partial "hosts found"
	cmp "$T/before.yaml" "$T/broken.yaml"
	printf 'groups:\n  lab:\n    hosts:\n      - {host: a, tagz: [x]}\n' >"$T/bad.yaml"
	run herd discover -c "$T/bad.yaml" --cidr 127.0.1.1/32 --port "$P" --save lab
	[ "$status" -eq 2 ]
	assert_output --regexp "bad\.yaml:4:[0-9]+: "
	refute_output --partial "hosts found"
}
