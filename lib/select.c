#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* An index by name over a host list: open addressing, a slot holds position + 1. */
struct index {
	struct herd_hostlist *l;
	size_t *slot, cap, n;
};

#define FNV_PRIME 0x100000001b3ULL

static uint64_t
hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * FNV_PRIME;
	return (h ^ 0xff) * FNV_PRIME;
}

static size_t *
slot_of(const struct index *ix, const char *name)
{
	uint64_t v = hash_str(0xcbf29ce484222325ULL, name);
	size_t i;

	for (i = v & (ix->cap - 1); ix->slot[i]; i = (i + 1) & (ix->cap - 1))
		if (!strcmp(ix->l->h[ix->slot[i] - 1].name, name))
			break;
	return &ix->slot[i];
}

static void
index_put(struct index *ix, size_t pos)
{
	const struct herd_host *h = &ix->l->h[pos];

	*slot_of(ix, h->name) = pos + 1;
	ix->n++;
}

/* Index host pos of the list; every host before it is indexed already. */
static void
index_add(struct index *ix, size_t pos)
{
	size_t i;

	if ((ix->n + 1) * 2 > ix->cap) {
		free(ix->slot);
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->slot = xcalloc(ix->cap, sizeof *ix->slot);
		for (ix->n = i = 0; i < pos; i++)
			index_put(ix, i);
	}
	index_put(ix, pos);
}

static void
index_init(struct index *ix, struct herd_hostlist *l)
{
	size_t i;

	memset(ix, 0, sizeof *ix);
	ix->l = l;
	ix->cap = 64;
	ix->slot = xcalloc(ix->cap, sizeof *ix->slot);
	for (i = 0; i < l->n; i++)
		index_add(ix, i);
}

static struct herd_host *
find(const struct index *ix, const char *name)
{
	size_t *s = slot_of(ix, name);

	return *s ? &ix->l->h[*s - 1] : NULL;
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
	free(ix.slot);
}

/* A selection in progress: the inventory and the hosts selected so far. */
struct sel {
	struct herd_hostlist inv;
	struct index inv_ix, out_ix;
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
	if (*slot_of(&s->out_ix, h->name))
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
	struct herd_host h;
	size_t i, matched = 0;

	for (i = 0; i < s->inv.n; i++) {
		if (fnmatch(pat, s->inv.h[i].name, 0) != 0)
			continue;
		herd_host_copy(&h, &s->inv.h[i]);
		if (at) {
			free(h.user);
			h.user = xstrndup(spec, (size_t)(at - spec));
		}
		add_unique(s, &h);
		herd_host_free(&h);
		matched++;
	}
	if (!matched) {
		*err = xasprintf("%s: matches no configured host", spec);
		return -1;
	}
	return 0;
}

/* One host spec: a configured host (maybe with user/port), a glob, or a new host. */
static int
add_spec(struct sel *s, const char *spec, char **err)
{
	struct herd_host parsed, h;
	const struct herd_host *known;
	const char *why;

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

/* A pssh-style host file: one [user@]host[:port] per line, # comments. */
static int
add_file(struct sel *sl, const char *path, char **err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, *s, *e, *msg;
	size_t cap = 0, lineno = 0;
	int rc = 0;

	if (!f) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		if ((s = strchr(line, '#')))
			*s = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
			;
		*e = '\0';
		if (!*s)
			continue;
		if (strpbrk(s, " \t")) {
			*err = xasprintf("%s:%zu: expected one host per line, got \"%s\"",
			    path, lineno, s);
			rc = -1;
		} else if ((rc = add_pattern(sl, s, &msg)) < 0) {
			*err = xasprintf("%s:%zu: %s", path, lineno, msg);
			free(msg);
		}
	}
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

/* Every group named must exist; -1 with a message (and a suggestion) if not. */
static int
check_groups(const struct herd_config *cfg, const struct herd_strv *groups,
    char **err)
{
	struct herd_strv names = { 0 };
	const char *hint;
	size_t i;
	int rc = 0;

	for (i = 0; i < cfg->ngroups; i++)
		herd_strv_add(&names, cfg->groups[i].name);
	for (i = 0; i < groups->n && rc == 0; i++)
		if (!herd_conf_group(cfg, groups->v[i])) {
			hint = herd_suggest(groups->v[i], (const char *const *)names.v,
			    names.n);
			*err = xasprintf("unknown group \"%s\"%s%s%s", groups->v[i],
			    hint ? "; did you mean \"" : "", hint ? hint : "",
			    hint ? "\"?" : "");
			rc = -1;
		}
	herd_strv_free(&names);
	return rc;
}

int
herd_select(const struct herd_config *cfg, const struct herd_selector *sel,
    struct herd_hostlist *out, char **err)
{
	struct sel s = { 0 };
	struct herd_strv groups = { 0 };
	struct herd_tagexpr *tags = xcalloc(sel->tags.n, sizeof *tags);
	const char *why;
	size_t i, ntags = 0;
	int rc = -1;

	*err = NULL;
	index_init(&s.inv_ix, &s.inv);
	inventory(cfg, &s.inv_ix);
	index_init(&s.out_ix, out);
	for (i = 0; i < sel->groups.n; i++)
		herd_strv_split(&groups, sel->groups.v[i], ',');
	if (check_groups(cfg, &groups, err) < 0)
		goto out;
	for (; ntags < sel->tags.n; ntags++)
		if (herd_tagexpr_parse(sel->tags.v[ntags], &tags[ntags], &why) < 0) {
			*err = xasprintf("tag expression \"%s\": %s", sel->tags.v[ntags], why);
			goto out;
		}
	if (groups.n || ntags)
		add_configured(&s, cfg, &groups, tags, ntags);
	for (i = 0; i < sel->patterns.n; i++)
		if (add_pattern(&s, sel->patterns.v[i], err) < 0)
			goto out;
	for (i = 0; i < sel->files.n; i++)
		if (add_file(&s, sel->files.v[i], err) < 0)
			goto out;
	rc = 0;
out:
	for (i = 0; i < ntags; i++)
		herd_tagexpr_free(&tags[i]);
	free(tags);
	herd_strv_free(&groups);
	free(s.inv_ix.slot);
	free(s.out_ix.slot);
	herd_hostlist_free(&s.inv);
	return rc;
}

void
herd_selector_free(struct herd_selector *sel)
{
	herd_strv_free(&sel->groups);
	herd_strv_free(&sel->tags);
	herd_strv_free(&sel->patterns);
	herd_strv_free(&sel->files);
}
