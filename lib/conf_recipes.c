/* recipes: named sequences of commands with parameters. */
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

/* One parameter: null, a default value, or a mapping. */
static void
param(struct herd_walk *w, struct herd_param *pa, yaml_node_t *v, const char *where)
{
	static const char *const keys[] = { "default", "description", "required" };
	yaml_node_t *f;

	if (herd_walk_is_null(v))
		return;
	if (v->type == YAML_SCALAR_NODE) {	/* shorthand: name: default */
		pa->def = xstrdup(herd_walk_scalar(v));
		return;
	}
	if (herd_walk_expect(w, v, YAML_MAPPING_NODE, "a mapping or a default value",
	    where) < 0)
		return;
	herd_walk_keys(w, v, keys, LENGTH(keys), where);
	if ((f = herd_walk_get(w, v, "default")) && !herd_walk_is_null(f) &&
	    f->type == YAML_SCALAR_NODE)
		pa->def = xstrdup(herd_walk_scalar(f));
	else if (f && !herd_walk_is_null(f))
		herd_walk_fail(w, f, "%s: parameter \"%s\": default must be a scalar",
		    where, pa->name);
	herd_walk_set_string(w, v, "description", where, &pa->description);
	if ((f = herd_walk_get(w, v, "required")))
		herd_walk_boolean(w, f, where, &pa->required);
}

static void
params(struct herd_walk *w, struct herd_recipe *r, yaml_node_t *n, const char *where)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;
	struct herd_param *pa;
	size_t cap = 0;

	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_MAPPING_NODE,
	    "a mapping of parameters", where) < 0)
		return;
	herd_walk_keys(w, n, NULL, 0, where);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = herd_walk_node(w, p->key);
		if (k->type != YAML_SCALAR_NODE ||
		    !herd_walk_name_ok(w, k, "parameter", herd_walk_scalar(k)))
			continue;
		if (herd_recipe_var(herd_walk_scalar(k))) {
			herd_walk_fail(w, k, "%s: parameter \"%s\" is a built-in name "
			    "({{.Host}}, {{.Group}}, {{.Timestamp}})", where, herd_walk_scalar(k));
			continue;
		}
		herd_grow(&r->params, &cap, r->nparams, sizeof *r->params);
		pa = &r->params[r->nparams++];
		pa->name = xstrdup(herd_walk_scalar(k));
		param(w, pa, herd_walk_node(w, p->value), where);
	}
}

/* A step: its placeholders are the recipe's params (read before) or built-ins. */
static void
step(struct herd_walk *w, struct herd_recipe *r, yaml_node_t *n, const char *s,
    const char *where)
{
	char *why, *cmd, *sel;

	if (herd_recipe_check_step(r, s, &why) < 0) {
		herd_walk_fail(w, n, "%s: step %zu: %s", where, r->steps.n + 1, why);
		free(why);
	}
	cmd = (char *)herd_recipe_step_command(s, &sel);
	if (sel && !*cmd)
		herd_walk_fail(w, n, "%s: step %zu: a command goes after the selector %s",
		    where, r->steps.n + 1, sel);
	free(sel);
	herd_strv_add(&r->steps, s);
}

static void
recipe(struct herd_walk *w, yaml_node_t *k, yaml_node_t *n, size_t *cap)
{
	static const char *const keys[] = { "description", "params", "steps",
	    "stop_on_failure" };
	struct herd_config *cfg = w->cfg;
	struct herd_recipe *r;
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *s;
	char *where = xasprintf("recipe \"%s\"", herd_walk_scalar(k));

	herd_grow(&cfg->recipes, cap, cfg->nrecipes, sizeof *cfg->recipes);
	r = &cfg->recipes[cfg->nrecipes++];
	r->name = xstrdup(herd_walk_scalar(k));
	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"steps\"",
	    where) < 0)
		goto out;
	herd_walk_keys(w, n, keys, LENGTH(keys), where);
	herd_walk_set_string(w, n, "description", where, &r->description);
	if ((v = herd_walk_get(w, n, "params")))
		params(w, r, v, where);
	if (!(v = herd_walk_get(w, n, "steps"))) {
		herd_walk_fail(w, k, "%s: needs \"steps\", a list of commands", where);
		goto out;
	}
	if (herd_walk_expect(w, v, YAML_SEQUENCE_NODE, "a list of commands", where) < 0)
		goto out;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		if ((s = herd_walk_string(w, herd_walk_node(w, *it), where)))
			step(w, r, herd_walk_node(w, *it), s, where);
	if (r->steps.n == 0)
		herd_walk_fail(w, v, "%s: \"steps\" is empty", where);
	if ((v = herd_walk_get(w, n, "stop_on_failure")))
		herd_walk_boolean(w, v, where, &r->stop_on_failure);
out:
	free(where);
}

static void
parse(struct herd_walk *w, yaml_node_t *n)
{
	herd_walk_named(w, n, "recipes", "recipe", recipe);
}

static void
export_params(struct herd_emit *o, const struct herd_recipe *r)
{
	const void **v = herd_conf_sorted(r->params, r->nparams, sizeof *r->params);
	const struct herd_param *pa;
	size_t i;

	herd_emit_str(o, "params");
	herd_emit_map_start(o, 0);
	for (i = 0; i < r->nparams; i++) {
		pa = v[i];
		herd_emit_str(o, pa->name);
		herd_emit_map_start(o, 0);
		herd_emit_kv(o, "default", pa->def);
		herd_emit_kv(o, "description", pa->description);
		if (pa->required)
			herd_emit_kv(o, "required", "true");
		herd_emit_map_end(o);
	}
	herd_emit_map_end(o);
	free(v);
}

static void
export(struct herd_emit *o, const struct herd_config *cfg)
{
	const void **v;
	const struct herd_recipe *r;
	size_t i, j;

	if (!cfg->nrecipes)
		return;
	v = herd_conf_sorted(cfg->recipes, cfg->nrecipes, sizeof *cfg->recipes);
	herd_emit_str(o, "recipes");
	herd_emit_map_start(o, 0);
	for (i = 0; i < cfg->nrecipes; i++) {
		r = v[i];
		herd_emit_str(o, r->name);
		herd_emit_map_start(o, 0);
		herd_emit_kv(o, "description", r->description);
		if (r->nparams)
			export_params(o, r);
		herd_emit_str(o, "steps");
		herd_emit_seq_start(o, 0);
		for (j = 0; j < r->steps.n; j++)
			herd_emit_str(o, r->steps.v[j]);
		herd_emit_seq_end(o);
		if (r->stop_on_failure)
			herd_emit_kv(o, "stop_on_failure", "true");
		herd_emit_map_end(o);
	}
	herd_emit_map_end(o);
	free(v);
}

static void
summary(const struct herd_config *cfg, struct herd_buf *b)
{
	herd_conf_count(b, cfg->nrecipes, "recipe", "recipes");
}

static void
free_recipes(struct herd_config *cfg)
{
	struct herd_recipe *r;
	size_t i, j;

	for (i = 0; i < cfg->nrecipes; i++) {
		r = &cfg->recipes[i];
		for (j = 0; j < r->nparams; j++) {
			free(r->params[j].name);
			free(r->params[j].def);
			free(r->params[j].description);
		}
		free(r->params);
		free(r->name);
		free(r->description);
		herd_strv_free(&r->steps);
	}
	free(cfg->recipes);
}

const struct herd_conf_section herd_conf_recipes = {
	.key = "recipes",
	.parse = parse,
	.export = export,
	.summary = summary,
	.free = free_recipes,
};
