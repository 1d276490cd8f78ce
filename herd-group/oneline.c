/*
 * --oneline: one line per host, in natural order, as Ansible's -o writes
 * them: host | STATUS | rc=N | the first line of its output, or its error.
 */
#include <stdlib.h>
#include <string.h>

#include "group.h"

static const char *const words[] = { "OK", "NONZERO", "FAILED", "TIMEOUT" };

/* The first line of a result's output, and how many more it has. */
static void
first_line(struct herd_buf *b, const struct body *body)
{
	const char *p = body->outlen ? body->out : body->err;
	size_t n = body->outlen ? body->outlen : body->errlen, more;
	const char *nl = n ? memchr(p, '\n', n) : NULL;

	if (!n)
		return;
	if (!body->outlen)
		herd_buf_adds(b, "stderr: ");
	safe_line(b, p, nl ? (size_t)(nl - p) : n);
	more = count_lines(body->out, body->outlen) + count_lines(body->err,
	    body->errlen) - 1;
	if (more)
		herd_buf_addf(b, " (+%zu more line%s)", more, more == 1 ? "" : "s");
}

static void
put_row(struct out *out, const struct run *run, const struct row *row)
{
	const struct result *r = row->r;
	const char *why = run_missing_reason(run), *c;
	struct herd_buf name = { 0 }, text = { 0 };

	safe_line(&name, row->host, strlen(row->host));
	herd_buf_adds(&text, "");
	if (!r) {
		fprintf(out->f, "%s | %sNO RESULT%s | rc=- | %s\n", name.p,
		    color(out, RED), color(out, RESET), why ? why : "no result");
	} else {
		if (result_completed(r))
			first_line(&text, r->body);
		else if (r->error)
			safe_line(&text, r->error, strlen(r->error));
		c = r->status == HERD_RESULT_OK ? GREEN : RED;
		fprintf(out->f, "%s | %s%s%s | ", name.p, color(out, c), words[r->status],
		    color(out, RESET));
		if (r->has_exit)
			fprintf(out->f, "rc=%lld |", r->exit_code);
		else
			fputs("rc=- |", out->f);
		fprintf(out->f, "%s%s\n", text.len ? " " : "", text.p);
	}
	herd_buf_free(&name);
	herd_buf_free(&text);
}

void
render_oneline(FILE *f, const struct run *run, const struct render_opts *o)
{
	struct out out = { f, o };
	struct row *rows;
	size_t i, n;

	rows = run_rows(run, &n);
	for (i = 0; i < n; i++)
		if (!o->errors_only || !rows[i].r || rows[i].r->status != HERD_RESULT_OK)
			put_row(&out, run, &rows[i]);
	free(rows);
}
