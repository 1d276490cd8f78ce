bats_require_minimum_version 1.5.0
load helper

# herd-group: result records in, the grouped view out.  The records are
# written by hand with tests/tools/rec-make, escaped and with digests as
# herd-run writes them (herd-records(5)); no host is ever contacted.

setup() {
	T="$BATS_TEST_TMPDIR"
	RUN=7
	TMUX_SOCK=
}

teardown() {
	[ -n "$TMUX_SOCK" ] && tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	return 0
}

# --- helpers ---------------------------------------------------------------------

# H NAME [ADDRESS PORT USER TAGS GROUPS TIMEOUT_MS]: a host record.
H() { rec-make H "$1" "${2-}" "${3-}" "${4-}" "${5-}" "${6-}" "${7-}"; }
# C COMMAND [SELECTION]: run $RUN begins.
C() { rec-make C "$RUN" 1764150000000 "$1" "${2-}"; }
# R HOST STATUS EXIT [STDOUT [STDERR [ERROR [HINT]]]]: a result of run $RUN,
# with its sha256 computed.  RX is the same with record escapes (\x00) undone.
R() { rec-make R "$RUN" "$1" "$2" "$3" 42 - "${4-}" "${5-}" "${6-}" "${7-}"; }
RX() { rec-make -x R "$RUN" "$1" "$2" "$3" 42 - "${4-}" "${5-}" "${6-}" "${7-}"; }
# E OK NONZERO FAILED TIMEOUT: run $RUN ends.
E() { rec-make E "$RUN" 1764150000415 "${1:-0}" "${2:-0}" "${3:-0}" "${4:-0}"; }

# The run of the issue: the norm, an outlier, an exit code, a failure, a timeout.
mixed() {
	{
		echo '#herd-records 1'
		H web-01 10.0.0.1 '' deploy nginx,prod web
		H web-02 10.0.0.2 '' deploy nginx,prod web
		H web-03 10.0.0.3 2222 '' nginx,staging web 5000
		H web-04 10.0.0.4 '' '' prod web
		H web-05 '' '' '' staging web
		H web-06 '' '' '' prod web
		H web-07
		C 'uname -r' '-g web'
		R web-01 ok 0 $'6.1.0-18-amd64\n'
		R web-02 ok 0 $'6.1.0-18-amd64\n'
		R web-04 ok 0 $'6.1.0-17-amd64\n'
		R web-03 ok 0 $'6.1.0-18-amd64\n'
		R web-05 nonzero 3 $'inactive\n'
		R web-06 failed '' '' '' 'connect: connection refused' \
		    'check that sshd is running'
		R web-07 timeout '' $'partial\n' '' 'timed out after 2s'
		E 4 1 1 1
	} >"$T/mixed"
}

MIXED_TEXT=' 3 hosts identical:
   web-[01-03]
   6.1.0-18-amd64

 1 host differs:
   web-04
   6.1.0-17-amd64

   --- norm (3 hosts)
   +++ web-04
   @@ -1 +1 @@
   -6.1.0-18-amd64
   +6.1.0-17-amd64

 1 host exited with code 3:
   web-05
   inactive

 1 host failed:
   web-06 (connect: connection refused)
     hint: check that sshd is running

 1 host timed out:
   web-07 (timed out after 2s)
     partial

4 succeeded (1 differs), 1 non-zero exit, 1 failed, 1 timeout'

# One group of identical results for the hosts named; prints the host line.
hostline() {
	local h
	for h in "$@"; do R "$h" ok 0 $'same\n'; done >"$T/fold"
	herd-group "$T/fold" | sed -n 2p
}


# No byte but TAB, LF and printable ASCII in FILE.
only_plain_ascii() {
	if LC_ALL=C grep -qa $'[^\t -~]' "$1"; then
		echo "raw control or non-ASCII bytes in $1:" >&2
		LC_ALL=C grep -na $'[^\t -~]' "$1" | od -c | head -20 >&2
		return 1
	fi
}

# gen_pairs FIRST LAST DIR: for each SEED from FIRST to LAST, two related
# texts made up from SEED, DIR/gSEED.a and DIR/gSEED.b: lines of a small
# alphabet (so that lines repeat), some deleted, changed or inserted (also
# at either end), some without a final newline, some long, some empty.
# One awk writes them all.
gen_pairs() {
	mkdir -p "$3"
	awk -v first="$1" -v last="$2" -v dir="$3" '
	function rnd(n) { seed = (seed * 69069 + 12345) % 4294967296; return int(seed / 65536) % n }
	function line() { return substr("abcdefghijklmnopqrstuvwxyz", 1 + rnd(alpha), 1) }
	function pair(fa, fb,   i, k, l, n, p, r, na, nb, A, B) {
		for (i = 0; i < 3; i++) rnd(2)
		alpha = 2 + rnd(rnd(2) ? 4 : 25)
		n = rnd(4) ? rnd(30) : rnd(300)
		p = 2 + rnd(rnd(2) ? 6 : 40)
		na = nb = 0
		for (i = 0; i < n; i++) {
			l = line()
			A[na++] = l
			r = rnd(p)
			if (r == 0) continue
			if (r == 1) { B[nb++] = line(); continue }
			if (r == 2) B[nb++] = line()
			B[nb++] = l
		}
		if (!rnd(p)) for (k = rnd(5); k >= 0; k--) B[nb++] = line()
		for (i = 0; i < na; i++) printf "%s%s", A[i], (i < na - 1 || rnd(5)) ? "\n" : "" > fa
		for (i = 0; i < nb; i++) printf "%s%s", B[i], (i < nb - 1 || rnd(5)) ? "\n" : "" > fb
		printf "" > fa
		printf "" > fb
		close(fa)
		close(fb)
	}
	BEGIN {
		for (s = first; s <= last; s++) {
			seed = s
			pair(dir "/g" s ".a", dir "/g" s ".b")
		}
	}'
}

# Hand-made pairs for the diff tests, as $T/pairs/N.a and N.b.
hand_pairs() {
	local d="$T/pairs" i
	mkdir -p "$d"
	i=0
	pair() { printf '%s' "$1" >"$d/$i.a"; printf '%s' "$2" >"$d/$i.b"; i=$((i + 1)); }
	ten=$(printf 'l%s\n' 1 2 3 4 5 6 7 8 9 10)$'\n'
	pair "$ten" "${ten/l5/L5}"				# a changed line
	pair "$ten" "${ten/l1$'\n'/X$'\n'l1$'\n'}"		# inserted at the start
	pair "$ten" "${ten}X"$'\n'				# appended
	pair "$ten" "${ten/l1$'\n'/}"				# first line deleted
	pair "$ten" "${ten/l10$'\n'/}"				# last line deleted
	pair "$ten" "${ten/l4$'\n'l5$'\n'l6$'\n'/}"		# lines deleted inside
	pair "$ten" "${ten%$'\n'}"				# final newline lost
	pair "${ten%$'\n'}" "$ten"				# final newline gained
	pair "${ten%$'\n'}" "${ten/l10/L10}"			# both changed
	pair "${ten%$'\n'}" "${ten%$'\n'}X"			# last line grows, no newline
	pair '' "$ten"						# empty vs text
	pair "$ten" ''						# text vs empty
	pair '' $'\n'						# empty vs an empty line
	pair 'x' ''						# no newline vs nothing
	# two changes 6 lines apart: one hunk
	pair "$ten" "$(printf '%s\n' l1 L2 l3 l4 l5 l6 l7 l8 L9 l10)"$'\n'
	pair "$ten" "$(printf '%s\n' L1 l2 l3 l4 l5 l6 l7 l8 L9 l10)"$'\n'	# 7 apart: two
	pair "$(seq 1 100)"$'\n' "$(seq 1 100 | sed 's/^10$/X/; s/^90$/Y/')"$'\n'	# far apart
	pair $'a\nb\na\nb\na\nb\n' $'b\na\nb\na\nb\na\n'	# repeated lines: ambiguous
	pair $'\n\n\nx\n\n\n' $'\n\nx\n\n\n\n'			# blank lines
	pair $'a\n' $'e\ne\na\na\nd\nc\n'			# matches more than one way
	pair "$(seq 1 30)"$'\n' "$(seq 1 30 | sed '15a\
15')"$'\n'							# a duplicated line
	pair $'}\n}\n}\n' $'}\n}\n}\n}\n'			# a line added to a run of equals
}

# hdiff_pairs DIR: for every pair DIR/N.a DIR/N.b, a line "== DIR/N.a" then
# what diff -u prints (header cut) and "exit STATUS" into $T/want, the same
# line then what hdiff prints and "exit STATUS" into $T/got.  One sh runs the
# loop: every command run by the test's own shell costs a fork of it.
hdiff_pairs() {
	sh -c '
	for a in "$1"/*.a; do
		b=${a%.a}.b
		echo "== $a"
		echo "== $a" >&3
		diff -u --label "<<$a>>" --label "<<$b>>" "$a" "$b" >&3
		echo "exit $?" >&3
		hdiff "$a" "$b"
		echo "exit $?"
	done >"$2/got" 3>"$2/want.raw"' sh "$1" "$T"
	cut_diff_headers "$T/want.raw" >"$T/want"
}

# cut_diff_headers FILE: FILE less the "--- <<A>>" and "+++ <<B>>" header
# that diff -u --label "<<A>>" --label "<<B>>" writes after each "== " line.
cut_diff_headers() {
	awk '/^== / { print; h = 2; next }
	    h && /^(---|\+\+\+) <</ { h--; next }
	    { h = 0; print }' "$1"
}

# --- grouping, labels and order ----------------------------------------------------------

@test "the issue's run: the norm, an outlier with its diff, exit code, failure, timeout, summary" {
	mixed
	run --separate-stderr herd-group "$T/mixed"
	assert_failure 1
	assert_output "$MIXED_TEXT"
	assert_equal "$stderr" ""
	# stdin works the same, also as -
	run --separate-stderr herd-group <"$T/mixed"
	assert_failure 1
	assert_output "$MIXED_TEXT"
	run --separate-stderr herd-group - <"$T/mixed"
	assert_failure 1
	assert_output "$MIXED_TEXT"
}

@test "all hosts identical: one group, exit 0" {
	for h in a1 a2 a3; do R "$h" ok 0 $'up 3 days\n'; done >"$T/in"
	run herd-group "$T/in"
	assert_success
	assert_output " 3 hosts identical:
   a[1-3]
   up 3 days

3 succeeded"
}

@test "identity is stdout, stderr and the exit code; not the duration" {
	{
		rec-make R "$RUN" s1 ok 0 10 - $'out\n'
		rec-make R "$RUN" s2 ok 0 99999 - $'out\n'
		R e1 ok 0 $'out\n' $'warn\n'
		R x1 nonzero 1 $'out\n'
		R x2 nonzero 2 $'out\n'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 2 hosts identical:
   s[1-2]
   out

 1 host differs:
   e1
   out
   stderr: warn

   --- norm (2 hosts)
   +++ e1
   @@ -1 +1,2 @@
    out
   +stderr: warn

 1 host exited with code 1:
   x1
   out

 1 host exited with code 2:
   x2
   out

3 succeeded (1 differs), 2 non-zero exit"
}

@test "groups follow the sha256 field herd-run wrote" {
	# Two results with one digest are one group, whatever else differs.
	rec-make R 1 a ok 0 1 0000000000000000000000000000000000000000000000000000000000000001 \
	    $'x\n' >"$T/in"
	rec-make R 1 b ok 0 1 0000000000000000000000000000000000000000000000000000000000000001 \
	    $'x\n' >>"$T/in"
	rec-make R 1 c ok 0 1 0000000000000000000000000000000000000000000000000000000000000002 \
	    $'x\n' >>"$T/in"
	run herd-group "$T/in"
	assert_success
	assert_line --index 0 " 2 hosts identical:"
	assert_line --index 1 "   a, b"
	assert_line --index 3 " 1 host differs:"
	assert_line --index 4 "   c"
	assert_line --index -1 "3 succeeded (1 differs)"
}

@test "the norm is the largest group; a tie goes to the group whose first host sorts first" {
	{ R a1 ok 0 $'A\n'; R b1 ok 0 $'B\n'; R b2 ok 0 $'B\n'; R a2 ok 0 $'A\n'; } >"$T/ab"
	{ R b1 ok 0 $'B\n'; R a1 ok 0 $'A\n'; R a2 ok 0 $'A\n'; R b2 ok 0 $'B\n'; } >"$T/ba"
	{ R b1 ok 0 $'B\n'; R a1 ok 0 $'A\n'; R a2 ok 0 $'A\n'; R a3 ok 0 $'A\n'; } >"$T/big"
	run herd-group "$T/ab"
	assert_success
	assert_output " 2 hosts identical:
   a[1-2]
   A

 2 hosts differ:
   b[1-2]
   B

   --- norm (2 hosts)
   +++ b[1-2]
   @@ -1 +1 @@
   -A
   +B

4 succeeded (2 differ)"
	# the order the results came in changes nothing
	run herd-group "$T/ba"
	assert_success
	assert_line --index 0 " 2 hosts identical:"
	assert_line --index 1 "   a[1-2]"
	assert_line --index 3 " 2 hosts differ:"
	assert_line --index 4 "   b[1-2]"
	run herd-group "$T/big"
	assert_success
	assert_line --index 1 "   a[1-3]"
	assert_line "4 succeeded (1 differs)"
}

@test "order: the norm, other groups by size then first host, failed, timed out, summary" {
	{
		R x1 ok 0 $'B\n'
		R n1 ok 0 $'A\n'
		R n2 ok 0 $'A\n'
		R t1 timeout '' '' '' 'timed out after 1s'
		R n3 ok 0 $'A\n'
		R e1 nonzero 2 $'E\n'
		R f1 failed '' '' '' 'auth: permission denied'
		R e2 nonzero 2 $'E\n'
		R y1 ok 0 $'C\n'
		R z1 ok 0 $'D\n'
		R z2 ok 0 $'D\n'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 3 hosts identical:
   n[1-3]
   A

 2 hosts exited with code 2:
   e[1-2]
   E

 2 hosts differ:
   z[1-2]
   D

   --- norm (3 hosts)
   +++ z[1-2]
   @@ -1 +1 @@
   -A
   +D

 1 host differs:
   x1
   B

   --- norm (3 hosts)
   +++ x1
   @@ -1 +1 @@
   -A
   +B

 1 host differs:
   y1
   C

   --- norm (3 hosts)
   +++ y1
   @@ -1 +1 @@
   -A
   +C

 1 host failed:
   f1 (auth: permission denied)

 1 host timed out:
   t1 (timed out after 1s)

7 succeeded (4 differ), 2 non-zero exit, 1 failed, 1 timeout"
}

@test "labels: singular and plural, exactly" {
	{
		R ok1 ok 0 $'x\n'
		R d1 ok 0 $'y\n'
		R d2 ok 0 $'y\n'
		R q1 nonzero 3 $'inactive\n'
		R q2 nonzero 3 $'inactive\n'
		R f1 failed '' '' '' 'connect: connection refused'
		R f2 failed '' '' '' 'connect: connection refused'
		R t1 timeout '' '' '' 'timed out after 2s'
		R t2 timeout '' '' '' 'timed out after 2s'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	# the norm is among the hosts that exited 0: d1/d2, not q1/q2
	assert_output " 2 hosts identical:
   d[1-2]
   y

 2 hosts exited with code 3:
   q[1-2]
   inactive

 1 host differs:
   ok1
   x

   --- norm (2 hosts)
   +++ ok1
   @@ -1 +1 @@
   -y
   +x

 2 hosts failed:
   f[1-2] (connect: connection refused)

 2 hosts timed out:
   t[1-2] (timed out after 2s)

3 succeeded (1 differs), 2 non-zero exit, 2 failed, 2 timeout"
	# one host alone: no "identical"
	R solo ok 0 $'x\n' >"$T/one"
	run herd-group "$T/one"
	assert_success
	assert_output " 1 host:
   solo
   x

1 succeeded"
}

@test "a non-zero exit with a hint shows it (sudo wanting a password)" {
	{
		R a ok 0 $'fine\n'
		R b ok 0 $'fine\n'
		R s nonzero 1 '' $'sudo: a password is required\n' '' 'sudo wants a password: use --ask-become-pass'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output --partial " 1 host exited with code 1:
   s
   hint: sudo wants a password: use --ask-become-pass
   stderr: sudo: a password is required"
}

@test "failed and timed-out hosts: grouped by reason, with hints and what they wrote" {
	{
		R a ok 0 $'fine\n'
		R r1 failed '' '' '' 'connect: connection refused' 'check that sshd is running'
		R k1 failed '' '' '' 'auth: permission denied' 'try ssh -v'
		R r2 failed '' '' '' 'connect: connection refused' 'check that sshd is running'
		R d1 failed '' $'partial\n' '' 'disconnected' ''
		R t1 timeout '' $'line 1\nline 2\n' $'[herd: remote command killed by signal TERM]\n' \
		    'timed out after 2s; the remote command was stopped'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 1 host:
   a
   fine

 4 hosts failed:
   r[1-2] (connect: connection refused)
     hint: check that sshd is running
   d1 (disconnected)
     partial
   k1 (auth: permission denied)
     hint: try ssh -v

 1 host timed out:
   t1 (timed out after 2s; the remote command was stopped)
     line 1
     line 2
     stderr: [herd: remote command killed by signal TERM]

1 succeeded, 4 failed, 1 timeout"
}

@test "stderr is shown after stdout, each line marked stderr:; empty output says so" {
	{
		R a ok 0 'no newline' $'w1\nw2\n'
		R b ok 0 '' $'only stderr\n'
		R c ok 0 ''
		R d ok 0 ''
	} >"$T/in"
	run herd-group "$T/in"
	assert_success
	assert_output " 2 hosts identical:
   c, d
   (no output)

 1 host differs:
   a
   no newline
   \\ no newline at end of stdout
   stderr: w1
   stderr: w2

   --- norm (2 hosts)
   +++ a
   @@ -0,0 +1,4 @@
   +no newline
   +\\ no newline at end of stdout
   +stderr: w1
   +stderr: w2

 1 host differs:
   b
   stderr: only stderr

   --- norm (2 hosts)
   +++ b
   @@ -0,0 +1 @@
   +stderr: only stderr

4 succeeded (2 differ)"
}

@test "the norm is among the hosts that exited 0, even when more exited non-zero" {
	{
		R a1 nonzero 3 $'inactive\n'
		R a2 nonzero 3 $'inactive\n'
		R b1 ok 0 $'active\n'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 1 host:
   b1
   active

 2 hosts exited with code 3:
   a[1-2]
   inactive

1 succeeded, 2 non-zero exit"
	run --separate-stderr herd-group --hosts @ok "$T/in"
	assert_failure 1
	assert_equal "$(hosts_of <<<"$output")" "b1"
	run --separate-stderr herd-group --hosts @differs "$T/in"
	assert_equal "$(hosts_of <<<"$output")" "a1 a2"
	run --separate-stderr herd-group --hosts @nonzero "$T/in"
	assert_equal "$(hosts_of <<<"$output")" "a1 a2"
}

# --- diffs -----------------------------------------------------------------------------

@test "an outlier's diff: hunks with 3 lines of context, --- norm (N hosts) / +++ hosts" {
	norm=$(seq 1 20)$'\n'
	{
		R n1 ok 0 "$norm"
		R n2 ok 0 "$norm"
		R o1 ok 0 "$(seq 1 20 | sed 's/^5$/five/; s/^17$/seventeen/')"$'\n'
	} >"$T/in"
	# a long output of an outlier is shown by its diff alone
	run herd-group --lines 0 "$T/in"
	assert_success
	assert_output " 2 hosts identical:
   n[1-2]
$(seq -f '   %g' 1 20)

 1 host differs:
   o1
   (20 lines, shown by their diff against the norm)

   --- norm (2 hosts)
   +++ o1
   @@ -2,7 +2,7 @@
    2
    3
    4
   -5
   +five
    6
    7
    8
   @@ -14,7 +14,7 @@
    14
    15
    16
   -17
   +seventeen
    18
    19
    20

3 succeeded (1 differs)"
}

@test "--lines N cuts outputs and diffs; on a terminal 40 lines is the default" {
	{
		R n1 ok 0 "$(seq 1 100)"$'\n'
		R n2 ok 0 "$(seq 1 100)"$'\n'
		R o1 ok 0 "$(seq 1 100 | sed 's/^/x/')"$'\n'
	} >"$T/in"
	run herd-group --lines 2 "$T/in"
	assert_success
	assert_output " 2 hosts identical:
   n[1-2]
   1
   2
   ... 98 more lines (--lines 0 for all)

 1 host differs:
   o1
   (100 lines, shown by their diff against the norm)

   --- norm (2 hosts)
   +++ o1
   @@ -1,100 +1,100 @@
   -1
   ... 199 more lines (--lines 0 for all)

3 succeeded (1 differs)"
	# not a terminal: all of it
	run herd-group "$T/in"
	assert_equal "${#lines[@]}" 309
	refute_output --partial "more line"
	# a terminal: 40 lines of each, and the hint
	script -qec "herd-group --color never '$T/in'" /dev/null | tr -d '\r' >"$T/tty"
	run grep -c '^   \.\.\. ' "$T/tty"
	assert_output 2
	run grep -xF '   ... 60 more lines (--lines 0 for all)' "$T/tty"
	assert_success
	run grep -xF '   ... 161 more lines (--lines 0 for all)' "$T/tty"
	assert_success
	script -qec "herd-group --lines 0 --color never '$T/in'" /dev/null | tr -d '\r' >"$T/tty"
	run grep -c 'more line' "$T/tty"
	assert_output 0
}

@test "hdiff: the hunks of diff -u on hand-made pairs" {
	hand_pairs
	hdiff_pairs "$T/pairs"
	run diff -u "$T/want" "$T/got"
	assert_success
	run grep -c '^== ' "$T/got"
	assert_output 22
}

@test "hdiff: the hunks of diff -u on 100 generated pairs" {
	gen_pairs 1 100 "$T/gen"
	hdiff_pairs "$T/gen"
	run diff -u "$T/want" "$T/got"
	assert_success
	run grep -c '^== ' "$T/got"
	assert_output 100
}

@test "hdiff: exit 0 for equal texts, 1 with hunks; large texts take the cost limit as diff does" {
	printf 'a\nb\n' >"$T/a"
	run hdiff "$T/a" "$T/a"
	assert_success
	assert_output ""
	awk 'BEGIN { s = 1; for (i = 0; i < 20000; i++) { s = (s * 69069 + 1) % 4294967296
	    print int(s / 65536) % 10 } }' >"$T/a"
	awk 'BEGIN { s = 2; for (i = 0; i < 20000; i++) { s = (s * 69069 + 1) % 4294967296
	    print int(s / 65536) % 12 } }' >"$T/b"
	diff -u "$T/a" "$T/b" | tail -n +3 >"$T/want"
	run hdiff "$T/a" "$T/b"
	assert_failure 1
	hdiff "$T/a" "$T/b" >"$T/got" || true
	cmp "$T/want" "$T/got"
}

@test "herd-group's diff lines are those of diff -u, hand-made and generated pairs" {
	hand_pairs
	gen_pairs 1 40 "$T/pairs"
	# Hosts n1 and n2 print A, host out prints B: for each pair that differs,
	# the hunks of out in the view must be those of diff -u.  One sh for the
	# loop, as in hdiff_pairs.
	sh -c '
	R() { rec-make R "$1" "$2" ok 0 42 - "$3" "" "" ""; }
	for a in "$1"/pairs/*.a; do
		b=${a%.a}.b
		echo "== $a"
		echo "== $a" >&3
		diff -u --label "<<$a>>" --label "<<$b>>" "$a" "$b" >&3 && continue
		A=$(cat "$a"; echo .)
		B=$(cat "$b"; echo .)
		{ R "$2" n1 "${A%.}"; R "$2" n2 "${A%.}"; R "$2" out "${B%.}"; } >"$1/in"
		herd-group "$1/in"
	done >"$1/views" 3>"$1/want.raw"' sh "$T" "$RUN"
	cut_diff_headers "$T/want.raw" >"$T/want"
	# out's hunks in each view: after "+++ out" up to the blank line, unindented
	awk '/^== / { print; hunks = 0; next }
	    hunks && /^$/ { hunks = 0; next }
	    hunks { sub(/^   /, ""); print; next }
	    /^   \+\+\+ out$/ { hunks = 1 }' "$T/views" >"$T/got"
	run diff -u "$T/want" "$T/got"
	assert_success
	run grep -c '^== ' "$T/got"
	assert_output 62
	run grep -c '^@@ ' "$T/got"
	assert_output 130
}

@test "--json carries the same diff" {
	{ R n1 ok 0 $'a\nb\nc\n'; R n2 ok 0 $'a\nb\nc\n'; R out ok 0 $'a\nB\nc'; } >"$T/in"
	printf 'a\nb\nc\n' >"$T/a"
	printf 'a\nB\nc' >"$T/b"
	run herd-group --json "$T/in"
	assert_success
	run jq -j 'select(.label == "differs") | .diff' <<<"$output"
	diff -u "$T/a" "$T/b" | tail -n +3 >"$T/want"
	assert_output "$(cat "$T/want")"
}

# --- host lists ----------------------------------------------------------------------

@test "host lists fold into ranges, in natural order" {
	run hostline $(seq -f 'web-%02g' 1 40) web-42
	assert_output "   web-[01-40,42]"
	run hostline web-05 web-03 web-01 web-02
	assert_output "   web-[01-03,05]"
	run hostline web-10 web-9 web-11 web-8
	assert_output "   web-[8-11]"
	run hostline web-10 web-08 web-09 web-11
	assert_output "   web-[08-11]"
	run hostline node100 node007 node010 node008
	assert_output "   node[007-008,010,100]"
	run hostline db web-2 alpha web-1 db2 gateway
	assert_output "   alpha, db, db2, gateway, web-[1-2]"
	run hostline web-01.example.com web-03.example.com web-02.example.com
	assert_output "   web-[01-03].example.com"
	run hostline r1-n2 r1-n1 r2-n1 a1b a2b a1c
	assert_output "   a[1-2]b, a1c, r1-n[1-2], r2-n1"
	run hostline 10.0.0.2 10.0.0.1 10.0.1.1 10.0.0.3
	assert_output "   10.0.0.[1-3], 10.0.1.1"
	run hostline h3 h1 h5 h2 h10 h20 h21
	assert_output "   h[1-3,5,10,20-21]"
	run hostline solo
	assert_output "   solo"
	# web-10 goes with web-01: as wide as its zero-padded numbers
	run hostline web-9 web-10 web-01
	assert_output "   web-[01,10], web-9"
	# the same names in any order fold the same
	run hostline web-1 web-01 web-02
	assert_output "   web-[01-02], web-1"
	run hostline web-02 web-01 web-1
	assert_output "   web-[01-02], web-1"
}

@test "--no-fold lists every name, in natural order, everywhere" {
	{
		for h in web-10 web-9 web-01 db; do R "$h" ok 0 $'x\n'; done
		R o-2 ok 0 $'y\n'
		R o-1 ok 0 $'y\n'
		R f-2 failed '' '' '' refused
		R f-1 failed '' '' '' refused
	} >"$T/in"
	run herd-group --no-fold "$T/in"
	assert_failure 1
	assert_output " 4 hosts identical:
   db, web-01, web-9, web-10
   x

 2 hosts differ:
   o-1, o-2
   y

   --- norm (4 hosts)
   +++ o-1, o-2
   @@ -1 +1 @@
   -x
   +y

 2 hosts failed:
   f-1, f-2 (refused)

6 succeeded (2 differ), 2 failed"
	# folded, web-10 goes with web-01: as wide as its zero-padded number
	run herd-group "$T/in"
	assert_line --index 1 "   db, web-[01,10], web-9"
	assert_line --index 4 "   o-[1-2]"
	assert_line "   +++ o-[1-2]"
	assert_line "   f-[1-2] (refused)"
}

# --- --lines, --errors-only, --color -------------------------------------------------------

@test "--lines N: at most N lines of output per group, then how many more; 0 for all" {
	{
		R h1 ok 0 $'1\n2\n3\n4\n5\n'
		R h2 ok 0 $'1\n2\n3\n4\n5\n'
		R h3 nonzero 1 $'a\nb\nc\n'
		R h4 timeout '' $'p1\np2\np3\n' '' 'timed out'
		R h5 nonzero 1 $'only\n'
	} >"$T/in"
	run herd-group --lines 2 "$T/in"
	assert_failure 1
	assert_output " 2 hosts identical:
   h[1-2]
   1
   2
   ... 3 more lines (--lines 0 for all)

 1 host exited with code 1:
   h3
   a
   b
   ... 1 more line (--lines 0 for all)

 1 host exited with code 1:
   h5
   only

 1 host timed out:
   h4 (timed out)
     p1
     p2
     ... 1 more line (--lines 0 for all)

2 succeeded, 2 non-zero exit, 1 timeout"
	run herd-group --lines=5 "$T/in"
	assert_line "   5"
	refute_line --partial "more line"
	run herd-group --lines 0 "$T/in"
	assert_line "   5"
	refute_line --partial "more line"
	for bad in -1 x 1x 99999999999; do
		run --separate-stderr herd-group --lines "$bad" "$T/in"
		assert_failure 2
		assert_output ""
		assert_equal "$stderr" "herd-group: --lines: expected a number, 0 for all, got $bad"
	done
}

@test "--errors-only: only non-zero exits, failures and timeouts, and the summary" {
	mixed
	run herd-group --errors-only "$T/mixed"
	assert_failure 1
	assert_output " 1 host exited with code 3:
   web-05
   inactive

 1 host failed:
   web-06 (connect: connection refused)
     hint: check that sshd is running

 1 host timed out:
   web-07 (timed out after 2s)
     partial

4 succeeded (1 differs), 1 non-zero exit, 1 failed, 1 timeout"
	for h in a b; do R "$h" ok 0 $'x\n'; done >"$T/ok"
	run herd-group --errors-only "$T/ok"
	assert_success
	assert_output "2 succeeded"
}

@test "--color=always colours labels, diffs and hints; never and a pipe do not" {
	{
		R a1 ok 0 $'x\n'
		R a2 ok 0 $'x\n'
		R b ok 0 $'y\n'
		R f failed '' '' '' refused 'is sshd running?'
	} >"$T/in"
	E=$'\e'
	run herd-group --color=always "$T/in"
	assert_failure 1
	assert_output "$E[1m$E[32m 2 hosts identical:$E[0m
   a[1-2]
   x

$E[1m$E[33m 1 host differs:$E[0m
   b
   y

   $E[31m--- norm (2 hosts)$E[0m
   $E[32m+++ b$E[0m
   $E[36m@@ -1 +1 @@$E[0m
   $E[31m-x$E[0m
   $E[32m+y$E[0m

$E[1m$E[31m 1 host failed:$E[0m
   f (refused)
     $E[2mhint: is sshd running?$E[0m

3 succeeded (1 differs), 1 failed"
	run herd-group --color always "$T/in"
	assert_output --partial "$E[1m"
	for opt in --color=never --color=auto ''; do
		herd-group $opt "$T/in" >"$T/out" || true
		run grep -c "$E" "$T/out"
		assert_output 0
	done
	# NO_COLOR does not overrule an explicit --color=always
	NO_COLOR=1 run herd-group --color=always "$T/in"
	assert_output --partial "$E[1m"
	run --separate-stderr herd-group --color=sometimes "$T/in"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --color: expected auto, always or never, got sometimes"
}

@test "--color=auto: colour on a terminal, unless NO_COLOR or TERM=dumb" {
	R a ok 0 $'x\n' >"$T/in"
	E=$'\e'
	# script(1) gives herd-group a terminal for stdout
	env -u NO_COLOR TERM=xterm script -qec "herd-group --color=auto '$T/in'" /dev/null >"$T/tty"
	run grep -c "$E\[1m$E\[32m 1 host:$E\[0m" "$T/tty"
	assert_output 1
	env -u NO_COLOR TERM=xterm script -qec "herd-group '$T/in'" /dev/null >"$T/tty"
	run grep -c "$E\[1m" "$T/tty"
	assert_output 1
	NO_COLOR=1 TERM=xterm script -qec "herd-group --color=auto '$T/in'" /dev/null >"$T/tty"
	run grep -c "$E" "$T/tty"
	assert_output 0
	env -u NO_COLOR TERM=dumb script -qec "herd-group --color=auto '$T/in'" /dev/null >"$T/tty"
	run grep -c "$E" "$T/tty"
	assert_output 0
	# an empty NO_COLOR is not set
	NO_COLOR= TERM=xterm script -qec "herd-group '$T/in'" /dev/null >"$T/tty"
	run grep -c "$E\[1m" "$T/tty"
	assert_output 1
}

# --- remote bytes made safe ------------------------------------------------------------------

@test "escape sequences and control characters are shown, never sent to the terminal" {
	{
		RX h1 ok 0 $'clear\e[2J title\e]0;pwned\a csi\x9b8m c1\xc2\x9b31m\n' \
		    $'rlo\xe2\x80\xaeevil\xe2\x80\xac lri\xe2\x81\xa6x\xe2\x81\xa9\n'
		RX h2 ok 0 'nul\x00 del\x7f cr\r bs\x08 bad\xff\xfe utf8 \xed\xa0\x80 ok\n'
	} >"$T/hostile"
	# valid UTF-8 that is not a control passes as it is
	RX h3 ok 0 $'Gr\xc3\xbc\xc3\x9fe \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\n' >"$T/fine"
	{ R n1 ok 0 $'plain\n'; R n2 ok 0 $'plain\n'; } >"$T/norm"
	cat "$T/norm" "$T/hostile" "$T/fine" >"$T/in"
	run herd-group "$T/in"
	assert_success
	assert_output " 2 hosts identical:
   n[1-2]
   plain

 1 host differs:
   h1
   clear^[[2J title^[]0;pwned^G csi\\x9b8m c1<U+009B>31m
   stderr: rlo<U+202E>evil<U+202C> lri<U+2066>x<U+2069>

   --- norm (2 hosts)
   +++ h1
   @@ -1 +1,2 @@
   -plain
   +clear^[[2J title^[]0;pwned^G csi\\x9b8m c1<U+009B>31m
   +stderr: rlo<U+202E>evil<U+202C> lri<U+2066>x<U+2069>

 1 host differs:
   h2
   nul^@ del^? cr^M bs^H bad\\xff\\xfe utf8 \\xed\\xa0\\x80 ok

   --- norm (2 hosts)
   +++ h2
   @@ -1 +1 @@
   -plain
   +nul^@ del^? cr^M bs^H bad\\xff\\xfe utf8 \\xed\\xa0\\x80 ok

 1 host differs:
   h3
   Grüße ✓ 日本

   --- norm (2 hosts)
   +++ h3
   @@ -1 +1 @@
   -plain
   +Grüße ✓ 日本

5 succeeded (3 differ)"
	# no raw ESC, BEL, CSI, C1 or other control byte reaches stdout
	for opt in '' --oneline --no-fold; do
		herd-group $opt "$T/hostile" >"$T/out"
		only_plain_ascii "$T/out"
		herd-group $opt "$T/norm" "$T/hostile" >"$T/out"
		only_plain_ascii "$T/out"
	done
	herd-group --color=always "$T/hostile" | sed $'s/\e\\[[0-9;]*m//g' >"$T/out"
	only_plain_ascii "$T/out"
}

@test "hostile host names, errors and hints are shown safely too (text, table, JSON, --hosts)" {
	{
		H $'evil\e[2J-1' '' '' '' prod
		R $'evil\e[2J-1' ok 0 $'x\n'
		R $'evil\e[2J-2' ok 0 $'y\n'
		R $'f\a\xc2\x9b1' failed '' '' '' $'connect: \e]0;title\a refused\xff' $'hint \e[5m\xe2\x80\xae'
		R $'t\r1' timeout '' $'\e[31mred\n' '' $'timed out \x9b2J'
		R n1 ok 0 $'x\n'
		R n2 ok 0 $'x\n'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 3 hosts identical:
   evil^[[2J-1, n[1-2]
   x

 1 host differs:
   evil^[[2J-2
   y

   --- norm (3 hosts)
   +++ evil^[[2J-2
   @@ -1 +1 @@
   -x
   +y

 1 host failed:
   f^G<U+009B>1 (connect: ^[]0;title^G refused\\xff)
     hint: hint ^[[5m<U+202E>

 1 host timed out:
   t^M1 (timed out \\x9b2J)
     ^[[31mred

4 succeeded (1 differs), 1 failed, 1 timeout"
	for opt in '' --no-fold --errors-only --json --parse=disk '--lines=1' --oneline \
	    '--oneline --json' --ping '--parse=disk --json'; do
		herd-group $opt "$T/in" >"$T/out" || true
		only_plain_ascii "$T/out"
	done
	# --hosts writes records, escaped as records are: no control bytes
	run herd-group --hosts @all "$T/in"
	assert_output "$(printf '%s\n' '#herd-records 1' \
	    'H	evil\x1b[2J-1	evil\x1b[2J-1			prod		' \
	    'H	evil\x1b[2J-2	evil\x1b[2J-2					' \
	    $'H\tf\\x07\xc2\x9b1\tf\\x07\xc2\x9b1\t\t\t\t\t' \
	    'H	t\r1	t\r1					' \
	    'H	n1	n1					' \
	    'H	n2	n2					')"
	run herd-group --parse disk "$T/in"
	assert_output "HOST          filesystem  size  used  avail  use_pct  mount
------------  ----------  ----  ----  -----  -------  -----
evil^[[2J-1   x           -     -     -      -        -
evil^[[2J-2   y           -     -     -      -        -
f^G<U+009B>1  -           -     -     -      -        -
n1            x           -     -     -      -        -
n2            x           -     -     -      -        -
t^M1          -           -     -     -      -        -"
	run herd-group --json "$T/in"
	run jq -r 'select(.label == "failed") | .hosts[0], .error, .hint' <<<"$output"
	assert_output $'f\a\xc2\x9b1
connect: \e]0;title\a refused\xef\xbf\xbd
hint \e[5m\xe2\x80\xae'
}

# --- --json ------------------------------------------------------------------------------

@test "--json: one object per group in display order, then a summary" {
	mixed
	run --separate-stderr herd-group --json "$T/mixed"
	assert_failure 1
	assert_equal "${#lines[@]}" 6
	run jq -c '[.label, .status, .exit, .norm, .count, .hosts, .output, .error, .hint]' \
	    <<<"$output"
	assert_output '["identical","ok",0,true,3,["web-01","web-02","web-03"],"6.1.0-18-amd64\n",null,null]
["differs","ok",0,false,1,["web-04"],"6.1.0-17-amd64\n",null,null]
["exited","nonzero",3,false,1,["web-05"],"inactive\n",null,null]
["failed","failed",null,false,1,["web-06"],"",'"\"connect: connection refused\",\"check that sshd is running\""']
["timeout","timeout",null,false,1,["web-07"],"partial\n","timed out after 2s",null]
[null,null,null,null,null,null,null,null,null]'
	run herd-group --json "$T/mixed"
	run jq -c 'select(.summary) | .summary' <<<"$output"
	assert_output '{"run":"7","command":"uname -r","hosts":7,"succeeded":4,"differs":1,"nonzero":1,"failed":1,"timeout":1,"noresult":0,"cut_short":false}'
	run herd-group --json "$T/mixed"
	run jq -r 'select(.label) | .diff // "null"' <<<"$output"
	assert_output 'null
@@ -1 +1 @@
-6.1.0-18-amd64
+6.1.0-17-amd64

null
null
null'
	run herd-group --json "$T/mixed"
	run jq -r 'select(.label) | .run' <<<"$output"
	assert_output "$(printf '7\n%.0s' 1 2 3 4 5)"
}

@test "--json --errors-only; bytes that are not UTF-8 become U+FFFD; output is ASCII" {
	mixed
	run herd-group --json --errors-only "$T/mixed"
	run jq -r '.label // "summary"' <<<"$output"
	assert_output "exited
failed
timeout
summary"
	{ R a ok 0 $'bad \xff\xfe\n' $'\xc3\xa9t\xc3\xa9\n'; R b failed '' '' '' $'bad \xff' $'h\xe2\x80\xae'; } >"$T/in"
	herd-group --json "$T/in" >"$T/out" || true
	only_plain_ascii "$T/out"
	run jq -ac 'select(.hosts) | [.output, .stderr, .error, .hint]' "$T/out"
	assert_output '["bad \ufffd\ufffd\n","\u00e9t\u00e9\n",null,null]
["","","bad \ufffd","h\u202e"]'
	# as herd-group wrote it
	run sed -n 2p "$T/out"
	assert_output '{"run":"7","label":"failed","status":"failed","exit":null,"norm":false,"count":1,"hosts":["b"],"output":"","stderr":"","error":"bad \uFFFD","hint":"h\u202E","diff":null}'
}

# --- --hosts selectors ---------------------------------------------------------------------

@test "--hosts SEL: H records of the hosts picked, as herd-select wrote them" {
	mixed
	run --separate-stderr herd-group --hosts web-03 "$T/mixed"
	assert_failure 1
	assert_output "$(printf '#herd-records 1\nH\tweb-03\t10.0.0.3\t2222\t\tnginx,staging\tweb\t5000')"
	assert_equal "$stderr" ""
	sel() {
		herd-group --hosts "$1" "$T/mixed" | hosts_of
	}
	run sel @all
	assert_output "web-01 web-02 web-04 web-03 web-05 web-06 web-07"
	run sel @ok
	assert_output "web-01 web-02 web-03"
	run sel @differs
	assert_output "web-04 web-05"
	run sel @failed
	assert_output "web-05 web-06 web-07"
	run sel @nonzero
	assert_output "web-05"
	run sel @timeout
	assert_output "web-07"
	run sel @tag:prod
	assert_output "web-01 web-02 web-04 web-06"
	run sel @tag:!prod
	assert_output "web-03 web-05 web-07"
	run sel @tag:nginx
	assert_output "web-01 web-02 web-03"
	run sel web-06
	assert_output "web-06"
	run sel 'web-0[12]'
	assert_output "web-01 web-02"
	run sel '@web-0[12]'
	assert_output "web-01 web-02"
	run sel '*-0?'
	assert_output "web-01 web-02 web-04 web-03 web-05 web-06 web-07"
	run sel '@timeout,web-01,@nonzero'
	assert_output "web-01 web-05 web-07"
	run sel '@ok,@tag:!nginx'
	assert_output "web-01 web-02 web-04 web-03 web-05 web-06 web-07"
	run sel '@differs,@tag:staging'
	assert_output "web-04 web-03 web-05"
}

@test "--hosts: a host without an H record gets a bare one; nothing picked is not an error" {
	{ R bare ok 0 $'x\n'; R other ok 0 $'x\n'; } >"$T/in"
	run --separate-stderr herd-group --hosts bare "$T/in"
	assert_success
	assert_output "$(printf '#herd-records 1\nH\tbare\tbare\t\t\t\t\t')"
	run --separate-stderr herd-group --hosts @failed "$T/in"
	assert_success
	assert_output "#herd-records 1"
	assert_equal "$stderr" ""
}

@test "--hosts: an unknown selector or host is an error (exit 2)" {
	mixed
	selectors="(selectors: @all @ok @differs @failed @nonzero @timeout @noresult @changed @tag:NAME @tag:!NAME)"
	run --separate-stderr herd-group --hosts @bogus "$T/mixed"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd-group: --hosts: unknown selector or host \"@bogus\" $selectors"
	run --separate-stderr herd-group --hosts @ok,nosuch "$T/mixed"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd-group: --hosts: unknown selector or host \"nosuch\" $selectors"
	run --separate-stderr herd-group --hosts 'db-*' "$T/mixed"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --hosts: unknown selector or host \"db-*\" $selectors"
	run --separate-stderr herd-group --hosts '@tag:no tag' "$T/mixed"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --hosts: @tag:no tag: a tag is letters, digits, '_' and '-'"
	run --separate-stderr herd-group --hosts , "$T/mixed"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --hosts: empty selector"
}

@test "--hosts: hosts without a result are picked; no host at all is an error (exit 2)" {
	{ echo '#herd-records 1'; H a; H b; } >"$T/hosts-only"
	run --separate-stderr herd-group --hosts @all "$T/hosts-only"
	assert_failure 1
	assert_equal "$(hosts_of <<<"$output")" "a b"
	assert_equal "$stderr" "herd-group: 2 hosts have no result"
	{ echo '#herd-records 1'; H a; H b; C true; R b ok 0 ''; } >"$T/cut"
	run --separate-stderr herd-group --hosts @failed "$T/cut"
	assert_failure 1
	assert_equal "$(hosts_of <<<"$output")" "a"
	assert_equal "$stderr" "herd-group: the run was cut short: 1 host has no result"
	run --separate-stderr herd-group --hosts @noresult "$T/cut"
	assert_equal "$(hosts_of <<<"$output")" "a"
	run --separate-stderr herd-group --hosts @all "$T/cut"
	assert_equal "$(hosts_of <<<"$output")" "b a"
	{ echo '#herd-records 1'; C true; E; } >"$T/empty-run"
	run --separate-stderr herd-group --hosts @failed "$T/empty-run"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd-group: --hosts @failed: no results to select from"
	run --separate-stderr herd-group --hosts @all </dev/null
	assert_failure 2
	assert_equal "$stderr" "herd-group: --hosts @all: no results to select from"
}

# --- --parse ---------------------------------------------------------------------------------

@test "--parse disk: df -h columns, aligned; - for missing fields and failed hosts" {
	{
		R db-1 ok 0 $'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        20G  5.0G   14G  27% /\n'
		R web-10 ok 0 $'Filesystem     Size  Used Avail Use% Mounted on\n/dev/mapper/vg0-root  1.8T  1.2T  512G  71% /\n'
		R web-9 failed '' '' '' 'connect: connection refused'
		R web-2 nonzero 1 $'df: /: No such file or directory\n'
		R web-3 ok 0 ''
	} >"$T/in"
	run herd-group --parse disk "$T/in"
	assert_failure 1
	assert_output "HOST    filesystem            size  used  avail  use_pct  mount
------  --------------------  ----  ----  -----  -------  -----
db-1    /dev/sda1             20G   5.0G  14G    27%      /
web-2   df:                   /:    No    such   file     or
web-3   -                     -     -     -      -        -
web-9   -                     -     -     -      -        -
web-10  /dev/mapper/vg0-root  1.8T  1.2T  512G   71%      /"
}

@test "--parse disk, free, uptime on this machine's own df -h /, free -h and uptime" {
	df -h / >"$T/df" || skip "no df"
	free -h >"$T/free" || skip "no free"
	uptime >"$T/uptime" || skip "no uptime"
	D=$(cat "$T/df"; echo .)
	F=$(cat "$T/free"; echo .)
	U=$(cat "$T/uptime"; echo .)
	{ R local ok 0 "${D%.}"; R zz-gone failed '' '' '' refused; } >"$T/in"
	run herd-group --parse disk "$T/in"
	assert_failure 1
	assert_line --index 0 --regexp '^HOST +filesystem +size +used +avail +use_pct +mount$'
	assert_equal "$(sed -n 3p <<<"$output" | tr -s ' ')" "local $(tail -1 "$T/df" | tr -s ' ')"
	assert_equal "$(sed -n 4p <<<"$output" | tr -s ' ')" "zz-gone - - - - - -"
	{ R local ok 0 "${F%.}"; } >"$T/in"
	run herd-group --parse free "$T/in"
	assert_success
	assert_line --index 0 --regexp '^HOST +total +used +free +available$'
	assert_equal "$(sed -n 3p <<<"$output" | tr -s ' ')" \
	    "local $(awk '$1 == "Mem:" { print $2, $3, $4, $7 }' "$T/free")"
	{ R local ok 0 "${U%.}"; } >"$T/in"
	run herd-group --parse uptime "$T/in"
	assert_success
	assert_line --index 0 --regexp '^HOST +uptime +users +load1 +load5 +load15$'
	loads=$(sed -E 's/.*load averages?: *([0-9.]+),? +([0-9.]+),? +([0-9.]+).*/\1 \2 \3/' "$T/uptime")
	users=$(sed -E 's/.* ([0-9]+) +users?,.*/\1/' "$T/uptime")
	up=$(sed -E 's/.* up +(.*),[[:space:]]+[0-9]+ +users?,.*/\1/' "$T/uptime")
	assert_equal "$(sed -n 3p <<<"$output" | tr -s ' ')" "local $(tr -s ' ' <<<"$up") $users $loads"
}

@test "--parse free and uptime: classic outputs" {
	{
		R h1 ok 0 $'               total        used        free      shared  buff/cache   available\nMem:           7.7Gi       1.2Gi       4.1Gi        12Mi       2.4Gi       6.2Gi\nSwap:          2.0Gi          0B       2.0Gi\n'
		R h2 ok 0 $'             total       used       free     shared    buffers     cached\nMem:          3953       3785        168          0         94       1736\n-/+ buffers/cache:       1954       1998\nSwap:         4095        116       3979\n'
		R h3 timeout '' '' '' 'timed out'
	} >"$T/in"
	run herd-group --parse free "$T/in"
	assert_failure 1
	assert_output "HOST  total  used   free   available
----  -----  -----  -----  ---------
h1    7.7Gi  1.2Gi  4.1Gi  6.2Gi
h2    3953   3785   168    1736
h3    -      -      -      -"
	{
		R a ok 0 $'10:00:00 up 5 days,  3:02,  2 users,  load average: 0.00, 0.01, 0.05\n'
		R b ok 0 $' 14:07:51 up 1 day, 17 min,  1 user,  load average: 1.20, 0.95, 0.80\n'
		R c ok 0 $' 09:15:02 up  3:02,  0 users,  load average: 0.15, 0.10, 0.05\n'
		R d ok 0 $'14:07  up 3 days,  2:01, 2 users, load averages: 1.52 1.60 1.70\n'
		R e ok 0 $' 23:37:46 up 28 min,  0 user,  load average: 0.48, 1.33, 1.44\n'
		R f ok 0 $'not uptime\n'
	} >"$T/in"
	run herd-group --parse uptime "$T/in"
	assert_success
	assert_output "HOST  uptime         users  load1  load5  load15
----  -------------  -----  -----  -----  ------
a     5 days,  3:02  2      0.00   0.01   0.05
b     1 day, 17 min  1      1.20   0.95   0.80
c     3:02           0      0.15   0.10   0.05
d     3 days,  2:01  2      1.52   1.60   1.70
e     28 min         0      0.48   1.33   1.44
f     -              -      -      -      -"
}

@test "--parse NAME from the config: a pattern's group 1, a column of the last line" {
	cat >"$T/config.yaml" <<'EOF'
parsers:
  nginx-conns:
    extract:
      - field: active
        pattern: 'Active connections:\s+(\d+)'
      - field: requests
        column: 3
      - field: version
        pattern: '^nginx/(\S+)'
  uptime:
    extract:
      - field: first
        column: 1
EOF
	{
		R web-01 ok 0 $'Active connections: 291\nserver accepts handled requests\n 16630948 16630948 31070465\n\n'
		R web-02 ok 0 $'nginx/1.25.3\nActive connections: 3\n\t10\t10   12  \n'
		R web-03 nonzero 1 $'no nginx\n'
		R web-04 failed '' '' '' refused
	} >"$T/in"
	run herd-group -c "$T/config.yaml" --parse nginx-conns "$T/in"
	assert_failure 1
	assert_output "HOST    active  requests  version
------  ------  --------  -------
web-01  291     31070465  -
web-02  3       12        1.25.3
web-03  -       -         -
web-04  -       -         -"
	run --separate-stderr herd-group -c "$T/config.yaml" --parse nope "$T/in"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "herd-group: --parse: unknown parser \"nope\" (built in: disk, free, uptime; others come from the config's parsers)"
	# without the config, there is no such parser
	run --separate-stderr herd-group --parse nginx-conns "$T/in"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --parse: unknown parser \"nginx-conns\" (built in: disk, free, uptime; others come from the config's parsers)"
	# a parser of the config goes before a built-in of the same name
	run herd-group -c "$T/config.yaml" --parse uptime "$T/in"
	assert_failure 1
	assert_output "HOST    first
------  --------
web-01  16630948
web-02  10
web-03  no
web-04  -"
}

# --- progress --------------------------------------------------------------------------------

@test "progress on a terminal: N/M done on stderr while results arrive, then cleared" {
	{ H a; H b; H c; C true; R a ok 0 ''; R b ok 0 ''; R c ok 0 ''; E 3; } >"$T/in"
	# stderr a terminal (script), stdin a pipe: progress
	script -qec "cat '$T/in' | herd-group >'$T/out'" /dev/null >"$T/tty"
	assert_equal "$(od -An -c "$T/tty" | tr -s ' \n' ' ')" \
	    "$(printf '\r1/3 done\r2/3 done\r3/3 done\r\033[K' | od -An -c | tr -s ' \n' ' ')"
	run cat "$T/out"
	assert_output " 3 hosts identical:
   a, b, c
   (no output)

3 succeeded"
	# without H records: a count alone
	{ R a ok 0 ''; R b ok 0 ''; } >"$T/in2"
	script -qec "cat '$T/in2' | herd-group >/dev/null" /dev/null >"$T/tty"
	assert_equal "$(od -An -c "$T/tty" | tr -s ' \n' ' ')" \
	    "$(printf '\r1 done\r2 done\r\033[K' | od -An -c | tr -s ' \n' ' ')"
	# stdin a terminal (typing records?) or stderr not one: none
	script -qec "herd-group '$T/in' >/dev/null" /dev/null >"$T/tty"
	run cat "$T/tty"
	assert_output ""
	herd-group <"$T/in" >/dev/null 2>"$T/err"
	run cat "$T/err"
	assert_output ""
	# --hosts writes records for a next stage: no progress
	script -qec "cat '$T/in' | herd-group --hosts @all >/dev/null" /dev/null >"$T/tty"
	run cat "$T/tty"
	assert_output ""
}

@test "progress in a live terminal (tmux): one line that counts up, gone at the end" {
	command -v tmux >/dev/null || skip "no tmux"
	TMUX_SOCK="herd-group-test-$$"
	mkfifo "$T/fifo"
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 80 -y 12 \
	    "herd-group <'$T/fifo' >'$T/out'; echo \$? >'$T/rc'" \
	    \; set-option -g remain-on-exit on 3>&-
	exec 7<>"$T/fifo"
	pane() { tmux -L "$TMUX_SOCK" capture-pane -p; }
	# wait_pane TEXT: until the pane shows TEXT (or give up after 10 s)
	wait_pane() {
		local i
		for i in $(seq 100); do
			pane | grep -qF "$1" && return 0
			sleep 0.1
		done
		echo "the pane never showed \"$1\":" >&2
		pane >&2
		return 1
	}
	{ echo '#herd-records 1'; H a; H b; H c; C 'uname -r'; R a ok 0 $'x\n'; } >&7
	wait_pane "1/3 done"
	run pane
	assert_line --index 0 "1/3 done"
	R b ok 0 $'x\n' >&7
	wait_pane "2/3 done"
	run pane
	assert_line --index 0 "2/3 done"
	refute_output --partial "1/3"
	{ R c ok 0 $'y\n'; E 3; } >&7
	exec 7>&-
	for i in $(seq 100); do
		[ "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_dead}')" = 1 ] && break
		sleep 0.1
	done
	assert_equal "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_dead}')" 1
	assert_equal "$(cat "$T/rc")" 0
	run pane
	refute_output --partial "done"
	run cat "$T/out"
	assert_output " 2 hosts identical:
   a, b
   x

 1 host differs:
   c
   y

   --- norm (2 hosts)
   +++ c
   @@ -1 +1 @@
   -x
   +y

3 succeeded (1 differs)"
}

# --- several runs, exit status, usage -----------------------------------------------------------

@test "several runs in one input render one after the other" {
	{
		echo '#herd-records 1'
		H a; H b
		RUN=1 C 'uname -r'
		RUN=1 R a ok 0 $'6.1\n'
		RUN=1 R b ok 0 $'6.1\n'
		RUN=1 E 2
		H a; H b
		RUN=2 C 'systemctl is-active nginx'
		RUN=2 R a ok 0 $'active\n'
		RUN=2 R b nonzero 3 $'inactive\n'
		RUN=2 E 1 1
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 2 hosts identical:
   a, b
   6.1

2 succeeded

 1 host:
   a
   active

 1 host exited with code 3:
   b
   inactive

1 succeeded, 1 non-zero exit"
	run herd-group --json "$T/in"
	run jq -c 'select(.summary) | .summary | [.run, .command, .succeeded, .nonzero]' <<<"$output"
	assert_output '["1","uname -r",2,0]
["2","systemctl is-active nginx",1,1]'
	# the second run alone decides nothing: any non-ok host in any run gives 1
	head -7 "$T/in" >"$T/first"
	run herd-group "$T/first"
	assert_success
	# files are read one after the other as one input
	run herd-group "$T/first" "$T/first"
	assert_success
	assert_output " 2 hosts identical:
   a, b
   6.1

2 succeeded

 2 hosts identical:
   a, b
   6.1

2 succeeded"
}

@test "exit status: 0 all ok, 1 any non-zero, failed or timed-out host, 2 usage" {
	R a ok 0 '' >"$T/ok"
	run herd-group "$T/ok"
	assert_success
	for st in "nonzero 1" "failed ''" "timeout ''"; do
		eval "R b $st" >"$T/bad"
		cat "$T/ok" "$T/bad" >"$T/in"
		run herd-group "$T/in"
		assert_failure 1
		run herd-group --json "$T/in"
		assert_failure 1
		run herd-group --parse disk "$T/in"
		assert_failure 1
	done
	run --separate-stderr herd-group --bogus "$T/ok"
	assert_failure 2
	assert_output ""
	assert_equal "${stderr_lines[0]}" "herd-group: unrecognized option '--bogus'"
	assert_equal "${stderr_lines[1]}" "usage: herd-group [options] [FILE...]"
	run --separate-stderr herd-group "$T/nosuch"
	assert_failure 2
	assert_equal "$stderr" "herd-group: $T/nosuch: No such file or directory"
	run --separate-stderr herd-group -h
	assert_success
	assert_line --index 0 "usage: herd-group [options] [FILE...]"
}

@test "a run with no results: said so, exit 0; no input at all: nothing" {
	run herd-group </dev/null
	assert_success
	assert_output ""
	{ echo '#herd-records 1'; C true; E; } >"$T/in"
	run herd-group "$T/in"
	assert_success
	assert_output "no results"
}

@test "records of other types pass by; an unknown status is a failure that says so" {
	{
		echo '#herd-records 1'
		echo '# a comment'
		C 'uname -r'
		rec-make I "$RUN" 1 1764150000000
		rec-make L "$RUN" a o 1764150000001 'streamed'
		rec-make X whatever
		R a ok 0 $'x\n'
		R b weird '' '' '' 'something'
		E 1 0 1
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 1 host:
   a
   x

 1 host failed:
   b (unknown status \"weird\": something)

1 succeeded, 1 failed"
}

@test "outside a UTF-8 locale every byte from 0x80 is shown escaped" {
	printf 'R\tr\th\tok\t0\t1\tx\tcaf\xc3\xa9 \xc2\x9b31m\n' >"$T/in"
	run herd-group --color never "$T/in"
	assert_line '   café <U+009B>31m'
	LC_ALL=C run herd-group --color never "$T/in"
	assert_line '   caf\xc3\xa9 \xc2\x9b31m'
}

# --- malformed records ------------------------------------------------------------------------

# Every view, as herd-group options.
VIEWS=('' --json --parse=uptime '--parse=uptime --json' --ping '--ping --json' --oneline
    '--oneline --json' --hosts=@all --errors-only --no-fold '--lines=1')

@test "an R record without a host is left out with a message, in every view (no crash)" {
	{ printf '#herd-records 1\nR\t1\t\tok\t0\t1\t-\tx\n'; R b ok 0 $'x\n'; } >"$T/nohost"
	for v in "${VIEWS[@]}"; do
		run --separate-stderr herd-group $v "$T/nohost"
		assert_failure 1
		assert_equal "$stderr" "herd-group: $T/nohost:2: R record without a host name; record left out"
	done
	# the issue's pipe, and a record of nothing but its type
	run --separate-stderr sh -c "printf '#herd-records 1\nR\t1\t\tok\t0\t1\t-\tx\n' |
	    herd-group --parse uptime"
	assert_failure 1
	assert_equal "$stderr" "herd-group: stdin:2: R record without a host name; record left out"
	{ echo R; echo; R a ok 0 $'x\n'; } >"$T/bare"
	run --separate-stderr herd-group "$T/bare"
	assert_failure 1
	assert_output " 1 host:
   a
   x

1 succeeded"
	assert_equal "$stderr" "herd-group: $T/bare:1: R record without a host name; record left out"
}

@test "malformed fields: shown as a failure that says what is wrong, in every view" {
	{
		rec-make R 1 st1 '' 0 5 - $'x\n'
		rec-make R 1 st2 'o$k' 0 5 - $'x\n'
		rec-make R 1 ex1 ok abc 5 - $'x\n'
		rec-make R 1 ex2 ok 3 5 - $'x\n'
		rec-make R 1 ex3 nonzero '' 5 - $'x\n'
		rec-make R 1 ex4 nonzero 0 5 - $'x\n'
		rec-make R 1 ok1 ok 0 -7 - $'x\n'
		rec-make R 1 ok2 ok 0 zz - $'x\n'
		rec-make R 1 sha ok 0 5 not-a-digest $'x\n'
		rec-make R 1 short
	} >"$T/in"
	run --separate-stderr herd-group "$T/in"
	assert_failure 1
	assert_equal "$stderr" ""
	assert_output " 3 hosts identical:
   ok[1-2], sha
   x

 7 hosts failed:
   ex[3-4] (status nonzero without a non-zero exit status)
   short, st1 (no status)
   ex1 (exit status \"abc\" is not a number)
     x
   ex2 (status ok with exit status 3)
     x
   st2 (unknown status \"o\$k\")
     x

3 succeeded, 7 failed"
	run herd-group --hosts @failed "$T/in"
	assert_equal "$(hosts_of <<<"$output")" "st1 st2 ex1 ex2 ex3 ex4 short"
	run herd-group --ping --json "$T/in"
	run jq -r 'select(.host == "ok1") | .ms' <<<"$output"
	assert_output 0
	for v in "${VIEWS[@]}"; do
		run herd-group $v "$T/in"
		assert_failure 1
	done
}

@test "H records that are not valid are left out with a message; a name is counted once" {
	{
		echo '#herd-records 1'
		H a
		H b 10.0.0.2 99999
		H c '' '' 'bad user'
		H a
		H ''
		printf 'H\n'
		C true
		R a ok 0 ''
	} >"$T/in"
	run --separate-stderr herd-group "$T/in"
	assert_failure 1
	assert_output " 1 host:
   a
   (no output)

1 succeeded; the run was cut short"
	assert_equal "$stderr" "herd-group: $T/in:3: H record of host b: its port, user or timeout is not valid; record left out
herd-group: $T/in:4: H record of host c: its port, user or timeout is not valid; record left out
herd-group: $T/in:6: H record without a host name; record left out
herd-group: $T/in:7: H record without a host name; record left out"
}

@test "two results for one host in a run: the first is kept, the second said and left out" {
	{ R a ok 0 $'x\n'; R b ok 0 $'x\n'; R a ok 0 $'y\n'; R a failed '' '' '' refused; } >"$T/in"
	for v in "${VIEWS[@]}"; do
		run --separate-stderr herd-group $v "$T/in"
		assert_failure 1
		assert_equal "$stderr" "herd-group: $T/in:3: a second result for host a in one run; the first is kept; record left out
herd-group: $T/in:4: a second result for host a in one run; the first is kept; record left out"
	done
	run --separate-stderr herd-group "$T/in"
	assert_output " 2 hosts identical:
   a, b
   x

2 succeeded"
}

# --- runs cut short ---------------------------------------------------------------------------

@test "a run without its E: every host without a result said, exit 1" {
	{
		echo '#herd-records 1'
		for h in h1 h2 h3 hang; do H "$h"; done
		C 'uname -r'
		R h1 ok 0 $'6.1\n'
		R h2 ok 0 $'6.1\n'
		R h3 ok 0 $'6.1\n'
	} >"$T/cut"
	run --separate-stderr herd-group "$T/cut"
	assert_failure 1
	assert_output " 3 hosts identical:
   h[1-3]
   6.1

 1 host has no result:
   hang (the run was cut short)

3 succeeded, 1 no result; the run was cut short"
	assert_equal "$stderr" ""
	run herd-group --json "$T/cut"
	assert_failure 1
	run jq -c 'select(.label == "noresult") | [.count, .hosts, .error]' <<<"$output"
	assert_output '[1,["hang"],"the run was cut short"]'
	run herd-group --json "$T/cut"
	run jq -c '.summary | select(.) | [.hosts, .succeeded, .noresult, .cut_short]' <<<"$output"
	assert_output '[4,3,1,true]'
	run --separate-stderr herd-group --oneline "$T/cut"
	assert_failure 1
	assert_line --index 0 "h1 | OK | rc=0 | 6.1"
	assert_line --index 3 "hang | NO RESULT | rc=- | the run was cut short"
	assert_equal "$stderr" "herd-group: the run was cut short: 1 host has no result"
	run --separate-stderr herd-group --ping "$T/cut"
	assert_failure 1
	assert_line "  hang  no result (the run was cut short)"
	assert_line "3/4 hosts reachable; the run was cut short"
	run --separate-stderr herd-group --parse uptime "$T/cut"
	assert_failure 1
	assert_line --index 2 "h1    -       -      -      -      -"
	assert_line --index 5 "hang  -       -      -      -      -"
	assert_equal "$stderr" "herd-group: the run was cut short: 1 host has no result"
	# every result there but no E: still cut short
	grep -v hang "$T/cut" >"$T/all"
	run herd-group "$T/all"
	assert_failure 1
	assert_line "3 succeeded; the run was cut short"
	# the E record was there, yet a host has no result
	{ cat "$T/cut"; E 3; } >"$T/ended"
	run herd-group "$T/ended"
	assert_failure 1
	assert_line "   hang (the run ended without it)"
	assert_line "3 succeeded, 1 no result"
}

@test "a run cut short before any result is no \"no results\", exit 1" {
	{ echo '#herd-records 1'; H a; H b; C true; } >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 2 hosts have no result:
   a, b (the run was cut short)

0 succeeded, 2 no result; the run was cut short"
	# only its C record
	{ echo '#herd-records 1'; C true; } >"$T/c"
	run herd-group "$T/c"
	assert_failure 1
	assert_output "no results; the run was cut short"
	# only H records: no run began, the hosts have no result
	{ echo '#herd-records 1'; H a; } >"$T/h"
	run herd-group "$T/h"
	assert_failure 1
	assert_output " 1 host has no result:
   a

0 succeeded, 1 no result"
	# a run cut short, then a whole one: both shown, each for what it is;
	# runs may interleave, so the one without an E is shown at the end
	{ cat "$T/in"; H a; RUN=8 C true; RUN=8 R a ok 0 ''; RUN=8 E 1; } >"$T/two"
	run herd-group "$T/two"
	assert_failure 1
	assert_output " 1 host:
   a
   (no output)

1 succeeded

 2 hosts have no result:
   a, b (the run was cut short)

0 succeeded, 2 no result; the run was cut short"
}

# herd-group reading the fifo $T/fifo (written on fd 7) in the background,
# $GPID its pid; back when it catches SIGTERM.
group_on_fifo() {
	local i mask
	mkfifo "$T/fifo"
	herd-group "$@" <"$T/fifo" >"$T/out" 2>"$T/err" &
	GPID=$!
	exec 7>"$T/fifo"
	for i in $(seq 200); do
		mask=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$GPID/status")
		(( 0x$mask & 0x4000 )) && return 0
		sleep 0.05
	done
	echo "herd-group never caught SIGTERM" >&2
	return 1
}

@test "SIGTERM, SIGHUP and SIGINT while reading a pipe: the run is still shown, exit 130" {
	for sig in TERM HUP INT; do
		rm -f "$T/fifo"
		group_on_fifo
		{ echo '#herd-records 1'; H a; H b; C true; R a ok 0 $'x\n'; } >&7
		kill -s "$sig" "$GPID"
		# herd-run, stopped by the same signal, ends the run
		{ R b failed '' '' '' 'interrupted before connecting'; E 1 0 1; } >&7
		exec 7>&-
		rc=0
		wait "$GPID" || rc=$?
		assert_equal "$rc" 130
		run cat "$T/out"
		assert_output " 1 host:
   a
   x

 1 host failed:
   b (interrupted before connecting)

1 succeeded, 1 failed"
	done
}

@test "a run shown by a signal and cut short: what came is shown, exit 130" {
	group_on_fifo
	{ echo '#herd-records 1'; H a; H hang; C true; R a ok 0 $'x\n'; } >&7
	kill -s TERM "$GPID"
	exec 7>&-
	rc=0
	wait "$GPID" || rc=$?
	assert_equal "$rc" 130
	run cat "$T/out"
	assert_output " 1 host:
   a
   x

 1 host has no result:
   hang (the run was cut short)

1 succeeded, 1 no result; the run was cut short"
}

# --- what reaches the terminal ----------------------------------------------------------------

@test "errors, hints and host names stay on one line: no forged lines" {
	{
		R a ok 0 $'x\n'
		R b failed '' '' '' $'disconnected\n\n0 succeeded, 0 failed' $'hint\nforged'
		R $'c\nforged' ok 0 $'y\n'
		R $'d\n1 host:' ok 0 $'x\n'
	} >"$T/in"
	run herd-group --no-fold "$T/in"
	assert_failure 1
	assert_output " 2 hosts identical:
   a, d^J1 host:
   x

 1 host differs:
   c^Jforged
   y

   --- norm (2 hosts)
   +++ c^Jforged
   @@ -1 +1 @@
   -x
   +y

 1 host failed:
   b (disconnected^J^J0 succeeded, 0 failed)
     hint: hint^Jforged

3 succeeded (1 differs), 1 failed"
	run herd-group --oneline "$T/in"
	assert_line "b | FAILED | rc=- | disconnected^J^J0 succeeded, 0 failed"
	assert_line "c^Jforged | OK | rc=0 | y"
	run herd-group --ping "$T/in"
	assert_line --partial "(disconnected^J^J0 succeeded, 0 failed)"
}

@test "herd-group's own arguments are made safe in its messages" {
	R a ok 0 '' >"$T/in"
	run --separate-stderr herd-group --hosts $'\e[2Jx' "$T/in"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --hosts: unknown selector or host \"^[[2Jx\" (selectors: @all @ok @differs @failed @nonzero @timeout @noresult @changed @tag:NAME @tag:!NAME)"
	run --separate-stderr herd-group --hosts $'@tag:\e' "$T/in"
	assert_equal "$stderr" "herd-group: --hosts: @tag:^[: a tag is letters, digits, '_' and '-'"
	run --separate-stderr herd-group --parse $'\e]0;t\a' "$T/in"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --parse: unknown parser \"^[]0;t^G\" (built in: disk, free, uptime; others come from the config's parsers)"
	run --separate-stderr herd-group --color $'\e[5m' "$T/in"
	assert_failure 2
	assert_equal "$stderr" "herd-group: --color: expected auto, always or never, got ^[[5m"
	run --separate-stderr herd-group --lines $'\e' "$T/in"
	assert_equal "$stderr" "herd-group: --lines: expected a number, 0 for all, got ^["
	run --separate-stderr herd-group "$T/no"$'\e'"such"
	assert_failure 2
	assert_equal "$stderr" "herd-group: $T/no^[such: No such file or directory"
	for opt in --hosts=$'\e' --parse=$'\e' --color=$'\e' --lines=$'\e'; do
		herd-group "$opt" "$T/in" 2>"$T/err" || true
		only_plain_ascii "$T/err"
	done
}

# --- memory -----------------------------------------------------------------------------------

@test "20 hosts with the same 1.6 MiB output: the output is kept once" {
	ldd "$(command -v herd-group)" | grep -q libasan &&
	    skip "AddressSanitizer's memory is not the program's"
	# the records are written by awk: one digest for all (herd-group trusts it)
	awk -v sha="$(printf '%064d' 1)" 'BEGIN {
		l = sprintf("%100s", ""); gsub(/ /, "x", l); s = l "\\n"
		for (i = 0; i < 14; i++) s = s s
		for (h = 1; h <= 20; h++) printf "R\t1\th%02d\tok\t0\t5\t%s\t%s\t\t\t\n", h, sha, s
	}' >"$T/big"
	measure herd-group "$T/big" >"$T/out" 2>"$T/m"
	run tail -1 "$T/out"
	assert_output "20 succeeded"
	# wall_ms cpu_ms maxrss_kb busy_ms: 20 copies would be 33 MB and more
	rss=$(awk '{ print $3 }' "$T/m")
	[ "$rss" -lt 16000 ]
}

# --- the norm, counts and readability -----------------------------------------------------------

@test "no two hosts alike: every host with its output, by host, no diff" {
	for i in $(seq 50 -1 1); do R "h$i" ok 0 "h$i"$'\n'; done >"$T/in"
	run herd-group "$T/in"
	assert_success
	assert_equal "${#lines[@]}" 102
	assert_line --index 0 " 50 hosts, all different:"
	assert_line --index 1 "   h1"
	assert_line --index 2 "     h1"
	assert_line --index 3 "   h2"
	assert_line --index 100 "     h50"
	assert_line --index 101 "50 succeeded (all different)"
	refute_output --partial "norm"
	# with others that exited non-zero or failed
	{
		R b ok 0 $'2 lines\nof b\n' $'warn\n'
		R a ok 0 ''
		R x nonzero 1 $'no\n'
		R y nonzero 1 $'no\n'
		R f failed '' '' '' refused
	} >"$T/in2"
	run herd-group "$T/in2"
	assert_failure 1
	assert_output " 2 hosts, all different:
   a
     (no output)
   b
     2 lines
     of b
     stderr: warn

 2 hosts exited with code 1:
   x, y
   no

 1 host failed:
   f (refused)

2 succeeded (all different), 2 non-zero exit, 1 failed"
	run herd-group --errors-only "$T/in2"
	refute_output --partial "all different:"
	run herd-group --json "$T/in2"
	run jq -c 'select(.hosts) | [.label, .norm, .hosts, .diff]' <<<"$output"
	assert_line --index 0 '["differs",false,["a"],null]'
	assert_line --index 1 '["differs",false,["b"],null]'
	assert_line --index 2 '["exited",false,["x","y"],null]'
}

@test "every host that exited 0 succeeded; the norm is never a failing majority" {
	{
		R e1 nonzero 1 $'error: disk full\n'
		R e2 nonzero 1 $'error: disk full\n'
		R e3 nonzero 1 $'error: disk full\n'
		R o2 ok 0 $'ok\n'
		R o1 ok 0 $'ok\n'
	} >"$T/in"
	run herd-group "$T/in"
	assert_failure 1
	assert_output " 2 hosts identical:
   o[1-2]
   ok

 3 hosts exited with code 1:
   e[1-3]
   error: disk full

2 succeeded, 3 non-zero exit"
	run herd-group --json "$T/in"
	run jq -c '.summary | select(.) | [.succeeded, .differs, .nonzero]' <<<"$output"
	assert_output '[2,0,3]'
}

@test "ties are broken by host name: any order of the same results gives the same view" {
	{ R web2 ok 0 $'6.1.0-17\n'; R web1 ok 0 $'6.1.0-18\n'; R db2 ok 0 $'6.1.0-17\n'
	  R db1 ok 0 $'6.1.0-18\n'; R x1 failed '' '' '' a; R a1 failed '' '' '' b; } >"$T/in"
	herd-group "$T/in" >"$T/want" || true
	for order in 'sort' 'sort -r' 'shuf' 'shuf'; do
		$order "$T/in" >"$T/in2"
		herd-group "$T/in2" >"$T/got" || true
		cmp "$T/want" "$T/got"
		herd-group --json "$T/in" >"$T/wantj" || true
		herd-group --json "$T/in2" >"$T/gotj" || true
		cmp "$T/wantj" "$T/gotj"
	done
	run cat "$T/want"
	assert_line --index 1 "   db1, web1"
	assert_line --index 4 "   db2, web2"
	assert_line "   a1 (b)"
}

@test "host lists wrap at the terminal's width, between names" {
	for i in $(seq 1 30); do R "node$i.example.com" ok 0 $'x\n'; done >"$T/in"
	R other ok 0 $'y\n' >>"$T/in"
	R f1 failed '' '' '' 'connect: connection refused' >>"$T/in"
	R f3 failed '' '' '' 'connect: connection refused' >>"$T/in"
	script -qec "stty cols 40; herd-group --no-fold --color never '$T/in'" /dev/null |
	    tr -d '\r' >"$T/tty"
	run cat "$T/tty"
	assert_line --index 1 "   node1.example.com, node2.example.com,"
	assert_line --index 2 "   node3.example.com, node4.example.com,"
	assert_line --index 5 "   node9.example.com,"
	assert_line --index 6 "   node10.example.com,"
	assert_line --index 26 "   node30.example.com"
	assert_line --index 27 "   x"
	# no line is wider than the terminal, unless a name alone is
	run awk 'length > 40' "$T/tty"
	assert_output ""
	# not a terminal: no wrapping
	run herd-group --no-fold "$T/in"
	assert_line --index 1 --regexp '^   node1.example.com, .*, node30.example.com$'
	# +++ lines and failures wrap the same way
	for i in $(seq 1 8); do R "outlier-$i" ok 0 $'z\n'; done >>"$T/in"
	script -qec "stty cols 40; herd-group --no-fold --color never '$T/in'" /dev/null |
	    tr -d '\r' >"$T/tty"
	run grep -A2 -F '+++' "$T/tty"
	assert_line --index 0 "   +++ outlier-1, outlier-2, outlier-3,"
	assert_line --index 1 "       outlier-4, outlier-5, outlier-6,"
	run awk 'length > 40' "$T/tty"
	assert_output ""
}

# --- --oneline, --outdir, --errdir, --max-exit, --json --parse ------------------------------------

@test "--oneline: host | STATUS | rc=N | first line, one line per host, by host" {
	mixed
	run --separate-stderr herd-group --oneline "$T/mixed"
	assert_failure 1
	assert_output "web-01 | OK | rc=0 | 6.1.0-18-amd64
web-02 | OK | rc=0 | 6.1.0-18-amd64
web-03 | OK | rc=0 | 6.1.0-18-amd64
web-04 | OK | rc=0 | 6.1.0-17-amd64
web-05 | NONZERO | rc=3 | inactive
web-06 | FAILED | rc=- | connect: connection refused
web-07 | TIMEOUT | rc=- | timed out after 2s"
	assert_equal "$stderr" ""
	{
		R a ok 0 $'one\ntwo\nthree\n'
		R b ok 0 '' $'only stderr\nmore\n'
		R c ok 0 ''
		RX d ok 0 'esc\x1b[2J\n'
	} >"$T/in"
	run herd-group --oneline "$T/in"
	assert_success
	assert_output "a | OK | rc=0 | one (+2 more lines)
b | OK | rc=0 | stderr: only stderr (+1 more line)
c | OK | rc=0 |
d | OK | rc=0 | esc^[[2J"
	E=$'\e'
	run herd-group --oneline --color always "$T/mixed"
	assert_line --index 0 "web-01 | $E[32mOK$E[0m | rc=0 | 6.1.0-18-amd64"
	assert_line --index 4 "web-05 | $E[31mNONZERO$E[0m | rc=3 | inactive"
	run herd-group --oneline --errors-only "$T/mixed"
	assert_output "web-05 | NONZERO | rc=3 | inactive
web-06 | FAILED | rc=- | connect: connection refused
web-07 | TIMEOUT | rc=- | timed out after 2s"
}

@test "--oneline --json: one object per host" {
	mixed
	run herd-group --oneline --json "$T/mixed"
	assert_failure 1
	assert_equal "${#lines[@]}" 7
	run jq -c '[.host, .status, .exit, .norm, .output, .error]' <<<"$output"
	assert_line --index 0 '["web-01","ok",0,true,"6.1.0-18-amd64\n",null]'
	assert_line --index 3 '["web-04","ok",0,false,"6.1.0-17-amd64\n",null]'
	assert_line --index 5 '["web-06","failed",null,false,"","connect: connection refused"]'
}

@test "--outdir, --errdir: a file per host with its stdout, its stderr, as pssh -o/-e" {
	{
		R web-1 ok 0 $'out 1\n' $'err 1\n'
		R web-2 nonzero 2 'no newline'
		R 'a/../b' ok 0 $'slash\n'
		R '.hidden' ok 0 $'dot\n'
		R '..' ok 0 $'dots\n'
		RX 'nl\ni' failed '' 'part\x00ial' '' refused
	} >"$T/in"
	umask 022
	run herd-group --outdir "$T/out" --errdir "$T/err" "$T/in"
	assert_failure 1
	assert_line --index 0 " 4 hosts, all different:"
	run ls -A "$T/out"
	assert_output "%2E.
%2Ehidden
a%2F..%2Fb
nl%0Ai
web-1
web-2"
	assert_equal "$(cat "$T/out/web-1")" "out 1"
	assert_equal "$(cat "$T/err/web-1")" "err 1"
	assert_equal "$(cat "$T/out/web-2"; echo .)" "no newline."
	[ ! -s "$T/err/web-2" ]
	assert_equal "$(cat "$T/out/a%2F..%2Fb")" "slash"
	assert_equal "$(od -An -c "$T/out/nl%0Ai" | tr -s ' ')" " p a r t \\0 i a l"
	run stat -c %a "$T/out/web-1"
	assert_output 644
	# files are rewritten, never followed through a symlink
	echo secret >"$T/target"
	ln -sf "$T/target" "$T/out/web-1"
	echo old >"$T/out/web-2"
	run --separate-stderr herd-group --outdir "$T/out" "$T/in"
	assert_failure 3
	assert_equal "$stderr" "herd-group: $T/out/web-1: Too many levels of symbolic links"
	assert_equal "$(cat "$T/target")" "secret"
	assert_equal "$(cat "$T/out/web-2")" "no newline"
	# a directory that cannot be made: exit 3 before reading anything
	run --separate-stderr herd-group --outdir "$T/nosuch/dir" "$T/in"
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" "herd-group: $T/nosuch/dir: No such file or directory"
}

@test "-S, --max-exit: the largest remote exit status; 255 for failures and hosts without result" {
	R a ok 0 '' >"$T/ok"
	{ R a ok 0 ''; R b nonzero 3 ''; R c nonzero 5 ''; R d nonzero 4 ''; } >"$T/codes"
	{ cat "$T/codes"; R e timeout '' '' '' 'timed out'; } >"$T/timeout"
	{ cat "$T/codes"; R f failed '' '' '' 'refused'; } >"$T/failed"
	{ H a; H z; C true; R a ok 0 ''; } >"$T/cut"
	{ H a; C true; R a ok 0 ''; } >"$T/cut-all"
	for opt in -S --max-exit; do
		run herd-group "$opt" "$T/ok"
		assert_success
		run herd-group "$opt" "$T/codes"
		assert_failure 5
		run herd-group "$opt" "$T/timeout"
		assert_failure 255
		run herd-group "$opt" "$T/failed"
		assert_failure 255
		run herd-group "$opt" "$T/cut"
		assert_failure 255
		run herd-group "$opt" "$T/cut-all"
		assert_failure 1
		run herd-group "$opt" --oneline "$T/codes"
		assert_failure 5
	done
	run herd-group "$T/codes"
	assert_failure 1
}

@test "--parse --json: the parsed fields in one object per host" {
	{
		R a ok 0 $'10:00:00 up 5 days,  3:02,  2 users,  load average: 0.00, 0.01, 0.05\n'
		R b failed '' '' '' refused
	} >"$T/in"
	run herd-group --parse uptime --json "$T/in"
	assert_failure 1
	assert_output '{"run":"7","host":"a","status":"ok","fields":{"uptime":"5 days,  3:02","users":"2","load1":"0.00","load5":"0.01","load15":"0.05"}}
{"run":"7","host":"b","status":"failed","fields":{"uptime":null,"users":null,"load1":null,"load5":null,"load15":null}}'
}

@test "one view at a time: --hosts, --ping, --oneline, --parse are exclusive (exit 2)" {
	R a ok 0 '' >"$T/in"
	bad() {
		run --separate-stderr herd-group "$@" "$T/in"
		assert_failure 2
		assert_output ""
	}
	bad --hosts @all --ping
	assert_equal "$stderr" "herd-group: --hosts and --ping: choose one view"
	bad --oneline --parse disk
	assert_equal "$stderr" "herd-group: --oneline and --parse: choose one view"
	bad --ping --parse disk
	bad --hosts @all --oneline
	bad --hosts @all --json
	assert_equal "$stderr" "herd-group: --hosts writes H records: --json does not apply"
	bad --errors-only --parse disk
	assert_equal "$stderr" "herd-group: --errors-only applies to the grouped view and --oneline, not to --parse"
	bad --errors-only --ping
}

@test "--done-fd: each run's id once its view is out, no blank line between views" {
	{
		echo '#herd-records 1'
		RUN=r1 C 'uname -r'; RUN=r1 R h1 ok 0 $'5.10\n'; RUN=r1 E 1
		RUN=r2 C 'uptime'; RUN=r2 R h1 nonzero 1 $'up\n'; RUN=r2 E 0 1
	} >"$T/in"
	herd-group --done-fd 3 --color never <"$T/in" >"$T/out" 3>"$T/done" || :
	assert_equal "$(cat "$T/done")" $'r1\nr2'
	# the second view right after the first's summary line
	assert_equal "$(sed -n '/^1 succeeded$/{n;p;}' "$T/out")" ' 1 host exited with code 1:'
	run herd-group --done-fd 9 <"$T/in"
	assert_failure 2
	assert_output --partial 'expected an open descriptor'
}
