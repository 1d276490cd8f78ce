/*
 * A run's records taken in: H records as its hosts, R records as results,
 * checked, with the output of results with one digest kept once.
 * Collecting is O(1) per result.
 */
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "records.h"

const char *
status_name(enum herd_result_status st)
{
	return st < HERD_RESULT_NONE ? herd_status_name((enum herd_status)st) : NULL;
}

int
result_completed(const struct result *r)
{
	return r->status == HERD_RESULT_OK || r->status == HERD_RESULT_NONZERO;
}

/* The body with these bytes: the one of the same digest, or a new one. */
static const struct body *
add_body(struct run *run, const char *sha, const struct herd_buf *out,
    const struct herd_buf *err)
{
	struct body *b;
	size_t *slot;

	if ((slot = herd_map_get(&run->by_sha, sha, 64))) {
		b = run->bodies[*slot];
		if (b->outlen == out->len && b->errlen == err->len &&
		    (!out->len || !memcmp(b->out, out->p, out->len)) &&
		    (!err->len || !memcmp(b->err, err->p, err->len)))
			return b;
	}
	b = xcalloc(1, sizeof *b);
	memcpy(b->sha, sha, sizeof b->sha);
	b->out = xmalloc(out->len + 1);
	if (out->len)
		memcpy(b->out, out->p, out->len);
	b->out[out->len] = '\0';
	b->outlen = out->len;
	b->err = xmalloc(err->len + 1);
	if (err->len)
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
 * A result read by herd_result_read; BAD (or NULL) is why it was read as
 * failed, said with its error.  Returns 0, or -1 with *why (to free) when
 * it is left out: its host has a result already.
 */
int
run_add_result(struct run *run, const struct herd_result *res, const char *bad,
    char **why)
{
	struct result *r;
	char *safe;
	size_t *slot;

	if (herd_map_get(&run->by_host, res->host, strlen(res->host))) {
		safe = herd_safe(res->host);
		*why = xasprintf("a second result for host %s in one run; the first is kept",
		    safe);
		free(safe);
		return -1;
	}
	herd_grow(&run->results, &run->capresults, run->nresults, sizeof *run->results);
	r = &run->results[run->nresults];
	memset(r, 0, sizeof *r);
	r->host = xstrdup(res->host);
	slot = herd_map_put(&run->by_host, r->host, strlen(r->host), NULL);
	*slot = run->nresults++;
	r->status = (enum herd_result_status)res->status;
	r->has_exit = res->exit_code >= 0;
	r->exit_code = res->exit_code;
	r->duration_ms = res->duration_ms;
	memcpy(r->sha, res->sha256, sizeof r->sha);
	r->body = add_body(run, r->sha, &res->out, &res->err);
	r->error = res->error ? xstrdup(res->error) : NULL;
	r->hint = res->hint ? xstrdup(res->hint) : NULL;
	if (bad) {
		safe = r->error;
		r->error = safe ? xasprintf("%s: %s", bad, safe) : xstrdup(bad);
		free(safe);
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
