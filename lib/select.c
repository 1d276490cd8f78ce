#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static struct herd_host *
find(struct herd_hostlist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->h[i].name, name))
			return &l->h[i];
	return NULL;
}

static void
merge(struct herd_strv *dst, const struct herd_strv *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (!herd_strv_has(dst, src->v[i]))
			herd_strv_add(dst, src->v[i]);
}

/* Settings written on the host win over its group's; the first group wins. */
void
herd_inventory(const struct herd_config *cfg, struct herd_hostlist *inv)
{
	const struct herd_group *g;
	const struct herd_host *src;
	struct herd_host *h;
	size_t i, j;

	for (i = 0; i < cfg->ngroups; i++) {
		g = &cfg->groups[i];
		for (j = 0; j < g->hosts.n; j++) {
			src = &g->hosts.h[j];
			if (!(h = find(inv, src->name))) {
				h = herd_hostlist_add(inv);
				herd_host_copy(h, src);
				herd_strv_free(&h->groups);
			}
			merge(&h->tags, &src->tags);
			herd_strv_add(&h->groups, g->name);
			if (!h->user && g->user)
				h->user = xstrdup(g->user);
			if (!h->port && g->port)
				h->port = g->port;
			if (h->timeout_ms < 0)
				h->timeout_ms = g->timeout_ms;
		}
	}
}

static int
in_groups(const struct herd_host *h, const struct herd_strv *groups)
{
	size_t i;

	for (i = 0; i < groups->n; i++)
		if (herd_strv_has(&h->groups, groups->v[i]))
			return 1;
	return 0;
}

static int
tags_match(const struct herd_host *h, const struct herd_tagexpr *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (herd_tagexpr_match(&e[i], h))
			return 1;
	return 0;
}

static void
add_unique(struct herd_hostlist *out, const struct herd_host *h)
{
	size_t i;
	const struct herd_host *o;

	for (i = 0; i < out->n; i++) {
		o = &out->h[i];
		if (!strcmp(o->name, h->name) && o->port == h->port &&
		    !strcmp(o->user ? o->user : "", h->user ? h->user : ""))
			return;
	}
	herd_host_copy(herd_hostlist_add(out), h);
}

/* One host spec: a configured host (maybe with user/port), a glob, or a new host. */
static int
add_spec(struct herd_hostlist *inv, const char *spec, struct herd_hostlist *out,
    char **err)
{
	struct herd_host parsed, h;
	const struct herd_host *known;
	const char *why;
	size_t i, matched = 0;

	if (herd_is_glob(spec)) {
		const char *at = strrchr(spec, '@'), *pat = at ? at + 1 : spec;

		for (i = 0; i < inv->n; i++) {
			if (fnmatch(pat, inv->h[i].name, 0) != 0)
				continue;
			herd_host_copy(&h, &inv->h[i]);
			if (at) {
				free(h.user);
				h.user = xstrndup(spec, (size_t)(at - spec));
			}
			add_unique(out, &h);
			herd_host_free(&h);
			matched++;
		}
		if (!matched) {
			*err = xasprintf("%s: matches no configured host", spec);
			return -1;
		}
		return 0;
	}
	if (herd_host_parse(spec, &parsed, &why) < 0) {
		*err = xasprintf("%s: %s", spec, why);
		return -1;
	}
	known = find(inv, parsed.address);
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
		add_unique(out, &h);
		herd_host_free(&h);
	} else {
		add_unique(out, &parsed);
	}
	herd_host_free(&parsed);
	return 0;
}

static int
add_pattern(struct herd_hostlist *inv, const char *pattern, struct herd_hostlist *out,
    char **err)
{
	struct herd_strv names = { 0 };
	const char *why;
	size_t i;
	int rc = 0;

	if (herd_range_expand(pattern, &names, &why) < 0) {
		*err = xasprintf("%s: %s", pattern, why);
		return -1;
	}
	for (i = 0; i < names.n && rc == 0; i++)
		rc = add_spec(inv, names.v[i], out, err);
	herd_strv_free(&names);
	return rc;
}

/* A pssh-style host file: one [user@]host[:port] per line, # comments. */
static int
add_file(struct herd_hostlist *inv, const char *path, struct herd_hostlist *out,
    char **err)
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
		} else if ((rc = add_pattern(inv, s, out, &msg)) < 0) {
			*err = xasprintf("%s:%zu: %s", path, lineno, msg);
			free(msg);
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

int
herd_select(const struct herd_config *cfg, const struct herd_selector *sel,
    struct herd_hostlist *out, char **err)
{
	struct herd_hostlist inv = { 0 };
	struct herd_strv groups = { 0 }, names = { 0 };
	struct herd_tagexpr *tags = xcalloc(sel->tags.n, sizeof *tags);
	const char *why, *hint;
	size_t i, ntags = 0;
	int rc = -1;

	*err = NULL;
	herd_inventory(cfg, &inv);
	for (i = 0; i < sel->groups.n; i++)
		herd_strv_split(&groups, sel->groups.v[i], ',');
	for (i = 0; i < cfg->ngroups; i++)
		herd_strv_add(&names, cfg->groups[i].name);
	for (i = 0; i < groups.n; i++)
		if (!herd_conf_group(cfg, groups.v[i])) {
			hint = herd_suggest(groups.v[i], (const char *const *)names.v, names.n);
			*err = xasprintf("unknown group \"%s\"%s%s%s", groups.v[i],
			    hint ? "; did you mean \"" : "", hint ? hint : "",
			    hint ? "\"?" : "");
			goto out;
		}
	for (; ntags < sel->tags.n; ntags++)
		if (herd_tagexpr_parse(sel->tags.v[ntags], &tags[ntags], &why) < 0) {
			*err = xasprintf("tag expression \"%s\": %s", sel->tags.v[ntags], why);
			goto out;
		}
	if (groups.n || ntags)
		for (i = 0; i < inv.n; i++)
			if ((!groups.n || in_groups(&inv.h[i], &groups)) &&
			    (!ntags || tags_match(&inv.h[i], tags, ntags)))
				add_unique(out, &inv.h[i]);
	for (i = 0; i < sel->patterns.n; i++)
		if (add_pattern(&inv, sel->patterns.v[i], out, err) < 0)
			goto out;
	for (i = 0; i < sel->files.n; i++)
		if (add_file(&inv, sel->files.v[i], out, err) < 0)
			goto out;
	rc = 0;
out:
	for (i = 0; i < ntags; i++)
		herd_tagexpr_free(&tags[i]);
	free(tags);
	herd_strv_free(&groups);
	herd_strv_free(&names);
	herd_hostlist_free(&inv);
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
