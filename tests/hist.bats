bats_require_minimum_version 1.5.0
load helper

# herd-hist: the run history in a real SQLite file, fed by herd-run on the
# loopback fleet (tests/fleet/README) or by hand-made records.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 4
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME"
	export HERD_HISTORY="$T/hist/history.db"
	unset HERD_HISTORY_WAIT
}

hosts() { printf 'H\t%s\n' "$@" >"$T/hosts"; }
hr() { herd-run -F "$FLEET_SSH_CONFIG" -f "$T/hosts" "$@"; }
q() { sqlite3 "$HERD_HISTORY" "$@"; }
# until CMD succeeds: a guard against hanging, not a measure of speed
await() { timeout 60 sh -c "until $1; do sleep 0.05; done"; }

# A hand-made run: run_rec ID STARTED_MS [HOST:STATUS:EXIT:STDOUT]... (no E).
run_rec() {
	local id=$1 t=$2 h
	shift 2
	rec-make C "$id" "$t" 'uname -r' '-g web'
	for h; do
		IFS=: read -r name st ex out <<<"$h"
		rec-make -x R "$id" "$name" "$st" "$ex" 5 - "$out" '' '' '' "$((t + 5))" ''
	done
}
end_rec() { rec-make E "$1" "$2" "$3" "$4" 0 0; }

# --- record: a tee -----------------------------------------------------------------------

@test "record passes every record through unchanged and stores the run, its hosts and results" {
	hosts h001 h002 exit3 stderr binary
	hr behave | tee "$T/direct" | herd-hist record >"$T/passed"
	cmp "$T/direct" "$T/passed"
	assert_equal "$(q "select status, host_count, ok_count, nonzero_count, command from runs")" \
	    "finished|5|4|1|behave"
	assert_equal "$(q "select count(*) from hosts")" 5
	assert_equal "$(q "select host || ' ' || status || ' ' || exit_code from results order by host")" \
	    "binary ok 0
exit3 nonzero 3
h001 ok 0
h002 ok 0
stderr ok 0"
	# the bytes kept are the bytes run: binary's stdout, NUL bytes included
	herd-hist show 1 | rec-get -w 2=binary R 7 >"$T/binary"
	cmp "$T/binary" "$FLEET_BINARY_FILE"
	assert_equal "$(herd-hist show 1 | rec-get -w 2=stderr R 8)" "to-stderr"
}

@test "record --done-fd: each run's id once its end is stored; a bad descriptor is a usage error" {
	# the second run's E comes only after the first run's id was said
	coproc REC { herd-hist record --done-fd 3 3>&1 >/dev/null; }
	{ echo "#herd-records 1"; run_rec r1 1000 h001:ok:0:one; end_rec r1 1 0 0; } >&"${REC[1]}"
	read -r -t 60 said <&"${REC[0]}"
	assert_equal "$said" r1
	assert_equal "$(q "select run || ' ' || status from runs")" "r1 finished"
	{ run_rec r2 2000 h001:ok:0:two; end_rec r2 1 0 0; } >&"${REC[1]}"
	read -r -t 60 said <&"${REC[0]}"
	assert_equal "$said" r2
	exec {REC[1]}>&-
	wait "$REC_PID"
	assert_equal "$(q "select count(*) from runs where status = 'finished'")" 2
	run herd-hist record --done-fd 9 </dev/null
	assert_failure 2
	assert_output --partial '--done-fd: expected an open descriptor'
}

@test "record: a reader that goes away does not stop the recording; exit 141 as for SIGPIPE" {
	awk 'BEGIN { print "#herd-records 1"; print "C\tr1\t1764150000000\tseq\t"
		for (i = 1; i <= 300; i++) printf "R\tr1\th%03d\tok\t0\t5\t%064d\t%01000d\t\t\t\t\t\n", i, i, i
		print "E\tr1\t1764150000009\t300\t0\t0\t0" }' >"$T/recs"
	run bash -c 'herd-hist record <"$1" | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$T/recs"
	assert_output 141
	assert_equal "$(q "select status, ok_count from runs")" "finished|300"
}

@test "record writes each record downstream before storing it (the database is locked meanwhile)" {
	herd-hist record </dev/null
	export HERD_HISTORY_WAIT=10m
	mkfifo "$T/ctl" "$T/in"
	sqlite3 "$HERD_HISTORY" <"$T/ctl" &
	holder=$!
	exec 7>"$T/ctl"
	printf 'BEGIN IMMEDIATE;\n.shell touch %s/locked\n' "$T" >&7
	await "[ -e '$T/locked' ]"
	herd-hist record <"$T/in" >"$T/out" 2>"$T/err" 7>&- &
	rec=$!
	exec 8>"$T/in"
	# in one write(2): the recorder reads both records at once
	{ echo '#herd-records 1'; run_rec r1 1764150000000 'h001:ok:0:6.1\n'; } >"$T/first"
	cat "$T/first" >&8
	# the C and R are downstream while the recorder still waits for the lock
	await "grep -q '^R' '$T/out'"
	kill -0 "$rec"
	assert_equal "$(q 'select count(*) from results')" 0
	printf 'COMMIT;\n' >&7
	exec 7>&-
	wait "$holder"
	end_rec r1 1764150000009 1 0 >&8
	exec 8>&-
	wait "$rec"
	assert_equal "$(q "select status from runs")" finished
	assert_equal "$(q 'select count(*) from results')" 1
	assert_equal "$(cat "$T/err")" ""
}

@test "record commits results while the run goes on, without waiting for its end" {
	mkfifo "$T/in"
	herd-hist record <"$T/in" >"$T/out" &
	rec=$!
	exec 8>"$T/in"
	{ echo '#herd-records 1'; run_rec r1 1764150000000 'h001:ok:0:a\n' 'h002:ok:0:a\n'; } >&8
	# no E and no end of input: the batch is committed by its timer
	await "[ \"\$(sqlite3 '$HERD_HISTORY' 'select count(*) from results' 2>/dev/null)\" = 2 ]"
	assert_equal "$(q "select status from runs")" running
	kill -0 "$rec"
	end_rec r1 1764150000009 2 0 >&8
	exec 8>&-
	wait "$rec"
	assert_equal "$(q "select status, ok_count from runs")" "finished|2"
}

@test "record: a run without its E at the end of input is interrupted, its results kept" {
	{ echo '#herd-records 1'; run_rec r1 1764150000000 'h001:ok:0:a\n' 'h002:nonzero:1:b\n'; } |
	    herd-hist record >/dev/null
	assert_equal "$(q "select status, ok_count, nonzero_count, finished_at from runs")" \
	    "interrupted|1|1|1764150000005"
	run herd-hist list
	assert_output --partial "interrupted"
}

@test "kill -9 of herd-hist mid-run: the finished hosts are kept and the run shows as interrupted" {
	hosts h001 h002 hang
	mkfifo "$T/pipe"
	hr --timeout 60s behave >"$T/pipe" &
	runner=$!
	herd-hist record <"$T/pipe" >"$T/out" &
	rec=$!
	await "[ \"\$(sqlite3 '$HERD_HISTORY' 'select count(*) from results' 2>/dev/null)\" = 2 ]"
	kill -9 "$rec"
	wait "$rec" || true
	kill "$runner"
	wait "$runner" || true
	# the recorder is gone: the next herd-hist marks its run
	run herd-hist list --json
	assert_success
	assert_equal "$(jq -r '[.status, .ok, .hosts] | @tsv' <<<"$output")" "interrupted	2	3"
	assert_equal "$(q "select group_concat(host) from (select host from results order by host)")" \
	    "h001,h002"
	herd-hist show 1 | herd-group >"$T/view" || true
	grep -q 'hang (the run was cut short)' "$T/view"
}

@test "kill -9 of the whole pipeline mid-run: the finished hosts are kept, the run interrupted" {
	hosts h001 h002 hang
	# in a process group of its own, killed whole
	setsid bash -c 'herd-run -F "$1" -f "$2" --timeout 60s behave | herd-hist record >"$3"' \
	    _ "$FLEET_SSH_CONFIG" "$T/hosts" "$T/out" &
	group=$!
	await "[ \"\$(sqlite3 '$HERD_HISTORY' 'select count(*) from results' 2>/dev/null)\" = 2 ]"
	kill -9 -- -"$group"
	wait "$group" || true
	"$TESTS/fleet/fleet-procs" "$FD" | awk '/sleep/ { print $1 }' | xargs -r kill
	run herd-hist list --json
	assert_equal "$(jq -r '[.status, .ok] | @tsv' <<<"$output")" "interrupted	2"
}

# --- record: a database that cannot be written ---------------------------------------------

# The run passes and is shown whatever becomes of the database: one warning.
record_unharmed() {
	hosts h001 exit3
	hr behave >"$T/recs" || true
	herd-group "$T/recs" >"$T/view.expected" || true
	run --separate-stderr bash -c 'herd-hist record <"$1" | herd-group' _ "$T/recs"
	assert_failure 1	# herd-group's: exit3 exited non-zero
	assert_output "$(cat "$T/view.expected")"
	assert_equal "$(grep -c . <<<"$stderr")" 1
	assert_equal "$(grep -c '^herd-hist: history not recorded: ' <<<"$stderr")" 1
}

@test "a corrupt database: one warning, the run passes and is shown" {
	mkdir -p "$T/hist"
	head -c 8192 /dev/urandom >"$HERD_HISTORY"
	record_unharmed
	assert_equal "$(grep -c 'not a database' <<<"$stderr")" 1
}

@test "a locked database: one warning after the wait, the run passes and is shown" {
	herd-hist record </dev/null
	export HERD_HISTORY_WAIT=100ms
	mkfifo "$T/ctl"
	sqlite3 "$HERD_HISTORY" <"$T/ctl" &
	holder=$!
	exec 7>"$T/ctl"
	printf 'BEGIN IMMEDIATE;\n.shell touch %s/locked\n' "$T" >&7
	await "[ -e '$T/locked' ]"
	record_unharmed
	assert_equal "$(grep -c 'database is locked' <<<"$stderr")" 1
	exec 7>&-
	wait "$holder"
	assert_equal "$(q 'select count(*) from runs')" 0
}

@test "a read-only database or directory: one warning, the run passes and is shown" {
	[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null || skip "needs root and mount namespaces"
	herd-hist record </dev/null
	hosts h001 exit3
	hr behave >"$T/recs" || true
	herd-group "$T/recs" >"$T/view.expected" || true
	for db in "$HERD_HISTORY" "$T/hist/new.db"; do
		run --separate-stderr unshare -m sh -c 'mount --bind "$1" "$1" &&
		    mount -o remount,bind,ro "$1" &&
		    HERD_HISTORY="$2" herd-hist record <"$3" | herd-group' _ "$T/hist" "$db" "$T/recs"
		assert_failure 1
		assert_output "$(cat "$T/view.expected")"
		assert_equal "$(grep -c '^herd-hist: history not recorded: .*[Rr]ead-only' <<<"$stderr")" 1
	done
	[ ! -e "$T/hist/new.db" ]
}

@test "a full disk: one warning, every record still passes" {
	[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null || skip "needs root and mount namespaces"
	# 2 MB of random text in one output: more than the 1 MB file system
	# holds, compressed (to some 1.5 MB) or not
	{
		printf '#herd-records 1\nC\tr1\t1764150000000\tcat /dev/random\t\n'
		printf 'R\tr1\th001\tok\t0\t5\t%064d\t' 0
		head -c 1500000 /dev/urandom | base64 -w0
		printf '\t\t\t\t\t\nE\tr1\t1764150000009\t1\t0\t0\t0\n'
	} >"$T/recs"
	mkdir -p "$T/small"
	run --separate-stderr unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" &&
	    HERD_HISTORY="$1/history.db" herd-hist record <"$2" >"$3"' _ "$T/small" "$T/recs" "$T/out"
	assert_success
	cmp "$T/recs" "$T/out"
	assert_equal "$(grep -c '^herd-hist: history not recorded: .*full' <<<"$stderr")" 1
}

# --- record: large outputs compressed -----------------------------------------------------

# Run r1: big prints 2000 numbered lines (and a stderr), small "hello",
# random 3000 random bytes (T/random).
sized_run() {
	seq -f 'line %g of a long and repetitive output' 2000 >"$T/big"
	head -c 3000 /dev/urandom >"$T/random"
	{
		rec-make -H C r1 1764150000000 'cat /var/log/big' ''
		rec-make R r1 big ok 0 5 - "$(cat "$T/big")" 'a warning' '' '' 1764150000001 ''
		rec-make R r1 small ok 0 5 - hello '' '' '' 1764150000002 ''
		rec-make -x R r1 random ok 0 5 - "$(od -An -tx1 -v "$T/random" | tr -d ' \n' |
		    sed 's/../\\x&/g')" '' '' '' 1764150000003 ''
		rec-make E r1 1764150000009 3 0 0 0
	} >"$T/recs"
}
stored() { q "select o.codec, o.size, length(o.stdout) + length(o.stderr) from results r
    join outputs o on o.id = r.output_id where r.host = '$1'"; }

@test "record: a large output is stored compressed (codec 1, zstd), a small or random one as is" {
	sized_run
	herd-hist record <"$T/recs" >/dev/null
	IFS='|' read -r codec size len <<<"$(stored big)"
	assert_equal "$codec" 1
	assert_equal "$size" "$(($(wc -c <"$T/big") - 1 + 9))"	# $(...) dropped the last \n
	[ "$((len * 10))" -lt "$size" ]
	assert_equal "$(stored small)" "0|5|5"
	assert_equal "$(stored random)" "0|3000|3000"
	# read back byte for byte, by show and export
	herd-hist show 1 >"$T/shown"
	cmp "$T/recs" "$T/shown"
	herd-hist show 1 | rec-get -w 2=random R 7 | cmp - "$T/random"
	assert_equal "$(herd-hist export 1 | jq -r 'select(.host == "big") | .stdout')" \
	    "$(cat "$T/big")"
	assert_equal "$(herd-hist export 1 | jq -r 'select(.host == "big") | .stderr')" "a warning"
	# addressed by the output, not by what is stored: run after run, one row
	sed 's/r1/r2/; s/1764150000/1764160000/g' "$T/recs" | herd-hist record >/dev/null
	assert_equal "$(q "select count(*) from results")" 6
	assert_equal "$(q "select count(*) from outputs")" 3
}

@test "a corrupt compressed output: said for its result, the others shown, exit 3" {
	sized_run
	herd-hist record <"$T/recs" >/dev/null
	q "update outputs set stdout = substr(stdout, 1, length(stdout) / 2) where codec = 1"
	for cmd in 'show 1' 'export 1' 'diff 1 1'; do
		run --separate-stderr herd-hist $cmd
		assert_failure 3
		assert_equal "$(sort -u <<<"$stderr")" "herd-hist: $HERD_HISTORY: run r1, host big: stored output unreadable: zstd: Src size is incorrect"
	done
	run --separate-stderr herd-hist show 1
	assert_equal "$(rec-get -w 2=small R 7 <<<"$output")" hello
	assert_equal "$(rec-get -w 2=big R 7 <<<"$output")" ""
	# not a frame at all, or a codec this herd-hist does not know
	q "update outputs set stdout = x'00112233' where codec = 1"
	run --separate-stderr herd-hist show 1
	assert_failure 3
	assert_equal "$stderr" "herd-hist: $HERD_HISTORY: run r1, host big: stored output unreadable: not a zstd frame"
	q "update outputs set codec = 7 where codec = 1"
	run --separate-stderr herd-hist show 1
	assert_failure 3
	assert_equal "$stderr" "herd-hist: $HERD_HISTORY: run r1, host big: stored output unreadable: unknown codec 7"
}

# --- the database file ---------------------------------------------------------------------

@test "the database is made 0600 in a 0700 directory, in \$XDG_DATA_HOME/herd by default" {
	unset HERD_HISTORY
	umask 000
	hosts h001
	hr behave | herd-hist record >/dev/null
	assert_equal "$(stat -c %a "$XDG_DATA_HOME/herd")" 700
	assert_equal "$(stat -c %a "$XDG_DATA_HOME/herd/history.db")" 600
	for f in "$XDG_DATA_HOME/herd/history.db"-*; do
		[ ! -e "$f" ] || assert_equal "$(stat -c %a "$f")" 600
	done
	assert_equal "$(sqlite3 "$XDG_DATA_HOME/herd/history.db" 'pragma journal_mode')" wal
	# --db wins over $HERD_HISTORY, which wins over the default
	HERD_HISTORY="$T/env.db" herd-hist record --db "$T/opt.db" </dev/null
	[ -e "$T/opt.db" ] && [ ! -e "$T/env.db" ]
	HERD_HISTORY="$T/env.db" herd-hist record </dev/null
	[ -e "$T/env.db" ]
}

@test "outputs are stored once per content: 500 identical results, run after run, are one row" {
	# two runs of 500 hosts that all print the same 3000 bytes (100 x, then
	# random text: zstd makes it little smaller)
	awk 'BEGIN {
		print "#herd-records 1"
		x = sprintf("%100s", ""); gsub(/ /, "x", x)
		srand(1)
		for (j = 0; j < 2900; j++) {
			c = 33 + int(rand() * 94)
			x = x sprintf("%c", c == 92 ? 47 : c)
		}
		for (r = 1; r <= 2; r++) {
			printf "C\tr%d\t176415000000%d\tcat /etc/big\t\n", r, r
			for (i = 1; i <= 500; i++)
				printf "R\tr%d\th%03d\tok\t0\t5\t%064d\t%s\t\t\t\t\t\n", r, i, 0, x
			printf "E\tr%d\t176415000010%d\t500\t0\t0\t0\n", r, r
		}
	}' >"$T/same"
	herd-hist record <"$T/same" >/dev/null
	assert_equal "$(q "select count(*) from results")" 1000
	assert_equal "$(q "select count(*) from outputs")" 1
	same=$(stat -c %s "$HERD_HISTORY")
	# the same with 500 different outputs: 500 rows, and the file grows by them
	sed 's/^\(R\tr[12]\t\(h[0-9]*\)\t.*\t\)x\{100\}/\1\2/' "$T/same" >"$T/diff"
	HERD_HISTORY="$T/diff.db" herd-hist record <"$T/diff" >/dev/null
	assert_equal "$(sqlite3 "$T/diff.db" "select count(*) from outputs")" 500
	distinct=$(stat -c %s "$T/diff.db")
	# 1000 results of 3000 bytes: ~0.1 MB stored once, ~1.6 MB for 500 distinct ones
	[ "$((distinct / same))" -ge 5 ]
}

@test "redaction: the config's patterns are applied to the command and outputs stored, not to the stream" {
	cat >"$T/config.yaml" <<'EOF'
history:
  redact: ['password=\S+', 'token:\s*\w+']
EOF
	{
		rec-make -H C r1 1764150000000 'login password=hunter2 now' ''
		rec-make -x R r1 h001 ok 0 5 - 'token: abc123\nfine\n' 'password=x' '' '' '' ''
		rec-make E r1 1764150000009 1 0 0 0
	} >"$T/recs"
	herd-hist record -c "$T/config.yaml" <"$T/recs" >"$T/out"
	cmp "$T/recs" "$T/out"
	assert_equal "$(q "select command from runs")" "login [redacted] now"
	assert_equal "$(herd-hist show 1 | rec-get R 7)" "[redacted]
fine"
	assert_equal "$(herd-hist show 1 | rec-get R 8)" "[redacted]"
	run grep -c hunter2 "$HERD_HISTORY"
	assert_output 0
}

@test "a database of schema version 1 is migrated, its runs kept" {
	mkdir -p "$T/hist"
	# version 1 as it shipped (herd-hist/db.c, migrations[0])
	sqlite3 "$HERD_HISTORY" <<'EOF'
CREATE TABLE runs (id INTEGER PRIMARY KEY, run TEXT NOT NULL UNIQUE, command TEXT NOT NULL,
 selection TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '', series TEXT NOT NULL DEFAULT '',
 seq INTEGER, compare TEXT NOT NULL DEFAULT '', started_at INTEGER NOT NULL, finished_at INTEGER,
 host_count INTEGER NOT NULL DEFAULT 0, ok_count INTEGER NOT NULL DEFAULT 0,
 nonzero_count INTEGER NOT NULL DEFAULT 0, failed_count INTEGER NOT NULL DEFAULT 0,
 timeout_count INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'running'
 CHECK (status IN ('running', 'finished', 'interrupted')), recorder TEXT);
CREATE INDEX runs_started ON runs(started_at);
CREATE TABLE hosts (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
 name TEXT NOT NULL, address TEXT, port INTEGER, user TEXT, tags TEXT NOT NULL DEFAULT '',
 groups TEXT NOT NULL DEFAULT '', timeout_ms INTEGER, PRIMARY KEY (run_id, name)) WITHOUT ROWID;
CREATE TABLE outputs (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,
 codec INTEGER NOT NULL DEFAULT 0, size INTEGER NOT NULL, stdout BLOB NOT NULL, stderr BLOB NOT NULL);
CREATE TABLE results (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
 host TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('ok', 'nonzero', 'failed', 'timeout')),
 exit_code INTEGER, duration_ms INTEGER NOT NULL, finished_at INTEGER, sha256 TEXT NOT NULL,
 output_id INTEGER NOT NULL REFERENCES outputs(id), error TEXT, hint TEXT,
 PRIMARY KEY (run_id, host)) WITHOUT ROWID;
CREATE INDEX results_output ON results(output_id);
INSERT INTO runs VALUES (1, 'old-run', 'uptime', '-g web', '', '', NULL, '', 1764150000000,
 1764150000100, 1, 1, 0, 0, 0, 'finished', NULL);
INSERT INTO outputs VALUES (1, 'k', 0, 3, 'up' || char(10), '');
INSERT INTO results VALUES (1, 'h001', 'ok', 0, 100, 1764150000100, 'abc', 1, NULL, NULL);
PRAGMA user_version = 1;
EOF
	# a reader says what to do rather than reading a schema it does not know
	run herd-hist list
	assert_failure 3
	assert_output --partial "schema version 1"
	herd-hist record </dev/null
	assert_equal "$(q 'pragma user_version')" 4
	assert_equal "$(q 'select flags from results')" 0
	# 4: the tables of fleet snapshots, empty
	assert_equal "$(q 'select count(*) from snapshots')" 0
	assert_equal "$(herd-hist show old-run | rec-get R 7)" "up"
	# 3: the runs a reader marks interrupted are found by an index
	run q "EXPLAIN QUERY PLAN SELECT id, recorder FROM runs WHERE status = 'running'"
	assert_output --partial "USING INDEX runs_running"
}

# --- the commands ----------------------------------------------------------------------------

# Three runs: 1 and 3 of 'uname -r' on -g web (3 changes h002, adds h004,
# loses h003), 2 of 'df -h' failing on h001.
three_runs() {
	{
		echo '#herd-records 1'
		run_rec r1 1764150000000 'h001:ok:0:6.1\n' 'h002:ok:0:6.1\n' 'h003:ok:0:6.1\n'
		end_rec r1 1764150000009 3 0
		rec-make C r2 1764150001000 'df -h' '-g db'
		rec-make -x R r2 h001 nonzero 1 5 - '' 'df: no\n' '' '' 1764150001005 ''
		end_rec r2 1764150001009 0 1
		run_rec r3 1764150002000 'h001:ok:0:6.1\n' 'h002:ok:0:6.2\n' 'h004:ok:0:6.1\n'
		end_rec r3 1764150002009 3 0
	} | herd-hist record --no-prune >/dev/null
}

@test "list: newest first, the table's columns, -n, --json and the filters" {
	three_runs
	run herd-hist list
	assert_success
	assert_equal "${lines[0]}" "ID  COMMAND   GROUP   HOSTS  OK    FAIL  TIME"
	assert_equal "$(sed '1d; s/ *[0-9-]* [0-9:]*$//' <<<"$output")" "3   uname -r  -g web  3      3     0
2   df -h     -g db   1      0     1
1   uname -r  -g web  3      3     0"
	assert_equal "$(herd-hist list -n 1 --json | jq -r '[.id, .run, .command, .selection, .status, .ok, .nonzero] | @tsv')" \
	    "3	r3	uname -r	-g web	finished	3	0"
	assert_equal "$(herd-hist list --json --failed | jq -r .id)" 2
	assert_equal "$(herd-hist list --json --command uname | jq -r .id | paste -sd,)" 3,1
	assert_equal "$(herd-hist list --json --host h003 | jq -r .id)" 1
	assert_equal "$(herd-hist list --json --since 1h | jq -r .id)" ""
	assert_equal "$(herd-hist list --json --since 100000d | jq -r .id | paste -sd,)" 3,2,1
	run herd-hist list -n x
	assert_failure 2
	run herd-hist list --db "$T/none.db"
	assert_failure 3
	assert_output --partial "no runs recorded yet"
}

@test "search: a substring of the command, or with -E a regular expression" {
	three_runs
	assert_equal "$(herd-hist search --json 'df' | jq -r .id)" 2
	assert_equal "$(herd-hist search --json 'e -' | jq -r .id | paste -sd,)" 3,1
	assert_equal "$(herd-hist search -E --json '^(df|un)' | jq -r .id | paste -sd,)" 3,2,1
	assert_equal "$(herd-hist search -E --json -- '-h$' | jq -r .id)" 2
	run herd-hist search -E '('
	assert_failure 2
	assert_output --partial "bad pattern"
}

@test "show: the run's records, which herd-group shows as it was shown then" {
	hosts h001 h002 exit3
	hr behave >"$T/recs" || true
	herd-hist record <"$T/recs" >/dev/null
	run herd-group "$T/recs"
	expected=$output
	run herd-hist show 1
	assert_success
	assert_equal "$(grep -c '^H' <<<"$output")" 3
	run bash -c 'herd-hist show 1 | herd-group'
	assert_failure 1
	assert_output "$expected"
	# by its run id, or a prefix of it; selectors and --json work on history too
	id=$(rec-get C 1 <"$T/recs")
	assert_equal "$(herd-hist show "$id" | herd-group --hosts @differs | hosts_of)" exit3
	assert_equal "$(herd-hist show "${id%????}" | herd-group --json | jq -s 'length > 0')" true
	run herd-hist show 7
	assert_failure 2
	assert_output --partial "no run 7"
}

@test "export: the run as JSON Lines, hosts, run, results, end" {
	three_runs
	run herd-hist export --json 2
	assert_success
	assert_equal "$(jq -r '.type // "host"' <<<"$output" | paste -sd,)" "run,result,end"
	assert_equal "$(jq -r 'select(.type == "run") | [.id, .command, .status] | @tsv' <<<"$output")" \
	    "2	df -h	finished"
	assert_equal "$(jq -r 'select(.type == "result") | [.host, .exit, .stderr] | @tsv' <<<"$output")" \
	    'h001	1	df: no\n'
}

@test "diff: hosts unchanged counted, changes with a diff headed by the run times, hosts in one run only" {
	three_runs
	run herd-hist diff --no-fold 1 3
	assert_success
	t1=$(date -d @1764150000 '+%Y-%m-%d %H:%M') t3=$(date -d @1764150002 '+%Y-%m-%d %H:%M')
	assert_output " 1 host unchanged since $t1 (run 1)

 1 host changed:
   h002
   --- $t1 (run 1)
   +++ $t3 (run 3)
   @@ -1 +1 @@
   -6.1
   +6.2

 1 host new since then:
   h004

 1 host gone since then:
   h003

1 unchanged, 1 changed, 1 new, 1 gone"
	assert_equal "$(herd-hist diff --json 1 3 | jq -c '[.unchanged, [.changed[].hosts], .added, .removed]')" \
	    '[["h001"],[["h002"]],["h004"],["h003"]]'
}

@test "last: the most recent finished run of the same kind, command and selection" {
	three_runs
	assert_equal "$(rec-make C new 1764150009000 'uname -r' '-g web' | herd-hist last | rec-get C 1)" r3
	# only runs that started before it, and only finished ones
	assert_equal "$(rec-make C new 1764150001500 'uname -r' '-g web' | herd-hist last | rec-get C 1)" r1
	{ echo '#herd-records 1'; run_rec r4 1764150003000 'h001:ok:0:x\n'; } | herd-hist record --no-prune >/dev/null
	assert_equal "$(rec-make C new 1764150009000 'uname -r' '-g web' | herd-hist last | rec-get C 1)" r3
	run bash -c "rec-make C new 1764150009000 'uname -r' '-g db' | herd-hist last | grep -c '^C'"
	assert_output 0
}

@test "prune: runs past the retention go, the last N of each command and selection stay" {
	three_runs
	for i in 4 5 6; do
		{ echo '#herd-records 1'; run_rec "r$i" "176415000${i}000" 'h001:ok:0:x\n'; end_rec "r$i" "176415000${i}009" 1 0; } |
		    herd-hist record --no-prune >/dev/null
	done
	run herd-hist prune --keep 2
	assert_success
	assert_output "3 runs deleted"
	# uname -r on -g web: r5 and r6 stay; df -h on -g db: its only run stays
	assert_equal "$(q 'select group_concat(run) from (select run from runs order by id)')" "r2,r5,r6"
	assert_equal "$(q 'select count(*) from outputs where id not in (select output_id from results)')" 0
	run herd-hist prune --keep 0 --older-than 100000d
	assert_output "0 runs deleted"
	run herd-hist prune --keep 0
	assert_output "3 runs deleted"
}

# --- herd exec and herd history --------------------------------------------------------------

hx() { herd exec -c "$FLEET_CONFIG" -F "$FLEET_SSH_CONFIG" "$@"; }

@test "herd exec records each run; --no-history and history.record: false do not" {
	unset HERD_HISTORY
	run hx -g fleet behave
	assert_success
	shown=$output
	assert_equal "$(herd history --json | jq -r '[.command, .selection, .status, .ok] | @tsv')" \
	    "behave	-g fleet	finished	4"
	# shown again as it was shown then
	run herd history show 1
	assert_success
	assert_output "$shown"
	assert_equal "$(herd history show 1 --hosts @ok | hosts_of | tr ' ' '\n' | sort | paste -sd' ')" \
	    "h001 h002 h003 h004"
	run hx --no-history -g fleet behave
	assert_success
	sed 's/^groups:/history: {record: false}\ngroups:/' "$FLEET_CONFIG" >"$T/norecord.yaml"
	run herd exec -c "$T/norecord.yaml" -F "$FLEET_SSH_CONFIG" -g fleet behave
	assert_success
	assert_equal "$(herd history --json | jq -r .id)" 1
	run herd --explain exec -c "$T/norecord.yaml" -g fleet behave
	refute_output --partial herd-hist
	# the history's file is where herd-hist(1) says
	[ -f "$XDG_DATA_HOME/herd/history.db" ]
}

@test "two herd exec recording at once, and a reader meanwhile: both runs whole" {
	unset HERD_HISTORY
	hx -g fleet 'behave; sleep 0.3' >"$T/a" &
	a=$!
	hx -g fleet 'uname -r; sleep 0.3' >"$T/b" &
	b=$!
	for i in 1 2 3 4 5; do
		herd history --json >/dev/null 2>&1 || true
	done
	wait "$a"
	wait "$b"
	run herd history --json
	assert_success
	assert_equal "$(jq -r '[.status, .ok] | @tsv' <<<"$output" | sort -u)" "finished	4"
	assert_equal "$(jq -r .command <<<"$output" | sort | paste -sd,)" "behave; sleep 0.3,uname -r; sleep 0.3"
}

# --diff-last: a command whose output is the file S/ADDR_PORT of its host, or "base".
dl_cmd() { printf 'set -- $SSH_CONNECTION; cat %s/"$3_$4" 2>/dev/null || echo base' "$1"; }
dl_set() { awk -v h="$2" '$1 == h { print $2 "_" $3 }' "$FLEET_DIR/roles" | {
	read -r a; printf '%s' "$3" >"$1/$a"; chmod 644 "$1/$a"; }; }
dl_web() { printf 'groups:\n  web:\n    hosts: [%s]\n' "$1" >"$T/web.yaml"; }

@test "herd exec --diff-last: no earlier run said; then changes with diffs, hosts new and gone, still failing" {
	S="$FD/dl-$BATS_TEST_NUMBER"
	mkdir -p "$S" && chmod 755 "$S"
	cmd=$(dl_cmd "$S")
	dl_web "h001, h002, h003, authfail"
	run herd exec -c "$T/web.yaml" -F "$FLEET_SSH_CONFIG" --diff-last -g web "$cmd"
	assert_failure 1
	assert_line --index 0 "no earlier run of this command on these hosts to compare with"
	assert_line "3 succeeded, 1 failed"
	# h002 and h003 change alike, h001 goes, h004 comes; authfail fails as before
	dl_set "$S" h002 $'base\nv2\n'
	dl_set "$S" h003 $'base\nv2\n'
	dl_web "h002, h003, h004, authfail"
	run herd exec -c "$T/web.yaml" -F "$FLEET_SSH_CONFIG" --diff-last -g web "$cmd"
	assert_failure 1
	then=$(herd history list --json | jq -r 'select(.id == 1) | .started_ms')
	when=$(date -d "@$((then / 1000))" '+%Y-%m-%d %H:%M')
	assert_line --index 0 " 1 host unchanged since last run ($when)"
	assert_output --partial " 2 hosts changed:
   h[002-003]
   --- $when
   +++ "
	assert_output --partial "   @@ -1 +1,2 @@
    base
   +v2"
	assert_output --partial " 1 host new since then:
   h004"
	assert_output --partial " 1 host gone since then:
   h001"
	assert_output --partial " not ok, as last time:
   authfail: failed: "
	assert_line "3 succeeded, 2 changed, 1 new, 1 gone, 1 failed"
	# compared with the last finished run only: run 2, where nothing changed since
	run herd exec -c "$T/web.yaml" -F "$FLEET_SSH_CONFIG" --diff-last --json -g web "$cmd"
	assert_equal "$(jq -c 'select(.comparison) | .comparison | [(.unchanged | sort), .changed, .added, .removed]' <<<"$output")" \
	    '[["authfail","h002","h003","h004"],[],[],[]]'
	assert_equal "$(jq -r 'select(.comparison) | .comparison.compare' <<<"$output")" \
	    "$(herd history list --json | jq -r 'select(.id == 2) | .run')"
	assert_equal "$(jq -r 'select(.summary) | .summary.succeeded' <<<"$output")" 3
	# the same hosts picked another way, or another command: no earlier run
	run herd exec -c "$T/web.yaml" -F "$FLEET_SSH_CONFIG" --diff-last -w h00[2-4],authfail "$cmd"
	assert_line --index 0 --partial "no earlier run"
	run herd exec -c "$T/web.yaml" -F "$FLEET_SSH_CONFIG" --diff-last -g web "$cmd; true"
	assert_line --index 0 --partial "no earlier run"
	# the earlier runs' records were not stored again
	assert_equal "$(q 'select count(*) from runs')" 5
}

@test "herd exec --diff-last: not without the history, not with --oneline; herd-group --compare alone" {
	run herd exec -F "$FLEET_SSH_CONFIG" --diff-last --no-history h001 -- true
	assert_failure 2
	assert_output --partial "--diff-last looks in the history, which --no-history turns off"
	run herd exec -F "$FLEET_SSH_CONFIG" --diff-last --oneline h001 -- true
	assert_failure 2
	assert_output --partial "--diff-last and --oneline: choose one view"
	run herd --explain exec --diff-last h001 -- true
	assert_output --partial "| herd-hist record --last | herd-group --compare"
	# hand-made as herd-hist record --last writes it: run b names run a, a's
	# records follow; a is read, not shown
	{ rec-make C b 2000 'uname -r' '-g web' '' '' '' a
	  run_rec a 1000 h1:ok:0:one h2:ok:0:one; end_rec a 1010 2 0
	  rec-make -x R b h1 ok 0 5 - one '' '' '' 2005 ''
	  rec-make -x R b h2 ok 0 5 - two '' '' '' 2005 ''
	  end_rec b 2010 2 0; } >"$T/ab.rec"
	run herd-group --compare --no-fold "$T/ab.rec"
	assert_success
	assert_line --index 0 --partial " 1 host unchanged since last run"
	assert_line "   h2"
	assert_line "   +two"
	assert_line "2 succeeded, 1 changed"
	refute_output --partial "identical"
	run herd-group --compare --oneline "$T/ab.rec"
	assert_failure 2
}

@test "herd history: herd-hist's commands; herd help history" {
	three_runs
	assert_equal "$(herd history list --json | jq -r .id | paste -sd,)" "3,2,1"
	assert_equal "$(herd history search --json df | jq -r .id)" 2
	assert_equal "$(herd history diff --json 1 3 | jq -c .added)" '["h004"]'
	assert_equal "$(herd history export 2 | jq -r 'select(.type == "run") | .command')" "df -h"
	assert_equal "$(herd --explain history show 3 --json)" "herd-hist show 3 | herd-group --json"
	run herd help history
	assert_success
	assert_line --index 0 --partial "usage: herd-hist"
}
