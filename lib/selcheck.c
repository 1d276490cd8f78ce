/*
 * A selector checked against the configuration before any host is
 * selected: what it names must exist, and a misspelling is an error with
 * a suggestion, not an empty selection.
 */
#include <string.h>

#include "conf.h"
#include "select_int.h"

static char *
unknown(const char *what, const char *name, const struct herd_strv *known)
{
	const char *hint = herd_suggest(name, (const char *const *)known->v, known->n);

	return xasprintf("unknown %s \"%s\"%s%s%s", what, name,
	    hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
}

/* Every group named must exist; -1 with a message (and a suggestion) if not. */
int
herd_select_check_groups(const struct herd_config *cfg, const struct herd_strv *groups,
    char **err)
{
	struct herd_strv names = { 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < cfg->ngroups; i++)
		herd_strv_add(&names, cfg->groups[i].name);
	for (i = 0; i < groups->n && rc == 0; i++)
		if (!herd_conf_group(cfg, groups->v[i])) {
			*err = unknown("group", groups->v[i], &names);
			rc = -1;
		}
	herd_strv_free(&names);
	return rc;
}

static int
tags_known(const struct herd_map *known, const struct herd_strv *all,
    const struct herd_strv *tags, char **err)
{
	size_t i;

	for (i = 0; i < tags->n; i++)
		if (!herd_map_get(known, tags->v[i], strlen(tags->v[i]))) {
			*err = unknown("tag", tags->v[i], all);
			return -1;
		}
	return 0;
}

/*
 * Every tag named must be some configured host's, and every expression
 * must match a configured host: a misspelt tag is an error, not an empty
 * selection (nor, after a !, every host).
 */
int
herd_select_check_tags(const struct herd_hostlist *inv, const struct herd_strv *exprs,
    const struct herd_tagexpr *tags, size_t ntags, char **err)
{
	struct herd_map known = { 0 };
	struct herd_strv all = { 0 };
	const struct herd_strv *ht;
	size_t i, j;
	int added, rc = 0;

	if (!ntags)
		return 0;
	for (i = 0; i < inv->n; i++)
		for (ht = &inv->h[i].tags, j = 0; j < ht->n; j++) {
			herd_map_put(&known, ht->v[j], strlen(ht->v[j]), &added);
			if (added)
				herd_strv_add(&all, ht->v[j]);
		}
	for (i = 0; i < ntags && rc == 0; i++) {
		if (tags_known(&known, &all, &tags[i].want, err) < 0 ||
		    tags_known(&known, &all, &tags[i].reject, err) < 0) {
			rc = -1;
			break;
		}
		for (j = 0; j < inv->n; j++)
			if (herd_tagexpr_match(&tags[i], &inv->h[j]))
				break;
		if (j == inv->n) {
			*err = xasprintf("tag expression \"%s\" matches no configured host",
			    exprs->v[i]);
			rc = -1;
		}
	}
	herd_map_free(&known);
	herd_strv_free(&all);
	return rc;
}
