/*
 * The record parser (lib/rec.c): every record of the input is read, its
 * fields looked at as strings and numbers, written again with the record
 * writers and read back to the same fields; every field escapes and
 * unescapes to itself; an H record's host is written and read back alike.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void
check_field_roundtrip(const struct herd_field *f)
{
	struct herd_buf b = { 0 };
	size_t len;

	herd_escape(&b, f->p, f->len);
	if (memchr(b.p ? b.p : "", '\t', b.len) || memchr(b.p ? b.p : "", '\n', b.len))
		fuzz_fail("an escaped field holds a TAB or LF");
	len = herd_unescape(b.p ? b.p : (char *)"", b.len);
	if (len != f->len || (len && memcmp(b.p, f->p, len)))
		fuzz_fail("escape then unescape changed a field of %zu bytes", f->len);
	herd_buf_free(&b);
}

/* A record written with the writers reads back with the same type and fields. */
static void
check_rewrite(const struct herd_rec *r)
{
	struct herd_rec back = { 0 };
	FILE *in, *o = fuzz_out(0);
	const char *text;
	size_t i, len;

	herd_rec_start(o, r->type);
	for (i = 0; i < r->nf; i++)
		herd_rec_field(o, r->f[i].p, r->f[i].len);
	herd_rec_end(o);
	text = fuzz_out_text(0, &len);
	in = fuzz_open(1, text, len);
	if (herd_rec_read(in, &back) != 1 || back.type != r->type || back.nf != r->nf)
		fuzz_fail("record '%c' with %zu fields does not read back", r->type, r->nf);
	for (i = 0; i < r->nf; i++)
		if (back.f[i].len != r->f[i].len || memcmp(back.f[i].p, r->f[i].p, r->f[i].len))
			fuzz_fail("field %zu of record '%c' reads back changed", i, r->type);
	fclose(in);
	herd_rec_free(&back);
}

static void
check_host(const struct herd_rec *r)
{
	struct herd_host h, back;
	struct herd_rec rr = { 0 };
	const char *text;
	size_t len;
	FILE *in;

	if (herd_host_from_rec(r, &h) < 0)
		return;
	herd_host_write(fuzz_out(0), &h);
	text = fuzz_out_text(0, &len);
	in = fuzz_open(1, text, len);
	if (herd_rec_read(in, &rr) != 1 || herd_host_from_rec(&rr, &back) < 0)
		fuzz_fail("a host written as an H record does not read back");
	if (strcmp(h.name, back.name) || strcmp(h.address, back.address) ||
	    h.port != back.port || !h.user != !back.user ||
	    (h.user && strcmp(h.user, back.user)) || h.timeout_ms != back.timeout_ms ||
	    h.tags.n != back.tags.n || h.groups.n != back.groups.n)
		fuzz_fail("a host written as an H record reads back changed");
	fclose(in);
	herd_rec_free(&rr);
	herd_host_free(&back);
	herd_host_free(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_rec r = { 0 };
	FILE *in = fuzz_open(0, data, size);
	long long v;
	size_t i;

	while (herd_rec_read(in, &r)) {
		if (r.rawlen == 0 || memchr(r.raw, '\n', r.rawlen))
			fuzz_fail("a record line is empty or holds a LF");
		for (i = 0; i < r.nf + 2; i++) {
			(void)herd_rec_str(&r, i);
			(void)herd_rec_num(&r, i, &v);
		}
		for (i = 0; i < r.nf; i++)
			check_field_roundtrip(&r.f[i]);
		if (r.type != '#' && r.type != '?')
			check_rewrite(&r);
		if (r.type == 'H')
			check_host(&r);
	}
	fclose(in);
	herd_rec_free(&r);
	return 0;
}
