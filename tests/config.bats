load helper

# The configuration: where it is looked for, what it may say, and the exact
# error (file:line:col: message) for each malformed file in configs/bad/.

CONFIGS="$TESTS/configs"

# A config file with one group "NAME" of one host "NAME-host".
one_group() {
	mkdir -p "$(dirname "$1")"
	printf 'groups:\n  %s:\n    hosts: [%s-host]\n' "$2" "$2" >"$1"
}

# expect_errors FILE MESSAGE...: validating configs/bad/FILE fails with
# exit 2, printing exactly these messages and then the count.
expect_errors() {
	local file=$1 n s=s
	shift
	n=$#
	[ "$n" = 1 ] && s=
	cd "$CONFIGS/bad"
	run herd-select -c "$file" config validate
	assert_failure 2
	assert_output "$(printf '%s\n' "$@")
herd-select: $n error$s in the configuration"
}

# --- where the configuration comes from -------------------------------------

@test "-c FILE is read" {
	one_group "$BATS_TEST_TMPDIR/mine.yaml" mine
	run herd-select -c "$BATS_TEST_TMPDIR/mine.yaml" -g mine
	assert_success
	assert_output "$(printf '#herd-records 1\nH\tmine-host\tmine-host\t\t\t\tmine\t')"
	run herd-select --config="$BATS_TEST_TMPDIR/mine.yaml" -g mine
	assert_success
	assert_line --index 1 --partial "mine-host"
}

@test "\$XDG_CONFIG_HOME/herd/config.yaml is the default" {
	one_group "$XDG_CONFIG_HOME/herd/config.yaml" xdg
	one_group "$BATS_TEST_TMPDIR/home/.config/herd/config.yaml" home
	HOME="$BATS_TEST_TMPDIR/home" run herd-select -g xdg
	assert_success
	assert_line --index 1 --partial "xdg-host"
	HOME="$BATS_TEST_TMPDIR/home" run herd-select -g home
	assert_failure 2
	assert_output 'herd-select: unknown group "home"'
}

@test "without \$XDG_CONFIG_HOME (or with a relative one) ~/.config/herd/config.yaml is read" {
	one_group "$BATS_TEST_TMPDIR/home/.config/herd/config.yaml" home
	run env -u XDG_CONFIG_HOME HOME="$BATS_TEST_TMPDIR/home" herd-select -g home
	assert_success
	assert_line --index 1 --partial "home-host"
	XDG_CONFIG_HOME=relative/dir HOME="$BATS_TEST_TMPDIR/home" run herd-select -g home
	assert_success
	assert_line --index 1 --partial "home-host"
}

@test "\$HERD_CONFIG wins over the XDG default, -c wins over \$HERD_CONFIG" {
	one_group "$XDG_CONFIG_HOME/herd/config.yaml" xdg
	one_group "$BATS_TEST_TMPDIR/env.yaml" env
	one_group "$BATS_TEST_TMPDIR/opt.yaml" opt
	HERD_CONFIG="$BATS_TEST_TMPDIR/env.yaml" run herd-select list
	assert_success
	assert_output "env (1 host)
  env-host"
	HERD_CONFIG="$BATS_TEST_TMPDIR/env.yaml" run herd-select -c "$BATS_TEST_TMPDIR/opt.yaml" list
	assert_success
	assert_output "opt (1 host)
  opt-host"
	# An empty $HERD_CONFIG is as good as unset.
	HERD_CONFIG= run herd-select list
	assert_success
	assert_output "xdg (1 host)
  xdg-host"
}

@test "a missing default config is an empty one" {
	run herd-select web-01
	assert_success
	assert_output "$(printf '#herd-records 1\nH\tweb-01\tweb-01\t\t\t\t\t')"
	run herd-select list
	assert_success
	assert_output "no groups configured"
	run herd-select list --tags
	assert_success
	assert_output "no tags configured"
	run herd-select config validate
	assert_success
	assert_output "$XDG_CONFIG_HOME/herd/config.yaml: no such file; the configuration is empty"
	run herd-select config export
	assert_success
	assert_output "{}"
	run env -u XDG_CONFIG_HOME -u HOME herd-select root@db-1:2222
	assert_success
	assert_output "$(printf '#herd-records 1\nH\tdb-1:2222\tdb-1\t2222\troot\t\t\t')"
}

@test "but without a config, -g and -t select nothing (exit 2)" {
	run herd-select -g web
	assert_failure 2
	assert_output 'herd-select: unknown group "web"'
	run herd-select -t prod
	assert_failure 2
	assert_output 'herd-select: unknown tag "prod"'
}

@test "a config named by -c or \$HERD_CONFIG must exist (exit 2)" {
	cd "$BATS_TEST_TMPDIR"
	run herd-select -c missing.yaml web-01
	assert_failure 2
	assert_output "missing.yaml: No such file or directory
herd-select: 1 error in the configuration"
	HERD_CONFIG=gone.yaml run herd-select web-01
	assert_failure 2
	assert_output "gone.yaml: No such file or directory
herd-select: 1 error in the configuration"
	run herd-select -c missing.yaml config validate
	assert_failure 2
	assert_line --index 0 "missing.yaml: No such file or directory"
	mkdir adir
	run herd-select -c adir list
	assert_failure 2
	assert_output "adir: Is a directory
herd-select: 1 error in the configuration"
}

@test "a config the system fails to read is a runtime error (exit 3), not a config error" {
	[ -r /proc/self/mem ] || skip "no /proc/self/mem"
	# reading /proc/self/mem from offset 0 fails with EIO
	for args in "config validate" "-a"; do
		run herd-select -c /proc/self/mem $args
		assert_failure 3
		assert_output "herd-select: /proc/self/mem: Input/output error"
	done
}

@test "a config file's name is sanitised in errors" {
	cd "$BATS_TEST_TMPDIR"
	run herd-select -c $'\e[31mred\u202e.yaml' -a
	assert_failure 2
	assert_output "^[[31mred<U+202E>.yaml: No such file or directory
herd-select: 1 error in the configuration"
}

@test "every program refuses a broken config with exit 2" {
	cd "$CONFIGS/bad"
	for args in "-a" "web-01" "list" "list --tags" "config export"; do
		run herd-select -c duplicate-key.yaml $args
		assert_failure 2
		assert_output 'duplicate-key.yaml:5:5: group "web": duplicate key "user"
herd-select: 1 error in the configuration'
	done
	HERD_CONFIG=duplicate-key.yaml run herd list
	assert_failure 2
	assert_line --index 0 'duplicate-key.yaml:5:5: group "web": duplicate key "user"'
	assert_line --index 2 "herd: herd-select failed (exit status 2)"
}

# --- what a valid config means ---------------------------------------------

@test "config validate summarises a good config" {
	cd "$TESTS/.."
	run herd-select -c examples/config.yaml config validate
	assert_success
	assert_output "examples/config.yaml: ok (2 groups, 6 host entries, 1 recipe, 1 parser, 1 notification)"
	run herd-select -c tests/configs/full.yaml config validate
	assert_success
	assert_output "tests/configs/full.yaml: ok (3 groups, 6 host entries, 2 recipes, 1 parser, 3 notifications)"
	: >"$BATS_TEST_TMPDIR/empty.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/empty.yaml" config validate
	assert_success
	assert_output "$BATS_TEST_TMPDIR/empty.yaml: ok (0 groups, 0 host entries, 0 recipes, 0 parsers, 0 notifications)"
}

@test "durations: 250ms 30s 5m 2h 30d 1h30m, a bare number is seconds (H field 8, ms)" {
	run sh -c "herd-select -c '$CONFIGS/durations.yaml' -a | cut -f2,8"
	assert_success
	assert_output "$(printf '#herd-records 1
t-250ms\t250
t-30s\t30000
t-5m\t300000
t-2h\t7200000
t-30d\t2592000000
t-1h30m\t5400000
t-45\t45000
t-1.5s\t1500')"
}

@test "group settings apply to their hosts; a host's own settings win" {
	run herd-select -c "$CONFIGS/full.yaml" -g web
	assert_success
	assert_output "$(printf '#herd-records 1
H\tweb-01\tweb-01\t22\tadmin\tnginx,prod\tweb\t90000
H\tweb-02\tweb-02\t2222\tdeploy\t\tweb\t90000
H\tweb-03:2200\tweb-03\t2200\tops\t\tweb\t90000
H\t[2001:db8::7]:22\t2001:db8::7\t22\tdeploy\t\tweb\t90000')"
}

@test "a host in two groups is one host: groups and tags merged, settings from the group that has them" {
	run herd-select -c "$CONFIGS/fleet.yaml" web-01 pi-garage
	assert_success
	assert_output "$(printf '#herd-records 1
H\tweb-01\tweb-01\t\tdeploy\tnginx,prod,us-east,debian12,canary\tweb,canary\t
H\tpi-garage\tpi-garage\t\t\tdebian12,arm64,indoor\tpis,canary\t')"
}

# --- config export -----------------------------------------------------------

@test "config export: normalised YAML with sorted keys" {
	run herd-select -c "$CONFIGS/full.yaml" config export
	assert_success
	assert_output - <<'EOF'
defaults:
  concurrency: 8
  connect_timeout: 2s500ms
  history_retention: 30d
  output: json
  timeout: 1m30s
groups:
  db:
    hosts:
    - db-1
    - db-2
  empty:
    hosts: []
  web:
    hosts:
    - host: web-01
      port: 22
      tags: [nginx, prod]
      user: admin
    - web-02
    - host: web-03:2200
      user: ops
    - '[2001:db8::7]:22'
    port: 2222
    timeout: 1m30s
    user: deploy
notifications:
- body: '{"text": "{{.summary}}"}'
  cooldown: 1h30m
  headers:
    Content-Type: application/json
    X-Token: secret
  method: PUT
  name: hook
  on: [failure, change, timeout, resolve]
  type: webhook
  url: https://hooks.example.com/herd
- name: chat
  on: [failure]
  type: slack
  webhook: https://hooks.slack.example.com/T000/B000
- command: /usr/local/bin/alert.sh --loud
  name: local-script
  on: [timeout]
  type: script
parsers:
  nginx-conns:
    extract:
    - field: active
      pattern: Active connections:\s+(\d+)
    - column: 3
      field: requests
recipes:
  deploy:
    description: 'Deploy a branch: and restart'
    params:
      branch:
        default: main
      service:
        description: Systemd service name
        required: true
    steps:
    - git -C /opt/{{.service}} checkout {{.branch}} && git pull
    - '@failed systemctl status {{.service}}'
  uptime:
    steps:
    - uptime
EOF
}

@test "config export is stable: export | re-load | export is identical" {
	for cfg in "$CONFIGS/full.yaml" "$CONFIGS/fleet.yaml" "$CONFIGS/durations.yaml" "$EXAMPLE"; do
		herd-select -c "$cfg" config export >"$BATS_TEST_TMPDIR/one.yaml"
		herd-select -c "$BATS_TEST_TMPDIR/one.yaml" config export >"$BATS_TEST_TMPDIR/two.yaml"
		run diff "$BATS_TEST_TMPDIR/one.yaml" "$BATS_TEST_TMPDIR/two.yaml"
		assert_success
		assert_output ""
		run herd-select -c "$BATS_TEST_TMPDIR/one.yaml" config validate
		assert_success
	done
}

@test "the exported config selects the same hosts with the same settings" {
	herd-select -c "$CONFIGS/full.yaml" config export >"$BATS_TEST_TMPDIR/out.yaml"
	# Groups come out sorted by name, so compare the records as sets.
	run sh -c "herd-select -c '$CONFIGS/full.yaml' -a | sort"
	expected=$output
	run sh -c "herd-select -c '$BATS_TEST_TMPDIR/out.yaml' -a | sort"
	assert_success
	assert_output "$expected"
	assert_line --partial "web-03:2200"
}

@test "herd config export and validate run herd-select config" {
	run herd config -c "$EXAMPLE" validate
	assert_success
	assert_output "$EXAMPLE: ok (2 groups, 6 host entries, 1 recipe, 1 parser, 1 notification)"
	run herd-select config
	assert_failure 2
	assert_line --index 0 --partial "usage: herd-select"
	run herd-select config frobnicate
	assert_failure 2
	assert_line --index 0 --partial "usage: herd-select"
}

# --- malformed configs: one file each, exact file:line:col: message ----------

@test "bad: YAML syntax, unclosed flow sequence" {
	expect_errors syntax-flow.yaml \
	    "syntax-flow.yaml:4:5: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 3)"
}

@test "bad: YAML syntax, a key indented wrongly" {
	expect_errors syntax-indent.yaml \
	    "syntax-indent.yaml:5:6: YAML syntax error: did not find expected key (while parsing a block mapping at line 3)"
}

@test "bad: YAML syntax, a tab for indentation" {
	expect_errors syntax-tab.yaml \
	    "syntax-tab.yaml:2:1: YAML syntax error: found character that cannot start any token (while scanning for the next token at line 2)"
}

@test "bad: YAML syntax, an unclosed quote points at the quote, not the end of file" {
	expect_errors syntax-quote.yaml \
	    "syntax-quote.yaml:3:11: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 3)"
}

@test "bad: invalid UTF-8 is placed at its byte" {
	expect_errors invalid-utf8.yaml \
	    "invalid-utf8.yaml:3:12: YAML syntax error: invalid leading UTF-8 octet (0xff)"
}

@test "bad: a control character" {
	expect_errors control-char.yaml \
	    "control-char.yaml:3:14: YAML syntax error: control characters are not allowed (0x01)"
}

@test "bad: a second YAML document" {
	expect_errors two-docs.yaml \
	    "two-docs.yaml:4:1: only one YAML document is allowed"
}

@test "bad: a syntax error in a second document is not ignored" {
	expect_errors second-doc-syntax.yaml \
	    "second-doc-syntax.yaml:5:9: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 5)"
}

@test "bad: the top level is a list" {
	expect_errors top-list.yaml \
	    "top-list.yaml:1:1: top level: expected a mapping with groups, defaults, recipes, parsers, notifications or history, got a list"
}

@test "bad: unknown top-level key, with a suggestion" {
	expect_errors unknown-top-suggest.yaml \
	    'unknown-top-suggest.yaml:1:1: top level: unknown key "grups"; did you mean "groups"?'
}

@test "bad: unknown group key, no suggestion" {
	expect_errors unknown-key-nosuggest.yaml \
	    'unknown-key-nosuggest.yaml:4:5: group "web": unknown key "frobnicate"'
}

@test "bad: unknown host key, a transposition is suggested" {
	expect_errors unknown-host-key.yaml \
	    'unknown-host-key.yaml:5:9: group "web": unknown key "tgas"; did you mean "tags"?'
}

@test "bad: unknown defaults key, with a suggestion" {
	expect_errors defaults-key-suggest.yaml \
	    'defaults-key-suggest.yaml:2:3: defaults: unknown key "concurency"; did you mean "concurrency"?'
}

@test "bad: unknown notification key, with a suggestion" {
	expect_errors notify-key-suggest.yaml \
	    'notify-key-suggest.yaml:4:5: notification "ops": unknown key "comand"; did you mean "command"?' \
	    'notify-key-suggest.yaml:2:5: notification "ops": type script needs "command"'
}

@test "bad: unknown parser key and no extract" {
	expect_errors parser-no-extract.yaml \
	    'parser-no-extract.yaml:3:5: parser "load": unknown key "extract_fields"' \
	    'parser-no-extract.yaml:2:3: parser "load": needs "extract", a list of fields'
}

@test "bad: a host mapping without host" {
	expect_errors host-map-no-host.yaml \
	    'host-map-no-host.yaml:4:9: group "web": unknown key "name"' \
	    'host-map-no-host.yaml:4:9: group "web": a host mapping needs a "host" key'
}

@test "bad: hosts is not a list" {
	expect_errors hosts-not-list.yaml \
	    'hosts-not-list.yaml:3:12: group "web": expected a list of hosts, got a scalar'
}

@test "bad: an empty host entry" {
	expect_errors empty-host-entry.yaml \
	    'empty-host-entry.yaml:5:8: group "web": expected a host name or a mapping with "host", got an empty value'
}

@test "bad: tags is not a list" {
	expect_errors tags-not-list.yaml \
	    'tags-not-list.yaml:5:15: group "web": expected a list of tags such as [prod, debian12], got a scalar'
}

@test "bad: user is not a string" {
	expect_errors user-not-string.yaml \
	    'user-not-string.yaml:3:11: group "web": expected a string, got a list'
}

@test "bad: a tag name with a space" {
	expect_errors bad-tag.yaml \
	    "bad-tag.yaml:5:22: tag name \"us east\": use letters, digits, '_' and '-' only"
}

@test "bad: a tag name starting with !" {
	expect_errors tag-bang.yaml \
	    "tag-bang.yaml:5:22: tag name \"!staging\": use letters, digits, '_' and '-' only"
}

@test "bad: a group name with a space" {
	expect_errors bad-group-name.yaml \
	    "bad-group-name.yaml:2:3: group name \"web servers\": use letters, digits, '_' and '-' only"
}

@test "bad: a recipe name with a space" {
	expect_errors bad-recipe-name.yaml \
	    "bad-recipe-name.yaml:2:3: recipe name \"restart nginx\": use letters, digits, '_' and '-' only"
}

@test "bad: a host name with a space points at the host value" {
	expect_errors bad-host-in-map.yaml \
	    'bad-host-in-map.yaml:5:15: group "web": host "web 01": bad character in host name'
}

@test "bad: host port out of range" {
	expect_errors bad-port-range.yaml \
	    'bad-port-range.yaml:5:15: group "web": expected a whole number from 1 to 65535, got "70000"'
}

@test "bad: group port is a word" {
	expect_errors bad-port-word.yaml \
	    'bad-port-word.yaml:3:11: group "web": expected a whole number from 1 to 65535, got "ssh"'
}

@test "bad: port 0 in a host string" {
	expect_errors bad-port-in-host.yaml \
	    'bad-port-in-host.yaml:4:9: group "web": host "web-01:0": port must be a number from 1 to 65535'
}

@test "bad: group timeout with a spelt-out unit" {
	expect_errors bad-duration-group.yaml \
	    'bad-duration-group.yaml:3:14: group "web": expected a duration such as 250ms, 30s, 5m, 2h or 30d, got "10 sec"'
}

@test "bad: unknown duration unit" {
	expect_errors bad-duration-defaults.yaml \
	    'bad-duration-defaults.yaml:2:20: defaults.connect_timeout: expected a duration such as 250ms, 30s, 5m, 2h or 30d, got "5x"'
}

@test "bad: negative duration" {
	expect_errors negative-duration.yaml \
	    'negative-duration.yaml:2:12: defaults.timeout: expected a duration such as 250ms, 30s, 5m, 2h or 30d, got "-5s"'
}

@test "bad: duration with a space" {
	expect_errors duration-with-space.yaml \
	    'duration-with-space.yaml:2:22: defaults.history_retention: expected a duration such as 250ms, 30s, 5m, 2h or 30d, got "1h 30m"'
}

@test "bad: concurrency is not a number" {
	expect_errors bad-concurrency.yaml \
	    'bad-concurrency.yaml:2:16: defaults.concurrency: expected a whole number from 1 to 100000, got "many"'
}

@test "bad: unknown output style" {
	expect_errors bad-output.yaml \
	    'bad-output.yaml:2:11: defaults.output: expected "grouped" or "json", got "table"'
}

@test "bad: duplicate key in a group" {
	expect_errors duplicate-key.yaml \
	    'duplicate-key.yaml:5:5: group "web": duplicate key "user"'
}

@test "bad: duplicate group" {
	expect_errors duplicate-group.yaml \
	    'duplicate-group.yaml:4:3: groups: duplicate key "web"'
}

@test "bad: duplicate host in a group points at the second one" {
	expect_errors duplicate-host.yaml \
	    'duplicate-host.yaml:6:15: group "web": host "web-01" is listed twice in group "web"'
}

@test "bad: duplicate notification name" {
	expect_errors duplicate-notification.yaml \
	    'duplicate-notification.yaml:5:11: notifications[1]: notification "ops" is defined twice'
}

@test "bad: notifications is a mapping, not a list" {
	expect_errors notifications-map.yaml \
	    'notifications-map.yaml:2:3: notifications: expected a list of notification targets, got a mapping'
}

@test "bad: notification type" {
	expect_errors notify-bad-type.yaml \
	    'notify-bad-type.yaml:3:11: notification "ops": unknown type "email"; expected webhook, slack or script'
}

@test "bad: notification without a type" {
	expect_errors notify-missing-type.yaml \
	    'notify-missing-type.yaml:2:5: notification "ops": needs "type" (webhook, slack or script)'
}

@test "bad: notification event, with a suggestion" {
	expect_errors notify-bad-event.yaml \
	    'notify-bad-event.yaml:5:19: notification "ops": unknown event "chnage"; did you mean "change"? (events: failure, change, timeout, resolve)'
}

@test "bad: script notification without a command" {
	expect_errors notify-no-command.yaml \
	    'notify-no-command.yaml:2:5: notification "ops": type script needs "command"'
}

@test "bad: slack notification without a webhook" {
	expect_errors slack-no-webhook.yaml \
	    'slack-no-webhook.yaml:2:5: notification "chat": type slack needs "webhook"'
}

@test "bad: PCRE2 pattern that does not compile" {
	expect_errors pcre-bad.yaml \
	    'pcre-bad.yaml:5:18: parser "load": bad pattern at offset 23: missing closing parenthesis'
}

@test "bad: pattern without a capture group" {
	expect_errors pcre-no-capture.yaml \
	    'pcre-no-capture.yaml:5:18: parser "load": pattern needs a capture group, e.g. (\d+)'
}

@test "bad: extract with both pattern and column points at the second" {
	expect_errors extract-both.yaml \
	    'extract-both.yaml:6:9: parser "load": an extract entry takes one of "pattern" and "column", not both'
}

@test "bad: extract with neither pattern nor column" {
	expect_errors extract-neither.yaml \
	    'extract-neither.yaml:4:9: parser "load": an extract entry needs "pattern" or "column"'
}

@test "bad: extract with a null field (it would not read back from config export)" {
	expect_errors extract-null-field.yaml \
	    'extract-null-field.yaml:4:16: parser "load": "field" is empty'
}

@test "bad: extract with an empty pattern" {
	expect_errors extract-null-pattern.yaml \
	    'extract-null-pattern.yaml:5:17: parser "load": "pattern" is empty'
}

@test "bad: a NUL character in a string" {
	expect_errors nul-char.yaml \
	    'nul-char.yaml:3:23: a NUL character (\0) is not allowed'
}

@test "bad: extract column 0" {
	expect_errors column-zero.yaml \
	    'column-zero.yaml:5:17: parser "df": expected a whole number from 1 to 1000, got "0"'
}

@test "bad: recipe without steps points at the recipe" {
	expect_errors recipe-no-steps.yaml \
	    'recipe-no-steps.yaml:2:3: recipe "restart": needs "steps", a list of commands'
}

@test "bad: recipe with empty steps" {
	expect_errors recipe-empty-steps.yaml \
	    'recipe-empty-steps.yaml:3:12: recipe "restart": "steps" is empty'
}

@test "bad: recipe step is not a string" {
	expect_errors step-not-string.yaml \
	    'step-not-string.yaml:5:9: recipe "restart": expected a string, got a mapping'
}

@test "bad: parameter required is not a boolean" {
	expect_errors recipe-required-bool.yaml \
	    'recipe-required-bool.yaml:5:19: recipe "restart": expected true or false, got "maybe"'
}

@test "every file in configs/bad/ has its test here, and there are at least 20" {
	local n=0 f
	for f in "$CONFIGS"/bad/*.yaml; do
		n=$((n + 1))
		run grep -c "expect_errors $(basename "$f") " "$BATS_TEST_FILENAME"
		assert_output "1"
	done
	[ "$n" -ge 20 ]
}

@test "a host in two groups that would get two users or ports is an error" {
	cat >"$BATS_TEST_TMPDIR/c.yaml" <<'EOF'
groups:
  a:
    user: ann
    port: 2200
    hosts: [x]
  b:
    user: bob
    hosts:
      - x
      - {host: y, user: cy}
  c:
    port: 2201
    hosts: [x, y]
EOF
	run herd-select -c "$BATS_TEST_TMPDIR/c.yaml" -a
	assert_failure 2
	assert_output "$BATS_TEST_TMPDIR/c.yaml:9:9: host \"x\" gets user \"bob\" from group \"b\" but \"ann\" from group \"a\"; give the host its own user
$BATS_TEST_TMPDIR/c.yaml:13:13: host \"x\" gets port 2201 from group \"c\" but 2200 from group \"a\"; give the host its own port
herd-select: 2 errors in the configuration"
}

@test "a host in two groups: its own user counts, the shortest group timeout applies" {
	cat >"$BATS_TEST_TMPDIR/c.yaml" <<'EOF'
groups:
  zeta:
    timeout: 30s
    hosts:
      - {host: x, user: own}
  alpha:
    user: alpha
    timeout: 5s
    hosts: [x, z]
EOF
	run herd-select -c "$BATS_TEST_TMPDIR/c.yaml" -a
	assert_success
	assert_output "$(printf '#herd-records 1
H\tx\tx\t\town\t\tzeta,alpha\t5000
H\tz\tz\t\talpha\t\talpha\t5000')"
	herd-select -c "$BATS_TEST_TMPDIR/c.yaml" config export >"$BATS_TEST_TMPDIR/e.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/e.yaml" x z
	assert_output "$(printf '#herd-records 1
H\tx\tx\t\town\t\talpha,zeta\t5000
H\tz\tz\t\talpha\t\talpha\t5000')"
}

@test "config export keeps what a plain YAML scalar would lose: null-like words, port overrides" {
	cat >"$BATS_TEST_TMPDIR/c.yaml" <<'CONF'
groups:
  g:
    hosts:
      - {host: "web:2222", port: 22}
      - {host: "[::1]", port: 2200}
      - {host: "null", tags: ["null"]}
      - "db:5"
recipes:
  r:
    description: "~"
    params:
      p: {default: "null"}
    steps: ["true"]
CONF
	herd-select -c "$BATS_TEST_TMPDIR/c.yaml" config export >"$BATS_TEST_TMPDIR/e.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/e.yaml" -a
	assert_success
	assert_output "$(herd-select -c "$BATS_TEST_TMPDIR/c.yaml" -a)"
	run grep -c '"null"\|"~"' "$BATS_TEST_TMPDIR/e.yaml"
	assert_output 4
	run herd-select -c "$BATS_TEST_TMPDIR/e.yaml" config export
	assert_output "$(cat "$BATS_TEST_TMPDIR/e.yaml")"
}

@test "every config that validates exports to YAML that reads back the same" {
	local cfg n=0
	for cfg in "$CONFIGS"/*.yaml "$CONFIGS"/bad/*.yaml "$EXAMPLE"; do
		herd-select -c "$cfg" config validate >/dev/null 2>&1 || continue
		n=$((n + 1))
		run herd-select -c "$cfg" config export
		assert_success
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/one.yaml"
		run herd-select -c "$BATS_TEST_TMPDIR/one.yaml" config export
		assert_success
		assert_output "$(cat "$BATS_TEST_TMPDIR/one.yaml")"
	done
	# full, fleet, durations, hostile and the example at least
	[ "$n" -ge 5 ]
}

@test "config export escapes bidi and control characters, and they read back" {
	run herd-select -c "$CONFIGS/hostile.yaml" config export
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/e.yaml"
	# hostile.yaml's only non-ASCII characters are bidi controls: none is left
	run env LC_ALL=C grep -n '[^ -~]' "$BATS_TEST_TMPDIR/e.yaml"
	assert_failure 1
	run cat "$BATS_TEST_TMPDIR/e.yaml"
	assert_line '    description: "access level: user\u202E \u2066admin\u2069\u202C"'
	assert_line '        default: "\e[31mred\e[0m"'
	assert_line '    - "echo \u200Fok\u200E\u061C"'
	assert_line '    "X-\u2067Name": "value\u202A"'
	# an escape in the original is the same character
	printf 'recipes:\n  r:\n    steps: ["\\e\\u202e"]\n' >"$BATS_TEST_TMPDIR/r.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/r.yaml" config export
	assert_output "$(printf 'recipes:\n  r:\n    steps:\n    - "\\e\\u202E"')"
}

@test "config export: a write error is reported" {
	[ -w /dev/full ] || skip "no /dev/full"
	run sh -c "herd-select -c '$CONFIGS/full.yaml' config export >/dev/full"
	assert_failure
	assert_output "herd-select: write error: No space left on device"
}

@test "long lists and mappings: each tag once in order, duplicates found (the hashed paths)" {
	local tags i
	tags=$(seq -f 't%g' 1 20 | paste -sd, -)
	{
		printf 'groups:\n'
		for i in $(seq 1 12); do
			printf '  g%s:\n    hosts:\n      - {host: x, tags: [%s, t3, t20, u1]}\n' "$i" "$tags"
		done
		printf '  h:\n    hosts: [%s]\n' "$(seq -f 'h%g' 1 20 | paste -sd, -), h7"
	} >"$BATS_TEST_TMPDIR/c.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/c.yaml" config validate
	assert_failure 2
	assert_output "$BATS_TEST_TMPDIR/c.yaml:39:85: group \"h\": host \"h7\" is listed twice in group \"h\"
herd-select: 1 error in the configuration"
	sed -i '$d' "$BATS_TEST_TMPDIR/c.yaml"
	sed -i '$d' "$BATS_TEST_TMPDIR/c.yaml"
	printf '  g5:\n    hosts: [y]\n' >>"$BATS_TEST_TMPDIR/c.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/c.yaml" config validate
	assert_failure 2
	assert_output "$BATS_TEST_TMPDIR/c.yaml:38:3: groups: duplicate key \"g5\"
herd-select: 1 error in the configuration"
	sed -i '$d' "$BATS_TEST_TMPDIR/c.yaml"
	sed -i '$d' "$BATS_TEST_TMPDIR/c.yaml"
	run sh -c "herd-select -c '$BATS_TEST_TMPDIR/c.yaml' x | cut -f6"
	assert_success
	assert_output "$(printf '#herd-records 1\n%s,u1' "$tags")"
}

@test "YAML aliases: a shared list reads as a copy; one that multiplies the file is refused" {
	cat >"$BATS_TEST_TMPDIR/c.yaml" <<'EOF2'
groups:
  web:
    hosts: &web
      - {host: a, tags: &common [prod, debian12]}
      - {host: b, tags: *common}
  all:
    hosts: *web
EOF2
	run herd-select -c "$BATS_TEST_TMPDIR/c.yaml" -a
	assert_success
	assert_output "$(printf '#herd-records 1
H\ta\ta\t\t\tprod,debian12\tweb,all\t
H\tb\tb\t\t\tprod,debian12\tweb,all\t')"
	# 200 groups of the same 500 hosts of 20 tags: 2M tags from 70 kB
	{
		printf 'groups:\n  g0:\n    hosts: &h\n'
		printf '      - {host: h0, tags: &t [%s]}\n' "$(seq -f 't%g' 1 20 | paste -sd, -)"
		seq -f '      - {host: h%g, tags: *t}' 1 499
		seq -f '  g%g: {hosts: *h}' 1 199
	} >"$BATS_TEST_TMPDIR/bomb.yaml"
	run timeout 60 herd-select -c "$BATS_TEST_TMPDIR/bomb.yaml" config validate
	assert_failure 2
	assert_line --index 0 --partial ": aliases (*name) make the configuration too large to read"
	assert_line --index 1 "herd-select: 1 error in the configuration"
}

@test "history: record, keep and redact read, exported and read back; a bad pattern and an unknown key at their place" {
	printf 'history:\n  record: false\n  keep: 5\n  redact: [%s, %s]\n' "'password=\\S+'" "'token: \\w+'" >"$BATS_TEST_TMPDIR/h.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/h.yaml" config export
	assert_success
	assert_output "history:
  keep: 5
  record: false
  redact: [password=\\S+, 'token: \\w+']"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/again.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/again.yaml" config export
	assert_output "$(cat "$BATS_TEST_TMPDIR/again.yaml")"
	printf 'history:\n  redact: ["(x"]\n  kep: 3\n  record: maybe\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run herd-select -c "$BATS_TEST_TMPDIR/bad.yaml" config validate
	assert_failure 2
	assert_line --index 0 --regexp 'bad.yaml:3:3: history: unknown key "kep"; did you mean "keep"\?$'
	assert_line --regexp 'bad.yaml:2:12: history.redact: bad pattern at offset 2: missing closing parenthesis$'
	assert_line --regexp 'bad.yaml:4:11: history.record: '
}
