/* Finding runs: by what the user typed, and the baseline of a new one. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

long long
run_lookup(struct hist *h, const char *id)
{
	sqlite3_stmt *st;
	long long n, rowid = 0;
	int rows = 0;

	if (herd_parse_int(id, 1, 1LL << 62, &n) == 0) {
		st = hist_prepare(h, "SELECT id FROM runs WHERE id = ?");
		sqlite3_bind_int64(st, 1, n);
	} else {
		/* a prefix of a run id: the range [id, id + 0x7f) */
		st = hist_prepare(h, "SELECT id FROM runs WHERE run >= ?1 AND"
		    " run < ?1 || char(127) LIMIT 2");
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		rowid = sqlite3_column_int64(st, 0);
		rows++;
	}
	sqlite3_finalize(st);
	if (rows > 1)
		errx(HERD_EXIT_USAGE, "run %s: more than one run id starts so", herd_safe(id));
	if (!rows)
		errx(HERD_EXIT_USAGE, "no run %s in %s", herd_safe(id), h->path);
	return rowid;
}

long long
run_last(struct hist *h, const char *kind, const char *command, const char *selection,
    long long before_ms)
{
	sqlite3_stmt *st = hist_prepare(h, "SELECT id FROM runs WHERE kind = ? AND"
	    " command = ? AND selection = ? AND status = 'finished' AND started_at < ?"
	    " ORDER BY started_at DESC, id DESC LIMIT 1");
	long long rowid = 0;

	sqlite3_bind_text(st, 1, kind ? kind : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, command, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, selection ? selection : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, before_ms);
	if (sqlite3_step(st) == SQLITE_ROW)
		rowid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rowid;
}
