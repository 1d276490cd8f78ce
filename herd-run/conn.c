/*
 * A host's connection as a state machine over non-blocking libssh: connect,
 * check the host key, authenticate; then it is up, and tasks open channels
 * on it.  Each call to conn_advance goes as far as it can without blocking.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* Close the session; the settings stay, for the next connect. */
void
conn_close(struct conn *c)
{
	if (c->own_fd && c->fd >= 0)
		close(c->fd);
	c->was_up = 0;
	if (c->session) {
		ssh_disconnect(c->session);
		ssh_free(c->session);
		c->session = NULL;
	}
	c->fd = c->ep_fd = -1;	/* the socket's close ended its registration */
	c->own_fd = c->tcp_up = c->auth_step = 0;
	c->key_index = 0;
	c->deadline = 0;
	c->banner.len = 0;
	c->state = C_IDLE;
}

/* Close a failed connection's session; it stays failed, with its reason. */
void
conn_drop(struct conn *c)
{
	int was_up = c->was_up;

	conn_close(c);
	c->state = C_FAILED;
	c->was_up = was_up;
}

void
conn_free(struct conn *c)
{
	conn_close(c);
	herd_host_free(&c->host);
	free(c->target);
	free(c->user);
	herd_strv_free(&c->keys);
	free(c->known_hosts);
	free(c->global_known_hosts);
	free(c->proxy);
	free(c->jump);
	if (c->proxy_stderr)
		unlink(c->proxy_stderr);
	free(c->proxy_stderr);
	free(c->kex);
	if (c->sh) {
		sshhost_free(c->sh);
		free(c->sh);
	}
	free(c->key_problem);
	herd_buf_free(&c->banner);
	outcome_free(&c->fail);
	free(c->tasks);
	memset(c, 0, sizeof *c);
	c->fd = c->ep_fd = -1;
}

/* The connection failed; without ERROR, libssh's error says why. */
void
conn_fail(struct conn *c, enum job_status status, char *error, const char *hint)
{
	if (error)
		outcome_fail(&c->fail, status, error, hint);
	else
		classify(&c->fail, c->session ? ssh_get_error(c->session) : "");
	c->state = C_FAILED;
	c->deadline = 0;
}

void
conn_attach(struct conn *c, struct task *t)
{
	herd_grow(&c->tasks, &c->tcap, c->ntasks, sizeof *c->tasks);
	c->tasks[c->ntasks++] = t;
}

void
conn_detach(struct conn *c, struct task *t)
{
	size_t i;

	for (i = 0; i < c->ntasks; i++)
		if (c->tasks[i] == t) {
			c->tasks[i] = c->tasks[--c->ntasks];
			return;
		}
}

/* libssh's settings for the session; -1 (the connection failed) on one it refuses. */
static int
set_options(struct conn *c)
{
	ssh_session s = c->session;
	int yes = 1, no = 0, rc;
	/* (herd keeps the deadline; libssh's own is for blocking calls) */
	long timeout = c->connect_timeout_ms ? (long)((c->connect_timeout_ms + 999) / 1000) :
	    86400;
	/* libssh expands % in these again: what herd expanded is doubled */
	char *known = sshconf_escape_percent(c->known_hosts);
	char *global = sshconf_escape_percent(c->global_known_hosts);
	char *proxy = c->proxy ? proxy_command_line(c) : NULL;

	if (!herd_valid_user(c->user)) {
		conn_fail(c, S_FAILED, xasprintf("bad user name \"%s\"", c->user),
		    "check User in ssh_config");
		rc = -1;
	} else if (ssh_options_set(s, SSH_OPTIONS_HOST, c->target) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &c->port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, c->user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, global) < 0 ||
	    (proxy && ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, proxy) < 0) ||
	    (c->kex && ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, c->kex) < 0)) {
		conn_fail(c, S_FAILED, xasprintf("ssh settings refused: %s",
		    ssh_get_error(s)), "check HostName, User and KexAlgorithms for "
		    "this host");
		rc = -1;
	} else {
		rc = 0;
	}
	free(known);
	free(global);
	free(proxy);
	return rc;
}

void
conn_start(struct conn *c, const struct options *o, long long now)
{
	outcome_free(&c->fail);
	c->started = now;
	if (o->ping && !o->ping_auth && !c->proxy) {
		ping_start(c, now);
		conn_advance(c, o, now);
		return;
	}
	if (!(c->session = ssh_new())) {
		conn_fail(c, S_FAILED, xstrdup("out of memory"), NULL);
		return;
	}
	if (set_options(c) < 0)
		return;
	ssh_set_blocking(c->session, 0);
	c->deadline = c->connect_timeout_ms ? now + c->connect_timeout_ms : 0;
	c->state = C_CONNECT;
	conn_advance(c, o, now);
}

/*
 * TCP keepalives, probing after a minute idle: a host that vanishes while a
 * long command runs is noticed (like ServerAliveInterval), and NAT state is
 * kept; unacknowledged data (a keepalive of --serve) fails the socket after
 * two minutes.  A ProxyCommand's socketpair is no TCP socket; nothing to do.
 */
static void
keepalive(int fd)
{
	int on = 1, idle = 60, interval = 15, count = 4;
	unsigned user_timeout = 120000;

	/*
	 * Not inherited by a ProxyCommand started later: a child holding it
	 * would keep its epoll registration (engine.c) alive after its close.
	 */
	fcntl(fd, F_SETFD, FD_CLOEXEC);

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
}

/* The command that removes the old key, from the file that has it. */
static void
changed_key_hint(struct conn *c, const char *name)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "if the change is expected, remove the old key with ssh-keygen -R ");
	herd_shell_quote(&b, name);
	herd_buf_adds(&b, " -f ");
	herd_shell_quote(&b, c->known_hosts);
	herd_buf_adds(&b, " and connect again");
	outcome_hint(&c->fail, herd_buf_steal(&b));
}

/* 0 to go on; -1 when the connection failed on its host key. */
static int
verify_host_key(struct conn *c)
{
	enum ssh_known_hosts_e known = ssh_session_is_known_server(c->session);
	const char *entry = c->port == 22 ? c->target : NULL;
	char *name = entry ? xstrdup(entry) : xasprintf("[%s]:%d", c->target, c->port);
	char *why = NULL;
	int rc = -1;

	switch (known) {
	case SSH_KNOWN_HOSTS_OK:
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		conn_fail(c, S_FAILED, xasprintf("changed key: the host key of %s does not "
		    "match %s; possible man-in-the-middle attack, refusing to connect",
		    name, c->known_hosts), NULL);
		changed_key_hint(c, name);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (known_hosts_confirm_unknown(c, &why) < 0) {
			conn_fail(c, S_FAILED, xasprintf("host key check failed: %s", why),
			    "herd refuses a host whose known_hosts entry it cannot read; "
			    "check the file and the open-file limit (ulimit -n)");
			free(why);
			break;
		}
		if (c->hostkeys == HK_STRICT) {
			conn_fail(c, S_FAILED, xasprintf("unknown key: %s is not in %s", name,
			    c->known_hosts),
			    "verify the key once with ssh, or add it with --accept-new");
			break;
		}
		rc = 0;
		if (c->hostkeys == HK_ACCEPT_NEW && (known_hosts_create(c->known_hosts,
		    &why) < 0 || ssh_session_update_known_hosts(c->session) != SSH_OK)) {
			char *safe = herd_safe(c->host.name);

			warnx("%s: cannot add the host key to %s: %s", safe,
			    c->known_hosts, why ? why : ssh_get_error(c->session));
			free(safe);
			free(why);
		}
		break;
	default:
		conn_fail(c, S_FAILED, xasprintf("host key check failed: %s",
		    ssh_get_error(c->session)), "check the known_hosts file");
		break;
	}
	free(name);
	return rc;
}

static void
connect_timed_out(struct conn *c)
{
	char d[32];

	conn_fail(c, S_FAILED, xasprintf("connect: timed out after %s",
	    herd_format_duration(c->connect_timeout_ms, d, sizeof d)),
	    "host down, or the port filtered or not speaking SSH? "
	    "raise --connect-timeout if it is just slow");
	if (c->proxy)
		proxy_blame(c);
}

static void
up(struct conn *c, long long now)
{
	c->state = C_UP;
	c->was_up = 1;
	c->deadline = 0;
	c->idle_since = now;
}

void
conn_advance(struct conn *c, const struct options *o, long long now)
{
	int rc;

	for (;;) {
		if (c->deadline && now >= c->deadline &&
		    (c->state == C_CONNECT || c->state == C_AUTH || c->state == C_BANNER)) {
			connect_timed_out(c);
			return;
		}
		switch (c->state) {
		case C_CONNECT:
			rc = ssh_connect(c->session);
			if (c->fd < 0 && (c->fd = ssh_get_fd(c->session)) >= 0)
				keepalive(c->fd);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				conn_fail(c, S_FAILED, NULL, NULL);
				proxy_blame(c);
				return;
			}
			if (verify_host_key(c) < 0)
				return;
			if (o->ping && !o->ping_auth)
				up(c, now);
			else
				c->state = C_AUTH;
			continue;
		case C_AUTH:
			rc = authenticate(c, o);
			if (rc == SSH_AUTH_AGAIN)
				return;
			if (rc == SSH_AUTH_SUCCESS)
				up(c, now);
			return;
		case C_BANNER:
			ping_read(c, now);
			if (c->state == C_UP)
				up(c, now);
			return;
		case C_IDLE:
		case C_UP:
		case C_FAILED:
			return;
		}
	}
}

/*
 * What the host sent a connection without tasks (a keepalive, a rekey, the
 * data of --forward's channels) read, and what libssh holds written:
 * 0, or -1 when it broke.
 */
int
conn_read(struct conn *c)
{
	ssh_event ev = ssh_event_new();
	int rc = -1;

	if (ev && ssh_event_add_session(ev, c->session) == SSH_OK) {
		rc = ssh_event_dopoll(ev, 0) == SSH_ERROR ? -1 : 0;
		ssh_event_remove_session(ev, c->session);
	}
	if (ev)
		ssh_event_free(ev);
	return rc < 0 || !ssh_is_connected(c->session) ? -1 : 0;
}

/*
 * An up connection without tasks: the host closing it (sshd restarted,
 * the connection killed) makes its socket readable; a keepalive every
 * KEEPALIVE_MS finds a host that vanished.  0 alive, -1 now failed.
 */
int
conn_check_alive(struct conn *c, long long now, long long keepalive_ms)
{
	char b;
	ssize_t n;

	if (c->state != C_UP || c->own_fd || !c->session)
		return 0;
	n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		conn_fail(c, S_FAILED, xstrdup(n == 0 ? "disconnected: the host closed "
		    "the connection" : "disconnected: the connection broke"),
		    "sshd dropped the connection (restart, MaxStartups, OOM?)");
		return -1;
	}
	if (n > 0 && conn_read(c) < 0) {
		conn_fail(c, S_FAILED, NULL, NULL);
		return -1;
	}
	if (keepalive_ms > 0 && now - c->idle_since >= keepalive_ms) {
		c->idle_since = now;
		if (ssh_send_ignore(c->session, "") != SSH_OK || !ssh_is_connected(c->session)) {
			conn_fail(c, S_FAILED, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

short
conn_poll_events(const struct conn *c)
{
	short ev = POLLIN;

	if ((c->state == C_CONNECT || c->state == C_BANNER) && !c->tcp_up)
		ev |= POLLOUT;
	/*
	 * libssh clears its "write pending" only when its own poll sees the
	 * socket writable, which an idle connection never gives it: asking
	 * for POLLOUT there would wake the loop at once, forever.  What an
	 * idle connection writes (a keepalive) is small and goes at once.
	 */
	if (c->session && (c->state != C_UP || c->ntasks || c->nchannels) &&
	    ssh_get_poll_flags(c->session) & SSH_WRITE_PENDING)
		ev |= POLLOUT;
	return ev;
}
