/* Text for terminals and JSON: herd_utf8_decode, herd_sanitize, herd_shell_quote, strv. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in;
	size_t len;		/* 0: invalid */
	unsigned cp;
} utf8[] = {
	{ "a", 1, 'a' }, { "\xc3\xa9", 2, 0xe9 }, { "\xe2\x82\xac", 3, 0x20ac },
	{ "\xf0\x9f\x98\x80", 4, 0x1f600 }, { "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
	{ "\xc0\x80", 0, 0 }, { "\xc1\xbf", 0, 0 }, { "\xe0\x80\x80", 0, 0 },
	{ "\xed\xa0\x80", 0, 0 }, { "\xf4\x90\x80\x80", 0, 0 }, { "\xf5\x80\x80\x80", 0, 0 },
	{ "\x80", 0, 0 }, { "\xff", 0, 0 }, { "\xc3", 0, 0 }, { "\xe2\x82", 0, 0 },
	{ "\xc3(", 0, 0 },
};

static const struct {
	const char *in, *out;
} sanitize[] = {
	{ "plain", "plain" }, { "a\tb\nc", "a\tb\nc" }, { "\x1b[2J", "^[[2J" },
	{ "\a\x7f", "^G^?" }, { "\r", "^M" }, { "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "\xc2\x9b", "<U+009B>" }, { "\xe2\x80\xae", "<U+202E>" },
	{ "\xff\xfe", "\\xff\\xfe" }, { "\xc3", "\\xc3" },
};

void
test_text(void)
{
	struct herd_strv sv = { 0 };
	struct herd_buf b = { 0 };
	char what[80], *s;
	unsigned cp;
	size_t i, len;

	for (i = 0; i < sizeof utf8 / sizeof utf8[0]; i++) {
		cp = 0;
		len = herd_utf8_decode(utf8[i].in, strlen(utf8[i].in), &cp);
		snprintf(what, sizeof what, "utf8 #%zu length", i);
		EQ_NUM(what, len, utf8[i].len);
		if (utf8[i].len) {
			snprintf(what, sizeof what, "utf8 #%zu code point", i);
			EQ_NUM(what, cp, utf8[i].cp);
		}
	}
	CHECK(herd_utf8_decode("\xe2\x82\xac", 2, &cp) == 0, "utf8 cut short by n");

	/* The driver runs in a UTF-8 locale, as the tests pin it. */
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		for (i = 0; i < sizeof sanitize / sizeof sanitize[0]; i++) {
			herd_buf_reset(&b);
			herd_sanitize(&b, sanitize[i].in, strlen(sanitize[i].in));
			snprintf(what, sizeof what, "sanitize #%zu", i);
			EQ_MEM(what, b.p ? b.p : "", b.len, sanitize[i].out, strlen(sanitize[i].out));
		}
		herd_buf_reset(&b);
		herd_sanitize(&b, "a\0b", 3);
		EQ_MEM("sanitize NUL", b.p, b.len, "a^@b", 4);
		s = herd_safe("\x1b]0;x\a");
		EQ_STR("herd_safe", s, "^[]0;x^G");
		free(s);
	}
	herd_buf_free(&b);

	herd_shell_quote(&b, "it's");
	EQ_STR("shell quote", b.p, "'it'\\''s'");
	herd_buf_reset(&b);
	herd_shell_quote(&b, "");
	EQ_STR("shell quote empty", b.p, "''");
	herd_buf_free(&b);

	herd_strv_split(&sv, ",a,,b,", ',');
	s = herd_strv_join(&sv, "+");
	EQ_STR("strv split skips empty pieces", s, "a+b");
	free(s);
	CHECK(herd_strv_has(&sv, "b") && !herd_strv_has(&sv, "c"), "strv has");
	CHECK(sv.v[sv.n] == NULL, "strv is NULL-terminated");
	herd_strv_free(&sv);
	s = herd_strv_join(&sv, ",");
	CHECK(s == NULL || *s == '\0', "join of nothing is empty");
	free(s);

	{
		long long v;

		CHECK(herd_parse_int("42", 0, 100, &v) == 0 && v == 42, "int 42");
		CHECK(herd_parse_int("-5", -10, 10, &v) == 0 && v == -5, "int -5");
		CHECK(herd_parse_int("101", 0, 100, &v) == -1, "int above max");
		CHECK(herd_parse_int("", 0, 100, &v) == -1, "int empty");
		CHECK(herd_parse_int(" 1", 0, 100, &v) == -1, "int leading space");
		CHECK(herd_parse_int("+1", 0, 100, &v) == -1, "int plus");
		CHECK(herd_parse_int("1 ", 0, 100, &v) == -1, "int trailing space");
		CHECK(herd_parse_int("0x10", 0, 100, &v) == -1, "int hex");
		CHECK(herd_parse_int("99999999999999999999", 0, 100, &v) == -1, "int overflow");
	}
}
