/*
 * The records a run writes to its client: C when it begins, R per host
 * (L chunks before, when streamed), E when it ends; S for a connection's
 * state.  With --json, the same as JSON objects (herd-records(5)).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "run.h"

/* A pty's output: its CR LF line ends as LF. */
static void
crlf_to_lf(struct herd_buf *b)
{
	size_t i, o = 0;

	for (i = 0; i < b->len; i++)
		if (b->p[i] != '\r' || i + 1 == b->len || b->p[i + 1] != '\n')
			b->p[o++] = b->p[i];
	b->len = o;
	if (b->p)
		b->p[o] = '\0';
}

static void
add_marker(struct stream *s)
{
	if (s->dropped && s->over_total)
		herd_buf_addf(&s->buf, "\n[herd: output truncated: %zu bytes dropped, "
		    "beyond --max-total-output for all hosts at once]\n", s->dropped);
	else if (s->dropped)
		herd_buf_addf(&s->buf, "\n[herd: output truncated: %zu bytes beyond "
		    "--max-output dropped]\n", s->dropped);
}

static FILE *
out_of(const struct run *r)
{
	return r->client->out.f;
}

void
emit_begin(struct run *r, const struct options *o)
{
	if (o->json)
		herd_json_print(out_of(r), herd_run_json(&r->c));
	else
		herd_run_write(out_of(r), &r->c);
}

static void
write_result(struct task *t, const struct options *o, long long now)
{
	enum herd_status st = (enum herd_status)t->res.status;
	/* herd-records(5): no exit status for failed and timeout, even signalled. */
	int has_exit = t->got_exit && (st == HERD_OK || st == HERD_NONZERO);
	struct herd_result res = {
		.run = t->run->c.id, .host = t->conn->host.name, .status = st,
		.exit_code = has_exit ? t->exit_code : -1, .duration_ms = now - t->started,
		.error = t->res.error, .hint = (char *)t->res.hint,
		.finished_ms = herd_now_ms(),
	};

	if (o->ask_become_pass) {
		sudo_settle(t, o);
		crlf_to_lf(&t->out.buf);
	}
	add_marker(&t->out);
	add_marker(&t->err);
	if (t->run->stream)
		stream_flush(t, now, 1);
	if (t->out.dropped || t->err.dropped)
		res.flags |= HERD_RESULT_TRUNCATED;
	if (t->run->stream)
		res.flags |= HERD_RESULT_STREAMED;
	if (t->run->follow)
		res.flags |= HERD_RESULT_TRUNCATED;	/* none of it kept */
	res.out = t->out.buf;
	res.err = t->err.buf;
	herd_result_hash(herd_status_name(st), res.exit_code, res.out.p, res.out.len,
	    res.err.p, res.err.len, res.sha256);
	if (o->json)
		herd_json_print(out_of(t->run), herd_result_json(&res));
	else
		herd_result_write(out_of(t->run), &res);
	if (o->every)
		every_result(o->every, &res);
	if (o->follow)
		follow_result(o->follow, t, &res);
}

void
emit_result(struct task *t, const struct options *o, long long now)
{
	if (o->output_dir)
		fileout_finish(t);	/* its status may change */
	write_result(t, o, now);
}

void
emit_end(struct run *r, const struct options *o)
{
	struct herd_end e = { .run = r->c.id, .finished_ms = herd_now_ms() };

	memcpy(e.count, r->count, sizeof e.count);
	if (o->json)
		herd_json_print(out_of(r), herd_end_json(&e));
	else
		herd_end_write(out_of(r), &e);
	if (o->every)
		every_end(o->every, r, herd_mono_ms());
}

/* A kept connection's state, to a client that named its host. */
void
emit_state(struct client *cl, const struct conn *c, enum herd_conn state)
{
	struct herd_conn_state s = {
		.host = c->host.name, .state = state, .time_ms = herd_now_ms(),
		.reason = state == HERD_CONN_DOWN || state == HERD_CONN_FAILED ?
		    c->fail.error : NULL,
	};

	herd_conn_state_write(cl->out.f, &s);
}
