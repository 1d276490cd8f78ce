/*
 * --compare: a run shown against the run its C record names (herd exec
 * --diff-last): the hosts unchanged counted, each change once with its
 * hosts and a diff, hosts new or gone, hosts still not ok, a summary.
 * The comparison itself is lib/compare.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compare.h"
#include "group.h"

/* RUN's results as herd_compare takes them: views into the run, not copies. */
static struct herd_result *
as_results(const struct run *run)
{
	struct herd_result *v = xcalloc(run->nresults + 1, sizeof *v);
	const struct result *r;
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		r = &run->results[i];
		v[i].host = r->host;
		v[i].status = (enum herd_status)r->status;
		v[i].exit_code = r->has_exit ? r->exit_code : -1;
		memcpy(v[i].sha256, r->sha, sizeof v[i].sha256);
		v[i].out = (struct herd_buf){ r->body->out, r->body->outlen, 0 };
		v[i].err = (struct herd_buf){ r->body->err, r->body->errlen, 0 };
		v[i].error = r->error;
	}
	return v;
}

/* Hosts not ok now whose result is the same as then: the comparison does not show them. */
static void
put_still_bad(FILE *f, const struct run *run, const struct herd_strv *unchanged)
{
	struct herd_buf line = { 0 };
	const struct result *r;
	size_t i, *slot, n = 0;

	for (i = 0; i < unchanged->n; i++) {
		slot = herd_map_get(&run->by_host, unchanged->v[i], strlen(unchanged->v[i]));
		r = &run->results[*slot];
		if (r->status == HERD_RESULT_OK)
			continue;
		if (!n++)
			fputs("\n not ok, as last time:\n", f);
		herd_buf_reset(&line);
		safe_line(&line, r->host, strlen(r->host));
		if (r->status == HERD_RESULT_NONZERO)
			herd_buf_addf(&line, ": exit %lld", r->exit_code);
		else
			herd_buf_addf(&line, ": %s", status_name(r->status));
		if (r->error) {
			herd_buf_adds(&line, ": ");
			safe_line(&line, r->error, strlen(r->error));
		}
		fprintf(f, "   %s\n", line.p);
	}
	herd_buf_free(&line);
}

static void
put_summary(FILE *f, const struct run *run, const struct herd_comparison *cmp)
{
	struct counts c;

	run_counts(run, &c);
	fprintf(f, "\n%zu succeeded, %zu changed", c.succeeded, herd_comparison_changed(cmp));
	if (cmp->added.n)
		fprintf(f, ", %zu new", cmp->added.n);
	if (cmp->removed.n)
		fprintf(f, ", %zu gone", cmp->removed.n);
	if (c.nonzero)
		fprintf(f, ", %zu non-zero exit", c.nonzero);
	if (c.failed)
		fprintf(f, ", %zu failed", c.failed);
	if (c.timeout)
		fprintf(f, ", %zu timeout", c.timeout);
	if (c.noresult)
		fprintf(f, ", %zu no result", c.noresult);
	if (run_cut_short(run))
		fputs("; the run was cut short", f);
	fputc('\n', f);
}

static void
put_json(FILE *f, const struct run *run, const struct run *base,
    const struct herd_comparison *cmp, const char *old_label, const char *new_label)
{
	json_t *o = herd_comparison_json(cmp, old_label, new_label), *top = json_object();

	json_object_set_new(o, "run", herd_json_bytes(run->id, strlen(run->id)));
	json_object_set_new(o, "compare", herd_json_bytes(base->id, strlen(base->id)));
	json_object_set_new(o, "since", json_integer(base->started_ms));
	json_object_set_new(top, "comparison", o);
	herd_json_print(f, top);
	herd_json_print(f, summary_json(run));
}

/* No run to compare with: said, then the run's own view. */
static void
render_alone(FILE *f, const struct run *run, const struct render_opts *o)
{
	json_t *top;

	if (o->json) {
		top = json_object();
		json_object_set_new(top, "comparison", json_null());
		herd_json_print(f, top);
		render_json(f, run, o);
		return;
	}
	fputs("no earlier run of this command on these hosts to compare with\n\n", f);
	render_text(f, run, o);
}

void
render_compare(FILE *f, const struct run *run, const struct run *base,
    const struct render_opts *o)
{
	struct herd_result *old, *new;
	struct herd_comparison cmp;
	char ol[32], nl[32], *since;

	if (!base) {
		render_alone(f, run, o);
		return;
	}
	old = as_results(base);
	new = as_results(run);
	herd_compare(old, base->nresults, new, run->nresults, &cmp);
	herd_clock(base->started_ms, ol, sizeof ol);
	herd_clock(run->started_ms, nl, sizeof nl);
	if (o->json) {
		put_json(f, run, base, &cmp, ol, nl);
	} else {
		since = xasprintf("last run (%s)", ol);
		herd_comparison_print(f, &cmp, since, ol, nl, o->fold);
		put_still_bad(f, run, &cmp.unchanged);
		put_summary(f, run, &cmp);
		free(since);
	}
	herd_comparison_free(&cmp);
	free(old);
	free(new);
}
