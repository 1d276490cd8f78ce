#!/bin/sh
# Install the Debian packages herd needs to build and test, when run as root
# and something is missing.  Prints what it would need otherwise.
# deps.sh bench: also the peers make bench compares herd with.
# deps.sh fuzz: also clang and its libFuzzer runtime, for make fuzz.
set -e
pkgs="build-essential pkg-config libssh-dev libyaml-dev libsqlite3-dev
libcurl4-openssl-dev libpcre2-dev libncurses-dev libbsd-dev libjansson-dev
libedit-dev libmd-dev libzstd-dev openssh-server openssh-client bats bats-assert bats-support jq
tmux sudo iproute2 util-linux procps man-db mandoc perl parallel sqlite3"
[ "${1:-}" = bench ] && pkgs="$pkgs pssh pdsh clustershell"
[ "${1:-}" = fuzz ] && pkgs="$pkgs clang libclang-rt-14-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $missing >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null && apt-get install -y -q $missing >/dev/null; }
