/*
 * Results grouped by identity: the hash herd-run computed over status, exit
 * code, stdout and stderr (herd-records(5)).  The norm is the largest group
 * of hosts that exited 0 (ties: the group whose first host sorts first);
 * failed and timed-out hosts are grouped by their exact reason.  The
 * output of results with one digest is kept once.  Collecting is O(1) per
 * result.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

static const char *const status_names[] = { "ok", "nonzero", "failed", "timeout" };

const char *
status_name(enum herd_result_status st)
{
	return st < HERD_RESULT_NONE ? status_names[st] : NULL;
}

static int
parse_status(const char *s, enum herd_result_status *st)
{
	int i;

	for (i = 0; i < HERD_RESULT_NONE; i++)
		if (!strcmp(s, status_names[i])) {
			*st = (enum herd_result_status)i;
			return 0;
		}
	return -1;
}

int
result_completed(const struct result *r)
{
	return r->status == HERD_RESULT_OK || r->status == HERD_RESULT_NONZERO;
}

static int
valid_sha(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[64] == '\0';
}

/* The body with these bytes: the one of the same digest, or a new one. */
static const struct body *
add_body(struct run *run, const char *sha, const struct herd_field *out,
    const struct herd_field *err)
{
	struct body *b;
	size_t *slot;

	if ((slot = herd_map_get(&run->by_sha, sha, 64))) {
		b = run->bodies[*slot];
		if (b->outlen == out->len && b->errlen == err->len &&
		    !memcmp(b->out, out->p, out->len) && !memcmp(b->err, err->p, err->len))
			return b;
	}
	b = xcalloc(1, sizeof *b);
	memcpy(b->sha, sha, sizeof b->sha);
	b->out = xmalloc(out->len + 1);
	memcpy(b->out, out->p, out->len);
	b->out[out->len] = '\0';
	b->outlen = out->len;
	b->err = xmalloc(err->len + 1);
	memcpy(b->err, err->p, err->len);
	b->err[err->len] = '\0';
	b->errlen = err->len;
	herd_grow(&run->bodies, &run->capbodies, run->nbodies, sizeof *run->bodies);
	run->bodies[run->nbodies] = b;
	if (!slot)
		*herd_map_put(&run->by_sha, b->sha, 64, NULL) = run->nbodies;
	run->nbodies++;
	return b;
}

/*
 * Why the status and exit fields of a result do not go together, or NULL.
 * A result that is not what it says is shown as failed, with the reason.
 */
static char *
check_status(const struct herd_rec *rec, struct result *r)
{
	const char *st = herd_rec_str(rec, 2), *ex = herd_rec_str(rec, 3);
	char *safe, *why = NULL;

	if (parse_status(st, &r->status) < 0) {
		safe = herd_safe(st);
		why = *st ? xasprintf("unknown status \"%s\"", safe) : xstrdup("no status");
		free(safe);
		return why;
	}
	r->has_exit = herd_rec_num(rec, 3, &r->exit_code) == 0;
	if (*ex && !r->has_exit) {
		safe = herd_safe(ex);
		why = xasprintf("exit status \"%s\" is not a number", safe);
		free(safe);
	} else if (r->status == HERD_RESULT_OK && r->has_exit && r->exit_code != 0) {
		why = xasprintf("status ok with exit status %lld", r->exit_code);
	} else if (r->status == HERD_RESULT_NONZERO && (!r->has_exit || !r->exit_code)) {
		why = xstrdup("status nonzero without a non-zero exit status");
	} else if (r->status == HERD_RESULT_OK) {
		r->has_exit = 1;
		r->exit_code = 0;
	}
	return why;
}

/*
 * R run host status exit duration_ms sha256 stdout stderr error hint.
 * Returns 0, or -1 with *why (to free) when the record is left out: it has
 * no host, or its host has a result already.
 */
int
run_add_result(struct run *run, const struct herd_rec *rec, char **why)
{
	static const struct herd_field none = { "", 0 };
	const char *host = herd_rec_str(rec, 1), *s;
	struct result *r;
	char *bad, *safe;
	int added;
	size_t *slot;

	if (!*host) {
		*why = xstrdup("R record without a host name");
		return -1;
	}
	if (herd_map_get(&run->by_host, host, strlen(host))) {
		safe = herd_safe(host);
		*why = xasprintf("a second result for host %s in one run; the first is kept",
		    safe);
		free(safe);
		return -1;
	}
	if (!run->id)
		run->id = xstrdup(herd_rec_str(rec, 0));
	herd_grow(&run->results, &run->capresults, run->nresults, sizeof *run->results);
	r = &run->results[run->nresults];
	memset(r, 0, sizeof *r);
	r->host = xstrdup(host);
	slot = herd_map_put(&run->by_host, r->host, strlen(r->host), &added);
	*slot = run->nresults++;
	bad = check_status(rec, r);
	if (herd_rec_num(rec, 4, &r->duration_ms) < 0 || r->duration_ms < 0)
		r->duration_ms = 0;
	s = herd_rec_str(rec, 5);
	if (valid_sha(s))
		memcpy(r->sha, s, sizeof r->sha);
	else
		herd_result_hash(herd_rec_str(rec, 2), r->has_exit ? r->exit_code : -1,
		    rec->nf > 6 ? rec->f[6].p : "", rec->nf > 6 ? rec->f[6].len : 0,
		    rec->nf > 7 ? rec->f[7].p : "", rec->nf > 7 ? rec->f[7].len : 0, r->sha);
	r->body = add_body(run, r->sha, rec->nf > 6 ? &rec->f[6] : &none,
	    rec->nf > 7 ? &rec->f[7] : &none);
	s = herd_rec_str(rec, 8);
	r->error = *s ? xstrdup(s) : NULL;
	s = herd_rec_str(rec, 9);
	r->hint = *s ? xstrdup(s) : NULL;
	if (bad) {
		r->status = HERD_RESULT_FAILED;
		r->has_exit = 0;
		safe = r->error;
		r->error = safe ? xasprintf("%s: %s", bad, safe) : xstrdup(bad);
		free(safe);
		free(bad);
	}
	return 0;
}

/* Returns -1 for an H record that is not valid. */
int
run_add_host(struct run *run, const struct herd_rec *rec)
{
	struct herd_host h;
	size_t *slot;
	int added;

	if (herd_host_from_rec(rec, &h) < 0)
		return -1;
	*herd_hostlist_add(&run->hosts) = h;
	slot = herd_map_put(&run->host_index, run->hosts.h[run->hosts.n - 1].name,
	    strlen(h.name), &added);
	if (added)
		*slot = run->hosts.n - 1;
	return 0;
}

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
	char **names = xcalloc(g->n + 1, sizeof *names);
	char *list;
	size_t i;

	for (i = 0; i < g->n; i++)
		names[i] = run->results[g->member[i]].host;
	list = herd_fold(names, g->n, fold);
	free(names);
	return list;
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
	herd_map_free(&run->by_host);
	herd_map_free(&run->by_sha);
	herd_map_free(&run->host_index);
	herd_hostlist_free(&run->hosts);
	memset(run, 0, sizeof *run);
}
