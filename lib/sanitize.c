#include <langinfo.h>
#include <string.h>

#include "herd.h"

/*
 * Whether the terminal's character set is UTF-8 (setlocale has run, see
 * herd_init).  In any other, bytes from 0x80 up may be controls (0x9b is a
 * CSI in an 8-bit set): then all of them are escaped.
 */
int
herd_utf8_locale(void)
{
	static int utf8 = -1;

	if (utf8 < 0)
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	return utf8;
}

/* Code points a terminal acts on or that reorder text: C1 controls, bidi controls. */
int
herd_unsafe_char(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c;
}

/*
 * Append remote bytes made safe for a terminal: control characters as ^X
 * (ESC is ^[), C1 and bidi controls as <U+XXXX>, invalid UTF-8 (and, in a
 * locale that is not UTF-8, every byte from 0x80) as \xNN.  Newlines and
 * tabs are kept.
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
		} else if (!herd_utf8_locale() ||
		    (len = herd_utf8_decode(p, (size_t)(end - p), &cp)) == 0) {
			herd_buf_addf(out, "\\x%02x", *p++);
		} else if (herd_unsafe_char(cp)) {
			herd_buf_addf(out, "<U+%04X>", cp);
			p += len;
		} else {
			herd_buf_add(out, p, len);
			p += len;
		}
	}
}

/* A string made safe for a terminal, to free. */
char *
herd_safe(const char *s)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "");
	herd_sanitize(&b, s, strlen(s));
	return herd_buf_steal(&b);
}
