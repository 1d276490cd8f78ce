/*
 * Snapshots in the database: saved from the runs of one series (each run
 * a step of herd snapshot), loaded for show, diff, drift and export.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "snapshot_int.h"

static char *
col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? xstrndup(s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* HOST's entry in S, added (status ok, no fields) if new. */
struct snap_host *
snap_host(struct snap *s, const char *name)
{
	struct snap_host *sh;
	size_t *i;
	int added;

	if ((i = herd_map_get(&s->index, name, strlen(name))))
		return &s->host[*i];
	herd_grow(&s->host, &s->cap, s->nhost, sizeof *s->host);
	sh = &s->host[s->nhost];
	memset(sh, 0, sizeof *sh);
	sh->name = xstrdup(name);
	/* the map keeps the name's own copy, which stays where it is */
	i = herd_map_put(&s->index, sh->name, strlen(sh->name), &added);
	*i = s->nhost++;
	return sh;
}

static int
by_name(const void *a, const void *b)
{
	return herd_natural_cmp(((const struct snap_host *)a)->name,
	    ((const struct snap_host *)b)->name);
}

/* The hosts in natural order, the index made again. */
static void
snap_sort(struct snap *s)
{
	size_t i, *v;
	int added;

	qsort(s->host, s->nhost, sizeof *s->host, by_name);
	herd_map_free(&s->index);
	for (i = 0; i < s->nhost; i++) {
		v = herd_map_put(&s->index, s->host[i].name, strlen(s->host[i].name), &added);
		*v = i;
	}
}

void
snap_free(struct snap *s)
{
	size_t i;

	for (i = 0; i < s->nhost; i++) {
		free(s->host[i].name);
		free(s->host[i].error);
		snap_fields_free(&s->host[i].f);
	}
	free(s->host);
	herd_map_free(&s->index);
	free(s->series);
	free(s->selection);
	memset(s, 0, sizeof *s);
}

/* A result of a step: its fields, or its failure. */
static void
take_result(struct snap *s, const struct herd_result *r)
{
	struct snap_host *sh = snap_host(s, r->host);

	if (r->status == HERD_OK || r->status == HERD_NONZERO) {
		snap_parse(r->out.p, r->out.len, &sh->f);
		sh->steps_ok++;
		return;
	}
	sh->steps_failed++;
	if (!sh->error)
		sh->error = xstrdup(r->error ? r->error : herd_status_name(r->status));
}

/* The runs of SERIES, step by step, into S. */
static void
read_series(struct hist *h, const char *series, struct snap *s)
{
	sqlite3_stmt *st = hist_prepare(h, "SELECT id, selection, started_at FROM runs"
	    " WHERE series = ? AND kind = 'snapshot' ORDER BY seq, id");
	struct stored run;
	size_t i, nrun = 0;

	sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!nrun++) {
			s->selection = col(st, 1);
			s->taken_ms = sqlite3_column_int64(st, 2);
		}
		stored_load(h, sqlite3_column_int64(st, 0), &run);
		for (i = 0; i < run.nres; i++)
			take_result(s, &run.res[i]);
		stored_free(&run);
	}
	sqlite3_finalize(st);
	if (!nrun)
		errx(HERD_EXIT_RUNTIME, "%s: no run of snapshot series %s recorded", h->path,
		    herd_safe(series));
	snap_sort(s);
}

static const char *
host_status(const struct snap_host *sh)
{
	if (!sh->steps_ok)
		return "failed";
	return sh->steps_failed ? "partial" : "ok";
}

static void
insert_host(struct hist *h, sqlite3_stmt *hst, sqlite3_stmt *fst, long long id,
    const struct snap_host *sh)
{
	size_t i;

	sqlite3_bind_int64(hst, 1, id);
	sqlite3_bind_text(hst, 2, sh->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(hst, 3, host_status(sh), -1, SQLITE_STATIC);
	if (sh->error)
		sqlite3_bind_text(hst, 4, sh->error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(hst, 4);
	if (sqlite3_step(hst) != SQLITE_DONE)
		hist_die(h, "saving the snapshot");
	sqlite3_reset(hst);
	for (i = 0; i < sh->f.name.n; i++) {
		sqlite3_bind_int64(fst, 1, id);
		sqlite3_bind_text(fst, 2, sh->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(fst, 3, sh->f.name.v[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(fst, 4, sh->f.value.v[i], -1, SQLITE_STATIC);
		if (sqlite3_step(fst) != SQLITE_DONE)
			hist_die(h, "saving the snapshot's fields");
		sqlite3_reset(fst);
	}
}

long long
snap_save(struct hist *h, const char *series, struct snap *s)
{
	sqlite3_stmt *st, *hst, *fst;
	char *why = NULL;
	size_t i;

	memset(s, 0, sizeof *s);
	s->series = xstrdup(series);
	read_series(h, series, s);
	for (i = 0; i < s->nhost; i++)
		s->failed += !s->host[i].steps_ok;
	if (hist_exec(h, "BEGIN IMMEDIATE", &why) < 0)
		errx(HERD_EXIT_RUNTIME, "%s", why);
	st = hist_prepare(h, "INSERT INTO snapshots (series, selection, taken_at, host_count,"
	    " failed_count) VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->selection ? s->selection : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->taken_ms);
	sqlite3_bind_int64(st, 4, (long long)s->nhost);
	sqlite3_bind_int64(st, 5, (long long)s->failed);
	if (sqlite3_step(st) != SQLITE_DONE)
		hist_die(h, sqlite3_extended_errcode(h->db) == SQLITE_CONSTRAINT_UNIQUE ?
		    "this series is saved already" : "saving the snapshot");
	sqlite3_finalize(st);
	s->id = sqlite3_last_insert_rowid(h->db);
	hst = hist_prepare(h, "INSERT INTO snapshot_hosts VALUES (?, ?, ?, ?)");
	fst = hist_prepare(h, "INSERT INTO snapshot_fields VALUES (?, ?, ?, ?)");
	for (i = 0; i < s->nhost; i++)
		insert_host(h, hst, fst, s->id, &s->host[i]);
	sqlite3_finalize(hst);
	sqlite3_finalize(fst);
	if (hist_exec(h, "COMMIT", &why) < 0)
		errx(HERD_EXIT_RUNTIME, "%s", why);
	return s->id;
}

long long
snap_lookup(struct hist *h, const char *id)
{
	sqlite3_stmt *st;
	long long n, found = 0;

	if (!strcmp(id, "last") || !strcmp(id, "latest")) {
		st = hist_prepare(h, "SELECT max(id) FROM snapshots");
	} else {
		if (herd_parse_int(id[0] == '#' ? id + 1 : id, 1, 1LL << 62, &n) < 0)
			errx(HERD_EXIT_USAGE, "%s: not a snapshot number", herd_safe(id));
		st = hist_prepare(h, "SELECT id FROM snapshots WHERE id = ?");
		sqlite3_bind_int64(st, 1, n);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!found)
		errx(HERD_EXIT_USAGE, "no snapshot %s in %s", herd_safe(id), h->path);
	return found;
}

void
snap_load(struct hist *h, long long id, struct snap *s)
{
	sqlite3_stmt *st = hist_prepare(h, "SELECT series, selection, taken_at, host_count,"
	    " failed_count FROM snapshots WHERE id = ?");
	struct snap_host *sh;
	char *name, *value;

	memset(s, 0, sizeof *s);
	s->id = id;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		hist_die(h, "reading the snapshot");
	s->series = col(st, 0);
	s->selection = col(st, 1);
	s->taken_ms = sqlite3_column_int64(st, 2);
	s->failed = (size_t)sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	st = hist_prepare(h, "SELECT host, status, error FROM snapshot_hosts"
	    " WHERE snapshot_id = ?");
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = col(st, 0);
		sh = snap_host(s, name ? name : "");
		free(name);
		value = col(st, 1);
		sh->steps_ok = strcmp(value ? value : "", "failed") != 0;
		sh->steps_failed = strcmp(value ? value : "", "ok") != 0;
		free(value);
		sh->error = col(st, 2);
	}
	sqlite3_finalize(st);
	st = hist_prepare(h, "SELECT host, field, value FROM snapshot_fields"
	    " WHERE snapshot_id = ? ORDER BY host, field");
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = col(st, 0);
		sh = snap_host(s, name ? name : "");
		free(name);
		name = col(st, 1);
		value = col(st, 2);
		snap_set(&sh->f, name ? name : "", value ? value : "");
		free(name);
		free(value);
	}
	sqlite3_finalize(st);
	snap_sort(s);
}
