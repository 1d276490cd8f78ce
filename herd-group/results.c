/*
 * A run's records taken in: H records as its hosts, R records as results,
 * checked, with the output of results with one digest kept once.
 * Collecting is O(1) per result.
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
