#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>

#include "conf_int.h"

static void
tags_list(struct herd_walk *w, yaml_node_t *n, struct herd_strv *tags, const char *where)
{
	yaml_node_item_t *it;
	yaml_node_t *t;
	const char *s;

	if (herd_walk_expect(w, n, YAML_SEQUENCE_NODE, "a list of tags such as [prod, debian12]",
	    where) < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		t = herd_walk_node(w, *it);
		if (!(s = herd_walk_string(w, t, where)) || !herd_walk_name_ok(w, t, "tag", s))
			continue;
		if (!herd_strv_has(tags, s))
			herd_strv_add(tags, s);
	}
}

static int
user_ok(struct herd_walk *w, yaml_node_t *n, const char *user, const char *where)
{
	if (herd_valid_user(user))
		return 1;
	herd_walk_fail(w, n, "%s: user \"%s\": use letters, digits, '.', '_', '-' and '@', "
	    "not a leading '-'", where, user);
	return 0;
}

static const char *const host_keys[] = { "host", "tags", "user", "port" };

static void
host_entry(struct herd_walk *w, yaml_node_t *n, struct herd_group *g, const char *where)
{
	struct herd_host h;
	yaml_node_t *v;
	yaml_node_t *at = n;
	const char *s, *err;
	long long port;
	size_t i;

	if (n->type == YAML_SCALAR_NODE && !herd_walk_is_null(n)) {
		s = herd_walk_scalar(n);
	} else if (n->type == YAML_MAPPING_NODE) {
		herd_walk_keys(w, n, host_keys, LENGTH(host_keys), where);
		v = herd_walk_get(w, n, "host");
		if (!v) {
			herd_walk_fail(w, n, "%s: a host mapping needs a \"host\" key", where);
			return;
		}
		if (!(s = herd_walk_string(w, v, where)))
			return;
		at = v;
	} else {
		herd_walk_fail(w, n, "%s: expected a host name or a mapping with \"host\", got %s",
		    where, herd_walk_kind(n));
		return;
	}
	if (herd_host_parse(s, &h, &err) < 0) {
		herd_walk_fail(w, at, "%s: host \"%s\": %s", where, s, err);
		return;
	}
	if (n->type == YAML_MAPPING_NODE) {
		if ((v = herd_walk_get(w, n, "tags")))
			tags_list(w, v, &h.tags, where);
		if ((v = herd_walk_get(w, n, "user")) && (s = herd_walk_string(w, v, where)) &&
		    user_ok(w, v, s, where)) {
			free(h.user);
			h.user = xstrdup(s);
		}
		if ((v = herd_walk_get(w, n, "port")) && herd_walk_integer(w, v, where, 1, 65535, &port) == 0)
			h.port = (int)port;
	}
	for (i = 0; i < g->hosts.n; i++)
		if (!strcmp(g->hosts.h[i].name, h.name)) {
			herd_walk_fail(w, at, "%s: host \"%s\" is listed twice in group \"%s\"",
			    where, h.name, g->name);
			herd_host_free(&h);
			return;
		}
	h.line = at->start_mark.line + 1;
	h.column = at->start_mark.column + 1;
	herd_strv_add(&h.groups, g->name);
	*herd_hostlist_add(&g->hosts) = h;
}

static const char *const group_keys[] = { "hosts", "user", "port", "timeout" };

static void
group(struct herd_walk *w, yaml_node_t *k, yaml_node_t *n, size_t *cap)
{
	struct herd_group *g;
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *name = herd_walk_scalar(k);
	long long port;
	char *where = xasprintf("group \"%s\"", name);

	herd_grow(&w->cfg->groups, cap, w->cfg->ngroups, sizeof *w->cfg->groups);
	g = &w->cfg->groups[w->cfg->ngroups++];
	g->name = xstrdup(name);
	g->timeout_ms = -1;
	if (herd_walk_is_null(n))
		goto out;
	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"hosts\"", where) < 0)
		goto out;
	herd_walk_keys(w, n, group_keys, LENGTH(group_keys), where);
	herd_walk_set_string(w, n, "user", where, &g->user);
	if (g->user && !user_ok(w, herd_walk_get(w, n, "user"), g->user, where)) {
		free(g->user);
		g->user = NULL;
	}
	if ((v = herd_walk_get(w, n, "port")) && herd_walk_integer(w, v, where, 1, 65535, &port) == 0)
		g->port = (int)port;
	if ((v = herd_walk_get(w, n, "timeout")))
		herd_walk_duration(w, v, where, &g->timeout_ms);
	v = herd_walk_get(w, n, "hosts");
	if (!v || herd_walk_is_null(v))
		goto out;
	if (herd_walk_expect(w, v, YAML_SEQUENCE_NODE, "a list of hosts", where) < 0)
		goto out;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		host_entry(w, herd_walk_node(w, *it), g, where);
out:
	free(where);
}

static const char *const defaults_keys[] = {
	"concurrency", "connect_timeout", "history_retention", "output", "timeout",
};

static void
defaults(struct herd_walk *w, yaml_node_t *n)
{
	struct herd_defaults *d = &w->cfg->defaults;
	yaml_node_t *v;

	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping", "defaults") < 0)
		return;
	herd_walk_keys(w, n, defaults_keys, LENGTH(defaults_keys), "defaults");
	if ((v = herd_walk_get(w, n, "concurrency")))
		herd_walk_integer(w, v, "defaults.concurrency", 1, 100000, &d->concurrency);
	if ((v = herd_walk_get(w, n, "timeout")))
		herd_walk_duration(w, v, "defaults.timeout", &d->timeout_ms);
	if ((v = herd_walk_get(w, n, "connect_timeout")))
		herd_walk_duration(w, v, "defaults.connect_timeout", &d->connect_timeout_ms);
	if ((v = herd_walk_get(w, n, "history_retention")))
		herd_walk_duration(w, v, "defaults.history_retention", &d->history_retention_ms);
	herd_walk_set_string(w, n, "output", "defaults.output", &d->output);
	if (d->output && strcmp(d->output, "grouped") && strcmp(d->output, "json")) {
		herd_walk_fail(w, herd_walk_get(w, n, "output"),
		    "defaults.output: expected \"grouped\" or \"json\", got \"%s\"",
		    d->output);
		free(d->output);
		d->output = NULL;
	}
}

static const char *const param_keys[] = { "default", "description", "required" };

static void
params(struct herd_walk *w, struct herd_recipe *r, yaml_node_t *n, const char *where)
{
	yaml_node_pair_t *p;
	yaml_node_t *k, *v, *f;
	struct herd_param *pa;
	size_t cap = 0;

	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping of parameters",
	    where) < 0)
		return;
	herd_walk_keys(w, n, NULL, 0, where);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = herd_walk_node(w, p->key);
		v = herd_walk_node(w, p->value);
		if (k->type != YAML_SCALAR_NODE || !herd_walk_name_ok(w, k, "parameter", herd_walk_scalar(k)))
			continue;
		herd_grow(&r->params, &cap, r->nparams, sizeof *r->params);
		pa = &r->params[r->nparams++];
		pa->name = xstrdup(herd_walk_scalar(k));
		if (herd_walk_is_null(v))
			continue;
		if (v->type == YAML_SCALAR_NODE) {	/* shorthand: name: default */
			pa->def = xstrdup(herd_walk_scalar(v));
			continue;
		}
		if (herd_walk_expect(w, v, YAML_MAPPING_NODE, "a mapping or a default value",
		    where) < 0)
			continue;
		herd_walk_keys(w, v, param_keys, LENGTH(param_keys), where);
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
}

static const char *const recipe_keys[] = { "description", "params", "steps" };

static void
recipe(struct herd_walk *w, yaml_node_t *k, yaml_node_t *n, size_t *cap)
{
	struct herd_recipe *r;
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *s, *name = herd_walk_scalar(k);
	char *where = xasprintf("recipe \"%s\"", name);

	herd_grow(&w->cfg->recipes, cap, w->cfg->nrecipes, sizeof *w->cfg->recipes);
	r = &w->cfg->recipes[w->cfg->nrecipes++];
	r->name = xstrdup(name);
	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"steps\"", where) < 0)
		goto out;
	herd_walk_keys(w, n, recipe_keys, LENGTH(recipe_keys), where);
	herd_walk_set_string(w, n, "description", where, &r->description);
	if ((v = herd_walk_get(w, n, "params")))
		params(w, r, v, where);
	v = herd_walk_get(w, n, "steps");
	if (!v) {
		herd_walk_fail(w, k, "%s: needs \"steps\", a list of commands", where);
		goto out;
	}
	if (herd_walk_expect(w, v, YAML_SEQUENCE_NODE, "a list of commands", where) < 0)
		goto out;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		if ((s = herd_walk_string(w, herd_walk_node(w, *it), where)))
			herd_strv_add(&r->steps, s);
	if (r->steps.n == 0)
		herd_walk_fail(w, v, "%s: \"steps\" is empty", where);
out:
	free(where);
}

static const char *const extract_keys[] = { "column", "field", "pattern" };

static void
extract(struct herd_walk *w, struct herd_parser *p, yaml_node_t *n, size_t *cap,
    const char *where)
{
	struct herd_extract *e;
	yaml_node_t *v, *pat, *col;
	pcre2_code *re;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	uint32_t ncap;
	long long c;
	int ec;

	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"field\" and "
	    "\"pattern\" or \"column\"", where) < 0)
		return;
	herd_walk_keys(w, n, extract_keys, LENGTH(extract_keys), where);
	herd_grow(&p->extract, cap, p->nextract, sizeof *p->extract);
	e = &p->extract[p->nextract++];
	if (!(v = herd_walk_get(w, n, "field")))
		herd_walk_fail(w, n, "%s: an extract entry needs \"field\"", where);
	else
		herd_walk_set_string(w, n, "field", where, &e->field);
	if (e->field && !herd_walk_name_ok(w, v, "field", e->field)) {
		free(e->field);
		e->field = NULL;
	}
	pat = herd_walk_get(w, n, "pattern");
	col = herd_walk_get(w, n, "column");
	if (pat && col) {
		herd_walk_fail(w, herd_walk_later(herd_walk_get_key(w, n, "pattern"), herd_walk_get_key(w, n, "column")),
		    "%s: an extract entry takes one of \"pattern\" and \"column\", "
		    "not both", where);
		return;
	}
	if (!pat && !col) {
		herd_walk_fail(w, n, "%s: an extract entry needs \"pattern\" or \"column\"",
		    where);
		return;
	}
	if (col) {
		if (herd_walk_integer(w, col, where, 1, 1000, &c) == 0)
			e->column = (int)c;
		return;
	}
	herd_walk_set_string(w, n, "pattern", where, &e->pattern);
	if (!e->pattern)
		return;
	re = pcre2_compile((PCRE2_SPTR)e->pattern, PCRE2_ZERO_TERMINATED, 0, &ec,
	    &off, NULL);
	if (!re) {
		pcre2_get_error_message(ec, msg, sizeof msg);
		herd_walk_fail(w, pat, "%s: bad pattern at offset %zu: %s", where, (size_t)off,
		    (char *)msg);
		return;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	pcre2_code_free(re);
	if (ncap < 1)
		herd_walk_fail(w, pat, "%s: pattern needs a capture group, e.g. (\\d+)", where);
}

static const char *const parser_keys[] = { "extract" };

static void
parser(struct herd_walk *w, yaml_node_t *k, yaml_node_t *n, size_t *cap)
{
	struct herd_parser *p;
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *name = herd_walk_scalar(k);
	size_t ecap = 0;
	char *where = xasprintf("parser \"%s\"", name);

	herd_grow(&w->cfg->parsers, cap, w->cfg->nparsers, sizeof *w->cfg->parsers);
	p = &w->cfg->parsers[w->cfg->nparsers++];
	p->name = xstrdup(name);
	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"extract\"", where) < 0)
		goto out;
	herd_walk_keys(w, n, parser_keys, LENGTH(parser_keys), where);
	if (!(v = herd_walk_get(w, n, "extract"))) {
		herd_walk_fail(w, k, "%s: needs \"extract\", a list of fields", where);
		goto out;
	}
	if (herd_walk_expect(w, v, YAML_SEQUENCE_NODE, "a list of fields", where) < 0)
		goto out;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		extract(w, p, herd_walk_node(w, *it), &ecap, where);
out:
	free(where);
}

static const char *const events[] = { "failure", "change", "timeout", "resolve" };
static const char *const notifier_keys[] = {
	"body", "command", "cooldown", "headers", "method", "name", "on", "type",
	"url", "webhook",
};
static const char *const notifier_types[] = { "webhook", "slack", "script" };

static void
notify_on(struct herd_walk *w, struct herd_notifier *nt, yaml_node_t *n, const char *where)
{
	yaml_node_item_t *it;
	yaml_node_t *e;
	const char *s, *hint;
	size_t i;

	if (herd_walk_expect(w, n, YAML_SEQUENCE_NODE, "a list of events such as [failure, "
	    "change]", where) < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = herd_walk_node(w, *it);
		if (!(s = herd_walk_string(w, e, where)))
			continue;
		for (i = 0; i < LENGTH(events); i++)
			if (!strcmp(s, events[i]))
				break;
		if (i < LENGTH(events)) {
			nt->on |= 1u << i;
			continue;
		}
		hint = herd_suggest(s, events, LENGTH(events));
		herd_walk_fail(w, e, "%s: unknown event \"%s\"%s%s%s (events: failure, change, "
		    "timeout, resolve)", where, s, hint ? "; did you mean \"" : "",
		    hint ? hint : "", hint ? "\"?" : "");
	}
}

static void
notifier(struct herd_walk *w, yaml_node_t *n, size_t index, size_t *cap)
{
	struct herd_notifier *nt;
	yaml_node_pair_t *p;
	yaml_node_t *v;
	const char *s;
	char *where = xasprintf("notifications[%zu]", index);
	size_t hcap = 0, i;

	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"name\" and \"type\"",
	    where) < 0)
		goto out;
	herd_grow(&w->cfg->notifiers, cap, w->cfg->nnotifiers,
	    sizeof *w->cfg->notifiers);
	nt = &w->cfg->notifiers[w->cfg->nnotifiers++];
	nt->cooldown_ms = -1;
	herd_walk_set_string(w, n, "name", where, &nt->name);
	if (!nt->name)
		herd_walk_fail(w, n, "%s: needs \"name\"", where);
	else if (herd_walk_name_ok(w, herd_walk_get(w, n, "name"), "notification", nt->name)) {
		for (i = 0; i + 1 < w->cfg->nnotifiers; i++)
			if (w->cfg->notifiers[i].name &&
			    !strcmp(w->cfg->notifiers[i].name, nt->name))
				herd_walk_fail(w, herd_walk_get(w, n, "name"), "%s: notification \"%s\" "
				    "is defined twice", where, nt->name);
		free(where);
		where = xasprintf("notification \"%s\"", nt->name);
	}
	herd_walk_keys(w, n, notifier_keys, LENGTH(notifier_keys), where);
	herd_walk_set_string(w, n, "type", where, &nt->type);
	for (i = 0; nt->type && i < LENGTH(notifier_types); i++)
		if (!strcmp(nt->type, notifier_types[i]))
			break;
	if (!nt->type) {
		herd_walk_fail(w, n, "%s: needs \"type\" (webhook, slack or script)", where);
		goto out;
	}
	if (i == LENGTH(notifier_types)) {
		herd_walk_fail(w, herd_walk_get(w, n, "type"), "%s: unknown type \"%s\"; expected webhook, "
		    "slack or script", where, nt->type);
		goto out;
	}
	herd_walk_set_string(w, n, !strcmp(nt->type, "slack") ? "webhook" : "url", where, &nt->url);
	herd_walk_set_string(w, n, "method", where, &nt->method);
	herd_walk_set_string(w, n, "body", where, &nt->body);
	herd_walk_set_string(w, n, "command", where, &nt->command);
	if (!strcmp(nt->type, "script") ? !nt->command : !nt->url)
		herd_walk_fail(w, n, "%s: type %s needs \"%s\"", where, nt->type,
		    !strcmp(nt->type, "script") ? "command" :
		    !strcmp(nt->type, "slack") ? "webhook" : "url");
	if ((v = herd_walk_get(w, n, "on")))
		notify_on(w, nt, v, where);
	else
		nt->on = HERD_ON_FAILURE;
	if ((v = herd_walk_get(w, n, "cooldown")))
		herd_walk_duration(w, v, where, &nt->cooldown_ms);
	if ((v = herd_walk_get(w, n, "headers")) && !herd_walk_is_null(v) &&
	    herd_walk_expect(w, v, YAML_MAPPING_NODE, "a mapping of header names to values",
	    where) == 0) {
		herd_walk_keys(w, v, NULL, 0, where);
		for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
			if (herd_walk_node(w, p->key)->type != YAML_SCALAR_NODE ||
			    !(s = herd_walk_string(w, herd_walk_node(w, p->value), where)))
				continue;
			herd_grow(&nt->headers, &hcap, nt->nheaders, sizeof *nt->headers);
			nt->headers[nt->nheaders].key = xstrdup(herd_walk_scalar(herd_walk_node(w, p->key)));
			nt->headers[nt->nheaders++].value = xstrdup(s);
		}
	}
out:
	free(where);
}

static void
notifications(struct herd_walk *w, yaml_node_t *n)
{
	yaml_node_item_t *it;
	size_t cap = 0;

	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_SEQUENCE_NODE, "a list of notification "
	    "targets", "notifications") < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		notifier(w, herd_walk_node(w, *it), (size_t)(it - n->data.sequence.items.start), &cap);
}

struct entry {
	const struct herd_group *g;
	const struct herd_host *h;
};

static int
by_host(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->h->name, y->h->name);

	if (c)
		return c;
	return x->h->line < y->h->line ? -1 : x->h->line > y->h->line;
}

/*
 * A host listed in several groups must end up with one user and one port:
 * those written on its entries must agree, and without any, those of its
 * groups must.  Otherwise the winner would depend on the order of the
 * groups, which config export does not keep.
 */
static void
check_entries(struct herd_walk *w, const struct entry *e, size_t n)
{
	const struct entry *own_user = NULL, *own_port = NULL, *gu = NULL, *gp = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (e[i].h->user && !own_user)
			own_user = &e[i];
		if (e[i].h->port && !own_port)
			own_port = &e[i];
	}
	for (i = 0; i < n; i++) {
		const struct herd_host *h = e[i].h;
		const struct herd_group *g = e[i].g;

		if (own_user && h->user && strcmp(h->user, own_user->h->user))
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" has user \"%s\" here "
			    "but \"%s\" in group \"%s\"", h->name, h->user,
			    own_user->h->user, own_user->g->name);
		if (!own_user && g->user && gu && strcmp(g->user, gu->g->user))
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" gets user \"%s\" from "
			    "group \"%s\" but \"%s\" from group \"%s\"; give the host "
			    "its own user", h->name, g->user, g->name, gu->g->user,
			    gu->g->name);
		if (!gu && g->user)
			gu = &e[i];
		if (own_port && h->port && h->port != own_port->h->port)
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" has port %d here but "
			    "%d in group \"%s\"", h->name, h->port, own_port->h->port,
			    own_port->g->name);
		if (!own_port && g->port && gp && g->port != gp->g->port)
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" gets port %d from "
			    "group \"%s\" but %d from group \"%s\"; give the host its "
			    "own port", h->name, g->port, g->name, gp->g->port,
			    gp->g->name);
		if (!gp && g->port)
			gp = &e[i];
	}
}

static void
check_shared_hosts(struct herd_walk *w)
{
	struct entry *e;
	size_t n = 0, i, j, run;

	for (i = 0; i < w->cfg->ngroups; i++)
		n += w->cfg->groups[i].hosts.n;
	e = xcalloc(n, sizeof *e);
	for (n = i = 0; i < w->cfg->ngroups; i++)
		for (j = 0; j < w->cfg->groups[i].hosts.n; j++)
			e[n++] = (struct entry){ &w->cfg->groups[i],
			    &w->cfg->groups[i].hosts.h[j] };
	qsort(e, n, sizeof *e, by_host);
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && !strcmp(e[i].h->name, e[i + run].h->name);
		    run++)
			;
		if (run > 1)
			check_entries(w, e + i, run);
	}
	free(e);
}

static const char *const top_keys[] = {
	"defaults", "groups", "notifications", "parsers", "recipes",
};

static void
top(struct herd_walk *w, yaml_node_t *root)
{
	yaml_node_t *v;

	if (herd_walk_is_null(root))
		return;
	if (herd_walk_expect(w, root, YAML_MAPPING_NODE, "a mapping with groups, defaults, "
	    "recipes, parsers or notifications", "top level") < 0)
		return;
	herd_walk_keys(w, root, top_keys, LENGTH(top_keys), "top level");
	if ((v = herd_walk_get(w, root, "groups"))) {
		herd_walk_named(w, v, "groups", "group", group);
		check_shared_hosts(w);
	}
	if ((v = herd_walk_get(w, root, "defaults")))
		defaults(w, v);
	if ((v = herd_walk_get(w, root, "recipes")))
		herd_walk_named(w, v, "recipes", "recipe", recipe);
	if ((v = herd_walk_get(w, root, "parsers")))
		herd_walk_named(w, v, "parsers", "parser", parser);
	if ((v = herd_walk_get(w, root, "notifications")))
		notifications(w, v);
}

static void __attribute__((format(printf, 2, 3)))
add_error(struct herd_config *cfg, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		herd_strv_add(&cfg->errors, msg);
		free(msg);
	}
	va_end(ap);
}

/* The line and column of a byte offset in f, counting UTF-8 characters. */
static yaml_mark_t
offset_mark(FILE *f, size_t offset)
{
	yaml_mark_t m = { 0, 0, 0 };
	int c;

	rewind(f);
	for (; m.index < offset && (c = getc(f)) != EOF; m.index++)
		if (c == '\n') {
			m.line++;
			m.column = 0;
		} else if ((c & 0xc0) != 0x80) {
			m.column++;
		}
	return m;
}

/*
 * A syntax error is placed where the parser noticed it, except at the end
 * of the file (an unclosed quote or bracket): there, the position of what
 * was left open says more than the end of the file.
 */
static void
syntax_error(struct herd_config *cfg, const char *file, FILE *f, yaml_parser_t *p)
{
	struct herd_buf b = { 0 };
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_READER_ERROR)
		m = offset_mark(f, p->problem_offset);
	else if (p->context && p->eof && p->unread <= 1 && m.index == p->mark.index)
		m = p->context_mark;
	herd_buf_addf(&b, "%s:%zu:%zu: YAML syntax error: %s", file, m.line + 1,
	    m.column + 1, p->problem ? p->problem : "unknown");
	if (p->error == YAML_READER_ERROR && p->problem_value >= 0)
		herd_buf_addf(&b, " (0x%02x)", (unsigned)p->problem_value);
	if (p->context)
		herd_buf_addf(&b, " (%s at line %zu)", p->context, p->context_mark.line + 1);
	herd_strv_add(&cfg->errors, b.p);
	herd_buf_free(&b);
}

/* A second document in the file is an error, not silently ignored. */
static void
second_document(struct herd_config *cfg, const char *file, FILE *f,
    yaml_parser_t *p)
{
	yaml_document_t doc;

	if (!yaml_parser_load(p, &doc)) {
		syntax_error(cfg, file, f, p);
		return;
	}
	if (yaml_document_get_root_node(&doc))
		add_error(cfg, "%s:%zu:%zu: only one YAML document is allowed", file,
		    doc.start_mark.line + 1, doc.start_mark.column + 1);
	yaml_document_delete(&doc);
}

char *
herd_conf_locate(const char *opt, int *must_exist)
{
	const char *env = getenv("HERD_CONFIG");

	*must_exist = 1;
	if (opt)
		return xstrdup(opt);
	if (env && *env)
		return xstrdup(env);
	*must_exist = 0;
	return herd_default_config_path();
}

int
herd_conf_load(struct herd_config *cfg, const char *path, int must_exist)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct herd_walk w = { cfg, &doc, path };
	yaml_node_t *root;
	struct stat st;
	FILE *f;

	memset(cfg, 0, sizeof *cfg);
	cfg->defaults = (struct herd_defaults){ -1, -1, -1, -1, NULL };
	if (!path)
		return 0;
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT && !must_exist)
			return 0;
		add_error(cfg, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		add_error(cfg, "%s: %s", path, strerror(EISDIR));
		fclose(f);
		return -1;
	}
	cfg->path = xstrdup(path);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(cfg, path, f, &parser);
	} else {
		if ((root = yaml_document_get_root_node(&doc)))
			top(&w, root);
		yaml_document_delete(&doc);
		/* A second document in the file is an error, not silently ignored. */
		if (!cfg->errors.n)
			second_document(cfg, path, f, &parser);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return cfg->errors.n ? -1 : 0;
}

void
herd_conf_load_or_die(struct herd_config *cfg, const char *opt)
{
	int must;
	char *path = herd_conf_locate(opt, &must);
	size_t i;

	if (herd_conf_load(cfg, path, must) < 0) {
		for (i = 0; i < cfg->errors.n; i++)
			fprintf(stderr, "%s\n", cfg->errors.v[i]);
		fprintf(stderr, "%s: %zu error%s in the configuration\n", getprogname(),
		    cfg->errors.n, cfg->errors.n == 1 ? "" : "s");
		herd_conf_free(cfg);
		free(path);
		exit(HERD_EXIT_USAGE);
	}
	free(path);
}

const struct herd_group *
herd_conf_group(const struct herd_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name))
			return &cfg->groups[i];
	return NULL;
}

static long long
or_default(long long v, long long def)
{
	return v >= 0 ? v : def;
}

long long
herd_conf_concurrency(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.concurrency, HERD_DEFAULT_CONCURRENCY);
}

long long
herd_conf_timeout_ms(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.timeout_ms, HERD_DEFAULT_TIMEOUT_MS);
}

long long
herd_conf_connect_timeout_ms(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.connect_timeout_ms,
	    HERD_DEFAULT_CONNECT_TIMEOUT_MS);
}

long long
herd_conf_retention_ms(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.history_retention_ms, HERD_DEFAULT_RETENTION_MS);
}

void
herd_conf_free(struct herd_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->ngroups; i++) {
		free(cfg->groups[i].name);
		free(cfg->groups[i].user);
		herd_hostlist_free(&cfg->groups[i].hosts);
	}
	free(cfg->groups);
	free(cfg->defaults.output);
	for (i = 0; i < cfg->nrecipes; i++) {
		struct herd_recipe *r = &cfg->recipes[i];

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
	for (i = 0; i < cfg->nparsers; i++) {
		for (j = 0; j < cfg->parsers[i].nextract; j++) {
			free(cfg->parsers[i].extract[j].field);
			free(cfg->parsers[i].extract[j].pattern);
		}
		free(cfg->parsers[i].extract);
		free(cfg->parsers[i].name);
	}
	free(cfg->parsers);
	for (i = 0; i < cfg->nnotifiers; i++) {
		struct herd_notifier *n = &cfg->notifiers[i];

		for (j = 0; j < n->nheaders; j++) {
			free(n->headers[j].key);
			free(n->headers[j].value);
		}
		free(n->headers);
		free(n->name);
		free(n->type);
		free(n->url);
		free(n->method);
		free(n->body);
		free(n->command);
	}
	free(cfg->notifiers);
	free(cfg->path);
	herd_strv_free(&cfg->errors);
	memset(cfg, 0, sizeof *cfg);
}
