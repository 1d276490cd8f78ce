/*
 * ClusterShell-style ranges: web-[01-20], db[1-3,7], rack[1-2]-n[1-3].
 * A pattern is parsed into literal text and ranges, its size is known
 * before a single name is built, and the names are counted out like an
 * odometer, the last range turning fastest.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

#define RANGE_MAX 1000000	/* names one pattern may expand to */
#define NUM_DIGITS 15		/* digits in a number of a range */

static const char bad_range[] = "bad range: use [1-3,7], [01-20] or [1-10/2], low to high";
static const char too_long[] = "bad range: a number has at most 15 digits";
static const char too_many[] = "range expands to too many names (at most 1000000)";

struct item {
	long long lo, hi, step;
	int width;		/* zero-padded width, 0 for none */
};

/* Literal text, then a range (nitems 0: none). */
struct part {
	const char *lit;
	size_t litlen;
	struct item *items;
	size_t nitems;
	size_t cur;		/* the item counted now */
	long long v;		/* its number counted now */
};

struct pattern {
	struct part *p;
	size_t n, cap;
};

static const char *
skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* A number of up to NUM_DIGITS digits; *digits 0 if there is none. */
static const char *
parse_num(const char *s, const char *end, long long *v, int *digits, const char **err)
{
	s = skip_blanks(s, end);
	*v = 0;
	for (*digits = 0; s < end && isdigit((unsigned char)*s); s++) {
		if (++*digits > NUM_DIGITS) {
			*err = too_long;
			return NULL;
		}
		*v = *v * 10 + (*s - '0');
	}
	if (!*digits) {
		*err = bad_range;
		return NULL;
	}
	return skip_blanks(s, end);
}

/* One item: N, LO-HI or LO-HI/STEP, before a comma or the end. */
static const char *
parse_item(const char *s, const char *end, struct item *it, const char **err)
{
	const char *start = skip_blanks(s, end);
	int digits;

	if (!(s = parse_num(start, end, &it->lo, &digits, err)))
		return NULL;
	it->width = digits > 1 && *start == '0' ? digits : 0;
	it->hi = it->lo;
	it->step = 1;
	if (s < end && *s == '-') {
		if (!(s = parse_num(s + 1, end, &it->hi, &digits, err)))
			return NULL;
		if (s < end && *s == '/' &&
		    !(s = parse_num(s + 1, end, &it->step, &digits, err)))
			return NULL;
	}
	if (it->hi < it->lo || it->step < 1 || (s < end && *s != ',')) {
		*err = bad_range;
		return NULL;
	}
	return s;
}

/* The items between [ and ]; -1 with *err if they are not a range. */
static int
parse_items(const char *s, const char *end, struct part *p, const char **err)
{
	size_t cap = 0;
	struct item it;

	for (;;) {
		if (!(s = parse_item(s, end, &it, err)))
			return -1;
		herd_grow(&p->items, &cap, p->nitems, sizeof *p->items);
		p->items[p->nitems++] = it;
		if (s == end)
			return 0;
		s++;	/* the comma */
	}
}

static unsigned long long
part_size(const struct part *p)
{
	unsigned long long n = 0;
	size_t i;

	for (i = 0; i < p->nitems && n <= RANGE_MAX; i++)
		n += (unsigned long long)((p->items[i].hi - p->items[i].lo) /
		    p->items[i].step) + 1;
	return n;
}

/* A bracket of digits, blanks and ",-/" is a range; any other is a glob's class. */
static int
is_range(const char *open, const char *close)
{
	size_t len = (size_t)(close - open - 1);

	return len && strspn(open + 1, "0123456789,-/ \t") == len;
}

static struct part *
add_part(struct pattern *pat, const char *lit, size_t litlen)
{
	struct part *p;

	herd_grow(&pat->p, &pat->cap, pat->n, sizeof *pat->p);
	p = &pat->p[pat->n++];
	memset(p, 0, sizeof *p);
	p->lit = lit;
	p->litlen = litlen;
	return p;
}

static void
pattern_free(struct pattern *pat)
{
	size_t i;

	for (i = 0; i < pat->n; i++)
		free(pat->p[i].items);
	free(pat->p);
}

/* Split a pattern into text and ranges; *size is the number of names. */
static int
parse_pattern(const char *s, struct pattern *pat, unsigned long long *size,
    const char **err)
{
	const char *lit = s, *open, *close;
	struct part *p;
	unsigned long long n;

	*size = 1;
	for (;;) {
		open = strchr(s, '[');
		if (!open) {
			add_part(pat, lit, strlen(lit));
			return 0;
		}
		if (!(close = strchr(open, ']'))) {
			*err = "unterminated [";
			return -1;
		}
		s = close + 1;
		if (!is_range(open, close))
			continue;	/* a glob's character class, kept as text */
		p = add_part(pat, lit, (size_t)(open - lit));
		if (parse_items(open + 1, close, p, err) < 0)
			return -1;
		n = part_size(p);
		if (n > RANGE_MAX || *size * n > RANGE_MAX) {
			*err = too_many;
			return -1;
		}
		*size *= n;
		lit = s;
	}
}

/* Turn the odometer one step: the last range first, carrying leftwards. */
static void
advance(struct pattern *pat)
{
	struct part *p;
	size_t i = pat->n;

	while (i-- > 0) {
		p = &pat->p[i];
		if (!p->nitems)
			continue;
		if ((p->v += p->items[p->cur].step) <= p->items[p->cur].hi)
			return;
		if (++p->cur == p->nitems)
			p->cur = 0;
		p->v = p->items[p->cur].lo;
		if (p->cur)
			return;
	}
}

/* How many names a pattern stands for, without making them. */
int
herd_range_count(const char *pattern, unsigned long long *n, const char **err)
{
	struct pattern pat = { 0 };
	int rc = parse_pattern(pattern, &pat, n, err);

	pattern_free(&pat);
	return rc;
}

/* Append the names a pattern stands for; a pattern without ranges is itself. */
int
herd_range_expand(const char *pattern, struct herd_strv *out, const char **err)
{
	struct pattern pat = { 0 };
	struct herd_buf name = { 0 };
	unsigned long long size, k;
	struct part *p;
	size_t i;

	if (parse_pattern(pattern, &pat, &size, err) < 0) {
		pattern_free(&pat);
		return -1;
	}
	for (i = 0; i < pat.n; i++)
		if (pat.p[i].nitems)
			pat.p[i].v = pat.p[i].items[0].lo;
	for (k = 0; k < size; k++) {
		herd_buf_reset(&name);
		for (i = 0; i < pat.n; i++) {
			p = &pat.p[i];
			herd_buf_add(&name, p->lit, p->litlen);
			if (p->nitems)
				herd_buf_addf(&name, "%0*lld", p->items[p->cur].width, p->v);
		}
		herd_strv_addn(out, name.p ? name.p : "", name.len);
		advance(&pat);
	}
	herd_buf_free(&name);
	pattern_free(&pat);
	return 0;
}

/* Split a comma list of patterns; a comma inside [] belongs to a range. */
void
herd_range_split(struct herd_strv *out, const char *s)
{
	const char *start = s;
	int depth = 0;

	for (;; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']' && depth)
			depth--;
		else if ((*s == ',' && !depth) || !*s) {
			if (s > start)
				herd_strv_addn(out, start, (size_t)(s - start));
			if (!*s)
				return;
			start = s + 1;
		}
	}
}

int
herd_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}
