/* --ignore's masks (lib/mask.c): masked text and masked digests. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mask.h"

static struct herd_mask *
mask_of(const char *a, const char *b)
{
	struct herd_strv v = { 0 };
	struct herd_mask *m;
	char *err = NULL;

	if (a)
		herd_strv_add(&v, a);
	if (b)
		herd_strv_add(&v, b);
	m = herd_mask_new(&v, &err);
	CHECK(m && !err, "compile %s %s: %s", a ? a : "", b ? b : "", err ? err : "");
	free(err);
	herd_strv_free(&v);
	return m;
}

static const struct {
	const char *re1, *re2, *in, *want;
} texts[] = {
	{ NULL, NULL, "up 3 days\n", "up 3 days\n" },
	{ "[0-9]+", NULL, "pid 42 up 7\n", "pid [ignored] up [ignored]\n" },
	{ "[0-9]+", NULL, "", "" },
	{ "^load.*$", NULL, "a\nload 0.1\nb\n", "a\n[ignored]\nb\n" },
	{ "[0-9]{2}:[0-9]{2}", "pid=[0-9]+", "12:30 pid=7\n", "[ignored] [ignored]\n" },
	/* the second pattern sees the first's result */
	{ "a", "\\[ignored\\]", "xa", "x[ignored]" },
	{ "x*", NULL, "ab", "[ignored]a[ignored]b[ignored]" },
	{ "\\$[0-9]", NULL, "$1 \\1 ${x}", "[ignored] \\1 ${x}" },
};

void
test_mask(void)
{
	struct herd_buf out = { 0 };
	struct herd_mask *m;
	struct herd_strv v = { 0 };
	char h1[65], h2[65], h3[65], *err = NULL;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		m = mask_of(texts[i].re1, texts[i].re2);
		herd_mask_text(m, texts[i].in, strlen(texts[i].in), &out);
		EQ_MEM(texts[i].in, out.p, out.len, texts[i].want, strlen(texts[i].want));
		herd_mask_free(m);
	}

	/* Bytes with NULs and invalid UTF-8 pass through. */
	m = mask_of("[0-9]", NULL);
	herd_mask_text(m, "\0\xff" "1\n", 4, &out);
	EQ_MEM("bytes", out.p, out.len, "\0\xff[ignored]\n", 12);

	/* Digests: the plain one without patterns; masked ones alike when only masked parts differ. */
	herd_mask_hash(NULL, "ok", 0, "up 1", 4, "", 0, h1);
	herd_result_hash("ok", 0, "up 1", 4, "", 0, h2);
	EQ_STR("empty mask digest", h1, h2);
	herd_mask_hash(m, "ok", 0, "up 1", 4, "e 5", 3, h1);
	herd_mask_hash(m, "ok", 0, "up 2", 4, "e 9", 3, h2);
	EQ_STR("masked digests", h1, h2);
	herd_mask_hash(m, "nonzero", 1, "up 2", 4, "e 9", 3, h3);
	CHECK(strcmp(h1, h3) != 0, "status still counts");
	herd_mask_hash(m, "ok", 0, "up 2", 4, "", 0, h3);
	CHECK(strcmp(h1, h3) != 0, "stderr still counts");
	herd_mask_hash(m, "ok", 0, "dn 2", 4, "e 9", 3, h3);
	CHECK(strcmp(h1, h3) != 0, "unmasked text still counts");
	CHECK(!herd_mask_empty(m), "a mask with a pattern is not empty");
	herd_mask_free(m);

	m = mask_of(NULL, NULL);
	CHECK(herd_mask_empty(m) && herd_mask_empty(NULL), "no patterns: empty");
	herd_mask_free(m);

	/* A bad pattern is named, nothing leaks. */
	herd_strv_add(&v, "ok");
	herd_strv_add(&v, "a(b");
	m = herd_mask_new(&v, &err);
	CHECK(!m && err && strstr(err, "'a(b'") && strstr(err, "offset"), "bad pattern: %s",
	    err ? err : "(none)");
	free(err);
	herd_strv_free(&v);
	herd_buf_free(&out);
}
