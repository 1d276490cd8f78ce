/*
 * herd-run --serve: clients send host (H) records and requests (Q, X); each
 * request becomes a run on the hosts' kept connections, its records written
 * back to the client that asked, with the state of the connections (S).
 * The client is stdin/stdout, or (--socket) each peer of a unix socket.
 */
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "run.h"

struct client *
client_new(struct engine *e, int in_fd, int out_fd)
{
	struct client *cl = xcalloc(1, sizeof *cl);

	cl->in_fd = in_fd;
	cl->sock = -1;
	outq_init(&cl->out, out_fd);
	herd_grow(&e->clients, &e->clcap, e->nclients, sizeof *e->clients);
	e->clients[e->nclients++] = cl;
	return cl;
}

static void
pending_clear(struct client *cl)
{
	size_t i;

	for (i = 0; i < cl->npend; i++)
		herd_host_command_free(&cl->pend[i]);
	cl->npend = 0;
}

void
client_free(struct client *cl)
{
	outq_free(&cl->out);
	herd_lines_free(&cl->in);
	herd_map_free(&cl->names);
	pending_clear(cl);
	free(cl->pend);
	free(cl->hosts);
	free(cl->said);
	if (cl->sock >= 0)
		close(cl->sock);
	free(cl);
}

/* A request the client got wrong: said on stderr, and to it as a comment. */
static void
client_error(struct client *cl, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		err(HERD_EXIT_RUNTIME, "vasprintf");
	va_end(ap);
	warnx("request line %zu: %s", cl->line, msg);
	fprintf(cl->out.f, "# herd-run: line %zu: %s\n", cl->line, msg);
	free(msg);
}

/* A host of the client: it is told of its connection's changes (S). */
void
client_watch(struct client *cl, struct conn *c)
{
	size_t *slot;
	int added;

	/* (the map keeps the key: the connection's copy of the name lives on) */
	slot = herd_map_put(&cl->names, c->host.name, strlen(c->host.name), &added);
	if (added) {
		herd_grow(&cl->hosts, &cl->hcap, cl->nhosts, sizeof *cl->hosts);
		cl->said = xreallocarray(cl->said, cl->hcap, sizeof *cl->said);
		*slot = cl->nhosts;
		cl->said[cl->nhosts] = -1;
		cl->nhosts++;
	}
	cl->hosts[*slot] = c;
}

static void
read_host(struct engine *e, struct client *cl, const struct herd_rec *r)
{
	struct herd_host h;
	struct conn *c;
	char *why = NULL;

	if (herd_host_from_rec(r, &h) < 0) {
		client_error(cl, "bad H record");
		return;
	}
	if (!(c = engine_conn(e, &h, &why))) {
		client_error(cl, "host %s: %s", h.name, why);
		free(why);
		herd_host_free(&h);
		return;
	}
	client_watch(cl, c);
	herd_host_free(&h);
}

/*
 * The P records before Q give their hosts' tasks in R their own commands.
 * 0, or -1 (said) when one is not for R or a host of it: nothing is run.
 */
static int
own_commands(struct client *cl, struct run *r, const struct options *o)
{
	const struct herd_host_command *p;
	struct herd_map tasks = { 0 };
	const char *name;
	size_t i, *slot;
	int added, rc = 0;

	for (i = 0; i < r->ntasks; i++) {
		name = r->tasks[i].conn->host.name;
		*herd_map_put(&tasks, name, strlen(name), &added) = i;
	}
	for (i = 0; i < cl->npend && !rc; i++) {
		p = &cl->pend[i];
		if (strcmp(p->run, r->c.id) ||
		    !(slot = herd_map_get(&tasks, p->host, strlen(p->host)))) {
			client_error(cl, "request %s: a P record for run %s, host %s, "
			    "is not for it; nothing run", r->c.id, p->run, p->host);
			rc = -1;
			break;
		}
		free(r->tasks[*slot].command);
		r->tasks[*slot].command = sudo_wrap(p->command, r->sudo, o);
	}
	herd_map_free(&tasks);
	return rc;
}

/* The run of a request, on the hosts it names (all the client's, if none). */
static void
start_request(struct engine *e, struct client *cl, struct herd_request *q)
{
	struct herd_run c = {
		.id = q->id, .started_ms = herd_now_ms(), .command = q->command,
		.selection = q->selection, .kind = q->kind, .series = q->series,
		.seq = q->seq, .compare = q->compare,
	};
	char *made = NULL;
	struct run *r;
	size_t i, *slot;

	if (!*c.id)
		c.id = made = herd_run_id_new(c.started_ms);
	for (i = 0; i < q->hosts.n; i++)
		if (!herd_map_get(&cl->names, q->hosts.v[i], strlen(q->hosts.v[i]))) {
			client_error(cl, "request %s: no H record for host %s", c.id,
			    q->hosts.v[i]);
			free(made);
			return;
		}
	r = engine_run_new(e, cl, &c);
	free(made);
	r->timeout_ms = q->timeout_ms;
	r->stream = !!(q->flags & HERD_REQ_STREAM);
	r->sudo = !!(q->flags & HERD_REQ_SUDO);
	r->has_stdin = !!(q->flags & HERD_REQ_STDIN);
	r->stdin_data = q->stdin_data;
	memset(&q->stdin_data, 0, sizeof q->stdin_data);
	r->stdin_p = r->stdin_data.p;
	r->stdin_len = r->stdin_data.len;
	r->remote_command = sudo_wrap(q->command, r->sudo, e->opts);
	if (q->hosts.n) {
		for (i = 0; i < q->hosts.n; i++) {
			slot = herd_map_get(&cl->names, q->hosts.v[i], strlen(q->hosts.v[i]));
			engine_run_add(e, r, cl->hosts[*slot]);
		}
	} else {
		for (i = 0; i < cl->nhosts; i++)
			engine_run_add(e, r, cl->hosts[i]);
	}
	if (own_commands(cl, r, e->opts) < 0) {
		engine_run_free(r);
		return;
	}
	engine_run_start(e, r);
}

static void
cancel_request(struct engine *e, struct client *cl, const struct herd_cancel *x)
{
	size_t i;

	for (i = 0; i < e->nruns; i++)
		if (e->runs[i]->client == cl && !strcmp(e->runs[i]->c.id, x->run)) {
			engine_cancel(e, e->runs[i], "cancelled", herd_mono_ms());
			return;
		}
	client_error(cl, "X %s: no such run in flight", x->run);
}

static void
read_record(struct engine *e, struct client *cl, const struct herd_rec *r)
{
	struct herd_host_command p;
	struct herd_request q;
	struct herd_cancel x;
	const char *why;

	switch (r->type) {
	case '#':
		if (herd_rec_check_header(r, &why) < 0)
			client_error(cl, "%s", why);
		break;
	case 'H':
		read_host(e, cl, r);
		break;
	case 'Q':
		if (herd_request_read(r, &q, &why) < 0) {
			client_error(cl, "Q: %s", why);
		} else {
			/* kinds whose runs are commands, as exec's */
			if (*q.kind && strcmp(q.kind, "exec") && strcmp(q.kind, "recipe") &&
			    strcmp(q.kind, "snapshot"))
				client_error(cl, "Q: kind %s is not served", q.kind);
			else
				start_request(e, cl, &q);
			herd_request_free(&q);
		}
		pending_clear(cl);	/* the P records were for this Q, run or not */
		break;
	case 'P':
		if (herd_host_command_read(r, &p, &why) < 0) {
			client_error(cl, "P: %s", why);
			break;
		}
		herd_grow(&cl->pend, &cl->pcap, cl->npend, sizeof *cl->pend);
		cl->pend[cl->npend++] = p;
		break;
	case 'X':
		if (herd_cancel_read(r, &x, &why) < 0) {
			client_error(cl, "X: %s", why);
			break;
		}
		cancel_request(e, cl, &x);
		herd_cancel_free(&x);
		break;
	default:
		client_error(cl, "a %c record is no request", r->type);
		break;
	}
}

/* What the client sent, a read at a time; whole lines are its records. */
void
client_read(struct engine *e, struct client *cl)
{
	struct herd_rec r = { 0 };
	const char *line;
	size_t len;
	ssize_t n = herd_lines_fill(&cl->in, cl->in_fd);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0)
		herd_lines_eof(&cl->in);
	while (herd_lines_next(&cl->in, &line, &len)) {
		cl->line++;
		if (herd_rec_parse(&r, line, len))
			read_record(e, cl, &r);
	}
	herd_rec_free(&r);
	if (cl->in.eof) {
		if (cl->sock >= 0)
			shutdown(cl->sock, SHUT_RD);
		cl->in_fd = -1;
	}
}

static enum herd_conn
state_of(const struct conn *c)
{
	switch (c->state) {
	case C_UP:
		return HERD_CONN_UP;
	case C_FAILED:
		return c->was_up ? HERD_CONN_DOWN : HERD_CONN_FAILED;
	case C_IDLE:
		return HERD_CONN_DOWN;
	default:
		return HERD_CONN_CONNECTING;
	}
}

/* Each client is told of a change of its hosts' connections. */
void
serve_states(struct engine *e)
{
	struct client *cl;
	enum herd_conn s;
	size_t i, k;

	if (!e->keep)
		return;
	for (i = 0; i < e->nclients; i++) {
		cl = e->clients[i];
		for (k = 0; k < cl->nhosts; k++) {
			if (cl->hosts[k]->state == C_IDLE && cl->said[k] < 0)
				continue;	/* never connected: nothing to say */
			s = state_of(cl->hosts[k]);
			if ((int)s != cl->said[k]) {
				emit_state(cl, cl->hosts[k], s);
				cl->said[k] = (int)s;
			}
		}
	}
}

static int
has_runs(const struct engine *e, const struct client *cl)
{
	size_t i;

	for (i = 0; i < e->nruns; i++)
		if (e->runs[i]->client == cl)
			return 1;
	return 0;
}

/* On connect, a client is told the state of every kept connection. */
static void
tell_all_states(struct engine *e, struct client *cl)
{
	size_t i;

	for (i = 0; i < e->nconns; i++)
		if (e->conns[i]->state != C_IDLE)
			emit_state(cl, e->conns[i], state_of(e->conns[i]));
}

void
serve_accept(struct engine *e)
{
	struct client *cl;
	char *why;
	int fd = listen_accept(e->listen_fd, &why);

	if (fd < 0) {
		if (why)
			warnx("%s", why);
		free(why);
		return;
	}
	cl = client_new(e, fd, fd);
	cl->sock = fd;
	herd_rec_header(cl->out.f);
	tell_all_states(e, cl);
	e->idle_since = 0;
}

/*
 * Socket clients that said all and got all go; one whose reader went away
 * has its runs cancelled.  With no client and no run for the idle timeout,
 * the server stops.
 */
void
serve_gone(struct engine *e, long long now)
{
	struct client *cl;
	size_t i, k;

	for (i = 0; i < e->nclients;) {
		cl = e->clients[i];
		if (cl->sock < 0) {
			i++;
			continue;
		}
		if (cl->out.err) {
			cl->in_fd = -1;
			for (k = 0; k < e->nruns; k++)
				if (e->runs[k]->client == cl && !e->runs[k]->cancelled)
					engine_cancel(e, e->runs[k], "cancelled", now);
		}
		if (cl->in_fd >= 0 || has_runs(e, cl) || outq_pending(&cl->out)) {
			i++;
			continue;
		}
		client_free(cl);
		e->clients[i] = e->clients[--e->nclients];
	}
	if (e->listen_fd < 0 || e->nclients || e->nruns) {
		e->idle_since = 0;
		return;
	}
	if (!e->idle_since)
		e->idle_since = now;
	else if (e->idle_timeout_ms > 0 && now - e->idle_since >= e->idle_timeout_ms)
		e->stopping = 1;
}
