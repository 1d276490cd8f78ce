/* groups: named lists of hosts, with settings for their hosts. */
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

/*
 * Add tag s unless the list has it: by a scan while the list is short, then
 * by a hash, so that a host with 40k tags is read in linear time.
 */
static void
add_tag(struct herd_strv *tags, struct herd_map *seen, const char *s)
{
	size_t i;
	int added;

	if (tags->n < 16) {
		added = !herd_strv_has(tags, s);
	} else {
		if (!seen->n)
			for (i = 0; i < tags->n; i++)
				herd_map_put(seen, tags->v[i], strlen(tags->v[i]), NULL);
		herd_map_put(seen, s, strlen(s), &added);
	}
	if (added)
		herd_strv_add(tags, s);
}

static void
tags_list(struct herd_walk *w, yaml_node_t *n, struct herd_strv *tags,
    const char *where)
{
	struct herd_map seen = { 0 };
	yaml_node_item_t *it;
	yaml_node_t *t;
	const char *s;

	if (herd_walk_expect(w, n, YAML_SEQUENCE_NODE,
	    "a list of tags such as [prod, debian12]", where) < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		t = herd_walk_node(w, *it);
		if ((s = herd_walk_string(w, t, where)) &&
		    herd_walk_name_ok(w, t, "tag", s))
			add_tag(tags, &seen, s);
	}
	herd_map_free(&seen);
}

static int
user_ok(struct herd_walk *w, yaml_node_t *n, const char *user, const char *where)
{
	if (herd_valid_user(user))
		return 1;
	herd_walk_fail(w, n, "%s: user \"%s\": use letters, digits, '.', '_', '-' and "
	    "'@', not a leading '-'", where, user);
	return 0;
}

/* The host's name and the node it is written at, or NULL (with an error). */
static const char *
host_name(struct herd_walk *w, yaml_node_t *n, const char *where, yaml_node_t **at)
{
	static const char *const host_keys[] = { "host", "tags", "user", "port" };
	yaml_node_t *v;

	*at = n;
	if (n->type == YAML_SCALAR_NODE && !herd_walk_is_null(n))
		return herd_walk_scalar(n);
	if (n->type != YAML_MAPPING_NODE) {
		herd_walk_fail(w, n, "%s: expected a host name or a mapping with "
		    "\"host\", got %s", where, herd_walk_kind(n));
		return NULL;
	}
	herd_walk_keys(w, n, host_keys, LENGTH(host_keys), where);
	if (!(v = herd_walk_get(w, n, "host"))) {
		herd_walk_fail(w, n, "%s: a host mapping needs a \"host\" key", where);
		return NULL;
	}
	*at = v;
	return herd_walk_string(w, v, where);
}

/* One entry of a group's hosts; names holds the group's hosts so far. */
static void
host_entry(struct herd_walk *w, yaml_node_t *n, struct herd_group *g,
    struct herd_map *names, const char *where)
{
	struct herd_host h;
	yaml_node_t *v, *at;
	const char *s, *err;
	long long port;
	int added;

	if (!(s = host_name(w, n, where, &at)))
		return;
	if (herd_host_parse(s, &h, &err) < 0) {
		herd_walk_fail(w, at, "%s: host \"%s\": %s", where, s, err);
		return;
	}
	if (n->type == YAML_MAPPING_NODE) {
		if ((v = herd_walk_get(w, n, "tags")))
			tags_list(w, v, &h.tags, where);
		if ((v = herd_walk_get(w, n, "user")) &&
		    (s = herd_walk_string(w, v, where)) && user_ok(w, v, s, where)) {
			free(h.user);
			h.user = xstrdup(s);
		}
		if ((v = herd_walk_get(w, n, "port")) &&
		    herd_walk_integer(w, v, where, 1, 65535, &port) == 0)
			h.port = (int)port;
	}
	herd_map_put(names, h.name, strlen(h.name), &added);
	if (!added) {
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

static void
group_hosts(struct herd_walk *w, yaml_node_t *v, struct herd_group *g,
    const char *where)
{
	struct herd_map names = { 0 };
	yaml_node_item_t *it;

	if (herd_walk_expect(w, v, YAML_SEQUENCE_NODE, "a list of hosts", where) < 0)
		return;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		host_entry(w, herd_walk_node(w, *it), g, &names, where);
	herd_map_free(&names);
}

static void
group(struct herd_walk *w, yaml_node_t *k, yaml_node_t *n, size_t *cap)
{
	static const char *const group_keys[] = { "hosts", "user", "port", "timeout" };
	struct herd_config *cfg = w->cfg;
	struct herd_group *g;
	yaml_node_t *v;
	long long port;
	char *where = xasprintf("group \"%s\"", herd_walk_scalar(k));

	herd_grow(&cfg->groups, cap, cfg->ngroups, sizeof *cfg->groups);
	g = &cfg->groups[cfg->ngroups++];
	g->name = xstrdup(herd_walk_scalar(k));
	g->timeout_ms = -1;
	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_MAPPING_NODE,
	    "a mapping with \"hosts\"", where) < 0)
		goto out;
	herd_walk_keys(w, n, group_keys, LENGTH(group_keys), where);
	herd_walk_set_string(w, n, "user", where, &g->user);
	if (g->user && !user_ok(w, herd_walk_get(w, n, "user"), g->user, where)) {
		free(g->user);
		g->user = NULL;
	}
	if ((v = herd_walk_get(w, n, "port")) &&
	    herd_walk_integer(w, v, where, 1, 65535, &port) == 0)
		g->port = (int)port;
	if ((v = herd_walk_get(w, n, "timeout")))
		herd_walk_duration(w, v, where, &g->timeout_ms);
	if ((v = herd_walk_get(w, n, "hosts")) && !herd_walk_is_null(v))
		group_hosts(w, v, g, where);
out:
	free(where);
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
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" has user "
			    "\"%s\" here but \"%s\" in group \"%s\"", h->name, h->user,
			    own_user->h->user, own_user->g->name);
		if (!own_user && g->user && gu && strcmp(g->user, gu->g->user))
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" gets user "
			    "\"%s\" from group \"%s\" but \"%s\" from group \"%s\"; give "
			    "the host its own user", h->name, g->user, g->name,
			    gu->g->user, gu->g->name);
		if (!gu && g->user)
			gu = &e[i];
		if (own_port && h->port && h->port != own_port->h->port)
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" has port %d "
			    "here but %d in group \"%s\"", h->name, h->port,
			    own_port->h->port, own_port->g->name);
		if (!own_port && g->port && gp && g->port != gp->g->port)
			herd_walk_fail_at(w, h->line, h->column, "host \"%s\" gets port %d "
			    "from group \"%s\" but %d from group \"%s\"; give the host "
			    "its own port", h->name, g->port, g->name, gp->g->port,
			    gp->g->name);
		if (!gp && g->port)
			gp = &e[i];
	}
}

static void
check_shared_hosts(struct herd_walk *w)
{
	const struct herd_config *cfg = w->cfg;
	struct entry *e;
	size_t n = 0, i, j, run;

	for (i = 0; i < cfg->ngroups; i++)
		n += cfg->groups[i].hosts.n;
	if (!n)
		return;
	e = xcalloc(n, sizeof *e);
	for (n = i = 0; i < cfg->ngroups; i++)
		for (j = 0; j < cfg->groups[i].hosts.n; j++)
			e[n++] = (struct entry){ &cfg->groups[i], &cfg->groups[i].hosts.h[j] };
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

static void
parse(struct herd_walk *w, yaml_node_t *n)
{
	herd_walk_named(w, n, "groups", "group", group);
	check_shared_hosts(w);
}

static void
export_host(struct herd_emit *o, const struct herd_host *h)
{
	struct herd_host parsed;
	const char *why;
	int port = h->port;

	/* a port the name already says is not repeated */
	if (port && herd_host_parse(h->name, &parsed, &why) == 0) {
		if (parsed.port == port)
			port = 0;
		herd_host_free(&parsed);
	}
	if (!h->tags.n && !h->user && !port) {
		herd_emit_str(o, h->name);
		return;
	}
	herd_emit_map_start(o, 0);
	herd_emit_kv(o, "host", h->name);
	if (port) {
		herd_emit_str(o, "port");
		herd_emit_num(o, port);
	}
	if (h->tags.n) {
		herd_emit_str(o, "tags");
		herd_emit_strv(o, &h->tags);
	}
	herd_emit_kv(o, "user", h->user);
	herd_emit_map_end(o);
}

static void
export(struct herd_emit *o, const struct herd_config *cfg)
{
	const void **v;
	const struct herd_group *g;
	size_t i, j;

	if (!cfg->ngroups)
		return;
	v = herd_conf_sorted(cfg->groups, cfg->ngroups, sizeof *cfg->groups);
	herd_emit_str(o, "groups");
	herd_emit_map_start(o, 0);
	for (i = 0; i < cfg->ngroups; i++) {
		g = v[i];
		herd_emit_str(o, g->name);
		herd_emit_map_start(o, 0);
		herd_emit_str(o, "hosts");
		herd_emit_seq_start(o, 0);
		for (j = 0; j < g->hosts.n; j++)
			export_host(o, &g->hosts.h[j]);
		herd_emit_seq_end(o);
		if (g->port) {
			herd_emit_str(o, "port");
			herd_emit_num(o, g->port);
		}
		if (g->timeout_ms >= 0) {
			herd_emit_str(o, "timeout");
			herd_emit_dur(o, g->timeout_ms);
		}
		herd_emit_kv(o, "user", g->user);
		herd_emit_map_end(o);
	}
	herd_emit_map_end(o);
	free(v);
}

static void
summary(const struct herd_config *cfg, struct herd_buf *b)
{
	size_t i, nhosts = 0;

	for (i = 0; i < cfg->ngroups; i++)
		nhosts += cfg->groups[i].hosts.n;
	herd_conf_count(b, cfg->ngroups, "group", "groups");
	herd_conf_count(b, nhosts, "host entry", "host entries");
}

static void
free_groups(struct herd_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->ngroups; i++) {
		free(cfg->groups[i].name);
		free(cfg->groups[i].user);
		herd_hostlist_free(&cfg->groups[i].hosts);
	}
	free(cfg->groups);
}

const struct herd_conf_section herd_conf_groups = {
	.key = "groups",
	.parse = parse,
	.export = export,
	.summary = summary,
	.free = free_groups,
};

const struct herd_group *
herd_conf_group(const struct herd_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name))
			return &cfg->groups[i];
	return NULL;
}
