# bench/hist.sh, sourced by bench/run: herd-hist, the run history, on
# generated records (no fleet needed): what recording a 1000-host run adds,
# herd history and --diff-last's lookup on 100k runs / 1M results, and the
# database's size for 1000 runs of 500 hosts.

# hist_gen RUNS HOSTS CMD: the records of RUNS runs of HOSTS hosts each (H
# records first).  CMD -1 cycles through ten commands, one per run; else
# every run is command CMD (1-11).  Each command's output is as large, and
# as alike from host to host and run to run, as its kind: "few" variants
# (changing every EPOCH runs), one per "host", one per host and "run", or a
# "mix" (8 hosts in 10 alike, 1 of 5 variants, 1 its own); bodies are lines
# like the real command's.
hist_gen() {
	# the last run started a minute ago: none is past the retention
	awk -v runs="$1" -v hosts="$2" -v only="$3" \
	    -v t0="$(($(date +%s) * 1000 - ($1 + 1) * 600000))" '
	function body(k, v,   s) {
		if ((k, v) in cache)
			return cache[k, v]
		srand(k * 7919 + v)
		for (s = ""; length(s) < size[k];)
			s = s sprintf(line[k], int(rand() * 9000) + 100, int(rand() * 90) + 9,
			    int(rand() * 60))
		return cache[k, v] = s
	}
	function output(k, h, r,   v, e) {
		e = epoch[k] ? int(r / epoch[k]) : 0
		if (kind[k] == "mix" && h % 10 > 1)
			return body(k, e)
		if (kind[k] == "few" || (kind[k] == "mix" && h % 10 == 1))
			return body(k, (h % nv[k]) + 100 * e)
		if (kind[k] == "host")
			return sprintf("host%04d.example.net epoch %d\\n", h, e) body(k, 0)
		return sprintf("host%04d.example.net run %d %02d:%02d:%02d\\n", h, r,
		    r % 24, h % 60, (r * 7 + h) % 60) body(k, (h + r) % 50)
	}
	BEGIN {
		split("uname -r;uptime;df -h /;systemctl is-active nginx;dpkg -l | grep ssl;" \
		    "cat /etc/os-release;ps aux --sort=-rss | head -20;journalctl -u nginx -n 10;" \
		    "dpkg-query -W;ip -br a;systemctl status nginx", cmd, ";")
		n = 10	# the 11th is for one run alone
		split("20 70 120 7 400 400 1200 1000 6000 250 400", size, " ")
		split("few run host few few few run run few host mix", kind, " ")
		split("2 0 0 50 3 2 0 0 4 0 5", nv, " ")
		split("0 0 10 0 0 0 0 0 100 0 0", epoch, " ")
		line[1] = "6.1.0-%d-amd64\\n"
		line[2] = " %d:%02d up %d days, load average: 0.15, 0.10, 0.05\\n"
		line[3] = "/dev/vda1  %dG  %dG  %dG  41%% /\\n"
		line[4] = "active\\n"
		line[5] = "ii  libssl3:amd64  3.0.%d-1~deb12u%d  amd64  Secure Sockets Layer toolkit %d\\n"
		line[6] = "PRETTY_NAME=\"Debian GNU/Linux 12\" VERSION_ID=%d.%d BUILD=%d\\n"
		line[7] = "www-data  %5d  0.%d  1.%d  123456 65432 ?  S  09:12  0:00 nginx: worker process\\n"
		line[8] = "Nov 28 09:%02d:%02d web nginx[%d]: 10.0.0.1 - - \"GET /health HTTP/1.1\" 200 2\\n"
		line[9] = "libpackage%d-%d\\t1.%d.0-1+deb12u1\\n"
		line[10] = "eth%d  UP  10.%d.%d.17/24 fe80::5054:ff:fe12:3456/64\\n"
		line[11] = "Nov 28 09:%02d:%02d nginx[%d]: Active: active (running); Tasks: 3 (limit: 4915)\\n"
		print "#herd-records 1"
		for (h = 1; h <= hosts; h++)
			printf "H\thost%04d\n", h
		for (r = 1; r <= runs; r++) {
			k = only >= 0 ? only : (r - 1) % n + 1
			printf "C\tr%06d\t%.0f\t%s\t-g all\n", r, t0 + r * 600000, cmd[k]
			for (h = 1; h <= hosts; h++) {
				o = output(k, h, r)
				printf "R\tr%06d\thost%04d\tok\t0\t%d\t%064d\t%s\t\t\t\t%.0f\t\n",
				    r, h, 20 + h % 200, 0, o,
				    t0 + r * 600000 + 20 + h % 200
			}
			printf "E\tr%06d\t%.0f\t%d\t0\t0\t0\n", r, t0 + r * 600000 + 900,
			    hosts
		}
	}'
}

# hist_time N SETUP CMD...: run SETUP (a shell command, not measured), then
# CMD with stdin from $hist_in and stdout to /dev/null, N times: the median
# wall and CPU ms.
hist_time() {
	local n=$1 setup=$2 i ws=() cs=() w c
	shift 2
	for ((i = 0; i < n; i++)); do
		sh -c "$setup"
		"$measure" "$@" <"$hist_in" >/dev/null 2>"$dir/hist.time" || true
		read -r w c _ < <(tail -n 1 "$dir/hist.time")
		ws+=("$w")
		cs+=("$c")
	done
	echo "$(median "${ws[@]}") $(median "${cs[@]}")"
}

# hist_row WHAT "WALL CPU" "BASE_WALL BASE_CPU": a table row, with what it adds.
hist_row() {
	local w c bw bc
	read -r w c <<<"$2"
	read -r bw bc <<<"$3"
	echo "| $1 | $w ms | $c ms | $((w - bw)) ms | $((c - bc)) ms |"
}

hist_record() {
	local db=$dir/hist-rec.db recs=$dir/hist-1000.rec base cat empty other again
	hist_gen 1 1000 11 >"$recs"
	hist_in=$recs
	cat=$(hist_time 5 true cat)
	empty=$(hist_time 5 "rm -f '$db' '$db'-*" "$build/herd-hist" record --db "$db")
	# a database that holds a run of another command, 1000 hosts of it
	base=$dir/hist-base.db
	hist_gen 1 1000 9 | sed 's/r000001/r000000/' |
	    "$build/herd-hist" record --db "$base" >/dev/null
	other=$(hist_time 5 "rm -f '$db' '$db'-*; cp '$base' '$db'" \
	    "$build/herd-hist" record --db "$db")
	# ... and this very run: each output is there already
	"$build/herd-hist" record --db "$base" <"$recs" >/dev/null
	sed 's/r000001/r000002/' "$recs" >"$dir/hist-1000.again"
	hist_in=$dir/hist-1000.again
	again=$(hist_time 5 "rm -f '$db' '$db'-*; cp '$base' '$db'" \
	    "$build/herd-hist" record --db "$db")
	echo "## History: recording"
	echo
	echo "One run of 1000 hosts, $(wc -c <"$recs") bytes of records (H, C, 1000 R, E;"
	echo "outputs of some 400 bytes, \`systemctl status nginx\`-like: 8 hosts in 10 alike,"
	echo "1 in 10 in five variants, 1 in 10 its own;"
	echo "$(awk -F'\t' '$1 == "R" { n[$8]++ } END { print length(n) }' "$recs") distinct),"
	echo "read from a file by \`herd-hist record\`, which passes them on and stores them;"
	echo "\`cat\` of the same file for the cost of the pipe alone. Median of 5 (wall, and"
	echo "CPU of the process), each from a copy of the database made before; the target"
	echo "is what recording adds to a run: ≤ 100 ms."
	echo
	echo "| | wall | CPU | wall added | CPU added |"
	echo "|---|---:|---:|---:|---:|"
	echo "| cat | ${cat% *} ms | ${cat#* } ms | | |"
	hist_row "herd-hist record, a new database (created)" "$empty" "$cat"
	hist_row "herd-hist record, a database holding another run" "$other" "$cat"
	hist_row "herd-hist record, a database holding this run's outputs" "$again" "$cat"
}

# The database of 100k runs, 1M results: made in SQL by sqlite3 on the schema
# herd-hist creates; 60 commands on 20 selections, a run every 10 minutes,
# 10 hosts a run, outputs from 5000 distinct ones.
hist_bigdb() {
	local db=$1
	"$build/herd-hist" record --db "$db" </dev/null
	# made without a journal, then given back to WAL as herd-hist has it
	sqlite3 "$db" >/dev/null <<-'EOF'
	PRAGMA journal_mode = OFF;
	PRAGMA synchronous = OFF;
	PRAGMA cache_size = -200000;
	BEGIN;
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
	INSERT INTO outputs (id, hash, codec, size, stdout, stderr)
	SELECT i, printf('%064x', i), 0, 40 + i % 300, printf('output %d ', i) || hex(zeroblob(i % 150)), ''
	FROM n;
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
	INSERT INTO runs (id, run, command, selection, kind, started_at, finished_at, host_count,
	    ok_count, nonzero_count, status)
	SELECT i, printf('r%08d', i), printf('command number %d --with args', i % 60),
	    printf('-g group%d', i % 20), 'exec', 1700000000000 + i * 600000,
	    1700000000000 + i * 600000 + 900, 10, 9, 1,
	    CASE WHEN i % 100 = 0 THEN 'interrupted' ELSE 'finished' END
	FROM n;
	WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
	INSERT INTO results (run_id, host, status, exit_code, duration_ms, finished_at, sha256,
	    output_id)
	SELECT i / 10 + 1, printf('host%04d', (i / 10 * 7 + i % 10) % 2000),
	    CASE WHEN i % 10 = 9 THEN 'nonzero' ELSE 'ok' END, i % 10 = 9, 20 + i % 200,
	    1700000000000 + (i / 10 + 1) * 600000 + 100, printf('%064x', i % 5000 + 1),
	    (i * 31) % 5000 + 1
	FROM n;
	INSERT INTO hosts (run_id, name) SELECT run_id, host FROM results;
	COMMIT;
	PRAGMA journal_mode = WAL;
	EOF
}

hist_query() {
	local db=$dir/hist-big.db list last plan_reap plan_list plan_last
	hist_bigdb "$db"
	# a run of the command and selection of run 99,990, started later
	printf '#herd-records 1\nC\tnew\t%d\tcommand number %d --with args\t-g group%d\texec\n' \
	    $((1700000000000 + 100001 * 600000)) $((99990 % 60)) $((99990 % 20)) >"$dir/hist-c.rec"
	hist_in=/dev/null
	list=$(hist_time 5 true "$build/herd-hist" list --db "$db")
	hist_in=$dir/hist-c.rec
	last=$(hist_time 5 true "$build/herd-hist" last --db "$db")
	"$build/herd-hist" last --db "$db" <"$hist_in" | grep -c '^R' >"$dir/hist-last.n" || true
	plan() { sqlite3 "$db" "EXPLAIN QUERY PLAN $1" | grep -v '^QUERY PLAN' |
	    sed 's/^[-|` ]*//' | paste -sd';' | sed 's/;/; /g'; }
	plan_reap=$(plan "SELECT id, recorder FROM runs WHERE status = 'running'")
	plan_list=$(plan "SELECT id FROM runs WHERE 1 ORDER BY started_at DESC, id DESC LIMIT 20")
	plan_last=$(plan "SELECT id FROM runs WHERE kind = 'exec' AND command = 'x' AND
	    selection = 'y' AND status = 'finished' AND started_at < 1 ORDER BY started_at DESC,
	    id DESC LIMIT 1")
	echo "## History: queries"
	echo
	echo "A database of $(sqlite3 "$db" 'select count(*) from runs') runs and"
	echo "$(sqlite3 "$db" 'select count(*) from results') results ($(($(stat -c %s "$db") / 1048576)) MB),"
	echo "made in SQL on the schema herd-hist creates: 60 commands on 20 selections, a"
	echo "run every 10 minutes, 10 hosts a run, outputs among 5000. Median of 5 (wall,"
	echo "and CPU), each a new process: opening the database, and looking for runs left"
	echo "running by a recorder that died, included. The target: ≤ 100 ms."
	echo
	echo "| query | wall | CPU |"
	echo "|---|---:|---:|"
	echo "| \`herd-hist list\` (\`herd history\`: the newest 20 runs) | ${list% *} ms | ${list#* } ms |"
	echo "| \`herd-hist last\` (\`--diff-last\`'s lookup: one C record in, the run, its hosts and $(cat "$dir/hist-last.n") results out) | ${last% *} ms | ${last#* } ms |"
	echo
	echo "Query plans (EXPLAIN QUERY PLAN): runs left running: $plan_reap. list: $plan_list."
	echo "last: $plan_last."
}

hist_size() {
	local db=$dir/hist-size.db f ca_z ca_raw per_z per_raw stream
	rm -f "$db" "$db"-*
	# herd-hist record is a tee: what it passes on is what it was given
	hist_gen 1000 500 -1 | "$build/herd-hist" record --db "$db" | wc -c >"$dir/hist-stream"
	sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	f=$(stat -c %s "$db")
	read -r ca_z ca_raw < <(sqlite3 -separator ' ' "$db" \
	    'SELECT sum(length(stdout) + length(stderr)), sum(size) FROM outputs')
	read -r per_z per_raw < <(sqlite3 -separator ' ' "$db" \
	    'SELECT sum(length(o.stdout) + length(o.stderr)), sum(o.size) FROM results r
	    JOIN outputs o ON o.id = r.output_id')
	stream=$(cat "$dir/hist-stream")
	mb() { awk -v x="$1" 'BEGIN { printf "%.1f MB", x / 1048576 }'; }
	echo "## History: database size"
	echo
	echo "1000 runs of 500 hosts ($(mb "$stream") of records), ten commands in turn:"
	echo "\`uname -r\` (20 bytes, two kernels), \`uptime\` and \`ps\`, \`journalctl\` (70,"
	echo "1200 and 1000 bytes, new on every host every run), \`df -h\` (120 bytes, per host,"
	echo "changing every 10 runs), \`ip -br a\` (250 bytes, per host), \`systemctl"
	echo "is-active\`, \`dpkg -l | grep ssl\`, \`os-release\` (a few variants), and"
	echo "\`dpkg-query -W\` (6000 bytes, four variants, changing every 100 runs)."
	echo "Recorded by \`herd-hist record\`; the first row is the file it made. The"
	echo "others are that file with its outputs replaced by what the other layouts"
	echo "would store (computed: file size − the output bytes stored + their output"
	echo "bytes; \"per result\" stores each result's output, as without content"
	echo "addressing)."
	echo
	echo "| layout | size | outputs stored |"
	echo "|---|---:|---:|"
	echo "| content-addressed, zstd (herd-hist) | $(mb "$f") | $(mb "$ca_z") |"
	echo "| content-addressed, no compression | $(mb $((f - ca_z + ca_raw))) | $(mb "$ca_raw") |"
	echo "| per result, zstd | $(mb $((f - ca_z + per_z))) | $(mb "$per_z") |"
	echo "| per result, no compression | $(mb $((f - ca_z + per_raw))) | $(mb "$per_raw") |"
	echo
	echo "$(sqlite3 "$db" 'select count(*) from results') results,"
	echo "$(sqlite3 "$db" 'select count(*) from outputs') distinct outputs,"
	echo "$(sqlite3 "$db" 'select count(*) from outputs where codec = 1') of them compressed:"
	awk -v ca="$ca_raw" -v z="$ca_z" -v per="$per_raw" 'BEGIN {
		printf "content addressing stores %.1f times less output, zstd %.1f times less again.\n",
		    per / ca, ca / z }'
}

bench_hist() {
	hist_record
	echo
	hist_query
	echo
	hist_size
}
