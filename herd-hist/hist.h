/* hist.h — herd-hist: the run history in SQLite. */
#ifndef HERD_HIST_H
#define HERD_HIST_H

#include <sqlite3.h>

#include "conf.h"
#include "mask.h"
#include "records.h"

#define HIST_BUSY_MS 2000	/* how long a locked database is waited for */
#define HIST_KEEP 10		/* runs of each command+selection kept whatever their age */

/* db.c: the database. */
struct hist {
	sqlite3 *db;
	char *path;
};
enum { HIST_READ, HIST_WRITE };
/* The database's path: --db, $HERD_HISTORY, or the XDG data directory (to free). */
char *hist_path(const char *opt);
/* Open (creating, migrating when MODE is HIST_WRITE): 0, or -1 with *why (to free). */
int hist_open(struct hist *, const char *path, int mode, char **why);
void hist_close(struct hist *);
int hist_exec(struct hist *, const char *sql, char **why);
/* "path: message (system error)", of MSG or the database's last error (to free). */
char *hist_error(struct hist *, const char *msg);
/* Runs still "running" whose recorder is gone are marked interrupted. */
int hist_reap(struct hist *, char **why);
/* This process as a recorder: "pid starttime" (to free). */
char *hist_recorder_self(void);
int hist_recorder_alive(const char *);
/* A prepared statement, or exit HERD_EXIT_RUNTIME with the database's message. */
sqlite3_stmt *hist_prepare(struct hist *, const char *sql);
void hist_die(struct hist *, const char *what) __attribute__((noreturn));
extern const int hist_schema_version;
extern const char hist_interrupt_sql[];	/* ?1: the run's rowid */

/*
 * herd-hist.c: the config's history.redact patterns as a mask (lib/mask.h)
 * whose matches are replaced by [redacted]: herd_mask_apply, herd_mask_free.
 */
struct herd_mask *redact_new(const struct herd_strv *patterns);

/* codec.c: outputs compressed as stored (outputs.codec). */
#define HIST_ZSTD_MIN 512	/* bytes of output below which it is stored as is */
enum { HIST_CODEC_RAW, HIST_CODEC_ZSTD };
struct codec_blob {
	const void *p;
	size_t len;
};
struct codec;
struct codec *codec_new(void);
void codec_free(struct codec *);
/* B (stdout, stderr) as stored: the codec, B then pointing at what to store. */
int codec_pack(struct codec *, struct codec_blob b[2]);
/* Stored columns B of CODEC back into OUT and ERR, SIZE bytes in all at most;
 * -1 with *why (to free) if they cannot be read. */
int codec_unpack(struct codec *, int codec, const struct codec_blob b[2], size_t size,
    struct herd_buf *out, struct herd_buf *err, char **why);

/* store.c: what record stores. */
struct store;
struct store *store_new(struct hist *, const struct herd_mask *);
/* -1 on a database error, with *why (to free). */
int store_hosts(struct store *, const struct herd_hostlist *, long long run);
long long store_run(struct store *, const struct herd_run *, size_t nhosts, char **why);
int store_result(struct store *, long long run, const struct herd_result *, char **why);
int store_end(struct store *, long long run, const struct herd_end *, char **why);
int store_interrupted(struct store *, long long run, char **why);
void store_free(struct store *);

/* record.c */
int cmd_record(int argc, char **argv);

/* runs.c: finding runs. */
/* The run ID names (a number or a run id, or a unique prefix of one); exit 2 if none. */
long long run_lookup(struct hist *, const char *id);
/* The most recent finished run of KIND, COMMAND and SELECTION, or 0. */
long long run_last(struct hist *, const char *kind, const char *command,
    const char *selection, long long before_ms);

/* list.c */
int cmd_list(int argc, char **argv);
int cmd_search(int argc, char **argv);

/* show.c */
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_last(int argc, char **argv);
/* A stored run, as the records it came as. */
struct stored {
	long long rowid;
	struct herd_run run;
	struct herd_hostlist hosts;
	struct herd_result *res;
	size_t nres;
	struct herd_end end;
	int finished;		/* else interrupted, or still running */
	size_t unreadable;	/* results whose stored output could not be read (said) */
};
void stored_load(struct hist *, long long rowid, struct stored *);
void stored_free(struct stored *);
/* Write run ROWID's records (H, C, R, E) to OUT: how many outputs were unreadable. */
size_t write_run(struct hist *, long long rowid, FILE *out);
/* Its records (H, C, R, E) of a run loaded. */
void write_stored(const struct stored *, FILE *out);

/* diff.c */
int cmd_diff(int argc, char **argv);

/* prune.c */
int cmd_prune(int argc, char **argv);
/* Delete runs older than RETENTION_MS, keeping the last KEEP of each kind+command+selection. */
int prune(struct hist *, long long retention_ms, long long keep, long long *deleted,
    char **why);

/* herd-hist.c */
/* Open, or exit HERD_EXIT_RUNTIME with why. */
void open_or_die(struct hist *, const char *dbopt, int mode);

#endif
