# bench/notify.sh, sourced by bench/run: what herd-notify adds to a
# 1000-host run (no fleet needed).  BENCH_NOTIFY_RUNS (20) runs of 1000
# hosts, 30 of them failing and 1 changing from run to run, go through
# herd-notify with a webhook target (tests/http-recv on loopback, which
# takes every message) and through cat; the difference, per run, is what
# herd-notify adds: reading 1000 R records, deciding the events at the E,
# the state file locked, read and written again.

notify_runs=${BENCH_NOTIFY_RUNS:-20}

# notify_gen RUNS HOSTS: the records.
notify_gen() {
	awk -v runs="$1" -v hosts="$2" -v t0="$(($(date +%s) * 1000))" 'BEGIN {
		print "#herd-records 1"
		for (r = 1; r <= runs; r++) {
			id = "bench-" r
			printf "C\t%s\t%d\tsystemctl is-active nginx\t-g web\n", id, t0 + r * 1000
			for (h = 1; h <= hosts; h++) {
				st = h <= 30 ? "nonzero" : "ok"
				out = h <= 30 ? "failed\\n" : (h == 31 ? "active " r "\\n" : "active\\n")
				printf "R\t%s\tweb-%04d\t%s\t%d\t12\t\t%s\t\t\t\t%d\t\n", id, h, st,
				    h <= 30 ? 3 : 0, out, t0 + r * 1000 + 12
			}
			printf "E\t%s\t%d\t%d\t30\t0\t0\n", id, t0 + r * 1000 + 20, hosts - 30
		}
	}'
}

# notify_time CMD...: "wall_ms cpu_ms" of CMD on the runs, the median of 3:
# wall until the last record came out of it (its messages may still be on
# their way: at most one a second per target), CPU of the whole process.
notify_time() {
	local i t0 t1 pid c walls="" cpus=""
	for i in 1 2 3; do
		rm -f "$dir/notify.state"
		t0=$EPOCHREALTIME
		{ "$@" <"$dir/notify.rec" 2>/dev/null & echo $! >"$dir/notify.pid"; } | cat >/dev/null
		t1=$EPOCHREALTIME
		pid=$(cat "$dir/notify.pid")
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
		walls="$walls $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')"
		rm -f "$dir/notify.state"
		"$measure" "$@" <"$dir/notify.rec" >/dev/null 2>"$dir/notify.time" || true
		read -r _ c _ < <(tail -n 1 "$dir/notify.time")
		cpus="$cpus $c"
	done
	# shellcheck disable=SC2086
	echo "$(median $walls) $(median $cpus)"
}

bench_notify() {
	local port pid cat_t hn_t
	notify_gen "$notify_runs" 1000 >"$dir/notify.rec"
	mkdir -p "$dir/notify.recv"
	"$build/tests/http-recv" "$dir/notify.recv" >"$dir/notify.port" &
	pid=$!
	for _ in $(seq 100); do [ -s "$dir/notify.port" ] && break; sleep 0.05; done
	port=$(cat "$dir/notify.port")
	cat >"$dir/notify.yaml" <<EOF
notifications:
  - name: bench
    type: webhook
    url: "http://127.0.0.1:$port/hook"
    on: [failure, change]
    cooldown: 0s
EOF
	chmod 600 "$dir/notify.yaml"
	cat_t=$(notify_time cat)
	hn_t=$(notify_time "$build/herd-notify" -c "$dir/notify.yaml" \
	    --state "$dir/notify.state")
	kill "$pid" 2>/dev/null || true
	cat <<EOF
## herd-notify on a 1000-host run

$notify_runs runs of 1000 hosts (30 failing, 1 changing from run to run) through
herd-notify with a webhook target (tests/http-recv on loopback, cooldown 0s),
and through cat, the median of 3.  Wall: until the last record came out (the
messages go on after, at most one a second to a target); CPU: the whole
process, its deliveries included (tests/measure, user+sys).  Per run:
herd-notify's less cat's over the $notify_runs runs.  herd-notify's start
(libcurl loaded), paid once per process, is in its total.

| tool | wall | CPU | added per run, wall (target <= 10 ms) | added per run, CPU |
|---|---:|---:|---:|---:|
EOF
	awk -v c="$cat_t" -v h="$hn_t" -v n="$notify_runs" 'BEGIN {
		split(c, a, " "); split(h, b, " ")
		w = (b[1] - a[1]) / n; u = (b[2] - a[2]) / n
		printf "| cat | %d ms | %d ms | | |\n", a[1], a[2]
		printf "| herd-notify | %d ms | %d ms | %.1f ms (%s) | %.1f ms |\n", b[1], b[2],
		    w, w <= 10 ? "met" : "missed", u
	}'
}
