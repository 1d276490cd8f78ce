/*
 * mux-listen: a stand-in mux for the tests of herd-run/listen.c and the
 * mux client, speaking just enough of the protocol (herd-run(1) --serve).
 *   mux-listen [-l LOG] [-s STATES] [-r REPLY] PATH
 * Listens on PATH with listen_open (pid file, stale socket replaced) and
 * accepts clients with listen_accept (a refused peer is said on stderr as
 * "refused: WHY").  Each client gets the header, then the lines of STATES
 * (S records).  When a client's Q comes, the lines of REPLY are sent with
 * @RUN@ replaced by the request's id; a line @WAIT-X@ waits for the
 * client's X first, @CLOSE@ closes the client.  -l appends every line
 * clients send to LOG.  SIGTERM: listen_close,
 * exit 0.  Exit 1 when listen_open fails (its message on stderr).
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../herd-run/listen.h"

#define MAXCL 16

struct cl {
	int fd;
	struct herd_lines in;
	char *run;
	size_t at;		/* the next line of REPLY */
};

static volatile sig_atomic_t stop;
static struct herd_strv states, reply;
static FILE *logf;

static void
on_term(int sig)
{
	stop = sig;
}

static void
lines_of(const char *file, struct herd_strv *sv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(file, "r");

	if (!f)
		err(2, "%s", file);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		herd_strv_add(sv, line);
	}
	free(line);
	fclose(f);
}

static void
say(struct cl *c, const char *s)
{
	const char *at = strstr(s, "@RUN@");
	struct herd_buf b = { 0 };

	if (at) {
		herd_buf_add(&b, s, (size_t)(at - s));
		herd_buf_adds(&b, c->run);
		herd_buf_adds(&b, at + 5);
	} else {
		herd_buf_adds(&b, s);
	}
	herd_buf_addc(&b, '\n');
	(void)!write(c->fd, b.p, b.len);
	herd_buf_free(&b);
}

static void
drop(struct cl *c)
{
	close(c->fd);
	herd_lines_free(&c->in);
	free(c->run);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

/* REPLY from where it stopped, until its end, a @WAIT-X@ or a @CLOSE@. */
static void
go_on(struct cl *c)
{
	for (; c->at < reply.n; c->at++) {
		if (!strcmp(reply.v[c->at], "@WAIT-X@")) {
			c->at++;
			return;
		}
		if (!strcmp(reply.v[c->at], "@CLOSE@")) {
			drop(c);
			return;
		}
		say(c, reply.v[c->at]);
	}
}

static void
client_read(struct cl *c)
{
	const char *line;
	size_t len, n;

	if (herd_lines_fill(&c->in, c->fd) < 0 && errno == EAGAIN)
		return;
	while (c->fd >= 0 && herd_lines_next(&c->in, &line, &len)) {
		if (logf) {
			fwrite(line, 1, len, logf);
			fputc('\n', logf);
			fflush(logf);
		}
		if (line[0] == 'Q' && line[1] == '\t' && !c->run) {
			n = strcspn(line + 2, "\t");
			c->run = xstrndup(line + 2, n);
			go_on(c);
		} else if (line[0] == 'X' && c->run && c->at > 0 &&
		    !strcmp(reply.v[c->at - 1], "@WAIT-X@")) {
			go_on(c);
		}
	}
	if (c->fd >= 0 && c->in.eof)
		drop(c);
}

static void
accept_one(int lfd, struct cl *cls)
{
	char *why;
	size_t i, i2;
	int fd = listen_accept(lfd, &why);

	if (fd < 0) {
		if (why)
			fprintf(stderr, "refused: %s\n", why);
		free(why);
		return;
	}
	for (i = 0; i < MAXCL && cls[i].fd >= 0; i++)
		;
	if (i == MAXCL) {
		close(fd);
		return;
	}
	cls[i].fd = fd;
	say(&cls[i], "#herd-records 1");
	for (i2 = 0; i2 < states.n; i2++)
		say(&cls[i], states.v[i2]);
}

int
main(int argc, char **argv)
{
	struct pollfd p[MAXCL + 1];
	struct cl cls[MAXCL];
	struct sigaction sa = { .sa_handler = on_term };
	char *why;
	size_t i;
	int c, lfd;

	while ((c = getopt(argc, argv, "l:s:r:")) != -1) {
		switch (c) {
		case 'l':
			if (!(logf = fopen(optarg, "a")))
				err(2, "%s", optarg);
			break;
		case 's': lines_of(optarg, &states); break;
		case 'r': lines_of(optarg, &reply); break;
		default:
			fputs("usage: mux-listen [-l LOG] [-s STATES] [-r REPLY] PATH\n", stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fputs("usage: mux-listen [-l LOG] [-s STATES] [-r REPLY] PATH\n", stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	if ((lfd = listen_open(argv[optind], 600000, &why)) < 0) {
		fprintf(stderr, "mux-listen: %s\n", why);
		free(why);
		herd_strv_free(&states);
		herd_strv_free(&reply);
		return 1;
	}
	for (i = 0; i < MAXCL; i++)
		cls[i] = (struct cl){ .fd = -1 };
	while (!stop) {
		p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < MAXCL; i++)
			p[i + 1] = (struct pollfd){ .fd = cls[i].fd, .events = POLLIN };
		if (poll(p, MAXCL + 1, -1) < 0)
			continue;
		if (p[0].revents & POLLIN)
			accept_one(lfd, cls);
		for (i = 0; i < MAXCL; i++)
			if (cls[i].fd >= 0 && p[i + 1].revents)
				client_read(&cls[i]);
	}
	for (i = 0; i < MAXCL; i++)
		if (cls[i].fd >= 0)
			drop(&cls[i]);
	listen_close(lfd, argv[optind]);
	herd_strv_free(&states);
	herd_strv_free(&reply);
	return 0;
}
