/* Folding: herd_fold, herd_natural_cmp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in;		/* names, space-separated */
	const char *out;	/* herd_fold(..., 1) */
} fold[] = {
	{ "", "" },
	{ "web1", "web1" },
	{ "web", "web" },
	{ "web1 web2 web3", "web[1-3]" },
	{ "web3 web1 web2", "web[1-3]" },
	{ "web1 web3 web4", "web[1,3-4]" },
	{ "web1 web3 web5", "web[1,3,5]" },
	{ "web9 web10", "web[9-10]" },
	{ "web01 web02 web10", "web[01-02,10]" },
	{ "web-01 web-02 web-03", "web-[01-03]" },
	{ "a b", "a, b" },
	{ "b a", "a, b" },
	{ "web10 web9 db1", "db1, web[9-10]" },
	{ "h1 h2 h3 x", "h[1-3], x" },
	{ "1 2 3", "[1-3]" },
	/* duplicates never fold into a malformed range */
	{ "web1 web1 web2", "web[1-2]" },
	{ "h001 h002 h003 h002 h003", "h[001-003]" },
	{ "web1 web1", "web1" },
	/* the number that varies, wherever it stands */
	{ "cn001-ib0 cn002-ib0 cn003-ib0", "cn[001-003]-ib0" },
	{ "web-1:2222 web-2:2222", "web-[1-2]:2222" },
	{ "rack1-n1 rack1-n2 rack1-n3 rack2-n1 rack2-n2 rack2-n3", "rack[1-2]-n[1-3]" },
	/* padding: names of different widths are different names */
	{ "web1 web01", "web01, web1" },
	/* numbers too long to fold are text */
	{ "n1234567890123456 n1234567890123457", "n1234567890123456, n1234567890123457" },
	{ "n999999999999999 n999999999999998", "n[999999999999998-999999999999999]" },
};

/* Split "a b c" into a vector. */
static void
names_of(struct herd_strv *sv, const char *s)
{
	herd_strv_split(sv, s, ' ');
}

static int
by_natural(const void *a, const void *b)
{
	return herd_natural_cmp(*(char *const *)a, *(char *const *)b);
}

/* Expand a folded list back ("a, b[1-2]" → names); -1 if a piece is refused. */
static int
unfold(const char *folded, struct herd_strv *out)
{
	struct herd_strv parts = { 0 };
	const char *err;
	size_t i;
	int rc = 0;

	herd_strv_split(&parts, folded, ' ');
	for (i = 0; i < parts.n && rc == 0; i++) {
		size_t len = strlen(parts.v[i]);

		if (len && parts.v[i][len - 1] == ',')
			parts.v[i][len - 1] = '\0';
		rc = herd_range_expand(parts.v[i], out, &err);
	}
	herd_strv_free(&parts);
	return rc;
}

/* Random names of a few shapes fold and expand back to the same set. */
static void
fold_roundtrip(void)
{
	static const char *const shapes[] = { "web%d", "web%02d", "r%d-n%d", "cn%03d-ib%d",
	    "db%d.example.com", "x%dy%dz", "plain" };
	struct herd_strv names = { 0 }, back = { 0 }, uniq = { 0 };
	unsigned seed = 12345;
	char name[64], *folded, *a, *b;
	size_t round, i, bad = 0;

	for (round = 0; round < 300; round++) {
		size_t n = 1 + (seed = seed * 1103515245 + 12345) % 40;

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			snprintf(name, sizeof name, shapes[(seed >> 8) % 7],
			    (int)((seed >> 12) % 15), (int)((seed >> 20) % 4));
			herd_strv_add(&names, name);
		}
		folded = herd_fold(names.v, names.n, 1);
		for (i = 0; i < names.n; i++)
			if (!herd_strv_has(&uniq, names.v[i]))
				herd_strv_add(&uniq, names.v[i]);
		qsort(uniq.v, uniq.n, sizeof *uniq.v, by_natural);
		if (unfold(folded, &back) == 0)
			qsort(back.v, back.n, sizeof *back.v, by_natural);
		a = unit_join(&uniq);
		b = unit_join(&back);
		if (strcmp(a, b) && bad++ < 3)
			CHECK(0, "fold \"%s\" -> \"%s\" expands to \"%s\"", a, folded, b);
		free(a);
		free(b);
		free(folded);
		herd_strv_free(&names);
		herd_strv_free(&back);
		herd_strv_free(&uniq);
	}
	CHECK(bad == 0, "fold/expand round trip: %zu of 300 differ", bad);
}

void
test_fold(void)
{
	struct herd_strv sv = { 0 };
	char what[160], *got;
	size_t i;

	for (i = 0; i < sizeof fold / sizeof fold[0]; i++) {
		names_of(&sv, fold[i].in);
		snprintf(what, sizeof what, "fold \"%s\"", fold[i].in);
		got = herd_fold(sv.v, sv.n, 1);
		EQ_STR(what, got, fold[i].out);
		free(got);
		herd_strv_free(&sv);
	}

	names_of(&sv, "web2 web10 web1 web2");
	got = herd_fold(sv.v, sv.n, 0);
	EQ_STR("fold 0 lists every name once, in natural order", got, "web1, web2, web10");
	free(got);
	herd_strv_free(&sv);

	got = herd_fold(NULL, 0, 1);
	EQ_STR("fold of no names", got, "");
	free(got);

	CHECK(herd_natural_cmp("web9", "web10") < 0, "web9 < web10");
	CHECK(herd_natural_cmp("web10", "web9") > 0, "web10 > web9");
	CHECK(herd_natural_cmp("web1", "web1") == 0, "web1 == web1");
	CHECK(herd_natural_cmp("web01", "web1") != 0, "web01 != web1");
	CHECK((herd_natural_cmp("web01", "web1") < 0) == (herd_natural_cmp("web1", "web01") > 0),
	    "web01/web1 ordered both ways alike");
	CHECK(herd_natural_cmp("a", "b") < 0, "a < b");
	CHECK(herd_natural_cmp("web", "web1") < 0, "web < web1");
	CHECK(herd_natural_cmp("r2-n1", "r10-n1") < 0, "r2-n1 < r10-n1");
	CHECK(herd_natural_cmp("n99999999999999999999", "n100000000000000000000") < 0,
	    "long numbers compare by length");

	fold_roundtrip();
}
