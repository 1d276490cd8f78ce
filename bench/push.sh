# bench/push.sh, sourced by bench/run: herd push against parallel-scp (pssh),
# pdcp and clush --copy, same fanout, same run: a file of BENCH_PUSH_SMALL_MB
# (1) MiB to BENCH_PUSH_SMALL_HOSTS (200) hosts and one of BENCH_PUSH_BIG_MB
# (100) MiB to BENCH_PUSH_BIG_HOSTS (20) hosts, each tool BENCH_PUSH_N (3)
# times, the median.  The fleet's hosts share one file system: every tool
# writes one path of its own in a directory of the fleet user, the same path
# for every host (herd renames each host's checked copy onto it).  The peers
# use the tuned ssh_config (curve25519, as libssh).

push_small_hosts=${BENCH_PUSH_SMALL_HOSTS:-200}
push_big_hosts=${BENCH_PUSH_BIG_HOSTS:-20}
push_small_mb=${BENCH_PUSH_SMALL_MB:-1}
push_big_mb=${BENCH_PUSH_BIG_MB:-100}
push_n=${BENCH_PUSH_N:-3}

# push_one TOOL N FILE DEST: "wall cpu rss busy" of one copy by TOOL to N hosts;
# "- - - -" when it failed or took over BENCH_PUSH_LIMIT (900) seconds (pdcp
# was once seen waiting for ever on one host).
push_one() {
	local tool=$1 n=$2 file=$3 dest=$4 list cfg=$FLEET_SSH_CONFIG_TUNED rc=0
	local limit="timeout -k 10 ${BENCH_PUSH_LIMIT:-900}"
	list=$(paste -sd, "$dir/hosts.$n")
	rm -f "$dest"
	case $tool in
	herd)
		HERD_CONFIG="$FLEET_CONFIG" HERD_EXEC_PATH="$build" "$measure" $limit "$build/herd" push \
		    -F "$FLEET_SSH_CONFIG" --fanout "$fanout" --timeout 0 --no-history \
		    --connect-timeout "$connect_timeout" --hosts-file "$dir/hosts.$n" \
		    "$file" "$dest" ;;
	parallel-scp)
		"$measure" $limit parallel-scp -h "$dir/hosts.$n" -x "-F $cfg" -p "$fanout" -t 0 \
		    "$file" "$dest" ;;
	pdcp)
		PDSH_SSH_ARGS_APPEND="-F $cfg" "$measure" $limit pdcp -R ssh -l "$FLEET_USER" \
		    -f "$fanout" -w "$list" "$file" "$dest" ;;
	clush)
		"$measure" $limit clush -q -f "$fanout" -o "-F $cfg" -w "$list" --copy "$file" \
		    --dest "$dest" ;;
	esac >/dev/null 2>"$dir/push.err" || rc=$?
	# a copy that did not arrive whole is not a time
	if [ "$rc" != 0 ] || ! cmp -s "$file" "$dest"; then
		echo "bench/push: $tool to $n hosts: exit $rc, or $dest is not the file" >&2
		tail -n 5 "$dir/push.err" >&2
		echo "- - - -"
		return
	fi
	# measure's line comes last, maybe after a progress line without its end (clush)
	tail -n 1 "$dir/push.err" | awk '{ print $(NF - 3), $(NF - 2), $(NF - 1), $NF }'
}

push_measure() {
	local mb n file tool i dest
	install -d -m 777 "$dir/push"
	for mb in "$push_small_mb" "$push_big_mb"; do
		n=$push_small_hosts
		[ "$mb" = "$push_big_mb" ] && n=$push_big_hosts
		hosts "$n"
		file="$dir/push-$mb.bin"
		head -c $((mb << 20)) /dev/urandom >"$file"
		chmod 644 "$file"
		for tool in herd parallel-scp pdcp clush; do
			dest="$dir/push/$tool-$mb"
			for i in $(seq "$push_n"); do
				echo "$mb $n $tool $(push_one "$tool" "$n" "$file" "$dest")" >>"$dir/push.rows"
			done
			rm -f "$dest"
		done
	done
}

# The median of each tool's runs, then herd against the fastest peer.
push_tables() {
	awk -v fanout="$fanout" -v cores="$cores" '
function med(s,   a, k, i, j, t) {
	k = split(s, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((k + 1) / 2)]
}
{
	key = $1 SUBSEP $2 SUBSEP $3
	if (!(key in seen)) { seen[key] = 1; order[++n] = key }
	if ($4 == "-") { bad[key]++; next }
	wall[key] = wall[key] " " $4; cpu[key] = cpu[key] " " $5; rss[key] = rss[key] " " $6
}
END {
	printf "## Push\n\n"
	printf "A file to every host at once, fanout %d for every tool, %d cores, the median\n", fanout, cores
	printf "of the runs; the peers with the tuned ssh_config (curve25519).  herd push\n"
	printf "streams the file once read on each exec channel, and each host checks\n"
	printf "size and SHA-256 before the rename; the peers write the path directly.\n"
	printf "client CPU = user+sys of the client process tree.\n\n"
	printf "| file | hosts | tool | wall | client CPU | peak RSS | failed runs |\n"
	printf "|---:|---:|---|---:|---:|---:|---:|\n"
	for (i = 1; i <= n; i++) {
		split(order[i], k, SUBSEP)
		if (wall[order[i]] == "") {
			printf "| %d MiB | %d | %s | - | - | - | %d |\n", k[1], k[2], k[3], bad[order[i]]
			continue
		}
		w = med(wall[order[i]]); c = med(cpu[order[i]]); r = med(rss[order[i]])
		printf "| %d MiB | %d | %s | %.2f s | %.2f s | %.1f MB | %d |\n", k[1], k[2], k[3],
		    w / 1000, c / 1000, r / 1024, bad[order[i]]
		size = k[1] SUBSEP k[2]
		if (k[3] == "herd") herd[size] = w
		else if (!(size in best) || w < best[size]) { best[size] = w; bestname[size] = k[3] }
		if (!(size in sizes)) { sizes[size] = 1; sorder[++ns] = size }
	}
	printf "\n| file | hosts | herd push | fastest peer | herd / it |\n|---:|---:|---:|---|---:|\n"
	for (i = 1; i <= ns; i++) {
		split(sorder[i], k, SUBSEP)
		if (!(sorder[i] in herd) || !(sorder[i] in best)) continue
		printf "| %d MiB | %d | %.2f s | %s %.2f s | %.2f |\n", k[1], k[2],
		    herd[sorder[i]] / 1000, bestname[sorder[i]], best[sorder[i]] / 1000,
		    herd[sorder[i]] / best[sorder[i]]
	}
}' "$dir/push.rows"
}

bench_push() {
	: >"$dir/push.rows"
	push_measure
	push_tables
}
