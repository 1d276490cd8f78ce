/* herd-hist prune: runs older than the retention go, but the last few of each stay. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "hist.h"

/*
 * A run goes when it is older than the retention and is not among the KEEP
 * most recent of its kind, command and selection; then the outputs no
 * result uses any more.  Only the runs past the retention are looked at,
 * each with at most KEEP steps of the runs_match index: cheap enough to
 * run after every recorded run.
 */
int
prune(struct hist *h, long long retention_ms, long long keep, long long *deleted,
    char **why)
{
	sqlite3_stmt *st;
	int rc;

	*deleted = 0;
	if (retention_ms < 0)
		return 0;
	if (sqlite3_prepare_v2(h->db,
	    "DELETE FROM runs WHERE id IN (SELECT r.id FROM runs r"
	    " WHERE r.status <> 'running' AND r.started_at < ?1 AND (SELECT count(*) FROM"
	    "  (SELECT 1 FROM runs n WHERE n.kind = r.kind AND n.command = r.command"
	    "   AND n.selection = r.selection AND n.started_at >= r.started_at"
	    "   AND (n.started_at > r.started_at OR n.id > r.id) LIMIT ?2)) >= ?2)",
	    -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, herd_now_ms() - retention_ms);
	sqlite3_bind_int64(st, 2, keep);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	*deleted = sqlite3_changes(h->db);
	if (!*deleted)
		return 0;
	return hist_exec(h, "DELETE FROM outputs WHERE NOT EXISTS"
	    " (SELECT 1 FROM results WHERE output_id = outputs.id)", why);
fail:
	*why = hist_error(h, NULL);
	return -1;
}

static const char prune_usage[] =
    "usage: herd-hist prune [-c FILE] [--db PATH] [--keep N] [--older-than DUR]\n";

int
cmd_prune(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "keep", required_argument, NULL, 'k' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *dbopt = NULL;
	long long keep = -1, age = -1, deleted;
	struct herd_config cfg;
	struct hist h;
	char *why = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'd': dbopt = optarg; break;
		case 'k':
			if (herd_parse_int(optarg, 0, 1000000, &keep) < 0)
				errx(HERD_EXIT_USAGE, "--keep: expected 0 to 1000000, got %s",
				    herd_safe(optarg));
			break;
		case 'o':
			if (herd_parse_duration(optarg, &age) < 0)
				errx(HERD_EXIT_USAGE, "--older-than: not a duration: %s",
				    herd_safe(optarg));
			break;
		case 'h': fputs(prune_usage, stdout); return HERD_EXIT_OK;
		default: herd_usage_exit(prune_usage);
		}
	}
	if (optind != argc)
		herd_usage_exit(prune_usage);
	herd_conf_load_or_die(&cfg, config);
	if (keep < 0)
		keep = cfg.history.keep >= 0 ? cfg.history.keep : HIST_KEEP;
	if (age < 0)
		age = herd_conf_retention_ms(&cfg);
	herd_conf_free(&cfg);
	open_or_die(&h, dbopt, HIST_WRITE);
	if (hist_reap(&h, &why) < 0 || hist_exec(&h, "BEGIN IMMEDIATE", &why) < 0 ||
	    prune(&h, age, keep, &deleted, &why) < 0 || hist_exec(&h, "COMMIT", &why) < 0)
		errx(HERD_EXIT_RUNTIME, "%s", why);
	if (deleted && (hist_exec(&h, "PRAGMA wal_checkpoint(TRUNCATE)", &why) < 0 ||
	    hist_exec(&h, "VACUUM", &why) < 0))
		errx(HERD_EXIT_RUNTIME, "%s", why);
	printf("%lld run%s deleted\n", deleted, deleted == 1 ? "" : "s");
	hist_close(&h);
	return HERD_EXIT_OK;
}
