/*
 * The view of a read run (its C record's kind, herd diff): the hosts whose
 * copies of a file are identical, grouped as any output is, each outlier's
 * unified diff against the norm (the largest group), the hosts that could
 * not be read each with its reason, then
 *   4 files compared, 1 differs
 * A host's remote command exits 0 with the file on stdout, or non-zero with
 * the reason on stderr.  A file holding a NUL byte is binary: compared by its
 * SHA-256 alone, with no diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sha2.h>

#include "group.h"

#define PREVIEW_LINES 5

int
read_kind(const char *kind)
{
	return kind && !strcmp(kind, "read");
}

static int
is_binary(const struct body *b)
{
	return memchr(b->out, '\0', b->outlen) != NULL;
}

/* The result was read: the remote command exited 0. */
static int
was_read(const struct result *r)
{
	return r->status == HERD_RESULT_OK;
}

static void
put_label(struct out *out, const char *code, const char *fmt, size_t n)
{
	fprintf(out->f, "%s%s", color(out, BOLD), color(out, code));
	fprintf(out->f, fmt, n, n == 1 ? "" : "s");
	fprintf(out->f, "%s\n", color(out, RESET));
}

/* The SHA-256 of the file's bytes (a body's digest covers its framing too). */
static void
file_sha(const struct body *b, char hex[13])
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	SHA2_CTX ctx;
	size_t i;

	SHA256Init(&ctx);
	SHA256Update(&ctx, (const unsigned char *)b->out, b->outlen);
	SHA256Final(d, &ctx);
	for (i = 0; i < 6; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void
put_binary(struct out *out, const struct body *b)
{
	char sha[13];

	file_sha(b, sha);
	fprintf(out->f, "   %s(binary file, %zu bytes, sha256 %s)%s\n", color(out, DIM),
	    b->outlen, sha, color(out, RESET));
}

/* The norm's first lines, or a note for a binary or empty file. */
static void
put_preview(struct out *out, const struct body *b)
{
	struct render_opts few = *out->o;
	struct out o = { out->f, &few };
	long shown = 0, total = 0;

	if (is_binary(b)) {
		put_binary(out, b);
		return;
	}
	if (!b->outlen) {
		fprintf(out->f, "   %s(empty file)%s\n", color(out, DIM), color(out, RESET));
		return;
	}
	if (!few.lines || few.lines > PREVIEW_LINES)
		few.lines = PREVIEW_LINES;
	put_lines(&o, b->out, b->outlen, "", "   ", &shown, &total);
	if (total > shown)
		fprintf(out->f, "   %s... %ld more line%s%s\n", color(out, DIM), total - shown,
		    total - shown == 1 ? "" : "s", color(out, RESET));
}

/* G's copy against the norm's: a unified diff, or the two digests for binary. */
static void
put_against(struct out *out, const struct run *run, const struct group *norm,
    const struct group *g)
{
	const struct body *a = run->results[norm->first].body, *b = run->results[g->first].body;
	struct herd_buf d = { 0 }, lead = { 0 };
	char *hosts = group_hosts(run, g, out->o->fold), asha[13], bsha[13];

	if (is_binary(a) || is_binary(b)) {
		file_sha(a, asha);
		file_sha(b, bsha);
		fprintf(out->f, "   %s(binary: compared by SHA-256, no diff; norm %s, "
		    "%zu bytes; this %s, %zu bytes)%s\n", color(out, DIM), asha, a->outlen,
		    bsha, b->outlen, color(out, RESET));
		free(hosts);
		return;
	}
	herd_diff(a->out, a->outlen, b->out, b->outlen, 3, &d);
	fprintf(out->f, "   %s--- norm (%zu host%s)%s\n", color(out, RED), norm->n,
	    norm->n == 1 ? "" : "s", color(out, RESET));
	herd_buf_addf(&lead, "   %s+++ ", color(out, GREEN));
	put_hosts(out, hosts, lead.p, 7, "       ", color(out, RESET));
	put_hunks(out, &d);
	free(hosts);
	herd_buf_free(&d);
	herd_buf_free(&lead);
}

static void
put_group(struct out *out, const struct run *run, const struct group *g,
    const struct group *ref)
{
	char *hosts = group_hosts(run, g, out->o->fold);

	if (g == ref)
		put_label(out, GREEN, g->n == 1 ? "%zu host%s:" : "%zu host%s identical:",
		    g->n);
	else
		put_label(out, YELLOW, g->n == 1 ? "%zu host%s differs:" : "%zu host%s differ:",
		    g->n);
	put_hosts(out, hosts, "   ", 3, "   ", "");
	if (g == ref)
		put_preview(out, run->results[g->first].body);
	else
		put_against(out, run, ref, g);
	fputc('\n', out->f);
	free(hosts);
}

/* N less the line feeds at the end of P. */
static size_t
trimmed(const char *p, size_t n)
{
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	return n;
}

/* Each host not read, with why: a missing file, no permission, no connection. */
static size_t
put_unread(struct out *out, const struct run *run)
{
	struct herd_buf line = { 0 };
	struct row *rows;
	const struct result *r;
	const char *why;
	size_t i, n, bad = 0;

	rows = run_rows(run, &n);
	for (i = 0; i < n; i++)
		bad += !rows[i].r || !was_read(rows[i].r);
	if (bad)
		put_label(out, RED, "%zu host%s not read:", bad);
	for (i = 0; bad && i < n; i++) {
		if ((r = rows[i].r) && was_read(r))
			continue;
		herd_buf_reset(&line);
		safe_line(&line, rows[i].host, strlen(rows[i].host));
		herd_buf_adds(&line, ": ");
		if (!r)
			why = run_missing_reason(run) ? run_missing_reason(run) : "no result";
		else if (r->status == HERD_RESULT_NONZERO && r->body->errlen)
			why = NULL;
		else
			why = r->error ? r->error : status_name(r->status);
		if (why)
			safe_line(&line, why, strlen(why));
		else
			safe_line(&line, r->body->err, trimmed(r->body->err, r->body->errlen));
		fprintf(out->f, "   %s\n", line.p);
	}
	if (bad)
		fputc('\n', out->f);
	herd_buf_free(&line);
	free(rows);
	return bad;
}

/* The group the others are diffed against: the norm, else the first read. */
static const struct group *
reference(const struct run *run)
{
	size_t i;

	if (run->norm)
		return run->norm;
	for (i = 0; i < run->ngroups; i++)
		if (was_read(&run->results[run->groups[run->order[i]].first]))
			return &run->groups[run->order[i]];
	return NULL;
}

/* The view; 1 when a copy differs or a host was not read, else 0. */
int
render_read(FILE *f, const struct run *run, const struct render_opts *o)
{
	struct out out = { f, o };
	const struct group *ref = reference(run), *g;
	size_t i, files = 0, differ = 0, bad;

	if (ref)
		put_group(&out, run, ref, ref);
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		if (!was_read(&run->results[g->first]))
			continue;
		files += g->n;
		if (g == ref)
			continue;
		differ += g->n;
		put_group(&out, run, g, ref);
	}
	bad = put_unread(&out, run);
	fprintf(f, "%zu file%s compared, %zu differ%s", files, files == 1 ? "" : "s", differ,
	    differ == 1 ? "s" : "");
	if (bad)
		fprintf(f, ", %zu not read", bad);
	if (run_cut_short(run))
		fputs("; the run was cut short", f);
	fputc('\n', f);
	return differ || bad;
}
