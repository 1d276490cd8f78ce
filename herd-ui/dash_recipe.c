/*
 * recipe NAME [k=v...] in the dashboard: its steps in turn, each a run of
 * one series, as herd recipe runs them (herd-ui/recipe.c): a step's
 * selector picks from the step before, its placeholders are filled per
 * host (lib/recipes.c, every value shell-quoted), a step that picks no
 * host is skipped; stop_on_failure and a cancel stop the steps after.
 */
#include <stdlib.h>
#include <string.h>

#include "dash.h"

static void
add_all(struct herd_strv *to, const struct herd_strv *from)
{
	for (size_t i = 0; i < from->n; i++)
		herd_strv_add(to, from->v[i]);
}

void
dash_recipe_stop(struct dash *d)
{
	if (!d->in_recipe)
		return;
	if (d->run_live)
		dash_cancel(d);
	recipe_call_free(&d->recipe);
	herd_strv_free(&d->recipe_hosts);
	d->in_recipe = 0;
}

/* Step d->step's command for each host into OWN (none when all alike). */
static void
render(struct dash *d, const char *cmd, const struct herd_strv *hosts, struct herd_buf *shown,
    struct herd_strv *own)
{
	struct herd_recipe_vars v = { &d->recipe.values, NULL, NULL, d->recipe.timestamp };
	struct herd_buf c = { 0 };
	const struct khost *k;
	char *why = NULL;
	size_t i, same = 0;

	herd_recipe_render(d->recipe.r, cmd, &v, shown, &why);
	free(why);
	why = NULL;
	for (i = 0; i < hosts->n; i++) {
		k = host_find(d->ui, hosts->v[i]);
		v.host = k->h.name;
		v.group = d->ui->label ? d->ui->label : k->h.groups.n ? k->h.groups.v[0] : "";
		herd_buf_reset(&c);
		herd_recipe_render(d->recipe.r, cmd, &v, &c, &why);
		free(why);
		why = NULL;
		herd_strv_add(own, c.p ? c.p : "");
		same += !strcmp(c.p ? c.p : "", shown->p ? shown->p : "");
	}
	if (same == hosts->n)
		herd_strv_free(own);
	herd_buf_free(&c);
}

/* Step d->step, or the next that picks a host: 1 started, 0 none left. */
static int
step(struct dash *d)
{
	const struct herd_recipe *r = d->recipe.r;
	struct herd_strv own = { 0 };
	struct herd_buf shown = { 0 };
	const char *cmd;
	char *sel;
	int rc = 0;

	for (; !rc && d->step < r->steps.n; d->step += !rc) {
		cmd = herd_recipe_step_command(r->steps.v[d->step], &sel);
		herd_strv_free(&d->run_hosts);
		if (!sel)
			add_all(&d->run_hosts, &d->recipe_hosts);
		else if (d->step > 0)
			dash_pick(d, sel, &d->run_hosts);
		free(sel);
		if (!d->run_hosts.n)
			continue;	/* skipped: picks no host */
		herd_buf_reset(&shown);
		render(d, cmd, &d->run_hosts, &shown, &own);
		free(d->command);
		d->command = xasprintf("%s: step %zu/%zu: %s", r->name, d->step + 1, r->steps.n,
		    shown.p ? shown.p : "");
		d->seq = (long long)d->step + 1;
		rc = dash_ask(d, shown.p ? shown.p : "", &d->run_hosts, own.n ? &own : NULL, 0) == 0;
		herd_strv_free(&own);
	}
	herd_buf_free(&shown);
	return rc;
}

/* The run of a step ended: the next step, unless the recipe stops.  1: one started. */
int
dash_recipe_next(struct dash *d)
{
	size_t i, bad = 0;

	if (!d->in_recipe)
		return 0;
	for (i = 0; i < d->nrow; i++)
		bad += d->row[i].in_run && d->row[i].st != HERD_OK;
	d->step++;
	if (d->cancelled || (bad && d->recipe.r->stop_on_failure) ||
	    d->step >= d->recipe.r->steps.n || !step(d)) {
		dash_message(d, "recipe %s: %s after step %zu", d->recipe.r->name,
		    d->cancelled ? "cancelled" : bad && d->recipe.r->stop_on_failure &&
		    d->step < d->recipe.r->steps.n ? "stopped (stop_on_failure)" : "done",
		    d->step);
		dash_recipe_stop(d);
		return 0;
	}
	return 1;
}

/* recipe NAME [k=v...] on d->run_hosts. */
void
dash_recipe(struct dash *d, const char *arg)
{
	struct herd_strv words = { 0 }, sets = { 0 };
	size_t i;

	herd_strv_split(&words, arg, ' ');
	if (!words.n || !*words.v[0]) {
		dash_message(d, "recipe: which one? recipe NAME [k=v...]");
		goto out;
	}
	for (i = 1; i < words.n; i++)
		if (*words.v[i])
			herd_strv_add(&sets, words.v[i]);
	/* its errors go to stderr, which the dashboard shows */
	if (recipe_prepare(d->ui, words.v[0], &sets, &d->recipe) < 0)
		goto out;
	d->in_recipe = 1;
	d->mode = MODE_RECIPE;
	herd_strv_free(&d->recipe_hosts);
	add_all(&d->recipe_hosts, &d->run_hosts);
	free(d->series);
	d->series = herd_run_id_new(herd_now_ms());
	d->step = 0;
	if (!step(d)) {
		dash_message(d, "recipe %s: no step picked a host", words.v[0]);
		dash_recipe_stop(d);
	}
out:
	herd_strv_free(&words);
	herd_strv_free(&sets);
}
