/* Records from a poll loop: herd_rec_parse (lib/rec.c) and herd_lines (lib/lines.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static void
test_parse(void)
{
	struct herd_rec r = { 0 };
	char *big;

	CHECK(herd_rec_parse(&r, "H\tweb1\t\t22\n", 11) == 1 && r.type == 'H' && r.nf == 3,
	    "a line with its LF");
	EQ_STR("raw without LF", r.raw, "H\tweb1\t\t22");
	EQ_NUM("line 1", r.line, 1);
	CHECK(herd_rec_parse(&r, "E\tr1", 4) == 1 && r.type == 'E' && r.nf == 1,
	    "a line without LF");
	EQ_STR("field", herd_rec_str(&r, 0), "r1");
	CHECK(herd_rec_parse(&r, "\n", 1) == 0 && r.nf == 0, "an empty line is no record");
	CHECK(herd_rec_parse(&r, "", 0) == 0, "nothing is no record");
	EQ_NUM("empty lines counted", r.line, 4);
	CHECK(herd_rec_parse(&r, "#herd-records 1", 15) == 1 && r.type == '#' && r.nf == 0,
	    "a header");
	CHECK(herd_rec_parse(&r, "R\ta\\tb\t\\x00", 11) == 1 && r.nf == 2, "escapes");
	EQ_MEM("unescaped", r.f[1].p, r.f[1].len, "\0", 1);
	/* the record's own raw line parses again, in place */
	CHECK(herd_rec_parse(&r, r.raw, r.rawlen) == 1 && r.type == 'R' && r.nf == 2,
	    "raw parses in place");
	EQ_STR("in place", herd_rec_str(&r, 0), "a\tb");
	big = xmalloc(100000);
	memset(big, 'x', 100000);
	big[0] = 'L';
	big[1] = '\t';
	CHECK(herd_rec_parse(&r, big, 100000) == 1 && r.nf == 1 && r.f[0].len == 99998,
	    "a long line");
	free(big);
	CHECK(herd_rec_parse(&r, "C\tx", 3) == 1 && r.rawlen == 3 && r.nf == 1,
	    "a short line after it");
	herd_rec_free(&r);
}

/* The lines of l, joined as "a|b|", while there are any. */
static char *
drain(struct herd_lines *l)
{
	struct herd_buf b = { 0 };
	const char *line;
	size_t len;

	herd_buf_adds(&b, "");
	while (herd_lines_next(l, &line, &len)) {
		CHECK(strlen(line) == len, "line NUL-terminated at its length");
		herd_buf_add(&b, line, len);
		herd_buf_addc(&b, '|');
	}
	return herd_buf_steal(&b);
}

#define DRAIN(what, l, want) do { \
	char *got_ = drain(l); \
	EQ_STR(what, got_, want); \
	free(got_); \
} while (0)

static void
test_split(void)
{
	struct herd_lines l = { 0 };

	DRAIN("nothing fed", &l, "");
	herd_lines_feed(&l, "a\nb", 3);
	DRAIN("a whole line, then a part", &l, "a|");
	EQ_NUM("part pending", herd_lines_pending(&l), 1);
	herd_lines_feed(&l, "c", 1);
	DRAIN("still a part", &l, "");
	herd_lines_feed(&l, "d\n\n\r\nx", 6);
	DRAIN("the part completed, an empty line, CR kept", &l, "bcd||\r|");
	herd_lines_eof(&l);
	DRAIN("at EOF, the last line without LF", &l, "x|");
	EQ_NUM("nothing pending", herd_lines_pending(&l), 0);
	DRAIN("then nothing", &l, "");
	herd_lines_free(&l);

	herd_lines_feed(&l, "only\n", 5);
	herd_lines_eof(&l);
	DRAIN("EOF after a LF: no empty last line", &l, "only|");
	herd_lines_free(&l);
	herd_lines_eof(&l);
	DRAIN("EOF on nothing", &l, "");
	herd_lines_free(&l);
}

/* A record stream cut every way gives the records herd_rec_read gives. */
static void
test_chunked(void)
{
	static const char data[] =
	    "#herd-records 1\n\nH\tweb1\t\t22\nR\ta\\tb\t\t\\x00z\n\nL\tr\th\to\t5\tpart\nlast";
	const size_t n = sizeof data - 1;
	struct herd_buf want = { 0 }, got = { 0 };
	struct herd_rec r = { 0 };
	struct herd_lines l = { 0 };
	const char *line;
	size_t len, step, i;
	FILE *f = fmemopen((void *)data, n, "r");
	int same = 1;

	while (herd_rec_read(f, &r)) {
		herd_buf_add(&want, r.raw, r.rawlen);
		herd_buf_addf(&want, "@%zu\n", r.line);
	}
	fclose(f);
	herd_rec_free(&r);
	for (step = 1; step <= n; step++) {
		herd_buf_reset(&got);
		for (i = 0; i < n; i += step) {
			herd_lines_feed(&l, data + i, i + step > n ? n - i : step);
			if (i + step >= n)
				herd_lines_eof(&l);
			while (herd_lines_next(&l, &line, &len))
				if (herd_rec_parse(&r, line, len)) {
					herd_buf_add(&got, r.raw, r.rawlen);
					herd_buf_addf(&got, "@%zu\n", r.line);
				}
		}
		if (got.len != want.len || memcmp(got.p, want.p, got.len)) {
			EQ_MEM("chunked records", got.p, got.len, want.p, want.len);
			same = 0;
		}
		herd_lines_free(&l);
		herd_rec_free(&r);
	}
	CHECK(same, "every cut of the stream gives the same records and line numbers");
	herd_buf_free(&want);
	herd_buf_free(&got);
}

static void
test_fill(void)
{
	struct herd_lines l = { 0 };
	int fd[2];

	if (pipe(fd) < 0) {
		CHECK(0, "pipe: %s", strerror(errno));
		return;
	}
	fcntl(fd[0], F_SETFL, O_NONBLOCK);
	errno = 0;
	CHECK(herd_lines_fill(&l, fd[0]) == -1 && errno == EAGAIN, "nothing to read: EAGAIN");
	CHECK(write(fd[1], "one\ntw", 6) == 6, "written");
	EQ_NUM("read", herd_lines_fill(&l, fd[0]), 6);
	DRAIN("one line", &l, "one|");
	CHECK(write(fd[1], "o\nthree", 7) == 7, "written");
	close(fd[1]);
	EQ_NUM("read more", herd_lines_fill(&l, fd[0]), 7);
	DRAIN("the second", &l, "two|");
	CHECK(!l.eof, "no EOF yet");
	EQ_NUM("EOF", herd_lines_fill(&l, fd[0]), 0);
	CHECK(l.eof, "EOF set");
	DRAIN("the last line", &l, "three|");
	close(fd[0]);
	herd_lines_free(&l);
}

void
test_lines(void)
{
	test_parse();
	test_split();
	test_chunked();
	test_fill();
}
