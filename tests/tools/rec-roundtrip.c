/*
 * rec-roundtrip: write random byte strings as records, read them back.
 *   rec-roundtrip write SEED   records to stdout
 *   rec-roundtrip check SEED   verify records on stdin against the same strings
 * The strings include NUL, TAB, LF, CR, ESC, backslashes, invalid UTF-8 and
 * one of 1 MiB; every record also carries an unknown type to pass through.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

#define NSTRINGS 200

static unsigned long long state;

static unsigned
next(void)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(state >> 33);
}

static void
make(int i, struct herd_buf *b)
{
	static const char special[] = { '\0', '\t', '\n', '\r', '\033', '\\', 'x',
		(char)0xff, (char)0xc3, (char)0x80, 'n', '#' };
	size_t len, j;

	herd_buf_reset(b);
	if (i == 0)
		return;		/* the empty string */
	len = i == 1 ? 1 << 20 : next() % 300;
	for (j = 0; j < len; j++) {
		if (next() % 3 == 0)
			herd_buf_addc(b, special[next() % sizeof special]);
		else
			herd_buf_addc(b, (int)(next() & 0xff));
	}
}

int
main(int argc, char **argv)
{
	struct herd_buf b = { 0 };
	struct herd_rec r = { 0 };
	int i, writing;

	if (argc != 3 || (strcmp(argv[1], "write") && strcmp(argv[1], "check")))
		errx(2, "usage: rec-roundtrip write|check SEED");
	writing = !strcmp(argv[1], "write");
	state = strtoull(argv[2], NULL, 10);
	if (writing)
		herd_rec_header(stdout);
	for (i = 0; i < NSTRINGS; i++) {
		make(i, &b);
		if (writing) {
			herd_rec_start(stdout, 'X');
			herd_rec_fieldnum(stdout, i);
			herd_rec_field(stdout, b.p, b.len);
			herd_rec_fields(stdout, "");
			herd_rec_end(stdout);
			continue;
		}
		do {
			if (!herd_rec_read(stdin, &r))
				errx(1, "string %d: input ended early", i);
		} while (r.type == '#');
		if (r.type != 'X' || r.nf != 3)
			errx(1, "string %d: record type %c with %zu fields", i, r.type, r.nf);
		if (r.f[1].len != b.len || (b.len && memcmp(r.f[1].p, b.p, b.len)))
			errx(1, "string %d: %zu bytes came back as %zu different ones",
			    i, b.len, r.f[1].len);
		if (strchr(r.raw, '\n'))
			errx(1, "string %d: a record spans lines", i);
	}
	if (!writing && herd_rec_read(stdin, &r))
		errx(1, "extra input after %d strings", NSTRINGS);
	if (!writing)
		printf("%d strings survived\n", NSTRINGS);
	herd_buf_free(&b);
	herd_rec_free(&r);
	return 0;
}
