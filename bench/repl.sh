# bench/repl.sh, sourced by bench/run: a REPL command on BENCH_REPL_HOSTS
# (100) connected hosts.  herd-ui runs under tests/measure on a terminal (a
# tmux session); `true` is typed once (which connects), then BENCH_REPL_N
# (10) times more on the kept connections.  Enter to view: from the Enter
# key sent to the summary line of the view on the screen (the screen is
# polled: a few ms of it are the poll's); the run's own part is its E less
# its C (herd-hist list --json: the engine, the connections, the remote
# command).  Client CPU per host per command: herd-ui's whole tree's
# (herd-run, herd-group, herd-hist) in a session of 1+N commands less that
# of a session of 1, over N x hosts.

repl_n=${BENCH_REPL_N:-10}

# repl_session COMMANDS: a session of that many `true`; prints measure's
# "wall_ms cpu_ms maxrss_kb busy_ms", and the Enter-to-view latencies of the
# commands after the first into $dir/repl.lat.
repl_session() {
	local sock="herd-bench-repl-$$" i seen t0 t1 n
	: >"$dir/repl.lat"
	rm -f "$dir/repl.measure"
	tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 \
	    "cd '$dir'; XDG_STATE_HOME='$dir/state' XDG_DATA_HOME='$dir/data' HERD_EXEC_PATH='$build' \
	    '$measure' '$build/herd-ui' -c '$FLEET_CONFIG' -F '$FLEET_SSH_CONFIG' \
	    --concurrency $repl_hosts --connect-timeout $connect_timeout --hosts-file '$dir/hosts.$repl_hosts' \
	    2>'$dir/repl.measure'; exec sleep 600"
	until tmux -L "$sock" capture-pane -p | grep -q '^herd \['; do sleep 0.05; done
	for ((i = 0; i < $1; i++)); do
		seen=$(tmux -L "$sock" capture-pane -p -S - | grep -c 'succeeded' || :)
		tmux -L "$sock" send-keys -l true
		t0=$(date +%s%N)
		tmux -L "$sock" send-keys Enter
		while n=$(tmux -L "$sock" capture-pane -p -S - | grep -c 'succeeded' || :);
		    [ "$n" -le "$seen" ]; do
			sleep 0.002
		done
		t1=$(date +%s%N)
		[ "$i" -gt 0 ] && echo $(((t1 - t0) / 1000000)) >>"$dir/repl.lat"
		# the next keys when the prompt is back: typed earlier, they may be lost
		until [ "$(tmux -L "$sock" capture-pane -p -S - | grep -c '^herd \[')" -gt $((i + 1)) ]; do
			sleep 0.01
		done
	done
	tmux -L "$sock" send-keys C-d
	until [ -s "$dir/repl.measure" ]; do sleep 0.05; done
	tmux -L "$sock" kill-server
	tail -n 1 "$dir/repl.measure"
}

bench_repl() {
	local n=$repl_hosts one many runs lat
	hosts "$n"
	one=$(repl_session 1)
	many=$(repl_session $((repl_n + 1)))
	lat=$(median $(cat "$dir/repl.lat"))
	# the engine's part of the last session's runs after its first: E less C
	runs=$(XDG_DATA_HOME="$dir/data" "$build/herd-hist" list --json -n $((repl_n)) |
	    jq -r '.finished_ms - .started_ms' 2>/dev/null || :)
	cat <<EOF
## A REPL command on $n connected hosts

herd-ui (fanout $n) on a terminal types \`true\` on $n hosts once (which connects),
then $repl_n times on the kept connections.  Enter to view: from the Enter key
to the summary line on the screen, polled (tmux capture-pane); the run's own
part: its E less its C in the history.  CPU: herd-ui's process tree
(herd-run --serve, herd-group, herd-hist record), a session of $((repl_n + 1))
commands less one of 1, over $repl_n x $n.

| hosts | commands | Enter to view, median | run (E less C), median | view over the run (target <= 20 ms) | CPU/host/command (target <= 0.2 ms) |
|---:|---:|---:|---:|---:|---:|
EOF
	# shellcheck disable=SC2086
	awk -v n="$n" -v k="$repl_n" -v one="$one" -v many="$many" -v lat="$lat" \
	    -v run="$(median ${runs:-0})" 'BEGIN {
		split(one, a, " "); split(many, b, " ")
		cpu = (b[2] - a[2]) / k / n
		printf "| %d | %d | %d ms | %d ms | %d ms (%s) | %.3f ms (%s) |\n", n, k, lat, run,
		    lat - run, lat - run <= 20 ? "met" : "missed", cpu, cpu <= 0.2 ? "met" : "missed"
	}'
}
