bats_require_minimum_version 1.5.0
load helper

# herd-run's reading of ssh_config: the user's file, then the system's,
# Include, and ProxyCommand kept as written.  --dry-run shows the result.

setup() {
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME/.ssh"
	printf 'H\t%s\n' alpha beta >"$T/hosts"
}

@test "Include: lines after it stay in their block; a big included file is fine" {
	{
		for i in $(seq 1 12); do
			printf 'Host other%d\n  HostName 10.9.9.%d\n' "$i" "$i"
		done
	} >"$HOME/.ssh/more.conf"
	cat >"$T/cfg" <<'CONF'
Host alpha
  Include more.conf
  User inside
Host *
  Port 2200
CONF
	run herd-run -F "$T/cfg" -f "$T/hosts" --dry-run true
	assert_success
	assert_output "would run: true
on 2 hosts:
  alpha  inside@alpha:2200  timeout 30s
  beta   $(id -un)@beta:2200  timeout 30s"
}

@test "ProxyCommand is kept as written, quotes and all" {
	cat >"$T/cfg" <<'CONF'
Host alpha
  ProxyCommand /bin/sh -c "exec nc %h %p"
CONF
	run herd-run -F "$T/cfg" -f "$T/hosts" --dry-run -l u true
	assert_success
	assert_line '  alpha  u@alpha:22  via /bin/sh -c "exec nc %h %p"  timeout 30s'
}

@test "ProxyJump quotes the jump for the shell, %% for libssh" {
	cat >"$T/cfg" <<'CONF'
Host alpha
  ProxyJump j1,jump%2
CONF
	cp "$T/cfg" "$T/c%fg"
	run herd-run -F "$T/c%fg" -f "$T/hosts" --dry-run -l u true
	assert_success
	assert_line "  alpha  u@alpha:22  via exec ssh -F $T/c%%fg -J j1 -W '[%h]:%p' ssh://jump%%2  timeout 30s"
}

@test "the system ssh_config is read after the user's, its top lines for every host" {
	[ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
	cat >"$T/system" <<'CONF'
User fromsystem
Port 2201
Host beta
  StrictHostKeyChecking no
CONF
	printf 'Host alpha\n  User fromuser\n' >"$HOME/.ssh/config"
	run unshare --mount sh -c "mount --bind '$T/system' /etc/ssh/ssh_config &&
	    herd-run -f '$T/hosts' --dry-run true"
	assert_success
	assert_output "would run: true
on 2 hosts:
  alpha  fromuser@alpha:2201  timeout 30s
  beta   fromsystem@beta:2201  timeout 30s  unknown host keys accepted and added"
}

@test "bad user names are refused: H records, -l, the config" {
	printf 'H\tx\tx\t\tx$(touch${IFS}/tmp/pwned)\n' >"$T/bad"
	run herd-run -f "$T/bad" --dry-run true
	assert_failure 2
	assert_output --partial 'herd-run: bad H record: H'
	run herd-run -l '-oProxyCommand=x' -f "$T/hosts" --dry-run true
	assert_failure 2
	assert_output 'herd-run: -l: bad user name -oProxyCommand=x'
	printf 'groups:\n  g:\n    hosts:\n      - {host: x, user: "a;b"}\n' >"$T/c.yaml"
	run herd-select -c "$T/c.yaml" -a
	assert_failure 2
	assert_line "$T/c.yaml:4:25: group \"g\": user \"a;b\": use letters, digits, '.', '_', '-' and '@', not a leading '-'"
	run herd-select 'a b@x'
	assert_failure 2
	assert_output --partial "bad user name"
	[ ! -e /tmp/pwned ]
}
