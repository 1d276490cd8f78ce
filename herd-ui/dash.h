/*
 * dash.h — herd-ui --dashboard: the fleet on one screen.  The model
 * (dash_model.c: runs from the serving herd-run, hosts' rows, result
 * groups), the filter and sort (dash_filter.c), the screen (dash_render.c)
 * and the keys and commands (dash_keys.c, dash_cmd.c); dash.c runs them.
 */
#ifndef HERD_DASH_H
#define HERD_DASH_H

#include <regex.h>

#include "ui.h"

#define DASH_OUT_MAX (64 * 1024)	/* a host's output kept for its tab */
#define DASH_TABS_MAX 9			/* host tabs beside the Diff tab */

enum dash_col { COL_HOST, COL_STATUS, COL_CMD, COL_EXIT, COL_TIME, COL_TAGS, NCOL };
enum dash_mode { MODE_EXEC, MODE_WATCH, MODE_TAIL, MODE_DIFF, MODE_RECIPE };
enum dash_bar { BAR_NONE, BAR_COMMAND, BAR_FILTER };

/* A host's row: indexed as ui->hosts. */
struct drow {
	int st;			/* enum herd_status; -1 no result, -2 running */
	long long exit_code, dur_ms;
	const char *cmd;	/* the command of its last run (dash.cmds) */
	char sha[65];
	struct herd_buf out;	/* its output (a tail: its last lines) */
	struct herd_buf part;	/* a tail: the line begun, not ended */
	char *error;
	size_t group;		/* index in dash.groups; -1 none */
	int tagged, changed, in_norm, in_run;
	long long lines, rate_lines, rate;	/* a tail: lines, this second's, per second */
};

struct dgroup {
	const char *label;
	size_t n, first;	/* hosts; a host of it */
	int st;
	char *key;
};

struct dash {
	struct ui *ui;
	struct drow *row;
	size_t nrow;

	/* the command run and the probe run, each keyed on its run id */
	char *run_id, *probe_id;
	long long run_started;
	int run_live;		/* its E not yet come */
	int cancelled;
	enum dash_mode mode;
	char *command;		/* as given (watch CMD: CMD) */
	struct herd_strv cmds;	/* every command run, for rows' cmd */
	struct herd_strv run_hosts;	/* the hosts of the command */
	long long interval_ms, next_ms;	/* a watch's */
	long long seq;
	char *series;
	regex_t grep;
	int has_grep;
	long long rate_at;	/* when the tail's rates were last taken */
	struct recipe_call recipe;	/* a recipe running */
	int in_recipe;
	size_t step;
	struct herd_strv recipe_hosts;
	char *last_line;	/* the last command, for r */

	struct dgroup *groups;
	size_t ngroups, gcap;
	int groups_dirty;

	/* the view */
	size_t *vis;		/* rows shown, filtered and sorted */
	size_t nvis, viscap;
	int vis_dirty;
	enum dash_col sort;
	int sort_rev;
	int show_tags;
	size_t cursor, top;	/* in vis */
	char *filter;
	int filter_inv;
	size_t tab;		/* 0: Diff; i: tabs[i - 1] */
	size_t tabs[DASH_TABS_MAX], ntabs;
	size_t out_top;		/* the output pane's first line */
	enum dash_bar bar;
	struct herd_buf edit;	/* what the bar's line holds */
	char *message;
	int help;
	int dirty;
	int quit;
	long long health_ms, health_next;
	int color;
};

/* dash.c */
int dash_main(struct ui *);
void dash_message(struct dash *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* dash_model.c */
void dash_model_init(struct dash *);
void dash_model_free(struct dash *);
void dash_read(struct dash *);	/* the server's records */
int dash_ask(struct dash *, const char *command, const struct herd_strv *hosts,
    const struct herd_strv *own, int probe);
void dash_cancel(struct dash *);
void dash_groups(struct dash *);
void dash_rates(struct dash *, long long now);
size_t dash_count_conn(const struct dash *, int state);
int dash_pick(struct dash *, const char *sel, struct herd_strv *names);

/* dash_filter.c */
int dash_row_matches(const struct dash *, size_t i);
void dash_visible(struct dash *);
const char *dash_status_name(const struct drow *);
void dash_tags(const struct herd_host *, struct herd_buf *);

/* dash_render.c */
void dash_render_init(struct dash *);
void dash_render(struct dash *);
size_t dash_table_rows(void);

/* dash_keys.c */
void dash_key(struct dash *, int key);

/* dash_cmd.c */
void dash_command(struct dash *, char *line);
void dash_stop(struct dash *);		/* a watch, a tail */
void dash_tick(struct dash *, long long now);	/* a watch's next run, a recipe's step */
void dash_run_ended(struct dash *);

/* dash_recipe.c */
void dash_recipe(struct dash *, const char *arg);
int dash_recipe_next(struct dash *);	/* 1: a step was started */
void dash_recipe_stop(struct dash *);

#endif
