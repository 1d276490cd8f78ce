/*
 * Results grouped by identity: the hash herd-run computed over status, exit
 * code, stdout and stderr (herd-records(5)).  The norm is the largest group
 * of hosts that exited 0 (ties: the group whose first host sorts first);
 * failed and timed-out hosts are grouped by their exact reason.
 */
#include <stdlib.h>
#include <string.h>

#include "group.h"

/* The number of hosts the H records name. */
size_t
run_nhosts(const struct run *run)
{
	return run->host_index.n;
}

/* The H record of a host (the first of its name). */
const struct herd_host *
run_host(const struct run *run, const char *name)
{
	size_t *slot = herd_map_get(&run->host_index, name, strlen(name));

	return slot ? &run->hosts.h[*slot] : NULL;
}

int
run_cut_short(const struct run *run)
{
	return run->begun && !run->ended;
}

/* Why the hosts of H records have no result, or NULL when nothing says. */
const char *
run_missing_reason(const struct run *run)
{
	if (run_cut_short(run))
		return "the run was cut short";
	return run->ended ? "the run ended without it" : NULL;
}

static int
by_name(const void *a, const void *b)
{
	return herd_natural_cmp(*(char *const *)a, *(char *const *)b);
}

static int
member_cmp(const void *a, const void *b, void *arg)
{
	const struct run *run = arg;

	return herd_natural_cmp(run->results[*(const size_t *)a].host,
	    run->results[*(const size_t *)b].host);
}

/*
 * Rank in the display: the norm (or, when no two hosts that exited 0 are
 * alike, all of them), the other ok and non-zero groups, failed, timed out.
 */
static int
rank(const struct run *run, const struct group *g)
{
	switch (run->results[g->first].status) {
	case HERD_RESULT_FAILED: return 2;
	case HERD_RESULT_TIMEOUT: return 3;
	case HERD_RESULT_OK: return !g->norm && !run->distinct;
	default: return 1;
	}
}

/* Display order: by rank, then largest first, then by first host. */
static int
by_display(const void *a, const void *b, void *arg)
{
	const struct run *run = arg;
	const struct group *x = &run->groups[*(const size_t *)a];
	const struct group *y = &run->groups[*(const size_t *)b];
	int rx = rank(run, x), ry = rank(run, y);

	if (rx != ry)
		return rx - ry;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return herd_natural_cmp(run->results[x->first].host, run->results[y->first].host);
}

static char *
group_key(const struct result *r)
{
	if (result_completed(r))
		return xasprintf("%c%s", r->status == HERD_RESULT_OK ? '=' : '!', r->sha);
	return xasprintf("%c%s\n%s", r->status == HERD_RESULT_FAILED ? 'F' : 'T',
	    r->error ? r->error : "", r->hint ? r->hint : "");
}

static void
collect_groups(struct run *run)
{
	struct herd_map map = { 0 };
	struct group *g;
	size_t i, *slot;
	char *key;
	int added;

	for (i = 0; i < run->nresults; i++) {
		key = group_key(&run->results[i]);
		slot = herd_map_put(&map, key, strlen(key), &added);
		if (added) {
			herd_grow(&run->groups, &run->capgroups, run->ngroups,
			    sizeof *run->groups);
			g = &run->groups[run->ngroups];
			memset(g, 0, sizeof *g);
			g->key = key;
			*slot = run->ngroups++;
		} else {
			free(key);
		}
		g = &run->groups[*slot];
		herd_grow(&g->member, &g->cap, g->n, sizeof *g->member);
		g->member[g->n++] = i;
		run->results[i].group = *slot;
	}
	herd_map_free(&map);
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[i];
		qsort_r(g->member, g->n, sizeof *g->member, member_cmp, run);
		g->first = g->member[0];
	}
}

/* The largest group of hosts that exited 0, unless no two of them are alike. */
static void
choose_norm(struct run *run)
{
	struct group *g, *norm = NULL;
	size_t i, nok = 0;

	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[i];
		if (run->results[g->first].status != HERD_RESULT_OK)
			continue;
		nok++;
		if (!norm || g->n > norm->n || (g->n == norm->n &&
		    herd_natural_cmp(run->results[g->first].host,
		    run->results[norm->first].host) < 0))
			norm = g;
	}
	if (norm && norm->n == 1 && nok > 1) {
		run->distinct = 1;
		return;
	}
	if (norm)
		norm->norm = 1;
	run->norm = norm;
}

static void
find_missing(struct run *run)
{
	const char *name;
	size_t i;

	run->missing = xcalloc(run->hosts.n + 1, sizeof *run->missing);
	for (i = 0; i < run->hosts.n; i++) {
		name = run->hosts.h[i].name;
		if (*herd_map_get(&run->host_index, name, strlen(name)) == i &&
		    !herd_map_get(&run->by_host, name, strlen(name)))
			run->missing[run->nmissing++] = run->hosts.h[i].name;
	}
	qsort(run->missing, run->nmissing, sizeof *run->missing, by_name);
}

void
run_group(struct run *run)
{
	size_t i;

	collect_groups(run);
	choose_norm(run);
	find_missing(run);
	run->order = xcalloc(run->ngroups + 1, sizeof *run->order);
	for (i = 0; i < run->ngroups; i++)
		run->order[i] = i;
	qsort_r(run->order, run->ngroups, sizeof *run->order, by_display, run);
}

enum label
group_label(const struct run *run, const struct group *g)
{
	switch (run->results[g->first].status) {
	case HERD_RESULT_FAILED: return L_FAILED;
	case HERD_RESULT_TIMEOUT: return L_TIMEOUT;
	case HERD_RESULT_NONZERO: return L_EXITED;
	default: return g->norm ? L_IDENTICAL : L_DIFFERS;
	}
}

void
run_counts(const struct run *run, struct counts *c)
{
	const struct result *r;
	size_t i;

	memset(c, 0, sizeof *c);
	for (i = 0; i < run->nresults; i++) {
		r = &run->results[i];
		switch (r->status) {
		case HERD_RESULT_OK:
			c->succeeded++;
			c->differs += !run->groups[r->group].norm;
			break;
		case HERD_RESULT_NONZERO: c->nonzero++; break;
		case HERD_RESULT_FAILED: c->failed++; break;
		default: c->timeout++; break;
		}
	}
	c->noresult = run->nmissing;
}

char *
group_hosts(const struct run *run, const struct group *g, int fold)
{
	char **names = xcalloc(g->n + 1, sizeof *names), **changed = names + g->n;
	struct herd_buf b = { 0 };
	char *list, *p, *sep;
	size_t i, n = 0;

	/* the hosts changed since the run before (a watch) after the others */
	for (i = 0; i < g->n; i++)
		if (run->results[g->member[i]].change == CHANGE_CHANGED)
			*--changed = run->results[g->member[i]].host;
		else
			names[n++] = run->results[g->member[i]].host;
	list = herd_fold(names, n, fold);
	if (n == g->n) {
		free(names);
		return list;
	}
	herd_buf_adds(&b, list);
	free(list);
	list = herd_fold(changed, g->n - n, fold);
	for (p = list; p; p = sep ? sep + 2 : NULL) {
		sep = strstr(p, ", ");
		herd_buf_addf(&b, "%s%.*s [changed]", b.len ? ", " : "",
		    (int)(sep ? sep - p : (long)strlen(p)), p);
	}
	free(list);
	free(names);
	return herd_buf_steal(&b);
}

/* What selectors see: the results as read, then the hosts without one; to free. */
struct herd_pick *
run_picks(const struct run *run, size_t *n)
{
	struct herd_pick *p = xcalloc(run->nresults + run->nmissing + 1, sizeof *p);
	const struct result *r;
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		r = &run->results[i];
		p[i].name = r->host;
		p[i].status = r->status;
		p[i].in_norm = run->groups[r->group].norm;
		p[i].changed = r->change == CHANGE_CHANGED;
		p[i].host = run_host(run, r->host);
	}
	for (i = 0; i < run->nmissing; i++) {
		p[run->nresults + i].name = run->missing[i];
		p[run->nresults + i].status = HERD_RESULT_NONE;
		p[run->nresults + i].host = run_host(run, run->missing[i]);
	}
	*n = run->nresults + run->nmissing;
	return p;
}

static int
by_row(const void *a, const void *b)
{
	return herd_natural_cmp(((const struct row *)a)->host, ((const struct row *)b)->host);
}

/* Every host, with a result or without, in natural order; to free. */
struct row *
run_rows(const struct run *run, size_t *n)
{
	struct row *rows = xcalloc(run->nresults + run->nmissing + 1, sizeof *rows);
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		rows[i].host = run->results[i].host;
		rows[i].r = &run->results[i];
	}
	for (i = 0; i < run->nmissing; i++)
		rows[run->nresults + i].host = run->missing[i];
	*n = run->nresults + run->nmissing;
	qsort(rows, *n, sizeof *rows, by_row);
	return rows;
}

/*
 * What a result shows and is diffed on: stdout, then each line of stderr
 * after "stderr: ".  Without stderr, that is stdout as it is kept.
 */
void
result_text(const struct result *r, struct text *t)
{
	const struct body *b = r->body;
	const char *p = b->err, *end = b->err + b->errlen, *nl;

	memset(t, 0, sizeof *t);
	t->p = b->out;
	t->len = b->outlen;
	if (!b->errlen)
		return;
	herd_buf_add(&t->own, b->out, b->outlen);
	/* say so, or x and x\n on stdout would read alike before stderr */
	if (b->outlen && b->out[b->outlen - 1] != '\n')
		herd_buf_adds(&t->own, "\n\\ no newline at end of stdout\n");
	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		herd_buf_adds(&t->own, "stderr: ");
		herd_buf_add(&t->own, p, (size_t)((nl ? nl + 1 : end) - p));
	}
	t->p = t->own.p;
	t->len = t->own.len;
}

void
text_free(struct text *t)
{
	herd_buf_free(&t->own);
}

void
run_reset(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		free(run->results[i].host);
		free(run->results[i].error);
		free(run->results[i].hint);
	}
	for (i = 0; i < run->nbodies; i++) {
		free(run->bodies[i]->out);
		free(run->bodies[i]->err);
		free(run->bodies[i]);
	}
	for (i = 0; i < run->ngroups; i++) {
		free(run->groups[i].member);
		free(run->groups[i].key);
	}
	free(run->results);
	free(run->bodies);
	free(run->groups);
	free(run->order);
	free(run->missing);
	free(run->id);
	free(run->command);
	free(run->compare);
	free(run->series);
	free(run->kind);
	herd_map_free(&run->by_host);
	herd_map_free(&run->by_sha);
	herd_map_free(&run->host_index);
	herd_hostlist_free(&run->hosts);
	memset(run, 0, sizeof *run);
}
