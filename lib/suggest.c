#include <string.h>

#include "herd.h"

static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp, row[64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
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
