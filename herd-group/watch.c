/*
 * The runs of a series (herd watch): each host's result compared with its
 * result in the run before of the same series, after --ignore's masks;
 * marked changed (the [changed] of the host lists, @changed), and --watch's
 * view of each run: a timestamp header, "N unchanged, N changed, N down",
 * then the grouped view (or, with --changes-only, the changed hosts alone).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "group.h"
#include "mask.h"

/* The last run of a series: each host's masked digest. */
struct series {
	char *id;
	struct herd_strv names;		/* the keys of hosts */
	struct herd_map hosts;		/* host name -> index into sha */
	char (*sha)[65];
	size_t cap;
};

void
watch_free(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nseries; i++) {
		free(w->series[i].id);
		herd_strv_free(&w->series[i].names);
		herd_map_free(&w->series[i].hosts);
		free(w->series[i].sha);
	}
	free(w->series);
	herd_map_free(&w->by_id);
	herd_mask_free(w->mask);
}

static struct series *
series_of(struct watch *w, const char *id)
{
	size_t *slot = herd_map_get(&w->by_id, id, strlen(id));
	struct series *s;

	if (slot)
		return &w->series[*slot];
	herd_grow(&w->series, &w->capseries, w->nseries, sizeof *w->series);
	s = &w->series[w->nseries];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	*herd_map_put(&w->by_id, s->id, strlen(s->id), NULL) = w->nseries++;
	return s;
}

static void
digest(const struct watch *w, const struct result *r, char hex[65])
{
	if (herd_mask_empty(w->mask)) {
		memcpy(hex, r->sha, 65);
		return;
	}
	herd_mask_hash(w->mask, status_name(r->status), r->has_exit ? r->exit_code : -1,
	    r->body->out, r->body->outlen, r->body->err, r->body->errlen, hex);
}

/* Each result of a run of a series: changed since the run before, or new. */
void
watch_mark(struct watch *w, struct run *run)
{
	struct series *s;
	struct result *r;
	char hex[65];
	size_t i, *k;
	int added;
	char *key;

	if (!run->series || !*run->series)
		return;
	/* a series' runs of one command: a recipe's steps are not each other's before */
	key = xasprintf("%s\t%s", run->series, run->command ? run->command : "");
	s = series_of(w, key);
	free(key);
	for (i = 0; i < run->nresults; i++) {
		r = &run->results[i];
		digest(w, r, hex);
		k = herd_map_get(&s->hosts, r->host, strlen(r->host));
		if (!k) {
			herd_strv_add(&s->names, r->host);
			k = herd_map_put(&s->hosts, s->names.v[s->names.n - 1],
			    strlen(r->host), &added);
			*k = s->names.n - 1;
			herd_grow(&s->sha, &s->cap, *k, sizeof *s->sha);
			r->change = CHANGE_NEW;
		} else {
			r->change = strcmp(s->sha[*k], hex) ? CHANGE_CHANGED : CHANGE_NONE;
		}
		memcpy(s->sha[*k], hex, sizeof hex);
	}
}

static int
down(const struct result *r)
{
	return r->status == HERD_RESULT_FAILED || r->status == HERD_RESULT_TIMEOUT;
}

struct tally {
	size_t unchanged, changed, down, new;
};

/* down first: a host that went down is counted down, not changed */
static void
tally(const struct run *run, struct tally *t)
{
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < run->nresults; i++) {
		if (down(&run->results[i]))
			t->down++;
		else if (run->results[i].change == CHANGE_NEW)
			t->new++;
		else if (run->results[i].change == CHANGE_CHANGED)
			t->changed++;
		else
			t->unchanged++;
	}
}

static int
shown(const struct result *r)
{
	return r->change != CHANGE_NONE;
}

/* The header: local time, iteration, interval, command. */
static void
put_header(struct out *out, const struct run *run, long long interval_ms)
{
	struct herd_buf cmd = { 0 };
	char when[32] = "", every[32];
	time_t t = (time_t)(run->started_ms / 1000);
	struct tm tm;

	if (run->started_ms > 0 && localtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	safe_line(&cmd, run->command ? run->command : "", run->command ?
	    strlen(run->command) : 0);
	fprintf(out->f, "%s%s", color(out, BOLD), when);
	if (run->seq > 0)
		fprintf(out->f, "%siteration %lld", *when ? "  " : "", run->seq);
	if (interval_ms > 0)
		fprintf(out->f, ", every %s", herd_format_duration(interval_ms, every,
		    sizeof every));
	fprintf(out->f, ": %s%s\n", cmd.p, color(out, RESET));
	herd_buf_free(&cmd);
}

static void
put_tally(struct out *out, const struct tally *t)
{
	fprintf(out->f, "%zu unchanged, %s%zu changed%s, %s%zu down%s", t->unchanged,
	    t->changed ? color(out, YELLOW) : "", t->changed, t->changed ? color(out, RESET) : "",
	    t->down ? color(out, RED) : "", t->down, t->down ? color(out, RESET) : "");
	if (t->new)
		fprintf(out->f, ", %zu new", t->new);
	fputc('\n', out->f);
}

/* --changes-only: each group's changed and new hosts, with their output. */
static void
put_changes(struct out *out, const struct run *run)
{
	const struct group *g;
	const struct result *r;
	struct herd_buf tail = { 0 };
	char **names;
	char *list;
	long n, total;
	size_t i, k, m;

	names = xcalloc(run->nresults + 1, sizeof *names);
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		for (k = m = 0; k < g->n; k++)
			if (shown(&run->results[g->member[k]]))
				names[m++] = run->results[g->member[k]].host;
		if (!m)
			continue;
		r = &run->results[g->first];
		list = herd_fold(names, m, out->o->fold);
		herd_buf_reset(&tail);
		herd_buf_adds(&tail, ":");
		if (r->status != HERD_RESULT_OK) {
			herd_buf_addf(&tail, " %s", status_name(r->status));
			if (r->has_exit && r->status == HERD_RESULT_NONZERO)
				herd_buf_addf(&tail, " (exit %lld)", r->exit_code);
			if (r->error) {
				herd_buf_adds(&tail, " (");
				safe_line(&tail, r->error, strlen(r->error));
				herd_buf_adds(&tail, ")");
			}
		}
		put_hosts(out, list, "", 0, "   ", tail.p);
		n = total = 0;
		put_lines(out, r->body->out, r->body->outlen, "", "   ", &n, &total);
		put_lines(out, r->body->err, r->body->errlen, "stderr: ", "   ", &n, &total);
		if (total > n)
			put_more(out, total - n, "   ");
		free(list);
	}
	free(names);
	herd_buf_free(&tail);
}

static void
render_watch_json(FILE *f, const struct run *run, const struct watch *w,
    const struct tally *t)
{
	const struct result *r;
	json_t *o, *top;
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		r = &run->results[i];
		if (w->changes_only && !shown(r))
			continue;
		o = json_object();
		json_object_set_new(o, "host", herd_json_bytes(r->host, strlen(r->host)));
		json_object_set_new(o, "iteration", json_integer(run->seq));
		json_object_set_new(o, "run", json_string(run->id));
		json_object_set_new(o, "status", json_string(status_name(r->status)));
		json_object_set_new(o, "exit", r->has_exit ? json_integer(r->exit_code) :
		    json_null());
		json_object_set_new(o, "changed", json_boolean(r->change == CHANGE_CHANGED));
		json_object_set_new(o, "new", json_boolean(r->change == CHANGE_NEW));
		json_object_set_new(o, "output", herd_json_bytes(r->body->out,
		    r->body->outlen));
		json_object_set_new(o, "stderr", herd_json_bytes(r->body->err,
		    r->body->errlen));
		json_object_set_new(o, "error", r->error ? herd_json_bytes(r->error,
		    strlen(r->error)) : json_null());
		herd_json_print(f, o);
	}
	o = json_object();
	json_object_set_new(o, "iteration", json_integer(run->seq));
	json_object_set_new(o, "run", json_string(run->id));
	json_object_set_new(o, "series", json_string(run->series ? run->series : ""));
	json_object_set_new(o, "started_ms", json_integer(run->started_ms));
	json_object_set_new(o, "command", herd_json_bytes(run->command ? run->command : "",
	    run->command ? strlen(run->command) : 0));
	json_object_set_new(o, "hosts", json_integer((json_int_t)run->nresults));
	json_object_set_new(o, "unchanged", json_integer((json_int_t)t->unchanged));
	json_object_set_new(o, "changed", json_integer((json_int_t)t->changed));
	json_object_set_new(o, "down", json_integer((json_int_t)t->down));
	json_object_set_new(o, "new", json_integer((json_int_t)t->new));
	top = json_object();
	json_object_set_new(top, "summary", o);
	herd_json_print(f, top);
}

/* --watch: one run of the series, under its header; first is it the first shown. */
void
render_watch(FILE *f, const struct run *run, const struct watch *w,
    const struct render_opts *ro, int first)
{
	struct out out = { f, ro };
	struct tally t;

	tally(run, &t);
	if (ro->json) {
		render_watch_json(f, run, w, &t);
		return;
	}
	if (w->clear)
		fputs("\033[H\033[2J", f);
	else if (!first)
		fputc('\n', f);
	put_header(&out, run, w->interval_ms);
	put_tally(&out, &t);
	fputc('\n', f);
	if (w->changes_only)
		put_changes(&out, run);
	else
		render_text(f, run, ro);
}
