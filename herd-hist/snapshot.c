/* herd-hist snapshot: fleet snapshots, saved from a series of runs and read back. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_int.h"

const char snap_usage[] =
    "usage: herd-hist snapshot save [--db PATH] SERIES\n"
    "       herd-hist snapshot list [--db PATH] [-n N] [--json]\n"
    "       herd-hist snapshot show [--db PATH] ID [HOST]\n"
    "       herd-hist snapshot diff [--db PATH] ID1 ID2\n"
    "       herd-hist snapshot drift [--db PATH] ID\n"
    "       herd-hist snapshot export [--db PATH] [--json] ID\n"
    "Fleet snapshots (herd snapshot): save makes one from the runs of a series\n"
    "(kind snapshot) recorded by herd-hist record; list, show (a table, or every\n"
    "field of HOST), diff (per host, what changed), drift (per field, the\n"
    "fleet's majority and the hosts that differ), export (JSON).\n"
    "ID is a snapshot's number or last.\n"
    "Exit: 0 ok, 2 usage error, 3 database error.\n";

static const struct {
	const char *name;
	int (*run)(int, char **);
} subs[] = {
	{ "diff", snap_cmd_diff },
	{ "drift", snap_cmd_drift },
	{ "export", snap_cmd_export },
	{ "list", snap_cmd_list },
	{ "save", snap_cmd_save },
	{ "show", snap_cmd_show },
};

int
cmd_snapshot(int argc, char **argv)
{
	const char *names[sizeof subs / sizeof subs[0]], *near;
	char *safe;
	size_t i;

	if (argc < 2)
		herd_usage_exit(snap_usage);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(snap_usage, stdout);
		return HERD_EXIT_OK;
	}
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
		names[i] = subs[i].name;
	}
	safe = herd_safe(argv[1]);
	if ((near = herd_suggest(argv[1], names, i)))
		warnx("snapshot: unknown command \"%s\"; did you mean \"%s\"?", safe, near);
	else
		warnx("snapshot: unknown command \"%s\"", safe);
	free(safe);
	herd_usage_exit(snap_usage);
	return HERD_EXIT_USAGE;
}
