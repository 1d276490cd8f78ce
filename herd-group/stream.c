/*
 * --stream: the L records of herd-run --stream shown as they arrive, as
 * "host: line", pdsh-style.  Only whole lines are printed, so that two
 * hosts' bytes never share a line; a partial line waits for the rest, or
 * for its host's result.  Standard error output goes to standard error.
 */
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "records.h"

struct pending {
	char *key;		/* run NUL host NUL stream */
	size_t keylen;
	char *run, *host;
	char stream;
	struct herd_buf buf;
};

static struct pending *pend;
static size_t npend, cappend;
static struct herd_map by_key;

/* A stable colour of the host's name, from its hash (also --tail's). */
const char *
host_color(const char *host)
{
	static const char *const colors[] = {
		"\033[32m", "\033[33m", "\033[34m", "\033[35m", "\033[36m",
		"\033[92m", "\033[93m", "\033[94m", "\033[95m", "\033[96m",
	};

	return colors[herd_hash_bytes(host, strlen(host)) % (sizeof colors / sizeof *colors)];
}

static void
put_line(const struct render_opts *ro, struct pending *p, const char *s, size_t n)
{
	struct herd_buf b = { 0 };
	FILE *f = p->stream == 'e' ? stderr : stdout;

	if (ro->color)
		herd_buf_adds(&b, host_color(p->host));
	herd_sanitize(&b, p->host, strlen(p->host));
	herd_buf_adds(&b, ro->color ? ":\033[0m " : ": ");
	herd_sanitize(&b, s, n);
	herd_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.len, f);
	herd_buf_free(&b);
}

static struct pending *
pending_for(const struct herd_chunk *c)
{
	struct herd_buf k = { 0 };
	struct pending *p;
	size_t *slot;
	int added;

	herd_buf_adds(&k, c->run);
	herd_buf_addc(&k, '\0');
	herd_buf_adds(&k, c->host);
	herd_buf_addc(&k, '\0');
	herd_buf_addc(&k, c->stream);
	if ((slot = herd_map_get(&by_key, k.p, k.len))) {
		herd_buf_free(&k);
		return &pend[*slot];
	}
	herd_grow(&pend, &cappend, npend, sizeof *pend);
	p = &pend[npend];
	memset(p, 0, sizeof *p);
	p->keylen = k.len;
	p->key = herd_buf_steal(&k);
	p->run = xstrdup(c->run);
	p->host = xstrdup(c->host);
	p->stream = c->stream;
	slot = herd_map_put(&by_key, p->key, p->keylen, &added);
	*slot = npend++;
	return p;
}

/* An L record: its whole lines printed, the rest kept. */
void
stream_chunk(const struct render_opts *ro, const struct herd_chunk *c)
{
	struct pending *p;
	const char *s, *nl, *end;

	p = pending_for(c);
	herd_buf_add(&p->buf, c->data, c->len);
	s = p->buf.p;
	end = s + p->buf.len;
	while ((nl = memchr(s, '\n', (size_t)(end - s)))) {
		put_line(ro, p, s, (size_t)(nl - s));
		s = nl + 1;
	}
	memmove(p->buf.p, s, (size_t)(end - s));
	p->buf.len = (size_t)(end - s);
	fflush(stdout);
	fflush(stderr);
}

/* The partial lines of a host (or of every host, HOST NULL) of a run, finished. */
void
stream_done(const struct render_opts *ro, const char *run, const char *host)
{
	size_t i;

	for (i = 0; i < npend; i++) {
		if ((run && strcmp(pend[i].run, run)) || (host && strcmp(pend[i].host, host)))
			continue;
		if (pend[i].buf.len)
			put_line(ro, &pend[i], pend[i].buf.p, pend[i].buf.len);
		pend[i].buf.len = 0;
	}
	fflush(stdout);
	fflush(stderr);
}

void
stream_free(void)
{
	size_t i;

	for (i = 0; i < npend; i++) {
		free(pend[i].key);
		free(pend[i].run);
		free(pend[i].host);
		herd_buf_free(&pend[i].buf);
	}
	free(pend);
	herd_map_free(&by_key);
	pend = NULL;
	npend = cappend = 0;
}
