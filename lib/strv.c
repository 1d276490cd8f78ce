#include <stdlib.h>
#include <string.h>

#include "herd.h"

void
herd_strv_addn(struct herd_strv *sv, const char *s, size_t n)
{
	herd_grow(&sv->v, &sv->cap, sv->n + 1, sizeof *sv->v);
	sv->v[sv->n++] = xstrndup(s, n);
	sv->v[sv->n] = NULL;
}

void
herd_strv_add(struct herd_strv *sv, const char *s)
{
	herd_strv_addn(sv, s, strlen(s));
}

int
herd_strv_has(const struct herd_strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

/* Append the non-empty pieces of s split at sep. */
void
herd_strv_split(struct herd_strv *sv, const char *s, int sep)
{
	const char *e;

	for (; *s; s = *e ? e + 1 : e) {
		e = strchr(s, sep);
		if (!e)
			e = s + strlen(s);
		if (e > s)
			herd_strv_addn(sv, s, (size_t)(e - s));
	}
}

char *
herd_strv_join(const struct herd_strv *sv, const char *sep)
{
	struct herd_buf b = { 0 };
	size_t i;

	for (i = 0; i < sv->n; i++) {
		if (i)
			herd_buf_adds(&b, sep);
		herd_buf_adds(&b, sv->v[i]);
	}
	return herd_buf_steal(&b);
}

void
herd_strv_free(struct herd_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}
