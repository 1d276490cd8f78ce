/* herd: the front end; runs herd-VERB programs and composed pipelines. */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "herd.h"
#include "pipeline.h"

static const char usage[] =
    "usage: herd [--exec-path[=DIR]] [--explain] VERB [ARGS...]\n"
    "\n"
    "Verbs:\n"
    "  exec     run a command on hosts, show the grouped results\n"
    "  ping     check that hosts answer SSH (--auth: that they let us in)\n"
    "  select   print host records for groups, tags and host patterns\n"
    "  list     list groups (--tags: tags with host counts, --tag EXPR: hosts)\n"
    "  config   validate | export the configuration\n"
    "  help     help on a verb or topic (herd help topics)\n"
    "  version  print the version\n"
    "\n"
    "Any other VERB runs the program herd-VERB from the exec path.\n"
    "  --exec-path[=DIR]  where herd-VERB programs are found (print it without DIR)\n"
    "  --explain          print the shell pipeline a verb runs, run nothing\n"
    "See herd(1) and herd(7).\n";


static int
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static char *
in_dir(const char *dir, const char *prog)
{
	char *path;

	if (!dir || !*dir)
		return NULL;
	path = xasprintf("%s/%s", dir, prog);
	if (executable(path))
		return path;
	free(path);
	return NULL;
}

static char *
in_dirs(const char *list, const char *prog)
{
	struct herd_strv dirs = { 0 };
	char *found = NULL;
	size_t i;

	if (list)
		herd_strv_split(&dirs, list, ':');
	for (i = 0; i < dirs.n && !found; i++)
		found = in_dir(dirs.v[i], prog);
	herd_strv_free(&dirs);
	return found;
}

/*
 * $HERD_EXEC_PATH (a colon list, --exec-path first), the compiled-in
 * directory, then $PATH.
 */
char *
herd_find_program(const char *prog)
{
	const char *path = getenv("PATH");
	char *found;

	if ((found = in_dirs(getenv("HERD_EXEC_PATH"), prog)) ||
	    (found = in_dir(HERD_EXEC_DIR, prog)))
		return found;
	return in_dirs(path ? path : "/usr/bin:/bin", prog);
}

static const char *
current_exec_path(void)
{
	const char *env = getenv("HERD_EXEC_PATH");

	return env && *env ? env : HERD_EXEC_DIR;
}

/* --exec-path=DIR goes first in $HERD_EXEC_PATH, for the programs herd runs too. */
static void
set_exec_path(const char *dir)
{
	const char *old = getenv("HERD_EXEC_PATH");
	char *list = old && *old ? xasprintf("%s:%s", dir, old) : xstrdup(dir);

	setenv("HERD_EXEC_PATH", list, 1);
	free(list);
}

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
	  "  -f hosts.txt      one host per line, # comments, - for stdin\n"
	  "Groups and tags select from the config; host arguments and files add to\n"
	  "that selection. Every host is listed once, in first-seen order.\n" },
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
	{ "exec",
	  "usage: herd exec CMD [HOSTS...] [options]\n"
	  "Runs CMD on the selected hosts and shows the results grouped:\n"
	  "  herd-select [selection] | herd-run [ssh options] -- CMD | herd-group [view]\n"
	  "Selection (herd-select): -a, -g GROUP, -t TAGS, -f FILE, HOSTS, -c FILE\n"
	  "SSH (herd-run): -F FILE, -i KEY, -l USER, -p PORT, --concurrency N,\n"
	  "  --timeout DUR, --connect-timeout DUR, --accept-new, --insecure,\n"
	  "  --ask-pass, --sudo, --ask-become-pass, --max-output SIZE\n"
	  "View (herd-group): --json, --errors-only, --color WHEN, --parse NAME,\n"
	  "  --lines N, --no-fold\n"
	  "--dry-run shows the hosts and the command without connecting.\n"
	  "Exit: 0 all ok, 1 some host non-zero/failed/timed out, 2 usage, 130 Ctrl-C.\n" },
	{ "ping",
	  "usage: herd ping [HOSTS...] [selection] [-F FILE] [--auth] [options]\n"
	  "Checks each host's SSH port answers with an SSH banner and how fast;\n"
	  "with --auth, that herd can also log in. Exit 1 if a host is unreachable.\n" },
	{ "selectors",
	  "herd-group --hosts SEL picks hosts of a run for the next stage:\n"
	  "  @all       every host          @ok        the norm group\n"
	  "  @differs   not the norm        @failed    non-zero, failed or timed out\n"
	  "  @nonzero   exited non-zero     @timeout   timed out\n"
	  "  @tag:NAME  with the tag        @tag:!NAME without it\n"
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
	{ "exit-codes",
	  "0  every host ok\n"
	  "1  some host exited non-zero, failed or timed out\n"
	  "2  usage or configuration error\n"
	  "130  interrupted (Ctrl-C)\n" },
};

static int
help(int argc, char **argv)
{
	char *prog, *path;
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
	    !strcmp(argv[1], "config") ? "select" : argv[1]);
	if ((path = herd_find_program(prog))) {
		execl(path, prog, "--help", (char *)NULL);
		err(HERD_EXIT_USAGE, "%s", path);
	}
	errx(HERD_EXIT_USAGE, "no help on \"%s\"; try herd help topics", argv[1]);
}

/* Verbs that are one stage of herd-select with a fixed first argument. */
static int
select_verb(const char *verb, int argc, char **argv, int explain)
{
	struct pipeline pl = { 0 };
	struct stage *s = pipeline_add(&pl, "herd-select");
	int i;

	if (strcmp(verb, "select"))
		herd_strv_add(&s->argv, verb);
	for (i = 1; i < argc; i++)
		herd_strv_add(&s->argv, argv[i]);
	return explain ? pipeline_explain(&pl) : pipeline_run(&pl);
}

/* The pipeline of a verb that is a program of its own: the program alone. */
static int
explain_verb(char *prog, int argc, char **argv)
{
	struct pipeline pl = { 0 };
	struct stage *s = pipeline_add(&pl, prog);
	int i, rc;

	for (i = 1; i < argc; i++)
		herd_strv_add(&s->argv, argv[i]);
	rc = pipeline_explain(&pl);
	free(prog);
	return rc;
}

int
main(int argc, char **argv)
{
	int explain = 0, rc;
	char *prog, *path;
	const char *verb;

	herd_init(argv[0]);
	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[0], "--explain")) {
			explain = 1;
		} else if (!strncmp(argv[0], "--exec-path=", 12)) {
			set_exec_path(argv[0] + 12);
		} else if (!strcmp(argv[0], "--exec-path")) {
			printf("%s\n", current_exec_path());
			return HERD_EXIT_OK;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		} else if (!strcmp(argv[0], "--version")) {
			printf("herd %s\n", HERD_VERSION);
			return HERD_EXIT_OK;
		} else {
			warnx("unknown option %s", argv[0]);
			herd_usage_exit(usage);
		}
	}
	if (argc == 0)
		herd_usage_exit(usage);
	verb = argv[0];
	if (!strcmp(verb, "help"))
		return help(argc, argv);
	if (!strcmp(verb, "version")) {
		printf("herd %s\n", HERD_VERSION);
		return HERD_EXIT_OK;
	}
	if (!strcmp(verb, "select") || !strcmp(verb, "list") || !strcmp(verb, "config"))
		return select_verb(verb, argc, argv, explain);
	if ((rc = compose_verb(verb, argc, argv, explain)) >= 0)
		return rc;
	prog = xasprintf("herd-%s", verb);
	if (explain)
		return explain_verb(prog, argc, argv);
	if (!(path = herd_find_program(prog)))
		errx(HERD_EXIT_USAGE, "'%s' is not a herd verb (no %s in %s or PATH); "
		    "see herd --help", verb, prog, current_exec_path());
	argv[0] = prog;
	execv(path, argv);
	err(HERD_EXIT_USAGE, "%s", path);
}
