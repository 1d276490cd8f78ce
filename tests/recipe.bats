bats_require_minimum_version 1.5.0
load helper

# herd recipe (herd-ui --recipe) on the loopback fleet (tests/fleet/README):
# the config's recipes and the built-in ones, parameters, templates whose
# values are shell-quoted, selector steps, dry runs, the history's series.

setup_file() {
	export FD="$BATS_FILE_TMPDIR/fleet"
	"$TESTS/fleet/fleet-start" "$FD" 3
}

teardown_file() {
	"$TESTS/fleet/fleet-stop" "$FD"
}

setup() {
	. "$FD/env"
	T="$BATS_TEST_TMPDIR"
	export HOME="$T/home" XDG_DATA_HOME="$T/data" XDG_STATE_HOME="$T/state"
	mkdir -p "$HOME"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	# the fleet's hosts run as other users: a place they may write to
	OUT="$T/shared"
	mkdir -m 1777 "$OUT"
	chmod 755 "$T"
	{
		cat "$FLEET_CONFIG"
		cat <<-EOF
		recipes:
		  greet:
		    description: Say hello
		    params:
		      who: {required: true, description: whom to greet}
		      greeting: {default: hello}
		    steps:
		      - "printf '%s|%s|%s\\\\n' {{.greeting}} {{.who}} {{.Host}}"
		  check:
		    steps:
		      - "echo {{.Host}} \$SSH_CONNECTION"
		      - "test {{.Host}} != h002"
		      - "@failed echo again on {{.Host}} in {{.Group}}"
		      - "@failed echo not reached"
		      - "@ok echo not reached either"
		      - "echo {{.Host}} \$SSH_CONNECTION"
		  strict:
		    stop_on_failure: true
		    steps:
		      - "test {{.Host}} != h003"
		      - "touch $OUT/strict-{{.Host}}"
		  uptime:
		    description: The config's own uptime
		    steps: ["echo mine"]
		  stamp:
		    steps: ["touch $OUT/stamp-{{.Timestamp}}-{{.Host}}"]
		  assign:
		    params: {v: ""}
		    steps: ["{{.v}} env"]
		EOF
	} >"$T/config.yaml"
}

recipe() {
	herd recipe -c "$T/config.yaml" -F "$FLEET_SSH_CONFIG" "$@"
}

@test "recipe --list: the config's recipes, then the built-in ones it does not override, with parameters" {
	run -0 herd recipe --list -c "$T/config.yaml"
	assert_line --regexp '^greet +Say hello$'
	assert_line --regexp '^    who \(required\) +whom to greet$'
	assert_line --regexp '^    greeting=hello *$'
	assert_line --regexp '^uptime +The config.s own uptime$'
	assert_line --regexp '^service-check +.*\(built-in\)$'
	assert_line --regexp '^    service=sshd +the systemd unit$'
	for r in disk-check reboot-check port-check user-audit log-tail os-version; do
		assert_line --regexp "^$r .*\\(built-in\\)$"
	done
	refute_line --regexp '^uptime .*built-in'
	run -2 herd recipe --list greet
	assert_output --partial 'takes no recipe name'
}

@test "recipe: hostile parameter values run as plain data, never as code" {
	v="\$(touch $OUT/pwned1); \`touch $OUT/pwned2\` 'q' \"dq\" | touch $OUT/pwned3
second line"
	run -0 recipe greet -g fleet --set "who=$v" --set greeting='a;b&&c'
	for i in 1 2 3; do
		[ ! -e "$OUT/pwned$i" ]
	done
	# each host printed the value back, byte for byte
	assert_output --partial "a;b&&c|\$(touch $OUT/pwned1); \`touch $OUT/pwned2\` 'q' \"dq\" | touch $OUT/pwned3"
	assert_output --partial 'second line|h001'
	assert_output --partial 'second line|h003'
	assert_output --partial '=== Step 1/1: printf'
	assert_output --partial '3 succeeded'
	# where a command goes, NAME=VALUE is still a word, not a variable set
	run -1 recipe assign h001 --set v=HERDX=injected
	assert_output --regexp 'HERDX=injected: (command )?not found'
	refute_line --regexp '^ +HERDX=injected$'
}

@test "recipe: selector steps run on what the step before picked; none picked: skipped; one series on kept connections" {
	run -1 recipe check -g fleet
	assert_line '=== Step 3/6: echo again on {{.Host}} in {{.Group}} ==='
	assert_line --regexp '^    Selector: @failed (→|->) 1 host$'
	assert_output --partial 'again on h002 in fleet'
	refute_output --partial 'again on h001'
	assert_line --regexp '^    Selector: @failed (→|->) 0 hosts: step skipped$'
	refute_line --regexp '^ +not reached$'
	# a selector picks from the step before: skipped, it picks nothing
	assert_line '    Selector: the step before was skipped: step skipped'
	refute_line --regexp '^ +not reached either$'
	# steps 1 and 5 came over the same connection of each host
	lines=$(grep -E '^ +h00[1-3] ' <<<"$output")
	assert_equal "$(wc -l <<<"$lines")" 6
	assert_equal "$(sort -u <<<"$lines" | wc -l)" 3
	# the history: one series, kind recipe, steps numbered; the skipped one not run
	run -0 herd-hist list --json
	assert_equal "$(jq -r .kind <<<"$output" | sort -u)" recipe
	assert_equal "$(jq -r .series <<<"$output" | sort -u | wc -l)" 1
	assert_equal "$(jq -r .seq <<<"$output" | sort -n | paste -sd' ')" "1 2 3 6"
}

@test "recipe: stop_on_failure stops after a step not ok; without it, the steps go on" {
	run -1 recipe strict -g fleet
	assert_output --partial 'Stopped: step 1 was not ok on every host'
	refute_output --partial 'Step 2/2'
	[ ! -e "$OUT/strict-h001" ]
	run -1 recipe check h001 h002
	assert_output --partial '=== Step 6/6'
}

@test "recipe: unknown recipe, unknown or missing parameter: exit 2 and nothing run" {
	run -2 recipe greett -g fleet
	assert_output --partial 'no recipe greett (did you mean greet?)'
	run -2 recipe greet -g fleet
	assert_output --partial 'recipe greet needs --set who=VALUE (whom to greet)'
	run -2 recipe greet -g fleet --set who=x --set colour=red
	assert_output --partial 'recipe greet has no parameter "colour" (its parameters: who, greeting)'
	run -2 recipe greet -g fleet --set noequals
	assert_output --partial 'expected NAME=VALUE'
	run -2 herd recipe -c "$T/config.yaml"
	assert_output --partial 'which recipe?'
	run -3 herd-hist list --json
	assert_output --partial 'no runs recorded yet'
}

@test "recipe: a step's unknown template name or bad placeholder is a config error with its place" {
	cat >"$T/bad.yaml" <<-'EOF'
	recipes:
	  r:
	    params: {a: 1, Host: 2}
	    steps:
	      - "echo {{.a}} {{.b}}"
	      - "@failed"
	      - "echo {{.a"
	      - echo "Hi {{.a}}"
	      - echo $'it\'s {{.a}}'
	      - echo >#{{.a}}
	      - |-
	        cd {{.a}}#x <<EOF
	        {{.a}}
	        EOF
	EOF
	run -2 herd recipe r -c "$T/bad.yaml"
	assert_output --partial 'bad.yaml:3:20: recipe "r": parameter "Host" is a built-in name'
	assert_output --partial 'bad.yaml:5:9: recipe "r": step 1: 1:13: unknown template name {{.b}} (its parameters: a;'
	assert_output --partial 'bad.yaml:6:9: recipe "r": step 2: a command goes after the selector @failed'
	assert_output --partial 'bad.yaml:7:9: recipe "r": step 3: 1:6: a placeholder not closed by }}'
	assert_output --partial 'bad.yaml:8:9: recipe "r": step 4: 1:10: a placeholder inside quotes'
	assert_output --partial 'bad.yaml:9:9: recipe "r": step 5: 1:14: a placeholder inside quotes'
	assert_output --partial 'bad.yaml:10:9: recipe "r": step 6: 1:8: a placeholder in a comment'
	assert_output --partial 'bad.yaml:11:9: recipe "r": step 7: 2:1: a placeholder in a here-document'
}

@test "recipe --dry-run: each step's command per host, hosts with one command folded; nothing run" {
	run -0 recipe stamp -g fleet --dry-run
	assert_output --regexp "  h001: touch $OUT/stamp-[0-9]{8}T[0-9]{6}Z-h001"
	assert_output --regexp "  h003: touch $OUT/stamp-[0-9]{8}T[0-9]{6}Z-h003"
	run -0 recipe greet -g fleet --dry-run --set who='x y' --set greeting=hi
	assert_line "  h001: printf '%s|%s|%s\\n' hi 'x y' h001"
	run -0 recipe uptime h001 h002 h003 --dry-run
	assert_line '  h[001-003]: echo mine'
	run -0 recipe service-check -g fleet --dry-run --set service='a b'
	assert_line "    Selector: @differs (the hosts it picks from step 1's results)"
	assert_line "  h[001-003]: systemctl status --no-pager -- 'a b'"
	[ -z "$(ls "$OUT")" ]
	run -3 herd-hist list --json
	assert_output --partial 'no runs recorded yet'
}

@test "recipe: {{.Timestamp}} is one for the whole recipe; a built-in recipe runs; herd help recipes" {
	run -0 recipe stamp -g fleet
	assert_equal "$(ls "$OUT" | sed 's/-h00[1-3]$//' | sort -u | wc -l)" 1
	assert_equal "$(ls "$OUT" | wc -l)" 3
	run -0 recipe os-version h001
	assert_output --partial "$(uname -sr)"
	run -0 herd help recipes
	assert_output --partial 'shell-quoted'
	assert_output --partial 'stop_on_failure'
	run -0 herd recipe --help
	assert_output --partial '--dry-run'
}
