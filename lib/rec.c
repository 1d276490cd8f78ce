#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

static const char hexdigits[] = "0123456789abcdef";

static int
needs_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\';
}

/* The escape of a byte that needs one, in e; its length. */
static size_t
escape_byte(unsigned char c, char e[4])
{
	e[0] = '\\';
	switch (c) {
	case '\\': e[1] = '\\'; return 2;
	case '\t': e[1] = 't'; return 2;
	case '\n': e[1] = 'n'; return 2;
	case '\r': e[1] = 'r'; return 2;
	default:
		e[1] = 'x';
		e[2] = hexdigits[c >> 4];
		e[3] = hexdigits[c & 15];
		return 4;
	}
}

void
herd_escape(struct herd_buf *b, const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n, *run;
	char e[4];

	while (p < end) {
		for (run = p; p < end && !needs_escape(*p); p++)
			;
		herd_buf_add(b, run, (size_t)(p - run));
		if (p == end)
			break;
		herd_buf_add(b, e, escape_byte(*p++, e));
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape s[0..n) in place; return the new length. Unknown escapes keep the character. */
size_t
herd_unescape(char *s, size_t n)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			s[o++] = s[i];
			continue;
		}
		switch (s[++i]) {
		case 't': s[o++] = '\t'; break;
		case 'n': s[o++] = '\n'; break;
		case 'r': s[o++] = '\r'; break;
		case 'x':
			if (i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
			    (lo = hexval(s[i + 2])) >= 0) {
				s[o++] = (char)(hi << 4 | lo);
				i += 2;
			} else {
				s[o++] = 'x';
			}
			break;
		default: s[o++] = s[i];
		}
	}
	return o;
}

static void
add_field(struct herd_rec *r, char *p, size_t len)
{
	herd_grow(&r->f, &r->fcap, r->nf, sizeof *r->f);
	len = herd_unescape(p, len);
	p[len] = '\0';
	r->f[r->nf].p = p;
	r->f[r->nf].len = len;
	r->nf++;
}

/*
 * Parse a line already read (its LF, if it has one, is dropped) into r.
 * Returns 1, or 0 for an empty line, which is no record.  A '#' line is
 * returned with type '#' and no fields.  LINE may be r->raw itself.
 */
int
herd_rec_parse(struct herd_rec *r, const char *line, size_t len)
{
	char *p, *tab, *end;

	r->line++;
	r->nf = 0;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (line != r->raw) {
		herd_grow(&r->raw, &r->rawcap, len, 1);
		memmove(r->raw, line, len);
	}
	r->raw[len] = '\0';
	r->rawlen = len;
	if (len == 0) {
		r->type = '\0';
		return 0;
	}
	if (r->raw[0] == '#') {
		r->type = '#';
		return 1;
	}
	herd_buf_reset(&r->data);
	herd_buf_add(&r->data, r->raw, r->rawlen);
	p = r->data.p;
	end = p + r->data.len;
	tab = memchr(p, '\t', r->data.len);
	r->type = (tab ? tab - p : end - p) == 1 ? p[0] : '?';
	while (tab) {
		p = tab + 1;
		tab = memchr(p, '\t', (size_t)(end - p));
		add_field(r, p, (size_t)((tab ? tab : end) - p));
	}
	return 1;
}

/*
 * Read the next record. Returns 1, or 0 at end of input. Empty lines are
 * skipped; a last line without LF is a line.
 */
int
herd_rec_read(FILE *in, struct herd_rec *r)
{
	ssize_t n;

	do {
		n = getline(&r->raw, &r->rawcap, in);
		if (n < 0)
			return 0;
	} while (!herd_rec_parse(r, r->raw, (size_t)n));
	return 1;
}

/* Field i as a string; "" when absent (a missing trailing field is empty). */
const char *
herd_rec_str(const struct herd_rec *r, size_t i)
{
	return i < r->nf ? r->f[i].p : "";
}

int
herd_rec_num(const struct herd_rec *r, size_t i, long long *out)
{
	return herd_parse_int(herd_rec_str(r, i), INT64_MIN, INT64_MAX, out);
}

int
herd_rec_num_or(const struct herd_rec *r, size_t i, long long dflt, long long *out)
{
	if (!*herd_rec_str(r, i)) {
		*out = dflt;
		return 0;
	}
	return herd_rec_num(r, i, out);
}

void
herd_rec_free(struct herd_rec *r)
{
	free(r->raw);
	free(r->f);
	herd_buf_free(&r->data);
	memset(r, 0, sizeof *r);
}

void
herd_rec_passthrough(FILE *out, const struct herd_rec *r)
{
	fwrite(r->raw, 1, r->rawlen, out);
	putc('\n', out);
}

void
herd_rec_header(FILE *out)
{
	fprintf(out, "#herd-records %d\n", HERD_RECORDS_VERSION);
}

void
herd_rec_start(FILE *out, char type)
{
	putc(type, out);
}

void
herd_rec_field(FILE *out, const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n, *run;
	char e[4];

	/* escaped straight onto the stream: no copy of a large field */
	putc('\t', out);
	while (p < end) {
		for (run = p; p < end && !needs_escape(*p); p++)
			;
		fwrite(run, 1, (size_t)(p - run), out);
		if (p == end)
			break;
		fwrite(e, 1, escape_byte(*p++, e), out);
	}
}

void
herd_rec_fields(FILE *out, const char *s)
{
	herd_rec_field(out, s ? s : "", s ? strlen(s) : 0);
}

void
herd_rec_fieldnum(FILE *out, long long v)
{
	fprintf(out, "\t%lld", v);
}

void
herd_rec_fieldopt(FILE *out, long long v)
{
	if (v < 0)
		putc('\t', out);
	else
		herd_rec_fieldnum(out, v);
}

void
herd_rec_end(FILE *out)
{
	putc('\n', out);
}
