/*
 * Folding host names into ClusterShell-style ranges: web-01 .. web-40 and
 * web-42 become web-[01-40,42].  Names are keyed by what surrounds their
 * last number (and its zero-padded width), collected in a hash table in
 * O(1) each; only the numbers inside one key are sorted.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

struct key {
	char *prefix, *suffix;
	int width;		/* digits when zero-padded, 0 otherwise */
	long long *num;
	size_t n, cap;
	char *first;		/* a name of the key, for ordering */
};

struct table {
	struct key *k;
	size_t n, cap;
	size_t *slot, nslot;	/* index + 1 */
};

static uint64_t
hash(const char *p, const char *s, int width)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ (uint64_t)width) * 1099511628211ULL;
}

static void
rehash(struct table *t)
{
	size_t i, j;

	free(t->slot);
	t->nslot = t->nslot ? t->nslot * 2 : 64;
	t->slot = xcalloc(t->nslot, sizeof *t->slot);
	for (i = 0; i < t->n; i++) {
		j = hash(t->k[i].prefix, t->k[i].suffix, t->k[i].width) & (t->nslot - 1);
		while (t->slot[j])
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = i + 1;
	}
}

static struct key *
find(const struct table *t, const char *prefix, const char *suffix, int width)
{
	size_t j = hash(prefix, suffix, width) & (t->nslot - 1);
	struct key *k;

	for (; t->slot[j]; j = (j + 1) & (t->nslot - 1)) {
		k = &t->k[t->slot[j] - 1];
		if (k->width == width && !strcmp(k->prefix, prefix) &&
		    !strcmp(k->suffix, suffix))
			return k;
	}
	return NULL;
}

static struct key *
lookup(struct table *t, const char *prefix, size_t plen, const char *suffix, int width,
    const char *name)
{
	char *p = xstrndup(prefix, plen);
	size_t j;
	struct key *k;

	if ((t->n + 1) * 2 > t->nslot)
		rehash(t);
	j = hash(p, suffix, width) & (t->nslot - 1);
	for (; t->slot[j]; j = (j + 1) & (t->nslot - 1)) {
		k = &t->k[t->slot[j] - 1];
		if (k->width == width && !strcmp(k->prefix, p) && !strcmp(k->suffix, suffix)) {
			free(p);
			return k;
		}
	}
	herd_grow(&t->k, &t->cap, t->n, sizeof *t->k);
	k = &t->k[t->n];
	memset(k, 0, sizeof *k);
	k->prefix = p;
	k->suffix = xstrdup(suffix);
	k->width = width;
	k->first = xstrdup(name);
	t->slot[j] = ++t->n;
	return k;
}

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
by_num(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int
by_first(const void *a, const void *b)
{
	return herd_natural_cmp(((const struct key *)a)->first,
	    ((const struct key *)b)->first);
}

static void
put_key(struct herd_buf *out, const struct key *k)
{
	size_t i, j;

	herd_buf_adds(out, k->prefix);
	if (k->n > 1)
		herd_buf_addc(out, '[');
	for (i = 0; i < k->n; i = j) {
		for (j = i + 1; j < k->n && k->num[j] == k->num[j - 1] + 1; j++)
			;
		if (i)
			herd_buf_addc(out, ',');
		herd_buf_addf(out, "%0*lld", k->width, k->num[i]);
		if (j - i > 1)
			herd_buf_addf(out, "-%0*lld", k->width, k->num[j - 1]);
	}
	if (k->n > 1)
		herd_buf_addc(out, ']');
	herd_buf_adds(out, k->suffix);
}

static int
digits(long long v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* web-10 belongs with web-01 .. web-09: a number as wide as a padded key's. */
static void
join_padded(struct table *t)
{
	struct key *k, *padded;
	size_t i, j, kept;

	for (i = 0; i < t->n; i++) {
		k = &t->k[i];
		if (k->width != 0)
			continue;
		for (kept = j = 0; j < k->n; j++) {
			padded = digits(k->num[j]) > 1 ?
			    find(t, k->prefix, k->suffix, digits(k->num[j])) : NULL;
			if (!padded) {
				k->num[kept++] = k->num[j];
				continue;
			}
			herd_grow(&padded->num, &padded->cap, padded->n, sizeof *padded->num);
			padded->num[padded->n++] = k->num[j];
		}
		k->n = kept;
	}
	for (i = j = 0; i < t->n; i++) {
		if (t->k[i].width == 0 && t->k[i].n == 0) {
			free(t->k[i].prefix);
			free(t->k[i].suffix);
			free(t->k[i].first);
			free(t->k[i].num);
			continue;
		}
		t->k[j++] = t->k[i];
	}
	t->n = j;
}

/*
 * Fold names into ranges, in natural order, joined by ", ".  With fold 0
 * every name is listed.  Names are expected unique.
 */
char *
herd_fold(char *const *names, size_t n, int fold)
{
	struct table t = { 0 };
	struct herd_buf out = { 0 };
	const char *s, *end, *start;
	struct key *k;
	size_t i;
	int width;

	herd_buf_adds(&out, "");
	for (i = 0; i < n; i++) {
		s = names[i];
		end = NULL;
		if (fold)
			for (start = s; *start; start++)
				if (isdigit((unsigned char)*start) &&
				    !isdigit((unsigned char)start[1]))
					end = start + 1;
		if (!end || end - s > 1000) {
			k = lookup(&t, s, strlen(s), "", -1, s);	/* no number */
			continue;
		}
		for (start = end; start > s && isdigit((unsigned char)start[-1]); start--)
			;
		if (end - start > 15) {
			k = lookup(&t, s, strlen(s), "", -1, s);
			continue;
		}
		width = start[0] == '0' && end - start > 1 ? (int)(end - start) : 0;
		k = lookup(&t, s, (size_t)(start - s), end, width, s);
		herd_grow(&k->num, &k->cap, k->n, sizeof *k->num);
		k->num[k->n++] = strtoll(start, NULL, 10);
		if (herd_natural_cmp(s, k->first) < 0) {
			free(k->first);
			k->first = xstrdup(s);
		}
	}
	join_padded(&t);
	qsort(t.k, t.n, sizeof *t.k, by_first);
	for (i = 0; i < t.n; i++) {
		k = &t.k[i];
		if (i)
			herd_buf_adds(&out, ", ");
		if (k->width < 0) {
			herd_buf_adds(&out, k->prefix);
		} else {
			qsort(k->num, k->n, sizeof *k->num, by_num);
			put_key(&out, k);
		}
		free(k->prefix);
		free(k->suffix);
		free(k->first);
		free(k->num);
	}
	free(t.k);
	free(t.slot);
	return herd_buf_steal(&out);
}
