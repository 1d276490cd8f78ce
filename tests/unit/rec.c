/* Records: herd_escape, herd_unescape, herd_rec_read and the writers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in, *out;
} esc[] = {
	{ "", "" }, { "plain text", "plain text" }, { "a\tb", "a\\tb" },
	{ "a\nb", "a\\nb" }, { "a\rb", "a\\rb" }, { "a\\b", "a\\\\b" },
	{ "\x01\x1f\x7f", "\\x01\\x1f\\x7f" }, { "\x1b[2J", "\\x1b[2J" },
	{ "caf\xc3\xa9 \xff", "caf\xc3\xa9 \xff" }, { "\\n", "\\\\n" },
};

static const struct {
	const char *in, *out;
} unesc[] = {
	{ "", "" }, { "a\\tb", "a\tb" }, { "\\n\\r\\\\", "\n\r\\" },
	{ "\\x41\\x7a", "Az" }, { "\\x4A\\x4a", "JJ" }, { "\\q", "q" },
	{ "end\\", "end\\" }, { "\\x4", "x4" }, { "\\xZZ", "xZZ" }, { "\\x", "x" },
	{ "\\X41", "X41" }, { "\\x4g", "x4g" }, { "\\\\x41", "\\x41" },
};

/* Every byte value escapes to a line of its own and back. */
static void
roundtrip_bytes(void)
{
	struct herd_buf b = { 0 };
	unsigned char all[256];
	size_t i, len;
	int ok = 1;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	herd_escape(&b, all, sizeof all);
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7f)
			ok = 0;
	CHECK(ok, "escaped bytes hold no control character");
	len = herd_unescape(b.p, b.len);
	EQ_MEM("all 256 bytes round trip", b.p, len, all, sizeof all);
	herd_buf_free(&b);
}

static void
test_read(void)
{
	static const char data[] =
	    "#herd-records 1\n"
	    "\n"
	    "H\tweb1\t\t22\n"
	    "R\ta\\tb\t\t\\x00z\n"
	    "HX\tfoo\n"
	    "E\n"
	    "E\t\n"
	    "\tlead\n"
	    "last";
	struct herd_rec r = { 0 };
	long long v;
	FILE *f = fmemopen((void *)data, sizeof data - 1, "r");

	CHECK(herd_rec_read(f, &r) == 1 && r.type == '#' && r.nf == 0, "header record");
	EQ_STR("header raw", r.raw, "#herd-records 1");
	CHECK(herd_rec_read(f, &r) == 1 && r.type == 'H', "empty line skipped, H read");
	EQ_NUM("H fields", r.nf, 3);
	EQ_STR("H field 0", herd_rec_str(&r, 0), "web1");
	EQ_STR("H empty field", herd_rec_str(&r, 1), "");
	CHECK(herd_rec_num(&r, 2, &v) == 0 && v == 22, "H numeric field");
	CHECK(herd_rec_num(&r, 1, &v) == -1, "empty field is no number");
	EQ_STR("field past the end", herd_rec_str(&r, 9), "");
	CHECK(herd_rec_num(&r, 9, &v) == -1, "missing field is no number");
	EQ_STR("raw kept", r.raw, "H\tweb1\t\t22");

	CHECK(herd_rec_read(f, &r) == 1 && r.type == 'R' && r.nf == 3, "R read");
	EQ_STR("escaped tab", herd_rec_str(&r, 0), "a\tb");
	EQ_MEM("escaped NUL", r.f[2].p, r.f[2].len, "\0z", 2);
	EQ_STR("raw stays escaped", r.raw, "R\ta\\tb\t\t\\x00z");

	CHECK(herd_rec_read(f, &r) == 1 && r.type == '?', "two-letter type is '?'");
	CHECK(herd_rec_read(f, &r) == 1 && r.type == 'E' && r.nf == 0, "E without fields");
	CHECK(herd_rec_read(f, &r) == 1 && r.type == 'E' && r.nf == 1, "E with one empty field");
	CHECK(herd_rec_read(f, &r) == 1 && r.type == '?' && r.nf == 1, "leading tab: no type");
	CHECK(herd_rec_read(f, &r) == 1 && r.type == '?' && r.nf == 0, "last line without LF");
	EQ_STR("last line", r.raw, "last");
	CHECK(herd_rec_read(f, &r) == 0, "end of input");
	CHECK(herd_rec_read(f, &r) == 0, "end of input again");
	fclose(f);
	herd_rec_free(&r);
	CHECK(r.raw == NULL && r.nf == 0, "record free resets");
}

static void
test_write(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct herd_rec r = { 0 };

	herd_rec_header(f);
	herd_rec_start(f, 'O');
	herd_rec_fields(f, "web1");
	herd_rec_field(f, "a\tb\nc\\", 6);
	herd_rec_field(f, "", 0);
	herd_rec_fields(f, NULL);
	herd_rec_fieldnum(f, -42);
	herd_rec_field(f, "\0\x01", 2);
	herd_rec_end(f);
	fclose(f);
	EQ_STR("records written", buf,
	    "#herd-records 1\nO\tweb1\ta\\tb\\nc\\\\\t\t\t-42\t\\x00\\x01\n");
	CHECK(unit_rec_from(buf + 16, len - 16, &r) && r.nf == 6, "written record reads back");
	EQ_MEM("field back", r.f[1].p, r.f[1].len, "a\tb\nc\\", 6);
	EQ_MEM("bytes back", r.f[5].p, r.f[5].len, "\0\x01", 2);
	herd_rec_free(&r);
	free(buf);
}

void
test_rec(void)
{
	struct herd_buf b = { 0 };
	char what[80], *s;
	size_t i, len;

	for (i = 0; i < sizeof esc / sizeof esc[0]; i++) {
		herd_buf_reset(&b);
		herd_escape(&b, esc[i].in, strlen(esc[i].in));
		snprintf(what, sizeof what, "escape #%zu", i);
		EQ_MEM(what, b.p ? b.p : "", b.len, esc[i].out, strlen(esc[i].out));
	}
	herd_buf_free(&b);
	for (i = 0; i < sizeof unesc / sizeof unesc[0]; i++) {
		s = xstrdup(unesc[i].in);
		len = herd_unescape(s, strlen(s));
		snprintf(what, sizeof what, "unescape \"%s\"", unesc[i].in);
		EQ_MEM(what, s, len, unesc[i].out, strlen(unesc[i].out));
		free(s);
	}
	roundtrip_bytes();
	test_read();
	test_write();
}
