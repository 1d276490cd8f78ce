/* conf.h — the herd configuration (herd-config(5)). */
#ifndef HERD_CONF_H
#define HERD_CONF_H

#include "herd.h"

enum {
	HERD_ON_FAILURE = 1 << 0,
	HERD_ON_CHANGE = 1 << 1,
	HERD_ON_TIMEOUT = 1 << 2,
	HERD_ON_RESOLVE = 1 << 3,
};

/* Built-in defaults, used where the config says nothing. */
#define HERD_DEFAULT_CONCURRENCY 64
#define HERD_DEFAULT_TIMEOUT_MS 30000
#define HERD_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define HERD_DEFAULT_RETENTION_MS (30LL * 86400000)
#define HERD_DEFAULT_COOLDOWN_MS 300000

struct herd_group {
	char *name;
	struct herd_hostlist hosts;	/* as written: user/port set only per host */
	char *user;
	int port;
	long long timeout_ms;	/* -1: unset */
};

struct herd_defaults {		/* -1 / NULL: unset */
	long long concurrency;
	long long timeout_ms;
	long long connect_timeout_ms;
	long long history_retention_ms;
	char *output;		/* grouped | json */
	char *mux;		/* auto | no: herd-run's --mux */
};

struct herd_param {
	char *name, *def, *description;
	int required;
};

struct herd_recipe {
	char *name, *description;
	struct herd_param *params;
	size_t nparams;
	struct herd_strv steps;		/* templates; "@SELECTOR COMMAND" */
	int stop_on_failure;
};

struct herd_extract {
	char *field;
	char *pattern;		/* PCRE2, capture group 1 */
	int column;		/* 1-based whitespace column; 0 with a pattern */
};

struct herd_parser {
	char *name;
	struct herd_extract *extract;
	size_t nextract;
};

struct herd_kv {
	char *key, *value;
};

struct herd_notifier {
	char *name;
	char *type;		/* webhook | slack | script */
	char *url;		/* webhook, and slack's "webhook" */
	char *method;		/* webhook; NULL: POST */
	char *body;		/* webhook body template */
	char *command;		/* script */
	struct herd_kv *headers;
	size_t nheaders;
	unsigned on;		/* HERD_ON_* */
	long long cooldown_ms;	/* -1: unset */
};

/* history: recording switch, runs kept per command+selection, redactions. */
struct herd_history_conf {
	int record;		/* -1 unset (record), 0 no, 1 yes */
	long long keep;		/* -1 unset */
	struct herd_strv redact;	/* PCRE2 patterns */
};

struct herd_config {
	char *path;		/* NULL: no config file */
	struct herd_group *groups;
	size_t ngroups;
	struct herd_defaults defaults;
	struct herd_recipe *recipes;
	size_t nrecipes;
	struct herd_parser *parsers;
	size_t nparsers;
	struct herd_notifier *notifiers;
	size_t nnotifiers;
	struct herd_history_conf history;
	struct herd_strv errors;	/* "file:line:col: message" */
};

/* Which file to load: -c FILE, $HERD_CONFIG, XDG default; *must_exist set when named. */
char *herd_conf_locate(const char *opt, int *must_exist);
/*
 * Load a config: 0, or -1 with errors in cfg->errors, or -2 when the system
 * failed to read it (descriptors, memory, I/O): a runtime error.
 */
int herd_conf_load(struct herd_config *, const char *path, int must_exist);
/* Print the errors of herd_conf_load's rc: each, then a count when -1. */
void herd_conf_print_errors(const struct herd_config *, int rc);
/* Load as the programs do (-c FILE or the default); on errors print them and
 * exit 2, or HERD_EXIT_RUNTIME for the system's. */
void herd_conf_load_or_die(struct herd_config *, const char *opt);
void herd_conf_free(struct herd_config *);
/*
 * conf_edit.c: ENTRIES (each a host as YAML flow text) added to the hosts of
 * GROUP in the config TEXT, every other byte kept: 0 with the new text
 * appended to OUT, or -1 with *err ("line:col: why", to free).
 */
int herd_conf_add_hosts(const char *text, size_t len, const char *group,
    const struct herd_strv *entries, struct herd_buf *out, char **err);
/* For config validate: "2 groups, 6 host entries, 1 recipe, ...", to free. */
char *herd_conf_summary(const struct herd_config *);
const struct herd_group *herd_conf_group(const struct herd_config *, const char *);

long long herd_conf_concurrency(const struct herd_config *);
long long herd_conf_timeout_ms(const struct herd_config *);
long long herd_conf_connect_timeout_ms(const struct herd_config *);
long long herd_conf_retention_ms(const struct herd_config *);
/* "grouped" or "json" (defaults.output): json makes herd's views --json. */
const char *herd_conf_output(const struct herd_config *);
/* "auto" or "no" (defaults.mux, else HERD_MUX_DEFAULT): herd-run's --mux. */
const char *herd_conf_mux(const struct herd_config *);

/* recipes.c: the config's recipes and the built-in ones. */
const struct herd_recipe *herd_recipe_find(const struct herd_config *, const char *name,
    int *is_builtin);
void herd_recipe_names(const struct herd_config *, struct herd_strv *);
int herd_recipe_var(const char *name);	/* Host, Group, Timestamp */
/* A step's placeholders are its recipe's params or the built-ins: 0, or -1 with *err. */
int herd_recipe_check_step(const struct herd_recipe *, const char *step, char **err);
/* Each param's value (in params' order) from SETS, "NAME=VALUE": 0, or -1 with *err. */
int herd_recipe_values(const struct herd_recipe *, const struct herd_strv *sets,
    struct herd_strv *values, char **err);
struct herd_recipe_vars {
	const struct herd_strv *values;	/* herd_recipe_values' */
	const char *host;		/* NULL: {{.Host}} and {{.Group}} kept as written */
	const char *group, *timestamp;
};
/* STEP's placeholders replaced by their values, each shell-quoted: 0, or -1 with *err. */
int herd_recipe_render(const struct herd_recipe *, const char *step,
    const struct herd_recipe_vars *, struct herd_buf *out, char **err);
/* A step's command; *selector its leading "@SELECTOR" (to free), or NULL. */
const char *herd_recipe_step_command(const char *step, char **selector);

/* select.c: host selection (herd-select(1)). */
struct herd_selector {
	struct herd_strv groups;	/* -g, each maybe a comma list */
	struct herd_strv tags;		/* -t expressions, ORed */
	struct herd_strv patterns;	/* positional hosts, ranges, globs */
	struct herd_strv files;		/* -f host files, "-" = stdin */
	struct herd_strv excludes;	/* -x: removed from the selection last */
	int all;			/* -a */
	long long pick;		/* --pick N: N hosts at random; 0 all */
};
/* Every configured host once, group settings applied, groups and tags merged. */
void herd_inventory(const struct herd_config *, struct herd_hostlist *);
/* Select hosts; -1 with a message in *err (to free) on a bad selection. */
int herd_select(const struct herd_config *, const struct herd_selector *,
    struct herd_hostlist *, char **err);
void herd_selector_free(struct herd_selector *);
/* Add -w's comma list (pdsh: -HOST excludes, ^FILE a file, - stdin); -1: no host in it. */
int herd_selector_add_w(struct herd_selector *, const char *list);
/* describe.c: the selection in canonical, order-independent form (herd-select words). */
char *herd_selector_describe(const struct herd_selector *);

/* conf_export.c: normalised YAML (sorted keys, stable, re-readable). */
int herd_conf_export(const struct herd_config *, FILE *);

#endif
