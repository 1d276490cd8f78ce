/* Tag expressions: herd_tagexpr_parse, herd_tagexpr_match, herd_valid_name. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

static const struct {
	const char *in;
	const char *want, *reject;	/* NULL want: refused */
} parse[] = {
	{ "prod", "prod", "" },
	{ "prod,debian12", "prod debian12", "" },
	{ "prod,!staging", "prod", "staging" },
	{ "!staging", "", "staging" },
	{ "!a,!b", "", "a b" },
	{ "a,,b", "a b", "" },
	{ "web-1_x", "web-1_x", "" },
	{ "", NULL, NULL },
	{ ",", NULL, NULL },
	{ "!", NULL, NULL },
	{ "!!a", NULL, NULL },
	{ "a,!", NULL, NULL },
	{ "pr od", NULL, NULL },
	{ "a.b", NULL, NULL },
	{ "a|b", NULL, NULL },
	{ "a!", NULL, NULL },
	{ "caf\xc3\xa9", NULL, NULL },
	{ "a\tb", NULL, NULL },
};

static const struct {
	const char *expr;
	int match;		/* against a host tagged prod, web */
} match[] = {
	{ "prod", 1 }, { "web", 1 }, { "prod,web", 1 }, { "!db", 1 },
	{ "prod,!db", 1 }, { "db", 0 }, { "prod,db", 0 }, { "!prod", 0 },
	{ "prod,!web", 0 }, { "Prod", 0 }, { "pro", 0 },
};

void
test_tagexpr(void)
{
	struct herd_tagexpr e;
	struct herd_host h;
	const char *err;
	char what[80], *w, *r;
	size_t i;

	for (i = 0; i < sizeof parse / sizeof parse[0]; i++) {
		snprintf(what, sizeof what, "tagexpr \"%s\"", parse[i].in);
		err = NULL;
		if (!parse[i].want) {
			CHECK(herd_tagexpr_parse(parse[i].in, &e, &err) == -1 && err && *err,
			    "%s: want refused with a message", what);
			continue;
		}
		if (herd_tagexpr_parse(parse[i].in, &e, &err) < 0) {
			CHECK(0, "%s: refused: %s", what, err);
			continue;
		}
		w = unit_join(&e.want);
		r = unit_join(&e.reject);
		EQ_STR(what, w, parse[i].want);
		EQ_STR(what, r, parse[i].reject);
		free(w);
		free(r);
		herd_tagexpr_free(&e);
	}

	herd_host_init(&h);
	h.name = xstrdup("web1");
	herd_strv_add(&h.tags, "prod");
	herd_strv_add(&h.tags, "web");
	for (i = 0; i < sizeof match / sizeof match[0]; i++) {
		if (herd_tagexpr_parse(match[i].expr, &e, &err) < 0) {
			CHECK(0, "tagexpr \"%s\" refused: %s", match[i].expr, err);
			continue;
		}
		CHECK(herd_tagexpr_match(&e, &h) == match[i].match, "\"%s\" matches prod,web: want %d",
		    match[i].expr, match[i].match);
		herd_tagexpr_free(&e);
	}
	herd_host_free(&h);

	CHECK(herd_tagexpr_parse("!a", &e, &err) == 0 && herd_tagexpr_match(&e, &h),
	    "\"!a\" matches an untagged host");
	herd_tagexpr_free(&e);

	CHECK(herd_valid_name("a-b_C9"), "valid name a-b_C9");
	CHECK(!herd_valid_name(""), "empty name invalid");
	CHECK(!herd_valid_name("a b"), "name with space invalid");
	CHECK(!herd_valid_name("a/b"), "name with / invalid");
}
