#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "select_int.h"

/* Hosts of a list by name: the map's keys are the hosts' own names. */
struct index {
	struct herd_hostlist *l;
	struct herd_map m;
};

static void
index_add(struct index *ix, size_t pos)
{
	const char *name = ix->l->h[pos].name;

	*herd_map_put(&ix->m, name, strlen(name), NULL) = pos;
}

static void
index_init(struct index *ix, struct herd_hostlist *l)
{
	size_t i;

	memset(ix, 0, sizeof *ix);
	ix->l = l;
	for (i = 0; i < l->n; i++)
		index_add(ix, i);
}

static struct herd_host *
find(const struct index *ix, const char *name)
{
	size_t *pos = herd_map_get(&ix->m, name, strlen(name));

	return pos ? &ix->l->h[*pos] : NULL;
}

/* Add src's strings that dst lacks; a hash keeps a host with 40k tags linear. */
static void
merge(struct herd_strv *dst, const struct herd_strv *src)
{
	struct herd_map seen = { 0 };
	size_t i;
	int added;

	if (dst->n * src->n <= 256) {
		for (i = 0; i < src->n; i++)
			if (!herd_strv_has(dst, src->v[i]))
				herd_strv_add(dst, src->v[i]);
		return;
	}
	for (i = 0; i < dst->n; i++)
		herd_map_put(&seen, dst->v[i], strlen(dst->v[i]), NULL);
	for (i = 0; i < src->n; i++) {
		herd_map_put(&seen, src->v[i], strlen(src->v[i]), &added);
		if (added)
			herd_strv_add(dst, src->v[i]);
	}
	herd_map_free(&seen);
}

/*
 * Every configured host once.  A host's user and port are those written on
 * one of its entries, else its groups'; the config loader rejects a host
 * whose entries or groups disagree, so the order of the groups does not
 * matter.  Of several group timeouts the shortest applies.
 */
static void
inventory(const struct herd_config *cfg, struct index *ix)
{
	const struct herd_group *g;
	const struct herd_host *src;
	struct herd_host *h;
	size_t i, j;

	for (i = 0; i < cfg->ngroups; i++) {
		g = &cfg->groups[i];
		for (j = 0; j < g->hosts.n; j++) {
			src = &g->hosts.h[j];
			if (!(h = find(ix, src->name))) {
				h = herd_hostlist_add(ix->l);
				herd_host_copy(h, src);
				herd_strv_free(&h->groups);
				index_add(ix, ix->l->n - 1);
			}
			merge(&h->tags, &src->tags);
			herd_strv_add(&h->groups, g->name);
			if (src->user && !h->user)
				h->user = xstrdup(src->user);
			if (src->port && !h->port)
				h->port = src->port;
			if (g->timeout_ms >= 0 && (h->timeout_ms < 0 ||
			    g->timeout_ms < h->timeout_ms))
				h->timeout_ms = g->timeout_ms;
		}
	}
	/* Group users and ports only where no entry of the host names one. */
	for (i = 0; i < cfg->ngroups; i++) {
		g = &cfg->groups[i];
		for (j = 0; j < g->hosts.n; j++) {
			h = find(ix, g->hosts.h[j].name);
			if (!h->user && g->user)
				h->user = xstrdup(g->user);
			if (!h->port && g->port)
				h->port = g->port;
		}
	}
}

void
herd_inventory(const struct herd_config *cfg, struct herd_hostlist *inv)
{
	struct index ix;

	index_init(&ix, inv);
	inventory(cfg, &ix);
	herd_map_free(&ix.m);
}

/*
 * A selection in progress: the inventory, the hosts selected so far, and
 * while the exclusions are read (excluding), the names and globs to drop.
 */
struct sel {
	struct herd_hostlist inv;
	struct index inv_ix, out_ix;
	int excluding, in_file;
	struct herd_strv drop, drop_globs;
};

static int
tags_match(const struct herd_host *h, const struct herd_tagexpr *e, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (herd_tagexpr_match(&e[i], h))
			return 1;
	return 0;
}

/* Add h unless a host of that name is selected already: names are unique. */
static void
add_unique(struct sel *s, const struct herd_host *h)
{
	if (find(&s->out_ix, h->name))
		return;
	herd_host_copy(herd_hostlist_add(s->out_ix.l), h);
	index_add(&s->out_ix, s->out_ix.l->n - 1);
}

/* [user@][v6addr][:port]: brackets around an address, not a glob's class. */
static int
bracketed_address(const char *spec)
{
	const char *at = strrchr(spec, '@'), *s = at ? at + 1 : spec, *close;

	if (*s != '[' || !(close = strchr(s, ']')))
		return 0;
	return memchr(s, ':', (size_t)(close - s)) != NULL && !strpbrk(close, "*?[");
}

static int
add_glob(struct sel *s, const char *spec, char **err)
{
	const char *at = strrchr(spec, '@'), *pat = at ? at + 1 : spec;
	char *user = at ? xstrndup(spec, (size_t)(at - spec)) : NULL;
	struct herd_host h;
	size_t i, matched = 0;

	if (user && !herd_valid_user(user)) {
		*err = xasprintf("%s: bad user name (letters, digits, '.', '_', '-', '@'; "
		    "not a leading '-')", spec);
		free(user);
		return -1;
	}
	for (i = 0; i < s->inv.n; i++) {
		if (fnmatch(pat, s->inv.h[i].name, 0) != 0)
			continue;
		herd_host_copy(&h, &s->inv.h[i]);
		if (user) {
			free(h.user);
			h.user = xstrdup(user);
		}
		add_unique(s, &h);
		herd_host_free(&h);
		matched++;
	}
	free(user);
	if (!matched) {
		*err = xasprintf("%s: matches no configured host", spec);
		return -1;
	}
	return 0;
}

/* An excluded host or glob; a user part does not matter. */
static void
drop_spec(struct sel *s, const char *spec)
{
	const char *at = strrchr(spec, '@'), *name = at ? at + 1 : spec;

	if (herd_is_glob(name) && !bracketed_address(name))
		herd_strv_add(&s->drop_globs, name);
	else
		herd_strv_add(&s->drop, name);
}

/* One host spec: a configured host (maybe with user/port), a glob, or a new host. */
static int
add_spec(struct sel *s, const char *spec, char **err)
{
	struct herd_host parsed, h;
	const struct herd_host *known;
	const char *why;

	if (s->excluding) {
		drop_spec(s, spec);
		return 0;
	}
	if (herd_is_glob(spec) && !bracketed_address(spec))
		return add_glob(s, spec, err);
	if (herd_host_parse(spec, &parsed, &why) < 0) {
		*err = xasprintf("%s: %s", spec, why);
		return -1;
	}
	if (!(known = find(&s->inv_ix, parsed.name)))
		known = find(&s->inv_ix, parsed.address);
	if (known) {
		herd_host_copy(&h, known);
		free(h.name);
		h.name = xstrdup(parsed.name);
		if (parsed.user) {
			free(h.user);
			h.user = xstrdup(parsed.user);
		}
		if (parsed.port)
			h.port = parsed.port;
		add_unique(s, &h);
		herd_host_free(&h);
	} else {
		add_unique(s, &parsed);
	}
	herd_host_free(&parsed);
	return 0;
}

static int
add_pattern(struct sel *s, const char *pattern, char **err)
{
	struct herd_strv names = { 0 };
	const char *why;
	size_t i;
	int rc = 0;

	/* With * or ?, it is a glob: [0-9] is a character class, not a range. */
	if (strpbrk(pattern, "*?"))
		return add_spec(s, pattern, err);
	if (herd_range_expand(pattern, &names, &why) < 0) {
		*err = xasprintf("%s: %s", pattern, why);
		return -1;
	}
	for (i = 0; i < names.n && rc == 0; i++)
		rc = add_spec(s, names.v[i], err);
	herd_strv_free(&names);
	return rc;
}

static int add_file(struct sel *, const char *path, char **err);

/* One item of a host list: ^FILE or a pattern; user, from a pssh line, applies to it. */
static int
add_item(struct sel *s, const char *item, const char *user, char **err)
{
	char *spec;
	int rc;

	if (*item == '^') {
		if (s->in_file) {
			*err = xasprintf("%s: a host file cannot name another", item);
			return -1;
		}
		return add_file(s, item + 1, err);
	}
	if (!user)
		return add_pattern(s, item, err);
	if (strchr(item, '@')) {
		*err = xasprintf("%s: a user is given twice (%s)", item, user);
		return -1;
	}
	spec = xasprintf("%s@%s", user, item);
	rc = add_pattern(s, spec, err);
	free(spec);
	return rc;
}

/* A comma list of items: h001,h002, web-[01-03],db1, ^FILE. */
static int
add_list(struct sel *s, const char *list, const char *user, char **err)
{
	struct herd_strv items = { 0 };
	size_t i;
	int rc = 0;

	herd_range_split(&items, list);
	if (!items.n) {
		*err = xasprintf("\"%s\": no host in the list", list);
		rc = -1;
	}
	for (i = 0; i < items.n && rc == 0; i++)
		rc = add_item(s, items.v[i], user, err);
	herd_strv_free(&items);
	return rc;
}

/* A line of a host file: "[user@]host[:port]" or pssh's "host[:port] user". */
static int
add_line(struct sel *s, char *line, char **err)
{
	char *w[3];
	size_t n = 0;

	while (n < 3 && (w[n] = strtok(n ? NULL : line, " \t")))
		n++;
	if (n == 0)
		return 0;
	if (n == 3) {
		*err = xstrdup("expected \"[user@]host[:port]\" or \"host[:port] user\"");
		return -1;
	}
	return add_list(s, w[0], n == 2 ? w[1] : NULL, err);
}

/* A host file (pdsh's or pssh's): one host line each, # comments. */
static int
add_file(struct sel *s, const char *path, char **err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, *hash, *msg;
	size_t cap = 0, lineno = 0;
	int rc = 0;

	if (!f) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	s->in_file = 1;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if ((rc = add_line(s, line, &msg)) < 0) {
			*err = xasprintf("%s:%zu: %s", path, lineno, msg);
			free(msg);
		}
	}
	s->in_file = 0;
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/*
 * The hosts of the groups (in the order the groups are given, each group's
 * hosts in config order), or of the whole inventory, that match the tags.
 */
static void
add_configured(struct sel *s, const struct herd_config *cfg,
    const struct herd_strv *groups, const struct herd_tagexpr *tags, size_t ntags)
{
	const struct herd_group *g;
	const struct herd_host *h;
	size_t i, j;

	if (!groups->n) {
		for (i = 0; i < s->inv.n; i++)
			if (tags_match(&s->inv.h[i], tags, ntags))
				add_unique(s, &s->inv.h[i]);
		return;
	}
	for (i = 0; i < groups->n; i++) {
		g = herd_conf_group(cfg, groups->v[i]);
		for (j = 0; j < g->hosts.n; j++) {
			h = find(&s->inv_ix, g->hosts.h[j].name);
			if (tags_match(h, tags, ntags))
				add_unique(s, h);
		}
	}
}

static int
dropped(const struct sel *s, const struct herd_map *drop, const struct herd_host *h)
{
	size_t i;

	if (herd_map_get(drop, h->name, strlen(h->name)) ||
	    herd_map_get(drop, h->address, strlen(h->address)))
		return 1;
	for (i = 0; i < s->drop_globs.n; i++)
		if (fnmatch(s->drop_globs.v[i], h->name, 0) == 0)
			return 1;
	return 0;
}

/* Read the -x lists, then remove what they name from the selection. */
static int
exclude(struct sel *s, const struct herd_strv *excludes, char **err)
{
	struct herd_hostlist *out = s->out_ix.l;
	struct herd_map drop = { 0 };
	size_t i, kept = 0;

	s->excluding = 1;
	for (i = 0; i < excludes->n; i++)
		if (add_list(s, excludes->v[i], NULL, err) < 0)
			return -1;
	for (i = 0; i < s->drop.n; i++)
		herd_map_put(&drop, s->drop.v[i], strlen(s->drop.v[i]), NULL);
	for (i = 0; i < out->n; i++) {
		if (dropped(s, &drop, &out->h[i]))
			herd_host_free(&out->h[i]);
		else
			out->h[kept++] = out->h[i];
	}
	out->n = kept;
	herd_map_free(&drop);
	return 0;
}

static void
sel_free(struct sel *s)
{
	herd_map_free(&s->inv_ix.m);
	herd_map_free(&s->out_ix.m);
	herd_hostlist_free(&s->inv);
	herd_strv_free(&s->drop);
	herd_strv_free(&s->drop_globs);
}

int
herd_select(const struct herd_config *cfg, const struct herd_selector *sel,
    struct herd_hostlist *out, char **err)
{
	struct sel s = { 0 };
	struct herd_strv groups = { 0 };
	struct herd_tagexpr *tags = xcalloc(sel->tags.n + 1, sizeof *tags);
	const char *why;
	size_t i, ntags = 0;
	int rc = -1;

	*err = NULL;
	index_init(&s.inv_ix, &s.inv);
	inventory(cfg, &s.inv_ix);
	index_init(&s.out_ix, out);
	for (i = 0; i < sel->groups.n; i++)
		herd_strv_split(&groups, sel->groups.v[i], ',');
	if (herd_select_check_groups(cfg, &groups, err) < 0)
		goto out;
	for (; ntags < sel->tags.n; ntags++)
		if (herd_tagexpr_parse(sel->tags.v[ntags], &tags[ntags], &why) < 0) {
			*err = xasprintf("tag expression \"%s\": %s", sel->tags.v[ntags], why);
			goto out;
		}
	if (herd_select_check_tags(&s.inv, &sel->tags, tags, ntags, err) < 0)
		goto out;
	if (groups.n || ntags)
		add_configured(&s, cfg, &groups, tags, ntags);
	for (i = 0; i < sel->patterns.n; i++)
		if (add_list(&s, sel->patterns.v[i], NULL, err) < 0)
			goto out;
	for (i = 0; i < sel->files.n; i++)
		if (add_file(&s, sel->files.v[i], err) < 0)
			goto out;
	if (exclude(&s, &sel->excludes, err) < 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < ntags; i++)
		herd_tagexpr_free(&tags[i]);
	free(tags);
	herd_strv_free(&groups);
	sel_free(&s);
	return rc;
}

void
herd_selector_free(struct herd_selector *sel)
{
	herd_strv_free(&sel->groups);
	herd_strv_free(&sel->tags);
	herd_strv_free(&sel->patterns);
	herd_strv_free(&sel->files);
	herd_strv_free(&sel->excludes);
}

/* -w as pdsh reads it: a comma list where -HOST excludes, ^FILE is a file and - is stdin. */
int
herd_selector_add_w(struct herd_selector *sel, const char *list)
{
	struct herd_strv items = { 0 };
	size_t i;

	herd_range_split(&items, list);
	for (i = 0; i < items.n; i++) {
		if (!strcmp(items.v[i], "-"))
			herd_strv_add(&sel->files, "-");
		else if (items.v[i][0] == '-')
			herd_strv_add(&sel->excludes, items.v[i] + 1);
		else
			herd_strv_add(&sel->patterns, items.v[i]);
	}
	herd_strv_free(&items);
	return i ? 0 : -1;
}
