/*
 * Selectors: the words that pick hosts of a run by their result, one table
 * for every program that picks (herd-group --hosts now; the REPL and watch
 * add theirs, such as @changed, as entries here).  A selection is a
 * comma-separated union of terms: a selector, or a host name or glob (with
 * or without a leading @).
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

static int
pick_all(const struct herd_pick *p, const char *arg)
{
	return 1;
}

static int
pick_ok(const struct herd_pick *p, const char *arg)
{
	return p->status == HERD_RESULT_OK && p->in_norm;
}

static int
pick_differs(const struct herd_pick *p, const char *arg)
{
	return !p->in_norm &&
	    (p->status == HERD_RESULT_OK || p->status == HERD_RESULT_NONZERO);
}

static int
pick_failed(const struct herd_pick *p, const char *arg)
{
	return p->status != HERD_RESULT_OK;
}

static int
pick_nonzero(const struct herd_pick *p, const char *arg)
{
	return p->status == HERD_RESULT_NONZERO;
}

static int
pick_timeout(const struct herd_pick *p, const char *arg)
{
	return p->status == HERD_RESULT_TIMEOUT;
}

static int
pick_noresult(const struct herd_pick *p, const char *arg)
{
	return p->status == HERD_RESULT_NONE;
}

static int
pick_changed(const struct herd_pick *p, const char *arg)
{
	return p->changed;
}

static int
pick_tag(const struct herd_pick *p, const char *arg)
{
	int has = p->host && herd_host_has_tag(p->host, arg[0] == '!' ? arg + 1 : arg);

	return arg[0] == '!' ? !has : has;
}

const struct herd_picker herd_pickers[] = {
	{ "@all", "@all", pick_all, "every host" },
	{ "@ok", "@ok", pick_ok, "the hosts of the norm, which exited 0" },
	{ "@differs", "@differs", pick_differs,
	    "the hosts whose command ran to its end, outside the norm" },
	{ "@failed", "@failed", pick_failed, "every host whose status is not ok" },
	{ "@nonzero", "@nonzero", pick_nonzero, "the hosts that exited non-zero" },
	{ "@timeout", "@timeout", pick_timeout, "the hosts that timed out" },
	{ "@noresult", "@noresult", pick_noresult,
	    "the hosts without a result (a run cut short)" },
	{ "@changed", "@changed", pick_changed,
	    "the hosts whose result differs from their run before in a series (a watch)" },
	{ "@tag:", "@tag:NAME @tag:!NAME", pick_tag,
	    "the hosts with the tag NAME; with !, those without it" },
};
const size_t herd_npickers = sizeof herd_pickers / sizeof herd_pickers[0];

/* The selector TERM names, and in *arg what follows its name; NULL if none. */
const struct herd_picker *
herd_picker_find(const char *term, const char **arg)
{
	const struct herd_picker *s;
	size_t i, len;

	for (i = 0; i < herd_npickers; i++) {
		s = &herd_pickers[i];
		len = strlen(s->name);
		if (s->name[len - 1] == ':' ? !strncmp(term, s->name, len) :
		    !strcmp(term, s->name)) {
			*arg = term + len;
			return s;
		}
	}
	return NULL;
}

/* The selectors' synopses, space-separated, to free. */
char *
herd_picker_list(void)
{
	struct herd_buf b = { 0 };
	size_t i;

	herd_buf_adds(&b, "");
	for (i = 0; i < herd_npickers; i++) {
		if (i)
			herd_buf_addc(&b, ' ');
		herd_buf_adds(&b, herd_pickers[i].synopsis);
	}
	return herd_buf_steal(&b);
}

static char *
unknown_term(const char *term)
{
	char *safe = herd_safe(term), *list = herd_picker_list(), *msg;

	msg = xasprintf("unknown selector or host \"%s\" (selectors: %s)", safe, list);
	free(safe);
	free(list);
	return msg;
}

/*
 * Set picked[i] for each of the n hosts that SEL picks.  A selector that
 * picks nothing is no error; a name or glob that matches no host is.
 * Returns 0, or -1 with *err, a message made safe for a terminal, to free.
 */
int
herd_pick_hosts(const struct herd_pick *hosts, size_t n, const char *sel,
    char *picked, char **err)
{
	struct herd_strv terms = { 0 };
	const struct herd_picker *s;
	const char *t, *arg;
	size_t i, j, hits;
	char *safe;
	int rc = -1;

	herd_strv_split(&terms, sel, ',');
	if (!terms.n) {
		*err = xasprintf("empty selector");
		goto out;
	}
	for (i = 0; i < terms.n; i++) {
		t = terms.v[i];
		s = herd_picker_find(t, &arg);
		if (s && s->pick == pick_tag &&
		    !herd_valid_name(arg[0] == '!' ? arg + 1 : arg)) {
			safe = herd_safe(t);
			*err = xasprintf("%s: a tag is letters, digits, '_' and '-'", safe);
			free(safe);
			goto out;
		}
		for (hits = j = 0; j < n; j++) {
			if (s ? !s->pick(&hosts[j], arg) :
			    fnmatch(t[0] == '@' ? t + 1 : t, hosts[j].name, 0) != 0)
				continue;
			picked[j] = 1;
			hits++;
		}
		if (!hits && !s) {
			*err = unknown_term(t);
			goto out;
		}
	}
	rc = 0;
out:
	herd_strv_free(&terms);
	return rc;
}
