/*
 * --forward [BIND:]LPORT:RHOST:RPORT: a local port per host (LPORT for the
 * first host, LPORT+1 for the next, in the order of the H records), each
 * bound before anything connects, so that a port in use is said first.  A
 * local connection accepted on a host's port becomes a direct-tcpip channel
 * to RHOST:RPORT on the host's kept connection (forward_link.c).
 *
 * The records: the H records, a C record of kind forward whose command is
 * the specification (BIND:LPORT:RHOST:RPORT), S records as the connections
 * come up, drop and come back, and once stopped an R per host (ok when its
 * forward was up at some point) and the E.  A connection that fails or
 * drops is tried again after a backoff (doubling, at most BACKOFF_MAX) while
 * its port stays bound; what was connected through it is closed.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forward.h"

#define BACKOFF_FIRST 1000
#define BACKOFF_MAX 30000

/* The first backoff: 1s, or HERD_FORWARD_BACKOFF (for tests). */
static long long
first_backoff(void)
{
	const char *s = getenv("HERD_FORWARD_BACKOFF");
	long long ms;

	if (s && *s && herd_parse_duration(s, &ms) == 0 && ms > 0)
		return ms;
	return BACKOFF_FIRST;
}

struct forward *
forward_new(const char *spec, char **why)
{
	struct forward *f = xcalloc(1, sizeof *f);
	const char *msg;

	if (herd_fwdspec_parse(spec, &f->spec, &msg) < 0) {
		char *safe = herd_safe(spec);

		*why = xasprintf("--forward %s: %s", safe, msg);
		free(safe);
		free(f);
		return NULL;
	}
	f->text = herd_fwdspec_text(&f->spec);
	f->epfd = -1;
	f->first_ms = first_backoff();
	return f;
}

/* A listening socket on BIND:PORT, or -1 with *why. */
static int
listen_on(const char *bind_addr, int port, const char *name, char **why)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai;
	char ps[16], *addr = herd_fwdspec_addr(bind_addr, port);
	char *safe = herd_safe(addr), *host = herd_safe(name);
	int fd = -1, one = 1, rc;

	snprintf(ps, sizeof ps, "%d", port);
	if ((rc = getaddrinfo(bind_addr, ps, &hints, &ai)) != 0) {
		*why = xasprintf("%s: %s", safe, gai_strerror(rc));
		goto out;
	}
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
		*why = errno == EADDRINUSE ?
		    xasprintf("%s (for %s): the port is already in use", safe, host) :
		    xasprintf("%s (for %s): %s", safe, host, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
out:
	free(addr);
	free(safe);
	free(host);
	return fd;
}

/*
 * Every host's port bound, or none: 0, or the exit status with *why
 * (usage: beyond port 65535; runtime: a port in use, or another error).
 */
int
forward_listen(struct forward *f, const struct herd_hostlist *hosts, char **why)
{
	struct epoll_event ev = { .events = EPOLLIN };
	size_t i;

	if ((long long)f->spec.lport + (long long)hosts->n - 1 > 65535) {
		*why = xasprintf("--forward: %zu hosts from port %d go beyond 65535",
		    hosts->n, f->spec.lport);
		return HERD_EXIT_USAGE;
	}
	if ((f->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		err(HERD_EXIT_RUNTIME, "epoll_create1");
	f->h = xcalloc(hosts->n + 1, sizeof *f->h);
	for (i = 0; i < hosts->n; i++) {
		f->h[i].what = F_LISTEN;
		f->h[i].fwd = f;
		f->h[i].lport = f->spec.lport + (int)i;
		f->h[i].lfd = listen_on(f->spec.bind, f->h[i].lport, hosts->h[i].name, why);
		if (f->h[i].lfd < 0)
			break;
		ev.data.ptr = &f->h[i];
		if (epoll_ctl(f->epfd, EPOLL_CTL_ADD, f->h[i].lfd, &ev) < 0)
			err(HERD_EXIT_RUNTIME, "epoll_ctl");
		f->n++;
	}
	return f->n == hosts->n ? 0 : HERD_EXIT_RUNTIME;
}

/* The C record, and each host's connection watched (S records), made by forward_tick. */
void
forward_start(struct engine *e, const struct herd_hostlist *hosts, struct client *cl)
{
	struct forward *f = e->forward;
	struct herd_run c = {
		.command = f->text, .selection = (char *)e->opts->selection,
		.kind = (char *)"forward", .series = (char *)"", .seq = -1,
		.compare = (char *)"",
	};
	struct conn *conn;
	char *why, *name;
	size_t i;

	f->client = cl;
	f->started_ms = c.started_ms = herd_now_ms();
	f->run_id = c.id = herd_run_id_new(c.started_ms);
	herd_run_write(cl->out.f, &c);
	for (i = 0; i < f->n; i++) {
		if (!(conn = engine_conn(e, &hosts->h[i], &why))) {
			name = herd_safe(hosts->h[i].name);
			errx(HERD_EXIT_USAGE, "ssh config: %s: %s", name, why);
		}
		f->h[i].conn = conn;
		f->h[i].backoff = f->first_ms;
		f->h[i].due = 0;	/* now */
		conn->fwd = &f->h[i];
		client_watch(cl, conn);
	}
}

static void
drop_links(struct fwd_host *h)
{
	size_t i;

	for (i = 0; i < h->nlinks; i++)
		link_free(h->links[i]);
	h->nlinks = 0;
	if (h->conn)
		h->conn->nchannels = 0;
}

/* LINK is over: freed, and out of its host's list. */
static void
drop_link(struct fwd_host *h, struct fwd_link *l)
{
	size_t i;

	for (i = 0; i < h->nlinks && h->links[i] != l; i++)
		;
	if (i == h->nlinks)
		return;
	link_free(l);
	memmove(&h->links[i], &h->links[i + 1], (--h->nlinks - i) * sizeof *h->links);
	h->conn->nchannels = h->nlinks;
}

/* The connection is about to be closed: its channels go first. */
void
forward_lost(struct engine *e, struct conn *c)
{
	(void)e;
	if (c->fwd)
		drop_links(c->fwd);
}

/* Each link of H goes as far as it can; those over are let go. */
static void
pump_all(struct fwd_host *h, int waiting_only)
{
	size_t i;

	for (i = 0; i < h->nlinks;) {
		if (waiting_only && !link_waiting(h->links[i])) {
			i++;
			continue;
		}
		if (link_pump(h->links[i]) < 0)
			drop_link(h, h->links[i]);
		else
			i++;
	}
}

/* The session broke under the channels: closed, to be made again. */
static void
broke(struct engine *e, struct conn *c)
{
	drop_links(c->fwd);
	if (c->state != C_FAILED)
		conn_fail(c, S_FAILED, NULL, NULL);
	c->failed_tick = e->tick;
	c->was_up = 1;
	conn_drop(c);
}

/* The connection's socket was ready (and it is still up). */
void
forward_conn(struct engine *e, struct conn *c, long long now)
{
	(void)now;
	if (!c->fwd || c->state != C_UP)
		return;
	if (conn_read(c) < 0) {
		broke(e, c);
		return;
	}
	pump_all(c->fwd, 0);
	if (!ssh_is_connected(c->session))
		broke(e, c);
}

/* Connections made, again after a backoff; links waiting for one moved on. */
void
forward_tick(struct engine *e, long long now)
{
	struct forward *f = e->forward;
	struct fwd_host *h;
	struct conn *c;
	size_t i;

	for (i = 0; i < f->n; i++) {
		h = &f->h[i];
		c = h->conn;
		if (c->state == C_UP) {
			h->was_up = 1;
			h->backoff = f->first_ms;
			pump_all(h, 1);
			continue;
		}
		if (c->state != C_FAILED && c->state != C_IDLE)
			continue;	/* connecting */
		if (h->nlinks)
			drop_links(h);
		if (h->due < 0) {
			h->due = now + h->backoff;
			h->backoff = h->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : h->backoff * 2;
		} else if (now >= h->due) {
			h->due = -1;
			conn_close(c);
			conn_start(c, e->opts, now);
			if (c->state == C_FAILED) {
				c->failed_tick = e->tick;
				conn_drop(c);
			}
		}
	}
}

long long
forward_wait(const struct forward *f)
{
	long long due = -1;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->h[i].due >= 0 && (due < 0 || f->h[i].due < due))
			due = f->h[i].due;
	return due;
}

/* The descriptor the engine polls: ready when a port or a local connection is. */
int
forward_fd(struct forward *f)
{
	size_t i, k;

	for (i = 0; i < f->n; i++)
		for (k = 0; k < f->h[i].nlinks; k++)
			link_arm(f->h[i].links[k], f->epfd);
	return f->epfd;
}

/* The local connections waiting on H's port: each a link, or closed when H is down. */
static void
accept_all(struct fwd_host *h)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char addr[NI_MAXHOST], port[NI_MAXSERV], *name;
	struct fwd_link *l;
	int fd, up;

	while ((fd = accept4(h->lfd, (struct sockaddr *)&ss, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		up = h->conn->state == C_UP || h->conn->state == C_CONNECT ||
		    h->conn->state == C_AUTH;
		if (!up) {
			name = herd_safe(h->conn->host.name);
			warnx("%s: not connected (trying again): a connection to port "
			    "%d closed", name, h->lport);
			free(name);
			close(fd);
			len = sizeof ss;
			continue;
		}
		if (getnameinfo((struct sockaddr *)&ss, len, addr, sizeof addr, port,
		    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
			strcpy(addr, "127.0.0.1");
			strcpy(port, "0");
		}
		l = link_new(h, fd, addr, atoi(port));
		herd_grow(&h->links, &h->lcap, h->nlinks, sizeof *h->links);
		h->links[h->nlinks++] = l;
		h->conn->nchannels = h->nlinks;
		if (link_pump(l) < 0)
			drop_link(h, l);
		len = sizeof ss;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED)
		warn("accepting on port %d", h->lport);
}

/* What is ready on the ports and the local connections moves on. */
void
forward_events(struct engine *e, long long now)
{
	struct epoll_event ev[64];
	struct fwd_link *l;
	int n, i;

	(void)now;
	n = epoll_wait(e->forward->epfd, ev, 64, 0);
	for (i = 0; i < n; i++) {
		if (*(enum fwd_what *)ev[i].data.ptr == F_LISTEN) {
			accept_all(ev[i].data.ptr);
			continue;
		}
		l = ev[i].data.ptr;
		if (link_pump(l) < 0)
			drop_link(link_host(l), l);
	}
}

/* Stopped: every channel closed, every port, an R per host and the E. */
void
forward_end(struct engine *e)
{
	struct forward *f = e->forward;
	struct herd_end end = { .run = f->run_id };
	struct herd_result res;
	struct fwd_host *h;
	size_t i;

	for (i = 0; i < f->n; i++) {
		h = &f->h[i];
		drop_links(h);
		close(h->lfd);
		h->lfd = -1;
		memset(&res, 0, sizeof res);
		res.run = f->run_id;
		res.host = h->conn->host.name;
		res.status = h->was_up ? HERD_OK : HERD_FAILED;
		res.exit_code = -1;
		res.duration_ms = herd_now_ms() - f->started_ms;
		res.finished_ms = herd_now_ms();
		if (!h->was_up)
			res.error = h->conn->fail.error ? h->conn->fail.error :
			    (char *)"never connected";
		herd_result_hash(herd_status_name(res.status), res.exit_code, "", 0, "", 0,
		    res.sha256);
		herd_result_write(f->client->out.f, &res);
		end.count[res.status]++;
		e->total[res.status == HERD_OK ? S_OK : S_FAILED]++;
	}
	end.finished_ms = herd_now_ms();
	herd_end_write(f->client->out.f, &end);
}

void
forward_free(struct forward *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		drop_links(&f->h[i]);
		if (f->h[i].lfd >= 0)
			close(f->h[i].lfd);
		free(f->h[i].links);
	}
	free(f->h);
	if (f->epfd >= 0)
		close(f->epfd);
	free(f->run_id);
	free(f->text);
	herd_fwdspec_free(&f->spec);
	free(f);
}
