/*
 * The history database: where it is, opening it safely (0600 in a 0700
 * directory), its settings, and the schema with its migrations.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hist.h"

/*
 * Each step takes the schema from version i to i + 1; a database is
 * brought to the last one when opened for writing.  Never edit a step that
 * has shipped: add one.
 */
static const char *const migrations[] = {
	/* 1: runs, their hosts, results and outputs stored once per content */
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" run TEXT NOT NULL UNIQUE,"
	" command TEXT NOT NULL,"
	" selection TEXT NOT NULL DEFAULT '',"
	" kind TEXT NOT NULL DEFAULT '',"
	" series TEXT NOT NULL DEFAULT '',"
	" seq INTEGER,"
	" compare TEXT NOT NULL DEFAULT '',"
	" started_at INTEGER NOT NULL,"
	" finished_at INTEGER,"
	" host_count INTEGER NOT NULL DEFAULT 0,"
	" ok_count INTEGER NOT NULL DEFAULT 0,"
	" nonzero_count INTEGER NOT NULL DEFAULT 0,"
	" failed_count INTEGER NOT NULL DEFAULT 0,"
	" timeout_count INTEGER NOT NULL DEFAULT 0,"
	" status TEXT NOT NULL DEFAULT 'running'"
	"  CHECK (status IN ('running', 'finished', 'interrupted')),"
	" recorder TEXT);"
	"CREATE INDEX runs_started ON runs(started_at);"
	"CREATE TABLE hosts ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" address TEXT, port INTEGER, user TEXT,"
	" tags TEXT NOT NULL DEFAULT '', groups TEXT NOT NULL DEFAULT '',"
	" timeout_ms INTEGER,"
	" PRIMARY KEY (run_id, name)) WITHOUT ROWID;"
	"CREATE TABLE outputs ("
	" id INTEGER PRIMARY KEY,"
	" hash BLOB NOT NULL UNIQUE,"
	" codec INTEGER NOT NULL DEFAULT 0,"
	" size INTEGER NOT NULL,"
	" stdout BLOB NOT NULL, stderr BLOB NOT NULL);"
	"CREATE TABLE results ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" host TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN ('ok', 'nonzero', 'failed', 'timeout')),"
	" exit_code INTEGER,"
	" duration_ms INTEGER NOT NULL,"
	" finished_at INTEGER,"
	" sha256 TEXT NOT NULL,"
	" output_id INTEGER NOT NULL REFERENCES outputs(id),"
	" error TEXT, hint TEXT,"
	" PRIMARY KEY (run_id, host)) WITHOUT ROWID;"
	"CREATE INDEX results_output ON results(output_id);",
	/* 2: the result's flags; runs found by what they ran, results by host */
	"ALTER TABLE results ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX runs_match ON runs(kind, command, selection, started_at);"
	"CREATE INDEX results_host ON results(host);",
	/*
	 * 3: the runs still running, which every reader looks for, found
	 * without reading every run; and outputs may be zstd (codec 1),
	 * which a herd-hist of version 2 would not read
	 */
	"CREATE INDEX runs_running ON runs(status) WHERE status = 'running';",
	/* 4: fleet snapshots (herd snapshot), their hosts and fields, from a series of runs */
	"CREATE TABLE snapshots ("
	" id INTEGER PRIMARY KEY,"
	" series TEXT NOT NULL UNIQUE,"
	" selection TEXT NOT NULL DEFAULT '',"
	" taken_at INTEGER NOT NULL,"
	" host_count INTEGER NOT NULL DEFAULT 0,"
	" failed_count INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE snapshot_hosts ("
	" snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
	" host TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),"
	" error TEXT,"
	" PRIMARY KEY (snapshot_id, host)) WITHOUT ROWID;"
	"CREATE TABLE snapshot_fields ("
	" snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
	" host TEXT NOT NULL,"
	" field TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (snapshot_id, host, field)) WITHOUT ROWID;",
};
const int hist_schema_version = sizeof migrations / sizeof migrations[0];

/* A run that ended without its E: counted from the results it has. */
const char hist_interrupt_sql[] =
    "UPDATE runs SET status = 'interrupted',"
    " finished_at = coalesce((SELECT max(finished_at) FROM results WHERE run_id = ?1),"
    "  started_at),"
    " ok_count = (SELECT count(*) FROM results WHERE run_id = ?1 AND status = 'ok'),"
    " nonzero_count = (SELECT count(*) FROM results WHERE run_id = ?1 AND status = 'nonzero'),"
    " failed_count = (SELECT count(*) FROM results WHERE run_id = ?1 AND status = 'failed'),"
    " timeout_count = (SELECT count(*) FROM results WHERE run_id = ?1 AND status = 'timeout'),"
    " host_count = max(host_count, (SELECT count(*) FROM results WHERE run_id = ?1))"
    " WHERE id = ?1";

char *
hist_path(const char *opt)
{
	const char *env = getenv("HERD_HISTORY");
	char *dir, *path;

	if (opt && *opt)
		return xstrdup(opt);
	if (env && *env)
		return xstrdup(env);
	if (!(dir = herd_data_dir()))
		return NULL;
	path = xasprintf("%s/history.db", dir);
	free(dir);
	return path;
}

/* mkdir -p for the directories above PATH; the last one is made 0700. */
static int
make_dirs(const char *path, char **why)
{
	char *dir = xstrdup(path), *p, *slash = strrchr(dir, '/');
	int rc = 0;

	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = 0;
	for (p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			*why = xasprintf("%s: %s", dir, strerror(errno));
			rc = -1;
		}
		if (!p || rc)
			break;
		*p = '/';
	}
	free(dir);
	return rc;
}

/* Create the file 0600 ourselves: SQLite would make it with the umask's mode. */
static int
create_file(const char *path, char **why)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		*why = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* How long a locked database is waited for: $HERD_HISTORY_WAIT, or HIST_BUSY_MS. */
static long long
busy_ms(void)
{
	const char *env = getenv("HERD_HISTORY_WAIT");
	long long ms;

	if (env && *env && herd_parse_duration(env, &ms) == 0 && ms <= 24LL * 3600000)
		return ms;
	return HIST_BUSY_MS;
}

char *
hist_error(struct hist *h, const char *msg)
{
	int sys = h->db ? sqlite3_system_errno(h->db) : 0;

	if (!msg)
		msg = h->db ? sqlite3_errmsg(h->db) : "no database";
	if (sys)
		return xasprintf("%s: %s (%s)", h->path, msg, strerror(sys));
	return xasprintf("%s: %s", h->path, msg);
}

int
hist_exec(struct hist *h, const char *sql, char **why)
{
	char *msg = NULL;

	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	*why = hist_error(h, msg);
	sqlite3_free(msg);
	return -1;
}

static int
user_version(struct hist *h, int *v, char **why)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		*why = hist_error(h, NULL);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	else
		*why = hist_error(h, NULL);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Bring the schema up to date, each step in its own transaction. */
static int
migrate(struct hist *h, char **why)
{
	char *sql;
	int v, rc;

	if (user_version(h, &v, why) < 0)
		return -1;
	if (v > hist_schema_version) {
		*why = xasprintf("%s: schema version %d is newer than this herd-hist's (%d)",
		    h->path, v, hist_schema_version);
		return -1;
	}
	while (v < hist_schema_version) {
		if (hist_exec(h, "BEGIN IMMEDIATE", why) < 0)
			return -1;
		/* another process may have migrated while we waited */
		if (user_version(h, &v, why) < 0 || v >= hist_schema_version) {
			hist_exec(h, "ROLLBACK", why);
			return v >= hist_schema_version ? 0 : -1;
		}
		sql = xasprintf("%s; PRAGMA user_version = %d", migrations[v], v + 1);
		rc = hist_exec(h, sql, why);
		free(sql);
		if (rc < 0 || hist_exec(h, "COMMIT", why) < 0) {
			sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		v++;
	}
	return 0;
}

/* The file, and its directory for the -wal and -shm files, can be written. */
static int
writable(const char *path, char **why)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash)
		slash[slash == dir] = 0;
	if (access(path, W_OK) < 0)
		*why = xasprintf("%s: %s", path, strerror(errno)), rc = -1;
	else if (access(slash ? dir : ".", W_OK) < 0)
		*why = xasprintf("%s: %s", slash ? dir : ".", strerror(errno)), rc = -1;
	free(dir);
	return rc;
}

/*
 * A reader shows runs whose recorder was killed as interrupted: they are
 * marked through a connection of its own, when the file can be written.
 */
static void
reap_for_reader(struct hist *h)
{
	struct hist w = { 0 };
	char *why = NULL;

	if (sqlite3_open_v2(h->path, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) ==
	    SQLITE_OK) {
		w.path = h->path;
		sqlite3_busy_timeout(w.db, (int)busy_ms());
		hist_reap(&w, &why);
	}
	free(why);
	sqlite3_close_v2(w.db);
}

int
hist_open(struct hist *h, const char *path, int mode, char **why)
{
	int flags = mode == HIST_WRITE ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	int v;

	memset(h, 0, sizeof *h);
	if (!path) {
		*why = xstrdup("no database: neither $HOME nor $XDG_DATA_HOME is set");
		return -1;
	}
	h->path = xstrdup(path);
	if (mode == HIST_READ && access(path, F_OK) < 0 && errno == ENOENT) {
		*why = xasprintf("%s: no runs recorded yet", path);
		goto fail;
	}
	if (mode == HIST_WRITE && (make_dirs(path, why) < 0 || create_file(path, why) < 0 ||
	    writable(path, why) < 0))
		goto fail;
	if (sqlite3_open_v2(path, &h->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		*why = hist_error(h, h->db ? NULL : "no memory");
		goto fail;
	}
	sqlite3_extended_result_codes(h->db, 1);
	sqlite3_busy_timeout(h->db, (int)busy_ms());
	if (hist_exec(h, "PRAGMA foreign_keys = ON", why) < 0)
		goto fail;
	if (mode == HIST_WRITE) {
		if (hist_exec(h, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
		    why) < 0 || migrate(h, why) < 0)
			goto fail;
		return 0;
	}
	if (user_version(h, &v, why) < 0)
		goto fail;
	if (v != hist_schema_version) {
		*why = v ? xasprintf("%s: schema version %d, this herd-hist's is %d "
		    "(herd-hist record or prune migrates it)", path, v, hist_schema_version) :
		    xasprintf("%s: no runs recorded yet", path);
		goto fail;
	}
	reap_for_reader(h);
	return 0;
fail:
	hist_close(h);
	return -1;
}

void
hist_close(struct hist *h)
{
	if (h->db)
		sqlite3_close_v2(h->db);
	free(h->path);
	memset(h, 0, sizeof *h);
}

sqlite3_stmt *
hist_prepare(struct hist *h, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		hist_die(h, "prepare");
	return st;
}

void
hist_die(struct hist *h, const char *what)
{
	errx(HERD_EXIT_RUNTIME, "%s (%s)", hist_error(h, NULL), what);
}

/* Field 22 of /proc/PID/stat, the process's start time: a pid alone is reused. */
static char *
start_time(long pid)
{
	char path[64], buf[1024], *p;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "re")))
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* a zombie is dead: it waits for a parent that may be gone too */
	if (!(p = strrchr(buf, ')')) || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return NULL;
	for (i = 2; i < 22 && p; i++)
		p = strchr(p + 1, ' ');
	return p ? xstrndup(p + 1, strcspn(p + 1, " ")) : NULL;
}

char *
hist_recorder_self(void)
{
	char *t = start_time(getpid()), *s;

	s = xasprintf("%ld %s", (long)getpid(), t ? t : "");
	free(t);
	return s;
}

int
hist_recorder_alive(const char *rec)
{
	char *t, *sp;
	long pid;
	int alive;

	if (!rec || !(pid = strtol(rec, &sp, 10)) || *sp != ' ')
		return 0;
	if (!(t = start_time(pid)))
		return 0;
	alive = !strcmp(t, sp + 1);
	free(t);
	return alive;
}

int
hist_reap(struct hist *h, char **why)
{
	sqlite3_stmt *sel, *upd;
	int rc = 0;

	if (sqlite3_prepare_v2(h->db, "SELECT id, recorder FROM runs WHERE status = 'running'",
	    -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db, hist_interrupt_sql, -1, &upd, NULL) != SQLITE_OK) {
		*why = hist_error(h, NULL);
		return -1;
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		if (hist_recorder_alive((const char *)sqlite3_column_text(sel, 1)))
			continue;
		sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			*why = hist_error(h, NULL);
			rc = -1;
			break;
		}
		sqlite3_reset(upd);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}
