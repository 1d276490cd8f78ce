#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "herd.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

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
	json_t *s;

	while (i < n) {
		len = utf8_len(p + i, n - i);
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

void
herd_json_print(FILE *out, json_t *v)
{
	json_dumpf(v, out, JSON_COMPACT);
	putc('\n', out);
	json_decref(v);
}
