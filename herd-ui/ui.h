/* ui.h — herd-ui, the REPL: its state and the seams between its files. */
#ifndef HERD_UI_H
#define HERD_UI_H

#include <signal.h>

#include "conf.h"
#include "records.h"

/* A child of herd-ui (child.c). */
struct child {
	pid_t pid;
	int in, out;		/* our ends of its stdin and stdout, or -1 */
};

/* A child kept for the session, taking runs (view.c). */
struct companion {
	struct child c;
	int done;		/* its descriptor 3 (--done-fd 3), read here */
	int gone;		/* it went away: a program per run instead */
};

/* A kept host: its H record as sent to the server, and its connection's state. */
struct khost {
	struct herd_host h;
	int state;		/* enum herd_conn; -1: never connected */
	char *reason;		/* for down and failed; NULL none */
};

struct ui {
	struct herd_config cfg;
	const char *config;		/* -c FILE, or NULL */
	const char *color;		/* --color WHEN, or NULL */
	int history;			/* record each run (history.record) */
	struct herd_strv sel_args;	/* the first selection, for herd-select */
	struct herd_strv run_args;	/* for herd-run --serve */
	char *label;			/* the group the targets are, or NULL */
	char *selection;		/* the targets' selection, for C */

	struct khost *hosts;		/* every host sent to the server */
	size_t nhosts, hcap;
	struct herd_map ix;		/* name -> index in hosts */
	size_t *target;			/* the target set: indexes in hosts */
	size_t ntarget, tcap;

	pid_t srv;			/* herd-run --serve */
	FILE *srv_in;
	int srv_out;
	struct herd_lines srv_lines;
	int srv_gone, srv_ready;

	char *run_id;			/* the run in flight, or NULL */
	struct herd_buf run_recs;	/* its C, R, E records */
	int run_ended;
	int run_cancelled;		/* Ctrl-C came while it ran */
	int run_begun, run_refused;	/* its first record came; it was refused */
	long long run_count[HERD_NSTATUS];	/* its hosts by status, from its E */
	struct herd_buf last;		/* the last run's records; len 0: none */
	size_t last_nhosts;

	struct companion viewer;	/* herd-group, showing each run */
	struct companion recorder;	/* herd-hist record, recording each run */

	const char *recipe;		/* --recipe NAME: run it, no REPL */
	struct herd_strv sets;		/* --set NAME=VALUE */
	int dry_run, list_recipes;
	long long timeout_ms;		/* -1: each host's own */
	int sudo;
	int prompt_dirty;		/* a state changed: redraw the prompt */
	int dashboard;			/* --dashboard (dash.c) */
	long long health_ms;		/* --health-interval; 0 none */
	int quit;
};

/* Set by the SIGINT handler; the self-pipe wakes poll. */
extern volatile sig_atomic_t ui_interrupted;
extern int ui_sigpipe[2];
void ui_sigpipe_drain(void);

/* child.c: the suite's programs as children. */
/* Run PROG (found in the exec path) with ARGV (argv[0] included); IN and OUT:
 * a pipe when -1, else the descriptor to give (0 and 1 ours).  */
int child_start(struct child *, char *const argv[], int in, int out);
int child_start_fd3(struct child *, char *const argv[], int in, int out, int fd3);
void write_all(int fd, const void *, size_t);
char *prog_path(const char *name);	/* the program's path, or exit 3 */
int data_file(const struct herd_buf *);
/* ARGV with DATA on its stdin, its stdout into OUT, or to OUT_FD when OUT is NULL. */
int child_filter(char *const argv[], const struct herd_buf *data, int out_fd,
    struct herd_buf *out);
/* The config option, for a child's argv. */
void add_config(const struct ui *, struct herd_strv *);

/* hosts.c: the kept hosts and the target set. */
size_t host_keep(struct ui *, const struct herd_host *);	/* sends the H if new */
struct khost *host_find(struct ui *, const char *name);
int select_hosts(struct ui *, struct herd_strv *args, struct herd_strv *names);
void target_set(struct ui *, const struct herd_strv *names);
void target_names(const struct ui *, struct herd_strv *names);
int target_add(struct ui *, const char *list);
int target_remove(struct ui *, const char *list);
char *expand_ranges(const char *list);
char *names_selection(const struct herd_strv *names);
size_t target_up(const struct ui *);
char *prompt_text(const struct ui *);
void hosts_free(struct ui *);

/* server.c: the herd-run --serve coprocess. */
void server_start(struct ui *);
void server_read(struct ui *);	/* what it has written; S, C, R, E */
void server_stop(struct ui *);
int run_command(struct ui *, const char *command, const struct herd_strv *hosts,
    const char *selection);
/* A run to ask for: COMMAND on HOSTS; OWN, when not NULL, each host's own command. */
struct ask {
	const char *command;
	const char *selection;		/* for C; NULL: the target set's */
	const struct herd_strv *hosts, *own;
	const char *kind, *series;	/* NULL: exec, none */
	long long seq;
};
int run_ask(struct ui *, const struct ask *);

/* view.c: the grouped view of runs, through herd-group. */
int conn_state(struct ui *, const struct herd_rec *);	/* server.c: an S record */
void view_run(struct ui *, const struct herd_strv *hosts);	/* the run just ended */
void view_record(struct ui *, const struct herd_strv *hosts);	/* recorded, not shown */
void view_stop(struct ui *);	/* the viewer and the recorder ended */
int view_last(struct ui *, const char *opt, const char *arg, int out_fd);
int pick_last(struct ui *, const char *sel, struct herd_strv *names);

/* recipe.c: recipes, a series of runs. */
struct recipe_call {
	const struct herd_recipe *r;
	struct herd_strv values;	/* of its params, in order */
	char *timestamp;		/* {{.Timestamp}} */
};
/* NAME with its params from SETS ("k=v"): 0, or -1 (said). */
int recipe_prepare(const struct ui *, const char *name, const struct herd_strv *sets,
    struct recipe_call *);
void recipe_call_free(struct recipe_call *);
void recipe_list(const struct ui *);
void recipe_dry_run(struct ui *, const struct recipe_call *);
int recipe_run(struct ui *, const struct recipe_call *);	/* an exit status */

/* dash.c: the dashboard, an exit status. */
int dash_main(struct ui *);

/* line.c: a line of input. */
void run_line(struct ui *, char *line);

/* colon.c: the colon commands. */
void colon(struct ui *, const char *cmd, const char *arg);
extern const char *const colon_names[];

/* edit.c: libedit: the prompt, history, completion. */
void edit_init(struct ui *);
char *edit_line(struct ui *);	/* to free; NULL at EOF */
void edit_end(struct ui *);
void edit_history(struct ui *, const char *line);
void edit_history_save(void);

#endif
