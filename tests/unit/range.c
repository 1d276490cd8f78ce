/* Ranges: herd_range_expand, herd_range_split, herd_is_glob. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in, *out;	/* out NULL: refused */
} expand[] = {
	{ "web", "web" },
	{ "", "" },
	{ "web[1-3]", "web1 web2 web3" },
	{ "web-[01-03]", "web-01 web-02 web-03" },
	{ "web-[08-11]", "web-08 web-09 web-10 web-11" },
	{ "n[001-3]", "n001 n002 n003" },
	{ "n[0]", "n0" },
	{ "n[00]", "n00" },
	{ "n[7]", "n7" },
	{ "db[1-3,7]", "db1 db2 db3 db7" },
	{ "db[7,1-2]", "db7 db1 db2" },
	{ "n[1-10/3]", "n1 n4 n7 n10" },
	{ "n[1-9/4]", "n1 n5 n9" },
	{ "n[2-2]", "n2" },
	{ "[1-3]", "1 2 3" },
	{ "[1-2]x", "1x 2x" },
	{ "r[1-2]-n[1-3]", "r1-n1 r1-n2 r1-n3 r2-n1 r2-n2 r2-n3" },
	{ "a[1-2]b[1-2]c", "a1b1c a1b2c a2b1c a2b2c" },
	{ "x[1,3][5,7]", "x15 x17 x35 x37" },
	{ "web-1:[22-23]", "web-1:22 web-1:23" },
	{ "n[999999999999999]", "n999999999999999" },
	/* a bracket that is not a range is a glob's class, kept as text */
	{ "web[a-c]", "web[a-c]" },
	{ "web[!0-9]", "web[!0-9]" },
	{ "w[a-b][1-2]", "w[a-b]1 w[a-b]2" },
	/* refused */
	{ "web[3-1]", NULL },
	{ "web[1-", NULL },
	{ "web[1-3", NULL },
	{ "n[1-3/0]", NULL },
	{ "n[1,,2]", NULL },
	{ "n[,1]", NULL },
	{ "n[1,]", NULL },
	{ "n[-1]", NULL },
	{ "n[1-]", NULL },
	{ "n[1--3]", NULL },
	{ "n[1-3/]", NULL },
	{ "n[1/2]", NULL },
	{ "n[1-3]x[", NULL },
	{ "n[1234567890123456]", NULL },
	{ "n[1-1234567890123456]", NULL },
	{ "x[1-1000001]", NULL },
	{ "x[1-1000][1-1001]", NULL },
	{ "x[1-100000000]", NULL },
	{ "x[1-999999999999999][1-999999999999999]", NULL },
};

static const struct {
	const char *in, *out;	/* pieces joined by "|" */
} split[] = {
	{ "a,b,c", "a|b|c" },
	{ "a", "a" },
	{ "", "" },
	{ ",", "" },
	{ ",a,,b,", "a|b" },
	{ "db[1-3,7],web", "db[1-3,7]|web" },
	{ "a[1,2]b[3,4],c", "a[1,2]b[3,4]|c" },
	{ "x]y,z", "x]y|z" },
	{ "x[1,2", "x[1,2" },
};

void
test_range(void)
{
	struct herd_strv sv = { 0 };
	const char *err;
	char what[128], *got;
	size_t i;
	int rc;

	for (i = 0; i < sizeof expand / sizeof expand[0]; i++) {
		err = NULL;
		snprintf(what, sizeof what, "expand \"%s\"", expand[i].in);
		rc = herd_range_expand(expand[i].in, &sv, &err);
		got = unit_join(&sv);
		if (expand[i].out) {
			CHECK(rc == 0, "%s: refused: %s", what, err ? err : "(no message)");
			EQ_STR(what, got, expand[i].out);
		} else {
			CHECK(rc == -1 && err && *err, "%s: want refused with a message, got %s",
			    what, got);
			CHECK(sv.n == 0, "%s: refused but added %zu names", what, sv.n);
		}
		free(got);
		herd_strv_free(&sv);
	}

	/* Names are appended to what the vector holds. */
	herd_strv_add(&sv, "first");
	herd_range_expand("n[1-2]", &sv, &err);
	got = unit_join(&sv);
	EQ_STR("expand appends", got, "first n1 n2");
	free(got);
	herd_strv_free(&sv);

	/* The most names a pattern may give. */
	rc = herd_range_expand("x[1-1000][1-1000]", &sv, &err);
	CHECK(rc == 0 && sv.n == 1000000, "expand 1000000 names: rc %d, %zu names", rc, sv.n);
	CHECK(sv.n == 1000000 && !strcmp(sv.v[999999], "x10001000"), "the last of 1000000 names");
	herd_strv_free(&sv);

	for (i = 0; i < sizeof split / sizeof split[0]; i++) {
		snprintf(what, sizeof what, "split \"%s\"", split[i].in);
		herd_range_split(&sv, split[i].in);
		got = herd_strv_join(&sv, "|");
		EQ_STR(what, got, split[i].out);
		free(got);
		herd_strv_free(&sv);
	}

	CHECK(herd_is_glob("web*"), "glob web*");
	CHECK(herd_is_glob("web?"), "glob web?");
	CHECK(herd_is_glob("web[ab]"), "glob web[ab]");
	CHECK(!herd_is_glob("web"), "not glob web");
	CHECK(!herd_is_glob(""), "not glob \"\"");
}
