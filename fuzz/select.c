/*
 * Host patterns, ranges, tag expressions, selection and folding (lib/range.c,
 * lib/tagexpr.c, lib/host.c, lib/select.c, lib/fold.c).  The input is lines
 * "g GROUP", "t TAGEXPR", "p PATTERN" or "x EXCLUDE" (a selection, as
 * herd-select's -g, -t, positional words and -x), up to a line "%%"; the rest
 * is a config.  Each pattern is also expanded, split and parsed as a host
 * alone.  Names folded into ranges must expand back to the same names.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"

#define MAX_NAMES 5000		/* names of one pattern checked by folding */
#define SLOW_NAMES 5000		/* more are slow under the sanitizers, and teach nothing */

/*
 * Patterns of more than SLOW_NAMES names (and at most the limit of
 * lib/range.c) are not expanded: they are valid, slow under the sanitizers,
 * and teach the fuzzer nothing.  Each comma-separated pattern counts alone.
 */
static int
too_slow(const char *p)
{
	struct herd_strv split = { 0 };
	unsigned long long n;
	const char *err;
	size_t i;
	int slow = 0;

	herd_range_split(&split, p);
	for (i = 0; i < split.n && !slow; i++)
		slow = herd_range_count(split.v[i], &n, &err) == 0 && n > SLOW_NAMES;
	herd_strv_free(&split);
	return slow || (herd_range_count(p, &n, &err) == 0 && n > SLOW_NAMES);
}

static int
by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names the range syntax can hold as they are: no brackets, commas or blanks. */
static int
plain_names(char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!*v[i] || strpbrk(v[i], "[], \t\n"))
			return 0;
	return 1;
}

/* The distinct names of v, sorted by bytes, joined by LF. */
static char *
name_set(char *const *v, size_t n)
{
	struct herd_strv s = { 0 };
	char *joined;
	size_t i;

	for (i = 0; i < n; i++)
		herd_strv_add(&s, v[i]);
	if (s.n)
		qsort(s.v, s.n, sizeof *s.v, by_bytes);
	for (i = 1; i < s.n; i++)
		if (!strcmp(s.v[i], s.v[i - 1])) {
			free(s.v[i]);
			memmove(&s.v[i], &s.v[i + 1], (s.n - i) * sizeof *s.v);
			s.n--;
			i--;
		}
	joined = herd_strv_join(&s, "\n");
	herd_strv_free(&s);
	return joined;
}

/* herd_fold's list ("a, web[1-3]") expands back to the names folded. */
static void
check_fold(char *const *v, size_t n)
{
	struct herd_strv parts = { 0 }, back = { 0 };
	char *folded, *all, *want, *got;
	const char *err;
	size_t i, distinct;

	if (n == 0 || n > MAX_NAMES || !plain_names(v, n))
		return;
	folded = herd_fold(v, n, 1);
	all = herd_fold(v, n, 0);
	herd_strv_split(&parts, folded, ' ');
	for (i = 0; i < parts.n; i++) {
		size_t len = strlen(parts.v[i]);

		if (len && parts.v[i][len - 1] == ',')
			parts.v[i][len - 1] = '\0';
		if (herd_range_expand(parts.v[i], &back, &err) < 0)
			fuzz_fail("folded \"%s\" does not expand: %s", parts.v[i], err);
	}
	want = name_set(v, n);
	got = name_set(back.v, back.n);
	if (strcmp(want, got))
		fuzz_fail("fold gives \"%s\", which expands to other names", folded);
	for (i = 0, distinct = 1; want[i]; i++)
		distinct += want[i] == '\n';
	if (back.n != distinct)
		fuzz_fail("fold gives \"%s\": %zu names for %zu", folded, back.n, distinct);
	free(want);
	free(got);
	free(folded);
	free(all);
	herd_strv_free(&parts);
	herd_strv_free(&back);
}

static void
check_pattern(const char *p)
{
	struct herd_strv names = { 0 }, split = { 0 };
	struct herd_tagexpr e;
	struct herd_host h;
	const char *err;

	if (!too_slow(p)) {
		if (herd_range_expand(p, &names, &err) == 0)
			check_fold(names.v, names.n);
		else if (names.n)
			fuzz_fail("a refused pattern added names");
		herd_strv_free(&names);
	}
	herd_range_split(&split, p);
	herd_strv_free(&split);
	if (herd_host_parse(p, &h, &err) == 0)
		herd_host_free(&h);
	if (herd_tagexpr_parse(p, &e, &err) == 0)
		herd_tagexpr_free(&e);
	(void)herd_is_glob(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_selector sel = { 0 };
	struct herd_hostlist out = { 0 };
	struct herd_config cfg;
	struct herd_tagexpr e;
	const char *err;
	char *line, *msg = NULL, **names;
	size_t i;
	int slow = 0;

	while (size) {
		fuzz_split_line(&data, &size, &line);
		if (!strcmp(line, "%%")) {
			free(line);
			break;
		}
		if (strlen(line) >= 2 && line[1] == ' ') {
			switch (line[0]) {
			case 'g': herd_strv_add(&sel.groups, line + 2); break;
			case 't':
				herd_strv_add(&sel.tags, line + 2);
				if (herd_tagexpr_parse(line + 2, &e, &err) == 0)
					herd_tagexpr_free(&e);
				break;
			case 'p':
				herd_strv_add(&sel.patterns, line + 2);
				check_pattern(line + 2);
				slow |= too_slow(line + 2);
				break;
			case 'x':
				herd_strv_add(&sel.excludes, line + 2);
				slow |= too_slow(line + 2);
				break;
			}
		}
		free(line);
	}
	if (herd_conf_load(&cfg, fuzz_file(0, data, size), 1) == 0 && !cfg.errors.n && !slow &&
	    herd_select(&cfg, &sel, &out, &msg) == 0) {
		names = xcalloc(out.n + 1, sizeof *names);
		for (i = 0; i < out.n; i++)
			names[i] = out.h[i].name;
		check_fold(names, out.n);
		free(names);
	}
	free(msg);
	herd_hostlist_free(&out);
	herd_conf_free(&cfg);
	herd_selector_free(&sel);
	return 0;
}
