# bench/kept.sh, sourced by bench/run: BENCH_KEPT_HOSTS connections kept by
# one herd-run --serve.  tests/serve-bench opens them with a first request
# (true on every host), sends 2 more, reads the server's peak RSS (VmHWM),
# then sends nothing for BENCH_IDLE_SECONDS and reads the server's CPU.

kept_n=2

bench_kept() {
	local n=$kept_hosts k v walls="" cpu=0 connect="" ok=0 notok=0 hwm=0 idle=0 refn=0
	hosts "$n"
	"$build/tests/serve-bench" -n "$kept_n" -i "$idle_seconds" "$dir/h.$n" true -- \
	    "$build/herd-run" --serve -F "$FLEET_SSH_CONFIG" --concurrency "$fanout" \
	    --connect-timeout "$connect_timeout" \
	    >"$dir/kept.out" 2>"$dir/kept.err" || true
	while read -r k v; do
		case $k in
		connect_ms) read -r connect ok <<<"$v" ;;
		wall_ms) walls=$v ;;
		cpu_ms) cpu=$v ;;
		notok) notok=$v ;;
		hwm_end_kb) hwm=$v ;;
		idle_cpu_ms) idle=${v%% *} ;;
		esac
	done <"$dir/kept.out"
	[ -n "$connect" ] || sed 's/^/serve-bench: /' "$dir/kept.err" >&2
	[ -z "${warm_rss:-}" ] || refn=${#warm_pids[@]}
	cat <<EOF
## $n kept connections

One herd-run --serve (fanout $fanout, --connect-timeout $connect_timeout), driven
by tests/serve-bench: a first request (\`true\` on every host) opens the $n
connections, $kept_n more follow one after another, then nothing for
$idle_seconds s.  Peak RSS is the server's VmHWM at the end; idle CPU is its
user+sys over the quiet $idle_seconds s.
EOF
	# shellcheck disable=SC2086
	awk -v n="$n" -v connect="${connect:-0}" -v ok="$ok" -v walls="$walls" -v cpu="$cpu" \
	    -v reqs="$kept_n" -v notok="$notok" -v hwm="$hwm" -v idle="$idle" -v secs="$idle_seconds" \
	    -v ref="${warm_rss:-}" -v refn="$refn" 'BEGIN {
		m = split(walls, w, " ")
		for (i = 1; i <= m; i++) later = later (i > 1 ? ", " : "") sprintf("%.2f s", w[i] / 1000)
		printf "\n| connections | opening them (first request) | hosts ok | later requests, wall | CPU/host/command | peak RSS (target <= 64 MB) | idle CPU |\n"
		printf "|---:|---:|---:|---:|---:|---:|---:|\n"
		printf "| %d | %.1f s | %d | %s | %.3f ms | %.1f MB (%s) | %d ms in %d s (%.2f%% of a core) |\n",
		    n, connect / 1000, ok, m ? later : "-",
		    m ? cpu / m / n : 0, hwm / 1024, (hwm / 1024 <= 64 ? "met" : "missed"),
		    idle, secs, secs ? idle / secs / 10 : 0
		if (ref != "")
			printf "\nFor scale: the %d OpenSSH ControlMaster processes of the warm part held %s MB RSS together.\n", refn, ref
		if (notok)
			printf "\nHosts not ok in the later requests: %d.\n", notok
	}'
	if grep -q '^serve-bench: bench' "$dir/kept.err"; then
		printf '\nThe first hosts not ok, as tests/serve-bench said them:\n\n'
		grep '^serve-bench: bench' "$dir/kept.err" | head -n 5 | sed 's/^/    /'
	fi
}
