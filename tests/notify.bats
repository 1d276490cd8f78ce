bats_require_minimum_version 1.5.0
load helper

# herd-notify: records through, events to targets.  The targets are real
# HTTP receivers on loopback (tests/tools/http-recv.c) and local scripts;
# the records are hand-made (rec-make), but for the herd exec --notify test
# on the fleet (tests/fleet/README).

setup() {
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" XDG_STATE_HOME="$T/state"
	mkdir -p "$HOME"
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy
	: >"$T/pids"
}

teardown() {
	local p
	while read -r p; do kill "$p" 2>/dev/null || true; done <"$T/pids"
	[ -z "${FD:-}" ] || "$TESTS/fleet/fleet-stop" "$FD"
}

# until CMD succeeds: a guard against hanging, not a measure of speed
await() { timeout 60 sh -c "until $1; do sleep 0.05; done"; }

# recv NAME [http-recv options]: a receiver writing into $T/NAME; its port in $T/NAME.port
recv() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	http-recv "$@" "$T/$name" >"$T/$name.port" &
	echo $! >>"$T/pids"
	await "[ -s '$T/$name.port' ]"
}
port() { cat "$T/$1.port"; }
nreq() { find "$T/$1" -name '*.body' | wc -l; }

# conf: the config from stdin, private
conf() { cat >"$T/config.yaml"; chmod 600 "$T/config.yaml"; }

# run_of ID CMD [HOST:STATUS:STDOUT]...: a whole run, C, R... and E (stdout unescaped as -x)
run_of() {
	local id=$1 cmd=$2 h name st out ex ok=0 nz=0 fl=0 to=0
	shift 2
	rec-make C "$id" 1764150000000 "$cmd" '-g web'
	# one rec-make for the R records: a process per host is slow for 800 hosts
	for h; do
		name=${h%%:*} st=${h#*:}
		out=${st#*:} st=${st%%:*}
		case $st in
		ok) ex=0 ok=$((ok + 1)) ;;
		nonzero) ex=1 nz=$((nz + 1)) ;;
		failed) ex= fl=$((fl + 1)) ;;
		timeout) ex= to=$((to + 1)) ;;
		esac
		printf 'R\t%s\t%s\t%s\t%s\t5\t-\t%s\t\t\t\t1764150000005\t\n' \
		    "$id" "$name" "$st" "$ex" "$out"
	done | rec-make -l -x
	rec-make E "$id" 1764150000009 "$ok" "$nz" "$fl" "$to"
}

hn() { herd-notify -c "$T/config.yaml" "$@"; }

hook_conf() {
	conf <<EOF
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:$(port r)/hook"
    on: [${1:-failure}]
EOF
}

@test "records pass through unchanged and at once, runs interleaved" {
	recv r
	hook_conf
	{
		echo '#herd-records 1'
		rec-make H web-01 '' '' '' '' web
		rec-make C a 1764150000000 'uname -r' '-g web'
		rec-make C b 1764150000001 'uptime' '-g web'
		rec-make -x R a web-01 nonzero 1 5 - 'x\ty\n' 'err\x00' '' '' 1764150000005 ''
		rec-make -x R b web-01 ok 0 5 - 'up\n' '' '' '' 1764150000005 ''
		rec-make Z some future record
		rec-make E b 1764150000009 1 0 0 0
		rec-make E a 1764150000009 0 1 0 0
	} >"$T/in"
	hn --state "$T/st" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	# one message: run a failed; run b is fine
	assert_equal "$(nreq r)" 1
	run jq -r '.run_id + " " + .event + " " + .hosts + " " + .summary' "$T/r/001.body"
	assert_output "a failure web-01 1/1 hosts failed: web-01"
}

@test "no targets: the records pass, a warning says nothing is sent" {
	conf <<<'groups: {}'
	run_of r1 'true' 'h1:nonzero:x' >"$T/in"
	run --separate-stderr hn --state "$T/st" <"$T/in"
	assert_success
	assert_equal "$output" "$(cat "$T/in")"
	[[ $stderr == *"no notification targets"* ]]
}

@test "--dry-run prints each payload, URL and header values masked, and keeps no state" {
	conf <<'EOF'
notifications:
  - name: hook
    type: webhook
    url: "https://hooks.example.com/services/T0/B0/secretpath"
    method: PUT
    headers:
      Authorization: "Bearer sekrit"
    body: '{"s": "{{.Summary}}", "e": "{{.Event}}"}'
EOF
	run_of r1 'uname -r' 'web-01:nonzero:x' 'web-02:ok:y' >"$T/in"
	hn --state "$T/st" --dry-run <"$T/in" >"$T/out" 2>"$T/err"
	cmp "$T/in" "$T/out"
	printf '%s\n' '--- hook (webhook): failure, run r1' 'PUT https://hooks.example.com/…' \
	    'Authorization: ***' 'Content-Type: ***' '' \
	    '{"s": "1/2 hosts failed: web-01", "e": "failure"}' '' >"$T/want"
	diff -u "$T/want" "$T/err"
	[ ! -e "$T/st" ]
}

@test "webhook: method, headers and body as configured, byte for byte; \${VAR} from the environment" {
	recv r
	conf <<EOF
notifications:
  - name: pd
    type: webhook
    url: "http://127.0.0.1:$(port r)/v2/\${HOOK_PATH}"
    method: PUT
    headers:
      X-Routing-Key: "\${ROUTING_KEY}"
      Content-Type: application/vnd.test+json
    body: |
      {"summary": "{{.Summary}}", "command": "{{.Command}}",
       "failed": "{{.FailedHosts}}", "changed": "{{ .ChangedHosts }}", "host": "{{.Host}}",
       "group": "{{.Group}}", "time": "{{.Time}}", "event": "{{.Event}}", "run": "{{.RunID}}",
       "n": {{.Count}}, "of": {{.Total}}, "target": "{{.Target}}", "key": "\${ROUTING_KEY}"}
EOF
	{
		rec-make H web-01 '' '' '' '' web,prod
		rec-make H web-02 '' '' '' '' web
		run_of r1 'uname -r' 'web-01:nonzero:x' 'web-02:failed:'
	} >"$T/in"
	HOOK_PATH=enqueue ROUTING_KEY=rk-123 hn --state "$T/st" <"$T/in" >/dev/null
	assert_equal "$(nreq r)" 1
	printf '%s\n' "PUT /v2/enqueue HTTP/1.1" "Host: 127.0.0.1:$(port r)" \
	    "User-Agent: herd-notify/0.1.0" "Accept: */*" "X-Routing-Key: rk-123" \
	    "Content-Type: application/vnd.test+json" "Content-Length: $(wc -c <"$T/r/001.body")" \
	    >"$T/want"
	diff -u "$T/want" "$T/r/001.head"
	printf '%s\n' '{"summary": "2/2 hosts failed: web-[01-02]", "command": "uname -r",' \
	    ' "failed": "web-[01-02]", "changed": "", "host": "web-[01-02]",' \
	    ' "group": "web,prod", "time": "2025-11-26T09:40:00Z", "event": "failure", "run": "r1",' \
	    ' "n": 2, "of": 2, "target": "pd", "key": "rk-123"}' >"$T/want"
	diff -u "$T/want" "$T/r/001.body"
}

@test "template values are JSON-escaped: quotes, backslashes, newlines, control characters, bad UTF-8" {
	recv r
	conf <<EOF
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:$(port r)/"
    body: '{"out": "{{.Output}}", "cmd": "{{.Command}}"}'
EOF
	{
		rec-make -x C r1 1764150000000 'echo "}{\\' ''
		rec-make -x R r1 'h"1' nonzero 1 5 - 'a"b\\c\nd\te\x01\x1b[31m\xff\xe2\x80\xa8z${HOME}' '' '' '' 1 ''
		rec-make E r1 2 0 1 0 0
	} >"$T/in"
	hn --state "$T/st" <"$T/in" >/dev/null
	printf '%s' '{"out": "a\"b\\c\nd\te\u0001\u001b[31m\ufffd\u2028z${HOME}", "cmd": "echo \"}{\\"}' \
	    >"$T/want"
	diff -u "$T/want" "$T/r/001.body"
	run jq -r .out "$T/r/001.body"
	assert_success
}

@test "a bad body template or method is a config error, exit 2, with where" {
	conf <<'EOF'
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:1/"
    body: |
      {"a": "{{.Summary}}",
       "b": "{{.Nope}}"}
EOF
	run hn --state "$T/st" </dev/null
	assert_failure 2
	assert_output --partial 'notification "hook": body:2:8: unknown placeholder'
	conf <<'EOF'
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:1/"
    body: '{"a": {{.Summary}}}'
EOF
	run hn --state "$T/st" </dev/null
	assert_failure 2
	assert_output --partial 'not JSON once its placeholders are filled'
	conf <<'EOF'
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:1/"
    method: "PO ST"
EOF
	run hn --state "$T/st" </dev/null
	assert_failure 2
	assert_output --partial 'method'
}

@test "a variable not set: a clear error naming it, the records still pass, exit 3" {
	conf <<'EOF'
notifications:
  - name: hook
    type: webhook
    url: "https://hooks.example.com/${NOT_SET_HOOK}"
EOF
	run_of r1 'true' 'h1:nonzero:x' >"$T/in"
	unset NOT_SET_HOOK
	run --separate-stderr hn --state "$T/st" <"$T/in"
	assert_failure 3
	assert_equal "$output" "$(cat "$T/in")"
	[[ $stderr == *'hook: failure message for run r1 not delivered: ${NOT_SET_HOOK} is not set'* ]]
}

@test "slack: Block Kit with a text fallback, hosts folded into ranges, long lists split" {
	recv r
	conf <<EOF
notifications:
  - name: sl
    type: slack
    webhook: "http://127.0.0.1:$(port r)/services/x"
EOF
	local args=() i
	for i in $(seq -w 1 400); do args+=("web-$i:nonzero:oops <b>&"); done
	for i in $(seq 1 200); do args+=("db$((i * 7)):nonzero:x" "app$((i * 7)):nonzero:x"); done
	args+=("cache-1:ok:")
	run_of r1 'systemctl is-active nginx' "${args[@]}" >"$T/in"
	hn --state "$T/st" <"$T/in" >/dev/null
	local b="$T/r/001.body"
	run jq -r .text "$b"
	assert_output --regexp '^800/801 hosts failed: app\[7,14,.*\], db\[7,14,.*\], web-\[001-400\]$'
	run jq -r '.blocks[0].type + " " + .blocks[0].text.text' "$b"
	assert_output --regexp '^header herd: 800/801 hosts failed: app\[7,14,.*…$'
	run jq -r '.blocks[1].text.text' "$b"
	assert_output '*800/801 hosts: failure*  `systemctl is-active nginx` on -g web'
	# every section under Slack's 3000 characters, at most 50 blocks, the hosts all there
	run jq '[.blocks[] | select(.type == "section") | .text.text | length] | max' "$b"
	[ "$output" -le 3000 ]
	run jq '.blocks | length' "$b"
	[ "$output" -le 50 ]
	run jq '[.blocks[] | select(.type == "section")] | length' "$b"
	[ "$output" -ge 4 ]
	run jq -r '[.blocks[2:-2][] | .text.text] | join(", ")' "$b"
	assert_equal "$output" "$(jq -r .text "$b" | sed 's/^.*failed: //')"
	# remote text escaped for mrkdwn
	run jq -r '.blocks[-2].text.text' "$b"
	assert_output '```oops &lt;b&gt;&amp;```'
}

@test "script: argv from the config, HERD_* in the environment, no shell, its stdout not in the stream" {
	cat >"$T/alert.sh" <<EOF
#!/bin/sh
echo "script stdout"
{ printf '%s\n' "\$#:\$1:\$2"; env | grep '^HERD_' | sort; } >"$T/env.out"
EOF
	chmod +x "$T/alert.sh"
	conf <<EOF
notifications:
  - name: sc
    type: script
    command: "$T/alert.sh  one two"
    on: [failure]
EOF
	run_of r1 'touch x' 'web-01:nonzero:$(touch '"$T"'/pwned)`touch '"$T"'/pwned2`' \
	    'web-02:timeout:' 'web-03:ok:' >"$T/in"
	HERD_STALE=1 hn --state "$T/st" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	await "[ -e '$T/env.out' ]"
	[ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ]
	run grep -v -e HERD_TIME -e HERD_OUTPUT "$T/env.out"
	assert_output - <<'EOF'
2:one:two
HERD_CHANGED_HOSTS=
HERD_COMMAND=touch x
HERD_COUNT=1
HERD_EVENT=failure
HERD_FAILED_HOSTS=web-[01-02]
HERD_GROUPS=
HERD_HOSTS=web-01
HERD_RUN_ID=r1
HERD_SELECTION=-g web
HERD_SUMMARY=1/3 hosts failed: web-01
HERD_TARGET=sc
HERD_TOTAL=3
EOF
}

@test "500s are retried with backoff, then given up: said on stderr with the URL masked, exit 3" {
	recv r -s 500 -n 100
	conf <<EOF
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:$(port r)/secret-path-123"
    headers:
      Authorization: "Bearer hidden-456"
EOF
	run_of r1 'true' 'h1:nonzero:x' >"$T/in"
	run --separate-stderr hn --state "$T/st" --retries 2 <"$T/in"
	assert_failure 3
	assert_equal "$output" "$(cat "$T/in")"
	assert_equal "$(nreq r)" 3
	assert_equal "$stderr" "herd-notify: hook: failure message for run r1 not delivered to http://127.0.0.1:$(port r)/…: HTTP status 500 (3 attempts)"
	# backoff: 1 s, then 2 s
	[ $(($(cat "$T/r/002.time") - $(cat "$T/r/001.time"))) -ge 1000 ]
	[ $(($(cat "$T/r/003.time") - $(cat "$T/r/002.time"))) -ge 2000 ]
}

@test "a receiver that does not answer: timed out, retried, given up" {
	recv r -H -n 100
	hook_conf
	run_of r1 'true' 'h1:nonzero:x' >"$T/in"
	run --separate-stderr hn --state "$T/st" --retries 1 --timeout 300ms <"$T/in"
	assert_failure 3
	assert_equal "$(nreq r)" 2
	[[ $stderr == *"not delivered to http://127.0.0.1:$(port r)/…: Timeout was reached (2 attempts)" ]]
}

@test "429 with Retry-After: the next attempt waits for it, then the message is delivered" {
	recv r -s 429 -a 2 -n 1
	hook_conf
	run_of r1 'true' 'h1:nonzero:x' >"$T/in"
	run --separate-stderr hn --state "$T/st" <"$T/in"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(nreq r)" 2
	[ $(($(cat "$T/r/002.time") - $(cat "$T/r/001.time"))) -ge 2000 ]
	cmp "$T/r/001.body" "$T/r/002.body"
}

@test "a hanging receiver does not delay the records passing through" {
	recv r -H -n 100
	hook_conf
	mkfifo "$T/fifo"
	hn --state "$T/st" --retries 0 --timeout 30s --wait 300ms <"$T/fifo" >"$T/out" 2>"$T/err" &
	local pid=$!
	exec 8>"$T/fifo"
	run_of r1 'true' 'h1:nonzero:x' >&8
	# the receiver has the request, not answered; the run is downstream meanwhile
	await "[ -e '$T/r/001.body' ]"
	await "grep -q '^E' '$T/out'"
	run_of r2 'true' 'h2:ok:' >&8
	await "grep -q '^E	r2' '$T/out'"
	kill -0 "$pid"
	[ ! -s "$T/err" ]
	exec 8>&-
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 3
	grep -q 'still pending at the end of input' "$T/err"
	run_of r1 'true' 'h1:nonzero:x' >"$T/want"
	run_of r2 'true' 'h2:ok:' >>"$T/want"
	cmp "$T/want" "$T/out"
}

@test "cooldown: a host's event is not sent again within it; separate runs share it" {
	recv r
	conf <<EOF
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:$(port r)/"
    cooldown: 3s
EOF
	run_of r1 'true' 'web-01:nonzero:x' 'web-02:ok:' >"$T/in1"
	run_of r2 'true' 'web-01:nonzero:x' 'web-02:nonzero:' >"$T/in2"
	# (3s: both runs come within it, under a sanitizer on a busy machine too)
	hn --state "$T/st" <"$T/in1" >/dev/null
	hn --state "$T/st" <"$T/in2" >/dev/null
	assert_equal "$(nreq r)" 2
	assert_equal "$(jq -r .summary "$T/r/002.body")" "1/2 hosts failed: web-02"
	sleep 3.2
	hn --state "$T/st" <"$T/in2" >/dev/null
	assert_equal "$(nreq r)" 3
	assert_equal "$(jq -r .summary "$T/r/003.body")" "2/2 hosts failed: web-[01-02]"
	# the state: private, small, one line per host and per message
	[ "$(stat -c %a "$T/st")" = 600 ]
	[ "$(stat -c %a "$XDG_STATE_HOME" 2>/dev/null || echo none)" = none ]
	run grep -c '^[rs]	' "$T/st"
	assert_output 4
}

@test "the default state: \$XDG_STATE_HOME/herd/notify.state, 0600 in a 0700 directory" {
	recv r
	hook_conf
	run_of r1 'true' 'web-01:nonzero:x' >"$T/in"
	hn <"$T/in" >/dev/null
	[ "$(stat -c %a "$XDG_STATE_HOME/herd")" = 700 ]
	[ "$(stat -c %a "$XDG_STATE_HOME/herd/notify.state")" = 600 ]
	head -1 "$XDG_STATE_HOME/herd/notify.state" | grep -qx '#herd-notify-state 1'
}

@test "change: a host's result differs from its previous run of the command; --ignore masks first" {
	recv r
	hook_conf change
	run_of r1 'date' 'web-01:ok:up 10 days' 'web-02:ok:v1' >"$T/in1"
	run_of r2 'date' 'web-01:ok:up 11 days' 'web-02:ok:v2' >"$T/in2"
	run_of r3 'date' 'web-01:ok:up 12 days' 'web-02:ok:v2' >"$T/in3"
	hn --state "$T/st" --ignore '[0-9]+ days' <"$T/in1" >/dev/null
	assert_equal "$(nreq r)" 0
	hn --state "$T/st" --ignore '[0-9]+ days' <"$T/in2" >/dev/null
	assert_equal "$(nreq r)" 1
	assert_equal "$(jq -r '.summary + " | " + .changed_hosts' "$T/r/001.body")" \
	    "1/2 hosts changed: web-02 | web-02"
	# another command and selection is another history
	run_of r4 'uptime' 'web-02:ok:other' >"$T/in4"
	hn --state "$T/st" <"$T/in4" >/dev/null
	assert_equal "$(nreq r)" 1
	# without --ignore, the days count
	hn --state "$T/st" <"$T/in3" >/dev/null
	assert_equal "$(jq -r .summary "$T/r/002.body")" "1/2 hosts changed: web-01"
}

@test "the run the records say to compare with is the previous result, not an event of its own" {
	recv r
	hook_conf 'failure, change'
	{
		rec-make C new 1764150000100 'cat /etc/motd' '-g web' '' '' '' old
		run_of old 'cat /etc/motd' 'web-01:ok:a' 'web-02:nonzero:b'
		rec-make -x R new web-01 ok 0 5 - 'changed' '' '' '' 1764150000105 ''
		rec-make -x R new web-02 ok 0 5 - 'b' '' '' '' 1764150000105 ''
		rec-make E new 1764150000109 2 0 0 0
	} >"$T/in"
	hn --state "$T/st" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	assert_equal "$(nreq r)" 1
	assert_equal "$(jq -r '.run_id + " " + .summary' "$T/r/001.body")" \
	    "new 1/2 hosts changed: web-01"
}

@test "resolve: sent as soon as a host recovers, to targets that take it (on: [resolve] or --notify-on-resolve)" {
	recv r
	recv s
	conf <<EOF
notifications:
  - name: with
    type: webhook
    url: "http://127.0.0.1:$(port r)/"
    on: [failure, resolve]
  - name: without
    type: webhook
    url: "http://127.0.0.1:$(port s)/"
EOF
	run_of r1 'check' 'web-01:nonzero:down' 'web-02:nonzero:down' 'web-03:ok:' >"$T/in1"
	run_of r2 'check' 'web-01:ok:' 'web-02:nonzero:down' 'web-03:ok:' >"$T/in2"
	run_of r3 'check' 'web-01:ok:' 'web-02:ok:' 'web-03:ok:' >"$T/in3"
	hn --state "$T/st" <"$T/in1" >/dev/null
	hn --state "$T/st" <"$T/in2" >/dev/null
	assert_equal "$(nreq r) $(nreq s)" "2 1"
	assert_equal "$(jq -r '.event + " " + .summary' "$T/r/002.body")" \
	    "resolve 1/3 hosts resolved: web-01"
	hn --state "$T/st" --notify-on-resolve <"$T/in3" >/dev/null
	assert_equal "$(nreq r) $(nreq s)" "3 2"
	assert_equal "$(jq -r .summary "$T/r/003.body")" "1/3 hosts resolved: web-02"
	assert_equal "$(jq -r .summary "$T/s/002.body")" "1/3 hosts resolved: web-02"
	# nothing open any more: no second resolve
	hn --state "$T/st" --notify-on-resolve <"$T/in3" >/dev/null
	assert_equal "$(nreq r) $(nreq s)" "3 2"
}

@test "flapping: a host changing state more than N times in M runs is reported once" {
	recv r
	conf <<EOF
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:$(port r)/"
    on: [failure, resolve]
    cooldown: 0s
EOF
	local i st
	for i in 1 2 3 4 5 6 7; do
		st=ok
		[ $((i % 2)) = 1 ] && st=nonzero
		run_of "r$i" 'check' "web-01:$st:" 'web-02:ok:' >"$T/in"
		hn --state "$T/st" --flapping 2/5 <"$T/in" >/dev/null
	done
	# failure, resolve, failure, then flapping once, and nothing more
	run sh -c "cat '$T'/r/*.body | jq -r '.event + \" \" + .summary'"
	assert_output - <<'EOF'
failure 1/2 hosts failed: web-01
resolve 1/2 hosts resolved: web-01
failure 1/2 hosts failed: web-01
flapping 1/2 hosts flapping: web-01
EOF
}

@test "one message per run and event, grouping hosts; --target picks a target, a wrong one is exit 2" {
	recv r
	recv s
	conf <<EOF
notifications:
  - name: one
    type: webhook
    url: "http://127.0.0.1:$(port r)/"
    on: [failure, timeout]
  - name: two
    type: webhook
    url: "http://127.0.0.1:$(port s)/"
EOF
	run_of r1 'x' 'web-01:nonzero:' 'web-02:failed:' 'web-03:nonzero:' 'web-04:timeout:' \
	    'web-05:ok:' >"$T/in"
	hn --state "$T/st" --target one <"$T/in" >/dev/null
	assert_equal "$(nreq s)" 0
	run sh -c "cat '$T'/r/*.body | jq -r .summary"
	assert_output - <<'EOF'
3/5 hosts failed: web-[01-03]
1/5 hosts timed out: web-04
EOF
	run hn --state "$T/st" --target ome <"$T/in"
	assert_failure 2
	assert_output --partial 'no such notification target'
	assert_output --partial 'did you mean one?'
}

@test "a config holding a webhook URL that others can read: a warning; a \${VAR} URL: none" {
	conf <<'EOF'
notifications:
  - name: sl
    type: slack
    webhook: "https://hooks.slack.com/services/T/B/x"
EOF
	chmod 644 "$T/config.yaml"
	run hn --state "$T/st" </dev/null
	assert_success
	assert_output --partial 'is readable by others and holds the URL of notification "sl"'
	refute_output --partial 'services/T/B'
	sed -i 's|"https.*"|"${SLACK_WEBHOOK}"|' "$T/config.yaml"
	run hn --state "$T/st" </dev/null
	assert_success
	assert_output ''
}

@test "herd exec --notify: herd-notify after herd-hist record, on the fleet" {
	export FD="$T/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 3
	. "$FD/env"
	recv r
	export HERD_HISTORY="$T/hist.db"
	cp "$FLEET_CONFIG" "$T/config.yaml"
	cat >>"$T/config.yaml" <<EOF
notifications:
  - name: hook
    type: webhook
    url: "http://127.0.0.1:$(port r)/"
    on: [failure]
EOF
	chmod 600 "$T/config.yaml"
	run herd --explain exec -c "$T/config.yaml" --notify -F "$FLEET_SSH_CONFIG" \
	    'test $(hostname) != h002' h001 h002 h003
	assert_output --regexp 'herd-hist record.*\| herd-notify .*\| herd-group'
	run herd exec -c "$T/config.yaml" --notify -F "$FLEET_SSH_CONFIG" 'exit 3' h001 h002 h003
	assert_failure 1
	assert_equal "$(nreq r)" 1
	assert_equal "$(jq -r .summary "$T/r/001.body")" "3/3 hosts failed: h[001-003]"
}

@test "herd help notifications; herd exec --dry-run leaves herd-notify out" {
	run herd help notifications
	assert_success
	assert_output --partial 'herd-notify(1)'
	assert_output --partial '.FailedHosts'
	run herd --explain exec -c /dev/null --notify --dry-run true h1
	assert_success
	refute_output --partial herd-notify
	run herd --explain exec -c /dev/null --notify-on-resolve true h1
	assert_output --partial '| herd-notify -c /dev/null --notify-on-resolve |'
}
