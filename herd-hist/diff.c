/* herd-hist diff: per host, what changed between two runs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "hist.h"

static const char diff_usage[] =
    "usage: herd-hist diff [--db PATH] [--json] [--no-fold] ID1 ID2\n";

static char *
label(const struct stored *s)
{
	char t[32];

	return xasprintf("%s (run %lld)", herd_clock(s->run.started_ms, t, sizeof t), s->rowid);
}

int
cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-fold", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	struct herd_comparison cmp;
	struct stored a, b;
	struct hist h;
	char *la, *lb;
	int c, json = 0, fold = 1;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'F': fold = 0; break;
		case 'j': json = 1; break;
		case 'h': fputs(diff_usage, stdout); return HERD_EXIT_OK;
		default: herd_usage_exit(diff_usage);
		}
	}
	if (optind + 2 != argc)
		herd_usage_exit(diff_usage);
	open_or_die(&h, db, HIST_READ);
	stored_load(&h, run_lookup(&h, argv[optind]), &a);
	stored_load(&h, run_lookup(&h, argv[optind + 1]), &b);
	herd_compare(a.res, a.nres, b.res, b.nres, &cmp);
	la = label(&a);
	lb = label(&b);
	if (json) {
		herd_json_print(stdout, herd_comparison_json(&cmp, la, lb));
	} else {
		herd_comparison_print(stdout, &cmp, la, la, lb, fold);
		herd_comparison_summary(stdout, &cmp);
	}
	free(la);
	free(lb);
	herd_comparison_free(&cmp);
	c = a.unreadable || b.unreadable ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
	stored_free(&a);
	stored_free(&b);
	hist_close(&h);
	return c;
}
