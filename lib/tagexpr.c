#include <string.h>

#include "herd.h"

int
herd_valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-", *s))
			return 0;
	return 1;
}

/* "prod,debian12,!staging": every plain tag required, every !tag excluded. */
int
herd_tagexpr_parse(const char *s, struct herd_tagexpr *e, const char **err)
{
	struct herd_strv terms = { 0 };
	size_t i;
	const char *t;

	memset(e, 0, sizeof *e);
	herd_strv_split(&terms, s, ',');
	if (terms.n == 0) {
		*err = "empty tag expression";
		goto bad;
	}
	for (i = 0; i < terms.n; i++) {
		t = terms.v[i];
		if (*t == '!')
			t++;
		if (!herd_valid_name(t)) {
			*err = "a tag is letters, digits, '_' and '-', optionally after '!'";
			goto bad;
		}
		herd_strv_add(terms.v[i][0] == '!' ? &e->reject : &e->want, t);
	}
	herd_strv_free(&terms);
	return 0;
bad:
	herd_strv_free(&terms);
	herd_tagexpr_free(e);
	return -1;
}

int
herd_tagexpr_match(const struct herd_tagexpr *e, const struct herd_host *h)
{
	size_t i;

	for (i = 0; i < e->want.n; i++)
		if (!herd_host_has_tag(h, e->want.v[i]))
			return 0;
	for (i = 0; i < e->reject.n; i++)
		if (herd_host_has_tag(h, e->reject.v[i]))
			return 0;
	return 1;
}

void
herd_tagexpr_free(struct herd_tagexpr *e)
{
	herd_strv_free(&e->want);
	herd_strv_free(&e->reject);
}
