/*
 * Storing runs as record reads them: a run's row at its C, each result as
 * it comes (its output once per distinct content), the end.  The caller
 * opens and commits the transactions.
 */
#include <stdlib.h>
#include <string.h>

#include "hist.h"

enum { INS_RUN, INS_HOST, FIND_OUTPUT, INS_OUTPUT, INS_RESULT, END_RUN, INTERRUPT, NSTMT };

static const char *const sql[NSTMT] = {
	[INS_RUN] = "INSERT INTO runs (run, command, selection, kind, series, seq, compare,"
	    " started_at, host_count, recorder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (run) DO NOTHING",
	[INS_HOST] = "INSERT OR REPLACE INTO hosts (run_id, name, address, port, user, tags,"
	    " groups, timeout_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[FIND_OUTPUT] = "SELECT id FROM outputs WHERE hash = ?",
	[INS_OUTPUT] = "INSERT INTO outputs (hash, codec, size, stdout, stderr)"
	    " VALUES (?, ?, ?, ?, ?)",
	[INS_RESULT] = "INSERT OR REPLACE INTO results (run_id, host, status, exit_code,"
	    " duration_ms, finished_at, sha256, output_id, error, hint, flags)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[END_RUN] = "UPDATE runs SET status = 'finished', finished_at = ?2, ok_count = ?3,"
	    " nonzero_count = ?4, failed_count = ?5, timeout_count = ?6,"
	    " host_count = max(host_count, ?3 + ?4 + ?5 + ?6) WHERE id = ?1",
	[INTERRUPT] = NULL,	/* hist_interrupt_sql */
};

struct store {
	struct hist *h;
	const struct herd_mask *redact;
	sqlite3_stmt *st[NSTMT];
	char *recorder;
	struct herd_buf out, err;
	struct codec *codec;
};

struct store *
store_new(struct hist *h, const struct herd_mask *redact)
{
	struct store *s = xcalloc(1, sizeof *s);
	int i;

	s->h = h;
	s->redact = redact;
	s->recorder = hist_recorder_self();
	s->codec = codec_new();
	for (i = 0; i < NSTMT; i++)
		if (sqlite3_prepare_v2(h->db, sql[i] ? sql[i] : hist_interrupt_sql, -1,
		    &s->st[i], NULL) != SQLITE_OK) {
			store_free(s);
			return NULL;
		}
	return s;
}

void
store_free(struct store *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < NSTMT; i++)
		sqlite3_finalize(s->st[i]);
	free(s->recorder);
	codec_free(s->codec);
	herd_buf_free(&s->out);
	herd_buf_free(&s->err);
	free(s);
}

/* Step a statement that returns no row; -1 with *why on error. */
static int
step(struct store *s, sqlite3_stmt *st, char **why)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	*why = hist_error(s->h, NULL);
	return -1;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void
bind_opt(sqlite3_stmt *st, int i, long long v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
}

/* The command, redacted. */
long long
store_run(struct store *s, const struct herd_run *c, size_t nhosts, char **why)
{
	sqlite3_stmt *st = s->st[INS_RUN];
	int redacted = herd_mask_apply(s->redact, c->command, strlen(c->command), &s->out);

	bind_text(st, 1, c->id);
	bind_text(st, 2, redacted ? s->out.p : c->command);
	bind_text(st, 3, c->selection ? c->selection : "");
	bind_text(st, 4, c->kind ? c->kind : "");
	bind_text(st, 5, c->series ? c->series : "");
	bind_opt(st, 6, c->seq);
	bind_text(st, 7, c->compare ? c->compare : "");
	sqlite3_bind_int64(st, 8, c->started_ms);
	sqlite3_bind_int64(st, 9, (long long)nhosts);
	bind_text(st, 10, s->recorder);
	if (step(s, st, why) < 0)
		return -1;
	if (!sqlite3_changes(s->h->db))
		return 0;	/* stored already: a run replayed into record */
	return sqlite3_last_insert_rowid(s->h->db);
}

int
store_hosts(struct store *s, const struct herd_hostlist *hl, long long run)
{
	sqlite3_stmt *st = s->st[INS_HOST];
	const struct herd_host *h;
	char *why = NULL, *tags, *groups;
	size_t i;
	int rc = 0;

	for (i = 0; i < hl->n && !rc; i++) {
		h = &hl->h[i];
		tags = herd_strv_join(&h->tags, ",");
		groups = herd_strv_join(&h->groups, ",");
		sqlite3_bind_int64(st, 1, run);
		bind_text(st, 2, h->name);
		bind_text(st, 3, h->address && strcmp(h->address, h->name) ? h->address : NULL);
		if (h->port)
			sqlite3_bind_int(st, 4, h->port);
		bind_text(st, 5, h->user);
		bind_text(st, 6, tags);
		bind_text(st, 7, groups);
		bind_opt(st, 8, h->timeout_ms);
		rc = step(s, st, &why);
		free(tags);
		free(groups);
	}
	free(why);
	return rc;
}

/* The output's row: found by the hash of the output (not of what is stored), or added. */
static long long
output_id(struct store *s, const char *out, size_t olen, const char *err, size_t elen,
    char **why)
{
	sqlite3_stmt *st = s->st[FIND_OUTPUT];
	struct codec_blob b[2] = { { out, olen }, { err, elen } };
	char hash[65];
	long long id = 0;
	int codec;

	herd_result_hash("output", -1, out, olen, err, elen, hash);
	sqlite3_bind_text(st, 1, hash, 64, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	if (step(s, st, why) < 0)
		return -1;
	if (id)
		return id;
	st = s->st[INS_OUTPUT];
	codec = codec_pack(s->codec, b);
	sqlite3_bind_text(st, 1, hash, 64, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, codec);
	sqlite3_bind_int64(st, 3, (long long)(olen + elen));
	sqlite3_bind_blob(st, 4, b[0].p, (int)b[0].len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, b[1].p, (int)b[1].len, SQLITE_STATIC);
	if (step(s, st, why) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->h->db);
}

int
store_result(struct store *s, long long run, const struct herd_result *r, char **why)
{
	sqlite3_stmt *st = s->st[INS_RESULT];
	const char *out = r->out.p ? r->out.p : "", *err = r->err.p ? r->err.p : "";
	size_t olen = r->out.len, elen = r->err.len;
	long long oid;

	if (herd_mask_apply(s->redact, out, olen, &s->out)) {
		out = s->out.p;
		olen = s->out.len;
	}
	if (herd_mask_apply(s->redact, err, elen, &s->err)) {
		err = s->err.p;
		elen = s->err.len;
	}
	if ((oid = output_id(s, out, olen, err, elen, why)) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, r->host);
	bind_text(st, 3, herd_status_name(r->status));
	bind_opt(st, 4, r->exit_code);
	sqlite3_bind_int64(st, 5, r->duration_ms);
	bind_opt(st, 6, r->finished_ms);
	bind_text(st, 7, r->sha256);
	sqlite3_bind_int64(st, 8, oid);
	bind_text(st, 9, r->error);
	bind_text(st, 10, r->hint);
	sqlite3_bind_int(st, 11, (int)r->flags);
	return step(s, st, why);
}

int
store_end(struct store *s, long long run, const struct herd_end *e, char **why)
{
	sqlite3_stmt *st = s->st[END_RUN];
	int i;

	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, e->finished_ms);
	for (i = 0; i < HERD_NSTATUS; i++)
		sqlite3_bind_int64(st, 3 + i, e->count[i]);
	return step(s, st, why);
}

int
store_interrupted(struct store *s, long long run, char **why)
{
	sqlite3_bind_int64(s->st[INTERRUPT], 1, run);
	return step(s, s->st[INTERRUPT], why);
}
