# Common set-up for every bats file: the programs under test come from
# $HERD_BUILD (scripts/run-tests sets it), never from an installed herd.

# load_lib NAME: what bats_load_library NAME does, without its cost: the
# load.bash of bats-support and bats-assert runs $(dirname ...) once per file
# it sources, 15 forks in all, and every test loads this helper again.
load_lib() {
	local d= p line
	local -a path
	IFS=: read -ra path <<<"${BATS_LIB_PATH:-}:/usr/lib/bats"
	for p in "${path[@]}"; do
		[ -n "$p" ] && [ -f "$p/$1/load.bash" ] && { d=$p/$1; break; }
	done
	[ -n "$d" ] || { bats_load_library "$1"; return; }
	while IFS= read -r line; do
		case $line in
		''|'#'*) ;;
		'source "$(dirname "${BASH_SOURCE[0]}")/'*'"')
			line=${line#'source "$(dirname "${BASH_SOURCE[0]}")/'}
			source "$d/${line%\"}" || return ;;
		*) source "$d/load.bash"; return ;;	# a loader of another form
		esac
	done <"$d/load.bash"
}
load_lib bats-support
load_lib bats-assert

: "${HERD_BUILD:=$BATS_TEST_DIRNAME/../build}"
export PATH="$HERD_BUILD:$HERD_BUILD/tests:$PATH"
export HERD_EXEC_PATH="$HERD_BUILD"
export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" XDG_DATA_HOME="$BATS_TEST_TMPDIR/data"
export NO_COLOR=1
# The terminal tests' tmux sockets go with the file's temporary directory:
# tmux leaves a killed server's socket file behind.
export TMUX_TMPDIR="$BATS_FILE_TMPDIR"
# What the human views show of non-ASCII text depends on the locale: pin it.
export LC_ALL=C.UTF-8
unset HERD_CONFIG
TESTS="$BATS_TEST_DIRNAME"
EXAMPLE="$TESTS/../examples/config.yaml"

# First line of stdout as the program wrote it (bats' $lines drops empties).
hosts_of() {
	grep '^H' | cut -f2 | paste -sd' ' -
}
