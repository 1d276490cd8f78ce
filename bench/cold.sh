# bench/cold.sh, sourced by bench/run: one-shot runs, a new SSH connection
# per host, herd-run against the peers at BENCH_SIZES hosts.  The peers run
# twice: with the fleet's ssh_config as is (OpenSSH 9.2's default key
# exchange, sntrup761x25519) and tuned (curve25519-sha256, what libssh uses
# by default).  Then herd-run's rows against the previous bench/RESULTS.md.

# cold_run NAME SETTING N CMD -- TOOL ARGS...: one measured run, output discarded.
cold_run() {
	local name=$1 setting=$2 n=$3 cmd=$4 line
	shift 5
	# measure prints its line last on stderr, after the tool's own stderr.
	"$measure" "$@" >/dev/null 2>"$dir/err" || true
	line=$(tail -n 1 "$dir/err")
	echo "$name $setting $n ${cmd// /_} $line" >>"$dir/cold"
}

cold_measure() {
	local cmd n list setting cfg
	for cmd in true "uname -r"; do
		for n in $sizes; do
			hosts "$n"
			list=$(paste -sd, "$dir/hosts.$n")
			cold_run herd-run libssh "$n" "$cmd" -- "$build/herd-run" -F "$FLEET_SSH_CONFIG" \
			    --concurrency "$fanout" -f "$dir/h.$n" -- "$cmd"
			for setting in default tuned; do
				cfg=$FLEET_SSH_CONFIG
				[ "$setting" = tuned ] && cfg=$FLEET_SSH_CONFIG_TUNED
				cold_run parallel-ssh "$setting" "$n" "$cmd" -- parallel-ssh \
				    -h "$dir/hosts.$n" -x "-F $cfg" -p "$fanout" -t 0 -i "$cmd"
				cold_run pdsh "$setting" "$n" "$cmd" -- env PDSH_SSH_ARGS_APPEND="-F $cfg" \
				    pdsh -R ssh -l "$FLEET_USER" -f "$fanout" -w "$list" "$cmd"
				cold_run clush "$setting" "$n" "$cmd" -- clush -f "$fanout" -o "-F $cfg" \
				    -w "$list" "$cmd"
			done
		done
	done
}

# The measured rows, then herd-run's summary against the floor and the peers.
cold_tables() {
	awk -v cores="$cores" -v fanout="$fanout" -v fleet="$max" '
function ms(x) { return sprintf("%.2f s", x / 1000) }
{
	tool = $1; set = $2; n = $3; cmd = $4; wall = $5; cpu = $6; rss = $7; busy = $8
	key = cmd SUBSEP n
	row[++rows] = $0
	if (tool == "herd-run") {
		hwall[key] = wall; hcpu[key] = cpu
		floor[key] = (busy - cpu) / cores
	} else if (!((key, set) in best) || wall < best[key, set]) {
		best[key, set] = wall; bestname[key, set] = tool
	}
}
END {
	printf "## Cold one-shot runs\n\n"
	printf "A new SSH connection per host and command.  Fleet: loopback OpenSSH 9.2 sshd\n"
	printf "(%d hosts), %d cores, fanout %d for every tool.\n", fleet, cores, fanout
	printf "client CPU = user+sys of the whole client process tree; RSS = largest process;\n"
	printf "machine = all CPUs busy while it ran; floor = (machine - client CPU) / cores,\n"
	printf "the sshd side alone, measured during the herd-run row.\n\n"
	printf "herd-run is one event loop over non-blocking libssh sessions: no process or\n"
	printf "thread per host, so its client CPU is the SSH handshake itself (key exchange,\n"
	printf "host key check, one signature), about 1 ms per host, where the peers spend\n"
	printf "13-70 ms per host on an ssh process each.  The machine is then busy with\n"
	printf "the sshd side, and the wall time follows the floor.\n\n"
	printf "| command | hosts | tool | ssh setting | wall | client CPU | CPU/host | peak RSS | machine CPU |\n"
	printf "|---|---:|---|---|---:|---:|---:|---:|---:|\n"
	for (i = 1; i <= rows; i++) {
		split(row[i], f, " ")
		c = f[4]; gsub("_", " ", c)
		printf "| `%s` | %d | %s | %s | %s | %d ms | %.2f ms | %.1f MB | %s |\n",
		    c, f[3], f[1], f[2], ms(f[5]), f[6], f[6] / f[3], f[7] / 1024, ms(f[8])
	}
	printf "\n| command | hosts | herd-run wall | sshd floor | herd / floor | fastest default peer | herd / it | fastest tuned peer | herd / it | herd CPU/host |\n"
	printf "|---|---:|---:|---:|---:|---|---:|---|---:|---:|\n"
	for (i = 1; i <= rows; i++) {
		split(row[i], f, " ")
		if (f[1] != "herd-run") continue
		key = f[4] SUBSEP f[3]; c = f[4]; gsub("_", " ", c)
		printf "| `%s` | %d | %s | %s | %.2f | %s %s | %.2f | %s %s | %.2f | %.2f ms |\n",
		    c, f[3], ms(hwall[key]), ms(floor[key]), hwall[key] / (floor[key] > 0 ? floor[key] : 1),
		    bestname[key, "default"], ms(best[key, "default"]), hwall[key] / best[key, "default"],
		    bestname[key, "tuned"], ms(best[key, "tuned"]), hwall[key] / best[key, "tuned"],
		    hcpu[key] / f[3]
	}
}' "$dir/cold"
}

# herd-run's summary rows now against those of BASE (a RESULTS.md).
cold_against() {
	local base=$1 date
	date=$(sed -n 's/^Produced by `make bench` on \([0-9-]*\).*/\1/p' "$base" | head -n 1)
	printf '\n### herd-run cold, this run against the one of %s\n\n' "${date:-before}"
	cat <<EOF
From the summary table above and the one in bench/RESULTS.md before this run.
Wall times move with the machine's load and with the fleet's size (every
sshd connection reads the whole sshd_config, a Match block per fleet host),
so the load- and fleet-independent columns are the client CPU per host,
herd-run's wall over the sshd floor and over the fastest tuned peer of the
same run.

| command | hosts | wall then | wall now | herd / floor then | now | herd / tuned peer then | now | CPU/host then | now |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
	# rows of the summary: | `cmd` | n | wall | floor | h/f | peer w | h/p | peer w | h/p | cpu |
	awk -F ' *\\| *' '
	FNR == 1 { file++ }
	$2 ~ /^`/ && NF == 12 && $11 ~ /ms$/ {
		key = $2 SUBSEP $3
		if (file == 1) { w0[key] = $4; f0[key] = $6; p0[key] = $10; c0[key] = $11 }
		else { order[++n] = key; w1[key] = $4; f1[key] = $6; p1[key] = $10; c1[key] = $11 }
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, kk, SUBSEP)
			if (!(k in w0)) continue
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", kk[1], kk[2],
			    w0[k], w1[k], f0[k], f1[k], p0[k], p1[k], c0[k], c1[k]
		}
	}' "$base" "$dir/cold.md"
}

bench_cold() {
	: >"$dir/cold"
	cold_measure
	cold_tables >"$dir/cold.md"
	cat "$dir/cold.md"
	if [ -s "$dir/baseline.md" ]; then
		cold_against "$dir/baseline.md"
	fi
}
