/* herd: the front end; runs herd-VERB programs and composed pipelines. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "herd.h"
#include "pipeline.h"

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

/* herd-group's options that take a value, for herd history show. */
static int
group_takes_value(const char *opt)
{
	static const char *const with[] = { "-c", "--config", "--color", "--errdir", "--hosts",
	    "--lines", "--outdir", "--parse" };
	size_t i;

	for (i = 0; i < sizeof with / sizeof with[0]; i++)
		if (!strcmp(opt, with[i]))
			return 1;
	return 0;
}

/*
 * herd history [COMMAND] ...: herd-hist COMMAND (list by default); show's
 * records go through herd-group, which takes the options of the view:
 *   herd history show ID [--json] = herd-hist show ID | herd-group [--json]
 */
static int
history_verb(int argc, char **argv, int explain)
{
	struct pipeline pl = { 0 };
	struct stage *h = pipeline_add(&pl, "herd-hist"), *g = NULL;
	int i = 1;

	herd_strv_add(&h->argv, argc > 1 && argv[1][0] != '-' ? argv[i++] : "list");
	if (!strcmp(h->argv.v[0], "show"))
		g = pipeline_add(&pl, "herd-group");
	for (; i < argc; i++) {
		if (!g || argv[i][0] != '-' || !strncmp(argv[i], "--db", 4)) {
			herd_strv_add(&h->argv, argv[i]);
			if (!strcmp(argv[i], "--db") && i + 1 < argc)
				herd_strv_add(&h->argv, argv[++i]);
			continue;
		}
		herd_strv_add(&g->argv, argv[i]);
		if (group_takes_value(argv[i]) && i + 1 < argc)
			herd_strv_add(&g->argv, argv[++i]);
	}
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

/* herd VERB: herd becomes the program herd-VERB. */
static int
program_verb(const char *verb, int argc, char **argv, int explain)
{
	char *prog, *path, *dirs;
	const char *safe;

	if (strchr(verb, '/') || !*verb) {
		safe = shown(verb);
		errx(HERD_EXIT_USAGE, "'%s' is not a herd verb; see herd --help", safe);
	}
	prog = xasprintf("herd-%s", verb);
	if (explain)
		return explain_verb(prog, argc, argv);
	if (!(path = find_program(prog))) {
		safe = shown(verb);
		dirs = exec_path();
		warnx("'%s' is not a herd verb (no herd-%s in %s or PATH); see herd --help",
		    safe, safe, shown(dirs));
		free(dirs);
		free(prog);
		exit(HERD_EXIT_USAGE);
	}
	argv[0] = prog;
	execv(path, argv);
	err(HERD_EXIT_RUNTIME, "%s", path);
}

int
main(int argc, char **argv)
{
	int explain = 0, rc;
	const char *verb;
	char *dirs;
	const char *safe;

	herd_init(argv[0]);
	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[0], "--explain")) {
			explain = 1;
		} else if (!strncmp(argv[0], "--exec-path=", 12)) {
			set_exec_path(argv[0] + 12);
		} else if (!strcmp(argv[0], "--exec-path")) {
			dirs = exec_path();
			printf("%s\n", dirs);
			free(dirs);
			return HERD_EXIT_OK;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		} else if (!strcmp(argv[0], "--version")) {
			printf("herd %s\n", HERD_VERSION);
			return HERD_EXIT_OK;
		} else {
			safe = shown(argv[0]);
			warnx("unknown option %s", safe);
			herd_usage_exit(usage);
		}
	}
	/* herd alone on a terminal is the REPL */
	if (argc == 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return compose_verb("repl", 1, (char *[]){ "repl", NULL }, explain);
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
	if (!strcmp(verb, "history"))
		return history_verb(argc, argv, explain);
	if (!strcmp(verb, "snapshot") && (rc = snapshot_verb(argc, argv, explain)) >= 0)
		return rc;
	if ((rc = compose_verb(verb, argc, argv, explain)) >= 0)
		return rc;
	return program_verb(verb, argc, argv, explain);
}
