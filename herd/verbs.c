/*
 * Composed verbs, one table entry each: the stages, the option sets taken
 * (each option is given to the stages of its role, see opts.c), and what is
 * the verb's own.
 *   herd exec CMD [HOSTS...]  = herd-select | herd-run -- CMD | herd-hist record | herd-group
 *     (--notify: herd-notify after herd-hist record)
 *   herd ping [HOSTS...]      = herd-select | herd-run --ping | herd-group --ping
 *   herd watch CMD [HOSTS...] = herd-select | herd-run --every DUR -- CMD |
 *     herd-hist record | herd-group --watch  (herd-notify when the config has
 *     notification targets)
 *   herd tail PATH... [HOSTS...] = herd-select | herd-run --follow -- 'tail -F ...' |
 *     herd-group --tail  (tail.c)
 *   herd push LOCAL REMOTE [HOSTS...] = herd-select | herd-run --kind push
 *     --stdin-file DATA -- SCRIPT | herd-hist record | herd-group  (push.c)
 *   herd pull REMOTE [HOSTS...] = herd-select | herd-run --kind pull --output-dir DIR
 *     --output-name REMOTE -- SCRIPT | herd-hist record | herd-group  (pull.c)
 *   herd diff PATH [HOSTS...] = herd-select | herd-run --kind read -- SCRIPT |
 *     herd-hist record | herd-group  (filediff.c)
 *   herd tunnel -L SPEC [HOSTS...] = herd-select | herd-run --forward SPEC |
 *     herd-group --tunnel  (tunnel.c)
 * and verbs that act themselves:
 *   herd mux start|stop|status  (mux.c)
 *   herd repl [HOSTS...]        (repl.c: herd-ui)
 *   herd recipe NAME [HOSTS...] (repl.c: herd-ui --recipe NAME)
 *   herd discover --cidr CIDR  (discover.c: herd-run --ping on the range's addresses)
 *   herd snapshot [HOSTS...]    (snapshot.c: herd-select, herd-run --serve,
 *     herd-hist record, herd-hist snapshot save)
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"

static const struct {
	unsigned role;
	const char *prog;
} programs[] = {
	{ SELECT, "herd-select" },
	{ RUN, "herd-run" },
	{ GROUP, "herd-group" },
	{ HIST, "herd-hist" },
	{ NOTIFY, "herd-notify" },
};

extern const char exec_help[], ping_help[], mux_help[], repl_help[], recipe_help[];
extern const char snapshot_help[];
extern const char dashboard_help[];
static void build_exec(struct pipeline *, const struct args *);
static void build_ping(struct pipeline *, const struct args *);
static void check_watch(struct args *);
static void build_watch(struct pipeline *, const struct args *);
extern const char watch_help[], tail_help[];
extern const char push_help[], pull_help[];
extern const char diff_help[], discover_help[];

static const struct verb verbs[] = {
	{ "exec", { SELECT, RUN, HIST, NOTIFY, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND | O_VIEW | O_RESULTS |
	  O_DRY_RUN | O_HISTORY | O_NOTIFY,
	  find_unresolved, build_exec, exec_help, NULL },
	{ "ping", { SELECT, RUN, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_AUTH | O_VIEW,
	  NULL, build_ping, ping_help, NULL },
	{ "mux", { 0 }, O_HELP | O_CONFIG | O_CONN | O_MUX, NULL, NULL, mux_help, mux_act },
	{ "watch", { SELECT, RUN, HIST, NOTIFY, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND | O_VIEW | O_HISTORY |
	  O_NOTIFY | O_WATCH,
	  check_watch, build_watch, watch_help, NULL },
	{ "tail", { SELECT, RUN, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_VIEW | O_TAIL,
	  check_tail, build_tail, tail_help, NULL },
	{ "push", { SELECT, RUN, HIST, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND | O_VIEW | O_HISTORY |
	  O_DRY_RUN | O_PUSH,
	  check_push, build_push, push_help, NULL },
	{ "tunnel", { SELECT, RUN, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_TUNNEL,
	  check_tunnel, build_tunnel, tunnel_help, NULL },
	{ "pull", { SELECT, RUN, HIST, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND | O_VIEW | O_HISTORY |
	  O_DRY_RUN | O_PUSH | O_PULL,
	  check_pull, build_pull, pull_help, NULL },
	{ "diff", { SELECT, RUN, HIST, GROUP },
	  O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND | O_VIEW | O_HISTORY |
	  O_DRY_RUN | O_DIFF,
	  check_diff, build_diff, diff_help, NULL },
	{ "discover", { 0 }, O_HELP | O_CONFIG | O_DISCOVER, NULL, NULL, discover_help,
	  discover_act },
	{ "repl", { 0 }, O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND | O_VIEW |
	  O_HISTORY, NULL, NULL, repl_help, repl_act },
	{ "recipe", { 0 }, O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND |
	  O_VIEW | O_HISTORY | O_DRY_RUN | O_RECIPE, NULL, NULL, recipe_help, recipe_act },
	{ "dashboard", { 0 }, O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_COMMAND |
	  O_VIEW | O_HISTORY | O_DASHBOARD, NULL, NULL, dashboard_help, dashboard_act },
	{ "snapshot", { 0 }, O_HELP | O_CONFIG | O_SELECT | O_SSH | O_CONN | O_SNAPSHOT,
	  NULL, NULL, snapshot_help, snapshot_act },
};

/* What a verb does after its pipeline ran, given the exit status. */
static const struct {
	const char *verb;
	int (*after)(const struct args *, int status);
} afters[] = {
	{ "pull", after_pull },
};

static int
after(const struct verb *v, const struct args *a, int status)
{
	size_t i;

	for (i = 0; i < sizeof afters / sizeof afters[0]; i++)
		if (!strcmp(afters[i].verb, v->name))
			return afters[i].after(a, status);
	return status;
}

const struct verb *
verb_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static const char *
program(unsigned role)
{
	size_t i;

	for (i = 0; i < sizeof programs / sizeof programs[0]; i++)
		if (programs[i].role == role)
			return programs[i].prog;
	errx(HERD_EXIT_RUNTIME, "no program for stage %u", role);
}

struct stage *
stage_of(struct pipeline *pl, unsigned role)
{
	int i;

	for (i = 0; i < pl->n; i++)
		if (pl->stage[i].role == role)
			return &pl->stage[i];
	return NULL;
}

/* The verb's stages, without those an option given leaves out. */
static void
add_stages(struct pipeline *pl, const struct verb *v, const struct args *a)
{
	unsigned drop = a->no_history ? HIST : 0;
	struct stage *s;
	size_t i;

	for (i = 0; i < a->nopt; i++)
		drop |= a->opt[i].opt->drops;
	/* a watch notifies when the config has targets */
	if (!args_find(a, "notify") && !args_find(a, "notify-on-resolve") &&
	    !((v->takes & O_WATCH) && a->notify_targets))
		drop |= NOTIFY;
	for (i = 0; v->stages[i]; i++) {
		if (v->stages[i] & drop)
			continue;
		s = pipeline_add(pl, program(v->stages[i]));
		s->role = v->stages[i];
		if (s->role == HIST)
			herd_strv_add(&s->argv, "record");
	}
}

/* The option that left out the stages TO. */
static const char *
dropper(const struct args *a, unsigned to)
{
	size_t i;

	for (i = 0; i < a->nopt; i++)
		if (a->opt[i].opt->drops & to)
			return a->opt[i].as;
	return "";
}

/* Give each option, in the order given, to the stages of its role. */
void
give(struct pipeline *pl, const struct verb *v, const struct args *a)
{
	const struct given *g;
	char *flag;
	int i, taken;
	size_t j;

	for (j = 0; j < a->nopt; j++) {
		g = &a->opt[j];
		if (g->opt->kind == K_STDIN || !g->opt->to)
			continue;	/* compose_verb's, or it only leaves a stage out */
		if (g->opt->pass)
			flag = xstrdup(g->opt->pass);
		else if (g->opt->letter)
			flag = xasprintf("-%c", g->opt->letter);
		else
			flag = xasprintf("--%s", g->opt->name);
		for (i = taken = 0; i < pl->n; i++) {
			if (!(g->opt->to & pl->stage[i].role))
				continue;
			herd_strv_add(&pl->stage[i].argv, flag);
			if (g->opt->arg)
				herd_strv_add(&pl->stage[i].argv, g->value);
			taken = 1;
		}
		free(flag);
		if (!taken)
			errx(HERD_EXIT_USAGE, "%s: %s does nothing with %s", v->name,
			    shown(g->as), dropper(a, g->opt->to));
	}
}

/* --diff-last: the last run like this one goes along, and the view compares with it. */
void
diff_last(struct pipeline *pl, const struct args *a, const char *verb)
{
	struct stage *hist = stage_of(pl, HIST), *group = stage_of(pl, GROUP);
	static const char *const views[] = { "oneline", "parse" };
	size_t i;

	if (!args_find(a, "diff-last") || !group)
		return;
	if (!hist)
		errx(HERD_EXIT_USAGE, "%s: --diff-last looks in the history, which %s",
		    verb, a->no_history && !args_find(a, "no-history") ?
		    "history.record: false in the config turns off" : "--no-history turns off");
	for (i = 0; i < sizeof views / sizeof views[0]; i++)
		if (args_find(a, views[i]))
			errx(HERD_EXIT_USAGE, "%s: --diff-last and --%s: choose one view",
			    verb, views[i]);
	herd_strv_add(&hist->argv, "--last");
	herd_strv_add(&group->argv, "--compare");
}

static void
build_exec(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	struct herd_strv hosts = { 0 }, cmd = { 0 };
	char *selection;
	size_t i;

	diff_last(pl, a, "exec");
	check_words(a);
	exec_words(a, &hosts, &cmd);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&sel->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	herd_strv_add(&run->argv, "--");
	for (i = 0; i < cmd.n; i++)
		herd_strv_add(&run->argv, cmd.v[i]);
	free(selection);
	herd_strv_free(&hosts);
	herd_strv_free(&cmd);
}

static void
build_ping(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	struct herd_strv hosts = { 0 };
	char *selection;
	size_t i;

	for (i = 0; i < a->words.n; i++)
		herd_strv_add(&hosts, a->words.v[i]);
	for (i = 0; i < a->after.n; i++)
		herd_strv_add(&hosts, a->after.v[i]);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&sel->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	free(selection);
	herd_strv_free(&hosts);
	herd_strv_add(&run->argv, "--ping");
	herd_strv_add(&stage_of(pl, GROUP)->argv, "--ping");
}

/* herd watch: what would fail in a stage only once the hosts are selected. */
static void
check_watch(struct args *a)
{
	const char *iv = args_value(a, "interval");
	char m[32];
	long long ms;

	if (args_find(a, "stream") || args_find(a, "diff-last"))
		errx(HERD_EXIT_USAGE, "watch: %s does not go with watch: each iteration "
		    "is shown as it ends, against the one before", args_find(a, "stream") ?
		    "--stream" : "--diff-last");
	find_unresolved(a);
	if (!iv)
		return;
	if (herd_parse_duration(iv, &ms) < 0)
		errx(HERD_EXIT_USAGE, "watch: --interval: expected a duration such as 30s, "
		    "got %s", shown(iv));
	if (ms < herd_watch_min_ms())
		errx(HERD_EXIT_USAGE, "watch: --interval must be at least %s, got %s",
		    herd_format_duration(herd_watch_min_ms(), m, sizeof m), shown(iv));
}

/* The command and hosts as exec's; the interval to herd-run and herd-group. */
static void
build_watch(struct pipeline *pl, const struct args *a)
{
	const char *iv = args_value(a, "interval");

	if (!iv)
		iv = "30s";
	herd_strv_add(&stage_of(pl, RUN)->argv, "--every");
	herd_strv_add(&stage_of(pl, RUN)->argv, iv);
	build_exec(pl, a);	/* after: it ends with -- COMMAND */
	herd_strv_add(&stage_of(pl, GROUP)->argv, "--watch");
	herd_strv_add(&stage_of(pl, GROUP)->argv, "--interval");
	herd_strv_add(&stage_of(pl, GROUP)->argv, iv);
}

/* Run (or explain) a composed verb; -1 when VERB is not one. */
int
compose_verb(const char *name, int argc, char **argv, int explain)
{
	const struct verb *v = verb_find(name);
	struct pipeline pl = { 0 };
	struct stage *view;
	struct args a;
	char *stdin_path;
	int rc;

	if (!v)
		return -1;
	args_parse(v, argc, argv, &a);
	check_config(v, &a, explain);
	if (v->act) {
		rc = v->act(v, &a, explain);
		args_free(&a);
		return rc;
	}
	if (!explain && v->check)
		v->check(&a);
	add_stages(&pl, v, &a);
	give(&pl, v, &a);
	/* defaults.output: json is a --json on every command line */
	if (a.json && !args_find(&a, "json") && (view = stage_of(&pl, GROUP)))
		herd_strv_add(&view->argv, "--json");
	if (args_find(&a, "stdin") && (view = stage_of(&pl, RUN))) {
		herd_strv_add(&view->argv, "--stdin-file");
		stdin_path = explain ? xstrdup("FILE") : stdin_to_file();
		herd_strv_add(&view->argv, stdin_path);
		free(stdin_path);
	}
	v->build(&pl, &a);
	if (explain) {
		args_free(&a);
		return pipeline_explain(&pl);
	}
	rc = after(v, &a, pipeline_run(&pl));
	args_free(&a);
	return rc;
}
