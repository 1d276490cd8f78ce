/*
 * --ping without --auth: a TCP connection and the server's SSH banner,
 * timed, without libssh (no key exchange, nothing the server logs as a
 * login attempt).  Hosts behind a ProxyCommand or ProxyJump go through
 * libssh instead, as far as the host key check.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run.h"

#define BANNER_MAX 1024		/* lines before the version string, RFC 4253 4.2 */

void
ping_start(struct conn *j, long long now)
{
	struct addrinfo hints = { 0 }, *ai;
	char port[16];
	int rc, fd;

	j->started = now;
	j->deadline = j->connect_timeout_ms ? now + j->connect_timeout_ms : 0;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", j->port);
	if ((rc = getaddrinfo(j->target, port, &hints, &ai)) != 0) {
		conn_fail(j, S_FAILED, xasprintf("DNS: cannot resolve %s (%s)", j->target,
		    gai_strerror(rc)), "check the name, /etc/hosts, or HostName in "
		    "ssh_config");
		return;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0 || (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
	    errno != EINPROGRESS)) {
		conn_fail(j, S_FAILED, NULL, NULL);
		classify(&j->fail, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return;
	}
	freeaddrinfo(ai);
	j->fd = fd;
	j->own_fd = 1;
	j->state = C_BANNER;
}

/* Read until the "SSH-" version line; the time it took is the result. */
void
ping_read(struct conn *j, long long now)
{
	char buf[256];
	const char *line, *nl;
	socklen_t len = sizeof(int);
	ssize_t n = -1;
	int e = 0;

	if (getsockopt(j->fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e) {
		conn_fail(j, S_FAILED, NULL, NULL);
		classify(&j->fail, strerror(e));	/* the reasons herd-run gives elsewhere */
		return;
	}
	while (j->banner.len <= BANNER_MAX && (n = read(j->fd, buf, sizeof buf)) > 0)
		herd_buf_add(&j->banner, buf, (size_t)n);
	for (line = j->banner.p; line && (nl = memchr(line, '\n',
	    j->banner.len - (size_t)(line - j->banner.p))); line = nl + 1) {
		if (strncmp(line, "SSH-", 4))
			continue;
		/* Keep the version line alone, without its CR LF. */
		n = nl - line;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		memmove(j->banner.p, line, (size_t)n);
		j->banner.len = (size_t)n;
		herd_buf_addc(&j->banner, '\n');
		j->state = C_UP;
		return;
	}
	if (n == 0 || j->banner.len > BANNER_MAX)
		conn_fail(j, S_FAILED, xstrdup(n == 0 ? "disconnected: closed before "
		    "an SSH banner" : "not an SSH server: no SSH banner"),
		    "check that it is sshd that listens on that port");
	(void)now;
}
