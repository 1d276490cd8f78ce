# bench/tail.sh, sourced by bench/run: herd tail on BENCH_TAIL_HOSTS (100)
# hosts.  Throughput: every host follows a file of BENCH_TAIL_LINES (20000)
# lines from its start (tail -F -n LINES), herd tail's output into a file;
# lines/s from the first byte of output to the last (connecting not
# counted).  Latency: a line stamped with the time it is written (date
# +%s%N) appended to the file every 20 ms, followed by every host from its
# end; tests/stream-lat reads herd tail's output and takes each line's
# arrival less its stamp.  Both plain and with --collapse (the latency with
# --window 20ms: a collapsed line waits for its window by design).

tail_hosts=${BENCH_TAIL_HOSTS:-100}
tail_lines=${BENCH_TAIL_LINES:-20000}

# tail_cmd ARGS...: herd tail on the first tail_hosts hosts.
tail_cmd() {
	HERD_CONFIG="$FLEET_CONFIG" HERD_EXEC_PATH="$build" exec "$build/herd" tail \
	    -F "$FLEET_SSH_CONFIG" --connect-timeout "$connect_timeout" \
	    --hosts-file "$dir/hosts.$tail_hosts" "$@"
}

# tail_followers N: wait (up to 60 s) until N remote tails run.
tail_followers() {
	local i
	for i in $(seq 600); do
		[ "$(tests/fleet/fleet-procs "$dir" | grep -c ' tail -F')" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# tail_stop PID: Ctrl-C, and wait for it.
tail_stop() {
	kill -INT "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	tests/fleet/fleet-procs "$dir" 10 >/dev/null
}

# tail_rate OPTION...: "LINES_OUT MS" of a follow of the big file from its start:
# from the first byte of output until the output stops growing (1 s still).
# One process watches the file: stat, date and sleep in a shell loop started
# 300 processes a second, a share of a core taken from what is measured.
tail_rate() {
	local out="$dir/tail.out" pid ms
	: >"$out"
	tail_cmd -n "$tail_lines" "$@" "$dir/tail.log" >"$out" 2>"$dir/tail.err" &
	pid=$!
	ms=$(perl -MTime::HiRes=time,sleep -e '
		my ($file, $first, $last, $prev, $still) = ($ARGV[0], undef, 0, -1, 0);
		for (my $n = 0; $n < 120000 && $still < 100; $n++, sleep 0.01) {
			my ($size, $now) = (-s $file || 0, time);
			$first = $now if !defined $first && $size > 0;
			next unless defined $first;
			if ($size == $prev) { $still++ } else { $still = 0; $last = $now }
			$prev = $size;
		}
		print int((($last || 0) - ($first || 0)) * 1000), "\n"' "$out")
	tail_stop "$pid"
	echo "$(wc -l <"$out") $ms"
}

# tail_latency OPTION...: stream-lat's here_ms line for stamped lines.
tail_latency() {
	local pid i
	: >"$dir/tail.live"
	chmod 644 "$dir/tail.live"
	tail_cmd -n 0 "$@" "$dir/tail.live" 2>"$dir/tail.err" |
	    "$build/tests/stream-lat" >"$dir/tail.lat" &
	pid=$(pgrep -n -x herd)
	tail_followers "$tail_hosts" || echo "bench/tail: not every host follows" >&2
	sleep 1
	for i in $(seq 250); do
		echo "stamp $(date +%s%N)" >>"$dir/tail.live"
		sleep 0.02
	done
	sleep 1
	tail_stop "$pid"
	wait
	awk '$1 == "here_ms" { print $2, $3, $4 } $1 == "stamped" { s = $2 }
	    END { print s }' "$dir/tail.lat" | paste -sd' '
}

bench_tail() {
	local n=$tail_hosts plain coll lat clat
	hosts "$n"
	awk -v n="$tail_lines" 'BEGIN { for (i = 1; i <= n; i++)
	    printf "2026-11-28T10:00:00Z app[1234]: request %07d served in 12 ms ok\n", i }' \
	    >"$dir/tail.log"
	chmod 644 "$dir/tail.log"
	chmod o+x "$dir"
	plain=$(tail_rate)
	coll=$(tail_rate --collapse)
	lat=$(tail_latency)
	clat=$(tail_latency --collapse --window 20ms)
	cat <<EOF
## herd tail: merged throughput and per-line latency, $n hosts

Throughput: $n hosts follow a file of $tail_lines lines from its start
(\`herd tail -n $tail_lines\`, i.e. tail -F on each host), herd tail's
output into a file; lines/s are the lines that came in ($n x $tail_lines)
over the time from the first byte of output to the last (connecting not
counted).  Latency: a line stamped with \`date +%s%N\` appended every 20 ms
(250 lines) to a file all $n hosts follow; each output line's arrival at
the reader (tests/stream-lat, at the end of the pipe) less its stamp.  With
--collapse, the latency is measured with --window 20ms: a collapsed line
waits for its window by design (default 500ms).

| view | lines in | lines out | time | lines/s (target >= 200k) | latency p50 / p99 / max (target p99 < 50 ms) | lines stamped |
|---|---:|---:|---:|---:|---:|---:|
EOF
	# shellcheck disable=SC2086
	awk -v n="$n" -v l="$tail_lines" -v p="$plain" -v c="$coll" -v lat="$lat" -v clat="$clat" '
	function row(name, r, t,   a, b, rate) {
		split(r, a, " "); split(t, b, " ")
		rate = a[2] > 0 ? n * l / (a[2] / 1000) : 0
		printf "| %s | %d | %d | %.2f s | %.0f (%s) | %s / %s / %s ms (%s) | %s |\n", name,
		    n * l, a[1], a[2] / 1000, rate, (rate >= 200000 ? "met" : "missed"),
		    b[1], b[2], b[3], (b[2] != "" && b[2] + 0 < 50 ? "met" : "missed"), b[4]
	}
	BEGIN { row("[host] line", p, lat); row("--collapse", c, clat) }'
}
