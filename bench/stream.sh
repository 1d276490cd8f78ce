# bench/stream.sh, sourced by bench/run: streamed output.
#   throughput  BENCH_STREAM_HOSTS hosts each print BENCH_STREAM_LINES lines
#               (seq) at once; herd-run --stream into a file, pdsh into a file
#   latency     the same hosts each print a line every 20 ms, 100 of them, the
#               time it printed it in it (ns); tests/stream-lat reads the
#               stream from a pipe and tells how late each line came

stream_stamps='stamps 100 20 2'

# bin/stamps COUNT INTERVAL_MS DELAY_S on the hosts: after DELAY_S (while the
# other hosts connect), COUNT lines, each the time it was printed, in ns.
stream_bin() {
	cat >"$FLEET_BIN/stamps" <<'EOF'
#!/usr/bin/perl
use Time::HiRes qw(time sleep);
$| = 1;
my ($n, $ms, $delay) = @ARGV;
sleep $delay;
for (1 .. $n) { printf "%.0f\n", time() * 1e9; sleep $ms / 1000; }
EOF
	chmod 755 "$FLEET_BIN/stamps"
}

# stream_notok FILE: the hosts whose R record in FILE is not ok.
stream_notok() { awk -F '\t' '$1 == "R" && $4 != "ok"' "$1" | wc -l; }

# stream_stat FILE KEY: the values of KEY in a stream-lat output.
stream_stat() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$1"; }

stream_throughput() {
	local n=$stream_hosts cmd="seq 1 $stream_lines" list w c r chunks first last lines bad
	list=$(paste -sd, "$dir/hosts.$n")
	"$measure" "$build/herd-run" -F "$FLEET_SSH_CONFIG" --concurrency "$n" --stream \
	    --connect-timeout "$connect_timeout" -f "$dir/h.$n" -- "$cmd" >"$dir/stream.out" \
	    2>"$dir/err" || true
	read -r w c r _ < <(tail -n 1 "$dir/err")
	"$build/tests/stream-lat" <"$dir/stream.out" >"$dir/stream.stat"
	read -r chunks first last < <(stream_stat "$dir/stream.stat" chunks)
	lines=$(stream_stat "$dir/stream.stat" chunk_lines)
	bad=$(stream_notok "$dir/stream.out")
	awk -v n="$n" -v l="$lines" -v w="$w" -v c="$c" -v r="$r" -v d="$((last - first + 1))" \
	    -v bad="$bad" 'BEGIN {
		printf "| herd-run --stream | %d | %d | %d | %.2f s | %d ms | %.1f MB | %.0f | %.0f |\n",
		    n, bad, l, w / 1000, c, r / 1024, l * 1000 / w, l * 1000 / d }'
	"$measure" env PDSH_SSH_ARGS_APPEND="-F $FLEET_SSH_CONFIG_TUNED" pdsh -R ssh \
	    -l "$FLEET_USER" -f "$n" -w "$list" "$cmd" >"$dir/pdsh.out" 2>"$dir/err" || true
	read -r w c r _ < <(tail -n 1 "$dir/err")
	lines=$(wc -l <"$dir/pdsh.out")
	awk -v n="$n" -v l="$lines" -v w="$w" -v c="$c" -v r="$r" 'BEGIN {
		printf "| pdsh -R ssh (tuned) | %d | | %d | %.2f s | %d ms | %.1f MB | %.0f | |\n",
		    n, l, w / 1000, c, r / 1024, l * 1000 / w }'
	rm -f "$dir/stream.out" "$dir/pdsh.out"
}

stream_latency() {
	local n=$stream_hosts list
	list=$(paste -sd, "$dir/hosts.$n")
	"$build/herd-run" -F "$FLEET_SSH_CONFIG" --concurrency "$n" --stream \
	    --connect-timeout "$connect_timeout" -f "$dir/h.$n" -- "$stream_stamps" 2>/dev/null |
	    "$build/tests/stream-lat" -o "$dir/lat.out" >"$dir/lat.stat" || true
	printf '| herd-run --stream | %s | %s | %s | %s |\n' "$(stream_notok "$dir/lat.out")" \
	    "$(stream_stat "$dir/lat.stat" stamped)" \
	    "$(stream_stat "$dir/lat.stat" recv_ms | sed 's/ / \/ /g')" \
	    "$(stream_stat "$dir/lat.stat" here_ms | sed 's/ / \/ /g')"
	env PDSH_SSH_ARGS_APPEND="-F $FLEET_SSH_CONFIG_TUNED" pdsh -R ssh -l "$FLEET_USER" \
	    -f "$n" -w "$list" "$stream_stamps" 2>/dev/null |
	    "$build/tests/stream-lat" >"$dir/lat.stat" || true
	printf '| pdsh -R ssh (tuned) | | %s | | %s |\n' "$(stream_stat "$dir/lat.stat" stamped)" \
	    "$(stream_stat "$dir/lat.stat" here_ms | sed 's/ / \/ /g')"
}

bench_stream() {
	hosts "$stream_hosts"
	stream_bin
	cat <<EOF
## Streaming

$stream_hosts hosts each run \`seq 1 $stream_lines\` at once ($((stream_hosts * stream_lines)) lines; fanout
$stream_hosts), their output written into a file as it arrives: herd-run --stream
writes an L record per line (run, host, stream, receive time, the line),
pdsh a \`host: line\` line.  lines/s over the wall time counts the
connecting too; over the chunks, from the first chunk's receive time to the
last one's (target >= 200,000 lines/s).  client CPU is the tool's process
tree.  herd-run: --connect-timeout $connect_timeout.

| tool | hosts | not ok | lines | wall | client CPU | peak RSS | lines/s, wall | lines/s, chunks |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
	stream_throughput
	cat <<EOF

The latency of a line: the same hosts each print 100 lines 20 ms apart, each
line the time the host printed it (ns, Time::HiRes; the hosts wait 2 s
first, while the others connect); the stream goes through a pipe into
tests/stream-lat.  receive = the L record's receive time (ms) - the printed
time; to the reader = when the reader's read(2) returned the line - the
printed time (target p99 < 50 ms).

| tool | hosts not ok | lines | receive p50 / p99 / max, ms | to the reader p50 / p99 / max, ms |
|---|---:|---:|---:|---:|
EOF
	stream_latency
}
