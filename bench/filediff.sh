# bench/filediff.sh, sourced by bench/run: herd diff of a BENCH_FILEDIFF_MB
# (1) MiB file on BENCH_FILEDIFF_HOSTS (200) hosts, BENCH_FILEDIFF_N (3)
# times, the median: wall, client CPU (the whole pipeline) and the peak RSS
# of its largest process; recorded in the history as a user's run is, and
# with --no-history.  The fleet's hosts share one file system, so every
# copy is identical: this measures reading, carrying and grouping the
# copies (bench diff measures the diff itself).

filediff_hosts=${BENCH_FILEDIFF_HOSTS:-200}
filediff_mb=${BENCH_FILEDIFF_MB:-1}
filediff_n=${BENCH_FILEDIFF_N:-3}

# filediff_one MODE: "wall cpu rss busy" of one herd diff; MODE history or
# no-history.
filediff_one() {
	local extra=
	[ "$1" = no-history ] && extra=--no-history
	HOME="$dir/filediff-home" HERD_CONFIG="$FLEET_CONFIG" HERD_EXEC_PATH="$build" \
	    "$measure" "$build/herd" diff -F "$FLEET_SSH_CONFIG" --fanout "$fanout" \
	    --timeout 0 --connect-timeout "$connect_timeout" $extra \
	    --hosts-file "$dir/hosts.$filediff_hosts" "$dir/filediff.bin" \
	    >"$dir/filediff.out" 2>"$dir/filediff.err" || true
	# a run that did not compare every copy is not a time
	if ! tail -n 1 "$dir/filediff.out" |
	    grep -qx "$filediff_hosts files compared, 0 differ"; then
		echo "bench/filediff: herd diff on $filediff_hosts hosts did not compare them" >&2
		tail -n 5 "$dir/filediff.out" "$dir/filediff.err" >&2
		echo "- - - -"
		return
	fi
	tail -n 1 "$dir/filediff.err"
}

bench_filediff() {
	local mode i
	hosts "$filediff_hosts"
	mkdir -p "$dir/filediff-home"
	head -c $((filediff_mb << 20)) /dev/urandom | base64 -w 76 |
	    head -c $((filediff_mb << 20)) >"$dir/filediff.bin"
	chmod 644 "$dir/filediff.bin"
	: >"$dir/filediff.rows"
	for mode in history no-history; do
		for i in $(seq "$filediff_n"); do
			echo "$mode $(filediff_one "$mode")" >>"$dir/filediff.rows"
		done
	done
	awk -v n="$filediff_hosts" -v mb="$filediff_mb" -v fanout="$fanout" -v cores="$cores" '
function med(s,   a, k, i, j, t) {
	k = split(s, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((k + 1) / 2)]
}
{
	if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 }
	if ($2 == "-") { bad[$1]++; next }
	wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " $3; rss[$1] = rss[$1] " " $4
}
END {
	printf "## File diff\n\n"
	printf "herd diff of a %d MiB text file on %d hosts, fanout %d, %d cores, the median\n", mb, n, fanout, cores
	printf "of the runs; every copy identical (one file system).  client CPU = user+sys\n"
	printf "of the pipeline (herd-select, herd-run, herd-hist record, herd-group); peak\n"
	printf "RSS = its largest process.\n\n"
	printf "| history | wall | client CPU | CPU per host | peak RSS | failed runs |\n"
	printf "|---|---:|---:|---:|---:|---:|\n"
	for (i = 1; i <= m; i++) {
		k = order[i]
		if (wall[k] == "") { printf "| %s | - | - | - | - | %d |\n", k, bad[k]; continue }
		w = med(wall[k]); c = med(cpu[k]); r = med(rss[k])
		label = k == "history" ? "recorded" : "--no-history"
		printf "| %s | %.2f s | %.2f s | %.2f ms | %.1f MB | %d |\n", label,
		    w / 1000, c / 1000, c / n, r / 1024, bad[k] + 0
	}
}' "$dir/filediff.rows"
}
