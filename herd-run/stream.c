/*
 * --stream: a host's output written as L records while it arrives, one
 * chunk per line; a partial line goes out after PARTIAL_MS without more,
 * or at PARTIAL_MAX bytes.  The chunks are taken from the kept output, so
 * that joined they are the bytes the R record hashes: what is left (a
 * partial line, a truncation note) goes out just before the R.
 */
#include <string.h>

#include "records.h"
#include "run.h"

#define PARTIAL_MS 100
#define PARTIAL_MAX (64 << 10)

static void
send_chunk(struct task *j, struct stream *s, size_t len)
{
	struct herd_chunk c = {
		.run = j->run->c.id, .host = j->conn->host.name,
		.stream = s == &j->err ? 'e' : 'o', .time_ms = herd_now_ms(),
		.data = s->buf.p + s->sent, .len = len,
	};
	FILE *f = j->run->client->out.f;

	if (j->opts->json)
		herd_json_print(f, herd_chunk_json(&c));
	else
		herd_chunk_write(f, c.run, c.host, c.stream, c.time_ms, c.data, c.len);
	s->sent += len;
}

/* The whole lines kept and not yet sent, each its chunk; then a long partial one. */
static void
send_lines(struct task *j, struct stream *s, long long now)
{
	const char *p, *nl;
	size_t left;

	for (;;) {
		p = s->buf.p + s->sent;
		left = s->buf.len - s->sent;
		if (!left)
			break;
		nl = memchr(p, '\n', left < PARTIAL_MAX ? left : PARTIAL_MAX);
		if (nl)
			send_chunk(j, s, (size_t)(nl - p) + 1);
		else if (left >= PARTIAL_MAX)
			send_chunk(j, s, PARTIAL_MAX);
		else
			break;
	}
	if (s->sent < s->buf.len && !s->partial_since)
		s->partial_since = now;
	else if (s->sent == s->buf.len)
		s->partial_since = 0;
}

void
stream_output(struct task *j, long long now)
{
	send_lines(j, &j->out, now);
	send_lines(j, &j->err, now);
	if (j->run->follow) {
		follow_forget(j, &j->out);
		follow_forget(j, &j->err);
	}
}

/* When a partial line is due, or 0. */
long long
stream_due(const struct task *j)
{
	long long a = j->out.partial_since, b = j->err.partial_since;

	if (a && (!b || a < b))
		return a + PARTIAL_MS;
	return b ? b + PARTIAL_MS : 0;
}

/* Partial lines that waited long enough; everything with ALL (before the R). */
void
stream_flush(struct task *j, long long now, int all)
{
	struct stream *s[2] = { &j->out, &j->err };
	int i;

	stream_output(j, now);
	for (i = 0; i < 2; i++)
		if (s[i]->sent < s[i]->buf.len &&
		    (all || now >= s[i]->partial_since + PARTIAL_MS)) {
			send_chunk(j, s[i], s[i]->buf.len - s[i]->sent);
			s[i]->partial_since = 0;
			if (j->run->follow)
				follow_forget(j, s[i]);
		}
}
