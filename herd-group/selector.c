/*
 * Selectors pick hosts of a run for the next stage: @all @ok @differs
 * @failed @nonzero @timeout @tag:NAME @tag:!NAME, host names and globs
 * (with or without @); a comma is a union.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

static int
has_tag(const struct run *run, const char *host, const char *tag)
{
	const struct herd_host *h = run_host(run, host);

	return h && herd_host_has_tag(h, tag);
}

/* Whether result r is picked by one selector term; -1 for an unknown @word. */
static int
picks(const struct run *run, const struct result *r, const char *term)
{
	const struct group *g = &run->groups[r->group];

	if (!strcmp(term, "@all"))
		return 1;
	if (!strcmp(term, "@ok"))
		return g->norm && r->status == ST_OK;
	if (!strcmp(term, "@differs"))
		return !g->norm && (r->status == ST_OK || r->status == ST_NONZERO);
	if (!strcmp(term, "@failed"))
		return r->status != ST_OK;
	if (!strcmp(term, "@nonzero"))
		return r->status == ST_NONZERO;
	if (!strcmp(term, "@timeout"))
		return r->status == ST_TIMEOUT;
	if (!strncmp(term, "@tag:!", 6))
		return !has_tag(run, r->host, term + 6);
	if (!strncmp(term, "@tag:", 5))
		return has_tag(run, r->host, term + 5);
	return fnmatch(term[0] == '@' ? term + 1 : term, r->host, 0) == 0;
}

static int
known_keyword(const char *t)
{
	static const char *const words[] = {
		"@all", "@ok", "@differs", "@failed", "@nonzero", "@timeout",
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(t, words[i]))
			return 1;
	return !strncmp(t, "@tag:", 5) && herd_valid_name(t[5] == '!' ? t + 6 : t + 5);
}

int
select_hosts(const struct run *run, const char *sel, char **err, struct herd_strv *out)
{
	struct herd_strv terms = { 0 };
	char *picked = xcalloc(run->nresults + 1, 1);
	size_t i, j, hits;
	int rc = -1;

	herd_strv_split(&terms, sel, ',');
	if (!terms.n) {
		*err = xasprintf("empty selector");
		goto out;
	}
	for (i = 0; i < terms.n; i++) {
		if (terms.v[i][0] == '@' && !known_keyword(terms.v[i]) &&
		    !strncmp(terms.v[i], "@tag:", 5)) {
			*err = xasprintf("%s: a tag is letters, digits, '_' and '-'",
			    terms.v[i]);
			goto out;
		}
		for (hits = j = 0; j < run->nresults; j++)
			if (picks(run, &run->results[j], terms.v[i])) {
				picked[j] = 1;
				hits++;
			}
		if (!hits && !known_keyword(terms.v[i])) {
			*err = xasprintf("unknown selector or host \"%s\" (selectors: @all "
			    "@ok @differs @failed @nonzero @timeout @tag:NAME @tag:!NAME)",
			    terms.v[i]);
			goto out;
		}
	}
	for (j = 0; j < run->nresults; j++)
		if (picked[j])
			herd_strv_add(out, run->results[j].host);
	rc = 0;
out:
	herd_strv_free(&terms);
	free(picked);
	return rc;
}
