# bench/dashboard.sh, sourced by bench/run: herd-ui --dashboard on a
# terminal (a tmux session, 200x50).  Keystroke to screen: the dashboard on
# BENCH_DASH_HOSTS (1000) hosts, every connection up (the health probe every
# hour: none during the measure); each key sent BENCH_DASH_N (20) times,
# from tmux send-keys to the first capture-pane (with attributes) that
# differs from the screen before the key; once with the hosts just loaded,
# once after `uname -r` ran on all of them (the table holds results, the
# filter searches their output).  The screen is polled with no pause: one
# capture-pane's cost (measured) is the poll's granularity.  CPU during a
# tail: a dashboard on BENCH_DASH_TAIL_HOSTS (100) hosts, `:tail FILE`,
# every host following one file to which a local writer appends
# BENCH_DASH_RATE (100) lines/s, i.e. hosts x rate lines/s into the
# dashboard; herd-ui's own CPU (utime + stime in /proc/PID/stat) and its
# herd-run --serve's over BENCH_DASH_SECONDS (20) of steady tail, and the
# line rate the Diff tab shows, so that the dashboard is known to be busy.

dash_hosts=${BENCH_DASH_HOSTS:-1000}
dash_n=${BENCH_DASH_N:-20}
dash_tail_hosts=${BENCH_DASH_TAIL_HOSTS:-100}
dash_rate=${BENCH_DASH_RATE:-100}
dash_seconds=${BENCH_DASH_SECONDS:-20}
dash_sock="herd-bench-dash-$$"

dash_tmux() { tmux -L "$dash_sock" "$@"; }

# dash_until SECONDS TEXT: until the screen shows TEXT; 1 if it never does.
dash_until() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		dash_tmux capture-pane -p | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	echo "bench/dashboard: the screen never showed: $2" >&2
	dash_tmux capture-pane -p >&2
	return 1
}

# dash_start N: the dashboard on the first N hosts until every connection is up.
dash_start() {
	hosts "$1"
	dash_tmux -f /dev/null new-session -d -x 200 -y 50 \
	    "cd '$dir'; XDG_STATE_HOME='$dir/state' XDG_DATA_HOME='$dir/data' HERD_EXEC_PATH='$build' \
	    '$build/herd-ui' --dashboard --health-interval 1h -c '$FLEET_CONFIG' -F '$FLEET_SSH_CONFIG' \
	    --concurrency $fanout --connect-timeout $connect_timeout --hosts-file '$dir/hosts.$1' \
	    2>'$dir/dash.err'; exec sleep 600"
	dash_until 600 " $1 up, 0 down |"
}

dash_stop() {
	dash_tmux send-keys q
	sleep 0.5
	dash_tmux kill-server 2>/dev/null || :
	tests/fleet/fleet-procs "$dir" 10 >/dev/null
}

dash_pid() { pgrep -P "$(dash_tmux list-panes -F '#{pane_pid}')" -x herd-ui; }

# dash_cpu PID: its utime + stime, in clock ticks.
dash_cpu() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# dash_press NAME KEY...: KEY sent; the time (0.1 ms) until the first
# capture that differs from the screen before into $dir/dash.lat.NAME and
# $dir/dash.lat; 5 s without a change: not counted.
dash_press() {
	local name=$1 before t0 now
	shift
	sleep 0.2
	before=$(dash_tmux capture-pane -p -e)
	t0=${EPOCHREALTIME/./}
	dash_tmux send-keys "$@"
	while [ "$(dash_tmux capture-pane -p -e)" = "$before" ]; do
		[ $((${EPOCHREALTIME/./} - t0)) -lt 5000000 ] && continue
		echo "bench/dashboard: no change after $name" >&2
		return 0
	done
	now=${EPOCHREALTIME/./}
	echo "$(((now - t0) / 100))" | tee -a "$dir/dash.lat" >>"$dir/dash.lat.$name"
}

# dash_keys: each key dash_n times (the latencies in units of 0.1 ms).
dash_keys() {
	local i
	rm -f "$dir"/dash.lat*
	dash_tmux send-keys g
	for ((i = 0; i < dash_n; i++)); do dash_press down j; done
	for ((i = 0; i < dash_n; i++)); do
		if ((i % 2)); then dash_press page PPage; else dash_press page NPage; fi
	done
	for ((i = 0; i < dash_n; i++)); do dash_press sort s; done
	for ((i = 0; i < dash_n; i++)); do dash_press reverse S; done
	for ((i = 0; i < dash_n; i++)); do dash_press tags t; done
	dash_tmux send-keys /
	for ((i = 0; i < dash_n; i++)); do
		if ((i % 2)); then dash_press filter BSpace; else dash_press filter 9; fi
	done
	sleep 0.2
	dash_tmux send-keys Enter
	# the sort as it was: by host (6 columns)
	for ((i = 0; i < (6 - dash_n % 6) % 6; i++)); do dash_tmux send-keys s; done
	sleep 0.2
}

# dash_capture_cost: the median of 20 capture-panes of the screen, in 0.1 ms.
dash_capture_cost() {
	local i t0 t
	for ((i = 0; i < 20; i++)); do
		t0=${EPOCHREALTIME/./}
		dash_tmux capture-pane -p -e >/dev/null
		t=${EPOCHREALTIME/./}
		echo $(((t - t0) / 100))
	done >"$dir/dash.cost"
	sort -n "$dir/dash.cost" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# dash_stats FILE: "median p95" of its values (0.1 ms) in ms.
dash_stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		p = int(NR * 0.95); if (p < NR * 0.95) p++
		printf "%.1f %.1f %d\n", v[int((NR + 1) / 2)] / 10, v[p] / 10, NR }'
}

# dash_rows PHASE: the table's rows of a measure of the keys.
dash_rows() {
	local phase=$1 k m p n
	for k in down page sort reverse tags filter ""; do
		read -r m p n <<<"$(dash_stats "$dir/dash.lat${k:+.$k}")"
		printf '| %s | %s | %s | %s ms | %s ms (%s) |\n' "$phase" \
		    "${k:-all keys}" "$n" "$m" "$p" \
		    "$(awk -v p="$p" 'BEGIN { print p <= 50 ? "met" : "missed" }')"
	done
}

dash_tail_rates() { dash_tmux capture-pane -p | awk '/lines\/s per host/ { on = 1; next }
	on && $1 ~ /^h[0-9]+$/ && NF == 3 { n++; r += $2; l += $3 } END { print n + 0, r + 0, l + 0 }'; }

# dash_tail: "ui_ticks serve_ticks rchar_bytes hosts_shown rate_sum lines_delta file_lines".
dash_tail() {
	local n=$dash_tail_hosts log="$dir/dash.log" w ui srv a b c0 c1 s0 s1 r0 r1 f0 f1
	: >"$log"
	chmod 644 "$log"
	chmod o+x "$dir"
	dash_start "$n"
	dash_tmux send-keys :
	dash_tmux send-keys -l "tail $log"
	dash_tmux send-keys Enter
	for _ in $(seq 600); do
		[ "$(tests/fleet/fleet-procs "$dir" | grep -c '^[0-9]* tail -n 10 -F')" -ge "$n" ] && break
		sleep 0.1
	done
	(
		t0=${EPOCHREALTIME/./} k=0
		while :; do
			due=$(((${EPOCHREALTIME/./} - t0) * dash_rate / 1000000))
			b=
			while ((k < due)); do
				k=$((k + 1))
				printf -v b '%s2026-11-28T10:00:00Z app[1234]: request %07d served in 12 ms ok\n' "$b" "$k"
			done
			[ -n "$b" ] && printf '%s' "$b" >>"$log"
			sleep 0.05
		done
	) &
	w=$!
	sleep 3
	ui=$(dash_pid)
	srv=$(pgrep -P "$ui" -x herd-run | head -1)
	c0=$(dash_cpu "$ui")
	s0=$(dash_cpu "$srv")
	r0=$(awk '$1 == "rchar:" { print $2 }' "/proc/$ui/io")
	a=$(dash_tail_rates)
	f0=$(wc -l <"$log")
	sleep "$dash_seconds"
	c1=$(dash_cpu "$ui")
	s1=$(dash_cpu "$srv")
	r1=$(awk '$1 == "rchar:" { print $2 }' "/proc/$ui/io")
	b=$(dash_tail_rates)
	f1=$(wc -l <"$log")
	kill "$w"
	wait "$w" 2>/dev/null || :
	dash_tmux send-keys Escape
	dash_until 30 'tail stopped' >/dev/null || :
	dash_stop
	# shellcheck disable=SC2086
	set -- $a $b
	echo "$((c1 - c0)) $((s1 - s0)) $((r1 - r0)) $4 $5 $(($6 - $3)) $((f1 - f0))"
}

bench_dashboard() {
	local n=$dash_hosts cost0 cost1 ui c0 c1 c2 c3 keys tl hz
	hz=$(getconf CLK_TCK)
	dash_start "$n"
	ui=$(dash_pid)
	cost0=$(dash_capture_cost)
	c0=$(dash_cpu "$ui")
	dash_keys
	c1=$(dash_cpu "$ui")
	keys=$(wc -l <"$dir/dash.lat")
	dash_rows loaded >"$dir/dash.rows"
	dash_tmux send-keys :
	dash_tmux send-keys -l 'uname -r'
	dash_tmux send-keys Enter
	dash_until 600 "done: $n ok, 0 not ok"
	sleep 1
	cost1=$(dash_capture_cost)
	c2=$(dash_cpu "$ui")
	dash_keys
	c3=$(dash_cpu "$ui")
	dash_rows "after uname -r" >>"$dir/dash.rows"
	dash_stop
	tl=$(dash_tail)
	cat <<EOF
## The dashboard: keystroke to screen on $n hosts, CPU during a tail

herd-ui --dashboard on a tmux terminal of 200x50, $n hosts, every connection
up.  Each key is sent $dash_n times, 0.2 s apart; its latency is from \`tmux
send-keys\` to the first \`tmux capture-pane -p -e\` (attributes included,
so the cursor's reverse video counts) that differs from the screen before
the key.  The screen is polled without a pause, so a latency holds up to
one capture-pane's cost, the poll's granularity (one capture of that
screen, median of 20: $(awk -v x="$cost0" 'BEGIN { printf "%.1f", x / 10 }') ms with the hosts loaded, $(awk -v x="$cost1" 'BEGIN { printf "%.1f", x / 10 }') ms after
the command), and the send-keys client's own start (about as much).  The
dashboard draws at most every 30 ms (FRAME_MS).  Keys: \`j\` (the cursor
down a row), PgDn/PgUp in turn, \`s\` (sort by the next column), \`S\`
(reverse the order), \`t\` (the Tags column on, off), and in the filter bar
\`9\` (the table narrowed to the hosts whose name holds a 9) and Backspace
in turn.  Measured with the hosts just loaded (no result), then after
\`uname -r\` ran on all $n (every row a result, the filter searching the
output too); the health probe every hour (none during the measure).
herd-ui's CPU per key (utime + stime over the keys):
$(awk -v a="$c0" -v b="$c1" -v k="$keys" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) * 1000 / hz / k }') ms loaded,
$(awk -v a="$c2" -v b="$c3" -v k="$keys" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) * 1000 / hz / k }') ms after the command.

| table | key | presses | median | p95 (target <= 50 ms) |
|---|---|---:|---:|---:|
$(cat "$dir/dash.rows")

CPU during a tail: a dashboard on $dash_tail_hosts hosts runs \`:tail FILE\`; every
host follows the same file (\`tail -n 10 -F\`), to which a local writer
appends $dash_rate lines/s (lines of 62 bytes), so $((dash_tail_hosts * dash_rate)) lines/s
come into the dashboard.  After 3 s of tail, $dash_seconds s measured: the CPU of
herd-ui alone and of its herd-run --serve (utime + stime, /proc/PID/stat),
as a share of one core; what herd-ui read (rchar, the serving herd-run's
records); the Diff tab's lines/s per host for the hosts it has room for.

EOF
	# shellcheck disable=SC2086
	awk -v t="$tl" -v s="$dash_seconds" -v hz="$hz" -v hosts="$dash_tail_hosts" \
	    -v rate="$dash_rate" 'BEGIN {
		split(t, a, " ")
		ui = a[1] * 100 / hz / s
		printf "| hosts | lines/s in (written x hosts) | Diff tab: hosts shown, lines/s per host | herd-ui read | herd-run --serve CPU | herd-ui CPU (target <= 25%%) |\n"
		printf "|---:|---:|---:|---:|---:|---:|\n"
		printf "| %d | %.0f | %d, %.0f (lines counted: %.0f/s) | %.0f KiB/s | %.1f%% | %.1f%% (%s) |\n",
		    hosts, a[7] * hosts / s, a[4], a[4] ? a[5] / a[4] : 0,
		    a[4] ? a[6] / a[4] / s : 0, a[3] / 1024 / s, a[2] * 100 / hz / s, ui,
		    ui <= 25 ? "met" : "missed"
	}'
}
