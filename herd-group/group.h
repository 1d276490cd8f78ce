/* group.h — herd-group's runs, results and groups of identical results. */
#ifndef HERD_GROUP_H
#define HERD_GROUP_H

#include <stdio.h>

#include "herd.h"

enum status { ST_OK, ST_NONZERO, ST_FAILED, ST_TIMEOUT };

struct result {
	char *host;
	enum status status;
	int has_exit;
	long long exit_code, duration_ms;
	char sha[65];
	struct herd_buf out, err;
	char *error, *hint;
	size_t group;		/* index into run.groups */
};

/* Results with the same hash; failed and timed-out hosts with the same reason. */
struct group {
	size_t *member;		/* indices into run.results, in arrival order */
	size_t n, cap;
	size_t first;		/* the first member */
	int norm;
};

struct run {
	char *id, *command;
	struct result *results;
	size_t nresults, capresults;
	struct group *groups;
	size_t ngroups, capgroups;
	size_t *order;		/* groups in display order */
	struct herd_hostlist hosts;	/* from H records */
	struct strmap *host_index;	/* their names, once run_group ran */
	int ended;		/* an E record was read */
};

enum label { L_IDENTICAL, L_DIFFERS, L_EXITED, L_FAILED, L_TIMEOUT };

struct counts {
	size_t succeeded, differs, nonzero, failed, timeout;
};

/* group.c */
void run_add_result(struct run *, const struct herd_rec *);
void run_add_host(struct run *, const struct herd_rec *);
void run_group(struct run *);
void run_reset(struct run *);
enum label group_label(const struct run *, const struct group *);
void run_counts(const struct run *, struct counts *);
char *group_hosts(const struct run *, const struct group *, int fold);
const struct herd_host *run_host(const struct run *, const char *name);
const struct result **run_by_host(const struct run *);
void result_text(const struct result *, struct herd_buf *);

/* render.c */
struct render_opts {
	int color, fold, errors_only, json;
	long lines;		/* output lines per group; 0 = all */
};
void render_text(FILE *, const struct run *, const struct render_opts *);
void render_json(FILE *, const struct run *, const struct render_opts *);
void render_ping(FILE *, const struct run *, const struct render_opts *);

/* selector.c */
int select_hosts(const struct run *, const char *sel, char **err, struct herd_strv *out);

/* parse.c */
struct herd_config;
int render_table(FILE *, const struct run *, const struct herd_config *, const char *name,
    char **err);

#endif
