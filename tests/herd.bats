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
	assert_line "Help topics (herd help TOPIC): selection tags records config exec ping selectors parsers exit-codes"
	run herd help topics
	assert_success
	assert_output "selection
tags
records
config
exec
ping
selectors
parsers
exit-codes"
}

@test "herd help TOPIC" {
	run herd help exit-codes
	assert_success
	assert_output "0  every host ok
1  some host exited non-zero, failed or timed out
2  usage or configuration error
130  interrupted (Ctrl-C)"
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
	dir=$(env -u HERD_EXEC_PATH herd --exec-path)
	[ ! -e "$dir/herd-select" ] || skip "herd-select is installed in $dir"
	run -127 env -u HERD_EXEC_PATH PATH=/usr/bin:/bin "$HERD_BUILD/herd" list
	assert_output "herd: herd-select: not found in the exec path (see herd --exec-path)
herd: herd-select failed (exit status 127)"
}

@test "a verb's exit code passes through (herd execs herd-VERB)" {
	fake "$T/bin" herd-foo 'echo "$0 $#: $*"; exit 7'
	run herd --exec-path="$T/bin" foo 'a b' c
	assert_failure 7
	assert_output "$T/bin/herd-foo 2: a b c"
}

@test "an unknown verb: exit 2 naming the exec path" {
	HERD_EXEC_PATH= run herd --exec-path="$T/none" nosuch
	assert_failure 2
	assert_output "herd: 'nosuch' is not a herd verb (no herd-nosuch in $T/none or PATH); see herd --help"
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
	HERD_EXEC_PATH="$T/env" run herd --exec-path
	assert_success
	assert_output "$T/env"
	HERD_EXEC_PATH="$T/env" run herd --exec-path="$T/opt" --exec-path
	assert_success
	assert_output "$T/opt:$T/env"
	run env -u HERD_EXEC_PATH herd --exec-path
	assert_success
	assert_output --regexp '^/'
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
