/* The hash map: herd_map_put, herd_map_get, herd_map_free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define MANY 20000

void
test_map(void)
{
	struct herd_map m = { 0 };
	static char keys[MANY][12];
	size_t *v, i, bad;
	int added = -1;

	CHECK(herd_map_get(&m, "a", 1) == NULL, "get from an empty map");
	v = herd_map_put(&m, "a", 1, &added);
	CHECK(v && added == 1 && *v == 0, "a new key is added with 0");
	*v = 7;
	v = herd_map_put(&m, "a", 1, &added);
	CHECK(v && added == 0 && *v == 7, "an old key keeps its value");
	CHECK(herd_map_put(&m, "b", 1, NULL) != NULL, "put without *added");
	v = herd_map_get(&m, "a", 1);
	CHECK(v && *v == 7, "get finds a key");
	CHECK(herd_map_get(&m, "c", 1) == NULL, "get misses an absent key");
	CHECK(herd_map_get(&m, "ab", 2) == NULL, "a longer key is another key");
	EQ_NUM("entries", m.n, 2);

	/* Keys are bytes: NULs inside, the empty key, a prefix. */
	*herd_map_put(&m, "x\0y", 3, NULL) = 1;
	*herd_map_put(&m, "x\0z", 3, NULL) = 2;
	*herd_map_put(&m, "x", 1, NULL) = 3;
	*herd_map_put(&m, "", 0, NULL) = 4;
	v = herd_map_get(&m, "x\0y", 3);
	CHECK(v && *v == 1, "key with a NUL");
	v = herd_map_get(&m, "x\0z", 3);
	CHECK(v && *v == 2, "another key with a NUL");
	v = herd_map_get(&m, "x", 1);
	CHECK(v && *v == 3, "prefix of keys with a NUL");
	v = herd_map_get(&m, "", 0);
	CHECK(v && *v == 4, "empty key");
	v = herd_map_get(&m, NULL, 0);
	CHECK(v && *v == 4, "NULL key of length 0 is the empty key");
	herd_map_free(&m);
	CHECK(m.n == 0 && m.cap == 0 && m.e == NULL, "free resets");
	CHECK(herd_map_get(&m, "a", 1) == NULL, "get after free");

	/* Many keys, through growth: all found, with their values. */
	for (i = 0; i < MANY; i++) {
		snprintf(keys[i], sizeof keys[i], "h%05zu", i);
		v = herd_map_put(&m, keys[i], strlen(keys[i]), &added);
		if (!added)
			break;
		*v = i;
	}
	EQ_NUM("many keys added", m.n, MANY);
	CHECK(m.n * 2 <= m.cap, "at most half full (%zu of %zu)", m.n, m.cap);
	for (i = bad = 0; i < MANY; i++) {
		v = herd_map_get(&m, keys[i], strlen(keys[i]));
		if (!v || *v != i)
			bad++;
	}
	EQ_NUM("many keys found", bad, 0);
	CHECK(herd_map_get(&m, "h20000", 6) == NULL, "absent among many");
	herd_map_free(&m);

	CHECK(herd_hash_bytes("abc", 3) == herd_hash_bytes("abc", 3), "hash is stable");
	CHECK(herd_hash_bytes("abc", 3) != herd_hash_bytes("abd", 3), "hash differs");
	CHECK(herd_hash_bytes("a", 1) != herd_hash_bytes("a\0", 2), "hash sees length");
}
