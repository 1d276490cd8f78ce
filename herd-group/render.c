/* The grouped view, as text for people or as JSON Lines for jq. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "group.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

struct out {
	FILE *f;
	const struct render_opts *o;
};

static const char *
color(const struct out *out, const char *code)
{
	return out->o->color ? code : "";
}

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

/* Each line of remote text, made safe, indented; at most o->lines lines. */
static void
put_text(struct out *out, const char *p, size_t n, const char *indent)
{
	struct herd_buf safe = { 0 };
	const char *s, *end, *nl;
	long shown = 0, total = 0;

	if (n == 0) {
		fprintf(out->f, "%s%s(no output)%s\n", indent, color(out, DIM),
		    color(out, RESET));
		return;
	}
	herd_sanitize(&safe, p, n);
	end = safe.p + safe.len;
	for (s = safe.p; s < end; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		total++;
		if (out->o->lines && shown >= out->o->lines)
			continue;
		fprintf(out->f, "%s%.*s\n", indent, (int)((nl ? nl : end) - s), s);
		shown++;
	}
	if (total > shown)
		fprintf(out->f, "%s%s[... %ld more line%s]%s\n", indent, color(out, DIM),
		    total - shown, total - shown == 1 ? "" : "s", color(out, RESET));
	herd_buf_free(&safe);
}

static void
put_diff(struct out *out, const struct run *run, const struct group *norm,
    const struct group *g)
{
	struct herd_buf a = { 0 }, b = { 0 }, d = { 0 }, safe = { 0 };
	const char *s, *end, *nl, *c;
	char *hosts = group_hosts(run, g, out->o->fold);

	result_text(&run->results[norm->first], &a);
	result_text(&run->results[g->first], &b);
	herd_diff(a.p ? a.p : "", a.len, b.p ? b.p : "", b.len, 3, &d);
	herd_sanitize(&safe, d.p ? d.p : "", d.len);
	fprintf(out->f, "\n   %s--- norm (%zu host%s)%s\n", color(out, RED), norm->n,
	    norm->n == 1 ? "" : "s", color(out, RESET));
	herd_buf_reset(&d);
	herd_sanitize(&d, hosts, strlen(hosts));
	fprintf(out->f, "   %s+++ %s%s\n", color(out, GREEN), d.p, color(out, RESET));
	end = safe.p + safe.len;
	for (s = safe.p; s < end; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		c = *s == '-' ? RED : *s == '+' ? GREEN : *s == '@' ? CYAN : "";
		fprintf(out->f, "   %s%.*s%s\n", color(out, c), (int)((nl ? nl : end) - s),
		    s, *c ? color(out, RESET) : "");
	}
	free(hosts);
	herd_buf_free(&a);
	herd_buf_free(&b);
	herd_buf_free(&d);
	herd_buf_free(&safe);
}

static void
put_hosts(struct out *out, const struct run *run, const struct group *g)
{
	char *hosts = group_hosts(run, g, out->o->fold);

	put_text(out, hosts, strlen(hosts), "   ");
	free(hosts);
}

static void
put_group(struct out *out, const struct run *run, const struct group *g,
    const struct group *norm)
{
	const struct result *r = &run->results[g->first];
	enum label l = group_label(run, g);
	struct herd_buf text = { 0 };

	put_label(out, l, g->n, r->exit_code);
	put_hosts(out, run, g);
	result_text(r, &text);
	put_text(out, text.p, text.len, "   ");
	if (l == L_DIFFERS && norm)
		put_diff(out, run, norm, g);
	herd_buf_free(&text);
	fputc('\n', out->f);
}

/* Failed or timed-out hosts under one label, each reason with its hosts. */
static void
put_problems(struct out *out, const struct run *run, enum label want)
{
	const struct group *g;
	const struct result *r;
	struct herd_buf text = { 0 }, safe = { 0 };
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
		herd_buf_reset(&safe);
		herd_sanitize(&safe, hosts, strlen(hosts));
		fprintf(out->f, "   %s", safe.p);
		if (r->error) {
			herd_buf_reset(&safe);
			herd_sanitize(&safe, r->error, strlen(r->error));
			fprintf(out->f, " (%s)", safe.p);
		}
		fputc('\n', out->f);
		if (r->hint) {
			herd_buf_reset(&safe);
			herd_sanitize(&safe, r->hint, strlen(r->hint));
			fprintf(out->f, "     %shint: %s%s\n", color(out, DIM), safe.p,
			    color(out, RESET));
		}
		herd_buf_reset(&text);
		result_text(r, &text);
		if (text.len && g->n == 1)
			put_text(out, text.p, text.len, "     ");
		free(hosts);
	}
	herd_buf_free(&text);
	herd_buf_free(&safe);
	fputc('\n', out->f);
}

static void
put_summary(struct out *out, const struct run *run)
{
	struct counts c;

	run_counts(run, &c);
	fprintf(out->f, "%zu succeeded", c.succeeded);
	if (c.differs)
		fprintf(out->f, ", %zu %s", c.differs, c.differs == 1 ? "differs" : "differ");
	if (c.nonzero)
		fprintf(out->f, ", %zu non-zero exit", c.nonzero);
	if (c.failed)
		fprintf(out->f, ", %zu failed", c.failed);
	if (c.timeout)
		fprintf(out->f, ", %zu timeout", c.timeout);
	fputc('\n', out->f);
}

static const struct group *
norm_of(const struct run *run)
{
	size_t i;

	for (i = 0; i < run->ngroups; i++)
		if (run->groups[i].norm)
			return &run->groups[i];
	return NULL;
}

void
render_text(FILE *f, const struct run *run, const struct render_opts *o)
{
	struct out out = { f, o };
	const struct group *g, *norm = norm_of(run);
	enum label l;
	size_t i;

	if (!run->nresults) {
		fprintf(f, "no results\n");
		return;
	}
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		l = group_label(run, g);
		if (l == L_FAILED || l == L_TIMEOUT)
			continue;
		if (o->errors_only && l != L_EXITED)
			continue;
		put_group(&out, run, g, norm);
	}
	put_problems(&out, run, L_FAILED);
	put_problems(&out, run, L_TIMEOUT);
	put_summary(&out, run);
}

static json_t *
bytes(const struct herd_buf *b)
{
	return herd_json_bytes(b->p ? b->p : "", b->len);
}

/* A string of remote bytes, or null. */
static json_t *
str_or_null(const char *s)
{
	return s ? herd_json_bytes(s, strlen(s)) : json_null();
}

static const char *const label_names[] = {
	"identical", "differs", "exited", "failed", "timeout",
};
static const char *const status_names[] = { "ok", "nonzero", "failed", "timeout" };

void
render_json(FILE *f, const struct run *run, const struct render_opts *o)
{
	const struct group *g, *norm = norm_of(run);
	const struct result *r;
	struct herd_buf a = { 0 }, b = { 0 }, d = { 0 };
	struct counts c;
	json_t *obj, *hosts;
	enum label l;
	size_t i, j;

	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		r = &run->results[g->first];
		l = group_label(run, g);
		if (o->errors_only && (l == L_IDENTICAL || l == L_DIFFERS))
			continue;
		obj = json_object();
		hosts = json_array();
		for (j = 0; j < g->n; j++)
			json_array_append_new(hosts, herd_json_bytes(run->results[g->member[j]].host,
			    strlen(run->results[g->member[j]].host)));
		json_object_set_new(obj, "run", str_or_null(run->id ? run->id : ""));
		json_object_set_new(obj, "label", json_string(label_names[l]));
		json_object_set_new(obj, "status", json_string(status_names[r->status]));
		json_object_set_new(obj, "exit", r->has_exit ? json_integer(r->exit_code) :
		    json_null());
		json_object_set_new(obj, "norm", json_boolean(g->norm));
		json_object_set_new(obj, "count", json_integer((json_int_t)g->n));
		json_object_set_new(obj, "hosts", hosts);
		json_object_set_new(obj, "output", bytes(&r->out));
		json_object_set_new(obj, "stderr", bytes(&r->err));
		json_object_set_new(obj, "error", str_or_null(r->error));
		json_object_set_new(obj, "hint", str_or_null(r->hint));
		if (l == L_DIFFERS && norm) {
			herd_buf_reset(&a);
			herd_buf_reset(&b);
			herd_buf_reset(&d);
			result_text(&run->results[norm->first], &a);
			result_text(r, &b);
			herd_diff(a.p ? a.p : "", a.len, b.p ? b.p : "", b.len, 3, &d);
			json_object_set_new(obj, "diff", bytes(&d));
		} else {
			json_object_set_new(obj, "diff", json_null());
		}
		herd_json_print(f, obj);
	}
	run_counts(run, &c);
	obj = json_object();
	json_object_set_new(obj, "run", str_or_null(run->id ? run->id : ""));
	json_object_set_new(obj, "command", str_or_null(run->command ? run->command : ""));
	json_object_set_new(obj, "hosts", json_integer((json_int_t)run->nresults));
	json_object_set_new(obj, "succeeded", json_integer((json_int_t)c.succeeded));
	json_object_set_new(obj, "differs", json_integer((json_int_t)c.differs));
	json_object_set_new(obj, "nonzero", json_integer((json_int_t)c.nonzero));
	json_object_set_new(obj, "failed", json_integer((json_int_t)c.failed));
	json_object_set_new(obj, "timeout", json_integer((json_int_t)c.timeout));
	hosts = json_object();
	json_object_set_new(hosts, "summary", obj);
	herd_json_print(f, hosts);
	herd_buf_free(&a);
	herd_buf_free(&b);
	herd_buf_free(&d);
}
