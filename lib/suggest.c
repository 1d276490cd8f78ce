#include <string.h>

#include "herd.h"

#define MAXLEN 64

static size_t
min2(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The optimal string alignment distance: insertions, deletions,
 * substitutions and transpositions of adjacent characters cost 1 each,
 * so "tgas" is one edit from "tags".
 */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t rows[3][MAXLEN + 1], *pp, *prev, *cur, *t;

	if (la > MAXLEN || lb > MAXLEN)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		rows[1][j] = j;
	pp = rows[0];
	prev = rows[1];
	cur = rows[2];
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			d = min2(prev[j] + 1, cur[j - 1] + 1);
			d = min2(d, prev[j - 1] + (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1])
				d = min2(d, pp[j - 2] + 1);
			cur[j] = d;
		}
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* The candidate within edit distance max(1, len/3) of word, closest first. */
const char *
herd_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t i, d, best = (size_t)-1, limit = strlen(word) / 3;
	const char *match = NULL;

	if (limit < 1)
		limit = 1;
	for (i = 0; i < n; i++) {
		d = distance(word, cands[i]);
		if (d <= limit && d < best) {
			best = d;
			match = cands[i];
		}
	}
	return match;
}
