/*
 * The view of a push or pull run (its C record's kind): a line per host,
 *   web-01  4096 bytes  sha256 a1b2c3d4e5f6  12ms
 * (unchanged, missing or failed with the reason), then
 *   3 succeeded, 1 unchanged, 0 failed
 * A host's remote script ends its stdout with "pushed SIZE SHA256",
 * "unchanged SIZE SHA256" or "pulled SIZE SHA256"; what it says on stderr
 * is the reason of a failure.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "group.h"

enum outcome { T_DONE, T_UNCHANGED, T_MISSING, T_FAILED };

struct line {
	enum outcome outcome;
	unsigned long long size;
	char sha[65];
	struct herd_buf why;	/* T_MISSING, T_FAILED */
};

int
transfer_kind(const char *kind)
{
	return kind && (!strcmp(kind, "push") || !strcmp(kind, "pull"));
}

/* The last line of P[0..N) that is not empty: *LEN bytes at the result. */
static const char *
last_line(const char *p, size_t n, size_t *len)
{
	const char *start;

	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	start = p + n;
	while (start > p && start[-1] != '\n')
		start--;
	*len = (size_t)(p + n - start);
	return start;
}

/* "WORD SIZE SHA256" (push), "SIZE SHA256" (herd-run --output-dir) */
static int
parse_done(const char *p, size_t n, struct line *l)
{
	char buf[160], word[16] = "pulled";
	unsigned long long size;
	char sha[65];

	if (n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (sscanf(buf, "%llu %64[0-9a-f]", &size, sha) != 2 &&
	    sscanf(buf, "%15s %llu %64[0-9a-f]", word, &size, sha) != 3)
		return -1;
	if (strlen(sha) != 64)
		return -1;
	if (!strcmp(word, "unchanged"))
		l->outcome = T_UNCHANGED;
	else if (!strcmp(word, "pushed") || !strcmp(word, "pulled"))
		l->outcome = T_DONE;
	else
		return -1;
	l->size = size;
	memcpy(l->sha, sha, sizeof sha);
	return 0;
}

/* A pull: the SHA-256 the host sent after the file is the copy's. */
static void
check_sent(const struct result *r, struct line *l)
{
	const char *p = r->body->err, *end = p + r->body->errlen;
	const char *key = "herd-sha256 ";
	size_t k = strlen(key);

	for (; p < end; p++) {
		if ((p == r->body->err || p[-1] == '\n') && (size_t)(end - p) >= k + 64 &&
		    !memcmp(p, key, k)) {
			if (memcmp(p + k, l->sha, 64)) {
				l->outcome = T_FAILED;
				herd_buf_addf(&l->why, "the copy (sha256 %.12s) differs from "
				    "the file the host read (sha256 %.12s): changed while read?",
				    l->sha, p + k);
			}
			return;
		}
	}
	l->outcome = T_FAILED;
	herd_buf_adds(&l->why, "the host sent no SHA-256 of the file");
}

static void
classify(const struct run *run, const struct row *row, struct line *l)
{
	const struct result *r = row->r;
	const char *why = run_missing_reason(run), *p;
	size_t n;

	memset(l, 0, sizeof *l);
	l->outcome = T_FAILED;
	if (!r) {
		herd_buf_adds(&l->why, why ? why : "no result");
		return;
	}
	if (r->status == HERD_RESULT_OK) {
		p = last_line(r->body->out, r->body->outlen, &n);
		if (parse_done(p, n, l) < 0) {
			herd_buf_adds(&l->why, "the remote script said nothing of the copy");
			return;
		}
		if (!strcmp(run->kind, "pull"))
			check_sent(r, l);
		return;
	}
	if (r->error) {
		safe_line(&l->why, r->error, strlen(r->error));
		return;
	}
	p = last_line(r->body->err, r->body->errlen, &n);
	if (n > 6 && !memcmp(p, "herd: ", 6)) {
		p += 6;
		n -= 6;
	}
	if (n > 9 && !memcmp(p, "missing: ", 9)) {
		l->outcome = T_MISSING;
		p += 9;
		n -= 9;
	}
	if (n)
		safe_line(&l->why, p, n);
	else
		herd_buf_addf(&l->why, "exited %lld", r->exit_code);
}

static void
line_json(FILE *f, const struct row *row, const struct line *l)
{
	static const char *const names[] = { "done", "unchanged", "missing", "failed" };
	json_t *o = json_object();

	json_object_set_new(o, "host", herd_json_bytes(row->host, strlen(row->host)));
	json_object_set_new(o, "status", json_string(names[l->outcome]));
	if (l->outcome <= T_UNCHANGED) {
		json_object_set_new(o, "bytes", json_integer((json_int_t)l->size));
		json_object_set_new(o, "sha256", json_string(l->sha));
	}
	json_object_set_new(o, "ms", row->r ? json_integer(row->r->duration_ms) : json_null());
	json_object_set_new(o, "error", l->why.len ?
	    herd_json_bytes(l->why.p, l->why.len) : json_null());
	herd_json_print(f, o);
}

static void
line_text(struct out *out, const struct row *row, const struct line *l, int width)
{
	struct herd_buf name = { 0 };
	FILE *f = out->f;

	safe_line(&name, row->host, strlen(row->host));
	fprintf(f, "  %-*s  ", width, name.p);
	switch (l->outcome) {
	case T_DONE:
		fprintf(f, "%llu bytes  sha256 %.12s  %lldms\n", l->size, l->sha,
		    row->r->duration_ms);
		break;
	case T_UNCHANGED:
		fprintf(f, "%sunchanged%s  sha256 %.12s  %lldms\n", color(out, DIM),
		    color(out, RESET), l->sha, row->r->duration_ms);
		break;
	case T_MISSING:
		fprintf(f, "%smissing%s: %s\n", color(out, YELLOW), color(out, RESET),
		    l->why.p);
		break;
	case T_FAILED:
		fprintf(f, "%sfailed%s: %s\n", color(out, RED), color(out, RESET), l->why.p);
		break;
	}
	herd_buf_free(&name);
}

/*
 * --by-content: the hosts whose copies are identical on one line, folded
 * (web-[01-03]), each content once; then the others host by host.
 */
static void
render_groups(struct out *out, const struct row *rows, const struct line *l, size_t n)
{
	struct herd_map by_sha = { 0 };
	struct herd_strv names = { 0 };
	struct herd_buf shown = { 0 };
	size_t i, j, *first = xcalloc(n + 1, sizeof *first), ngroups = 0, members;
	int added;
	char *list;

	for (i = 0; i < n; i++)
		if (l[i].outcome == T_DONE) {
			*herd_map_put(&by_sha, l[i].sha, 64, &added) = i;
			if (added)
				first[ngroups++] = i;
		}
	for (j = 0; j < ngroups; j++) {
		herd_strv_free(&names);
		for (i = first[j]; i < n; i++)
			if (l[i].outcome == T_DONE && !memcmp(l[i].sha, l[first[j]].sha, 64))
				herd_strv_add(&names, rows[i].host);
		members = names.n;
		list = herd_fold(names.v, names.n, out->o->fold);
		herd_buf_reset(&shown);
		safe_line(&shown, list, strlen(list));
		fprintf(out->f, "  %s  %llu bytes  sha256 %.12s  (%zu host%s)\n", shown.p,
		    l[first[j]].size, l[first[j]].sha, members, members == 1 ? "" : "s");
		free(list);
	}
	for (i = 0; i < n; i++)
		if (l[i].outcome != T_DONE)
			line_text(out, &rows[i], &l[i], 0);
	if (ngroups)
		fprintf(out->f, "%zu different content%s; ", ngroups, ngroups == 1 ? "" : "s");
	herd_strv_free(&names);
	herd_buf_free(&shown);
	herd_map_free(&by_sha);
	free(first);
}

static void
summary(FILE *f, const struct run *run, const size_t *count, int json)
{
	json_t *sum;

	if (json) {
		sum = json_object();
		json_object_set_new(sum, "succeeded", json_integer((json_int_t)count[T_DONE]));
		json_object_set_new(sum, "unchanged",
		    json_integer((json_int_t)count[T_UNCHANGED]));
		json_object_set_new(sum, "missing", json_integer((json_int_t)count[T_MISSING]));
		json_object_set_new(sum, "failed", json_integer((json_int_t)count[T_FAILED]));
		herd_json_print(f, sum);
		return;
	}
	fprintf(f, "%zu succeeded, %zu unchanged, ", count[T_DONE], count[T_UNCHANGED]);
	if (count[T_MISSING])
		fprintf(f, "%zu missing, ", count[T_MISSING]);
	fprintf(f, "%zu failed%s\n", count[T_FAILED],
	    run_cut_short(run) ? "; the run was cut short" : "");
}

/* 1 when some host has no copy (failed, missing, no result), else 0. */
int
render_transfer(FILE *f, const struct run *run, const struct render_opts *o,
    int by_content)
{
	struct out out = { f, o };
	size_t i, n, width = 0, count[4] = { 0 };
	struct row *rows = run_rows(run, &n);
	struct line *l = xcalloc(n + 1, sizeof *l);
	struct herd_buf name = { 0 };

	for (i = 0; i < n; i++) {
		herd_buf_reset(&name);
		safe_line(&name, rows[i].host, strlen(rows[i].host));
		if (name.len > width)
			width = name.len;
		classify(run, &rows[i], &l[i]);
		count[l[i].outcome]++;
	}
	herd_buf_free(&name);
	if (by_content && !o->json)
		render_groups(&out, rows, l, n);
	else
		for (i = 0; i < n; i++)
			if (o->json)
				line_json(f, &rows[i], &l[i]);
			else
				line_text(&out, &rows[i], &l[i], (int)width);
	summary(f, run, count, o->json);
	for (i = 0; i < n; i++)
		herd_buf_free(&l[i].why);
	free(l);
	free(rows);
	return count[T_MISSING] || count[T_FAILED];
}
