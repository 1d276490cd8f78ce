/*
 * The canonical description of a selection, for the C record and the
 * history: what is asked for, not the order it was asked in, so that
 * "-g web -t prod" and "-t prod -g web" are one selection.  It is written
 * in herd-select's own options (each word quoted for sh), and selects the
 * same hosts when given back to herd-select:
 *
 *   -a -g db,web -t 'nginx,prod,!staging' -w 'h[001-003],web-*' -f FILE
 *   -x web-02 --pick 3
 *
 * Groups, tag expressions (and the tags in each), files and hosts are
 * sorted and listed once; ranges are expanded and folded back, so h001,h002
 * and h[001-002] are the same hosts.  Globs and ^FILE are kept as written.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static int
by_natural(const void *a, const void *b)
{
	return herd_natural_cmp(*(char *const *)a, *(char *const *)b);
}

/* Sort a vector and drop repeated strings. */
static void
sort_unique(struct herd_strv *sv)
{
	size_t i, k = 0;

	if (!sv->n)
		return;
	qsort(sv->v, sv->n, sizeof *sv->v, by_natural);
	for (i = 0; i < sv->n; i++) {
		if (k && !strcmp(sv->v[k - 1], sv->v[i]))
			free(sv->v[i]);
		else
			sv->v[k++] = sv->v[i];
	}
	sv->n = k;
	sv->v[k] = NULL;
}

/* "web,prod,!staging,prod" as "prod,web,!staging"; as written if not valid. */
static char *
tag_expression(const char *expr)
{
	struct herd_tagexpr e;
	struct herd_strv terms = { 0 };
	const char *why;
	char *s;
	size_t i;

	if (herd_tagexpr_parse(expr, &e, &why) < 0)
		return xstrdup(expr);
	sort_unique(&e.want);
	sort_unique(&e.reject);
	for (i = 0; i < e.want.n; i++)
		herd_strv_add(&terms, e.want.v[i]);
	for (i = 0; i < e.reject.n; i++) {
		s = xasprintf("!%s", e.reject.v[i]);
		herd_strv_add(&terms, s);
		free(s);
	}
	s = herd_strv_join(&terms, ",");
	herd_strv_free(&terms);
	herd_tagexpr_free(&e);
	return s;
}

/* Add the names of a pattern to names, or the pattern as it is to kept. */
static void
host_item(const char *item, struct herd_strv *names, struct herd_strv *kept)
{
	struct herd_strv v = { 0 };
	const char *why;
	size_t i;

	if (*item == '^' || strpbrk(item, "*?") ||
	    herd_range_expand(item, &v, &why) < 0) {
		herd_strv_add(kept, item);
		return;
	}
	for (i = 0; i < v.n; i++)	/* a glob's class or a [v6addr]: not folded */
		herd_strv_add(strchr(v.v[i], '[') ? kept : names, v.v[i]);
	herd_strv_free(&v);
}

/*
 * Comma lists of hosts as one sorted comma list, ranges folded; with files,
 * ^FILE items go there (and - there too) instead of into the list.
 */
static char *
host_list(const struct herd_strv *lists, struct herd_strv *files)
{
	struct herd_strv items = { 0 }, names = { 0 }, kept = { 0 };
	char *folded, *list, *p;
	size_t i;

	for (i = 0; i < lists->n; i++)
		herd_range_split(&items, lists->v[i]);
	for (i = 0; i < items.n; i++) {
		if (files && items.v[i][0] == '^')
			herd_strv_add(files, items.v[i] + 1);
		else
			host_item(items.v[i], &names, &kept);
	}
	folded = herd_fold(names.v, names.n, 1);
	for (p = folded; (p = strstr(p, ", ")); p++)
		memmove(p + 1, p + 2, strlen(p + 2) + 1);
	herd_range_split(&kept, folded);
	sort_unique(&kept);
	list = herd_strv_join(&kept, ",");
	free(folded);
	herd_strv_free(&items);
	herd_strv_free(&names);
	herd_strv_free(&kept);
	return list;
}

static void
word(struct herd_buf *b, const char *opt, const char *arg)
{
	if (b->len)
		herd_buf_addc(b, ' ');
	herd_buf_adds(b, opt);
	if (arg) {
		herd_buf_addc(b, ' ');
		herd_shell_quote(b, arg);
	}
}

char *
herd_selector_describe(const struct herd_selector *sel)
{
	struct herd_buf b = { 0 };
	struct herd_strv groups = { 0 }, tags = { 0 }, files = { 0 };
	char *s;
	size_t i;

	herd_buf_adds(&b, "");
	if (sel->all)
		word(&b, "-a", NULL);
	for (i = 0; i < sel->groups.n; i++)
		herd_strv_split(&groups, sel->groups.v[i], ',');
	sort_unique(&groups);
	if (groups.n) {
		s = herd_strv_join(&groups, ",");
		word(&b, "-g", s);
		free(s);
	}
	for (i = 0; i < sel->tags.n; i++) {
		s = tag_expression(sel->tags.v[i]);
		herd_strv_add(&tags, s);
		free(s);
	}
	sort_unique(&tags);
	for (i = 0; i < tags.n; i++)
		word(&b, "-t", tags.v[i]);
	for (i = 0; i < sel->files.n; i++)
		herd_strv_add(&files, sel->files.v[i]);
	s = host_list(&sel->patterns, &files);
	if (*s)
		word(&b, "-w", s);
	free(s);
	sort_unique(&files);
	for (i = 0; i < files.n; i++)
		word(&b, "-f", files.v[i]);
	s = host_list(&sel->excludes, NULL);
	if (*s)
		word(&b, "-x", s);
	free(s);
	if (sel->pick) {
		s = xasprintf("%lld", sel->pick);
		word(&b, "--pick", s);
		free(s);
	}
	herd_strv_free(&groups);
	herd_strv_free(&tags);
	herd_strv_free(&files);
	return herd_buf_steal(&b);
}
