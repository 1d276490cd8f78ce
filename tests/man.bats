load helper

# The manual pages that must exist, relative to the top of the tree.  A
# program's page lives beside its source (the Makefile installs
# PROG/PROG.1); add one line here when a program lands.
PAGES="
herd/herd.1
herd-select/herd-select.1
herd-run/herd-run.1
herd-group/herd-group.1
herd-hist/herd-hist.1
herd-ui/herd-ui.1
herd-notify/herd-notify.1
man/herd-records.5
man/herd-config.5
man/herd.7
"

TOP="$TESTS/.."

# The programs to ask for --help: herd, herd-select, and every other herd-*
# executable the build made.
programs() {
	local p
	for p in "$HERD_BUILD"/herd "$HERD_BUILD"/herd-*; do
		[ -f "$p" ] && [ -x "$p" ] && echo "${p##*/}"
	done
}

@test "every manual page exists and names itself in its .Dt line" {
	local page name sect bad=
	for page in $PAGES; do
		if [ ! -f "$TOP/$page" ]; then
			bad="$bad
missing: $page"
			continue
		fi
		name=${page##*/}
		sect=${name##*.}
		name=${name%.*}
		grep -qix "\.Dt $name $sect" "$TOP/$page" ||
			bad="$bad
$page: expected .Dt $(echo "$name" | tr a-z A-Z) $sect"
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "every manual page renders with man(1) without warnings" {
	command -v man >/dev/null || skip "man-db is not installed"
	local page out err bad=
	for page in $PAGES; do
		[ -f "$TOP/$page" ] || continue
		# one rendering: the page on stdout, the warnings on stderr
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$TOP/$page" 2>"$BATS_TEST_TMPDIR/err")
		err=$(cat "$BATS_TEST_TMPDIR/err")
		[ -z "$err" ] || bad="$bad
$page: $err"
		case $out in
		*NAME*SYNOPSIS*DESCRIPTION*|*NAME*DESCRIPTION*) ;;
		*) bad="$bad
$page: no NAME and DESCRIPTION in the rendered page" ;;
		esac
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "every manual page passes mandoc -T lint at warning level" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	local page out bad=
	for page in $PAGES; do
		[ -f "$TOP/$page" ] || continue
		# STYLE messages are left out: they include references to pages
		# that are not installed yet, such as each other.
		out=$(mandoc -T lint -W warning "$TOP/$page" 2>&1) || true
		[ -z "$out" ] || bad="$bad
$out"
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "herd and herd-select are built" {
	[ -x "$HERD_BUILD/herd" ] || fail "no $HERD_BUILD/herd"
	[ -x "$HERD_BUILD/herd-select" ] || fail "no $HERD_BUILD/herd-select"
}

@test "every program answers --help with exit 0 and a usage line on stdout" {
	local prog bad= out rc
	for prog in $(programs); do
		rc=0
		out=$("$HERD_BUILD/$prog" --help 2>/dev/null) || rc=$?
		if [ "$rc" -ne 0 ]; then
			bad="$bad
$prog --help: exit status $rc"
		elif ! printf '%s\n' "$out" | grep -q "^usage: $prog\( \|$\)"; then
			bad="$bad
$prog --help: no \"usage: $prog\" line on stdout"
		fi
	done
	[ -z "$bad" ] || fail "$bad"
}
