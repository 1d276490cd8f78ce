/* herd-hist: every run kept in SQLite; record, list, show, diff, export, search, prune. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "snapshot_int.h"

static const char usage[] =
    "usage: herd-hist COMMAND [options] [ARGS...]\n"
    "The run history, in SQLite ($HERD_HISTORY, or $XDG_DATA_HOME/herd/history.db).\n"
    "\n"
    "  record           pass records through, storing each run (a tee)\n"
    "  list             runs, newest first: -n N, --json, --command STR, --host NAME,\n"
    "                   --since DUR, --failed\n"
    "  show ID          a run's records (H, C, R, E), for herd-group\n"
    "  export ID        a run as JSON Lines: hosts, run, results, end\n"
    "  search PATTERN   runs whose command has PATTERN (-E: a regular expression)\n"
    "  diff ID1 ID2     per host, what changed between two runs\n"
    "  last             for each C record read, the records of the last finished\n"
    "                   run of its kind, command and selection\n"
    "  prune            delete runs past the retention, keeping the last of each\n"
    "  snapshot CMD     fleet snapshots: save, list, show, diff, drift, export\n"
    "                   (herd-hist snapshot --help)\n"
    "\n"
    "Every command takes --db PATH (the database); record, show, export, last and\n"
    "prune also -c FILE (the config: its history settings).\n"
    "ID is a run's number, its run id, or a unique prefix of the run id.\n"
    "Exit: 0 ok, 2 usage error, 3 database error.\n";

static const struct {
	const char *name;
	int (*run)(int, char **);
} commands[] = {
	{ "diff", cmd_diff },
	{ "export", cmd_export },
	{ "last", cmd_last },
	{ "list", cmd_list },
	{ "prune", cmd_prune },
	{ "record", cmd_record },
	{ "search", cmd_search },
	{ "show", cmd_show },
	{ "snapshot", cmd_snapshot },
};

struct herd_mask *
redact_new(const struct herd_strv *patterns)
{
	struct herd_mask *m;
	char *why;

	/* the config checked the patterns when it loaded */
	if (!(m = herd_mask_new_with(patterns, "[redacted]", &why)))
		errx(HERD_EXIT_USAGE, "history.redact: %s", why);
	return m;
}

void
open_or_die(struct hist *h, const char *dbopt, int mode)
{
	char *path = hist_path(dbopt), *why = NULL;

	if (hist_open(h, path, mode, &why) < 0)
		errx(HERD_EXIT_RUNTIME, "%s", why);
	free(path);
}

int
main(int argc, char **argv)
{
	const char *names[sizeof commands / sizeof commands[0]], *near;
	char *safe;
	size_t i;

	herd_init(argv[0]);
	if (argc < 2)
		herd_usage_exit(usage);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, stdout);
		return HERD_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("herd-hist %s\n", HERD_VERSION);
		return HERD_EXIT_OK;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
		names[i] = commands[i].name;
	}
	safe = herd_safe(argv[1]);
	if ((near = herd_suggest(argv[1], names, i)))
		warnx("unknown command \"%s\"; did you mean \"%s\"?", safe, near);
	else
		warnx("unknown command \"%s\"", safe);
	free(safe);
	herd_usage_exit(usage);
}
