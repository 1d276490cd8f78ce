# bench/repl.sh, sourced by bench/run: a REPL command on BENCH_REPL_HOSTS
# (100) connected hosts.  herd-ui runs under tests/measure on a terminal (a
# tmux session); `true` is typed once (which connects), then BENCH_REPL_N
# (10) times more on the kept connections.  Enter to view: from the Enter
# key sent to the summary line of the view leaving the terminal (tmux
# pipe-pane hands the pane's output to a reader that stamps each line); the
# run's own part is its E less its C (herd-hist list --json: the engine, the
# connections, the remote command); the terminal's own part is the same
# measure for `:timeout`, which herd-ui answers at once with one line
# (send-keys starting a tmux client, the key through tmux, the line back).
# Client CPU per host per command: herd-ui's whole tree's (herd-run,
# herd-group, herd-hist) in a session of 1+N commands less that of a
# session of 1, over N x hosts.

repl_n=${BENCH_REPL_N:-10}

# repl_enter SOCK LINE PATTERN: types LINE, then Enter; prints the ms from
# the Enter to the next line of the pane's output that matches PATTERN.
repl_enter() {
	local seen t0 t1
	seen=$(grep -c -- "$3" "$dir/repl.marks" || :)
	tmux -L "$1" send-keys -l "$2"
	t0=$(date +%s%N)
	tmux -L "$1" send-keys Enter
	until [ "$(grep -c -- "$3" "$dir/repl.marks" || :)" -gt "$seen" ]; do
		sleep 0.005
	done
	t1=$(grep -- "$3" "$dir/repl.marks" | sed -n "$((seen + 1))p" | cut -d' ' -f1)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d\n", b - a / 1e6 }'
}

# repl_prompts SOCK N: until the screen has shown N prompts (keys typed
# before the prompt is back may be lost).
repl_prompts() {
	until [ "$(tmux -L "$1" capture-pane -p -S - | grep -c '^herd \[')" -ge "$2" ]; do
		sleep 0.01
	done
}

# repl_session COMMANDS: a session of that many `true`; prints measure's
# "wall_ms cpu_ms maxrss_kb busy_ms", the Enter-to-view latencies of the
# commands after the first into $dir/repl.lat, and those of the `:timeout`
# typed after each command into $dir/repl.floor.
repl_session() {
	local sock="herd-bench-repl-$$" i
	: >"$dir/repl.lat"
	: >"$dir/repl.floor"
	: >"$dir/repl.marks"
	rm -f "$dir/repl.measure"
	tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 \
	    "cd '$dir'; XDG_STATE_HOME='$dir/state' XDG_DATA_HOME='$dir/data' HERD_EXEC_PATH='$build' \
	    '$measure' '$build/herd-ui' -c '$FLEET_CONFIG' -F '$FLEET_SSH_CONFIG' \
	    --concurrency $repl_hosts --connect-timeout $connect_timeout --hosts-file '$dir/hosts.$repl_hosts' \
	    2>'$dir/repl.measure'; exec sleep 600"
	# no % in it: tmux gives the command to strftime
	tmux -L "$sock" pipe-pane -o "exec perl -MTime::HiRes=time -ne \
	    'BEGIN { \$| = 1 } print time * 1000, \" \", \$_ if /succeeded|timeout: /' \
	    >>'$dir/repl.marks'"
	repl_prompts "$sock" 1
	for ((i = 0; i < $1; i++)); do
		repl_enter "$sock" true succeeded >>"$dir/repl.lat"
		repl_prompts "$sock" $((2 * i + 2))
		[ "$i" = 0 ] && : >"$dir/repl.lat"	# the first connects
		repl_enter "$sock" :timeout 'timeout: ' >>"$dir/repl.floor"
		repl_prompts "$sock" $((2 * i + 3))
	done
	tmux -L "$sock" send-keys C-d
	until [ -s "$dir/repl.measure" ]; do sleep 0.05; done
	tmux -L "$sock" kill-server
	tail -n 1 "$dir/repl.measure"
}

bench_repl() {
	local n=$repl_hosts one many runs lat floor
	hosts "$n"
	one=$(repl_session 1)
	many=$(repl_session $((repl_n + 1)))
	lat=$(median $(cat "$dir/repl.lat"))
	floor=$(median $(cat "$dir/repl.floor"))
	# the engine's part of the last session's runs after its first: E less C
	runs=$(XDG_DATA_HOME="$dir/data" "$build/herd-hist" list --json -n $((repl_n)) |
	    jq -r '.finished_ms - .started_ms' 2>/dev/null || :)
	cat <<EOF
## A REPL command on $n connected hosts

herd-ui (fanout $n) on a terminal types \`true\` on $n hosts once (which connects),
then $repl_n times on the kept connections, each followed by \`:timeout\`.
Enter to view: from the Enter key to the summary line leaving the terminal
(tmux pipe-pane into a reader that stamps each line); the run's own part:
its E less its C in the history; the terminal's: the same for \`:timeout\`,
which herd-ui answers at once with one line (the send-keys client, tmux).
CPU: herd-ui's process tree (herd-run --serve, herd-group, herd-hist
record), a session of $((repl_n + 1)) commands less one of 1, over $repl_n x $n.

| hosts | commands | Enter to view, median | run (E less C), median | terminal (\`:timeout\`), median | view: Enter to view less the run and the terminal (target <= 20 ms) | CPU/host/command (target <= 0.2 ms) |
|---:|---:|---:|---:|---:|---:|---:|
EOF
	# shellcheck disable=SC2086
	awk -v n="$n" -v k="$repl_n" -v one="$one" -v many="$many" -v lat="$lat" \
	    -v run="$(median ${runs:-0})" -v floor="$floor" 'BEGIN {
		split(one, a, " "); split(many, b, " ")
		cpu = (b[2] - a[2]) / k / n
		view = lat - run - floor
		printf "| %d | %d | %d ms | %d ms | %d ms | %d ms (%s) | %.3f ms (%s) |\n", n, k, lat,
		    run, floor, view, view <= 20 ? "met" : "missed", cpu, cpu <= 0.2 ? "met" : "missed"
	}'
}
