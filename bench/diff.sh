# bench/diff.sh, sourced by bench/run: the outlier diff of herd-group on two
# 100,000-line outputs with a few edits, against GNU diff on the same files.

bench_diff() {
	local w c r same=no
	awk 'BEGIN { for (i = 1; i <= 100000; i++) printf "line %d of the output, some text\n", i }' \
	    >"$dir/a.txt"
	awk '{ if (NR == 10 || NR == 50000) print "changed " NR; else if (NR == 70000) next;
	    else print; if (NR == 99999) print "inserted" }' "$dir/a.txt" >"$dir/b.txt"
	"$measure" "$build/tests/hdiff" "$dir/a.txt" "$dir/b.txt" >"$dir/hd.out" 2>"$dir/hd.time" || true
	"$measure" diff -u "$dir/a.txt" "$dir/b.txt" >"$dir/gd.out" 2>"$dir/gd.time" || true
	if diff <(grep '^[-+]' "$dir/hd.out") <(tail -n +3 "$dir/gd.out" | grep '^[-+]') >/dev/null; then
		same=yes
	fi
	echo "## Diff"
	echo
	echo "| diff of two 100,000-line outputs, 4 edits | wall | CPU | peak RSS |"
	echo "|---|---:|---:|---:|"
	read -r w c r _ < <(tail -n 1 "$dir/hd.time")
	echo "| herd (lib/diff.c, via tests/hdiff) | $w ms | $c ms | $((r / 1024)) MB |"
	read -r w c r _ < <(tail -n 1 "$dir/gd.time")
	echo "| GNU diff -u | $w ms | $c ms | $((r / 1024)) MB |"
	echo
	echo "The -/+ lines are identical to diff -u's: $same."
}
