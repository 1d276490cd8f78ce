/*
 * Results grouped by identity: the hash herd-run computed over status, exit
 * code, stdout and stderr (herd-records(5)).  The norm is the largest group
 * of completed results (ties: the first seen); failed and timed-out hosts
 * are grouped by their exact reason.  Collecting is O(1) per result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

/* A string-keyed hash table of indices. */
struct strmap {
	char **key;
	size_t *val;
	size_t n, cap;
};

static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void
map_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof *m);
}

static size_t *map_slot(struct strmap *, const char *, int create);

static void
map_grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t i;

	m->cap = m->cap ? m->cap * 2 : 64;
	m->key = xcalloc(m->cap, sizeof *m->key);
	m->val = xcalloc(m->cap, sizeof *m->val);
	m->n = 0;
	for (i = 0; i < old.cap; i++)
		if (old.key[i])
			*map_slot(m, old.key[i], 1) = old.val[i];
	map_free(&old);
}

/* The value slot for key; NULL when absent and not created. */
static size_t *
map_slot(struct strmap *m, const char *key, int create)
{
	size_t i;

	if (create && (m->n + 1) * 2 > m->cap)
		map_grow(m);
	if (!m->cap)
		return NULL;
	for (i = hash_bytes(key, strlen(key)) & (m->cap - 1); m->key[i];
	    i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->key[i], key))
			return &m->val[i];
	if (!create)
		return NULL;
	m->key[i] = xstrdup(key);
	m->n++;
	return &m->val[i];
}

static enum status
parse_status(const char *s)
{
	if (!strcmp(s, "ok"))
		return ST_OK;
	if (!strcmp(s, "nonzero"))
		return ST_NONZERO;
	if (!strcmp(s, "timeout"))
		return ST_TIMEOUT;
	return ST_FAILED;
}

/* R run host status exit duration_ms sha256 stdout stderr error hint */
void
run_add_result(struct run *run, const struct herd_rec *rec)
{
	struct result *r;
	const char *s;

	if (!run->id)
		run->id = xstrdup(herd_rec_str(rec, 0));
	herd_grow(&run->results, &run->capresults, run->nresults, sizeof *run->results);
	r = &run->results[run->nresults++];
	memset(r, 0, sizeof *r);
	r->host = xstrdup(herd_rec_str(rec, 1));
	r->status = parse_status(herd_rec_str(rec, 2));
	r->has_exit = herd_rec_num(rec, 3, &r->exit_code) == 0;
	if (herd_rec_num(rec, 4, &r->duration_ms) < 0)
		r->duration_ms = 0;
	snprintf(r->sha, sizeof r->sha, "%s", herd_rec_str(rec, 5));
	if (rec->nf > 6)
		herd_buf_add(&r->out, rec->f[6].p, rec->f[6].len);
	if (rec->nf > 7)
		herd_buf_add(&r->err, rec->f[7].p, rec->f[7].len);
	s = herd_rec_str(rec, 8);
	r->error = *s ? xstrdup(s) : NULL;
	s = herd_rec_str(rec, 9);
	r->hint = *s ? xstrdup(s) : NULL;
}

void
run_add_host(struct run *run, const struct herd_rec *rec)
{
	struct herd_host h;

	if (herd_host_from_rec(rec, &h) == 0)
		*herd_hostlist_add(&run->hosts) = h;
}

/* The H record of a host; run_group indexes them by name. */
const struct herd_host *
run_host(const struct run *run, const char *name)
{
	size_t *slot;

	if (!run->host_index)
		return NULL;
	slot = map_slot(run->host_index, name, 0);
	return slot ? &run->hosts.h[*slot - 1] : NULL;
}

static int
by_host(const void *a, const void *b)
{
	return herd_natural_cmp((*(const struct result *const *)a)->host,
	    (*(const struct result *const *)b)->host);
}

/* The results in the natural order of their host names, to free. */
const struct result **
run_by_host(const struct run *run)
{
	const struct result **rows = xcalloc(run->nresults + 1, sizeof *rows);
	size_t i;

	for (i = 0; i < run->nresults; i++)
		rows[i] = &run->results[i];
	qsort(rows, run->nresults, sizeof *rows, by_host);
	return rows;
}

static int
completed(const struct result *r)
{
	return r->status == ST_OK || r->status == ST_NONZERO;
}

static char *
group_key(const struct result *r)
{
	if (completed(r))
		return xasprintf("=%s", r->sha);
	return xasprintf("%c%s\n%s", r->status == ST_FAILED ? 'F' : 'T',
	    r->error ? r->error : "", r->hint ? r->hint : "");
}

static const struct run *sort_run;

/* Display order: the norm, other results by size then first seen, failed, timed out. */
static int
by_display(const void *a, const void *b)
{
	const struct group *x = &sort_run->groups[*(const size_t *)a];
	const struct group *y = &sort_run->groups[*(const size_t *)b];
	int rx = x->norm ? 0 : (int)sort_run->results[x->first].status + 1;
	int ry = y->norm ? 0 : (int)sort_run->results[y->first].status + 1;

	/* ok and nonzero groups rank together, by size */
	if (rx == ST_NONZERO + 1)
		rx = ST_OK + 1;
	if (ry == ST_NONZERO + 1)
		ry = ST_OK + 1;
	if (rx != ry)
		return rx - ry;
	if (rx == ST_OK + 1 && x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

void
run_group(struct run *run)
{
	struct strmap map = { 0 };
	struct group *g, *norm = NULL;
	size_t i, *slot;
	char *key;

	for (i = 0; i < run->nresults; i++) {
		key = group_key(&run->results[i]);
		slot = map_slot(&map, key, 1);
		if (!*slot) {
			herd_grow(&run->groups, &run->capgroups, run->ngroups,
			    sizeof *run->groups);
			g = &run->groups[run->ngroups];
			memset(g, 0, sizeof *g);
			g->first = i;
			*slot = ++run->ngroups;
		}
		g = &run->groups[*slot - 1];
		herd_grow(&g->member, &g->cap, g->n, sizeof *g->member);
		g->member[g->n++] = i;
		run->results[i].group = *slot - 1;
		free(key);
	}
	map_free(&map);
	run->host_index = xcalloc(1, sizeof *run->host_index);
	for (i = 0; i < run->hosts.n; i++) {
		slot = map_slot(run->host_index, run->hosts.h[i].name, 1);
		if (!*slot)
			*slot = i + 1;	/* the first H record of a name */
	}
	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[i];
		if (completed(&run->results[g->first]) && (!norm || g->n > norm->n))
			norm = g;
	}
	if (norm)
		norm->norm = 1;
	run->order = xcalloc(run->ngroups + 1, sizeof *run->order);
	for (i = 0; i < run->ngroups; i++)
		run->order[i] = i;
	sort_run = run;
	qsort(run->order, run->ngroups, sizeof *run->order, by_display);
}

enum label
group_label(const struct run *run, const struct group *g)
{
	const struct result *r = &run->results[g->first];

	switch (r->status) {
	case ST_FAILED: return L_FAILED;
	case ST_TIMEOUT: return L_TIMEOUT;
	case ST_NONZERO: return L_EXITED;
	case ST_OK: break;
	}
	return g->norm ? L_IDENTICAL : L_DIFFERS;
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
		case ST_OK:
			if (run->groups[r->group].norm)
				c->succeeded++;
			else
				c->differs++;
			break;
		case ST_NONZERO: c->nonzero++; break;
		case ST_FAILED: c->failed++; break;
		case ST_TIMEOUT: c->timeout++; break;
		}
	}
}

char *
group_hosts(const struct run *run, const struct group *g, int fold)
{
	char **names = xcalloc(g->n + 1, sizeof *names);
	char *list;
	size_t i;

	for (i = 0; i < g->n; i++)
		names[i] = run->results[g->member[i]].host;
	list = herd_fold(names, g->n, fold);
	free(names);
	return list;
}

/* What a result shows and is diffed on: stdout, then stderr lines marked. */
void
result_text(const struct result *r, struct herd_buf *b)
{
	const char *p = r->err.p, *end = p + r->err.len, *nl;

	herd_buf_add(b, r->out.p ? r->out.p : "", r->out.len);
	if (!r->err.len)
		return;
	/* say so, or x and x\n on stdout would read alike before stderr */
	if (b->len && b->p[b->len - 1] != '\n')
		herd_buf_adds(b, "\n\\ no newline at end of stdout\n");
	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		herd_buf_adds(b, "stderr: ");
		herd_buf_add(b, p, (size_t)((nl ? nl + 1 : end) - p));
	}
}

void
run_reset(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		free(run->results[i].host);
		herd_buf_free(&run->results[i].out);
		herd_buf_free(&run->results[i].err);
		free(run->results[i].error);
		free(run->results[i].hint);
	}
	for (i = 0; i < run->ngroups; i++)
		free(run->groups[i].member);
	free(run->results);
	free(run->groups);
	free(run->order);
	free(run->id);
	free(run->command);
	herd_hostlist_free(&run->hosts);
	if (run->host_index) {
		map_free(run->host_index);
		free(run->host_index);
	}
	memset(run, 0, sizeof *run);
}
