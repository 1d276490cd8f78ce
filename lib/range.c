#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

#define RANGE_MAX 1000000	/* names one pattern may expand to */

struct item {
	long long lo, hi, step;
	int width;		/* zero-padded width, 0 for none */
};

static int
parse_num(const char **sp, long long *v, int *digits)
{
	const char *s = *sp;

	*v = 0;
	for (*digits = 0; isdigit((unsigned char)*s); s++, (*digits)++) {
		if (*v > 1000000000LL)
			return -1;
		*v = *v * 10 + (*s - '0');
	}
	*sp = s;
	return *digits ? 0 : -1;
}

/* Parse "1-3,7,01-20/2" (up to close); -1 if it is not a range. */
static int
parse_items(const char *s, const char *close, struct item **items, size_t *n)
{
	size_t cap = 0;
	struct item it;
	int digits, hidigits;

	*items = NULL;
	*n = 0;
	while (s < close) {
		if (parse_num(&s, &it.lo, &digits) < 0)
			goto bad;
		it.width = digits > 1 && s[-digits] == '0' ? digits : 0;
		it.hi = it.lo;
		it.step = 1;
		if (*s == '-') {
			s++;
			if (parse_num(&s, &it.hi, &hidigits) < 0 || it.hi < it.lo)
				goto bad;
			if (*s == '/') {
				s++;
				if (parse_num(&s, &it.step, &hidigits) < 0 || it.step < 1)
					goto bad;
			}
		}
		if (s < close && *s++ != ',')
			goto bad;
		herd_grow(items, &cap, *n, sizeof **items);
		(*items)[(*n)++] = it;
		if (s == close && s[-1] == ',')
			goto bad;
	}
	if (*n)
		return 0;
bad:
	free(*items);
	*items = NULL;
	return -1;
}

static int
expand(struct herd_buf *prefix, const char *rest, struct herd_strv *out,
    const char **err)
{
	const char *open, *close, *s = rest;
	struct item *items;
	size_t n, i, mark;
	long long v;
	int rc = 0;

	for (;;) {
		open = strchr(s, '[');
		if (!open) {
			herd_buf_adds(prefix, rest);
			if (out->n >= RANGE_MAX) {
				*err = "range expands to too many names";
				return -1;
			}
			herd_strv_add(out, prefix->p);
			return 0;
		}
		close = strchr(open, ']');
		if (!close) {
			*err = "unterminated [";
			return -1;
		}
		if (parse_items(open + 1, close, &items, &n) == 0)
			break;
		if (close > open + 1 && strspn(open + 1, "0123456789,-/") ==
		    (size_t)(close - open - 1)) {
			*err = "bad range: use [1-3,7], [01-20] or [1-10/2], low to high";
			return -1;
		}
		s = close + 1;	/* a glob character class, not a range */
	}
	herd_buf_add(prefix, rest, (size_t)(open - rest));
	mark = prefix->len;
	for (i = 0; i < n && rc == 0; i++)
		for (v = items[i].lo; v <= items[i].hi && rc == 0; v += items[i].step) {
			prefix->len = mark;
			herd_buf_addf(prefix, "%0*lld", items[i].width, v);
			rc = expand(prefix, close + 1, out, err);
		}
	prefix->len = mark;
	free(items);
	return rc;
}

/* Append the names a pattern stands for; a pattern without ranges is itself. */
int
herd_range_expand(const char *pattern, struct herd_strv *out, const char **err)
{
	struct herd_buf prefix = { 0 };
	int rc;

	herd_buf_adds(&prefix, "");
	rc = expand(&prefix, pattern, out, err);
	herd_buf_free(&prefix);
	return rc;
}

int
herd_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}
