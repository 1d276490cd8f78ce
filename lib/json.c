#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "herd.h"

/*
 * A JSON string of arbitrary bytes: valid UTF-8 is kept, each byte of an
 * invalid sequence becomes U+FFFD. The records stay the lossless format.
 */
json_t *
herd_json_bytes(const void *data, size_t n)
{
	const unsigned char *p = data;
	struct herd_buf b = { 0 };
	size_t i = 0, len;
	unsigned cp;
	json_t *s;

	while (i < n) {
		len = herd_utf8_decode(p + i, n - i, &cp);
		if (len) {
			herd_buf_add(&b, p + i, len);
			i += len;
		} else {
			herd_buf_add(&b, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	s = json_stringn(b.p ? b.p : "", b.len);
	herd_buf_free(&b);
	return s;
}

/*
 * One object per line, all ASCII: remote text may hold C1 and bidi
 * controls, which must not reach a terminal raw (jq decodes \uXXXX).
 */
void
herd_json_print(FILE *out, json_t *v)
{
	json_dumpf(v, out, JSON_COMPACT | JSON_ENSURE_ASCII);
	putc('\n', out);
	json_decref(v);
}
