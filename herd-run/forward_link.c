/*
 * One local connection accepted by a forward, and its direct-tcpip channel
 * on the host's connection: bytes pumped both ways without blocking, each
 * way through a buffer of its own.  A full buffer stops the reading of the
 * side that fills it: the local socket is not read (TCP holds the local
 * peer back), the channel is not read (the SSH window holds the host back).
 * An end of input on one side is passed on as such (shutdown, channel EOF),
 * so half-closed protocols work; the link is over when both ways ended.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forward.h"

#define LINK_BUF (64u << 10)

/* One way: the bytes read from one side, not yet written to the other. */
struct half {
	char *p;
	size_t off, len;
	int eof;		/* its source ended */
	int shut;		/* ... and that was passed on */
};

enum link_state { L_WAIT, L_OPEN, L_PUMP };

struct fwd_link {
	enum fwd_what what;	/* F_LINK: first, for the engine's poll */
	struct fwd_host *host;
	int fd;
	char *peer;
	int peer_port;
	enum link_state state;
	ssh_channel ch;
	struct half up;		/* local -> host */
	struct half down;	/* host -> local */
	short armed;		/* the events registered with epoll; 0 none */
};

struct fwd_link *
link_new(struct fwd_host *h, int fd, const char *peer, int peer_port)
{
	struct fwd_link *l = xcalloc(1, sizeof *l);

	l->what = F_LINK;
	l->host = h;
	l->fd = fd;
	l->peer = xstrdup(peer);
	l->peer_port = peer_port;
	l->up.p = xmalloc(LINK_BUF);
	l->down.p = xmalloc(LINK_BUF);
	return l;
}

struct fwd_host *
link_host(const struct fwd_link *l)
{
	return l->host;
}

int
link_fd(const struct fwd_link *l)
{
	return l->fd;
}

int
link_waiting(const struct fwd_link *l)
{
	return l->state != L_PUMP;
}

static short
link_events(const struct fwd_link *l)
{
	short ev = 0;

	if (l->state != L_PUMP)
		return 0;
	if (!l->up.eof && l->up.len < LINK_BUF)
		ev |= POLLIN;
	if (l->down.off < l->down.len)
		ev |= POLLOUT;
	return ev;
}

void
link_arm(struct fwd_link *l, int epfd)
{
	short ev = link_events(l);
	struct epoll_event ee = {
		.events = (ev & POLLIN ? EPOLLIN : 0) | (ev & POLLOUT ? EPOLLOUT : 0),
		.data.ptr = l,
	};

	if (ev == l->armed)
		return;
	/* none: not registered, or a peer gone would wake the loop for nothing */
	if (epoll_ctl(epfd, !ev ? EPOLL_CTL_DEL : l->armed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
	    l->fd, &ee) < 0)
		err(HERD_EXIT_RUNTIME, "epoll_ctl");
	l->armed = ev;
}

void
link_free(struct fwd_link *l)
{
	if (l->ch)
		ssh_channel_free(l->ch);	/* closes it, if open */
	if (l->fd >= 0)
		close(l->fd);
	free(l->up.p);
	free(l->down.p);
	free(l->peer);
	free(l);
}

static void
compact(struct half *h)
{
	if (h->off == h->len)
		h->off = h->len = 0;
}

/* host -> local; -1 when the local side is gone or the channel failed. */
static int
to_local(struct fwd_link *l, int *moved)
{
	struct half *h = &l->down;
	ssize_t w;
	int n;

	if (!h->eof && h->len < LINK_BUF) {
		n = ssh_channel_read_nonblocking(l->ch, h->p + h->len,
		    (uint32_t)(LINK_BUF - h->len), 0);
		if (n > 0) {
			h->len += (size_t)n;
			*moved = 1;
		} else if (n == SSH_EOF || (n == 0 && (ssh_channel_is_eof(l->ch) ||
		    ssh_channel_is_closed(l->ch)))) {
			h->eof = *moved = 1;
		} else if (n < 0) {
			return -1;
		}
	}
	if (h->off < h->len) {
		w = send(l->fd, h->p + h->off, h->len - h->off, MSG_NOSIGNAL);
		if (w > 0) {
			h->off += (size_t)w;
			*moved = 1;
		} else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			return -1;
		}
	}
	compact(h);
	if (h->eof && !h->len && !h->shut) {
		shutdown(l->fd, SHUT_WR);
		h->shut = 1;
	}
	return 0;
}

/* local -> host; -1 when the local side broke or the channel failed. */
static int
to_remote(struct fwd_link *l, int *moved)
{
	struct half *h = &l->up;
	ssize_t n;
	int w;

	if (!h->eof && h->len < LINK_BUF) {
		n = read(l->fd, h->p + h->len, LINK_BUF - h->len);
		if (n > 0) {
			h->len += (size_t)n;
			*moved = 1;
		} else if (n == 0) {
			h->eof = *moved = 1;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			return -1;
		}
	}
	if (h->off < h->len) {
		if (ssh_channel_is_closed(l->ch))
			return -1;
		w = ssh_channel_write(l->ch, h->p + h->off, (uint32_t)(h->len - h->off));
		if (w == SSH_ERROR)
			return -1;
		if (w > 0) {
			h->off += (size_t)w;
			*moved = 1;
		}
	}
	compact(h);
	if (h->eof && !h->len && !h->shut) {
		if (!ssh_channel_is_closed(l->ch))
			ssh_channel_send_eof(l->ch);
		h->shut = 1;
	}
	return 0;
}

/* The host refused the channel (nothing listens on RHOST:RPORT there?): said. */
static void
refused(const struct fwd_link *l)
{
	const struct forward *f = l->host->fwd;
	char *name = herd_safe(l->host->conn->host.name);
	char *to = herd_fwdspec_addr(f->spec.rhost, f->spec.rport);
	char *safe = herd_safe(to);
	char *why = herd_safe(ssh_get_error(l->host->conn->session));

	warnx("%s: a connection to %s refused: %s", name, safe, why);
	free(name);
	free(to);
	free(safe);
	free(why);
}

int
link_pump(struct fwd_link *l)
{
	const struct herd_fwdspec *s = &l->host->fwd->spec;
	struct conn *c = l->host->conn;
	int moved, rc;

	if (l->state == L_WAIT) {
		if (c->state == C_CONNECT || c->state == C_AUTH)
			return 0;
		if (c->state != C_UP || !(l->ch = ssh_channel_new(c->session)))
			return -1;
		l->state = L_OPEN;
	}
	if (l->state == L_OPEN) {
		rc = ssh_channel_open_forward(l->ch, s->rhost, s->rport, l->peer,
		    l->peer_port);
		if (rc == SSH_AGAIN)
			return 0;
		if (rc != SSH_OK) {
			refused(l);
			return -1;
		}
		l->state = L_PUMP;
	}
	do {
		moved = 0;
		if (to_local(l, &moved) < 0 || to_remote(l, &moved) < 0)
			return -1;
	} while (moved);
	return l->up.shut && l->down.shut ? -1 : 0;
}
