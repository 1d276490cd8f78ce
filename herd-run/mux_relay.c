/*
 * The records of the run handed to a mux, on to stdout: C, L, R and E as
 * they come (or as JSON objects), S and other runs' records left out; a
 * result for every host even when the mux goes away.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "mux_client.h"

void
relay_init(struct mux_client *c)
{
	const struct mux_request *rq = c->req;
	size_t i, *slot;
	int added;

	c->got = xcalloc(rq->nhosts ? rq->nhosts : 1, 1);
	for (i = 0; i < rq->nhosts; i++) {
		slot = herd_map_put(&c->names, rq->hosts[i].name,
		    strlen(rq->hosts[i].name), &added);
		*slot = i;
	}
}

void
relay_free(struct mux_client *c)
{
	herd_map_free(&c->names);
	herd_rec_free(&c->rec);
	herd_lines_free(&c->in);
	free(c->got);
}

/* "# herd-run: line N: MESSAGE": the mux could not take line N of ours. */
static void
mux_said(struct mux_client *c, const char *raw)
{
	size_t line;
	int at = 0;
	char *safe;

	if (sscanf(raw, "# herd-run: line %zu: %n", &line, &at) != 1 || !at)
		return;
	safe = herd_safe(raw + at);
	warnx("the mux: %s", safe);
	free(safe);
	if (line == c->qline)
		c->refused = c->host_refused ? HERD_EXIT_USAGE : HERD_EXIT_RUNTIME;
	else if (line > 1 && line < c->qline)
		c->host_refused = 1;
}

static void
result_json(struct mux_client *c)
{
	struct herd_result res;
	char *why;

	if (herd_result_read(&c->rec, &res, &why) >= 0)
		herd_json_print(stdout, herd_result_json(&res));
	herd_result_free(&res);
	free(why);
}

/* A record of our run, to stdout as it is or as JSON. */
static void
relay(struct mux_client *c)
{
	const struct herd_rec *r = &c->rec;
	struct herd_run run;
	struct herd_chunk ch;
	struct herd_end e;
	const char *why;

	if (!c->req->json) {
		herd_rec_passthrough(stdout, r);
		return;
	}
	switch (r->type) {
	case 'C':
		if (herd_run_read(r, &run, &why) == 0)
			herd_json_print(stdout, herd_run_json(&run));
		herd_run_free(&run);
		break;
	case 'L':
		if (herd_chunk_read(r, &ch, &why) == 0) {
			herd_json_print(stdout, herd_chunk_json(&ch));
			free(ch.run);
			free(ch.host);
		}
		break;
	case 'R':
		result_json(c);
		break;
	case 'E':
		if (herd_end_read(r, &e, &why) == 0)
			herd_json_print(stdout, herd_end_json(&e));
		herd_end_free(&e);
		break;
	}
}

/* A host's result: counted, and known to have come. */
static void
result_came(struct mux_client *c)
{
	const char *host = herd_rec_str(&c->rec, 1);
	enum herd_status st;
	size_t *slot = herd_map_get(&c->names, host, strlen(host));

	if (herd_status_parse(herd_rec_str(&c->rec, 2), &st) < 0)
		st = HERD_FAILED;
	c->count[st]++;
	if (slot)
		c->got[*slot] = 1;
}

void
relay_line(struct mux_client *c, const char *line, size_t len)
{
	struct herd_rec *r = &c->rec;
	const char *why;

	if (!herd_rec_parse(r, line, len))
		return;
	if (r->type == '#') {
		if (herd_rec_check_header(r, &why) < 0) {
			warnx("the mux: %s", why);
			c->refused = HERD_EXIT_RUNTIME;
		} else {
			mux_said(c, r->raw);
		}
		return;
	}
	if (!strchr("CLRE", r->type) || strcmp(herd_rec_str(r, 0), c->run))
		return;		/* S records, and what is not ours */
	if (r->type == 'C')
		c->began = 1;
	else if (r->type == 'R')
		result_came(c);
	else if (r->type == 'E')
		c->ended = 1;
	relay(c);
}

/* As one-shot herd-run does: a reader gone is SIGPIPE's status, else 3. */
void
relay_flush(struct mux_client *c)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	if (errno == EPIPE)
		_exit(128 + SIGPIPE);
	warn("writing the output");
	_exit(HERD_EXIT_RUNTIME);
}

static void
write_begin(struct mux_client *c)
{
	const struct mux_request *rq = c->req;
	struct herd_run run = {
		.id = c->run, .started_ms = c->started_ms, .command = (char *)rq->command,
		.selection = (char *)rq->selection, .kind = (char *)rq->kind,
		.series = (char *)rq->series, .seq = rq->seq, .compare = (char *)rq->compare,
	};

	if (rq->json)
		herd_json_print(stdout, herd_run_json(&run));
	else
		herd_run_write(stdout, &run);
}

static void
write_failed(struct mux_client *c, const char *host, const char *why)
{
	struct herd_result res = {
		.run = c->run, .host = (char *)host, .status = HERD_FAILED,
		.exit_code = -1, .duration_ms = herd_mono_ms() - c->started_mono,
		.error = (char *)why, .finished_ms = herd_now_ms(),
		.hint = (char *)"see herd mux status; --mux no runs without the mux",
	};

	herd_result_hash(herd_status_name(HERD_FAILED), -1, "", 0, "", 0, res.sha256);
	if (c->req->json)
		herd_json_print(stdout, herd_result_json(&res));
	else
		herd_result_write(stdout, &res);
	c->count[HERD_FAILED]++;
}

/* The run ended here: every host without a result gets one, then the E. */
void
relay_missing(struct mux_client *c, const char *why)
{
	struct herd_end e = { .run = c->run, .finished_ms = herd_now_ms() };
	size_t i;

	if (!c->began)
		write_begin(c);
	for (i = 0; i < c->req->nhosts; i++)
		if (!c->got[i])
			write_failed(c, c->req->hosts[i].name, why);
	memcpy(e.count, c->count, sizeof e.count);
	if (c->req->json)
		herd_json_print(stdout, herd_end_json(&e));
	else
		herd_end_write(stdout, &e);
	relay_flush(c);
}

/* The hosts left without a result, folded: "h[001-003]" (to free). */
static char *
missing_hosts(const struct mux_client *c, size_t *n)
{
	char **names = xcalloc(c->req->nhosts + 1, sizeof *names);
	char *folded;
	size_t i;

	for (i = *n = 0; i < c->req->nhosts; i++)
		if (!c->got[i])
			names[(*n)++] = c->req->hosts[i].name;
	folded = herd_fold(names, *n, 1);
	free(names);
	return folded;
}

int
relay_status(struct mux_client *c, int interrupted)
{
	char *hosts, *safe;
	size_t n;

	if (c->refused)
		return c->refused;
	if (c->gone) {
		hosts = missing_hosts(c, &n);
		safe = herd_safe(hosts);
		warnx("the mux went away before the run ended: %zu host%s without a "
		    "result: %s", n, n == 1 ? "" : "s", safe);
		free(safe);
		free(hosts);
		return HERD_EXIT_RUNTIME;
	}
	if (interrupted)
		return HERD_EXIT_INTERRUPT;
	return c->count[HERD_NONZERO] || c->count[HERD_FAILED] || c->count[HERD_TIMEOUT] ?
	    HERD_EXIT_HOSTS : HERD_EXIT_OK;
}
