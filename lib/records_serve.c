/*
 * The records of a serving herd-run (herd-records(5)): Q, a request; P, a
 * host's own command in the next request; X, a cancel; S, a connection's
 * state.
 */
#include <stdlib.h>
#include <string.h>

#include "records.h"

static const char *const conn_names[HERD_NCONN] = {
	"connecting", "up", "down", "failed"
};

/* Q's flag letters, in the order written: bit i is flag_letters[i]. */
static const char flag_letters[] = "sSi";

const char *
herd_conn_name(enum herd_conn s)
{
	return s < HERD_NCONN ? conn_names[s] : "?";
}

int
herd_conn_parse(const char *s, enum herd_conn *out)
{
	int i;

	for (i = 0; i < HERD_NCONN; i++)
		if (!strcmp(s, conn_names[i])) {
			*out = (enum herd_conn)i;
			return 0;
		}
	return -1;
}

static char *
str(const struct herd_rec *r, size_t i)
{
	return xstrdup(herd_rec_str(r, i));
}

static int
parse_flags(const char *s, unsigned *flags)
{
	const char *p;

	for (*flags = 0; *s; s++) {
		if (!(p = strchr(flag_letters, *s)))
			return -1;
		*flags |= 1u << (p - flag_letters);
	}
	return 0;
}

/* A number field that is empty (-1) or not negative; -1 when it is neither. */
static int
optnum(const struct herd_rec *r, size_t i, long long *out)
{
	return herd_rec_num_or(r, i, -1, out) < 0 || (*herd_rec_str(r, i) && *out < 0) ?
	    -1 : 0;
}

/* Why Q cannot be run, or NULL. */
static const char *
check_request(const struct herd_rec *r, struct herd_request *q)
{
	if (!*herd_rec_str(r, 2))
		return "Q record without a command";
	if (optnum(r, 4, &q->timeout_ms) < 0)
		return "Q record with a bad timeout_ms (milliseconds, or empty)";
	if (parse_flags(herd_rec_str(r, 5), &q->flags) < 0)
		return "Q record with an unknown flag (the flags are s, S and i)";
	if (optnum(r, 8, &q->seq) < 0)
		return "Q record with a bad seq";
	if (r->nf > 10 && r->f[10].len && !(q->flags & HERD_REQ_STDIN))
		return "Q record with standard input but without the i flag";
	return NULL;
}

/* Q id kind command hosts timeout_ms flags selection series seq compare stdin */
int
herd_request_read(const struct herd_rec *r, struct herd_request *q, const char **err)
{
	memset(q, 0, sizeof *q);
	if ((*err = check_request(r, q))) {
		memset(q, 0, sizeof *q);
		return -1;
	}
	q->id = str(r, 0);
	q->kind = str(r, 1);
	q->command = str(r, 2);
	herd_strv_split(&q->hosts, herd_rec_str(r, 3), ',');
	q->selection = str(r, 6);
	q->series = str(r, 7);
	q->compare = str(r, 9);
	if (r->nf > 10)
		herd_buf_add(&q->stdin_data, r->f[10].p, r->f[10].len);
	return 0;
}

static void
text(struct herd_field *f, const char *s)
{
	f->p = (char *)(s ? s : "");
	f->len = strlen(f->p);
}

void
herd_request_write(FILE *out, const struct herd_request *q)
{
	struct herd_field f[11];
	char timeout[24] = "", seq[24] = "", flags[sizeof flag_letters] = "";
	char *hosts = herd_strv_join(&q->hosts, ",");
	size_t i, n, k = 0;

	for (i = 0; flag_letters[i]; i++)
		if (q->flags & 1u << i)
			flags[k++] = flag_letters[i];
	if (q->timeout_ms >= 0)
		snprintf(timeout, sizeof timeout, "%lld", q->timeout_ms);
	if (q->seq >= 0)
		snprintf(seq, sizeof seq, "%lld", q->seq);
	text(&f[0], q->id);
	text(&f[1], q->kind);
	text(&f[2], q->command);
	text(&f[3], hosts);
	text(&f[4], timeout);
	text(&f[5], flags);
	text(&f[6], q->selection);
	text(&f[7], q->series);
	text(&f[8], seq);
	text(&f[9], q->compare);
	f[10].p = q->stdin_data.p ? q->stdin_data.p : (char *)"";
	f[10].len = q->stdin_data.len;
	/* trailing empty fields left out: a missing field is an empty one */
	for (n = 11; n > 3 && !f[n - 1].len; n--)
		;
	herd_rec_start(out, 'Q');
	for (i = 0; i < n; i++)
		herd_rec_field(out, f[i].p, f[i].len);
	herd_rec_end(out);
	free(hosts);
}

void
herd_request_free(struct herd_request *q)
{
	free(q->id);
	free(q->kind);
	free(q->command);
	herd_strv_free(&q->hosts);
	free(q->selection);
	free(q->series);
	free(q->compare);
	herd_buf_free(&q->stdin_data);
	memset(q, 0, sizeof *q);
}

/* P run host command */
int
herd_host_command_read(const struct herd_rec *r, struct herd_host_command *p,
    const char **err)
{
	memset(p, 0, sizeof *p);
	if (!*herd_rec_str(r, 0) || !*herd_rec_str(r, 1) || !*herd_rec_str(r, 2)) {
		*err = "P record without a run id, a host or a command";
		return -1;
	}
	p->run = str(r, 0);
	p->host = str(r, 1);
	p->command = str(r, 2);
	return 0;
}

void
herd_host_command_write(FILE *out, const struct herd_host_command *p)
{
	herd_rec_start(out, 'P');
	herd_rec_fields(out, p->run);
	herd_rec_fields(out, p->host);
	herd_rec_fields(out, p->command);
	herd_rec_end(out);
}

void
herd_host_command_free(struct herd_host_command *p)
{
	free(p->run);
	free(p->host);
	free(p->command);
	memset(p, 0, sizeof *p);
}

/* X run */
int
herd_cancel_read(const struct herd_rec *r, struct herd_cancel *x, const char **err)
{
	memset(x, 0, sizeof *x);
	if (!*herd_rec_str(r, 0)) {
		*err = "X record without a run id";
		return -1;
	}
	x->run = str(r, 0);
	return 0;
}

void
herd_cancel_write(FILE *out, const struct herd_cancel *x)
{
	herd_rec_start(out, 'X');
	herd_rec_fields(out, x->run);
	herd_rec_end(out);
}

void
herd_cancel_free(struct herd_cancel *x)
{
	free(x->run);
	memset(x, 0, sizeof *x);
}

/* S host state time_ms reason */
int
herd_conn_state_read(const struct herd_rec *r, struct herd_conn_state *s,
    const char **err)
{
	memset(s, 0, sizeof *s);
	*err = NULL;
	if (!*herd_rec_str(r, 0))
		*err = "S record without a host name";
	else if (herd_conn_parse(herd_rec_str(r, 1), &s->state) < 0)
		*err = "S record with an unknown state (connecting, up, down or failed)";
	else if (optnum(r, 2, &s->time_ms) < 0)
		*err = "S record with a bad time_ms";
	if (*err)
		return -1;
	s->host = str(r, 0);
	s->reason = *herd_rec_str(r, 3) ? str(r, 3) : NULL;
	return 0;
}

void
herd_conn_state_write(FILE *out, const struct herd_conn_state *s)
{
	herd_rec_start(out, 'S');
	herd_rec_fields(out, s->host);
	herd_rec_fields(out, herd_conn_name(s->state));
	herd_rec_fieldopt(out, s->time_ms);
	if (s->reason && *s->reason)
		herd_rec_fields(out, s->reason);
	herd_rec_end(out);
}

void
herd_conn_state_free(struct herd_conn_state *s)
{
	free(s->host);
	free(s->reason);
	memset(s, 0, sizeof *s);
}
