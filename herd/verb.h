/* verb.h — composed verbs: a table of verbs, their stages and their options. */
#ifndef HERD_VERB_H
#define HERD_VERB_H

#include "pipeline.h"

/* The programs a verb's pipeline is made of, by role, not by position. */
enum role {
	SELECT = 1 << 0,	/* herd-select */
	RUN = 1 << 1,		/* herd-run */
	GROUP = 1 << 2,		/* herd-group */
	HIST = 1 << 3,		/* herd-hist record */
	NOTIFY = 1 << 4,	/* herd-notify: only with an option of its own */
};

/* Sets of options: a verb takes some sets. */
enum optset {
	O_HELP = 1 << 0,
	O_CONFIG = 1 << 1,
	O_SELECT = 1 << 2,	/* which hosts */
	O_SSH = 1 << 3,		/* how many at once, a password */
	O_AUTH = 1 << 4,	/* ping: log in too */
	O_COMMAND = 1 << 5,	/* how to run a command */
	O_VIEW = 1 << 6,	/* any view: --json, --color */
	O_RESULTS = 1 << 7,	/* the view of command results */
	O_DRY_RUN = 1 << 8,
	O_CONN = 1 << 9,	/* how to reach them: what makes a connection */
	O_MUX = 1 << 10,	/* herd mux's own */
	O_HISTORY = 1 << 11,	/* whether the run is recorded */
	O_NOTIFY = 1 << 12,	/* notifications: herd-notify */
	O_WATCH = 1 << 13,	/* herd watch: herd-run --every, herd-group --watch */
	O_TAIL = 1 << 14,	/* herd tail: the remote command, herd-group --tail */
	O_RECIPE = 1 << 15,	/* herd recipe's own */
	O_PUSH = 1 << 16,	/* herd push's and pull's own */
	O_PULL = 1 << 17,	/* herd pull's own */
	O_TUNNEL = 1 << 20,	/* herd tunnel's own */
	O_DIFF = 1 << 18,	/* herd diff's own */
	O_DISCOVER = 1 << 21,	/* herd discover's own */
	O_SNAPSHOT = 1 << 19,	/* herd snapshot's own */
	O_DASHBOARD = 1 << 22,	/* herd dashboard's own */
};

enum kind {
	K_PASS,		/* given to the stages that take it */
	K_HOSTS,	/* also selects hosts: the words are then all the command */
	K_FANOUT,	/* a number of hosts at a time */
	K_HELP,		/* the verb's help */
	K_STDIN,	/* exec -I: stdin to the commands (stdin.c) */
};

struct opt {
	const char *name;	/* long name, or NULL */
	char letter;		/* short name, or 0 */
	int arg;		/* takes a value */
	enum kind kind;
	unsigned set;		/* enum optset */
	unsigned to;		/* the stages (enum role) it is given to */
	unsigned drops;		/* the stages (enum role) it leaves out */
	const char *pass;	/* as the stages take it; NULL: -x, or --name */
};

/* An option as given. */
struct given {
	const struct opt *opt;
	const char *value;
	const char *as;		/* as the user wrote it, for messages */
};

struct args {
	struct given *opt;
	size_t nopt, cap;
	struct herd_strv words;	/* operands (before --, if any) */
	struct herd_strv after;	/* words after -- */
	int dashdash;		/* -- was given */
	int selects;		/* a K_HOSTS option was given */
	int json;		/* the config's defaults.output is json */
	int no_history;		/* the config's history.record is false */
	int notify_targets;	/* the config has notification targets */
	struct herd_strv unresolved;	/* exec: hosts that look like command words */
};

struct verb {
	const char *name;
	unsigned stages[PIPELINE_MAX];	/* enum role, in pipeline order, 0-ended */
	unsigned takes;			/* enum optset */
	/* Checks of the verb's own before it runs (not for --explain), or NULL. */
	void (*check)(struct args *);
	/* Add what is the verb's own: operands, fixed arguments. */
	void (*build)(struct pipeline *, const struct args *);
	const char *help;
	/* A verb that acts itself, with no pipeline (herd mux): its exit status. */
	int (*act)(const struct verb *, const struct args *, int explain);
};

const struct verb *verb_find(const char *name);
const char *opt_name(const struct opt *, char *buf, size_t len);
void args_parse(const struct verb *, int argc, char **argv, struct args *);
const struct given *args_find(const struct args *, const char *name);
const char *args_value(const struct args *, const char *name);
void args_free(struct args *);
struct stage *stage_of(struct pipeline *, unsigned role);

/* words.c: the command's words and the hosts of herd exec. */
void exec_words(const struct args *, struct herd_strv *hosts, struct herd_strv *cmd);
void check_words(const struct args *);

/* resolve.c */
void find_unresolved(struct args *);

/* check.c: what can be checked before anything runs. */
void check_config(const struct verb *, struct args *, int explain);

/* stdin.c: exec -I */
char *stdin_to_file(void);

/* repl.c: herd repl, which becomes herd-ui */
int repl_act(const struct verb *, const struct args *, int explain);
int dashboard_act(const struct verb *, const struct args *, int explain);
int recipe_act(const struct verb *, const struct args *, int explain);

/* mux.c: herd mux start|stop|status */
int mux_act(const struct verb *, const struct args *, int explain);
/* mux_status.c: what the mux on PATH keeps, printed; -1 when none answers. */
int mux_status(const char *path);

/* tail.c: herd tail */
void check_tail(struct args *);
void build_tail(struct pipeline *, const struct args *);

/* push.c, pull.c: herd push and herd pull */
const char *transfer_opt(const struct args *, const char *name);
void check_transfer(const char *verb, const struct args *);
char *transfer_base(const char *path);
void check_push(struct args *);
void build_push(struct pipeline *, const struct args *);
void check_pull(struct args *);
void build_pull(struct pipeline *, const struct args *);
/* After the pipeline ran (pull -r unpacks): the exit status. */
int after_pull(const struct args *, int status);

/* snapshot.c: herd snapshot (its reading commands: snapshot_verb in pipeline.h) */
int snapshot_act(const struct verb *, const struct args *, int explain);

/* verbs.c: each option given, in the order given, to the stages of its role */
void give(struct pipeline *, const struct verb *, const struct args *);

/* filediff.c: herd diff */
void check_diff(struct args *);
void build_diff(struct pipeline *, const struct args *);

/* discover.c, discover_save.c: herd discover */
int discover_act(const struct verb *, const struct args *, int explain);
void discover_check_config(const char *opt, const char *group);
void discover_save(const char *opt, const char *group, const struct herd_strv *hosts,
    const struct herd_strv *tags);

/* verbs.c: --diff-last, herd-hist record --last and herd-group --compare */
void diff_last(struct pipeline *, const struct args *, const char *verb);

/* tunnel.c: herd tunnel */
extern const char tunnel_help[];
void check_tunnel(struct args *);
void build_tunnel(struct pipeline *, const struct args *);

/* stdin.c: an unlinked temporary file (0600), its fd */
int temp_file(void);

/* selection.c: the selection for the C record, as herd-select --describe (to free). */
char *selection_text(const struct args *, const struct herd_strv *hosts);

#endif
