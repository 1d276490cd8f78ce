/* snapshot_int.h — herd-hist snapshot: snapshots as loaded, and the commands. */
#ifndef HERD_SNAPSHOT_INT_H
#define HERD_SNAPSHOT_INT_H

#include "hist.h"
#include "snapshot.h"

struct snap_host {
	char *name;
	char *error;		/* why a step failed on it, or NULL */
	size_t steps_ok, steps_failed;	/* loaded: 1 or 0 each, from its status */
	struct snap_fields f;
};

struct snap {
	long long id;
	char *series, *selection;
	long long taken_ms;
	size_t failed;		/* hosts with no step done */
	struct snap_host *host;	/* in natural order */
	size_t nhost, cap;
	struct herd_map index;	/* name -> index */
};

/* snapshot_db.c */
struct snap_host *snap_host(struct snap *, const char *name);
long long snap_save(struct hist *, const char *series, struct snap *);
/* The snapshot ID names (N, #N, last); exit 2 if none. */
long long snap_lookup(struct hist *, const char *id);
void snap_load(struct hist *, long long id, struct snap *);
void snap_free(struct snap *);

/* snapshot_show.c */
int snap_cmd_save(int argc, char **argv);
int snap_cmd_list(int argc, char **argv);
int snap_cmd_show(int argc, char **argv);
int snap_cmd_export(int argc, char **argv);
/* A field's value as shown: sizes in KiB humanised, uptime as a duration (to free). */
char *snap_shown(const char *name, const char *value);
/* The options of a reading command: --db, --json, -n; the operands from argv[optind]. */
void snap_opts(int argc, char **argv, const char *usage, const char **db, int *json,
    long long *limit);
const char *snap_arrow(void);

/* snapshot_diff.c */
/* The names of the fields of HOSTS (NULL: skipped), each once, in the order shown;
 * without ALL, not those that change by themselves. */
void snap_names(struct snap_host *const *hosts, size_t n, int all, struct herd_strv *names);
int snap_cmd_diff(int argc, char **argv);
int snap_cmd_drift(int argc, char **argv);

/* snapshot.c */
int cmd_snapshot(int argc, char **argv);
extern const char snap_usage[];

#endif
