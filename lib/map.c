/*
 * The suite's one hash map: byte-string keys to size_t values (usually an
 * index into the caller's array).  Open addressing with linear probing,
 * kept at most half full.  Keys are not copied: the caller keeps them alive
 * and unchanged while they are in the map.
 */
#include <stdlib.h>
#include <string.h>

#include "herd.h"

unsigned long long
herd_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	unsigned long long h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static struct herd_map_entry *
probe(const struct herd_map *m, const void *key, size_t len, unsigned long long h)
{
	size_t i;

	for (i = h & (m->cap - 1); m->e[i].key; i = (i + 1) & (m->cap - 1))
		if (m->e[i].hash == h && m->e[i].len == len &&
		    !memcmp(m->e[i].key, key, len))
			break;
	return &m->e[i];
}

static void
grow(struct herd_map *m)
{
	struct herd_map_entry *old = m->e, *e;
	size_t oldcap = m->cap, i;

	m->cap = m->cap ? m->cap * 2 : 16;
	m->e = xcalloc(m->cap, sizeof *m->e);
	for (i = 0; i < oldcap; i++)
		if (old[i].key) {
			e = probe(m, old[i].key, old[i].len, old[i].hash);
			*e = old[i];
		}
	free(old);
}

size_t *
herd_map_get(const struct herd_map *m, const void *key, size_t len)
{
	struct herd_map_entry *e;

	if (!m->cap)
		return NULL;
	e = probe(m, key ? key : "", len, herd_hash_bytes(key, len));
	return e->key ? &e->value : NULL;
}

size_t *
herd_map_put(struct herd_map *m, const void *key, size_t len, int *added)
{
	unsigned long long h = herd_hash_bytes(key, len);
	struct herd_map_entry *e;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	e = probe(m, key ? key : "", len, h);
	if (added)
		*added = !e->key;
	if (!e->key) {
		e->key = key ? key : "";
		e->len = len;
		e->hash = h;
		e->value = 0;
		m->n++;
	}
	return &e->value;
}

void
herd_map_free(struct herd_map *m)
{
	free(m->e);
	memset(m, 0, sizeof *m);
}
