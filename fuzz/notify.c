/*
 * herd-notify's parsers of outside input (herd-notify/template.c,
 * payload.c): the input is a body template.  Its parts must lie in the
 * template, in order; a template that is JSON once filled with plain values
 * must stay JSON filled with the input's own bytes (every value escaped);
 * JSON-escaped bytes must read back, as a JSON string, to the same bytes
 * with invalid UTF-8 as U+FFFD; ${NAME} expansion and URL masking must not
 * fail on any text.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../herd-notify/notify.h"

/* What json_escape's output must decode to: invalid sequences as U+FFFD. */
static void
expected(struct herd_buf *b, const uint8_t *s, size_t n)
{
	unsigned cp;
	size_t i = 0, len;

	while (i < n) {
		len = herd_utf8_decode(s + i, n - i, &cp);
		if (!len) {
			herd_buf_adds(b, "\xef\xbf\xbd");
			len = 1;
		} else {
			herd_buf_add(b, s + i, len);
		}
		i += len;
	}
	herd_buf_adds(b, "");
}

static void
check_escape(const uint8_t *data, size_t size)
{
	struct herd_buf b = { 0 }, want = { 0 };
	json_error_t je;
	json_t *j;

	herd_buf_addc(&b, '"');
	json_escape(&b, data, size);
	herd_buf_addc(&b, '"');
	if (memchr(b.p, '\n', b.len) || memchr(b.p, '\r', b.len))
		fuzz_fail("a JSON-escaped value holds a line break");
	j = json_loadb(b.p, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!j || !json_is_string(j))
		fuzz_fail("a JSON-escaped value is not a JSON string: %s", je.text);
	expected(&want, data, size);
	if (json_string_length(j) != want.len ||
	    memcmp(json_string_value(j), want.p, want.len))
		fuzz_fail("a JSON-escaped value does not read back to its bytes");
	json_decref(j);
	herd_buf_free(&b);
	herd_buf_free(&want);
}

/* \u0000 is valid JSON (RFC 8259), though jansson refuses it by default. */
static int
is_json(const struct herd_buf *b)
{
	json_t *j = json_loadb(b->p, b->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

	json_decref(j);
	return j != NULL;
}

static void
check_template(const uint8_t *data, size_t size)
{
	struct herd_buf plain = { 0 }, hostile = { 0 };
	struct values v;
	struct tpl t;
	char *why = NULL;
	size_t i, off = 0, tlen;
	int f;

	if (tpl_parse(&t, (const char *)data, size, &why) < 0) {
		if (!why || !*why)
			fuzz_fail("a template refused without saying why");
		free(why);
		return;
	}
	tlen = strlen(t.text);
	for (i = 0; i < t.n; i++) {
		if (t.part[i].field >= NFIELD)
			fuzz_fail("a placeholder out of range");
		if (t.part[i].field >= 0)
			continue;
		if (t.part[i].off < off || t.part[i].off + t.part[i].len > tlen)
			fuzz_fail("a literal part out of order or out of the template");
		off = t.part[i].off + t.part[i].len;
	}
	for (f = 0; f < NFIELD; f++) {
		v.v[f] = f == F_COUNT || f == F_TOTAL ? "1" : "x";
		v.len[f] = 1;
	}
	tpl_render(&t, &v, 0, &plain, NULL);
	for (f = 0; f < NFIELD; f++) {
		if (f == F_COUNT || f == F_TOTAL)
			continue;
		v.v[f] = (const char *)data;
		v.len[f] = size;
	}
	tpl_render(&t, &v, 0, &hostile, NULL);
	if (is_json(&plain) && !is_json(&hostile))
		fuzz_fail("a JSON template is no longer JSON with hostile values:\n%s",
		    hostile.p);
	herd_buf_free(&plain);
	herd_buf_free(&hostile);
	tpl_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_buf b = { 0 };
	char *s = xstrndup((const char *)data, size), *why = NULL, *m;

	check_template(data, size);
	check_escape(data, size);
	if (env_expand(s, &b, &why) < 0)
		free(why);
	m = mask_url(s);
	if (strchr(m, '?') || strchr(m, '#'))
		fuzz_fail("a masked URL shows its query or fragment: %s", m);
	free(m);
	free(s);
	herd_buf_free(&b);
	return 0;
}
