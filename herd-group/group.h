/* group.h — herd-group's runs, results and groups of identical results. */
#ifndef HERD_GROUP_H
#define HERD_GROUP_H

#include <stdio.h>

#include "herd.h"

/* Output and error output, kept once for all the results with one digest. */
struct body {
	char sha[65];
	char *out, *err;
	size_t outlen, errlen;
};

/* A result against the same host's in the run before of its series (watch.c). */
enum change { CHANGE_NONE, CHANGE_CHANGED, CHANGE_NEW };

struct result {
	char *host;
	enum herd_result_status status;	/* never HERD_RESULT_NONE */
	int has_exit;
	long long exit_code, duration_ms;
	char sha[65];
	const struct body *body;
	char *error, *hint;
	size_t group;		/* index into run.groups */
	enum change change;
};

/* Results with the same digest; failed and timed-out hosts with the same reason. */
struct group {
	size_t *member;		/* indices into run.results, in natural order of hosts */
	size_t n, cap;
	size_t first;		/* member[0], the host that sorts first */
	char *key;
	int norm;
};

struct run {
	char *id, *command;
	char *compare;		/* the run its C names to compare with; NULL none */
	long long started_ms;
	char *series;		/* its C record's series; NULL none */
	char *kind;		/* its C record's kind; NULL exec */
	long long seq;		/* ... and number in it; 0 none */
	int baseline;		/* named by another run's compare: kept, not shown */
	struct result *results;
	size_t nresults, capresults;
	struct herd_map by_host;	/* result host -> index */
	struct body **bodies;
	size_t nbodies, capbodies;
	struct herd_map by_sha;		/* body sha -> index */
	struct group *groups;
	size_t ngroups, capgroups;
	size_t *order;		/* groups in display order */
	struct herd_hostlist hosts;	/* from H records */
	struct herd_map host_index;	/* their names -> index (the first of a name) */
	char **missing;		/* hosts of H records without a result, in natural order */
	size_t nmissing;
	const struct group *norm;	/* NULL: no host exited 0, or no two alike */
	int distinct;		/* two or more hosts exited 0, no two alike */
	int begun, ended;	/* a C record, an E record was read */
};

enum label { L_IDENTICAL, L_DIFFERS, L_EXITED, L_FAILED, L_TIMEOUT };

struct counts {
	size_t succeeded;	/* every host that exited 0 */
	size_t differs;		/* of them, those outside the norm */
	size_t nonzero, failed, timeout, noresult;
};

/* results.c */
struct herd_result;
int run_add_result(struct run *, const struct herd_result *, const char *bad, char **why);
int run_add_host(struct run *, const struct herd_rec *);
int result_completed(const struct result *);
const char *status_name(enum herd_result_status);

/* group.c */
size_t run_nhosts(const struct run *);
void run_group(struct run *);
void run_reset(struct run *);
int run_cut_short(const struct run *);
const char *run_missing_reason(const struct run *);
enum label group_label(const struct run *, const struct group *);
void run_counts(const struct run *, struct counts *);
char *group_hosts(const struct run *, const struct group *, int fold);
const struct herd_host *run_host(const struct run *, const char *name);
struct herd_pick *run_picks(const struct run *, size_t *n);
struct row {
	const char *host;
	const struct result *r;	/* NULL: the host has no result */
};
struct row *run_rows(const struct run *, size_t *n);

/* stream.c: --stream, L records as they arrive. */
struct render_opts;
struct herd_chunk;
void stream_chunk(const struct render_opts *, const struct herd_chunk *);
void stream_done(const struct render_opts *, const char *run, const char *host);
void stream_free(void);
const char *host_color(const char *host);

/* text.c: output for people. */
struct render_opts {
	int color, fold, errors_only, json;
	long lines;		/* lines per output and per diff; 0 = all */
	int width;		/* of the terminal, to wrap host lists; 0 = no wrap */
};
struct out {
	FILE *f;
	const struct render_opts *o;
};
const char *color(const struct out *, const char *code);
void safe_line(struct herd_buf *, const void *, size_t);
void put_hosts(struct out *, const char *list, const char *lead, size_t leadwidth,
    const char *indent, const char *tail);
void put_lines(struct out *, const char *p, size_t n, const char *prefix, const char *indent,
    long *shown, long *total);
void put_more(struct out *, long more, const char *indent);
size_t count_lines(const char *p, size_t n);
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* result text: what a result shows and is diffed on (stdout, stderr lines marked) */
struct text {
	const char *p;
	size_t len;
	struct herd_buf own;	/* when it had to be put together */
};
void result_text(const struct result *, struct text *);
void text_free(struct text *);

/* render.c, json.c */
void render_text(FILE *, const struct run *, const struct render_opts *);
void render_json(FILE *, const struct run *, const struct render_opts *);
void render_hosts_json(FILE *, const struct run *);
void put_hunks(struct out *, const struct herd_buf *diff);
struct json_t *summary_json(const struct run *);

/* compare.c: --compare; BASE NULL: no run to compare with */
void render_compare(FILE *, const struct run *, const struct run *base,
    const struct render_opts *);

/* watch.c: --watch, and the changes that @changed picks */
struct series;
struct herd_mask;
struct watch {
	struct herd_mask *mask;		/* --ignore */
	int changes_only, clear;
	long long interval_ms;		/* --interval, for the header; 0 none */
	struct series *series;
	size_t nseries, capseries;
	struct herd_map by_id;		/* series id -> index */
};
void watch_mark(struct watch *, struct run *);
void render_watch(FILE *, const struct run *, const struct watch *,
    const struct render_opts *, int first);
void watch_free(struct watch *);

/* oneline.c, ping.c */
void render_oneline(FILE *, const struct run *, const struct render_opts *);
void render_ping(FILE *, const struct run *, const struct render_opts *);

/* transfer.c: the view of a push or pull run */
int transfer_kind(const char *kind);
int render_transfer(FILE *, const struct run *, const struct render_opts *, int by_content);

/* read.c: the view of a read run (herd diff) */
int read_kind(const char *kind);
int render_read(FILE *, const struct run *, const struct render_opts *);

/* outdir.c: --outdir, --errdir */
int outdir_open(const char *dir);
int outdir_write(int dirfd, const char *dir, const char *host, const char *p, size_t n);

/* parse.c */
struct herd_config;
int render_table(FILE *, const struct run *, const struct herd_config *, const char *name,
    int json, char **err);

#endif
