bats_require_minimum_version 1.5.0
load helper

# herd snapshot on the loopback fleet (tests/fleet/README): the inspection
# commands as one series on kept connections, the fields in herd-hist, and
# list, show, diff, drift, export.  Hosts differ through shims in
# $FLEET_DIR/bin (first on the fleet's PATH), keyed on $FLEET_HOST; the
# fleet's uname gives h004 and h008 another kernel.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 8
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home"
	mkdir -p "$HOME"
	export HERD_HISTORY="$T/hist/history.db"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	echo 1 >"$FLEET_DIR/snap-phase"
	chmod 644 "$FLEET_DIR/snap-phase"
}

teardown() {
	rm -f "$FLEET_DIR/bin/dpkg-query" "$FLEET_DIR/bin/df" "$FLEET_DIR/bin/systemctl" \
	    "$FLEET_DIR/bin/ss" "$FLEET_DIR/snap-phase"
}

snap() { herd snapshot -F "$FLEET_SSH_CONFIG" -c "$FLEET_CONFIG" "$@"; }
q() { sqlite3 "$HERD_HISTORY" "$@"; }
phase() { echo "$1" >"$FLEET_DIR/snap-phase"; }

# shim NAME: the script on stdin becomes the hosts' NAME.
shim() {
	{ echo '#!/bin/sh'; echo 'PHASE=$(cat "$FLEET_DIR/snap-phase" 2>/dev/null)'; cat; } \
	    >"$FLEET_DIR/bin/$1"
	chmod 755 "$FLEET_DIR/bin/$1"
}

# The machine's own listening ports change while the suite runs (the hosts
# share it): the same two on every host.
fixed_ports() {
	shim ss <<-'EOF'
	printf 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n'
	printf 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n'
	EOF
}

# systemd on every host but h004 (whose systemctl is not found): ssh and
# cron enabled; cron not running on h002.
systemd_but_h004() {
	shim systemctl <<-'EOF'
	[ "$FLEET_HOST" = h004 ] && exit 127
	case "$*" in
	*list-unit-files*)
		echo "ssh.service enabled enabled"
		echo "cron.service enabled enabled" ;;
	*list-units*)
		echo "ssh.service loaded active running OpenBSD Secure Shell server"
		[ "$FLEET_HOST" = h002 ] || echo "cron.service loaded active running cron" ;;
	esac
	EOF
}

@test "a snapshot of the fleet: progress per step, saved, listed, shown as a table" {
	# the disk and ports steps say which connection they ran on
	OUT="$T/shared"
	mkdir -m 1777 "$OUT"
	chmod 755 "$T"
	for cmd in df ss; do
		shim "$cmd" <<-EOF
		echo "$cmd \$FLEET_HOST \$SSH_CONNECTION" >>"$OUT/conn"
		PATH=\${PATH#*:} exec $cmd "\$@"
		EOF
	done
	run -0 snap -g fleet
	assert_line --index 0 "Capturing snapshot of 8 hosts..."
	for step in "OS info" Packages Services "Disk usage" Memory Ports; do
		assert_line --regexp "^  $step \.+ done$"
	done
	assert_line --regexp "^Snapshot #1 saved \(8 hosts, [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}\)$"
	# one series of six runs, kind snapshot, on every host
	assert_equal "$(q "select count(distinct series), count(*), min(seq), max(seq), sum(host_count)
	    from runs where kind = 'snapshot'")" "1|6|1|6|48"
	assert_equal "$(q 'select series from snapshots')" "$(q "select distinct series from runs")"
	# on kept connections: each host's two steps came from the same client port
	assert_equal "$(wc -l <"$OUT/conn")" 16
	assert_equal "$(cut -d' ' -f2- "$OUT/conn" | sort -u | wc -l)" 8
	run -0 herd snapshot list
	assert_line --index 0 --regexp '^ ID +TIME +HOSTS +FAILED +SELECTION$'
	assert_line --index 1 --regexp '^ 1 +[0-9-]+ [0-9:]+ +8 +0  -g fleet$'
	herd snapshot list --json -n 1 | jq -e '.id == 1 and .hosts == 8 and .failed == 0'
	run -0 herd snapshot show 1
	assert_line --index 0 --regexp '^Snapshot #1, .*, 8 hosts \(-g fleet\)$'
	assert_line --index 1 --regexp '^HOST +OS +KERNEL +UPTIME +MEMORY +DISK / +PACKAGES +SERVICES +PORTS$'
	os=$(. /etc/os-release; echo "$PRETTY_NAME" | sed 's/[][\.*^$()+?{}|/]/\\&/g')
	npkg=$(dpkg-query -W -f '${db:Status-Abbrev}\n' | grep -c '^.i')
	assert_line --regexp "^h001 +$os +$FLEET_KERNEL .* $npkg +- +[0-9]+$"
	assert_line --regexp "^h004 +$os +$FLEET_KERNEL_OUTLIER .* $npkg +- +[0-9]+$"
	# every field of one host; the packages as dpkg has them
	run -0 herd snapshot show 1 h004
	assert_line --index 0 "os: $(. /etc/os-release; echo "$PRETTY_NAME")"
	assert_line --index 1 "kernel: $FLEET_KERNEL_OUTLIER"
	assert_line "package bash: $(dpkg-query -W -f '${Version}' bash)"
	assert_line --regexp '^disk_used /: [0-9]+%$'
	assert_line --regexp '^mem_total: [0-9.]+ [KMGT]iB$'
	assert_equal "$(q "select count(*) from snapshot_fields where host = 'h001'
	    and field like 'package %'")" "$npkg"
	# no systemd in the test machine: no service field, and no error
	assert_equal "$(q "select count(*) from snapshot_fields where field like 'service %'")" 0
	assert_equal "$(q "select group_concat(distinct status) from snapshot_hosts")" ok
}

@test "diff: per host what changed, hosts with the same changes together, packages summed up" {
	shim df <<-'EOF'
	if [ "$FLEET_HOST" = h001 ] || [ "$FLEET_HOST" = h005 ]; then
		pct=42%; [ "$PHASE" = 2 ] && pct=93%
		printf 'Filesystem 1024-blocks Used Available Capacity Mounted on\n'
		printf '/dev/sda1 1000000 420000 580000 %s /\n' "$pct"
		exit 0
	fi
	# the machine's own disk and ports change while the suite runs: fixed here
	printf 'Filesystem 1024-blocks Used Available Capacity Mounted on\n'
	printf '/dev/sda1 1000000 100000 900000 10%% /\n'
	EOF
	fixed_ports
	shim dpkg-query <<-'EOF'
	[ "$FLEET_HOST" = h002 ] || exec /usr/bin/dpkg-query "$@"
	# the machine's own bash and curl left out: the test's versions instead
	/usr/bin/dpkg-query "$@" | grep -v -e "^bash$(printf '\t')" -e "^curl$(printf '\t')"
	if [ "$PHASE" = 2 ]; then
		printf 'nginx\t1.26.0\tii \ncurl\t8.5.0\tii \n'
		printf 'bash\t9.0-1\tii \nlibfoo\t1.1\tii \nlibbar\t2.1\tii \n'
	else
		printf 'oldpkg\t1.0\tii \nremoved-long-ago\t0.1\trc \n'
		printf 'bash\t5.2-1\tii \nlibfoo\t1.0\tii \nlibbar\t2.0\tii \n'
	fi
	EOF
	run -0 snap -g fleet
	phase 2
	run -0 snap -g fleet
	assert_line --partial "Snapshot #2 saved (8 hosts"
	run -0 herd snapshot diff 1 2
	assert_output " 5 hosts unchanged

 2 hosts changed (h[001,005]):
   disk_used /: 42% → 93%

 1 host changed (h002):
   packages: +2 (curl 8.5.0, nginx 1.26.0), -1 (oldpkg), ~3 upgraded (bash 5.2-1 → 9.0-1, libbar 2.0 → 2.1, libfoo 1.0 → 1.1)"
	# the other way round
	run -0 herd snapshot diff 2 1
	assert_line "   packages: +1 (oldpkg 1.0), -2 (curl, nginx), ~3 upgraded (bash 9.0-1 → 5.2-1, libbar 2.1 → 2.0, libfoo 1.1 → 1.0)"
	run -0 herd snapshot diff 2 last
	assert_output " 8 hosts unchanged"
}

@test "hosts without systemd or without dpkg: their fields missing, not errors" {
	systemd_but_h004
	shim dpkg-query <<-'EOF'
	[ "$FLEET_HOST" = h003 ] && exit 127
	exec /usr/bin/dpkg-query "$@"
	EOF
	run -0 snap h001 h002 h003 h004
	refute_output --partial failed
	assert_line --partial "Snapshot #1 saved (4 hosts,"
	assert_equal "$(q "select group_concat(status) from snapshot_hosts")" "ok,ok,ok,ok"
	assert_equal "$(q "select group_concat(host) from (select distinct host from snapshot_fields
	    where field like 'package %' order by host)")" "h001,h002,h004"
	assert_equal "$(q "select host || ' ' || field || ' ' || value from snapshot_fields
	    where field like 'service %' order by host, field")" "h001 service cron enabled,running
h001 service ssh enabled,running
h002 service cron enabled
h002 service ssh enabled,running
h003 service cron enabled,running
h003 service ssh enabled,running"
	run -0 herd snapshot show 1
	assert_line --regexp '^h003 .* - +2 +[0-9]+$'
	assert_line --regexp '^h004 .* [0-9]+ +- +[0-9]+$'
	# drift says them once, not per package or service
	run -0 herd snapshot drift 1
	assert_line " 1 host reports no packages: h003"
	assert_line " 1 host reports no services: h004"
	assert_line "service cron: enabled,running on 2 hosts"
	assert_line "  h002: enabled"
	refute_line --partial "package "
}

@test "drift: per field the fleet's majority and the hosts that differ, folded" {
	fixed_ports
	shim df <<-'EOF'
	printf 'Filesystem 1024-blocks Used Available Capacity Mounted on\n'
	printf '/dev/sda1 1000000 100000 900000 10%% /\n'
	EOF
	run -0 snap -g fleet
	run -0 herd snapshot drift 1
	assert_output "kernel: $FLEET_KERNEL on 6 hosts
  h[004,008]: $FLEET_KERNEL_OUTLIER

1 of $(q "select count(distinct field) from snapshot_fields where field not in ('uptime', 'mem_available')") fields differ across 8 hosts"
	# all the same: said so
	run -0 snap h001 h002
	run -0 herd snapshot drift 2
	assert_output --regexp '^No drift: [0-9]+ fields the same on 2 hosts$'
}

@test "export --json: one JSON object, the fields grouped, numbers as numbers" {
	systemd_but_h004
	run -0 snap -g fleet
	herd snapshot export 1 --json >"$T/export.json"
	if command -v jq >/dev/null; then
		jq -e . "$T/export.json" >/dev/null
		assert_equal "$(jq -r '.id, (.hosts | length), .selection' "$T/export.json")" "1
8
-g fleet"
		assert_equal "$(jq -r '.hosts[] | select(.host == "h004") | .fields.kernel' \
		    "$T/export.json")" "$FLEET_KERNEL_OUTLIER"
		assert_equal "$(jq -r '.hosts[0].services.ssh, (.hosts[0].fields.mem_total | type),
		    (.hosts[3].services == null), .hosts[0].status' "$T/export.json")" \
		    "enabled,running
number
true
ok"
		assert_equal "$(jq '.hosts[1].packages | length' "$T/export.json")" \
		    "$(q "select count(*) from snapshot_fields where host = 'h002' and field like 'package %'")"
	else
		python3 -m json.tool "$T/export.json" >/dev/null
	fi
	# one line, ASCII only
	assert_equal "$(wc -l <"$T/export.json")" 1
	run ! grep -P '[^\x00-\x7f]' "$T/export.json"
}

@test "a host down during a snapshot: said, left out of the later steps, the rest saved" {
	# h003's connection dies in the disk step: its sshd session killed
	shim df <<-'EOF'
	if [ "$FLEET_HOST" = h003 ]; then
		p=$$
		while [ "$p" -gt 1 ]; do
			read -r line </proc/$p/stat || break
			set -- $line
			case $2 in "(sshd)"|"(sshd-session)") kill -KILL "$p"; exit 0 ;; esac
			p=$4
		done
	fi
	exec /bin/df "$@"
	EOF
	run -1 snap h001 h002 h003 h004 refused
	assert_line --regexp '^  OS info \.+ done \(1 host failed: refused\)$'
	assert_line --regexp '^  Packages \.+ done$'
	assert_line --regexp '^  Disk usage \.+ done \(1 host failed: h003\)$'
	assert_line --regexp '^  Memory \.+ done$'
	assert_line --regexp '^Snapshot #1 saved \(5 hosts, 2 not captured in full: h003, refused, .*\)$'
	# the later steps were not asked of the hosts that failed
	assert_equal "$(q "select seq, group_concat(host) from results r join runs on runs.id = r.run_id
	    where seq >= 4 group by seq order by seq")" "4|h001,h002,h003,h004
5|h001,h002,h004
6|h001,h002,h004"
	assert_equal "$(q "select host || ' ' || status from snapshot_hosts order by host")" \
	    "h001 ok
h002 ok
h003 partial
h004 ok
refused failed"
	run -0 herd snapshot show 1
	assert_line --regexp '^refused +not captured: .*[Cc]onnection refused'
	# what h003 gave before it went is kept
	run -0 herd snapshot show 1 h003
	assert_line --regexp '^partly captured: '
	assert_line "kernel: $FLEET_KERNEL"
	refute_line --partial "mem_total"
	run -0 herd snapshot drift 1
	assert_line " 1 host not captured: refused"
}

@test "Ctrl-C cancels the step running, runs no later one, saves nothing" {
	shim df <<-'EOF'
	[ "$FLEET_HOST" = h001 ] && exec sleep 60
	exec /bin/df "$@"
	EOF
	# herd itself in the background (not a function: its subshell would get the signal)
	herd snapshot -F "$FLEET_SSH_CONFIG" -c "$FLEET_CONFIG" h001 h002 >"$T/out" 2>&1 &
	pid=$!
	# until h001's df runs (a guard against hanging, not a measure of speed)
	timeout 60 sh -c "until '$TESTS/fleet/fleet-procs' '$FD' | grep -q 'sleep 60'; do sleep 0.05; done"
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run cat "$T/out"
	assert_line --regexp '^  Disk usage \.+ cancelled$'
	refute_line --partial "Memory"
	assert_line "Interrupted: no snapshot saved (the steps run are in herd history)"
	assert_equal "$(q 'select count(*) from snapshots')" 0
	assert_equal "$(q "select count(*) from runs where kind = 'snapshot'")" 4
	# nothing left running on the hosts
	run "$TESTS/fleet/fleet-procs" "$FD" 10
	refute_output --partial "sleep 60"
}

@test "odd output from a host never breaks a snapshot, and reaches the terminal safe" {
	shim ss <<-'EOF'
	printf 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n'
	printf 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n'
	[ "$FLEET_HOST" = h001 ] || exit 0
	printf 'LISTEN 0 128 \033[2J10.0.0.1:80\033]0;title\007 *:*\n'
	printf 'LISTEN 0 128 \000\377\376:1 *:*\n'
	printf 'LISTEN\n\n\t\t\t\nLISTEN 0 1 %s:2 *:*\n' "$(head -c 3000 /dev/zero | tr '\0' x)"
	head -c 3000 /dev/urandom
	EOF
	run -0 snap h001 h002
	assert_equal "$(q "select count(*) from snapshot_fields where host = 'h001' and field like 'port %'")" 4
	assert_equal "$(q "select max(length(field)) <= 200 from snapshot_fields")" 1
	run -0 herd snapshot drift 1
	assert_line "port ?[2J10.0.0.1:80?]0;title?: tcp on 1 host"
	assert_line "  h002: (none)"
	refute_output --partial $'\033'
	herd snapshot export 1 --json | jq -e '.hosts[0].ports | length == 4'
}

@test "errors: unknown snapshot, part, command; the history unwritable" {
	run -3 herd snapshot show 1
	assert_output --partial "no runs recorded yet"
	run -0 snap h001
	run -2 herd snapshot show 7
	assert_output --partial "no snapshot 7 in $HERD_HISTORY"
	run -2 herd snapshot diff 1
	assert_output --partial "usage: herd-hist snapshot diff"
	run -2 snap --only os,kernels h001
	assert_output --partial "--only: no part kernels"
	run -2 herd-hist snapshot frobnicate
	assert_output --partial 'unknown command "frobnicate"'
	run -3 herd-hist snapshot save no-such-series
	assert_output --partial "no run of snapshot series no-such-series"
	# --only: the parts asked, no others
	run -0 snap --only os,disk h001
	assert_equal "$(echo "$output" | grep -c ' done$')" 2
	assert_equal "$(q "select count(*) from snapshot_fields where snapshot_id = 2 and field like 'package %'")" 0
	# a history that cannot be written: no snapshot, a clear error
	touch "$T/file"
	HERD_HISTORY="$T/file/history.db" run -3 snap h001
	assert_output --partial "$T/file/history.db: Not a directory"
	refute_output --partial "saved"
}

@test "herd help snapshot, --help, --explain, and the reading commands through herd" {
	run -0 herd help snapshot
	assert_line --index 0 "usage: herd snapshot [options] [HOSTS...] [--only PARTS]"
	assert_output --partial "drift ID"
	run -0 herd snapshot --help
	assert_line --index 0 "usage: herd snapshot [options] [HOSTS...] [--only PARTS]"
	run -0 herd help
	assert_output --partial "snapshot capture OS"
	run -0 herd --explain snapshot -g fleet -F cfg
	assert_line "herd-select -g fleet | herd-run --serve -F cfg | herd-hist record"
	assert_line "herd-hist snapshot save SERIES"
	run -0 herd --explain snapshot diff 3 4
	assert_output "herd-hist snapshot diff 3 4"
	run -0 herd-hist snapshot --help
	assert_output --partial "herd-hist snapshot drift"
}
