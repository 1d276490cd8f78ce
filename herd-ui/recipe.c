/*
 * Recipes (herd-config(5)): their steps run in turn, each a run of one
 * series, on the target hosts or on those a step's selector picks from
 * the step before.  A step's placeholders are filled per host, every value
 * shell-quoted (lib/recipes.c); where hosts' commands differ, each host
 * gets its own (P records).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui.h"

int
recipe_prepare(const struct ui *ui, const char *name, const struct herd_strv *sets,
    struct recipe_call *rc)
{
	struct herd_strv names = { 0 };
	const char *near;
	char *why, *safe;
	int builtin;
	time_t now = time(NULL);
	char stamp[32];

	memset(rc, 0, sizeof *rc);
	if (!(rc->r = herd_recipe_find(&ui->cfg, name, &builtin))) {
		herd_recipe_names(&ui->cfg, &names);
		safe = herd_safe(name);
		near = herd_suggest(name, (const char *const *)names.v, names.n);
		fprintf(stderr, "herd-ui: no recipe %s%s%s%s; herd recipe --list shows them\n",
		    safe, near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
		free(safe);
		herd_strv_free(&names);
		return -1;
	}
	if (herd_recipe_values(rc->r, sets, &rc->values, &why) < 0) {
		safe = herd_safe(why);
		fprintf(stderr, "herd-ui: %s\n", safe);
		free(safe);
		free(why);
		herd_strv_free(&rc->values);
		return -1;
	}
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
	rc->timestamp = xstrdup(stamp);
	return 0;
}

void
recipe_call_free(struct recipe_call *rc)
{
	herd_strv_free(&rc->values);
	free(rc->timestamp);
	memset(rc, 0, sizeof *rc);
}

/* Each recipe, with its parameters, as herd recipe --list shows them. */
void
recipe_list(const struct ui *ui)
{
	struct herd_strv names = { 0 };
	const struct herd_recipe *r;
	const struct herd_param *p;
	char *what, *about;
	size_t i, j;
	int builtin;

	herd_recipe_names(&ui->cfg, &names);
	for (i = 0; i < names.n; i++) {
		r = herd_recipe_find(&ui->cfg, names.v[i], &builtin);
		about = herd_safe(r->description ? r->description : "");
		printf("%-16s %s%s\n", r->name, about, builtin ? " (built-in)" : "");
		free(about);
		for (j = 0; j < r->nparams; j++) {
			p = &r->params[j];
			what = p->def ? xasprintf("%s=%s", p->name, p->def) :
			    xasprintf("%s%s", p->name, p->required ? " (required)" : "");
			about = herd_safe(what);
			free(what);
			what = herd_safe(p->description ? p->description : "");
			printf("    %-24s %s\n", about, what);
			free(about);
			free(what);
		}
	}
	herd_strv_free(&names);
}

/* The group {{.Group}} names for host K: the -g group, else its first. */
static const char *
group_of(const struct ui *ui, const struct khost *k)
{
	if (ui->label)
		return ui->label;
	return k->h.groups.n ? k->h.groups.v[0] : "";
}

/* STEP as shown: {{.Host}} and {{.Group}} as written, the rest filled in. */
static void
shown(const struct recipe_call *rc, const char *step, struct herd_buf *out)
{
	struct herd_recipe_vars v = { &rc->values, NULL, NULL, rc->timestamp };
	char *why = NULL;

	/* the steps were checked when the config was read: nothing fails here */
	herd_buf_reset(out);
	herd_recipe_render(rc->r, step, &v, out, &why);
	free(why);
}

/* STEP's command for each of HOSTS, in OWN; none when all are SHOWN. */
static void
render(struct ui *ui, const struct recipe_call *rc, const char *step,
    const struct herd_strv *hosts, const char *shown, struct herd_strv *own)
{
	struct herd_recipe_vars v = { &rc->values, NULL, NULL, rc->timestamp };
	struct herd_buf cmd = { 0 };
	const struct khost *k;
	char *why = NULL;
	size_t i, same = 0;

	for (i = 0; i < hosts->n; i++) {
		k = host_find(ui, hosts->v[i]);
		v.host = k->h.name;
		v.group = group_of(ui, k);
		herd_buf_reset(&cmd);
		herd_recipe_render(rc->r, step, &v, &cmd, &why);
		herd_strv_add(own, cmd.p);
		same += !strcmp(cmd.p, shown);
	}
	if (same == hosts->n)
		herd_strv_free(own);
	herd_buf_free(&cmd);
	free(why);
}

static void
header(const struct recipe_call *rc, size_t i, const char *command)
{
	char *safe = herd_safe(command);

	printf("=== Step %zu/%zu: %s ===\n", i + 1, rc->r->steps.n, safe);
	free(safe);
}

static void
selector_line(const char *sel, size_t n, const char *after)
{
	char *safe = herd_safe(sel);

	printf("    Selector: %s %s %zu host%s%s\n", safe, herd_utf8_locale() ? "\u2192" : "->",
	    n, n == 1 ? "" : "s", after);
	free(safe);
}

/*
 * The hosts of step I: the target set, or those its selector picks from
 * the step before (none when that step was SKIPPED).  -1: skipped.
 */
static int
step_hosts(struct ui *ui, size_t i, const char *sel, int skipped, struct herd_strv *hosts)
{
	if (!sel) {
		target_names(ui, hosts);
		return 0;
	}
	if (i && skipped) {
		printf("    Selector: the step before was skipped: step skipped\n");
		return -1;
	}
	if (pick_last(ui, sel, hosts) < 0) {
		printf("    Selector: %s: step skipped\n", i ? "refused (said above)" :
		    "no results before the first step");
		return -1;
	}
	selector_line(sel, hosts->n, hosts->n ? "" : ": step skipped");
	return hosts->n ? 0 : -1;
}

/*
 * Step I on HOSTS (PICKED by its selector): its run, and whether the
 * recipe goes on.  *STATUS as recipe_run's.
 */
static int
run_step(struct ui *ui, const struct recipe_call *rc, size_t i, const char *series,
    const struct herd_strv *hosts, int picked, const char *cmd, const char *display,
    int *status)
{
	struct herd_strv own = { 0 };
	char *selection = picked ? names_selection(hosts) : NULL;
	struct ask a;
	int more = i + 1 < rc->r->steps.n, bad, gone;

	render(ui, rc, cmd, hosts, display, &own);
	a = (struct ask){ display, selection, hosts, own.n ? &own : NULL, "recipe", series,
	    (long long)i + 1 };
	gone = run_ask(ui, &a) < 0;
	herd_strv_free(&own);
	free(selection);
	if (gone) {
		*status = HERD_EXIT_RUNTIME;
		return 0;
	}
	bad = ui->run_count[HERD_NONZERO] + ui->run_count[HERD_FAILED] +
	    ui->run_count[HERD_TIMEOUT] > 0;
	if (bad)
		*status = HERD_EXIT_HOSTS;
	if (ui->run_cancelled) {
		*status = HERD_EXIT_INTERRUPT;
		if (more)
			printf("Stopped by Ctrl-C: the steps after step %zu were not run\n", i + 1);
		return 0;
	}
	if (bad && rc->r->stop_on_failure && more) {
		printf("Stopped: step %zu was not ok on every host, and the recipe says "
		    "stop_on_failure\n", i + 1);
		return 0;
	}
	return 1;
}

/*
 * The recipe's steps in turn.  The exit status: 0 when every host of
 * every step was ok, 1 when some was not, 130 when Ctrl-C stopped it, 3
 * when the serving herd-run went away.
 */
int
recipe_run(struct ui *ui, const struct recipe_call *rc)
{
	struct herd_strv hosts = { 0 };
	struct herd_buf display = { 0 };
	const char *cmd;
	char *sel, *series = herd_run_id_new(herd_now_ms());
	size_t i;
	int status = HERD_EXIT_OK, more = 1, skipped = 0;

	for (i = 0; more && i < rc->r->steps.n; i++) {
		cmd = herd_recipe_step_command(rc->r->steps.v[i], &sel);
		shown(rc, cmd, &display);
		header(rc, i, display.p);
		skipped = step_hosts(ui, i, sel, skipped, &hosts) < 0;
		if (!skipped)
			more = run_step(ui, rc, i, series, &hosts, sel != NULL, cmd, display.p,
			    &status);
		free(sel);
		herd_strv_free(&hosts);
	}
	herd_buf_free(&display);
	free(series);
	return status;
}

/* Each step's command per host, without running anything (--dry-run). */
void
recipe_dry_run(struct ui *ui, const struct recipe_call *rc)
{
	struct herd_strv hosts = { 0 }, own = { 0 }, same = { 0 };
	struct herd_buf display = { 0 };
	const char *cmd;
	char *sel, *list, *safe;
	size_t i, j, k;

	target_names(ui, &hosts);
	for (i = 0; i < rc->r->steps.n; i++) {
		cmd = herd_recipe_step_command(rc->r->steps.v[i], &sel);
		shown(rc, cmd, &display);
		header(rc, i, display.p);
		if (sel) {
			safe = herd_safe(sel);
			if (i)
				printf("    Selector: %s (the hosts it picks from step %zu's "
				    "results)\n", safe, i);
			else
				printf("    Selector: %s (the hosts it picks from the last "
				    "result)\n", safe);
			free(safe);
		}
		render(ui, rc, cmd, &hosts, display.p, &own);
		if (!own.n)	/* every host has the command shown */
			for (j = 0; j < hosts.n; j++)
				herd_strv_add(&own, display.p);
		/* hosts with one command together, in the order of their first */
		for (j = 0; j < hosts.n; j++) {
			if (!own.v[j])
				continue;
			herd_strv_add(&same, hosts.v[j]);
			for (k = j + 1; k < hosts.n; k++)
				if (own.v[k] && !strcmp(own.v[k], own.v[j])) {
					herd_strv_add(&same, hosts.v[k]);
					free(own.v[k]);
					own.v[k] = NULL;
				}
			list = herd_fold(same.v, same.n, 1);
			safe = herd_safe(own.v[j]);
			printf("  %s: %s\n", list, safe);
			free(list);
			free(safe);
			herd_strv_free(&same);
		}
		free(sel);
		herd_strv_free(&own);
	}
	herd_strv_free(&hosts);
	herd_buf_free(&display);
}
