/*
 * A one-shot herd-run that hands its run to the per-user mux (--mux): the
 * host records and one request (Q) go to the mux's socket, the run's
 * records come back and go to stdout, as if this herd-run had connected.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mux_client.h"

static volatile sig_atomic_t signals;
static int wakefd[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;

	signals++;
	(void)!write(wakefd[1], "", 1);
	errno = saved;
}

/* The mux's socket for MODE: a path given, or the settings' own. */
static char *
socket_path(const char *mode, const struct herd_mux_settings *s)
{
	char *path, *why;

	if (strchr(mode, '/'))
		return xstrdup(mode);
	if (strcmp(mode, "auto"))
		errx(HERD_EXIT_USAGE, "--mux: expected auto, no or a socket path, got %s",
		    herd_safe(mode));
	if (!(path = herd_mux_path(s, &why))) {
		warnx("--mux: %s; running without a mux", why);
		free(why);
	}
	return path;
}

int
mux_client_open(const char *mode, const struct herd_mux_settings *s,
    long long idle_timeout_ms)
{
	char *path, *why;
	int fd;

	if (!mode || !strcmp(mode, "no") || !(path = socket_path(mode, s)))
		return -1;
	if ((fd = herd_mux_connect(path, NULL)) < 0 && errno != ENOENT &&
	    errno != ECONNREFUSED) {
		warn("--mux: %s; running without a mux", path);
	} else if (fd < 0) {
		if (herd_mux_spawn("/proc/self/exe", s, path, idle_timeout_ms, &why) < 0) {
			warnx("--mux: %s; running without a mux", why);
			free(why);
		} else if ((fd = herd_mux_connect(path, NULL)) < 0) {
			warn("--mux: %s; running without a mux", path);
		}
	}
	free(path);
	return fd;
}

/* Header, H records and the request, as the mux reads them. */
static void
make_request(struct mux_client *c)
{
	const struct mux_request *rq = c->req;
	struct herd_request q = {
		.id = c->run, .kind = (char *)rq->kind, .command = (char *)rq->command,
		.timeout_ms = rq->timeout_ms, .selection = (char *)rq->selection,
		.series = (char *)rq->series, .compare = (char *)rq->compare,
		.seq = rq->seq,
	};
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	if (rq->stream)
		q.flags |= HERD_REQ_STREAM;
	if (rq->sudo)
		q.flags |= HERD_REQ_SUDO;
	if (rq->stdin_data) {
		q.flags |= HERD_REQ_STDIN;
		q.stdin_data.p = (char *)rq->stdin_data;
		q.stdin_data.len = rq->stdin_len;
	}
	herd_rec_header(f);
	for (i = 0; i < rq->nhosts; i++)
		herd_host_write(f, &rq->hosts[i]);
	herd_request_write(f, &q);	/* no host list: every host sent */
	if (fclose(f) != 0)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	c->qline = rq->nhosts + 2;
	herd_buf_add(&c->send, text, len);
	free(text);
}

static void
cancel(struct mux_client *c)
{
	struct herd_cancel x = { .run = c->run };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	herd_cancel_write(f, &x);
	if (fclose(f) != 0)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	herd_buf_add(&c->send, text, len);
	free(text);
}

/* What is queued for the mux, as much as it takes now; -1: it is gone. */
static int
send_some(struct mux_client *c)
{
	ssize_t n;

	while (c->sent < c->send.len) {
		n = send(c->fd, c->send.p + c->sent, c->send.len - c->sent,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -1;
		c->sent += (size_t)n;
	}
	return 0;
}

/* The mux's records, a read at a time; -1 when it is gone. */
static int
receive(struct mux_client *c)
{
	const char *line;
	size_t len;
	ssize_t n = herd_lines_fill(&c->in, c->fd);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		herd_lines_eof(&c->in);
	while (!c->ended && !c->refused && herd_lines_next(&c->in, &line, &len))
		relay_line(c, line, len);
	relay_flush(c);
	return c->in.eof && !c->ended ? -1 : 0;
}

static void
install(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	int i;

	if (pipe2(wakefd, O_CLOEXEC | O_NONBLOCK) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	signals = 0;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
}

static void
uninstall(const struct sigaction *old)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	int i;

	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	close(wakefd[0]);
	close(wakefd[1]);
	wakefd[0] = wakefd[1] = -1;
}

/* Until the run's E, the mux going away, or a second signal. */
static void
loop(struct mux_client *c)
{
	struct pollfd p[2];
	char drain[64];
	int cancelled = 0;

	while (!c->ended && !c->refused && !c->gone) {
		if (signals >= 2) {
			c->left = 1;
			return;
		}
		if (signals && !cancelled) {
			cancel(c);
			cancelled = 1;
		}
		if (send_some(c) < 0) {
			c->gone = 1;
			return;
		}
		p[0] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		if (c->sent < c->send.len)
			p[0].events |= POLLOUT;
		p[1] = (struct pollfd){ .fd = wakefd[0], .events = POLLIN };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			err(HERD_EXIT_RUNTIME, "poll");
		if (p[1].revents & POLLIN)
			while (read(wakefd[0], drain, sizeof drain) > 0)
				;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR) && receive(c) < 0)
			c->gone = 1;
	}
}

int
mux_client_run(int fd, const struct mux_request *rq)
{
	struct mux_client c = { .fd = fd, .req = rq };
	struct sigaction old[3];
	int rc;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c.started_ms = herd_now_ms();
	c.started_mono = herd_mono_ms();
	c.run = herd_run_id_new(c.started_ms);
	relay_init(&c);
	make_request(&c);
	install(old);
	loop(&c);
	if (c.left || c.gone)
		relay_missing(&c, c.left ? "interrupted; the run was left to the mux" :
		    "the mux went away");
	rc = relay_status(&c, signals > 0);
	uninstall(old);
	close(fd);
	relay_free(&c);
	herd_buf_free(&c.send);
	free(c.run);
	return rc;
}
