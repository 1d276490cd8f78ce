#include <string.h>

#include "herd.h"

static size_t
utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))) ||
	    (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)))
		return 0;
	return len;
}

/* Code points a terminal acts on or that reorder text: C1 controls, bidi controls. */
static int
unsafe(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c;
}

/*
 * Append remote bytes made safe for a terminal: control characters as ^X
 * (ESC is ^[), C1 and bidi controls as <U+XXXX>, invalid UTF-8 as \xNN.
 * Newlines and tabs are kept.
 */
void
herd_sanitize(struct herd_buf *out, const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n;
	unsigned cp;
	size_t len;

	while (p < end) {
		if (*p == '\n' || *p == '\t' || (*p >= 0x20 && *p < 0x7f)) {
			herd_buf_addc(out, *p++);
		} else if (*p < 0x20) {
			herd_buf_addc(out, '^');
			herd_buf_addc(out, *p++ + 64);
		} else if (*p == 0x7f) {
			herd_buf_adds(out, "^?");
			p++;
		} else if ((len = utf8_seq(p, (size_t)(end - p), &cp)) == 0) {
			herd_buf_addf(out, "\\x%02x", *p++);
		} else if (unsafe(cp)) {
			herd_buf_addf(out, "<U+%04X>", cp);
			p += len;
		} else {
			herd_buf_add(out, p, len);
			p += len;
		}
	}
}
