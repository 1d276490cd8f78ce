/* The record types of herd-records(5) other than H: read and written in one place. */
#include <stdlib.h>
#include <string.h>

#include "records.h"

static const char *const status_names[HERD_NSTATUS] = {
	"ok", "nonzero", "failed", "timeout"
};

const char *
herd_status_name(enum herd_status s)
{
	return s < HERD_NSTATUS ? status_names[s] : "?";
}

int
herd_status_parse(const char *s, enum herd_status *out)
{
	int i;

	for (i = 0; i < HERD_NSTATUS; i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum herd_status)i;
			return 0;
		}
	return -1;
}

char *
herd_run_id_new(long long started_ms)
{
	unsigned char r[8];

	arc4random_buf(r, sizeof r);
	return xasprintf("%lld-%02x%02x%02x%02x%02x%02x%02x%02x", started_ms,
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
}

int
herd_rec_check_header(const struct herd_rec *r, const char **err)
{
	static const char magic[] = "#herd-records ";
	long long major;
	char *end;

	if (r->rawlen < sizeof magic - 1 || memcmp(r->raw, magic, sizeof magic - 1))
		return 0;	/* a comment */
	major = strtoll(r->raw + sizeof magic - 1, &end, 10);
	if (end == r->raw + sizeof magic - 1 || (*end && *end != '.')) {
		*err = "bad #herd-records header";
		return -1;
	}
	if (major > HERD_RECORDS_VERSION) {
		*err = "records of a newer format version than this program reads; "
		    "upgrade herd";
		return -1;
	}
	return 0;
}

static char *
str(const struct herd_rec *r, size_t i)
{
	return xstrdup(herd_rec_str(r, i));
}

static void
field_or_empty(FILE *out, const char *s)
{
	herd_rec_fields(out, s ? s : "");
}

int
herd_run_read(const struct herd_rec *r, struct herd_run *run, const char **err)
{
	memset(run, 0, sizeof *run);
	if (!*herd_rec_str(r, 0)) {
		*err = "C record without a run id";
		return -1;
	}
	if (herd_rec_num_or(r, 1, -1, &run->started_ms) < 0 ||
	    herd_rec_num_or(r, 6, -1, &run->seq) < 0) {
		*err = "C record with a bad number";
		return -1;
	}
	run->id = str(r, 0);
	run->command = str(r, 2);
	run->selection = str(r, 3);
	run->kind = str(r, 4);
	run->series = str(r, 5);
	run->compare = str(r, 7);
	return 0;
}

void
herd_run_write(FILE *out, const struct herd_run *run)
{
	herd_rec_start(out, 'C');
	herd_rec_fields(out, run->id);
	herd_rec_fieldnum(out, run->started_ms);
	field_or_empty(out, run->command);
	field_or_empty(out, run->selection);
	/* trailing empty fields left out: a missing field is an empty one */
	if ((run->kind && *run->kind) || (run->series && *run->series) || run->seq >= 0 ||
	    (run->compare && *run->compare)) {
		field_or_empty(out, run->kind);
		field_or_empty(out, run->series);
		herd_rec_fieldopt(out, run->seq);
		field_or_empty(out, run->compare);
	}
	herd_rec_end(out);
}

void
herd_run_free(struct herd_run *run)
{
	free(run->id);
	free(run->command);
	free(run->selection);
	free(run->kind);
	free(run->series);
	free(run->compare);
	memset(run, 0, sizeof *run);
}

static unsigned
parse_flags(const char *s)
{
	unsigned f = 0;
	size_t n;

	for (; *s; s += n + (s[n] == ',')) {
		n = strcspn(s, ",");
		if (n == 9 && !strncmp(s, "truncated", n))
			f |= HERD_RESULT_TRUNCATED;
		else if (n == 8 && !strncmp(s, "streamed", n))
			f |= HERD_RESULT_STREAMED;
	}
	return f;
}

/* R's status and exit fields together, or why not (to free). */
static char *
check_status(const struct herd_rec *r, struct herd_result *res)
{
	const char *st = herd_rec_str(r, 2), *ex = herd_rec_str(r, 3);
	int has_exit = herd_rec_num(r, 3, &res->exit_code) == 0;
	char *safe, *why = NULL;

	if (!has_exit)
		res->exit_code = -1;
	if (herd_status_parse(st, &res->status) < 0) {
		safe = herd_safe(st);
		why = *st ? xasprintf("unknown status \"%s\"", safe) : xstrdup("no status");
		free(safe);
	} else if (*ex && !has_exit) {
		safe = herd_safe(ex);
		why = xasprintf("exit status \"%s\" is not a number", safe);
		free(safe);
	} else if (res->status == HERD_OK && has_exit && res->exit_code != 0) {
		why = xasprintf("status ok with exit status %lld", res->exit_code);
	} else if (res->status == HERD_NONZERO && (!has_exit || !res->exit_code)) {
		why = xstrdup("status nonzero without a non-zero exit status");
	} else if (res->status == HERD_OK) {
		res->exit_code = 0;
	} else if (res->status != HERD_NONZERO) {
		res->exit_code = -1;	/* failed, timeout: none */
	}
	if (why) {
		res->status = HERD_FAILED;
		res->exit_code = -1;
	}
	return why;
}

static int
valid_sha(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/*
 * Returns 0; 1 with *why (to free) for a result whose status and exit do
 * not go together, read as failed (a reader shows why); -1 with *why for
 * a record without a run id or a host.  A bad sha256 is computed again.
 */
int
herd_result_read(const struct herd_rec *r, struct herd_result *res, char **why)
{
	const char *sha = herd_rec_str(r, 5);
	size_t outlen = r->nf > 6 ? r->f[6].len : 0, errlen = r->nf > 7 ? r->f[7].len : 0;

	memset(res, 0, sizeof *res);
	*why = NULL;
	if (!*herd_rec_str(r, 0) || !*herd_rec_str(r, 1)) {
		*why = xstrdup(*herd_rec_str(r, 1) ? "R record without a run id" :
		    "R record without a host name");
		return -1;
	}
	if (herd_rec_num_or(r, 4, 0, &res->duration_ms) < 0 || res->duration_ms < 0)
		res->duration_ms = 0;
	if (herd_rec_num_or(r, 10, -1, &res->finished_ms) < 0)
		res->finished_ms = -1;
	*why = check_status(r, res);
	if (valid_sha(sha))
		memcpy(res->sha256, sha, 65);
	else
		herd_result_hash(herd_rec_str(r, 2), *why ? -1 : res->exit_code,
		    herd_rec_str(r, 6), outlen, herd_rec_str(r, 7), errlen, res->sha256);
	res->run = str(r, 0);
	res->host = str(r, 1);
	herd_buf_add(&res->out, herd_rec_str(r, 6), outlen);
	herd_buf_add(&res->err, herd_rec_str(r, 7), errlen);
	res->error = *herd_rec_str(r, 8) ? str(r, 8) : NULL;
	res->hint = *herd_rec_str(r, 9) ? str(r, 9) : NULL;
	res->flags = parse_flags(herd_rec_str(r, 11));
	return *why ? 1 : 0;
}

void
herd_result_write(FILE *out, const struct herd_result *res)
{
	herd_rec_start(out, 'R');
	herd_rec_fields(out, res->run);
	herd_rec_fields(out, res->host);
	herd_rec_fields(out, herd_status_name(res->status));
	herd_rec_fieldopt(out, res->exit_code);
	herd_rec_fieldnum(out, res->duration_ms);
	herd_rec_fields(out, res->sha256);
	herd_rec_field(out, res->out.p ? res->out.p : "", res->out.len);
	herd_rec_field(out, res->err.p ? res->err.p : "", res->err.len);
	field_or_empty(out, res->error);
	field_or_empty(out, res->hint);
	herd_rec_fieldopt(out, res->finished_ms);
	herd_rec_fields(out, (res->flags & (HERD_RESULT_TRUNCATED | HERD_RESULT_STREAMED)) ==
	    (HERD_RESULT_TRUNCATED | HERD_RESULT_STREAMED) ? "truncated,streamed" :
	    res->flags & HERD_RESULT_TRUNCATED ? "truncated" :
	    res->flags & HERD_RESULT_STREAMED ? "streamed" : "");
	herd_rec_end(out);
}

void
herd_result_free(struct herd_result *res)
{
	free(res->run);
	free(res->host);
	herd_buf_free(&res->out);
	herd_buf_free(&res->err);
	free(res->error);
	free(res->hint);
	memset(res, 0, sizeof *res);
}

int
herd_chunk_read(const struct herd_rec *r, struct herd_chunk *c, const char **err)
{
	const char *stream = herd_rec_str(r, 2);

	memset(c, 0, sizeof *c);
	if (!*herd_rec_str(r, 0) || !*herd_rec_str(r, 1) ||
	    (strcmp(stream, "o") && strcmp(stream, "e")) ||
	    herd_rec_num_or(r, 3, -1, &c->time_ms) < 0) {
		*err = "bad L record";
		return -1;
	}
	c->run = str(r, 0);
	c->host = str(r, 1);
	c->stream = stream[0];
	c->data = herd_rec_str(r, 4);
	c->len = r->nf > 4 ? r->f[4].len : 0;
	return 0;
}

void
herd_chunk_write(FILE *out, const char *run, const char *host, char stream,
    long long time_ms, const void *data, size_t len)
{
	char s[2] = { stream, '\0' };

	herd_rec_start(out, 'L');
	herd_rec_fields(out, run);
	herd_rec_fields(out, host);
	herd_rec_fields(out, s);
	herd_rec_fieldnum(out, time_ms);
	herd_rec_field(out, data, len);
	herd_rec_end(out);
}

int
herd_end_read(const struct herd_rec *r, struct herd_end *e, const char **err)
{
	int i;

	memset(e, 0, sizeof *e);
	if (!*herd_rec_str(r, 0) || herd_rec_num_or(r, 1, -1, &e->finished_ms) < 0) {
		*err = "bad E record";
		return -1;
	}
	for (i = 0; i < HERD_NSTATUS; i++)
		if (herd_rec_num_or(r, 2 + (size_t)i, 0, &e->count[i]) < 0 || e->count[i] < 0) {
			*err = "E record with a bad count";
			return -1;
		}
	e->run = str(r, 0);
	return 0;
}

void
herd_end_write(FILE *out, const struct herd_end *e)
{
	int i;

	herd_rec_start(out, 'E');
	herd_rec_fields(out, e->run);
	herd_rec_fieldnum(out, e->finished_ms);
	for (i = 0; i < HERD_NSTATUS; i++)
		herd_rec_fieldnum(out, e->count[i]);
	herd_rec_end(out);
}

void
herd_end_free(struct herd_end *e)
{
	free(e->run);
	memset(e, 0, sizeof *e);
}
