bats_require_minimum_version 1.5.0
load helper

# herd, the front end: verbs, the exec path, --explain, exit codes, SIGINT.

setup() {
	export HERD_CONFIG="$TESTS/configs/fleet.yaml"
	T="$BATS_TEST_TMPDIR"
}

teardown() {
	# Stages a failed test may have left behind.
	[ -f "$T/pid" ] && kill "$(cat "$T/pid")" 2>/dev/null
	return 0
}

# fake DIR NAME BODY: the executable shell script DIR/NAME running BODY.
fake() {
	mkdir -p "$1"
	printf '#!/bin/sh\n%s\n' "$3" >"$1/$2"
	chmod +x "$1/$2"
}

# Wait (at most 10 s) until FILE exists.
wait_for() {
	local i
	for i in $(seq 200); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}

version() {
	sed -n 's/^#define HERD_VERSION "\(.*\)"$/\1/p' "$TESTS/../lib/herd.h"
}

# --- help and version ---------------------------------------------------------------

@test "herd version and --version" {
	run herd version
	assert_success
	assert_output "herd $(version)"
	run herd --version
	assert_success
	assert_output "herd $(version)"
}

@test "herd --help and -h: usage on stdout, exit 0" {
	run herd --help
	assert_success
	assert_line --index 0 "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]"
	assert_line "Any other VERB runs the program herd-VERB from the exec path."
	run herd -h
	assert_success
	assert_line --index 0 "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]"
}

@test "herd without a verb, or with an unknown option: usage, exit 2" {
	run herd
	assert_failure 2
	assert_line --index 0 "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]"
	run herd --bogus select web-01
	assert_failure 2
	assert_line --index 0 "herd: unknown option --bogus"
	assert_line --index 1 "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]"
}

@test "herd help: the usage and the topics" {
	run herd help
	assert_success
	assert_line --index 0 "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]"
	topics=$(herd help topics)
	assert_line "Help topics (herd help TOPIC): $(paste -sd' ' <<<"$topics")"
	for t in selection tags records config exec ping watch mux repl recipe recipes \
	    selectors parsers notifications exit-codes; do
		grep -qx "$t" <<<"$topics"
	done
	while read -r t; do
		run -0 herd help "$t"
		[ -n "$output" ]
	done <<<"$topics"
}

@test "herd help TOPIC" {
	run herd help exit-codes
	assert_success
	assert_output "0  every host ok
1  some host exited non-zero, failed or timed out
2  usage or configuration error
3  runtime or system error (I/O, memory, database, network)
130  interrupted (Ctrl-C, SIGTERM, SIGHUP)"
	run herd help selection
	assert_success
	assert_line --index 0 "Selecting hosts (herd-select(1)):"
	assert_line "  -g pis -t arm64   hosts of pis that have arm64 (intersection)"
}

@test "herd help VERB runs herd-VERB --help; list and config are herd-select's" {
	run herd help select
	assert_success
	assert_line --index 0 --partial "usage: herd-select"
	run herd help list
	assert_success
	assert_line --index 0 --partial "usage: herd-select"
	fake "$T/bin" herd-foo 'echo "foo help: $*"'
	run herd --exec-path="$T/bin" help foo
	assert_success
	assert_output "foo help: --help"
	run herd help nosuch
	assert_failure 2
	assert_output 'herd: no help on "nosuch"; try herd help topics'
}

@test "--help on every program" {
	for prog in herd herd-select; do
		run "$prog" --help
		assert_success
		assert_line --index 0 --partial "usage: $prog "
	done
	run herd select --help
	assert_success
	assert_line --index 0 --partial "usage: herd-select "
}

# --- select, list, config ------------------------------------------------------------

@test "herd select prints what herd-select prints" {
	run herd select -t debian12
	assert_success
	expected=$output
	run herd-select -t debian12
	assert_output "$expected"
	assert_line --index 1 --partial "pi-garage"
}

@test "herd list, list --tags, list --tag" {
	run herd list -g pis
	assert_success
	assert_output "pis (3 hosts)
  pi-garage    [debian12, arm64, indoor]
  pi-workshop  [debian11, arm64, outdoor]
  pi-backyard"
	run herd list --tags
	assert_success
	assert_line --index 0 "TAG       HOSTS"
	assert_line "debian12  3"
	run herd list --tag arm64,indoor
	assert_success
	assert_output "pi-garage  (pis,canary)  [debian12, arm64, indoor]"
}

# --- --explain --------------------------------------------------------------------------

@test "--explain prints the exact pipeline, shell-quoted" {
	run herd --explain select -t '!staging' 'web-*' -g pis
	assert_success
	assert_output "herd-select -t '!staging' 'web-*' -g pis"
	run herd --explain list --tags
	assert_success
	assert_output "herd-select list --tags"
	run herd --explain list --tag "it's" -g 'a b' ''
	assert_success
	assert_output "herd-select list --tag 'it'\\''s' -g 'a b' ''"
	run herd --explain config export
	assert_success
	assert_output "herd-select config export"
	run herd --explain foo -x 'a b' user@host:22
	assert_success
	assert_output "herd-foo -x 'a b' user@host:22"
}

@test "--explain runs nothing" {
	fake "$T/bin" herd-select ": >'$T/ran'"
	fake "$T/bin" herd-foo ": >'$T/ran'"
	run herd --exec-path="$T/bin" --explain list
	assert_success
	assert_output "herd-select list"
	run herd --exec-path="$T/bin" --explain foo
	assert_success
	assert_output "herd-foo"
	[ ! -e "$T/ran" ]
}

@test "the explained pipeline does what herd does" {
	run herd --explain select -t 'prod,!us-west' 'pi-*'
	explained=$output
	run sh -c "$explained"
	assert_success
	expected=$output
	run herd select -t 'prod,!us-west' 'pi-*'
	assert_success
	assert_output "$expected"
	assert_line --index 1 --partial "web-01"
}

# --- composed verbs: the verb table ---------------------------------------------------

# fake_stages: herd-select, herd-run and herd-group in $T/bin that only note they ran.
fake_stages() {
	local p
	for p in herd-select herd-run herd-group; do
		fake "$T/bin" "$p" "echo $p >>'$T/ran'"
	done
}

@test "herd exec --help, -h and herd ping --help: the verb's help, exit 0" {
	run herd exec --help
	assert_success
	assert_line --index 0 "usage: herd exec [options] COMMAND [HOSTS...]"
	assert_line "  -f, --fanout, --forks, --concurrency N   hosts at a time"
	help=$output
	run herd help exec
	assert_output "$help"
	run herd exec -g web -h uptime
	assert_success
	assert_output "$help"
	run herd ping --help
	assert_success
	assert_line --index 0 "usage: herd ping [options] [HOSTS...]"
	assert_equal "$output" "$(herd help ping)"
	# after --, --help is a word of the command
	run herd --explain exec web-01 -- --help
	assert_success
	assert_output "herd-select web-01 | herd-run --selection '-w web-01' -- --help | herd-hist record | herd-group"
}

@test "the verb table: each option goes to the stages of its role, as they spell it" {
	run herd --explain exec -w 'h[1-3],h7' -x h2 --pick 2 --hosts-file hosts.txt \
	    -o ConnectTimeout=3 -f 8 --fanout 9 --forks=10 --concurrency 11 -f12 \
	    -S --max-exit --oneline --outdir out --errdir err -c my.yaml uptime
	assert_success
	assert_output "herd-select -w 'h[1-3],h7' -x h2 --pick 2 --hosts-file hosts.txt -c my.yaml | herd-run -o ConnectTimeout=3 --concurrency 8 --concurrency 9 --concurrency 10 --concurrency 11 --concurrency 12 -c my.yaml --selection '-w '\\''h[1-3,7]'\\'' -f hosts.txt -x h2 --pick 2' -- uptime | herd-hist record -c my.yaml | herd-group -S -S --oneline --outdir out --errdir err -c my.yaml"
	run herd --explain ping -g pis -o User=x --auth --json -f 4 --color never pi-garage
	assert_success
	assert_output "herd-select -g pis pi-garage | herd-run -o User=x --auth --concurrency 4 --selection '-g pis -w pi-garage' --ping | herd-group --json --color never --ping"
	run herd --explain exec --dry-run -c my.yaml --sudo true web-01
	assert_success
	assert_output "herd-select -c my.yaml web-01 | herd-run --dry-run -c my.yaml --sudo --selection '-w web-01' -- true"
}

@test "an option the verb does not take: exit 2, said clearly, nothing run" {
	fake_stages
	run herd --exec-path="$T/bin" ping --sudo --parse disk -g web
	assert_failure 2
	assert_output "herd: ping: --sudo is not an option of ping; see herd help ping"
	run herd --exec-path="$T/bin" ping --parse disk -g web
	assert_failure 2
	assert_output "herd: ping: --parse is not an option of ping; see herd help ping"
	run herd --exec-path="$T/bin" ping -g web --dry-run
	assert_failure 2
	assert_output "herd: ping: --dry-run is not an option of ping; see herd help ping"
	run herd --exec-path="$T/bin" exec --auth true web-01
	assert_failure 2
	assert_output "herd: exec: --auth is not an option of exec; see herd help exec"
	run herd --exec-path="$T/bin" exec --dry-run --json true web-01
	assert_failure 2
	assert_output "herd: exec: --json does nothing with --dry-run"
	run herd --exec-path="$T/bin" exec --timout 5s true web-01
	assert_failure 2
	assert_output "herd: exec: unknown option --timout; did you mean --timeout? See herd help exec"
	run herd --exec-path="$T/bin" exec -Z true web-01
	assert_failure 2
	assert_output "herd: exec: unknown option -Z (a command's own options go after --); see herd help exec"
	[ ! -e "$T/ran" ]
}

@test "-f is the fanout (pdsh, clush, Ansible); a file for -f is pointed at --hosts-file" {
	run herd exec -f hosts.txt uptime -g web
	assert_failure 2
	assert_output "herd: exec: -f is the fanout, a number of hosts at a time (as in pdsh and clush), not hosts.txt; for a file of hosts give --hosts-file hosts.txt or -w ^hosts.txt"
	run herd exec --fanout=all uptime -g web
	assert_failure 2
	assert_output "herd: exec: --fanout: expected a number of hosts at a time, got all"
	run herd ping -fhosts.txt
	assert_failure 2
	assert_output --partial "herd: ping: -f is the fanout"
	run herd --explain ping --forks 3 web-01
	assert_success
	assert_output "herd-select web-01 | herd-run --concurrency 3 --selection '-w web-01' --ping | herd-group --ping"
}

@test "the command's words are never taken for hosts" {
	# an option selects the hosts: every word is the command's
	run herd --explain exec systemctl restart nginx -g fleet
	assert_success
	assert_output "herd-select -g fleet | herd-run --selection '-g fleet' -- systemctl restart nginx | herd-hist record | herd-group"
	for sel in -a "-t prod" "-w h001" "--hosts-file f"; do
		run herd --explain exec echo hello $sel
		assert_success
		assert_output --partial "-- echo hello | herd-hist record | herd-group"
	done
	# -- ends the hosts: the words after it are the command, options too
	run herd --explain exec h001 'h[002-003]' -- systemctl restart nginx
	assert_success
	assert_output "herd-select h001 'h[002-003]' | herd-run --selection '-w '\\''h[001-003]'\\''' -- systemctl restart nginx | herd-hist record | herd-group"
	run herd --explain exec -g web -- ls -l /tmp
	assert_success
	assert_output "herd-select -g web | herd-run --selection '-g web' -- ls -l /tmp | herd-hist record | herd-group"
	# otherwise the first word is the command, the others are hosts
	run herd --explain exec 'uname -r' h001 h002
	assert_success
	assert_output "herd-select h001 h002 | herd-run --selection '-w '\\''h[001-002]'\\''' -- 'uname -r' | herd-hist record | herd-group"
	# a quoted command and more words, with -g: refused, not guessed
	run herd exec 'uname -r' h001 -g web
	assert_failure 2
	assert_output "herd: exec: is \"h001\" a host or part of the command? With -a, -g, -t, -w or --hosts-file every word is the command's: give hosts with -w h001, or quote the whole command"
	# a "host" that cannot be one: the command was not quoted
	run herd exec ls -d /tmp h001
	assert_failure 2
	assert_output "herd: exec: unknown option -d (a command's own options go after --); see herd help exec"
	run herd exec cat /etc/hostname h001 h002
	assert_failure 2
	assert_output "herd: exec: \"/etc/hostname\" is not a host name; did you mean to quote the command? herd exec 'cat /etc/hostname' h001 h002"
	run herd --explain exec grep 'a b' /etc/hosts h001
	assert_failure 2
	assert_output "herd: exec: \"a b\" is not a host name; did you mean to quote the command? herd exec 'grep a b /etc/hosts' h001"
	run herd exec -- 
	assert_failure 2
	assert_output "herd: exec: no command; usage: herd exec CMD [HOSTS...] [-g GROUP] [-t TAGS] [options]"
}

@test "a word taken for a host that does not resolve, as herd-run -G resolves it: quote the command?" {
	fake_stages
	# herd-run -G as it prints the settings of hosts: hello's HostName does
	# not resolve, bastion's does, jumped is reached through a proxy
	fake "$T/bin" herd-run "case \" \$* \" in
*' -G '*) echo \"\$*\" >'$T/G'
	printf 'host hello\\nuser u\\nhostname hello.invalid\\nport 22\\n\\n'
	printf 'host bastion\\nhostname 127.0.0.1\\nport 22\\n\\n'
	printf 'host jumped\\nhostname jumped.invalid\\nproxyjump bastion\\n' ;;
*) echo herd-run >>'$T/ran' ;;
esac"
	run herd --exec-path="$T/bin" exec -F ssh.conf -l me -o Port=2 --timeout 3s \
	    echo hello bastion jumped web-01 pi-garage
	assert_failure 2
	assert_output "herd: exec: \"hello\" is not a configured host and does not resolve; did you mean to quote the command? herd exec 'echo hello' bastion jumped web-01 pi-garage"
	[ ! -e "$T/ran" ]
	# only words that look like a command's are asked about, with the
	# options that change how hosts are reached
	run cat "$T/G"
	assert_output "-F ssh.conf -l me -o Port=2 -G -- hello bastion jumped"
	# the same hosts, without hello: run
	run herd --exec-path="$T/bin" exec echo bastion jumped
	assert_success
	assert_equal "$(sort "$T/ran" | paste -sd' ')" "herd-group herd-run herd-select"
	# a herd-run that fails -G: no judgement, the pipeline runs
	rm -f "$T/ran"
	fake "$T/bin" herd-run "case \" \$* \" in *' -G '*) exit 2 ;; *) echo herd-run >>'$T/ran' ;; esac"
	run herd --exec-path="$T/bin" exec echo hello web-01
	assert_success
	assert_equal "$(sort "$T/ran" | paste -sd' ')" "herd-group herd-run herd-select"
	# never with --explain, -- or a selecting option
	rm -f "$T/G"
	fake "$T/bin" herd-run "case \" \$* \" in *' -G '*) : >'$T/G' ;; esac"
	herd --exec-path="$T/bin" --explain exec echo hello web-01 >/dev/null
	herd --exec-path="$T/bin" exec hello -- echo hi
	herd --exec-path="$T/bin" exec echo hello -g web
	[ ! -e "$T/G" ]
}

@test "--explain and herd's messages show control characters, never send them" {
	run herd --explain exec $'printf \e[2J\e]0;x\a' web-01
	assert_success
	assert_output "herd-select web-01 | herd-run --selection '-w web-01' -- 'printf ^[[2J^[]0;x^G' | herd-hist record | herd-group"
	run herd --explain $'fo\eo' $'\u009b31m' $'\x9b'
	assert_success
	assert_output "herd-fo^[o '<U+009B>31m' '\\x9b'"
	run herd exec $'--x\e[31m' true web-01
	assert_failure 2
	assert_output "herd: exec: unknown option --x^[[31m (a command's own options go after --); see herd help exec"
	run herd $'--\e[2J'
	assert_failure 2
	assert_line --index 0 "herd: unknown option --^[[2J"
}

@test "an error in the config is said once, by herd, before any stage runs" {
	fake_stages
	printf 'groups:\n  web:\n    hosts: [a, b]\n  bad name:\n    hosts: [c]\n' >"$T/bad.yaml"
	run --separate-stderr herd --exec-path="$T/bin" exec -c "$T/bad.yaml" true -g web
	assert_failure 2
	assert_output ""
	assert_equal "$(grep -c 'bad name' <<<"$stderr")" 1
	assert_equal "${stderr##*$'\n'}" "herd: 1 error in the configuration"
	HERD_CONFIG="$T/bad.yaml" run --separate-stderr herd --exec-path="$T/bin" ping -g web
	assert_failure 2
	assert_equal "${stderr##*$'\n'}" "herd: 1 error in the configuration"
	[ ! -e "$T/ran" ]
	# the real stages: one message, not one per stage
	run herd exec -c "$T/bad.yaml" true -g web
	assert_failure 2
	assert_equal "$(grep -c 'error in the configuration' <<<"$output")" 1
	# --explain runs nothing and reads no config
	run herd --explain exec -c "$T/bad.yaml" true -g web
	assert_success
}

@test "defaults.output: json in the config is a --json on every command line" {
	printf 'defaults: {output: json}\n' >"$T/json.yaml"
	run herd --explain exec -c "$T/json.yaml" uptime web-01
	assert_success
	assert_output "herd-select -c $T/json.yaml web-01 | herd-run -c $T/json.yaml --selection '-w web-01' -- uptime | herd-hist record -c $T/json.yaml | herd-group -c $T/json.yaml --json"
	HERD_CONFIG="$T/json.yaml" run herd --explain ping --json web-01
	assert_success
	assert_output "herd-select web-01 | herd-run --selection '-w web-01' --ping | herd-group --json --ping"
	# no view, no --json
	HERD_CONFIG="$T/json.yaml" run herd --explain exec --dry-run uptime web-01
	assert_success
	assert_output "herd-select web-01 | herd-run --dry-run --selection '-w web-01' -- uptime"
	printf 'defaults: {output: grouped}\n' >"$T/grouped.yaml"
	run herd --explain exec -c "$T/grouped.yaml" uptime web-01
	assert_output --partial "| herd-group -c $T/grouped.yaml"
	refute_output --partial "--json"
}

@test "--parse is checked before anything runs" {
	fake_stages
	run herd --exec-path="$T/bin" exec --parse nosuch true web-01
	assert_failure 2
	assert_output "herd: exec: --parse: unknown parser \"nosuch\" (built in: disk, free, uptime; others come from the config's parsers)"
	run herd --exec-path="$T/bin" exec --parse dsik 'df -h' web-01
	assert_failure 2
	assert_output "herd: exec: --parse: unknown parser \"dsik\"; did you mean \"disk\"?"
	run herd --exec-path="$T/bin" exec -c "$TESTS/configs/full.yaml" --parse nginx-con true \
	    web-01
	assert_failure 2
	assert_output "herd: exec: --parse: unknown parser \"nginx-con\"; did you mean \"nginx-conns\"?"
	[ ! -e "$T/ran" ]
	run herd --exec-path="$T/bin" exec -c "$TESTS/configs/full.yaml" --parse nginx-conns \
	    true web-01
	assert_success
	run herd --exec-path="$T/bin" exec --parse uptime uptime web-01
	assert_success
	assert_equal "$(sort "$T/ran" | paste -sd' ')" "herd-group herd-group herd-run herd-run herd-select herd-select"
}

@test "a program that reads records refuses a terminal on stdin, with a hint" {
	command -v script >/dev/null || skip "no script(1)"
	# script(1) gives the command a terminal
	run script -qec "herd-run uptime; echo rc=\$?" /dev/null </dev/null
	assert_output --partial "herd-run: reads records (herd-records(5)) on standard input, not from a terminal; "
	assert_output --partial "rc=2"
	run script -qec "herd run uptime -g web; echo rc=\$?" /dev/null </dev/null
	assert_output --partial "herd-run: reads records"
	assert_output --partial "rc=2"
	run script -qec "herd-group; echo rc=\$?" /dev/null </dev/null
	assert_output --partial "herd-group: reads records (herd-records(5)) on standard input, not from a terminal; give a file of records"
	assert_output --partial "rc=2"
	# a file of records is read whatever stdin is
	printf '#herd-records 1\n' >"$T/empty.rec"
	run script -qec "herd-group '$T/empty.rec'; echo rc=\$?" /dev/null </dev/null
	refute_output --partial "reads records"
	assert_output --partial "rc=0"
}

# --- exit codes ---------------------------------------------------------------------------

@test "a failing herd-select: its message, the stage named, its exit code" {
	run herd list -g nosuch
	assert_failure 2
	assert_output 'herd-select: unknown group "nosuch"
herd: herd-select failed (exit status 2)'
	run herd select
	assert_failure 2
	assert_output "herd-select: no hosts selected: give hosts, -g GROUP, -t TAGS, -f FILE or -a
herd: herd-select failed (exit status 2)"
	run herd select web-01
	assert_success
}

@test "a stage's exit code passes through herd" {
	fake "$T/bin" herd-select 'echo "stage: $*"; exit 3'
	run herd --exec-path="$T/bin" list -g x
	assert_failure 3
	assert_output "stage: list -g x
herd: herd-select failed (exit status 3)"
	fake "$T/bin" herd-select 'echo partial; exit 1'
	run herd --exec-path="$T/bin" select -a
	assert_failure 1
	assert_output "partial"
	fake "$T/bin" herd-select 'exit 0'
	run herd --exec-path="$T/bin" select -a
	assert_success
	assert_output ""
}

@test "a stage killed by a signal is named, exit 128+signal" {
	fake "$T/bin" herd-select 'kill -TERM $$'
	run herd --exec-path="$T/bin" select -a
	assert_failure 143
	assert_output "herd: herd-select was killed by signal 15"
}

@test "a stage that is not found: named, exit 127" {
	# herd alone in a directory: no herd-select beside it
	mkdir -p "$T/alone"
	cp "$HERD_BUILD/herd" "$T/alone/"
	dir=$(env -u HERD_EXEC_PATH "$T/alone/herd" --exec-path)
	[ ! -e "${dir##*:}/herd-select" ] || skip "herd-select is installed in ${dir##*:}"
	run -127 env -u HERD_EXEC_PATH PATH=/usr/bin:/bin "$T/alone/herd" list
	assert_output "herd: herd-select: not found in the exec path (see herd --exec-path)
herd: herd-select failed (exit status 127)"
}

@test "a build tree works as it is: the programs beside herd are found" {
	# no $HERD_EXEC_PATH, and a PATH without the build
	run env -u HERD_EXEC_PATH PATH=/usr/bin:/bin "$HERD_BUILD/herd" select web-01
	assert_success
	assert_line --index 1 --partial "web-01"
	run env -u HERD_EXEC_PATH PATH=/usr/bin:/bin "$HERD_BUILD/herd" --exec-path
	assert_success
	assert_output --regexp "^$HERD_BUILD(:|\$)"
	# through a symbolic link too: the directory of the executable itself
	mkdir -p "$T/bin"
	ln -s "$HERD_BUILD/herd" "$T/bin/herd"
	run env -u HERD_EXEC_PATH PATH=/usr/bin:/bin "$T/bin/herd" select web-01
	assert_success
	# $HERD_EXEC_PATH still comes first
	fake "$T/env" herd-select 'echo env-select'
	run env HERD_EXEC_PATH="$T/env" PATH=/usr/bin:/bin "$HERD_BUILD/herd" list
	assert_success
	assert_output "env-select"
}

@test "a verb's exit code passes through (herd execs herd-VERB)" {
	fake "$T/bin" herd-foo 'echo "$0 $#: $*"; exit 7'
	run herd --exec-path="$T/bin" foo 'a b' c
	assert_failure 7
	assert_output "$T/bin/herd-foo 2: a b c"
}

@test "an unknown verb: exit 2 naming the exec path" {
	dirs=$(HERD_EXEC_PATH= herd --exec-path="$T/none" --exec-path)
	HERD_EXEC_PATH= run herd --exec-path="$T/none" nosuch
	assert_failure 2
	assert_output "herd: 'nosuch' is not a herd verb (no herd-nosuch in $dirs or PATH); see herd --help"
	run herd ../bin/sh -c 'echo ran'
	assert_failure 2
	assert_output "herd: '../bin/sh' is not a herd verb; see herd --help"
	run herd $'no\esuch'
	assert_failure 2
	assert_output --partial "'no^[such' is not a herd verb"
}

# --- the exec path ------------------------------------------------------------------------

@test "exec path: --exec-path, then \$HERD_EXEC_PATH, then PATH" {
	for d in opt env path; do
		fake "$T/$d" herd-foo "echo $d"
	done
	mkdir -p "$T/empty"
	PATH="$T/path:$PATH" HERD_EXEC_PATH="$T/env" run herd --exec-path="$T/opt" foo
	assert_success
	assert_output "opt"
	PATH="$T/path:$PATH" HERD_EXEC_PATH="$T/env" run herd foo
	assert_success
	assert_output "env"
	PATH="$T/path:$PATH" run env -u HERD_EXEC_PATH herd foo
	assert_success
	assert_output "path"
	# A directory without the program is passed over.
	PATH="$T/path:$PATH" HERD_EXEC_PATH="$T/empty" run herd --exec-path="$T/empty" foo
	assert_success
	assert_output "path"
	PATH="$T/path:$PATH" HERD_EXEC_PATH="$T/env" run herd --exec-path="$T/empty" foo
	assert_success
	assert_output "env"
}

@test "exec path: a file that is not executable is passed over" {
	fake "$T/opt" herd-foo "echo opt"
	chmod -x "$T/opt/herd-foo"
	fake "$T/env" herd-foo "echo env"
	HERD_EXEC_PATH="$T/env" run herd --exec-path="$T/opt" foo
	assert_success
	assert_output "env"
}

@test "exec path: pipeline stages are found the same way" {
	fake "$T/opt" herd-select 'echo opt-select'
	fake "$T/env" herd-select 'echo env-select'
	HERD_EXEC_PATH="$T/env" run herd --exec-path="$T/opt" list
	assert_success
	assert_output "opt-select"
	HERD_EXEC_PATH="$T/env" run herd list
	assert_success
	assert_output "env-select"
}

@test "herd --exec-path prints the exec path in use" {
	# $HERD_EXEC_PATH, herd's own directory, the directory compiled in
	run env -u HERD_EXEC_PATH herd --exec-path
	assert_success
	assert_output --regexp "^$HERD_BUILD(:/.*)?\$"
	rest=${output#"$HERD_BUILD"}
	HERD_EXEC_PATH="$T/env" run herd --exec-path
	assert_success
	assert_output "$T/env:$HERD_BUILD$rest"
	HERD_EXEC_PATH="$T/env" run herd --exec-path="$T/opt" --exec-path
	assert_success
	assert_output "$T/opt:$T/env:$HERD_BUILD$rest"
	# each directory once
	HERD_EXEC_PATH="$HERD_BUILD::$T/env:$HERD_BUILD" run herd --exec-path
	assert_output "$HERD_BUILD:$T/env$rest"
}

# --- SIGINT -------------------------------------------------------------------------------

@test "SIGINT reaches a verb run directly: herd becomes herd-VERB, exit 130" {
	fake "$T/bin" herd-sleeper "echo \$\$ >'$T/ready'; exec sleep 30"
	env --default-signal=INT herd --exec-path="$T/bin" sleeper &
	pid=$!
	echo "$pid" >"$T/pid"
	wait_for "$T/ready"
	# The verb runs in herd's own process: nothing stands between.
	assert_equal "$(cat "$T/ready")" "$pid"
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 130
}

@test "SIGINT to herd reaches the pipeline's stage; herd exits 130" {
	fake "$T/bin" herd-select "trap 'echo INT >>\"$T/got\"; kill \$!; exit 130' INT
: >'$T/ready'
sleep 30 &
echo \$! >'$T/pid'
wait"
	env --default-signal=INT herd --exec-path="$T/bin" list &
	pid=$!
	wait_for "$T/ready"
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 130
	run cat "$T/got"
	assert_output "INT"
}

@test "Ctrl-C (SIGINT to the process group) stops the pipeline; herd exits 130" {
	fake "$T/bin" herd-select "trap ': >\"$T/got\"; kill \$!; exit 130' INT
: >'$T/ready'
sleep 30 &
echo \$! >'$T/pid'
wait"
	setsid env --default-signal=INT herd --exec-path="$T/bin" list &
	pid=$!
	wait_for "$T/ready"
	assert_equal "$(ps -o pgid= -p "$pid" | tr -d ' ')" "$pid"
	kill -INT -- "-$pid"
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 130
	[ -e "$T/got" ]
}

@test "SIGINT is passed on even when herd was started with it ignored" {
	fake "$T/bin" herd-select "trap 'echo INT >>\"$T/got\"; kill \$!; exit 130' INT
: >'$T/ready'
sleep 30 &
echo \$! >'$T/pid'
wait"
	env --ignore-signal=INT herd --exec-path="$T/bin" list &
	pid=$!
	wait_for "$T/ready"
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 130
	run cat "$T/got"
	assert_output "INT"
}

@test "SIGTERM and SIGHUP to herd reach the pipeline's stages as SIGINT does; exit 130" {
	for sig in TERM HUP; do
		rm -f "$T/ready" "$T/got"
		fake "$T/bin" herd-select "trap 'echo $sig >>\"$T/got\"; kill \$!; exit 130' $sig
: >'$T/ready'
sleep 30 &
echo \$! >'$T/pid'
wait"
		herd --exec-path="$T/bin" list &
		pid=$!
		wait_for "$T/ready"
		kill -"$sig" "$pid"
		status=0
		wait "$pid" || status=$?
		assert_equal "$status" 130
		run cat "$T/got"
		assert_output "$sig"
	done
}
