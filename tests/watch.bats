bats_require_minimum_version 1.5.0
load helper

# Watch mode against the loopback fleet (tests/fleet/README): herd-run
# --every (runs repeated on kept connections, --count, --until-change,
# --until-ok, --ignore), herd-group --watch and herd watch.  Intervals are
# sub-second here: HERD_MIN_INTERVAL lowers the 5 s minimum, for tests only.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 3
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" HERD_MIN_INTERVAL=10ms
	mkdir -p "$HOME"
	# per-test state the hosts' commands keep (they run as the fleet user)
	S="$FD/w-$BATS_TEST_NUMBER"
	mkdir -p "$S" && chmod 777 "$S"
	printf 'H\th001\nH\th002\n' >"$T/hosts"
}

teardown() {
	[ -z "${PID:-}" ] || kill "$PID" 2>/dev/null || true
}

# count_cmd: shell that counts this host's runs: $n is 1, 2, ... on each host.
count_cmd() {
	printf 'f=%s/$FLEET_HOST; n=$(($(cat $f 2>/dev/null || echo 0) + 1)); echo $n >$f; ' "$S"
}

# kill_conn: shell that SIGKILLs the sshd process of the command's connection.
kill_conn='p=$$; while [ "$p" -gt 1 ]; do read -r l </proc/$p/stat || break; set -- $l; case $2 in "(sshd)"|"(sshd-session)") kill -KILL "$p"; exit 0;; esac; p=$4; done'

hr() { herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" "$@"; }

# rf FILE TYPE N: field N of FILE's TYPE records, one a line.
rf() { awk -F '\t' -v t="$2" -v n="$3" '$1 == t { print $n }' "$1"; }

# runs_of FILE HOST: "STATUS|STDOUT" of HOST in each run, one a line.
runs_of() { awk -F '\t' -v h="$2" '$1 == "R" && $3 == h { print $4 "|" $8 }' "$1"; }

@test "herd-run --every: a series of runs on the same connections (kind watch, seq, compare the run before)" {
	hr --every 50ms --count 3 'echo $SSH_CONNECTION' >"$T/out"
	assert_equal "$(grep -c '^C' "$T/out")" 3
	assert_equal "$(grep -c '^E' "$T/out")" 3
	assert_equal "$(grep -c '^#herd-records 1$' "$T/out")" 1
	assert_equal "$(grep -c '^H' "$T/out")" 2
	# C: id started command selection kind series seq compare
	assert_equal "$(rf "$T/out" C 6 | sort -u)" watch
	assert_equal "$(rf "$T/out" C 7 | sort -u | wc -l)" 1
	assert_equal "$(rf "$T/out" C 8 | paste -sd' ')" "1 2 3"
	ids=$(rf "$T/out" C 2)
	assert_equal "$(rf "$T/out" C 9 | paste -sd' ')" " $(head -2 <<<"$ids" | paste -sd' ')"
	# the same TCP connection (the client's address and port) on every run
	assert_equal "$(runs_of "$T/out" h001 | sort -u | wc -l)" 1
	assert_equal "$(runs_of "$T/out" h002 | sort -u | wc -l)" 1
	assert_equal "$(runs_of "$T/out" h001 | head -1 | cut -d'|' -f1)" ok
}

@test "herd-run --every: none new TCP connection after the first run" {
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --every 300ms --count 40 true \
	    >"$T/out" 2>"$T/err" &
	PID=$!
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c '^E' "$T/out")" -ge 1 ] && break
		sleep 0.1
	done
	conns() { ss -tnpH state established | awk -v p="pid=$PID," 'index($0, p) { print $3 }' | sort; }
	first=$(conns)
	assert_equal "$(wc -l <<<"$first")" 2
	n=$(grep -c '^E' "$T/out")
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c '^E' "$T/out")" -ge $((n + 2)) ] && break
		sleep 0.1
	done
	[ "$(grep -c '^E' "$T/out")" -ge $((n + 2)) ]
	assert_equal "$(conns)" "$first"
	kill -INT "$PID"
	wait "$PID" || true
	PID=
}

@test "herd-run --every --until-change: stops after the run in which a host's result changed, exit 0" {
	cmd="$(count_cmd)"'if [ $FLEET_HOST = h002 ] && [ $n -ge 3 ]; then echo v2; else echo v1; fi'
	hr --every 20ms --count 20 --until-change "$cmd" >"$T/out"
	assert_equal "$(grep -c '^E' "$T/out")" 3
	assert_equal "$(runs_of "$T/out" h002 | paste -sd' ')" 'ok|v1\n ok|v1\n ok|v2\n'
	# a change of status counts too: exit 3 on the second run
	printf 'H\th001\n' >"$T/hosts"
	rm -f "$S"/*
	run hr --every 20ms --count 20 --until-change "$(count_cmd)"'[ $n -lt 2 ] || exit 3; echo v1'
	assert_success
	assert_equal "$(grep -c '^E' <<<"$output")" 2
}

@test "herd-run --every --ignore: what the patterns match does not count as a change" {
	cmd="$(count_cmd)"'v=v1; if [ $FLEET_HOST = h002 ] && [ $n -ge 3 ]; then v=v2; fi; echo "$v count=$n time=$(date +%N)"'
	# without --ignore, the counter is a change at once
	hr --every 20ms --count 20 --until-change "$cmd" >"$T/out"
	assert_equal "$(grep -c '^E' "$T/out")" 2
	rm -f "$S"/*
	hr --every 20ms --count 20 --until-change --ignore 'count=[0-9]+' --ignore 'time=[0-9]+' "$cmd" >"$T/out"
	assert_equal "$(grep -c '^E' "$T/out")" 3
	# the records keep the output as it was
	assert_equal "$(runs_of "$T/out" h002 | tail -1 | cut -d' ' -f1-2)" 'ok|v2 count=3'
	run hr --every 20ms --until-change --ignore 'a(b' true
	assert_failure 2
	assert_output "herd-run: --ignore 'a(b': missing closing parenthesis at offset 3"
}

@test "herd-run --every --until-ok: stops after the run in which every host is ok; --count alone: the last run's status" {
	hr --every 20ms --count 20 --until-ok "$(count_cmd)"'[ $n -ge 3 ]' >"$T/out"
	assert_equal "$(grep -c '^E' "$T/out")" 3
	assert_equal "$(runs_of "$T/out" h001 | cut -d'|' -f1 | paste -sd' ')" "nonzero nonzero ok"
	rm -f "$S"/*
	run hr --every 20ms --count 2 "$(count_cmd)"'[ $n -ge 3 ]'
	assert_failure 1
	assert_equal "$(grep -c '^E' <<<"$output")" 2
	rm -f "$S"/*
	run hr --every 20ms --count 3 "$(count_cmd)"'[ $n -ge 3 ]'
	assert_success
}

@test "herd-run --every: a run never starts before the one before ended; a late one is said once" {
	hr --every 50ms --count 3 'sleep 0.3' >"$T/out" 2>"$T/err"
	# each C (started_ms) after the E (finished_ms) before it
	run awk -F '\t' '$1 == "C" && last && $3 < last { print "overlap" } $1 == "E" { last = $3 }' "$T/out"
	assert_output ""
	assert_equal "$(grep -c '^E' "$T/out")" 3
	run cat "$T/err"
	assert_line --index 0 --regexp '^herd-run: iteration 1 took [0-9]+ms, longer than the interval \(50ms\): the next starts now$'
	assert_equal "${#lines[@]}" 2
}

@test "herd-run --every: a connection that dies is reported failed in its run and made again for the next" {
	cmd="$(count_cmd)"'echo $SSH_CONNECTION; if [ $FLEET_HOST = h001 ] && [ $n = 2 ]; then '"$kill_conn"'; fi'
	hr --every 50ms --count 4 "$cmd" >"$T/out" || true
	assert_equal "$(runs_of "$T/out" h001 | cut -d'|' -f1 | paste -sd' ')" "ok failed ok ok"
	run awk -F '\t' '$1 == "R" && $3 == "h001" && $4 == "failed" { print $10 }' "$T/out"
	assert_output --partial "disconnected"
	# h001: a new connection from run 3 on; h002 kept its one
	h1=$(runs_of "$T/out" h001 | cut -d'|' -f2 | sed -n '1p;3p;4p' | uniq | wc -l)
	assert_equal "$h1" 2
	assert_equal "$(runs_of "$T/out" h002 | sort -u | wc -l)" 1
}

@test "herd-run --every: Ctrl-C ends the run in flight (every host its R, the run its E), exit 130" {
	printf 'H\th001\nH\tslow\n' >"$T/hosts"
	herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" --every 20ms behave >"$T/out" 2>"$T/err" &
	PID=$!
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c '^C' "$T/out")" -ge 2 ] && break
		sleep 0.1
	done
	sleep 0.3
	kill -INT "$PID"
	status=0
	wait "$PID" || status=$?
	PID=
	assert_equal "$status" 130
	c=$(grep -c '^C' "$T/out")
	assert_equal "$(grep -c '^E' "$T/out")" "$c"
	assert_equal "$(grep -c '^R' "$T/out")" $((2 * c))
	assert_equal "$(awk -F '\t' '$1 == "R" && $3 == "slow" { s = $4 "|" $10 } END { print s }' "$T/out")" \
	    "failed|interrupted; the remote command was stopped"
	run "$TESTS/fleet/fleet-procs" "$FD" 5
	refute_output --partial 'behave'
}

@test "herd-run --every: below the 5 s minimum, and the options that need it, are usage errors" {
	unset HERD_MIN_INTERVAL
	run hr --every 1s true
	assert_failure 2
	assert_output "herd-run: --every: the interval must be at least 5s, got 1s"
	run hr --count 2 true
	assert_failure 2
	assert_output --partial "go with --every"
	run hr --every 5s --ping
	assert_failure 2
	run herd-run --serve --every 5s </dev/null
	assert_failure 2
	herd-run --help | grep -q -- '--until-change'
}

# --- herd-group --watch: the runs of a series, each against the run before ---

# watch_records [COUNT [TIME]]: $T/rec, COUNT (3) runs on h001-h003 and authfail:
# h002 prints v2 from its second run on, the others v1; with TIME, then a line t=TIME.
watch_records() {
	local t=
	[ -z "${2:-}" ] || t='; echo t=$(date +%N)'
	rm -f "$S"/*
	printf 'H\th001\nH\th002\nH\th003\nH\tauthfail\n' >"$T/hosts"
	hr --every 20ms --count "${1:-3}" "$(count_cmd)"'if [ $FLEET_HOST = h002 ] && [ $n -ge 2 ]; then echo v2; else echo v1; fi'"$t" \
	    >"$T/rec" 2>/dev/null || true
	assert_equal "$(grep -c '^E' "$T/rec")" "${1:-3}"
}

@test "herd-group --watch: each run under a header and a line N unchanged, N changed, N down; the changed host marked" {
	watch_records
	run herd-group --watch --interval 30s "$T/rec"
	assert_failure 1
	assert_line --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}  iteration 2, every 30s: f='
	assert_equal "$(grep -c '  iteration [123], every 30s: ' <<<"$output")" 3
	assert_equal "$(grep -E '^[0-9]+ unchanged' <<<"$output" | paste -sd'|')" \
	    "0 unchanged, 0 changed, 1 down, 3 new|2 unchanged, 1 changed, 1 down|3 unchanged, 0 changed, 1 down"
	# h001 and h003 alike, h002 the outlier, marked in the run it changed in only
	assert_line "   h[001,003]"
	assert_equal "$(grep -c '\[changed\]' <<<"$output")" 2
	assert_line "   h002 [changed]"
	assert_line "   +++ h002 [changed]"
	assert_line --partial "   authfail (auth: "
	# piped: no screen clearing, a blank line between runs
	refute_output --partial $'\033'
	# a time line: every host changes each run, unless --ignore masks it
	watch_records 3 time
	run herd-group --watch "$T/rec"
	assert_equal "$(grep -E '^[0-9]+ unchanged' <<<"$output" | tail -1)" "0 unchanged, 3 changed, 1 down"
	assert_equal "$(grep -c '\[changed\]' <<<"$output")" 6
	refute_output --partial "every"
	run herd-group --watch --ignore '^t=[0-9]+$' "$T/rec"
	assert_equal "$(grep -E '^[0-9]+ unchanged' <<<"$output" | tail -2 | paste -sd'|')" \
	    "2 unchanged, 1 changed, 1 down|3 unchanged, 0 changed, 1 down"
}

@test "herd-group --watch --changes-only: only the hosts that changed (all of them the first time)" {
	watch_records 3 time
	run herd-group --watch --changes-only --ignore 't=[0-9]+' "$T/rec"
	assert_failure 1
	# run 2: the tally, then h002 alone (its output as it was); run 3: the tally alone
	run awk '/iteration 2/ { on = 1; next } /iteration 3/ { on = 0 } on && NF' <<<"$output"
	assert_line --index 0 "2 unchanged, 1 changed, 1 down"
	assert_line --index 1 "h002:"
	assert_line --index 2 "   v2"
	assert_line --index 3 --regexp '^   t=[0-9]+$'
	assert_equal "${#lines[@]}" 4
	run herd-group --watch --changes-only --ignore 't=[0-9]+' "$T/rec"
	run awk '/iteration 3/ { on = 1; next } on && NF' <<<"$output"
	assert_output "3 unchanged, 0 changed, 1 down"
}

@test "herd-group --watch --json: an object per host and run (changed, output), then the run's summary" {
	watch_records 3 time
	herd-group --watch --json --ignore 't=[0-9]+' "$T/rec" >"$T/json" || true
	assert_equal "$(jq -c 'select(.host == "h002") | [.iteration, .status, .changed, (.output | split("\n")[0])]' "$T/json" | paste -sd' ')" \
	    '[1,"ok",false,"v1"] [2,"ok",true,"v2"] [3,"ok",false,"v2"]'
	assert_equal "$(jq -c 'select(.summary) | .summary | [.iteration, .unchanged, .changed, .down, .new, .hosts]' "$T/json" | paste -sd' ')" \
	    '[1,0,0,1,3,4] [2,2,1,1,0,4] [3,3,0,1,0,4]'
	assert_equal "$(jq -r 'select(.host == "authfail") | .status' "$T/json" | sort -u)" failed
	assert_equal "$(jq -r 'select(.summary) | .summary.run' "$T/json" | paste -sd' ')" \
	    "$(rf "$T/rec" C 2 | paste -sd' ')"
	# --changes-only: the hosts that changed (or are new) alone
	herd-group --watch --json --changes-only --ignore 't=[0-9]+' "$T/rec" >"$T/json" || true
	assert_equal "$(jq -r 'select(.host) | "\(.iteration) \(.host)"' "$T/json" | sort | paste -sd,)" \
	    "1 authfail,1 h001,1 h002,1 h003,2 h002"
	assert_equal "$(jq -c 'select(.summary)' "$T/json" | wc -l)" 3
}

@test "herd-group --hosts @changed: the hosts whose result changed since their run before" {
	watch_records 2 time
	run herd-group --hosts @changed --ignore 't=[0-9]+' "$T/rec"
	assert_equal "$(hosts_of <<<"$output")" h002
	# (--hosts picks from each run: authfail from both)
	run herd-group --hosts @changed,authfail --ignore 't=[0-9]+' "$T/rec"
	assert_equal "$(grep '^H' <<<"$output" | cut -f2 | sort | paste -sd' ')" "authfail authfail h002"
	herd-group --help | grep -q '@changed'
}

@test "herd-group --watch: on a terminal the screen is cleared before each run; usage errors" {
	watch_records 2
	script -qec "herd-group --watch --ignore 't=[0-9]+' '$T/rec'" /dev/null >"$T/tty" || true
	assert_equal "$(grep -o $'\033\\[H\033\\[2J' "$T/tty" | wc -l)" 2
	run herd-group --changes-only "$T/rec"
	assert_failure 2
	run herd-group --watch --oneline "$T/rec"
	assert_failure 2
	assert_output --partial "--watch and --oneline: choose one view"
	run herd-group --watch --ignore '(' "$T/rec"
	assert_failure 2
	assert_output --partial "--ignore '(': missing closing parenthesis"
}

# --- herd watch: the verb ---

hw() { herd watch -F "$FLEET_SSH_CONFIG" "$@"; }

@test "herd watch: the pipeline; herd-notify in it when the config has notification targets" {
	run herd --explain watch --count 2 --ignore 'x+' 'echo hi' h001 h002
	assert_success
	assert_output --regexp "^herd-select h001 h002 \\| herd-run --count 2 --ignore x\\+ --every 30s --selection .* -- 'echo hi' \\| herd-hist record \\| herd-group --ignore x\\+ --watch --interval 30s$"
	run herd --explain watch --interval 1m --changes-only --json -g web uptime
	assert_output --partial "herd-run --every 1m --selection"
	assert_output --partial "| herd-group --changes-only --json --watch --interval 1m"
	printf 'notifications:\n  - name: hook\n    type: webhook\n    url: "http://127.0.0.1:9/"\n' >"$T/n.yaml"
	chmod 600 "$T/n.yaml"
	run herd --explain watch -c "$T/n.yaml" --ignore 'x+' uptime h001
	assert_output --regexp "\\| herd-hist record -c [^|]*\\| herd-notify -c [^|]* --ignore x\\+ \\| herd-group "
	run herd --explain watch -c "$T/n.yaml" --no-history uptime h001
	assert_output --partial "herd-notify"
	refute_output --partial "herd-hist"
}

@test "herd watch: one series in the history, none new TCP connection after the first iteration; Ctrl-C records what finished, exit 130" {
	herd watch -F "$FLEET_SSH_CONFIG" --interval 300ms \
	    'if [ $FLEET_HOST = h002 ]; then sleep 2; fi; echo $SSH_CONNECTION' h001 h002 \
	    >"$T/out" 2>"$T/err" &
	PID=$!
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c '  iteration 2, every 300ms: ' "$T/out")" -ge 1 ] && break
		sleep 0.1
	done
	run=$(pgrep -P "$PID" herd-run)
	conns() { ss -tnpH state established | awk -v p="pid=$run," 'index($0, p) { print $3 }' | sort; }
	first=$(conns)
	assert_equal "$(wc -l <<<"$first")" 2
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c '  iteration 3, every 300ms: ' "$T/out")" -ge 1 ] && break
		sleep 0.1
	done
	assert_equal "$(conns)" "$first"
	# in the next iteration: h001 done, h002 still sleeping
	n=$(herd history list --json | jq -s length)
	for ((i = 0; i < 300; i++)); do
		[ "$(herd history list --json | jq -s length)" -gt "$n" ] && break
		sleep 0.1
	done
	id=$(herd history list --json | jq -s 'max_by(.id) | .id')
	for ((i = 0; i < 300; i++)); do
		herd history show "$id" --oneline | grep -q '^h001 .*| OK' && break
		sleep 0.1
	done
	kill -INT "$PID"
	status=0
	wait "$PID" || status=$?
	PID=
	assert_equal "$status" 130
	# every iteration a run of one series, kind watch, seq 1, 2, ..., each compared with the one before
	herd history list --json | jq -s -c 'sort_by(.id) | .[]' >"$T/runs"
	assert_equal "$(jq -r .kind "$T/runs" | sort -u)" watch
	assert_equal "$(jq -r .series "$T/runs" | sort -u | wc -l)" 1
	total=$(wc -l <"$T/runs")
	assert_equal "$(jq -r .seq "$T/runs" | paste -sd' ')" "$(seq "$total" | paste -sd' ')"
	assert_equal "$(jq -r '.compare // ""' "$T/runs" | tail -n +2)" "$(jq -r .run "$T/runs" | head -n -1)"
	# the one interrupted: h001 ok, h002 stopped; the run ended
	last=$(tail -1 "$T/runs")
	assert_equal "$(jq -r '[.status, .ok, .failed] | join(" ")' <<<"$last")" "finished 1 1"
	run herd history show "$(jq -r .id <<<"$last")" --oneline
	assert_line --regexp '^h001 +\| OK'
	assert_line --regexp '^h002 +\| FAILED'
}

@test "herd watch --until-change --ignore: stops after the iteration with a change, exit 0; --changes-only shows it alone" {
	rm -f "$S"/*
	cmd="$(count_cmd)"'v=v1; if [ $FLEET_HOST = h002 ] && [ $n -ge 3 ]; then v=v2; fi; echo "$v t=$(date +%N)"'
	run hw --interval 20ms --count 20 --until-change --ignore 't=[0-9]+' --changes-only "$cmd" h001 h002
	assert_success
	assert_equal "$(grep -c '  iteration [0-9]*, every 20ms: ' <<<"$output")" 3
	assert_equal "$(grep -E '^[0-9]+ unchanged' <<<"$output" | paste -sd'|')" \
	    "0 unchanged, 0 changed, 0 down, 2 new|2 unchanged, 0 changed, 0 down|1 unchanged, 1 changed, 0 down"
	assert_equal "$(awk '/iteration 3/ { on = 1; next } on && /^[a-z]/' <<<"$output")" "h002:"
	assert_equal "$(herd history list --json | jq -s length)" 3
}

@test "herd watch --json, --until-ok, --count: objects through jq; the exit status is the last iteration's" {
	rm -f "$S"/*
	run --separate-stderr hw --interval 20ms --count 5 --until-ok --json "$(count_cmd)"'echo $n; [ $n -ge 2 ]' h001 h002
	assert_success
	assert_equal "$(jq -r 'select(.host == "h001") | "\(.iteration) \(.status) \(.exit) \(.changed)"' <<<"$output" | paste -sd,)" \
	    "1 nonzero 1 false,2 ok 0 true"
	assert_equal "$(jq -c 'select(.summary) | .summary | [.iteration, .changed, .hosts]' <<<"$output" | paste -sd' ')" \
	    "[1,0,2] [2,2,2]"
	rm -f "$S"/*
	run hw --interval 20ms --count 2 "$(count_cmd)"'[ $n -ge 2 ] || [ $FLEET_HOST = h001 ]' h001 h002
	assert_success
	rm -f "$S"/*
	run hw --interval 20ms --count 2 "$(count_cmd)"'[ $n -lt 2 ] || [ $FLEET_HOST = h001 ]' h001 h002
	assert_failure 1
}

@test "herd watch: below the 5 s minimum, --stream and --diff-last are usage errors; herd help watch" {
	unset HERD_MIN_INTERVAL
	run hw --interval 1s uptime h001
	assert_failure 2
	assert_output "herd: watch: --interval must be at least 5s, got 1s"
	run hw --interval soon uptime h001
	assert_failure 2
	run hw --stream uptime h001
	assert_failure 2
	run hw --diff-last uptime h001
	assert_failure 2
	run herd help watch
	assert_success
	assert_output --partial "--until-change"
	assert_output --partial "@changed"
	herd help | grep -q '^  watch '
}
