# bench/watch.sh, sourced by bench/run: a watch iteration on BENCH_WATCH_HOSTS
# (100) kept connections.  herd-run --every runs `sleep 0.1` on every host,
# once (which connects), then once again and BENCH_WATCH_N (20) more times
# on the connections kept, every 250ms, all hosts at once (HERD_MIN_INTERVAL
# lowers the 5 s minimum).  Client CPU per host per iteration: herd-run's user+sys for the
# longer watch less that of the one-iteration watch, over the iterations
# added; wall: each kept iteration's E less its C, over the command's own
# 100 ms.

watch_n=${BENCH_WATCH_N:-20}

# watch_once COUNT FILE: a watch of COUNT iterations, its records in FILE;
# prints measure's "wall_ms cpu_ms maxrss_kb busy_ms".
watch_once() {
	HERD_MIN_INTERVAL=0 "$measure" "$build/herd-run" -F "$FLEET_SSH_CONFIG" \
	    -f "$dir/h.$watch_hosts" --concurrency "$watch_hosts" \
	    --connect-timeout "$connect_timeout" --every 250ms --count "$1" 'sleep 0.1' \
	    >"$2" 2>"$2.err" || true
	tail -n 1 "$2.err"
}

bench_watch() {
	local n=$watch_hosts one many walls notok
	hosts "$n"
	one=$(watch_once 1 "$dir/watch.1")
	many=$(watch_once $((watch_n + 1)) "$dir/watch.n")
	# each iteration after the first: E's finished_ms less C's started_ms
	walls=$(awk -F '\t' '$1 == "C" { c[$2] = $3; o[++k] = $2 } $1 == "E" { e[$2] = $3 }
	    END { for (i = 2; i <= k; i++) print e[o[i]] - c[o[i]] }' "$dir/watch.n")
	notok=$(awk -F '\t' '$1 == "R" && $4 != "ok"' "$dir/watch.n" | wc -l)
	cat <<EOF
## A watch iteration on $n kept connections

herd-run --every 250ms (fanout $n: every host at once) runs \`sleep 0.1\` on $n hosts: a watch
of 1 iteration (which connects) and one of $((watch_n + 1)); the $watch_n iterations
the second adds run on the connections kept.  CPU is herd-run's user+sys
(tests/measure), the difference of the two watches over $watch_n x $n; wall is
each of those iterations' E less its C, over the command's own 100 ms.

| hosts | iterations | CPU/host/iteration (target <= 0.2 ms) | wall, median (min-max) | over the command's 100 ms | hosts not ok |
|---:|---:|---:|---:|---:|---:|
EOF
	# shellcheck disable=SC2086
	awk -v n="$n" -v k="$watch_n" -v one="$one" -v many="$many" -v walls="$(echo $walls)" \
	    -v notok="$notok" 'BEGIN {
		split(one, a, " "); split(many, b, " ")
		cpu = (b[2] - a[2]) / k / n
		m = split(walls, w, " ")
		for (i = 1; i <= m; i++)
			for (j = i + 1; j <= m; j++)
				if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
		med = m ? w[int((m + 1) / 2)] : 0
		printf "| %d | %d | %.3f ms (%s) | %d ms (%d-%d) | %d ms | %d |\n", n, m, cpu,
		    cpu <= 0.2 ? "met" : "missed", med, m ? w[1] : 0, m ? w[m] : 0, med - 100, notok
	}'
}
