# bench/warm.sh, sourced by bench/run: a command on BENCH_WARM_HOSTS hosts
# whose connections are already up, BENCH_WARM_N times, one after another.
#   herd-run --serve     tests/serve-bench sends one Q, waits for its E, and
#                        so on; CPU: the server's, from /proc/PID/stat
#   herd exec --mux      (when built) through the mux socket; CPU: the herd
#                        exec process tree and the mux server
#   parallel-ssh, pdsh,  OpenSSH multiplexing, warm: ControlMaster auto,
#   clush                ControlPersist, curve25519 (ssh_config.tuned), the
#                        masters started before; CPU: the tool's process
#                        tree and the masters

warm_cmds=("true" "uname -r")

# The ssh options of a multiplexed peer; [PCT], what a % is written as.
warm_cm() {
	printf -- '-F %s -o ControlMaster=auto -o ControlPath=%s/cm/%sC -o ControlPersist=60' \
	    "$FLEET_SSH_CONFIG_TUNED" "$dir" "${1:-%}"
}

# warm_peer TOOL CMD: peer=(the peer's command line on the warm hosts).
warm_peer() {
	local list cm
	list=$(paste -sd, "$dir/hosts.$warm_hosts")
	cm=$(warm_cm)
	case $1 in
	parallel-ssh) peer=(parallel-ssh -h "$dir/hosts.$warm_hosts" -x "$cm" -p "$fanout" -t 0 -i "$2") ;;
	pdsh) peer=(env PDSH_SSH_ARGS_APPEND="$cm" pdsh -R ssh -l "$FLEET_USER" -f "$fanout"
	    -w "$list" "$2") ;;
	# (clush reads % as its own interpolation)
	clush) peer=(clush -f "$fanout" -o "$(warm_cm %%)" -w "$list" "$2") ;;
	esac
}

# The ControlPersist masters' pids; warm_cpu PID...: their user+sys in ms,
# from /proc/PID/stat; warm_run_ms PID...: their time on a CPU in ms, from
# /proc/PID/schedstat (in ns: a master's share of a command is far below
# the clock tick /proc/PID/stat counts in).
warm_masters() {
	local p
	grep -l -a -F "ssh: $dir/cm/" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3 |
	    while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = ssh ] && echo "$p"; done
	return 0
}
warm_cpu() {
	local p
	for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done |
	    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); s += $12 + $13 }
	    END { print int(s * 1000 / hz) }'
}

warm_run_ms() {
	local p
	for p in "$@"; do cat "/proc/$p/schedstat" 2>/dev/null; done |
	    awk '{ s += $1 } END { print int(s / 1000000) }'
}

# warm_said ERR: whether the tool said something on stderr (a host failed;
# measure's own line is the last).
warm_said() { [ "$(wc -l <"$1")" -gt 1 ]; }

# warm_row TOOL CMD CONNECTIONS WALLS CPU_MS [NOTE]: a row; CPU over all the commands.
warm_row() {
	local -a w
	read -ra w <<<"$4"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(median "${w[@]}")" \
	    "$(printf '%s\n' "${w[@]}" | sort -g | head -n 1)" \
	    "$(printf '%s\n' "${w[@]}" | sort -g | tail -n 1)" \
	    "$(awk -v c="$5" -v n="${#w[@]}" -v h="$warm_hosts" 'BEGIN { printf "%.3f", c / n / h }')" \
	    "${6:-}" >>"$dir/warm"
}

warm_serve() {
	local cmd=$1 k v walls="" cpu=0 connect=0 notok=0
	"$build/tests/serve-bench" -n "$warm_n" "$dir/h.$warm_hosts" "$cmd" -- \
	    "$build/herd-run" --serve -F "$FLEET_SSH_CONFIG" --concurrency "$fanout" \
	    --connect-timeout "$connect_timeout" \
	    >"$dir/serve.out" 2>"$dir/serve.err" || true
	while read -r k v; do
		case $k in
		wall_ms) walls=$v ;;
		cpu_ms) cpu=$v ;;
		connect_ms) connect=${v%% *} ;;
		notok) notok=$v ;;
		esac
	done <"$dir/serve.out"
	[ -n "$walls" ] || { sed 's/^/serve-bench: /' "$dir/serve.err" >&2; return 0; }
	warm_row "herd-run --serve" "$cmd" "kept by herd-run" "$walls" "$cpu" \
	    "opening them took $(secs "$connect"); hosts not ok: $notok"
}

# herd exec through the mux, if this build has one.
warm_mux() {
	local cmd=$1 started pid i wall tree walls="" cpu=0 c0 c1 notok=0
	local opts=(-c "$FLEET_CONFIG" -F "$FLEET_SSH_CONFIG")
	"$build/herd" exec --help 2>&1 | grep -q -- '--mux' || return 0
	export XDG_RUNTIME_DIR="$dir/xdg"
	mkdir -m 700 "$XDG_RUNTIME_DIR" 2>/dev/null || true
	if ! started=$("$build/herd" mux start "${opts[@]}" 2>&1); then
		printf '\nNo herd exec --mux row: `herd mux start` said: %s\n' \
		    "$(head -n 1 <<<"$started")" >"$dir/warm.note"
		return 0
	fi
	pid=$(sed -n 's/.*(pid \([0-9]*\).*/\1/p' <<<"$started")
	for ((i = 0; i <= warm_n; i++)); do	# the first opens the connections
		c0=$(warm_cpu "$pid")
		"$measure" "$build/herd" exec "${opts[@]}" --mux auto -f "$fanout" \
		    --hosts-file "$dir/hosts.$warm_hosts" -- "$cmd" >/dev/null 2>"$dir/err" ||
		    notok=$((notok + (i > 0)))
		c1=$(warm_cpu "$pid")
		warm_said "$dir/err" && notok=$((notok + (i > 0)))
		read -r wall tree _ < <(tail -n 1 "$dir/err")
		((i == 0)) && continue
		walls="$walls $wall"
		cpu=$((cpu + tree + c1 - c0))
	done
	"$build/herd" mux stop "${opts[@]}" >/dev/null 2>&1 || true
	warm_row "herd exec --mux" "$cmd" "kept by the mux" "$walls" "$cpu" \
	    "herd exec's processes and the mux server; runs not ok: $notok"
}

warm_peers() {
	local cmd=$1 tool i wall cpu walls tree masters c0 c1 peer notok
	for tool in parallel-ssh pdsh clush; do
		walls="" tree=0 masters=0 notok=0
		warm_peer "$tool" "$cmd"
		"${peer[@]}" >/dev/null 2>&1 || true	# unmeasured: every master is used once
		for ((i = 0; i < warm_n; i++)); do
			c0=$(warm_run_ms "${warm_pids[@]}")
			"$measure" "${peer[@]}" >/dev/null 2>"$dir/err" || notok=$((notok + 1))
			c1=$(warm_run_ms "${warm_pids[@]}")
			warm_said "$dir/err" && notok=$((notok + 1))
			read -r wall cpu _ < <(tail -n 1 "$dir/err")
			walls="$walls $wall"
			tree=$((tree + cpu))
			masters=$((masters + c1 - c0))
		done
		warm_row "$tool" "$cmd" "OpenSSH ControlMaster" "$walls" "$((tree + masters))" \
		    "$(awk -v t="$tree" -v m="$masters" -v n="$warm_n" -v h="$warm_hosts" \
		    -v bad="$notok" 'BEGIN { printf "ssh clients %.3f + masters %.3f ms; runs not ok: %d",
		    t / n / h, m / n / h, bad }')"
	done
}

# The masters: started by one pdsh run, then kept by ControlPersist.
warm_start_masters() {
	local peer p
	mkdir -p "$dir/cm"
	warm_peer pdsh true
	"${peer[@]}" >/dev/null 2>&1 || true
	sleep 1
	mapfile -t warm_pids < <(warm_masters)
	warm_rss=$(for p in "${warm_pids[@]}"; do cat "/proc/$p/status" 2>/dev/null; done |
	    awk '$1 == "VmRSS:" { s += $2 } END { printf "%.0f", s / 1024 }')
}

warm_stop_masters() {
	[ "${#warm_pids[@]}" -eq 0 ] || kill "${warm_pids[@]}" 2>/dev/null || true
}

warm_table() {
	awk -F '\t' -v hosts="$warm_hosts" '
	function s(ms) { return sprintf("%.3f s", ms / 1000) }
	{ row[NR] = $0 }
	$1 !~ /^herd/ && (!($2 in best) || $4 + 0 < best[$2]) { best[$2] = $4 + 0; bestname[$2] = $1 }
	$1 ~ /^herd/ { hrow[++nh] = NR }
	END {
		print "| command | hosts | tool | connections | wall, median | fastest - slowest | client CPU/host/command | CPU from |"
		print "|---|---:|---|---|---:|---:|---:|---|"
		for (i = 1; i <= NR; i++) {
			split(row[i], f, "\t")
			printf "| `%s` | %d | %s | %s | %s | %s - %s | %.3f ms | %s |\n", f[2], hosts, f[1],
			    f[3], s(f[4]), s(f[5]), s(f[6]), f[7], f[8]
		}
		print ""
		print "| command | herd | wall | fastest warm peer | its wall | peer / herd (target >= 3) | herd CPU/host/command (target <= 0.2 ms) |"
		print "|---|---|---:|---|---:|---:|---:|"
		for (i = 1; i <= nh; i++) {
			split(row[hrow[i]], f, "\t")
			r = f[4] > 0 ? best[f[2]] / f[4] : 0
			printf "| `%s` | %s | %s | %s | %s | %.2f (%s) | %.3f ms (%s) |\n", f[2], f[1], s(f[4]),
			    bestname[f[2]], s(best[f[2]]), r, (r >= 3 ? "met" : "missed"), f[7],
			    (f[7] <= 0.2 ? "met" : "missed")
		}
	}' "$dir/warm"
}

bench_warm() {
	local cmd
	: >"$dir/warm"
	rm -f "$dir/warm.note"
	hosts "$warm_hosts"
	warm_start_masters
	for cmd in "${warm_cmds[@]}"; do
		warm_serve "$cmd"
		warm_mux "$cmd"
		warm_peers "$cmd"
	done
	warm_stop_masters
	cat <<EOF
## Warm exec: kept connections

A command on $warm_hosts hosts whose SSH connections are already up, $warm_n
times one after another.  The wall is from asking to having every host's
result, the median of the $warm_n.  herd-run --serve is driven by
tests/serve-bench (one Q, then wait for its E); its CPU is the server's,
from /proc/PID/stat over the $warm_n requests.  The peers go through OpenSSH
multiplexing: \`ControlMaster auto\`, \`ControlPersist 60\`, curve25519-sha256,
the $warm_hosts masters started before (${#warm_pids[@]} of them, $warm_rss MB RSS together);
their CPU is the tool's process tree (a new ssh client per host) and the
masters' (their time on a CPU, from /proc/PID/schedstat).  A run is not ok
when the tool exits non-zero or says anything on stderr.  Fanout $fanout for every tool (herd-run: --connect-timeout
$connect_timeout); CPU per host per command is the CPU over the $warm_n commands
/ ($warm_n x $warm_hosts).

EOF
	warm_table
	cat "$dir/warm.note" 2>/dev/null || true
}
