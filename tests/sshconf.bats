bats_require_minimum_version 1.5.0
load helper

# herd-run's reading of ssh_config(5), compared with OpenSSH's own (ssh -G)
# wherever both say the same thing: the user's file, then the system's,
# Include, Match, -o, tokens, the values ssh refuses.  herd-run -G and
# --dry-run show the result; nothing connects.

setup() {
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME/.ssh"
	printf 'H\t%s\n' alpha beta >"$T/hosts"
	command -v ssh >/dev/null || skip "ssh is not installed"
}

# fields CONFIG HOST FIELD...: herd-run -G's lines for those fields, then
# ssh -G's, each set in $herd and $ssh (extra arguments in $GOPTS).
fields() {
	local cfg=$1 host=$2 re
	shift 2
	re="^($(IFS='|'; echo "$*")) "
	herd=$(herd-run -G -F "$cfg" ${GOPTS:-} "$host" | grep -E "$re" | sort)
	ssh=$(ssh -G -F "$cfg" ${GOPTS:-} "$host" </dev/null 2>/dev/null | grep -E "$re" | sort)
}

# same_as_ssh CONFIG HOST FIELD...: both agree on the fields, and say something.
same_as_ssh() {
	fields "$@"
	assert_equal "$herd" "$ssh"
	[ -n "$herd" ]
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

@test "Include in a Host or Match block that does not match applies nothing, as ssh" {
	printf 'Host web1\n  User leaked\n  Port 2201\n' >"$T/inc.conf"
	cat >"$T/cfg" <<CONF
Host other
  Include $T/inc.conf
Match user nobody-here
  Include $T/inc.conf
Host *
  User star
CONF
	same_as_ssh "$T/cfg" web1 user port
	assert_equal "$herd" "port 22
user star"
	# in a block that matches, the included blocks apply as usual
	printf 'Host web1\n  Include %s\n' "$T/inc.conf" >"$T/cfg"
	same_as_ssh "$T/cfg" web1 user port
	assert_equal "$herd" "port 2201
user leaked"
	# an included file's top lines belong to the including block
	printf 'User top\nHost nomatch\n  User no\n' >"$T/inc2.conf"
	printf 'Host web1\n  Include %s\n  Port 5\nHost *\n  Include %s\n' \
	    "$T/inc2.conf" "$T/inc2.conf" >"$T/cfg"
	same_as_ssh "$T/cfg" web1 user port
	same_as_ssh "$T/cfg" web2 user port
	assert_equal "$herd" "port 22
user top"
}

@test "Match host sees HostName after %h; Match user without User is the local user" {
	cat >"$T/cfg" <<'CONF'
Host web1
  HostName %h.example.com
Match host web1.example.com
  Port 2202
Match originalhost web1 user root,nobody-else
  User matched-root
Match user !root localuser *
  User matched-other
Host *
  UserKnownHostsFile /dev/null
CONF
	same_as_ssh "$T/cfg" web1 user port hostname
	same_as_ssh "$T/cfg" web2 user port hostname
	GOPTS="-l somebody" same_as_ssh "$T/cfg" web1 user port hostname
	assert_equal "$herd" "hostname web1.example.com
port 2202
user somebody"
	# Match canonical never matches: herd does not canonicalize names
	printf 'Match canonical\n  Port 7\n' >"$T/cfg"
	same_as_ssh "$T/cfg" web1 port
}

@test "ProxyCommand none turns off a later ProxyJump; ProxyJump none only a later ProxyJump" {
	cat >"$T/cfg" <<'CONF'
Host bastion
  ProxyCommand none
Host direct
  ProxyJump none
Host *
  ProxyJump bastion
  ProxyCommand nc %h %p
CONF
	same_as_ssh "$T/cfg" bastion proxycommand proxyjump hostname
	assert_equal "$herd" "hostname bastion"
	same_as_ssh "$T/cfg" direct proxycommand proxyjump hostname
	assert_equal "$herd" "hostname direct
proxycommand nc %h %p"
	same_as_ssh "$T/cfg" web1 proxycommand proxyjump
	assert_equal "$herd" "proxyjump bastion"
	printf 'H\t%s\n' bastion web1 >"$T/hosts"
	run herd-run -F "$T/cfg" -f "$T/hosts" -l u --dry-run true
	assert_output "would run: true
on 2 hosts:
  bastion  u@bastion:22  timeout 30s
  web1     u@web1:22  via ssh -F $T/cfg -W '[web1]:22' ssh://bastion  timeout 30s"
}

@test "ProxyCommand: kept as written for -G, its tokens expanded to run it" {
	cat >"$T/cfg" <<'CONF'
Host alpha
  ProxyCommand /bin/sh -c "exec nc %h %p # %n %r %%"
  HostName Alpha.Example
CONF
	same_as_ssh "$T/cfg" alpha proxycommand hostname
	run herd-run -F "$T/cfg" -f "$T/hosts" --dry-run -l u true
	assert_success
	assert_line '  alpha  u@alpha.example:22  via /bin/sh -c "exec nc alpha.example 22 # alpha u %"  timeout 30s'
}

@test "ProxyJump: its tokens expanded, the jump quoted for the shell" {
	cat >"$T/cfg" <<'CONF'
Host alpha
  ProxyJump j1,jump%%2-%h:2222
CONF
	cp "$T/cfg" "$T/c%fg"
	same_as_ssh "$T/c%fg" alpha proxyjump
	run herd-run -F "$T/c%fg" -f "$T/hosts" --dry-run -l u true
	assert_success
	assert_line "  alpha  u@alpha:22  via ssh -F $T/c%fg -J j1 -W '[alpha]:22' ssh://jump%2-alpha:2222  timeout 30s"
}

@test "values ssh refuses are errors with file:line; ssh refuses them too" {
	while IFS='|' read -r line message; do
		printf 'Host nomatch\n  %s\n' "$line" >"$T/cfg"
		run ssh -G -F "$T/cfg" x </dev/null
		assert_failure 255
		run --separate-stderr herd-run -G -F "$T/cfg" x
		assert_failure 2
		assert_equal "$output" ""
		assert_equal "$stderr" "herd-run: ssh config: $T/cfg:2: $message"
	done <<'BAD'
Port abc|Port: bad port "abc" (1 to 65535, or a service name)
Port 70000|Port: bad port "70000" (1 to 65535, or a service name)
Port 0|Port: bad port "0" (1 to 65535, or a service name)
Port|Port: missing argument
Port 22 23|Port: extra arguments at end of line
User a b|User: extra arguments at end of line
User ""|User: missing argument
ConnectTimeout 1.5|ConnectTimeout: invalid time value "1.5" (seconds, or such as 1m30s)
ConnectTimeout -1|ConnectTimeout: invalid time value "-1" (seconds, or such as 1m30s)
StrictHostKeyChecking maybe|StrictHostKeyChecking: unsupported option "maybe" (yes, no, ask, accept-new or off)
IdentitiesOnly maybe|IdentitiesOnly: unsupported option "maybe" (yes or no)
ProxyJump a:99999|ProxyJump: bad jump host "a:99999"
Match foo x|Match: unsupported attribute "foo"
Match host|Match host: missing argument
Host|Host: missing argument
User "unbalanced|unbalanced quotes
BAD
	# tokens ssh cannot expand: an error before connecting, naming the token
	printf 'Host x\n  HostName %%x.example\n' >"$T/cfg"
	run ssh -G -F "$T/cfg" x </dev/null
	assert_failure 255
	run --separate-stderr herd-run -G -F "$T/cfg" x
	assert_failure 2
	assert_equal "$stderr" "herd-run: ssh config: $T/cfg:2: HostName \"%x.example\": unsupported token %x (takes %% and %h)"
	printf 'UserKnownHostsFile /k/%%X\n' >"$T/cfg"
	run --separate-stderr herd-run -G -F "$T/cfg" x
	assert_failure 2
	assert_equal "$stderr" "herd-run: ssh config: $T/cfg:1: UserKnownHostsFile \"/k/%X\": unsupported token %X (takes %%, %C, %d, %h, %i, %k, %L, %l, %n, %p, %r and %u)"
	# ${VAR}: an unset one is an error for the host that uses it, as for ssh
	printf 'Host x\n  UserKnownHostsFile ${HERD_TEST_UNSET}/kh\n' >"$T/cfg"
	run ssh -G -F "$T/cfg" x </dev/null
	assert_failure 255
	run --separate-stderr herd-run -G -F "$T/cfg" y x
	assert_failure 2
	assert_equal "$stderr" 'herd-run: ssh config: x: UserKnownHostsFile "${HERD_TEST_UNSET}/kh": environment variable ${HERD_TEST_UNSET} is not set'
	HERD_TEST_UNSET=/keys same_as_ssh "$T/cfg" x userknownhostsfile
	assert_equal "$herd" "userknownhostsfile /keys/kh"
}

@test "a config that includes itself stops at 16 levels, as ssh, with an error" {
	printf 'Include %s\n' "$T/self" >"$T/self"
	run ssh -G -F "$T/self" x </dev/null
	assert_failure 255
	run --separate-stderr herd-run -G -F "$T/self" x
	assert_failure 2
	assert_equal "$stderr" "herd-run: ssh config: $T/self:1: Include: too many recursive configuration includes (more than 16 deep)"
	# 16 levels are fine for both
	for i in $(seq 0 15); do printf 'Include %s/f%d\n' "$T" $((i + 1)) >"$T/f$i"; done
	printf 'User deep\n' >"$T/f16"
	same_as_ssh "$T/f0" x user
	assert_equal "$herd" "user deep"
	printf 'Include %s/f17\n' "$T" >"$T/f16"
	printf 'User deeper\n' >"$T/f17"
	run ssh -G -F "$T/f0" x </dev/null
	assert_failure 255
	run herd-run -G -F "$T/f0" x
	assert_failure 2
}

@test "ConnectTimeout with units and 0, StrictHostKeyChecking true/false/off: as ssh -G" {
	cat >"$T/cfg" <<'CONF'
Host a
  ConnectTimeout 1m30s
  StrictHostKeyChecking false
Host b
  ConnectTimeout 0
  StrictHostKeyChecking true
Host c
  ConnectTimeout none
  StrictHostKeyChecking off
Host d
  ConnectTimeout 2W
  StrictHostKeyChecking accept-new
Host *
  ConnectTimeout 5
  StrictHostKeyChecking ask
CONF
	for h in a b c d; do
		same_as_ssh "$T/cfg" $h connecttimeout stricthostkeychecking
	done
	fields "$T/cfg" b connecttimeout
	assert_equal "$herd" "connecttimeout 0"		# no limit, as for ssh
	fields "$T/cfg" c connecttimeout
	assert_equal "$herd" "connecttimeout 5"		# none: as if unset
	# what herd-run does with them
	printf 'H\t%s\n' a b c d >"$T/hosts"
	run herd-run -F "$T/cfg" -f "$T/hosts" -l u --dry-run true
	assert_output "would run: true
on 4 hosts:
  a  u@a:22  timeout 30s  unknown host keys accepted and added
  b  u@b:22  timeout 30s
  c  u@c:22  timeout 30s  unknown host keys accepted and added
  d  u@d:22  timeout 30s  unknown host keys accepted and added"
	run herd-run -G -F "$T/cfg" --accept-new a b
	assert_line "hostkeys accept-new"
	refute_line "hostkeys refuse"
}

@test "tokens in UserKnownHostsFile and IdentityFile: as ssh expands them, %% once" {
	export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)	# ssh's %d and ~
	cat >"$T/cfg" <<CONF
Host web1
  HostName Web1.Example
  User bob
  Port 2203
  UserKnownHostsFile $T/kh-%h-%p-%r-%u-%n-%L-%l-%C-%i-%d-%k-%%-%%h
CONF
	same_as_ssh "$T/cfg" web1 userknownhostsfile user hostname
	assert_regex "$herd" "kh-web1.example-2203-bob-$(id -un)-web1-"
	# the local user is the password database's, whatever \$USER says
	USER=someone-else same_as_ssh "$T/cfg" web1 userknownhostsfile
	run env -u USER herd-run -G -F /dev/null x
	assert_line "user $(id -un)"
	printf 'IdentityFile %s/id-%%r@%%h:%%p\n' "$T" >"$T/cfg"
	run herd-run -G -F "$T/cfg" -l ann web1:2200
	assert_line "identityfile $T/id-ann@web1:2200"
}

@test "an unknown keyword is warned about with file:line, unless IgnoreUnknown names it" {
	cat >"$T/cfg" <<'CONF'
Host x
  FooBar 1
IgnoreUnknown Baz*,Qux
  BazOne 1
  Qux 2
  Quux 3
  BatchMode yes
CONF
	run --separate-stderr herd-run -G -F "$T/cfg" x
	assert_success
	assert_equal "$stderr" "herd-run: ssh config: $T/cfg:2: unknown keyword \"FooBar\" ignored
herd-run: ssh config: $T/cfg:6: unknown keyword \"Quux\" ignored"
}

@test "-o: an ssh_config line that wins over the files, as ssh -o" {
	cat >"$T/cfg" <<'CONF'
Host *
  User fromfile
  Port 2204
  ProxyCommand nc %h %p
CONF
	GOPTS="-o User=fromopt -o Port=2205 -o ProxyJump=j" same_as_ssh "$T/cfg" x user port proxyjump proxycommand
	assert_equal "$herd" "port 2205
proxyjump j
user fromopt"
	GOPTS="-o Port=2206 -o Port=2207" same_as_ssh "$T/cfg" x port
	assert_equal "$herd" "port 2206"
	run herd-run -G -F "$T/cfg" -o 'User fromopt2' -o ConnectTimeout=2m x
	assert_line "user fromopt2"
	assert_line "connecttimeout 120"
	# -l and -p still come first, as with ssh
	run herd-run -G -F "$T/cfg" -o User=o -l ell -p 2208 x
	assert_line "user ell"
	assert_line "port 2208"
	# what ssh -o refuses
	run --separate-stderr herd-run -G -o Host=x x
	assert_failure 2
	assert_equal "$stderr" "herd-run: ssh config: -o Host=x: Host is not allowed on the command line"
	run --separate-stderr herd-run -G -o FooBar=1 x
	assert_failure 2
	assert_equal "$stderr" 'herd-run: ssh config: -o FooBar=1: unknown ssh_config keyword "FooBar"'
	run --separate-stderr herd-run -G -o Port=x x
	assert_failure 2
	assert_equal "$stderr" 'herd-run: ssh config: -o Port=x: Port: bad port "x" (1 to 65535, or a service name)'
	run --separate-stderr herd-run -G -F /dev/null -o BatchMode=yes x
	assert_success
	assert_equal "$stderr" "herd-run: -o BatchMode=yes: herd-run does not use BatchMode; ignored"
}

@test "-G: one block per host, from operands or H records, with herd's own settings" {
	printf 'Host alpha\n  IdentityFile /k/a\n  IdentitiesOnly yes\n' >"$T/cfg"
	printf 'H\talpha\t\t\t\t\t\t1500\nH\tbeta\t10.0.0.2\t2222\tcarol\n' >"$T/hosts"
	run herd-run -G -F "$T/cfg" -i /k/cli --connect-timeout 500ms -f "$T/hosts"
	assert_success
	assert_output "host alpha
user $(id -un)
hostname alpha
port 22
identityfile /k/cli
identityfile /k/a
userknownhostsfile $HOME/.ssh/known_hosts
globalknownhostsfile /etc/ssh/ssh_known_hosts
stricthostkeychecking ask
connecttimeout 500ms
identitiesonly yes
hostkeys refuse
timeout 1s500ms

host beta
user carol
hostname 10.0.0.2
port 2222
identityfile /k/cli
userknownhostsfile $HOME/.ssh/known_hosts
globalknownhostsfile /etc/ssh/ssh_known_hosts
stricthostkeychecking ask
connecttimeout 500ms
identitiesonly no
hostkeys refuse
timeout 30"
	run herd-run -G -F "$T/cfg" --insecure --timeout 0 ann@gamma:2
	assert_line "user ann"
	assert_line "port 2"
	assert_line "hostkeys insecure"
	assert_line "timeout 0"
	run --separate-stderr herd-run -G 'bad host'
	assert_failure 2
	run herd-run -G --ping x
	assert_failure 2
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

@test "a host whose H record comes twice is run, and passed on, once" {
	printf 'H\talpha\nH\tbeta\nH\talpha\t10.0.0.9\n' >"$T/hosts"
	run herd-run -F /dev/null -f "$T/hosts" -l u --dry-run true
	assert_output "would run: true
on 2 hosts:
  alpha  u@alpha:22  timeout 30s
  beta   u@beta:22  timeout 30s"
}

# Regression (found by the sshconf fuzz target): a \v between words was not
# skipped as a blank but ended a word, so the reader made empty words forever.
@test "vertical tabs and form feeds between words are blanks, as other white space" {
	printf 'Host alpha\n  Port 2\v\v\v\f\n  User\vdeploy\n' >"$T/cfg"
	run --separate-stderr timeout 10 herd-run -G -F "$T/cfg" alpha
	assert_success
	assert_line 'user deploy'
	assert_line 'port 2'
	printf 'Host alpha\n  Port 2\v\v2\n' >"$T/cfg"
	run --separate-stderr timeout 10 herd-run -G -F "$T/cfg" alpha
	assert_failure 2
	assert_equal "$stderr" "herd-run: ssh config: $T/cfg:2: Port: extra arguments at end of line"
}
