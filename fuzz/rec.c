/*
 * The record parser (lib/rec.c): every record of the input is read, its
 * fields looked at as strings and numbers, written again with the record
 * writers and read back to the same fields; every field escapes and
 * unescapes to itself; an H record's host, and the Q, X and S records of
 * a serving herd-run, are written and read back alike.  The same bytes cut
 * into random reads and split by herd_lines give the same records.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "records.h"

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

/* What a writer wrote, parsed again into back. */
static void
reparse(struct herd_rec *back, const char *type)
{
	const char *text;
	size_t len;

	text = fuzz_out_text(0, &len);
	if (herd_rec_parse(back, text, len) != 1)
		fuzz_fail("a %s record written does not parse", type);
}

static int
same_str(const char *a, const char *b)
{
	return !a == !b && (!a || !strcmp(a, b));
}

static void
check_request(const struct herd_rec *r, struct herd_rec *back)
{
	struct herd_request q, q2;
	const char *why;
	size_t i;
	int same;

	if (herd_request_read(r, &q, &why) < 0)
		return;
	herd_request_write(fuzz_out(0), &q);
	reparse(back, "Q");
	if (herd_request_read(back, &q2, &why) < 0)
		fuzz_fail("a Q record written does not read back: %s", why);
	same = same_str(q.id, q2.id) && same_str(q.kind, q2.kind) &&
	    same_str(q.command, q2.command) && q.hosts.n == q2.hosts.n &&
	    q.timeout_ms == q2.timeout_ms && q.flags == q2.flags &&
	    same_str(q.selection, q2.selection) && same_str(q.series, q2.series) &&
	    q.seq == q2.seq && same_str(q.compare, q2.compare) &&
	    q.stdin_data.len == q2.stdin_data.len &&
	    (!q.stdin_data.len || !memcmp(q.stdin_data.p, q2.stdin_data.p, q.stdin_data.len));
	for (i = 0; same && i < q.hosts.n; i++)
		same = !strcmp(q.hosts.v[i], q2.hosts.v[i]);
	if (!same)
		fuzz_fail("a Q record written reads back changed");
	herd_request_free(&q);
	herd_request_free(&q2);
}

static void
check_cancel(const struct herd_rec *r, struct herd_rec *back)
{
	struct herd_cancel x, x2;
	const char *why;

	if (herd_cancel_read(r, &x, &why) < 0)
		return;
	herd_cancel_write(fuzz_out(0), &x);
	reparse(back, "X");
	if (herd_cancel_read(back, &x2, &why) < 0 || strcmp(x.run, x2.run))
		fuzz_fail("an X record written reads back changed");
	herd_cancel_free(&x);
	herd_cancel_free(&x2);
}

static void
check_host_command(const struct herd_rec *r, struct herd_rec *back)
{
	struct herd_host_command p, p2;
	const char *why;

	if (herd_host_command_read(r, &p, &why) < 0)
		return;
	herd_host_command_write(fuzz_out(0), &p);
	reparse(back, "P");
	if (herd_host_command_read(back, &p2, &why) < 0 || strcmp(p.run, p2.run) ||
	    strcmp(p.host, p2.host) || strcmp(p.command, p2.command))
		fuzz_fail("a P record written reads back changed");
	herd_host_command_free(&p);
	herd_host_command_free(&p2);
}

static void
check_state(const struct herd_rec *r, struct herd_rec *back)
{
	struct herd_conn_state s, s2;
	const char *why;

	if (herd_conn_state_read(r, &s, &why) < 0)
		return;
	herd_conn_state_write(fuzz_out(0), &s);
	reparse(back, "S");
	if (herd_conn_state_read(back, &s2, &why) < 0)
		fuzz_fail("an S record written does not read back: %s", why);
	if (strcmp(s.host, s2.host) || s.state != s2.state || s.time_ms != s2.time_ms ||
	    !same_str(s.reason, s2.reason))
		fuzz_fail("an S record written reads back changed");
	herd_conn_state_free(&s);
	herd_conn_state_free(&s2);
}

/* A record as the splitter check compares it: its line number and raw bytes. */
static void
add_seen(struct herd_buf *seen, const struct herd_rec *r)
{
	herd_buf_addf(seen, "%zu:%zu:", r->line, r->rawlen);
	herd_buf_add(seen, r->raw, r->rawlen);
}

/*
 * The input fed to herd_lines in reads of random sizes (1 to MAX bytes,
 * from a generator seeded by the input) gives the records WANT holds.
 */
static void
check_split(const uint8_t *data, size_t size, size_t max, const struct herd_buf *want)
{
	static struct herd_buf got;
	struct herd_lines l = { 0 };
	struct herd_rec r = { 0 };
	unsigned long long x = 0x9e3779b97f4a7c15ULL ^ size ^ max;
	const char *line;
	size_t i, n, len;

	for (i = 0; i < size && i < 8; i++)
		x = x * 31 + data[i];
	herd_buf_reset(&got);
	for (i = 0; i < size; i += n) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 1 + (size_t)(x % max);
		if (n > size - i)
			n = size - i;
		herd_lines_feed(&l, data + i, n);
		while (herd_lines_next(&l, &line, &len))
			if (herd_rec_parse(&r, line, len))
				add_seen(&got, &r);
	}
	herd_lines_eof(&l);
	while (herd_lines_next(&l, &line, &len))
		if (herd_rec_parse(&r, line, len))
			add_seen(&got, &r);
	if (herd_lines_pending(&l))
		fuzz_fail("herd_lines holds %zu bytes after its end", herd_lines_pending(&l));
	if (got.len != want->len || (got.len && memcmp(got.p, want->p, got.len)))
		fuzz_fail("the input cut into reads of up to %zu bytes gives other records", max);
	herd_lines_free(&l);
	herd_rec_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct herd_buf seen;
	struct herd_rec r = { 0 }, back = { 0 };
	FILE *in = fuzz_open(0, data, size);
	long long v;
	size_t i;

	herd_buf_reset(&seen);
	while (herd_rec_read(in, &r)) {
		add_seen(&seen, &r);
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
		if (r.type == 'Q')
			check_request(&r, &back);
		if (r.type == 'X')
			check_cancel(&r, &back);
		if (r.type == 'P')
			check_host_command(&r, &back);
		if (r.type == 'S')
			check_state(&r, &back);
	}
	fclose(in);
	herd_rec_free(&r);
	herd_rec_free(&back);
	check_split(data, size, 7, &seen);
	check_split(data, size, 4096, &seen);
	return 0;
}
