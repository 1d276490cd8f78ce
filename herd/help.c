/* herd help: the usage, the verbs' help and the topics. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"

extern const char tunnel_help[];	/* tunnel.c */

const char usage[] =
    "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]\n"
    "\n"
    "Verbs:\n"
    "  exec     run a command on hosts, show the grouped results\n"
    "  ping     check that hosts answer SSH (--auth: that they let us in)\n"
    "  watch    run a command every --interval on kept connections, show changes\n"
    "  tail     follow log files (or journalctl) on many hosts, lines merged\n"
    "  push     copy a file or directory to hosts, verified, atomically\n"
    "  pull     copy a file from hosts into results/HOST/PATH, verified\n"
    "  diff     compare a file across hosts: identical groups, outliers' diffs\n"
    "  discover find SSH servers in an address range (--cidr), add them to a group\n"
    "  tunnel   forward a local port per host to a port the host reaches (-L)\n"
    "  select   print host records for groups, tags and host patterns\n"
    "  list     list groups (--tags: tags with host counts, --tag EXPR: hosts)\n"
    "  config   validate | export the configuration\n"
    "  history  past runs: list, show ID, diff ID1 ID2, export, search, prune\n"
    "  mux      start | stop | status the mux that keeps SSH connections\n"
    "  repl     a prompt: commands on kept connections, results grouped\n"
    "  recipe   run a recipe's steps in turn (herd recipe --list)\n"
    "  snapshot capture OS, packages, services, disks, ports; list, show, diff, drift\n"
    "  help     help on a verb or topic (herd help topics)\n"
    "  version  print the version\n"
    "\n"
    "Any other VERB runs the program herd-VERB from the exec path.\n"
    "  --exec-path[=DIR]  where herd-VERB programs are found (print it without DIR)\n"
    "  --explain          print the shell pipeline a verb runs, run nothing\n"
    "See herd(1) and herd(7); herd VERB --help for a verb.\n";

const char exec_help[] =
    "usage: herd exec [options] COMMAND [HOSTS...]\n"
    "       herd exec [options] -g GROUP|-t TAGS|-w HOSTS|-a COMMAND [WORDS...]\n"
    "       herd exec [options] [HOSTS...] -- COMMAND [WORDS...]\n"
    "Runs COMMAND on the selected hosts and shows the results grouped:\n"
    "  herd-select SELECTION | herd-run SSH-OPTIONS -- COMMAND | herd-hist record |\n"
    "  herd-group VIEW\n"
    "The command's words are never taken for hosts: after --, every word is the\n"
    "command's (the words before it are hosts); with -a, -g, -t, -w or\n"
    "--hosts-file, every word is the command's; otherwise the first word is the\n"
    "command (quote it) and the others are hosts.\n"
    "Selection (herd-select):\n"
    "  -a, -g GROUP, -t TAGS    every host, a group, tags (herd help selection)\n"
    "  -w HOSTS                 h1,h2,web-[01-20]; ^FILE for a file\n"
    "  --hosts-file FILE        one host per line; - for stdin\n"
    "  -x, --exclude HOSTS      leave out names, ranges, globs\n"
    "  --pick N                 N hosts of the selection, at random\n"
    "SSH (herd-run):\n"
    "  -F FILE, -i KEY, -l USER, -p PORT, -o OPTION (as ssh -o)\n"
    "  -f, --fanout, --forks, --concurrency N   hosts at a time\n"
    "  --timeout DUR, --connect-timeout DUR, --accept-new, --insecure,\n"
    "  --ask-pass, --sudo, --ask-become-pass, --max-output SIZE\n"
    "  -I, --stdin              send herd's standard input to every command\n"
    "  --stream                 each host's lines as they come (host: line)\n"
    "  --mux auto|no            through the mux that keeps the connections\n"
    "                           (auto starts one; herd help mux)\n"
    "View (herd-group):\n"
    "  --json, --oneline, --errors-only, --color WHEN, --parse NAME, --lines N,\n"
    "  --no-fold, --outdir DIR, --errdir DIR, -S/--max-exit\n"
    "History (herd-hist): --no-history, do not record the run (herd help history);\n"
    "  --diff-last, show what changed since the last run of this command on\n"
    "  this selection: hosts unchanged counted, changed ones with a diff\n"
    "Notify (herd-notify): --notify, send the run's failures, timeouts, changes\n"
    "  to the config's notification targets; --notify-on-resolve, recoveries too\n"
    "  (herd help notifications)\n"
    "Also: -c FILE, the config (for every stage); --dry-run, the hosts and the\n"
    "command, without connecting. herd --explain exec ... prints the pipeline.\n"
    "Exit: 0 all ok, 1 some host not ok, 2 usage or config error, 3 runtime error,\n"
    "130 interrupted; with -S, the largest remote exit status.\n";

const char ping_help[] =
    "usage: herd ping [options] [HOSTS...]\n"
    "Checks that each host's SSH port answers with an SSH banner, and how fast;\n"
    "with --auth, that herd can also log in:\n"
    "  herd-select SELECTION | herd-run --ping SSH-OPTIONS | herd-group --ping\n"
    "Selection: -a, -g GROUP, -t TAGS, -w HOSTS, --hosts-file FILE, -x HOSTS,\n"
    "  --pick N, HOSTS (herd help selection)\n"
    "SSH: -F FILE, -i KEY, -l USER, -p PORT, -o OPTION, -f/--fanout N,\n"
    "  --connect-timeout DUR, --accept-new, --insecure, --ask-pass, --auth\n"
    "View: --json, --color WHEN\n"
    "Exit: 0 every host answered, 1 some host did not, 2 usage or config error.\n";

const char watch_help[] =
    "usage: herd watch [options] COMMAND [HOSTS...]\n"
    "       herd watch [options] -g GROUP|-t TAGS|-w HOSTS|-a COMMAND [WORDS...]\n"
    "Runs COMMAND on the selected hosts every --interval, over one SSH connection\n"
    "per host kept for the whole watch, and shows each iteration grouped under a\n"
    "timestamp header (the screen cleared on a terminal), with a line\n"
    "N unchanged, N changed, N down on top and the hosts whose result differs\n"
    "from their previous iteration marked [changed]:\n"
    "  herd-select SELECTION | herd-run --every DUR -- COMMAND | herd-hist record |\n"
    "  herd-group --watch\n"
    "(and herd-notify when the config has notification targets).  Each iteration\n"
    "is a run of one series in the history.  Iterations never overlap: a slow one\n"
    "delays the next, and says so.  Ctrl-C stops after recording what finished.\n"
    "The command and hosts are given as to herd exec (herd help exec).\n"
    "  --interval DUR   time between iterations (default 30s, at least 5s)\n"
    "  --count N        stop after N iterations (default: until Ctrl-C)\n"
    "  --until-change   stop (exit 0) after the first iteration in which a host's\n"
    "                   result changed, as watch -g\n"
    "  --until-ok       stop (exit 0) after the first iteration with every host ok\n"
    "  --ignore REGEX   mask what REGEX (PCRE2) matches before results are compared:\n"
    "                   timestamps, PIDs, counters (repeatable)\n"
    "  --changes-only   show only the hosts that changed (and the count line)\n"
    "  --json           one object per host per iteration (host, iteration, run,\n"
    "                   status, exit, changed, output), then a summary object\n"
    "  --color WHEN, --no-history, --notify-on-resolve; selection and SSH options\n"
    "                   as herd exec; herd-group --hosts @changed picks the hosts\n"
    "                   that changed\n"
    "Exit: that of the last iteration (0 all ok, 1 some host not ok); 0 when\n"
    "--until-change or --until-ok is met; 2 usage or config error; 130 Ctrl-C.\n";

const char tail_help[] =
    "usage: herd tail [options] PATH... [HOSTS...]\n"
    "       herd tail [options] --journalctl UNIT [HOSTS...]\n"
    "Follows the files (tail -F: rotation and truncation survive) on every\n"
    "selected host over one kept connection each, and prints their lines as\n"
    "they come, [host] line, in one stream (host colours on a terminal):\n"
    "  herd-select SELECTION | herd-run --follow -- 'tail -F -n 10 -- PATH...' |\n"
    "  herd-group --tail\n"
    "A word with a '/' is a path (./app.log: in the remote home), the others\n"
    "are hosts.  A lost stream is said ([web-03] stream lost: ... reconnecting),\n"
    "connected again with backoff and resumed from the end of the file, the gap\n"
    "said; a file missing or unreadable is said per host; Ctrl-C stops every\n"
    "remote tail.\n"
    "  -n, --lines N     lines of each file to start with (default 10)\n"
    "  --grep RE         only lines RE matches (grep -E, on the hosts)\n"
    "  --exclude RE      not the lines RE matches (grep -E -v, on the hosts);\n"
    "                    -x HOSTS still leaves hosts out\n"
    "  --journalctl UNIT follow journalctl -f -u UNIT instead of files\n"
    "  --since DUR       with --journalctl: from DUR ago (5m)\n"
    "  --no-hostname     lines without [host] (one host)\n"
    "  --collapse        a line that came from several hosts within --window\n"
    "                    printed once: [web-[01-14]] GET /health 200\n"
    "  --merge-time      lines ordered by the time they carry (syslog, RFC 3339,\n"
    "                    web logs), each held at most --window\n"
    "  --window DUR      for --collapse and --merge-time (default 500ms)\n"
    "  --stats           line rates per host every 10s, and a summary on Ctrl-C\n"
    "                    (lines, bytes, gaps per host), on stderr\n"
    "  --json            one object per line: host, path, time, line; and one per\n"
    "                    event: host, event (lost, failed, resumed, ended), reason\n"
    "  --color WHEN; selection and SSH options as herd exec (herd help exec)\n"
    "Exit: 130 on Ctrl-C; 0 when every stream ended by itself; 2 usage error.\n";

const char push_help[] =
    "usage: herd push [options] LOCAL REMOTE [HOSTS...]\n"
    "Copies the file LOCAL (-r: the directory) to REMOTE on every selected host\n"
    "at once, then shows a line per host and N succeeded, N unchanged, N failed:\n"
    "  herd-select SELECTION | herd-run --kind push --stdin-file LOCAL -- SCRIPT |\n"
    "  herd-hist record | herd-group\n"
    "LOCAL is read once and streamed to each host's SCRIPT (sh) on an exec\n"
    "channel; the copy is written to a temporary name beside REMOTE, checked\n"
    "against LOCAL's size and SHA-256 and only then renamed into place: a\n"
    "failed or cut upload never leaves a half file.  REMOTE ending in / or an\n"
    "existing directory: LOCAL goes into it under its own name.  The mode is\n"
    "kept.\n"
    "  -r, --recursive   LOCAL is a directory: sent as a tar stream, unpacked\n"
    "                    beside REMOTE, which it replaces as a whole\n"
    "  --mkdir           create REMOTE's missing parent directories\n"
    "  --checksum        leave hosts whose REMOTE already has LOCAL's content\n"
    "                    (unchanged); -r: the same files, by path and content\n"
    "  --preserve        keep the owner (numeric) and modification time too\n"
    "  --sudo            write as root (passwordless sudo -n)\n"
    "  --timeout DUR     for each host's whole upload\n"
    "  --json, --color WHEN; --no-history; --dry-run; selection and SSH options\n"
    "  as herd exec (herd help exec)\n"
    "Exit: 0 every host has the file, 1 some host failed, 2 usage error (LOCAL\n"
    "missing), 3 runtime error, 130 interrupted.\n";

const char pull_help[] =
    "usage: herd pull [options] REMOTE [HOSTS...]\n"
    "Copies the file REMOTE from every selected host at once into\n"
    "DIR/HOST/REMOTE (DIR: --dest, default ./results; the files 0600), then\n"
    "shows a line per host and N succeeded, N missing, N failed:\n"
    "  herd-select SELECTION | herd-run --kind pull --output-dir DIR\n"
    "  --output-name REMOTE -- SCRIPT | herd-hist record | herd-group\n"
    "herd-run writes each host's data straight to its file (a temporary name,\n"
    "renamed when the host's command ended well), hashing it as it comes; the\n"
    "host sends the file's SHA-256 after it, and a copy that differs is a\n"
    "failure.  A missing file is said per host.\n"
    "  --dest DIR        where the copies go (DIR/HOST/REMOTE)\n"
    "  -r, --recursive   REMOTE is a directory: sent as a tar (made on the host\n"
    "                    first, hashed), unpacked into DIR/HOST/REMOTE after\n"
    "  --group           list hosts with identical files once, as a group\n"
    "                    (web-[01-03]); select a group with -g\n"
    "  --sudo            read as root (passwordless sudo -n)\n"
    "  --json, --color WHEN; --no-history; --dry-run; selection and SSH options\n"
    "  as herd exec (herd help exec)\n"
    "Exit: 0 every host's copy is here, 1 some host failed or has no such file,\n"
    "2 usage error, 3 runtime error, 130 interrupted.\n";

const char diff_help[] =
    "usage: herd diff [options] PATH [HOSTS...]\n"
    "Reads the file PATH from every selected host into memory, groups the\n"
    "identical copies and shows each outlier's unified diff against the norm\n"
    "(the largest group), then N files compared, N differ:\n"
    "  herd-select SELECTION | herd-run --kind read -- SCRIPT |\n"
    "  herd-hist record | herd-group\n"
    "A host whose file is missing or unreadable (or that cannot be reached) is\n"
    "listed with the reason, apart from the copies compared.  A file holding a\n"
    "NUL byte is binary: compared by its SHA-256, with no diff.\n"
    "  --save DIR        also keep each copy read, as DIR/HOST\n"
    "  --sudo            read as root (passwordless sudo -n)\n"
    "  --diff-last       compare with the last herd diff of PATH on the same\n"
    "                    selection: the hosts whose copy changed, with diffs\n"
    "  --timeout DUR, --max-output SIZE (default 16M per host)\n"
    "  --json, --color WHEN; --no-history; --dry-run; selection and SSH options\n"
    "  as herd exec (herd help exec)\n"
    "Exit: 0 every copy identical, 1 a copy differs or a host was not read,\n"
    "2 usage error, 3 runtime error, 130 interrupted.\n";

const char discover_help[] =
    "usage: herd discover --cidr CIDR [--port 22] [--timeout 2s] [--concurrency 256]\n"
    "                     [--save GROUP [--tag a,b]] [--force] [-c FILE]\n"
    "Connects to every address of CIDR (IPv4 or IPv6) and lists those where an\n"
    "SSH server answers with its version line (no login), then N hosts found:\n"
    "  herd-run --ping --concurrency N --connect-timeout DUR < (H records)\n"
    "The network and broadcast addresses of an IPv4 range are left out (not in\n"
    "a /31 or /32), and the all-zero address of an IPv6 range (not in a /127\n"
    "or /128).  A range of more than 65536 addresses needs --force (at most\n"
    "1048576).\n"
    "  --port N          the port to try (default 22)\n"
    "  --timeout DUR     for each connection and banner (default 2s)\n"
    "  --concurrency N   connections at once (default 256)\n"
    "  --save GROUP      add the hosts found to GROUP in the config file (made if\n"
    "                    missing), keeping its comments, order and formatting;\n"
    "                    written beside it and renamed; refused, before the\n"
    "                    scan, when the config does not load\n"
    "  --tag a,b         with --save: the tags of the hosts added\n"
    "Exit: 0 some host found, 1 none, 2 usage or config error, 3 runtime error.\n";

const char mux_help[] =
    "usage: herd mux start [--idle-timeout DUR] [options]\n"
    "       herd mux stop|status [options]\n"
    "The mux is a herd-run --serve on a socket of your own (herd-run(1), --mux)\n"
    "that keeps one SSH connection per host, so that the next herd exec on the\n"
    "same hosts opens none; as ssh's ControlMaster with ControlPersist.  One mux\n"
    "serves one set of SSH settings: the options below choose which (none: what\n"
    "herd exec uses without them).\n"
    "  start    start the mux, print its socket; it stops after --idle-timeout\n"
    "           (default 10m, 0 = never) with no client and no run\n"
    "  stop     stop it (SIGTERM); a stale socket file is removed\n"
    "  status   its pid and idle timeout, and its connections by state\n"
    "Options: -c FILE, -F FILE, -i KEY, -l USER, -p PORT, -o OPTION,\n"
    "  --connect-timeout DUR, --accept-new, --insecure (as herd exec)\n"
    "Exit: 0 ok; 1 no mux runs (stop, status); 2 usage; 3 runtime error.\n";

const char repl_help[] =
    "usage: herd repl [options] [HOSTS...]\n"
    "A prompt (herd-ui(1)) where each line runs a command on the hosts over SSH\n"
    "connections kept from one command to the next, its results grouped as by\n"
    "herd exec, each run recorded in the history.  herd alone, on a terminal,\n"
    "is herd repl.  The prompt says the hosts: herd [web: 3 hosts]>, and\n"
    "herd [web: 118/120 up]> when some cannot be reached.\n"
    "A line is [SELECTORS] COMMAND: with selectors, on the hosts of the last\n"
    "result they pick (@ok @differs @failed @nonzero @timeout @tag:NAME\n"
    "@tag:!NAME @NAME @GLOB @RANGE; comma = union), else on every target host.\n"
    "  :quit :help :hosts :group NAME :tags :timeout [DUR] :sudo :diff :last\n"
    "  :export FILE :parse NAME :history [search PATTERN]\n"
    "  +HOSTS, -HOSTS   add or remove target hosts (names, ranges, @tag:NAME)\n"
    "  !COMMAND         run COMMAND here\n"
    "Ctrl-C stops the command running (and only it), Tab completes, Ctrl-D quits.\n"
    "Selection: -a, -g GROUP, -t TAGS, -w HOSTS, --hosts-file FILE, -x HOSTS,\n"
    "  --pick N, HOSTS (herd help selection); none: every configured host\n"
    "SSH: -F FILE, -i KEY, -l USER, -p PORT, -o OPTION, -f/--concurrency N,\n"
    "  --connect-timeout DUR, --accept-new, --insecure, --ask-pass\n"
    "Also: -c FILE, --timeout DUR, --sudo, --color WHEN, --no-history\n"
    "Exit: 0 ok, 2 usage or config error, 3 runtime error.\n";

const char recipe_help[] =
    "usage: herd recipe NAME [options] [HOSTS...] [--set NAME=VALUE]... [--dry-run]\n"
    "       herd recipe --list\n"
    "Runs the steps of recipe NAME (the config's, or a built-in one) in turn on\n"
    "the hosts over kept connections (herd-ui(1)), each step's results grouped\n"
    "and recorded in the history as one series.  A step \"@SELECTOR CMD\" runs\n"
    "on the hosts SELECTOR picks from the step before (herd help selectors).\n"
    "  --set NAME=VALUE  a parameter's value (repeatable); shell-quoted in steps\n"
    "  --dry-run         show each step's command per host; run nothing\n"
    "  --list            the recipes, their parameters and defaults\n"
    "Selection: -a, -g GROUP, -t TAGS, -w HOSTS, --hosts-file FILE, -x HOSTS,\n"
    "  --pick N, HOSTS (herd help selection); none: every configured host\n"
    "SSH: -F FILE, -i KEY, -l USER, -p PORT, -o OPTION, -f/--concurrency N,\n"
    "  --connect-timeout DUR, --accept-new, --insecure, --ask-pass\n"
    "Also: -c FILE, --timeout DUR, --sudo, --color WHEN, --no-history\n"
    "Exit: 0 every step ok on every host, 1 some host not ok in some step,\n"
    "2 usage or config error (an unknown recipe or parameter, a required one\n"
    "missing: nothing is run), 3 runtime error, 130 interrupted.\n"
    "More: herd help recipes.\n";

const char dashboard_help[] =
    "usage: herd dashboard [options] [HOSTS...] [--health-interval DUR]\n"
    "The fleet on one screen (herd-ui(1), DASHBOARD): the last command's result\n"
    "groups with folded host ranges, a host table (Host, Status, Cmd, Exit, Time,\n"
    "Tags), a Diff tab and a tab per host, a status bar with the hosts up and\n"
    "down (the connections are probed every --health-interval, 10s; 0: never).\n"
    "The command bar (:) takes [SELECTORS] CMD, watch CMD [--interval DUR],\n"
    "tail PATH [--grep RE], diff PATH, recipe NAME [k=v...]; Esc or a new\n"
    "command stops a watch or a tail, Ctrl-C cancels a command.  Keys: / and /!\n"
    "filter, Space tags hosts (the next command runs on them), s S sort, t tags,\n"
    "Enter a host's tab, 1-9 [ ] tabs, ? all the keys, q quits.  NO_COLOR: no\n"
    "colours.  Every run but a tail is recorded in the history.\n"
    "Selection: -a, -g GROUP, -t TAGS, -w HOSTS, --hosts-file FILE, -x HOSTS,\n"
    "  --pick N, HOSTS (herd help selection); none: every configured host\n"
    "SSH: -F FILE, -i KEY, -l USER, -p PORT, -o OPTION, -f/--concurrency N,\n"
    "  --connect-timeout DUR, --accept-new, --insecure, --ask-pass\n"
    "Also: -c FILE, --timeout DUR, --sudo, --no-history\n"
    "Exit: 0 ok, 2 usage or config error, 3 runtime error.\n";

const char snapshot_help[] =
    "usage: herd snapshot [options] [HOSTS...] [--only PARTS]\n"
    "       herd snapshot list [-n N] [--json]\n"
    "       herd snapshot show ID [HOST]\n"
    "       herd snapshot diff ID1 ID2\n"
    "       herd snapshot drift ID\n"
    "       herd snapshot export ID --json\n"
    "Captures the state of the hosts with built-in inspection commands, run as\n"
    "one series of runs on kept connections (herd-run --serve), and saves it in\n"
    "the history as fields per host (herd-hist snapshot save):\n"
    "  os, kernel, arch, uptime   /etc/os-release, uname, /proc/uptime\n"
    "  package NAME = version     dpkg-query, or rpm -qa\n"
    "  service NAME = enabled,running   systemctl\n"
    "  disk_used MOUNT, disk_size MOUNT df -P\n"
    "  mem_total, mem_available, swap_total   /proc/meminfo, or free\n"
    "  port ADDR:PORT             ss -ltn, or netstat -ltn\n"
    "A host without systemd, dpkg or rpm just has no such fields.  A host that\n"
    "fails a step is left out of the next ones and said in the summary.\n"
    "  --only PARTS  some of os,packages,services,disk,memory,ports\n"
    "  list          the snapshots, newest first\n"
    "  show ID       a table, a host per line; with HOST every field of it\n"
    "  diff ID1 ID2  per host what changed (hosts with the same changes together):\n"
    "                disk_used /: 42% -> 93%, packages: +2 (...), -1 (...), ~3 upgraded\n"
    "  drift ID      per field, the fleet's majority value and the hosts that\n"
    "                differ from it\n"
    "  export ID     the snapshot as one JSON object\n"
    "ID is a snapshot's number (Snapshot #N), or last.  Uptime and available\n"
    "memory change by themselves: diff and drift do not compare them (diff says\n"
    "when a host rebooted).\n"
    "Selection: -a, -g GROUP, -t TAGS, -w HOSTS, --hosts-file FILE, -x HOSTS,\n"
    "  --pick N, HOSTS (herd help selection); none: every configured host\n"
    "SSH: -F FILE, -i KEY, -l USER, -p PORT, -o OPTION, -f/--concurrency N,\n"
    "  --connect-timeout DUR, --accept-new, --insecure, --ask-pass\n"
    "Also: -c FILE.\n"
    "Ctrl-C cancels the step running and saves nothing (its steps stay in the\n"
    "history as runs).\n"
    "Exit: 0 every host captured, 1 some host failed a step, 2 usage or config\n"
    "error, 3 runtime error (the history cannot be written: no snapshot saved),\n"
    "130 interrupted.\n";

static const struct topic {
	const char *name, *text;
} topics[] = {
	{ "selection",
	  "Selecting hosts (herd-select(1)):\n"
	  "  -g web            hosts of group web (-g web,db or -g web -g db: both)\n"
	  "  -t prod,debian12  hosts with every listed tag, across all groups\n"
	  "  -t '!staging'     hosts without the tag\n"
	  "  -g pis -t arm64   hosts of pis that have arm64 (intersection)\n"
	  "  -a                every configured host\n"
	  "  web-01 deploy@web-02:2222 [::1]:22   single hosts, in the config or not\n"
	  "  'web-*'           a glob over configured host names\n"
	  "  web-[01-20] db[1-3,7] rack[1-2]-n[1-3]   ranges, zero padding kept\n"
	  "  -w web-01,db[1-3]  hosts as an option (as pdsh -w); -w ^FILE: a file\n"
	  "  --hosts-file FILE one host per line, # comments, - for stdin\n"
	  "  -x 'web-0[3-4]'   leave these out; --pick 3: three of them at random\n"
	  "Groups and tags select from the config; host arguments and files add to\n"
	  "that selection. Every host is listed once, in first-seen order.\n"
	  "In herd exec, hosts given as words come after the command, or before --:\n"
	  "  herd exec 'uname -r' web-01 web-02    herd exec web-01 -- uname -r\n" },
	{ "tags",
	  "Tags are per-host labels in the config:\n"
	  "  groups:\n"
	  "    web:\n"
	  "      hosts:\n"
	  "        - {host: web-01, tags: [nginx, prod]}\n"
	  "        - web-02            # no tags\n"
	  "Select with -t (comma = AND, !tag = NOT, repeated -t = OR).\n"
	  "List them with herd list --tags and herd list --tag EXPR.\n" },
	{ "records",
	  "Programs talk through line records (herd-records(5)): a type letter and\n"
	  "TAB-separated escaped fields, e.g. H for a host. Try: herd select -a\n" },
	{ "config",
	  "The config is YAML, by default ~/.config/herd/config.yaml\n"
	  "(-c FILE or $HERD_CONFIG to choose another). See herd-config(5);\n"
	  "check it with herd config validate, print it normalised with\n"
	  "herd config export.\n" },
	{ "exec", exec_help },
	{ "ping", ping_help },
	{ "watch", watch_help },
	{ "tail", tail_help },
	{ "push", push_help },
	{ "pull", pull_help },
	{ "tunnel", tunnel_help },
	{ "diff", diff_help },
	{ "discover", discover_help },
	{ "mux", mux_help },
	{ "repl", repl_help },
	{ "dashboard", dashboard_help },
	{ "recipe", recipe_help },
	{ "snapshot", snapshot_help },
	{ "recipes",
	  "Recipes are named series of commands in the config (herd-config(5)):\n"
	  "  recipes:\n"
	  "    deploy:\n"
	  "      description: Deploy a branch and restart a service\n"
	  "      params:\n"
	  "        branch: {default: main, description: the git branch}\n"
	  "        service: {required: true}\n"
	  "      stop_on_failure: false      # true: a step not ok stops the recipe\n"
	  "      steps:\n"
	  "        - git -C /opt/{{.service}} checkout {{.branch}} && git pull\n"
	  "        - systemctl restart {{.service}}\n"
	  "        - \"@failed systemctl status {{.service}}\"\n"
	  "  herd recipe deploy -g web --set service=myapp --set branch=release/2.0\n"
	  "Placeholders: {{.PARAM}}, and {{.Host}} (each host's name), {{.Group}} (the\n"
	  "-g group, else the host's first), {{.Timestamp}} (the recipe's start, UTC,\n"
	  "20261128T134501Z).  Every value is put in shell-quoted: it is one word of\n"
	  "data, never code ($(...), quotes, ; and newlines stay text), so write\n"
	  "{{.service}} where a word goes: inside quotes, a comment or a here-\n"
	  "document, or right after \\ or $, it is refused.  There is no way to put\n"
	  "a value in unquoted.  A value starting with - is still an option: write\n"
	  "-- before it where the command takes one.  A command that runs its\n"
	  "arguments as code (eval, sh -c, ssh HOST) runs the value as code too.\n"
	  "A step \"@SELECTOR CMD\" runs on the hosts SELECTOR picks from the step\n"
	  "before (@failed, @differs, @ok ...); none picked: the step is skipped.\n"
	  "A step not ok on some host does not stop the next unless stop_on_failure.\n"
	  "Built in (a config recipe of the same name wins): disk-check, uptime,\n"
	  "reboot-check, service-check (service=sshd), port-check (port=22),\n"
	  "user-audit, log-tail (path=/var/log/syslog), os-version.\n"
	  "herd recipe --list shows them; --dry-run shows each step per host;\n"
	  "in the REPL: :recipe NAME [K=V...].\n" },
	{ "selectors",
	  "herd-group --hosts SEL picks hosts of a run for the next stage:\n"
	  "  @all       every host          @ok        the norm group\n"
	  "  @differs   not the norm        @failed    non-zero, failed or timed out\n"
	  "  @nonzero   exited non-zero     @timeout   timed out\n"
	  "  @tag:NAME  with the tag        @tag:!NAME without it\n"
	  "  @changed   changed since its run before (herd watch)\n"
	  "  web-01, 'web-*'  names and globs; a comma is a union.\n"
	  "  herd-group --hosts @failed run.rec | herd-run -- 'systemctl status x'\n" },
	{ "parsers",
	  "herd exec CMD --parse NAME shows a table of fields per host. Built in:\n"
	  "disk (df -h), free (free -h), uptime. Others come from the config:\n"
	  "  parsers:\n"
	  "    nginx:\n"
	  "      extract:\n"
	  "        - {field: active, pattern: 'Active connections:\\s+(\\d+)'}\n"
	  "        - {field: requests, column: 3}   # of the last non-empty line\n" },
	{ "notifications",
	  "herd exec --notify (and herd watch, when targets are configured) sends each\n"
	  "run's events through herd-notify(1) to the targets of the config:\n"
	  "  notifications:\n"
	  "    - name: slack-alerts\n"
	  "      type: slack                      # webhook, slack or script\n"
	  "      webhook: \"${SLACK_WEBHOOK}\"      # ${NAME}: from the environment\n"
	  "      on: [failure, change, resolve]   # and timeout; default [failure]\n"
	  "      cooldown: 10m                    # per host and event; default 5m\n"
	  "    - name: hook\n"
	  "      type: webhook\n"
	  "      url: https://example.com/hook\n"
	  "      method: POST\n"
	  "      headers: {Authorization: \"Bearer ${TOKEN}\"}\n"
	  "      body: '{\"text\": \"{{.Summary}}\", \"hosts\": \"{{.FailedHosts}}\"}'\n"
	  "    - name: page\n"
	  "      type: script                     # run with HERD_EVENT, HERD_HOSTS,\n"
	  "      command: /usr/local/bin/alert.sh #   HERD_SUMMARY, HERD_RUN_ID... set\n"
	  "One message per run and event: \"3/120 hosts failed: web-[01-03]\".\n"
	  "Events: failure, timeout, change (ok, and not as the run before), resolve\n"
	  "(recovered; --notify-on-resolve for every target), flapping (once).\n"
	  "Placeholders: .Summary .Event .Hosts .FailedHosts .ChangedHosts .Command\n"
	  "  .Selection .Group .Time .RunID .Count .Total .Target .Output\n"
	  "See what would be sent: herd-hist export ID | herd-notify --dry-run\n" },
	{ "exit-codes",
	  "0  every host ok\n"
	  "1  some host exited non-zero, failed or timed out\n"
	  "2  usage or configuration error\n"
	  "3  runtime or system error (I/O, memory, database, network)\n"
	  "130  interrupted (Ctrl-C, SIGTERM, SIGHUP)\n" },
};

/*
 * S made safe for a terminal, for a message.  Kept until exit: most such
 * messages end herd.
 */
const char *
shown(const char *s)
{
	static struct herd_strv kept;
	char *safe = herd_safe(s);

	herd_strv_add(&kept, safe);
	free(safe);
	return kept.v[kept.n - 1];
}

int
help(int argc, char **argv)
{
	char *prog, *path;
	const char *safe;
	size_t i;

	if (argc < 2) {
		fputs(usage, stdout);
		printf("\nHelp topics (herd help TOPIC):");
		for (i = 0; i < sizeof topics / sizeof topics[0]; i++)
			printf(" %s", topics[i].name);
		printf("\n");
		return HERD_EXIT_OK;
	}
	for (i = 0; i < sizeof topics / sizeof topics[0]; i++)
		if (!strcmp(argv[1], topics[i].name)) {
			fputs(topics[i].text, stdout);
			return HERD_EXIT_OK;
		}
	if (!strcmp(argv[1], "topics")) {
		for (i = 0; i < sizeof topics / sizeof topics[0]; i++)
			printf("%s\n", topics[i].name);
		return HERD_EXIT_OK;
	}
	prog = xasprintf("herd-%s", !strcmp(argv[1], "list") ||
	    !strcmp(argv[1], "config") ? "select" : !strcmp(argv[1], "history") ? "hist" :
	    argv[1]);
	if ((path = find_program(prog))) {
		execl(path, prog, "--help", (char *)NULL);
		err(HERD_EXIT_RUNTIME, "%s", path);
	}
	safe = shown(argv[1]);
	errx(HERD_EXIT_USAGE, "no help on \"%s\"; try herd help topics", safe);
}
