/* herd-hist show, export and last: a stored run written back as records or JSON. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hist.h"

static char *
text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return xstrdup(s ? s : "");
}

static char *
text_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : text(st, i);
}

static long long
num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

static void
load_head(struct hist *h, long long rowid, struct stored *s)
{
	sqlite3_stmt *st = hist_prepare(h, "SELECT run, started_at, command, selection, kind,"
	    " series, seq, compare, finished_at, ok_count, nonzero_count, failed_count,"
	    " timeout_count, status FROM runs WHERE id = ?");
	int i;

	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) != SQLITE_ROW)
		hist_die(h, "reading the run");
	s->run.id = text(st, 0);
	s->run.started_ms = num(st, 1);
	s->run.command = text(st, 2);
	s->run.selection = text(st, 3);
	s->run.kind = text(st, 4);
	s->run.series = text(st, 5);
	s->run.seq = num(st, 6);
	s->run.compare = text(st, 7);
	s->end.run = xstrdup(s->run.id);
	s->end.finished_ms = num(st, 8);
	for (i = 0; i < HERD_NSTATUS; i++)
		s->end.count[i] = num(st, 9 + i);
	s->finished = !strcmp((const char *)sqlite3_column_text(st, 13), "finished");
	s->rowid = rowid;
	sqlite3_finalize(st);
}

static void
load_hosts(struct hist *h, struct stored *s)
{
	sqlite3_stmt *st = hist_prepare(h, "SELECT name, address, port, user, tags, groups,"
	    " timeout_ms FROM hosts WHERE run_id = ?");
	struct herd_host *host;

	sqlite3_bind_int64(st, 1, s->rowid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		host = herd_hostlist_add(&s->hosts);
		herd_host_init(host);
		host->name = text(st, 0);
		host->address = sqlite3_column_type(st, 1) == SQLITE_NULL ? xstrdup(host->name) :
		    text(st, 1);
		host->port = (int)(num(st, 2) < 0 ? 0 : num(st, 2));
		host->user = text_or_null(st, 3);
		herd_strv_split(&host->tags, (const char *)sqlite3_column_text(st, 4), ',');
		herd_strv_split(&host->groups, (const char *)sqlite3_column_text(st, 5), ',');
		host->timeout_ms = num(st, 6);
	}
	sqlite3_finalize(st);
}

/* Columns 9-12: the output as stored; one that cannot be read is said, and empty. */
static void
load_output(struct hist *h, sqlite3_stmt *st, struct codec *codec, struct stored *s,
    struct herd_result *r)
{
	struct codec_blob b[2] = {
		{ sqlite3_column_blob(st, 9), (size_t)sqlite3_column_bytes(st, 9) },
		{ sqlite3_column_blob(st, 10), (size_t)sqlite3_column_bytes(st, 10) },
	};
	long long size = sqlite3_column_int64(st, 12);
	char *why = NULL, *run, *host;

	if (codec_unpack(codec, sqlite3_column_int(st, 11), b, size < 0 ? 0 : (size_t)size,
	    &r->out, &r->err, &why) == 0)
		return;
	run = herd_safe(s->run.id);
	host = herd_safe(r->host);
	warnx("%s: run %s, host %s: stored output unreadable: %s", h->path, run, host, why);
	free(run);
	free(host);
	free(why);
	s->unreadable++;
}

static void
load_results(struct hist *h, struct stored *s)
{
	sqlite3_stmt *st = hist_prepare(h, "SELECT host, status, exit_code, duration_ms,"
	    " sha256, error, hint, r.finished_at, flags, o.stdout, o.stderr, o.codec, o.size"
	    " FROM results r JOIN outputs o ON o.id = r.output_id WHERE run_id = ?"
	    " ORDER BY r.finished_at, host");
	struct codec *codec = codec_new();
	struct herd_result *r;
	size_t cap = 0;

	sqlite3_bind_int64(st, 1, s->rowid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		herd_grow(&s->res, &cap, s->nres, sizeof *s->res);
		r = &s->res[s->nres++];
		memset(r, 0, sizeof *r);
		r->run = xstrdup(s->run.id);
		r->host = text(st, 0);
		if (herd_status_parse((const char *)sqlite3_column_text(st, 1), &r->status) < 0)
			r->status = HERD_FAILED;
		r->exit_code = num(st, 2);
		r->duration_ms = num(st, 3);
		snprintf(r->sha256, sizeof r->sha256, "%s", sqlite3_column_text(st, 4));
		r->error = text_or_null(st, 5);
		r->hint = text_or_null(st, 6);
		r->finished_ms = num(st, 7);
		r->flags = (unsigned)num(st, 8);
		load_output(h, st, codec, s, r);
	}
	sqlite3_finalize(st);
	codec_free(codec);
}

void
stored_load(struct hist *h, long long rowid, struct stored *s)
{
	memset(s, 0, sizeof *s);
	load_head(h, rowid, s);
	load_hosts(h, s);
	load_results(h, s);
}

void
stored_free(struct stored *s)
{
	size_t i;

	herd_run_free(&s->run);
	herd_hostlist_free(&s->hosts);
	for (i = 0; i < s->nres; i++)
		herd_result_free(&s->res[i]);
	free(s->res);
	herd_end_free(&s->end);
}

size_t
write_run(struct hist *h, long long rowid, FILE *out)
{
	struct stored s;
	size_t unreadable;

	stored_load(h, rowid, &s);
	write_stored(&s, out);
	unreadable = s.unreadable;
	stored_free(&s);
	return unreadable;
}

void
write_stored(const struct stored *s, FILE *out)
{
	size_t i;

	for (i = 0; i < s->hosts.n; i++)
		herd_host_write(out, &s->hosts.h[i]);
	herd_run_write(out, &s->run);
	for (i = 0; i < s->nres; i++)
		herd_result_write(out, &s->res[i]);
	if (s->finished)
		herd_end_write(out, &s->end);
}

static const char show_usage[] =
    "usage: herd-hist show [--db PATH] ID...\n"
    "       herd-hist export [--db PATH] [--json] ID\n"
    "       herd-hist last [-c FILE] [--db PATH] <records\n";

/* The options every reading command takes: --db, and --json (accepted, export's only form). */
static const char *
read_opts(int argc, char **argv, const char **config)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!config)
				herd_usage_exit(show_usage);
			*config = optarg;
			break;
		case 'd': db = optarg; break;
		case 'j': break;
		case 'h': fputs(show_usage, stdout); exit(HERD_EXIT_OK);
		default: herd_usage_exit(show_usage);
		}
	}
	return db;
}

int
cmd_show(int argc, char **argv)
{
	const char *db = read_opts(argc, argv, NULL);
	long long *rowid;
	struct hist h;
	size_t unreadable = 0;
	int i;

	if (optind == argc)
		herd_usage_exit(show_usage);
	open_or_die(&h, db, HIST_READ);
	rowid = xcalloc((size_t)(argc - optind), sizeof *rowid);
	for (i = optind; i < argc; i++)
		rowid[i - optind] = run_lookup(&h, argv[i]);
	herd_rec_header(stdout);
	for (i = optind; i < argc; i++)
		unreadable += write_run(&h, rowid[i - optind], stdout);
	free(rowid);
	hist_close(&h);
	return unreadable ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
}

int
cmd_export(int argc, char **argv)
{
	const char *db = read_opts(argc, argv, NULL);
	struct stored s;
	struct hist h;
	json_t *o;
	size_t i, unreadable;

	if (optind + 1 != argc)
		herd_usage_exit(show_usage);
	open_or_die(&h, db, HIST_READ);
	stored_load(&h, run_lookup(&h, argv[optind]), &s);
	for (i = 0; i < s.hosts.n; i++)
		herd_json_print(stdout, herd_host_json(&s.hosts.h[i]));
	o = herd_run_json(&s.run);
	json_object_set_new(o, "id", json_integer(s.rowid));
	json_object_set_new(o, "status", json_string(s.finished ? "finished" : "interrupted"));
	herd_json_print(stdout, o);
	for (i = 0; i < s.nres; i++)
		herd_json_print(stdout, herd_result_json(&s.res[i]));
	if (s.finished)
		herd_json_print(stdout, herd_end_json(&s.end));
	unreadable = s.unreadable;
	stored_free(&s);
	hist_close(&h);
	return unreadable ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
}

/* For each C record read, the last finished run like it (its command redacted as stored). */
int
cmd_last(int argc, char **argv)
{
	const char *config = NULL, *db = read_opts(argc, argv, &config), *err;
	struct herd_config cfg;
	struct herd_rec rec = { 0 };
	struct herd_run c;
	struct herd_buf cmd = { 0 };
	struct herd_mask *redact;
	struct hist h;
	long long rowid;
	size_t unreadable = 0;

	if (optind != argc)
		herd_usage_exit(show_usage);
	herd_refuse_tty(stdin, "give it a run's C record");
	herd_conf_load_or_die(&cfg, config);
	redact = redact_new(&cfg.history.redact);
	open_or_die(&h, db, HIST_READ);
	herd_rec_header(stdout);
	while (herd_rec_read(stdin, &rec)) {
		if (rec.type != 'C' || herd_run_read(&rec, &c, &err) < 0)
			continue;
		if (!herd_mask_apply(redact, c.command, strlen(c.command), &cmd)) {
			herd_buf_reset(&cmd);
			herd_buf_adds(&cmd, c.command);
		}
		if ((rowid = run_last(&h, c.kind, cmd.p, c.selection, c.started_ms)))
			unreadable += write_run(&h, rowid, stdout);
		herd_run_free(&c);
	}
	herd_rec_free(&rec);
	herd_buf_free(&cmd);
	herd_mask_free(redact);
	herd_conf_free(&cfg);
	hist_close(&h);
	return unreadable ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
}
