/* The grouped view, as text for people. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

/* An outlier's output longer than this is shown by its diff against the norm alone. */
#define SHORT_OUTPUT 10

static void
put_label(struct out *out, enum label l, size_t n, long long exit_code)
{
	static const char *const colors[] = { GREEN, YELLOW, RED, RED, RED };
	const char *s = n == 1 ? "" : "s";

	fprintf(out->f, "%s%s %zu host%s", color(out, BOLD), color(out, colors[l]), n, s);
	switch (l) {
	case L_IDENTICAL: fputs(n == 1 ? "" : " identical", out->f); break;
	case L_DIFFERS: fputs(n == 1 ? " differs" : " differ", out->f); break;
	case L_EXITED: fprintf(out->f, " exited with code %lld", exit_code); break;
	case L_FAILED: fputs(" failed", out->f); break;
	case L_TIMEOUT: fputs(" timed out", out->f); break;
	}
	fprintf(out->f, ":%s\n", color(out, RESET));
}

/* A result's output: stdout, then stderr lines marked; at most --lines lines. */
static void
put_output(struct out *out, const struct body *b, const char *indent)
{
	static const char nonl[] = "\\ no newline at end of stdout";
	long shown = 0, total = 0;

	if (!b->outlen && !b->errlen) {
		fprintf(out->f, "%s%s(no output)%s\n", indent, color(out, DIM),
		    color(out, RESET));
		return;
	}
	put_lines(out, b->out, b->outlen, "", indent, &shown, &total);
	/* say so, or x and x\n on stdout would read alike before stderr */
	if (b->errlen && b->outlen && b->out[b->outlen - 1] != '\n')
		put_lines(out, nonl, sizeof nonl - 1, "", indent, &shown, &total);
	put_lines(out, b->err, b->errlen, "stderr: ", indent, &shown, &total);
	if (total > shown)
		put_more(out, total - shown, indent);
}

void
put_hunks(struct out *out, const struct herd_buf *d)
{
	struct herd_buf line = { 0 };
	const char *s, *end, *nl, *c;
	long shown = 0, total = 0;

	if (!d->len) {
		fprintf(out->f, "   %s(the same output: the records' digests differ)%s\n",
		    color(out, DIM), color(out, RESET));
		return;
	}
	end = d->p + d->len;
	for (s = d->p; s < end; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (out->o->lines && shown >= out->o->lines) {
			total++;
			continue;
		}
		herd_buf_reset(&line);
		herd_buf_adds(&line, "");
		herd_sanitize(&line, s, (size_t)((nl ? nl : end) - s));
		c = *s == '-' ? RED : *s == '+' ? GREEN : *s == '@' ? CYAN : "";
		fprintf(out->f, "   %s%s%s\n", color(out, c), line.p, *c ? color(out, RESET) : "");
		shown++;
		total++;
	}
	if (total > shown)
		put_more(out, total - shown, "   ");
	herd_buf_free(&line);
}

static void
put_diff(struct out *out, const struct run *run, const struct group *norm,
    const struct group *g)
{
	struct text a, b;
	struct herd_buf d = { 0 }, lead = { 0 };
	char *hosts = group_hosts(run, g, out->o->fold);

	result_text(&run->results[norm->first], &a);
	result_text(&run->results[g->first], &b);
	herd_diff(a.p, a.len, b.p, b.len, 3, &d);
	text_free(&a);
	text_free(&b);
	fprintf(out->f, "\n   %s--- norm (%zu host%s)%s\n", color(out, RED), norm->n,
	    norm->n == 1 ? "" : "s", color(out, RESET));
	herd_buf_addf(&lead, "   %s+++ ", color(out, GREEN));
	put_hosts(out, hosts, lead.p, 7, "       ", color(out, RESET));
	put_hunks(out, &d);
	free(hosts);
	herd_buf_free(&d);
	herd_buf_free(&lead);
}

/* The lines put_output shows of b, with no limit. */
static size_t
output_lines(const struct body *b)
{
	return count_lines(b->out, b->outlen) + count_lines(b->err, b->errlen) +
	    (b->errlen && b->outlen && b->out[b->outlen - 1] != '\n');
}

/* A result's hint, dimmed, on one line. */
static void
put_hint(struct out *out, const char *hint, const char *indent)
{
	struct herd_buf line = { 0 };

	if (!hint)
		return;
	safe_line(&line, hint, strlen(hint));
	fprintf(out->f, "%s%shint: %s%s\n", indent, color(out, DIM), line.p,
	    color(out, RESET));
	herd_buf_free(&line);
}

static void
put_group(struct out *out, const struct run *run, const struct group *g)
{
	const struct result *r = &run->results[g->first];
	enum label l = group_label(run, g);
	size_t lines = output_lines(r->body);
	char *hosts = group_hosts(run, g, out->o->fold);

	put_label(out, l, g->n, r->exit_code);
	put_hosts(out, hosts, "   ", 3, "   ", "");
	put_hint(out, r->hint, "   ");
	if (l == L_DIFFERS && run->norm && lines > SHORT_OUTPUT)
		fprintf(out->f, "   %s(%zu lines, shown by their diff against the norm)%s\n",
		    color(out, DIM), lines, color(out, RESET));
	else
		put_output(out, r->body, "   ");
	if (l == L_DIFFERS && run->norm)
		put_diff(out, run, run->norm, g);
	fputc('\n', out->f);
	free(hosts);
}

/* Hosts that exited 0 when no two are alike: each with its output, by host. */
static void
put_distinct(struct out *out, const struct run *run)
{
	const struct group *g;
	struct herd_buf name = { 0 };
	size_t i, n = 0;

	for (i = 0; i < run->ngroups; i++)
		n += group_label(run, &run->groups[i]) == L_DIFFERS;
	fprintf(out->f, "%s%s %zu hosts, all different:%s\n", color(out, BOLD),
	    color(out, YELLOW), n, color(out, RESET));
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		if (group_label(run, g) != L_DIFFERS)
			continue;
		herd_buf_reset(&name);
		safe_line(&name, run->results[g->first].host,
		    strlen(run->results[g->first].host));
		if (run->results[g->first].change == CHANGE_CHANGED)
			herd_buf_adds(&name, " [changed]");
		fprintf(out->f, "   %s\n", name.p);
		put_output(out, run->results[g->first].body, "     ");
	}
	fputc('\n', out->f);
	herd_buf_free(&name);
}

/* Failed or timed-out hosts under one label, each reason with its hosts. */
static void
put_problems(struct out *out, const struct run *run, enum label want)
{
	const struct group *g;
	const struct result *r;
	struct herd_buf tail = { 0 };
	size_t i, n = 0;
	char *hosts;

	for (i = 0; i < run->ngroups; i++)
		if (group_label(run, &run->groups[i]) == want)
			n += run->groups[i].n;
	if (!n)
		return;
	put_label(out, want, n, 0);
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		if (group_label(run, g) != want)
			continue;
		r = &run->results[g->first];
		hosts = group_hosts(run, g, out->o->fold);
		herd_buf_reset(&tail);
		herd_buf_adds(&tail, "");
		if (r->error) {
			herd_buf_adds(&tail, " (");
			safe_line(&tail, r->error, strlen(r->error));
			herd_buf_adds(&tail, ")");
		}
		put_hosts(out, hosts, "   ", 3, "   ", tail.p);
		put_hint(out, r->hint, "     ");
		if (g->n == 1 && (r->body->outlen || r->body->errlen))
			put_output(out, r->body, "     ");
		free(hosts);
	}
	herd_buf_free(&tail);
	fputc('\n', out->f);
}

/* The hosts of H records without a result. */
static void
put_missing(struct out *out, const struct run *run)
{
	const char *why = run_missing_reason(run);
	char *hosts, *tail;

	if (!run->nmissing)
		return;
	fprintf(out->f, "%s%s %zu host%s no result:%s\n", color(out, BOLD), color(out, RED),
	    run->nmissing, run->nmissing == 1 ? " has" : "s have", color(out, RESET));
	hosts = herd_fold(run->missing, run->nmissing, out->o->fold);
	tail = why ? xasprintf(" (%s)", why) : xstrdup("");
	put_hosts(out, hosts, "   ", 3, "   ", tail);
	fputc('\n', out->f);
	free(hosts);
	free(tail);
}

static void
put_summary(struct out *out, const struct run *run)
{
	struct counts c;

	run_counts(run, &c);
	fprintf(out->f, "%zu succeeded", c.succeeded);
	if (run->distinct)
		fputs(" (all different)", out->f);
	else if (c.differs)
		fprintf(out->f, " (%zu %s)", c.differs, c.differs == 1 ? "differs" : "differ");
	if (c.nonzero)
		fprintf(out->f, ", %zu non-zero exit", c.nonzero);
	if (c.failed)
		fprintf(out->f, ", %zu failed", c.failed);
	if (c.timeout)
		fprintf(out->f, ", %zu timeout", c.timeout);
	if (c.noresult)
		fprintf(out->f, ", %zu no result", c.noresult);
	if (run_cut_short(run))
		fputs("; the run was cut short", out->f);
	fputc('\n', out->f);
}

void
render_text(FILE *f, const struct run *run, const struct render_opts *o)
{
	struct out out = { f, o };
	const struct group *g;
	enum label l;
	size_t i;

	if (!run->nresults && !run->nmissing) {
		fprintf(f, "no results%s\n", run_cut_short(run) ?
		    "; the run was cut short" : "");
		return;
	}
	if (run->distinct && !o->errors_only)
		put_distinct(&out, run);
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		l = group_label(run, g);
		if (l == L_FAILED || l == L_TIMEOUT || (run->distinct && l == L_DIFFERS))
			continue;
		if (o->errors_only && l != L_EXITED)
			continue;
		put_group(&out, run, g);
	}
	put_problems(&out, run, L_FAILED);
	put_problems(&out, run, L_TIMEOUT);
	put_missing(&out, run);
	put_summary(&out, run);
}
