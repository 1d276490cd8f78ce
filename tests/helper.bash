# Common set-up for every bats file: the programs under test come from
# $HERD_BUILD (scripts/run-tests sets it), never from an installed herd.
bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load.bash
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load.bash

: "${HERD_BUILD:=$BATS_TEST_DIRNAME/../build}"
export PATH="$HERD_BUILD:$HERD_BUILD/tests:$PATH"
export HERD_EXEC_PATH="$HERD_BUILD"
export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" XDG_DATA_HOME="$BATS_TEST_TMPDIR/data"
export NO_COLOR=1
# What the human views show of non-ASCII text depends on the locale: pin it.
export LC_ALL=C.UTF-8
unset HERD_CONFIG
TESTS="$BATS_TEST_DIRNAME"
EXAMPLE="$TESTS/../examples/config.yaml"

# First line of stdout as the program wrote it (bats' $lines drops empties).
hosts_of() {
	grep '^H' | cut -f2 | paste -sd' ' -
}
