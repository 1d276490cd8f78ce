load helper

# herd-select: groups, tags, host patterns and files to H records (or JSON).

FLEET="$TESTS/configs/fleet.yaml"

setup() {
	export HERD_CONFIG="$FLEET"
}

# The host names herd-select prints for ARGS, space separated.
names() {
	run sh -c 'herd-select "$@" | cut -f2 | tail -n +2 | paste -sd" " -' sh "$@"
}

# --- ROADMAP.md's examples ----------------------------------------------------

@test "ROADMAP: -t debian12 selects across all groups" {
	run herd-select -t debian12
	assert_success
	assert_output "$(printf '#herd-records 1
H\tpi-garage\tpi-garage\t\t\tdebian12,arm64,indoor\tpis,canary\t
H\tweb-01\tweb-01\t\tdeploy\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\tweb-03\tweb-03\t\tdeploy\tnginx,staging,debian12\tweb\t')"
}

@test "ROADMAP: -t prod,debian12 is an AND" {
	names -t prod,debian12
	assert_output "web-01"
	names --tag=debian12,prod
	assert_output "web-01"
}

@test "ROADMAP: -t '!staging' excludes" {
	names -t '!staging'
	assert_output "pi-garage pi-workshop pi-backyard web-01 web-02"
}

@test "ROADMAP: -g pis -t arm64 is the intersection" {
	names -g pis -t arm64
	assert_output "pi-garage pi-workshop"
	run herd-select -g web -t arm64
	assert_failure 2
	assert_output "herd-select: no hosts selected: the selection matches no host"
}

# --- groups and tags ------------------------------------------------------------

@test "-g NAME selects a group's hosts in config order" {
	names -g pis
	assert_output "pi-garage pi-workshop pi-backyard"
	names --group web
	assert_output "web-01 web-02 web-03"
}

@test "-g repeated or as a comma list: groups in the order given, each host once" {
	names -g web -g pis
	assert_output "web-01 web-02 web-03 pi-garage pi-workshop pi-backyard"
	names -g canary,web
	assert_output "web-01 pi-garage web-02 web-03"
	names -g web,canary,web
	assert_output "web-01 web-02 web-03 pi-garage"
}

@test "tags: each host once, in first-occurrence order, tags of all its groups" {
	names -t canary
	assert_output "web-01"
	names -t nginx
	assert_output "web-01 web-02 web-03"
	names -t '!nginx'
	assert_output "pi-garage pi-workshop pi-backyard"
}

@test "tags: combined AND and NOT in one expression" {
	names -t 'nginx,!staging,!us-west'
	assert_output "web-01"
	names -t 'arm64,!debian11'
	assert_output "pi-garage"
}

@test "repeated -t is an OR of the expressions" {
	names -t staging -t arm64,indoor
	assert_output "pi-garage web-03"
}

@test "-g with -t: intersection with every group given" {
	names -g pis,web -t debian12
	assert_output "pi-garage web-01 web-03"
	names -g canary -t '!arm64'
	assert_output "web-01"
}

@test "-a selects every configured host once" {
	names -a
	assert_output "pi-garage pi-workshop pi-backyard web-01 web-02 web-03"
}

@test "group and host settings reach the records" {
	run herd-select -g web
	assert_success
	assert_line --index 2 "$(printf 'H\tweb-02\tweb-02\t\tdeploy\tnginx,prod,us-west,debian11\tweb\t')"
}

@test "an unknown group is an error, with a suggestion when one is close" {
	run herd-select -g pi
	assert_failure 2
	assert_output 'herd-select: unknown group "pi"; did you mean "pis"?'
	run herd-select -g databases
	assert_failure 2
	assert_output 'herd-select: unknown group "databases"'
	run herd-select -g pis,wbe
	assert_failure 2
	assert_output 'herd-select: unknown group "wbe"; did you mean "web"?'
}

@test "a bad tag expression is an error (exit 2)" {
	run herd-select -t 'us east'
	assert_failure 2
	assert_output "herd-select: tag expression \"us east\": a tag is letters, digits, '_' and '-', optionally after '!'"
	run herd-select -t '!'
	assert_failure 2
	assert_output "herd-select: tag expression \"!\": a tag is letters, digits, '_' and '-', optionally after '!'"
	run herd-select -t ''
	assert_failure 2
	assert_output 'herd-select: tag expression "": empty tag expression'
}

@test "a tag no host has is an error, with a suggestion when one is close (exit 2)" {
	run herd-select -t windows
	assert_failure 2
	assert_output 'herd-select: unknown tag "windows"'
	run herd-select -t prdo
	assert_failure 2
	assert_output 'herd-select: unknown tag "prdo"; did you mean "prod"?'
	# after a !, a misspelt tag would select every host
	run herd-select -t 'nginx,!stagign'
	assert_failure 2
	assert_output 'herd-select: unknown tag "stagign"; did you mean "staging"?'
	run herd-select -g web -t debian12 -t armm64
	assert_failure 2
	assert_output 'herd-select: unknown tag "armm64"; did you mean "arm64"?'
}

@test "a tag expression that matches no host is an error (exit 2)" {
	run herd-select -t prod,staging
	assert_failure 2
	assert_output 'herd-select: tag expression "prod,staging" matches no configured host'
	run herd-select -t arm64 -t 'nginx,!nginx'
	assert_failure 2
	assert_output 'herd-select: tag expression "nginx,!nginx" matches no configured host'
	# tags that match hosts, but none of the group: an empty selection
	run herd-select -g web -t arm64
	assert_failure 2
	assert_output "herd-select: no hosts selected: the selection matches no host"
}

@test "no selection at all: exit 2 with a clear message" {
	run herd-select
	assert_failure 2
	assert_output "herd-select: no hosts selected: give hosts, -g GROUP, -t TAGS, -f FILE or -a"
	run herd-select --json
	assert_failure 2
	assert_output "herd-select: no hosts selected: give hosts, -g GROUP, -t TAGS, -f FILE or -a"
}

# --- host arguments -----------------------------------------------------------

@test "host forms: name, user@name, name:port, user@name:port" {
	run herd-select admin@newhost other:2200 ops@other:2201 plain
	assert_success
	assert_output "$(printf '#herd-records 1
H\tnewhost\tnewhost\t\tadmin\t\t\t
H\tother:2200\tother\t2200\t\t\t\t
H\tother:2201\tother\t2201\tops\t\t\t
H\tplain\tplain\t\t\t\t\t')"
}

@test "host names are unique in a selection: the first occurrence wins" {
	run herd-select newhost admin@newhost
	assert_success
	assert_output "$(printf '#herd-records 1
H\tnewhost\tnewhost\t\t\t\t\t')"
}

@test "host forms: [v6addr]:port, user@[v6addr]:port, a bare v6 address" {
	run herd-select '[2001:db8::1]:2222' 'root@[::1]:22' 'fe80::1' '[::1]'
	assert_success
	assert_output "$(printf '#herd-records 1
H\t[2001:db8::1]:2222\t2001:db8::1\t2222\t\t\t\t
H\t[::1]:22\t::1\t22\troot\t\t\t
H\tfe80::1\tfe80::1\t\t\t\t\t
H\t[::1]\t::1\t\t\t\t\t')"
}

@test "a configured host keeps its config settings; user and port given win" {
	run herd-select web-01 root@web-01:2222 pi-backyard
	assert_success
	assert_output "$(printf '#herd-records 1
H\tweb-01\tweb-01\t\tdeploy\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\tweb-01:2222\tweb-01\t2222\troot\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\tpi-backyard\tpi-backyard\t\t\t\tpis\t')"
}

@test "the same host twice is listed once" {
	names web-01 web-02 web-01 -g web
	assert_output "web-01 web-02 web-03"
}

@test "hosts add to a group or tag selection, after it" {
	names -g pis web-02 db1
	assert_output "pi-garage pi-workshop pi-backyard web-02 db1"
	names -t staging pi-garage
	assert_output "web-03 pi-garage"
}

@test "bad host arguments: exit 2 with the reason" {
	run herd-select web-01:0
	assert_failure 2
	assert_output "herd-select: web-01:0: port must be a number from 1 to 65535"
	run herd-select web-01:65536
	assert_failure 2
	assert_output "herd-select: web-01:65536: port must be a number from 1 to 65535"
	run herd-select 'bad/name'
	assert_failure 2
	assert_output "herd-select: bad/name: bad character in host name"
	run herd-select '@web-01'
	assert_failure 2
	assert_output "herd-select: @web-01: bad user name (letters, digits, '.', '_', '-', '@'; not a leading '-')"
	run herd-select 'user@:22'
	assert_failure 2
	assert_output "herd-select: user@:22: empty host name"
	run herd-select '[::1]x'
	assert_failure 2
	assert_output "herd-select: [::1]x: expected :port after ]"
}

@test "shell metacharacters in a host are refused: %h reaches a ProxyCommand's shell" {
	local meta="bad character in host name: shell metacharacters are refused (a ProxyCommand's shell would read them)"
	for h in 'a;id' 'a$(id)' 'a`id`' "a'b" 'a"b' 'a|b' 'a&b' 'a>b' 'a(b)' 'a\b'; do
		run herd-select "$h"
		assert_failure 2
		assert_output "herd-select: $h: $meta"
	done
	run herd-select 'root@a$(id):22'
	assert_failure 2
	assert_output "herd-select: root@a\$(id):22: $meta"
	run herd-select 'a b'
	assert_failure 2
	assert_output "herd-select: a b: bad character in host name"
	run herd-select $'a\nb'
	assert_failure 2
	assert_output --partial "b: bad character in host name"
	run herd-select -- -oProxyCommand=id
	assert_failure 2
	assert_output "herd-select: -oProxyCommand=id: bad host name: it starts with '-'"
	run herd-select '[::1;id]:22'
	assert_failure 2
	assert_output "herd-select: [::1;id]:22: bad character in IPv6 address"
	# nor through a file, a glob's user or a range
	printf 'ok1\nx$(reboot)\n' >"$BATS_TEST_TMPDIR/meta"
	run herd-select -f "$BATS_TEST_TMPDIR/meta"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/meta:2: x\$(reboot): $meta"
	run herd-select 'x;id@web-*'
	assert_failure 2
	assert_output "herd-select: x;id@web-*: bad user name (letters, digits, '.', '_', '-', '@'; not a leading '-')"
	run herd-select 'n[1-2];id'
	assert_failure 2
	assert_output "herd-select: n1;id: $meta"
	# what a host name may hold
	names 'a.b-c_d' 'fe80::1%eth0' 'UPPER9'
	assert_output "a.b-c_d fe80::1%eth0 UPPER9"
}

@test "comma lists of hosts, wherever hosts are given" {
	names h001,h002
	assert_output "h001 h002"
	names 'db[1-3,7],web-01' ,x1,,
	assert_output "db1 db2 db3 db7 web-01 x1"
	names 'web-*,pi-g*'
	assert_output "web-01 web-02 web-03 pi-garage"
	run herd-select 'root@h1,h2:2222'
	assert_success
	assert_output "$(printf '#herd-records 1
H\th1\th1\t\troot\t\t\t
H\th2:2222\th2\t2222\t\t\t\t')"
	run herd-select ,
	assert_failure 2
	assert_output 'herd-select: ",": no host in the list'
}

# --- globs ----------------------------------------------------------------------

@test "globs match configured host names" {
	names 'web-*'
	assert_output "web-01 web-02 web-03"
	names 'pi-*'
	assert_output "pi-garage pi-workshop pi-backyard"
	names '*-0?' 'pi-[gw]*'
	assert_output "web-01 web-02 web-03 pi-garage pi-workshop"
}

@test "a glob with user@ sets the user of every match" {
	run herd-select 'root@web-*'
	assert_success
	assert_output "$(printf '#herd-records 1
H\tweb-01\tweb-01\t\troot\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\tweb-02\tweb-02\t\troot\tnginx,prod,us-west,debian11\tweb\t
H\tweb-03\tweb-03\t\troot\tnginx,staging,debian12\tweb\t')"
}

@test "with * or ?, brackets are a glob's character class, not a range" {
	names 'web-[0-9]*'
	assert_output "web-01 web-02 web-03"
	names '*-0[13]'
	assert_output "web-01 web-03"
	run herd-select 'web-0[1-2]?'
	assert_failure 2
	assert_output "herd-select: web-0[1-2]?: matches no configured host"
}

@test "a glob that matches nothing is an error (exit 2)" {
	run herd-select 'db-*'
	assert_failure 2
	assert_output "herd-select: db-*: matches no configured host"
}

# --- ranges -----------------------------------------------------------------------

@test "ranges: web-[01-20] keeps the zero padding" {
	names 'web-[01-20]'
	assert_output "$(printf 'web-%02d ' $(seq 1 20) | sed 's/ $//')"
}

@test "ranges: db[1-3,7] and rack[1-2]-n[1-3]" {
	names 'db[1-3,7]'
	assert_output "db1 db2 db3 db7"
	names 'rack[1-2]-n[1-3]'
	assert_output "rack1-n1 rack1-n2 rack1-n3 rack2-n1 rack2-n2 rack2-n3"
}

@test "ranges: padding of 3, crossing a width, steps, user and port" {
	names 'n[008-011]' 'x[1-10/3]'
	assert_output "n008 n009 n010 n011 x1 x4 x7 x10"
	run herd-select 'ops@db[1-2]:2222'
	assert_success
	assert_output "$(printf '#herd-records 1
H\tdb1:2222\tdb1\t2222\tops\t\t\t
H\tdb2:2222\tdb2\t2222\tops\t\t\t')"
}

@test "ranges name configured hosts too" {
	names 'web-[02-03]'
	assert_output "web-02 web-03"
	run herd-select 'web-[03]'
	assert_success
	assert_line --index 1 "$(printf 'H\tweb-03\tweb-03\t\tdeploy\tnginx,staging,debian12\tweb\t')"
}

@test "an unterminated range is an error (exit 2)" {
	run herd-select 'web-[01-03'
	assert_failure 2
	assert_output "herd-select: web-[01-03: unterminated ["
}

@test "a malformed range is an error, not a glob (exit 2)" {
	for r in 'x[3-1]' 'x[1-3,]' 'x[1--2]' 'x[1-4/0]' 'x[,]'; do
		run herd-select "$r"
		assert_failure 2
		assert_output "herd-select: $r: bad range: use [1-3,7], [01-20] or [1-10/2], low to high"
	done
}

@test "a range of 100000 hosts" {
	run sh -c "herd-select 'h[1-100000]' | wc -l"
	assert_output "100001"
	run sh -c "herd-select 'h[1-100000]' | tail -1"
	assert_output "$(printf 'H\th100000\th100000\t\t\t\t\t')"
}

@test "ranges: blanks inside brackets are ignored, as nodeset does" {
	names 'web[1, 3]' 'db[ 1-2 ]'
	assert_output "web1 web3 db1 db2"
	run herd-select 'n[1 2]'
	assert_failure 2
	assert_output "herd-select: n[1 2]: bad range: use [1-3,7], [01-20] or [1-10/2], low to high"
}

@test "ranges: a number too large, too many names (exit 2)" {
	names 'n[99999999999]' 'n[999999999999998-999999999999999]'
	assert_output "n99999999999 n999999999999998 n999999999999999"
	run herd-select 'n[9999999999999999]'
	assert_failure 2
	assert_output "herd-select: n[9999999999999999]: bad range: a number has at most 15 digits"
	for r in 'x[1-100000000]' 'x[1-1000][1-1001]' 'x[1-999999999999999][1-999999999999999]'; do
		run herd-select "$r"
		assert_failure 2
		assert_output "herd-select: $r: range expands to too many names (at most 1000000)"
	done
}

@test "ranges: digits before a bracket are text, padding comes from the first number" {
	run sh -c "herd-select 'baby29[1-14]' | tail -n +2 | cut -f2 | paste -sd' ' -"
	assert_output "baby291 baby292 baby293 baby294 baby295 baby296 baby297 baby298 baby299 baby2910 baby2911 baby2912 baby2913 baby2914"
	run sh -c "herd-select 'n[01-100]' | tail -n +2 | cut -f2 | sed -n '1p;99p;100p' | paste -sd' ' -"
	assert_output "n01 n99 n100"
	names 'n[9-011]'
	assert_output "n9 n10 n11"
}

# --- host files -------------------------------------------------------------------

@test "-f FILE: one host per line, # comments, blank lines, ranges" {
	cat >"$BATS_TEST_TMPDIR/hosts" <<-'EOF'
	# the usual suspects
	web-01
	  db1   # trailing comment

	root@db[2-3]:2222
	EOF
	run herd-select -f "$BATS_TEST_TMPDIR/hosts"
	assert_success
	assert_output "$(printf '#herd-records 1
H\tweb-01\tweb-01\t\tdeploy\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\tdb1\tdb1\t\t\t\t\t
H\tdb2:2222\tdb2\t2222\troot\t\t\t
H\tdb3:2222\tdb3\t2222\troot\t\t\t')"
}

@test "-f - reads the host list from stdin" {
	run sh -c 'printf "web-02\npi-backyard\n" | herd-select -f - | cut -f2'
	assert_success
	assert_output "#herd-records 1
web-02
pi-backyard"
	run sh -c 'printf "x1\n" | herd-select --file=- -g pis | cut -f2 | tail -n +2 | paste -sd" " -'
	assert_output "pi-garage pi-workshop pi-backyard x1"
}

@test "-f: errors name the file and line (exit 2)" {
	printf 'web-01\n\nweb-02 root web-03\n' >"$BATS_TEST_TMPDIR/three"
	run herd-select -f "$BATS_TEST_TMPDIR/three"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/three:3: expected \"[user@]host[:port]\" or \"host[:port] user\""
	printf 'root@web-02 admin\n' >"$BATS_TEST_TMPDIR/twice"
	run herd-select -f "$BATS_TEST_TMPDIR/twice"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/twice:1: root@web-02: a user is given twice (admin)"
	printf '# ports\nh:99999\n' >"$BATS_TEST_TMPDIR/port"
	run herd-select -f "$BATS_TEST_TMPDIR/port"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/port:2: h:99999: port must be a number from 1 to 65535"
	run herd-select -f "$BATS_TEST_TMPDIR/nonexistent"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/nonexistent: No such file or directory"
}

@test "-f with only comments selects nothing: exit 2" {
	printf '# nothing\n\n' >"$BATS_TEST_TMPDIR/empty"
	run herd-select -f "$BATS_TEST_TMPDIR/empty"
	assert_failure 2
	assert_output "herd-select: no hosts selected: the selection matches no host"
}

@test "-f: pssh host lines, host[:port] user and [user@]host[:port]" {
	cat >"$BATS_TEST_TMPDIR/pssh" <<-'EOF'
	# pssh -h style
	h1:2222 root
	h2	admin   # a tab, then a comment
	ops@h3:2200
	web-01 root
	h[4-5],h6 deploy
	EOF
	run herd-select --hosts-file "$BATS_TEST_TMPDIR/pssh"
	assert_success
	assert_output "$(printf '#herd-records 1
H\th1:2222\th1\t2222\troot\t\t\t
H\th2\th2\t\tadmin\t\t\t
H\th3:2200\th3\t2200\tops\t\t\t
H\tweb-01\tweb-01\t\troot\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\th4\th4\t\tdeploy\t\t\t
H\th5\th5\t\tdeploy\t\t\t
H\th6\th6\t\tdeploy\t\t\t')"
	printf 'h1 bad;user\n' >"$BATS_TEST_TMPDIR/baduser"
	run herd-select -f "$BATS_TEST_TMPDIR/baduser"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/baduser:1: bad;user@h1: bad user name (letters, digits, '.', '_', '-', '@'; not a leading '-')"
}

# --- -w, -x, --pick -------------------------------------------------------------------

@test "-w HOSTS: comma lists and ranges, as pdsh" {
	names -w 'h[01-03],db1' -w web-02
	assert_output "h01 h02 h03 db1 web-02"
	names -g pis -w web-01
	assert_output "pi-garage pi-workshop pi-backyard web-01"
	run herd-select -w ''
	assert_failure 2
	assert_output 'herd-select: -w: no host in ""'
}

@test "-w ^FILE reads a host file, -w - stdin, -w -HOST excludes" {
	printf 'f1\nf2 root\n' >"$BATS_TEST_TMPDIR/list"
	names -w "a1,^$BATS_TEST_TMPDIR/list,a2"
	assert_output "a1 f1 f2 a2"
	run sh -c 'printf "s1\ns2\n" | herd-select -w - | cut -f2 | tail -n +2 | paste -sd" " -'
	assert_output "s1 s2"
	names -w 'h[1-5],-h3,-h[4-5]'
	assert_output "h1 h2"
	run herd-select -w "^$BATS_TEST_TMPDIR/nonexistent"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/nonexistent: No such file or directory"
	printf '^%s\n' "$BATS_TEST_TMPDIR/list" >"$BATS_TEST_TMPDIR/nested"
	run herd-select -w "^$BATS_TEST_TMPDIR/nested"
	assert_failure 2
	assert_output "herd-select: $BATS_TEST_TMPDIR/nested:1: ^$BATS_TEST_TMPDIR/list: a host file cannot name another"
}

@test "-x HOSTS: names, ranges, globs and files, after everything else" {
	names -a -x web-02
	assert_output "pi-garage pi-workshop pi-backyard web-01 web-03"
	names -g web -x 'web-0[!2]'
	assert_output "web-02"
	names -a -x 'pi-*,web-[01-02]'
	assert_output "web-03"
	names -a --exclude 'pi-*' --exclude web-01
	assert_output "web-02 web-03"
	names 'h[1-6]' -x 'h[2-3]' -x h5,h9
	assert_output "h1 h4 h6"
	printf '# maintenance\nweb-01\nroot@pi-garage\npi-backyard admin\n' >"$BATS_TEST_TMPDIR/out"
	names -a -x "^$BATS_TEST_TMPDIR/out"
	assert_output "pi-workshop web-02 web-03"
	# a host given with a port is left out by its name or its address
	names web-01:2222 h1:22 h2 -x web-01 -x h1:22
	assert_output "h2"
	# what is excluded is excluded, whatever selected it
	run herd-select -g web -x 'web-*'
	assert_failure 2
	assert_output "herd-select: no hosts selected: the selection matches no host"
	run herd-select -a -x 'n[3-1]'
	assert_failure 2
	assert_output "herd-select: n[3-1]: bad range: use [1-3,7], [01-20] or [1-10/2], low to high"
}

@test "--pick N: N hosts of the selection at random, in selection order" {
	local picks="" i
	run sh -c "herd-select --pick 3 'h[1-10]' | tail -n +2 | cut -f2"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	# in the order selected, each once, from the selection
	run sh -c "herd-select --pick 3 'h[1-10]' | tail -n +2 | cut -f2 | sort -V -c -u && echo sorted"
	assert_output "sorted"
	for i in $(seq 20); do
		picks="$picks $(herd-select --pick 1 -a -x pi-garage | tail -1 | cut -f2)"
	done
	run sh -c "echo '$picks' | tr ' ' '\n' | sed '/^\$/d' | sort -u | wc -l"
	[ "$output" -ge 2 ]
	run sh -c "echo '$picks' | grep -c pi-garage"
	assert_output "0"
	names --pick 10 -g pis
	assert_output "pi-garage pi-workshop pi-backyard"
	for n in 0 -1 x 1x ''; do
		run herd-select --pick "$n" -a
		assert_failure 2
		assert_output "herd-select: --pick: expected a number of hosts, got \"$n\""
	done
}

@test "--describe: the selection in canonical form, whatever the order it was given in" {
	run herd-select --describe -g web -t prod
	assert_success
	assert_output "-g web -t prod"
	run herd-select --describe -t prod -g web
	assert_output "-g web -t prod"
	run herd-select --describe -t 'prod,nginx,!us-west' -t 'canary' -g web,canary -g web
	assert_output "-g canary,web -t canary -t 'nginx,prod,!us-west'"
	run herd-select --describe -t '!us-west,nginx,prod,prod' -t canary -g canary -g web
	assert_output "-g canary,web -t canary -t 'nginx,prod,!us-west'"
	# hosts: ranges expanded and folded back, lists merged, sorted, once each
	run herd-select --describe h003 'h[001-002]' -w h2,h1 'web-*' -x web-03,'h[009-010]' -x h008
	assert_output "-w 'h[1-2],h[001-003],web-*' -x 'h[008-010],web-03'"
	run herd-select --describe -x h008,h009 -w 'web-*,h1' 'h[002-003]' h2 h001 -x 'web-03,h010'
	assert_output "-w 'h[1-2],h[001-003],web-*' -x 'h[008-010],web-03'"
	printf 'f1\n' >"$BATS_TEST_TMPDIR/b"
	printf 'f2\n' >"$BATS_TEST_TMPDIR/a"
	run herd-select --describe -a --pick 2 -w "^$BATS_TEST_TMPDIR/b" -f "$BATS_TEST_TMPDIR/a"
	assert_output "-a -f $BATS_TEST_TMPDIR/a -f $BATS_TEST_TMPDIR/b --pick 2"
	# a selection that is not valid is not described
	run herd-select --describe -t prdo
	assert_failure 2
	assert_output 'herd-select: unknown tag "prdo"; did you mean "prod"?'
	run herd-select --describe --json -a
	assert_failure 2
	assert_line --index 0 --partial "usage: herd-select"
}

@test "--describe: the description selects the same hosts again" {
	local args=(-t debian12 -g web,pis 'h[1-3]' h7 -x web-03 -x h2)
	herd-select "${args[@]}" | tail -n +2 | cut -f2 | sort >"$BATS_TEST_TMPDIR/want"
	desc=$(herd-select --describe "${args[@]}")
	run sh -c "eval herd-select $desc | tail -n +2 | cut -f2 | sort"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/want")"
	assert_output --partial "h7"
}

@test "folding: a name selected twice is listed once, every number folds" {
	{
		echo '#herd-records 1'
		for h in h001 h002 h003 h002 h003 web1 web1 web2 $(seq -f 'cn%03g-ib0' 1 100) \
		    rack1-n1 rack1-n2 rack1-n3 rack2-n1 rack2-n2 rack2-n3 web-1:2222 web-2:2222; do
			rec-make R r1 "$h" ok 0 42 - $'same\n' '' '' ''
		done
	} >"$BATS_TEST_TMPDIR/recs"
	run sh -c "herd-group '$BATS_TEST_TMPDIR/recs' 2>/dev/null | sed -n 2p"
	assert_output "   cn[001-100]-ib0, h[001-003], rack[1-2]-n[1-3], web-[1-2]:2222, web[1-2]"
}

# --- JSON ---------------------------------------------------------------------------

@test "--json: one object per host, fields typed" {
	run sh -c 'herd-select --json -g web | jq -c .'
	assert_success
	assert_output '{"name":"web-01","address":"web-01","port":null,"user":"deploy","tags":["nginx","prod","us-east","debian12","canary"],"groups":["web","canary"],"timeout_ms":null}
{"name":"web-02","address":"web-02","port":null,"user":"deploy","tags":["nginx","prod","us-west","debian11"],"groups":["web"],"timeout_ms":null}
{"name":"web-03","address":"web-03","port":null,"user":"deploy","tags":["nginx","staging","debian12"],"groups":["web"],"timeout_ms":null}'
}

@test "--json: numbers are numbers, the header is not printed" {
	run sh -c "herd-select --json -c '$TESTS/configs/full.yaml' 'ops@web-01:2200' | jq -r '[.name, .address, .port, .user, .timeout_ms, (.port|type), (.timeout_ms|type)] | @tsv'"
	assert_success
	assert_output "$(printf 'web-01:2200\tweb-01\t2200\tops\t90000\tnumber\tnumber')"
	run sh -c "herd-select --json -t debian12 | jq -s 'length'"
	assert_output "3"
	run sh -c "herd-select --json -t debian12 | grep -c '^#'"
	assert_output "0"
}

# --- list -----------------------------------------------------------------------------

@test "list: groups and their members with tags" {
	run herd-select list
	assert_success
	assert_output "pis (3 hosts)
  pi-garage    [debian12, arm64, indoor]
  pi-workshop  [debian11, arm64, outdoor]
  pi-backyard
web (3 hosts)
  web-01  [nginx, prod, us-east, debian12]
  web-02  [nginx, prod, us-west, debian11]
  web-03  [nginx, staging, debian12]
canary (2 hosts)
  web-01     [canary]
  pi-garage"
}

@test "list --json: one object per group with its hosts" {
	run sh -c "herd-select list --json | jq -r '.group + \": \" + ([.hosts[].name] | join(\" \"))'"
	assert_success
	assert_output "pis: pi-garage pi-workshop pi-backyard
web: web-01 web-02 web-03
canary: web-01 pi-garage"
}

@test "list -g: only those groups; unknown group: exit 2" {
	run herd-select list -g canary
	assert_success
	assert_output "canary (2 hosts)
  web-01     [canary]
  pi-garage"
	run herd-select list -g canery
	assert_failure 2
	assert_output 'herd-select: unknown group "canery"; did you mean "canary"?'
}

@test "list --tags: each tag with its host count" {
	run herd-select list --tags
	assert_success
	assert_output "TAG       HOSTS
arm64     2
canary    1
debian11  2
debian12  3
indoor    1
nginx     3
outdoor   1
prod      2
staging   1
us-east   1
us-west   1"
	run sh -c "herd-select list --tags --json | jq -r 'select(.tag == \"debian12\") | .hosts'"
	assert_output "3"
}

@test "list --tag EXPR: the matching hosts with their groups and tags" {
	run herd-select list --tag debian12
	assert_success
	assert_output "pi-garage  (pis,canary)  [debian12, arm64, indoor]
web-01     (web,canary)  [nginx, prod, us-east, debian12, canary]
web-03     (web)  [nginx, staging, debian12]"
	run herd-select list -t 'prod,!us-west'
	assert_success
	assert_output "web-01  (web,canary)  [nginx, prod, us-east, debian12, canary]"
	run herd-select list --tag windows
	assert_failure 2
	assert_output 'herd-select: unknown tag "windows"'
	run herd-select list --tag arm64 -g web
	assert_success
	assert_output "no host matches arm64"
	run herd-select list --tag arm64 -g pis --json
	assert_success
	assert_line --index 0 --partial '"name":"pi-garage"'
	assert_line --index 1 --partial '"name":"pi-workshop"'
}

@test "list: options may come before the subcommand" {
	run herd-select -c "$TESTS/configs/durations.yaml" list -g bare
	assert_success
	assert_output "bare (1 host)
  t-45"
	run herd-select --tag staging list
	assert_success
	assert_output "web-03  (web)  [nginx, staging, debian12]"
}

@test "list: usage errors exit 2" {
	run herd-select list web-01
	assert_failure 2
	assert_output "herd-select: list takes no host arguments (-a, -w, -x, -f, --pick)"
	for opt in -a '-w web-01' '-x web-01' '-f /dev/null' '--pick 1'; do
		run herd-select list --tag prod $opt
		assert_failure 2
		assert_output "herd-select: list takes no host arguments (-a, -w, -x, -f, --pick)"
	done
	run herd-select list --tags --tag prod
	assert_failure 2
	assert_output "herd-select: list: use one of --tags and --tag"
	run herd-select --tags
	assert_failure 2
	assert_line --index 0 --partial "usage: herd-select"
}

# --- output handling ----------------------------------------------------------------

@test "herd-select | head -1 is silent: EPIPE is no error" {
	run bash -c "herd-select 'h[1-100000]' 2>'$BATS_TEST_TMPDIR/err' | head -1; echo \"\${PIPESTATUS[0]}\""
	assert_output "#herd-records 1
141"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output ""
	# With SIGPIPE ignored the write fails with EPIPE instead: still silent.
	run bash -c "trap '' PIPE; herd-select --json 'h[1-100000]' 2>'$BATS_TEST_TMPDIR/err' | head -1; echo \"\${PIPESTATUS[0]}\""
	assert_output '{"name":"h1","address":"h1","port":null,"user":null,"tags":[],"groups":[],"timeout_ms":null}
141'
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output ""
}

@test "a write error other than EPIPE is reported (exit 3)" {
	[ -w /dev/full ] || skip "no /dev/full"
	run sh -c "herd-select 'h[1-1000]' >/dev/full"
	assert_failure 3
	assert_output "herd-select: write error: No space left on device"
}

@test "--help and -h print the usage on stdout, exit 0" {
	run herd-select --help
	assert_success
	assert_line --index 0 "usage: herd-select [-a] [-c FILE] [-g GROUP]... [-t TAGS]... [-f FILE]... [-w HOSTS]..."
	run herd-select -h
	assert_success
	assert_line --index 0 --partial "usage: herd-select"
	run herd-select list --help
	assert_success
	assert_line --index 0 --partial "usage: herd-select"
}

@test "an unknown option is a usage error (exit 2)" {
	run herd-select --frobnicate web-01
	assert_failure 2
	assert_line --index 0 "herd-select: unrecognized option '--frobnicate'"
	assert_line --index 1 --partial "usage: herd-select"
}
