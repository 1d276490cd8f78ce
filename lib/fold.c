/*
 * Folding host names into ClusterShell-style ranges, on every number of a
 * name: cn001-ib0 .. cn100-ib0 become cn[001-100]-ib0, rack1-n1 ..
 * rack2-n3 become rack[1-2]-n[1-3].
 *
 * A name is its pattern (the name with each number replaced by a NUL) and
 * its numbers.  Names of one pattern are folded one number at a time, the
 * last first: the names equal but for that number (with the same padding)
 * become one item whose number is a range.  Each pass is one hash lookup
 * per item, so folding is linear in the names.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

#define NUM_DIGITS 15	/* a longer number is text */
#define MAX_NUMS 16	/* numbers folded in a name; later ones are text */

struct pattern {
	char *skel;		/* the name, a NUL for each number */
	size_t len, nnum;
	unsigned padded[MAX_NUMS]; /* bit w: a number zero-padded to w digits */
};

struct item {
	size_t pat;
	char **num;		/* each number as written, or a range "[1-3,7]" */
	int *width;		/* each number's zero-padded width, 0 for none */
	const char *first;	/* its smallest name, for the order of items */
};

struct folder {
	struct pattern *pat;
	size_t npat, patcap;
	struct herd_map pats;
	struct item *item;
	size_t nitem, itemcap;
};

/*
 * Compare names the way people count: web-9 before web-10.  Names equal
 * but for leading zeros (web-1, web-01) are ordered by their bytes, so
 * that the order never depends on the order the names came in.
 */
int
herd_natural_cmp(const char *a, const char *b)
{
	const char *a0 = a, *b0 = b, *sa, *sb;
	size_t la, lb;
	int c;

	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			for (sa = a; *sa == '0'; sa++)
				;
			for (sb = b; *sb == '0'; sb++)
				;
			for (la = 0; isdigit((unsigned char)sa[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)sb[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = memcmp(sa, sb, la)))
				return c;
			a = sa + la;
			b = sb + lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	if (*a != *b)
		return (unsigned char)*a - (unsigned char)*b;
	return strcmp(a0, b0);
}

static int
by_name(const void *a, const void *b)
{
	return herd_natural_cmp(*(char *const *)a, *(char *const *)b);
}

static int
by_first(const void *a, const void *b)
{
	return herd_natural_cmp(((const struct item *)a)->first,
	    ((const struct item *)b)->first);
}

static int
by_num(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The names once each, in natural order. */
static size_t
unique(char *const *names, size_t n, const char ***out)
{
	struct herd_map seen = { 0 };
	size_t i, k = 0;
	int added;

	*out = xcalloc(n ? n : 1, sizeof **out);
	for (i = 0; i < n; i++) {
		herd_map_put(&seen, names[i], strlen(names[i]), &added);
		if (added)
			(*out)[k++] = names[i];
	}
	herd_map_free(&seen);
	if (k)
		qsort(*out, k, sizeof **out, by_name);
	return k;
}

/* The length of the number at s that folds, 0 if none does. */
static size_t
num_len(const char *s, size_t nnum)
{
	size_t len = strspn(s, "0123456789");

	return len <= NUM_DIGITS && nnum < MAX_NUMS ? len : 0;
}

static size_t
pattern_of(struct folder *f, const char *name)
{
	struct herd_buf skel = { 0 };
	struct pattern *p;
	size_t len, nnum = 0, *idx;
	int added;

	herd_buf_adds(&skel, "");
	while (*name) {
		if (!isdigit((unsigned char)*name)) {
			herd_buf_addc(&skel, *name++);
			continue;
		}
		len = strspn(name, "0123456789");
		if (num_len(name, nnum)) {
			herd_buf_addc(&skel, '\0');
			nnum++;
		} else {
			herd_buf_add(&skel, name, len);
		}
		name += len;
	}
	idx = herd_map_put(&f->pats, skel.p, skel.len, &added);
	if (!added) {
		herd_buf_free(&skel);
		return *idx;
	}
	herd_grow(&f->pat, &f->patcap, f->npat, sizeof *f->pat);
	p = &f->pat[f->npat];
	memset(p, 0, sizeof *p);
	p->len = skel.len;
	p->skel = herd_buf_steal(&skel);
	p->nnum = nnum;
	*idx = f->npat;
	return f->npat++;
}

static void
add_name(struct folder *f, const char *name)
{
	struct item *it;
	struct pattern *p;
	size_t len, k = 0;

	herd_grow(&f->item, &f->itemcap, f->nitem, sizeof *f->item);
	it = &f->item[f->nitem++];
	it->pat = pattern_of(f, name);
	it->first = name;
	p = &f->pat[it->pat];
	it->num = xcalloc(p->nnum + 1, sizeof *it->num);
	it->width = xcalloc(p->nnum + 1, sizeof *it->width);
	for (; *name; name += len ? len : 1) {
		len = isdigit((unsigned char)*name) ? strspn(name, "0123456789") : 0;
		if (!len || !num_len(name, k))
			continue;
		it->num[k] = xstrndup(name, len);
		if (len > 1 && *name == '0') {
			it->width[k] = (int)len;
			p->padded[k] |= 1u << len;
		}
		k++;
	}
}

/* web-10 goes with web-01 .. web-09: a number as wide as a padded one of its place. */
static void
join_padded(struct folder *f)
{
	struct item *it;
	size_t i, k, len;

	for (i = 0; i < f->nitem; i++) {
		it = &f->item[i];
		for (k = 0; k < f->pat[it->pat].nnum; k++) {
			len = strlen(it->num[k]);
			if (!it->width[k] && len > 1 &&
			    f->pat[it->pat].padded[k] & 1u << len)
				it->width[k] = (int)len;
		}
	}
}

static void
item_free(struct item *it, size_t nnum)
{
	size_t k;

	for (k = 0; k < nnum; k++)
		free(it->num[k]);
	free(it->num);
	free(it->width);
}

/* A group of items equal but for number k: their numbers there. */
struct group {
	size_t item;		/* the first item, which stands for the group */
	long long *v;
	size_t n, cap;
};

/* What items folded together on number k share. */
static char *
group_key(const struct folder *f, const struct item *it, size_t k, size_t *len)
{
	struct herd_buf key = { 0 };
	size_t j;

	herd_buf_addf(&key, "%zu/%d", it->pat, it->width[k]);
	for (j = 0; j < f->pat[it->pat].nnum; j++) {
		herd_buf_addc(&key, '\0');
		if (j != k)
			herd_buf_adds(&key, it->num[j]);
	}
	*len = key.len;
	return herd_buf_steal(&key);
}

static char *
range_text(long long *v, size_t n, int width)
{
	struct herd_buf b = { 0 };
	size_t i, j;

	qsort(v, n, sizeof *v, by_num);
	if (n > 1)
		herd_buf_addc(&b, '[');
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		if (i)
			herd_buf_addc(&b, ',');
		herd_buf_addf(&b, "%0*lld", width, v[i]);
		if (j - i > 1)
			herd_buf_addf(&b, "-%0*lld", width, v[j - 1]);
	}
	if (n > 1)
		herd_buf_addc(&b, ']');
	return herd_buf_steal(&b);
}

/* Fold every item with a number k on that number. */
static void
fold_on(struct folder *f, size_t k)
{
	struct herd_map map = { 0 };
	struct herd_strv keys = { 0 };
	struct group *g = NULL;
	size_t ng = 0, gcap = 0, i, len, *gi, nkept = 0;
	struct item *it, *rep;
	char *key;
	int added;

	for (i = 0; i < f->nitem; i++) {
		it = &f->item[i];
		if (f->pat[it->pat].nnum <= k) {
			f->item[nkept++] = *it;
			continue;
		}
		key = group_key(f, it, k, &len);
		gi = herd_map_put(&map, key, len, &added);
		if (added) {
			herd_grow(&keys.v, &keys.cap, keys.n, sizeof *keys.v);
			keys.v[keys.n++] = key;
			herd_grow(&g, &gcap, ng, sizeof *g);
			memset(&g[ng], 0, sizeof *g);
			g[ng].item = nkept;
			f->item[nkept++] = *it;
			*gi = ng++;
		} else {
			free(key);
			rep = &f->item[g[*gi].item];
			if (herd_natural_cmp(it->first, rep->first) < 0)
				rep->first = it->first;
		}
		herd_grow(&g[*gi].v, &g[*gi].cap, g[*gi].n, sizeof *g[*gi].v);
		g[*gi].v[g[*gi].n++] = strtoll(it->num[k], NULL, 10);
		if (!added)
			item_free(it, f->pat[it->pat].nnum);
	}
	f->nitem = nkept;
	for (i = 0; i < ng; i++) {
		rep = &f->item[g[i].item];
		if (g[i].n > 1) {
			free(rep->num[k]);
			rep->num[k] = range_text(g[i].v, g[i].n, rep->width[k]);
		}
		free(g[i].v);
	}
	free(g);
	herd_map_free(&map);
	herd_strv_free(&keys);
}

static void
put_item(struct herd_buf *out, const struct folder *f, const struct item *it)
{
	const struct pattern *p = &f->pat[it->pat];
	size_t i, k = 0;

	for (i = 0; i < p->len; i++) {
		if (p->skel[i])
			herd_buf_addc(out, p->skel[i]);
		else
			herd_buf_adds(out, it->num[k++]);
	}
}

/*
 * Fold names into ranges, in natural order, joined by ", ".  With fold 0
 * every name is listed.  A name given more than once is listed once.
 */
char *
herd_fold(char *const *names, size_t n, int fold)
{
	struct folder f = { 0 };
	struct herd_buf out = { 0 };
	const char **uniq;
	size_t i, k, nu = unique(names, n, &uniq), most = 0;

	herd_buf_adds(&out, "");
	if (!fold) {
		for (i = 0; i < nu; i++)
			herd_buf_addf(&out, "%s%s", i ? ", " : "", uniq[i]);
		free(uniq);
		return herd_buf_steal(&out);
	}
	for (i = 0; i < nu; i++)
		add_name(&f, uniq[i]);
	join_padded(&f);
	for (i = 0; i < f.npat; i++)
		if (f.pat[i].nnum > most)
			most = f.pat[i].nnum;
	for (k = most; k-- > 0;)
		fold_on(&f, k);
	if (f.nitem)
		qsort(f.item, f.nitem, sizeof *f.item, by_first);
	for (i = 0; i < f.nitem; i++) {
		if (i)
			herd_buf_adds(&out, ", ");
		put_item(&out, &f, &f.item[i]);
		item_free(&f.item[i], f.pat[f.item[i].pat].nnum);
	}
	for (i = 0; i < f.npat; i++)
		free(f.pat[i].skel);
	free(f.pat);
	free(f.item);
	herd_map_free(&f.pats);
	free(uniq);
	return herd_buf_steal(&out);
}
