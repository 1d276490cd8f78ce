/*
 * http-recv: an HTTP receiver for the tests of herd-notify.
 *   http-recv [-s STATUS] [-a RETRY_AFTER] [-H] [-n N] DIR
 * Listens on 127.0.0.1, an ephemeral port, which it prints on a line of
 * its own; then, for each request, one after the other, writes
 * DIR/NNN.head (the request line and headers, CR LF as LF), DIR/NNN.body
 * (the body's bytes) and DIR/NNN.time (milliseconds since the epoch when
 * it came), each complete when it appears; NNN counts from 001.  The first
 * N requests (-n, default 0) are answered with STATUS (-s, default 500),
 * with a Retry-After: RETRY_AFTER header when -a is given, or not answered
 * at all with -H (the connection stays open); the others with 200.
 * Runs until killed.
 */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herd.h"

static void
put(const char *dir, unsigned n, const char *ext, const void *p, size_t len)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof path, "%s/%03u.%s", dir, n, ext);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(f = fopen(tmp, "w")) || fwrite(p, 1, len, f) != len || fclose(f) != 0 ||
	    rename(tmp, path) < 0)
		err(1, "%s", path);
}

/* The request on FD, read whole: 0, or -1 when the client went away. */
static int
read_request(int fd, struct herd_buf *head, struct herd_buf *body)
{
	struct herd_buf in = { 0 };
	char buf[4096], *end, *cl;
	size_t hlen, want = 0, i;
	ssize_t n;

	for (;;) {
		if (in.p && (end = strstr(in.p, "\r\n\r\n"))) {
			hlen = (size_t)(end - in.p) + 4;
			in.p[hlen - 2] = 0;
			for (cl = in.p; (cl = strcasestr(cl, "\r\ncontent-length:")); cl++)
				want = strtoul(cl + 17, NULL, 10);
			in.p[hlen - 2] = '\r';
			if (in.len >= hlen + want)
				break;
		}
		if ((n = read(fd, buf, sizeof buf)) <= 0) {
			herd_buf_free(&in);
			return -1;
		}
		herd_buf_add(&in, buf, (size_t)n);
	}
	for (i = 0; i + 2 < hlen; i++)
		if (in.p[i] != '\r')
			herd_buf_addc(head, in.p[i]);
	herd_buf_add(body, in.p + hlen, want);
	if (!body->p)
		herd_buf_adds(body, "");
	herd_buf_free(&in);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t slen = sizeof sa;
	struct herd_buf head = { 0 }, body = { 0 };
	const char *after = NULL;
	long long status = 500, first = 0;
	unsigned count = 0;
	char t[32], resp[256];
	int c, hang = 0, s, fd;

	while ((c = getopt(argc, argv, "s:a:Hn:")) != -1) {
		switch (c) {
		case 's':
			if (herd_parse_int(optarg, 100, 599, &status) < 0)
				errx(2, "-s: a status");
			break;
		case 'a': after = optarg; break;
		case 'H': hang = 1; break;
		case 'n':
			if (herd_parse_int(optarg, 0, 1000000, &first) < 0)
				errx(2, "-n: a count");
			break;
		default:
			fputs("usage: http-recv [-s STATUS] [-a RETRY_AFTER] [-H] [-n N] DIR\n",
			    stderr);
			return 2;
		}
	}
	if (optind + 1 != argc)
		errx(2, "usage: http-recv [-s STATUS] [-a RETRY_AFTER] [-H] [-n N] DIR");
	signal(SIGPIPE, SIG_IGN);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &slen) < 0)
		err(1, "listen");
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		if ((fd = accept(s, NULL, NULL)) < 0)
			continue;
		herd_buf_reset(&head);
		herd_buf_reset(&body);
		if (read_request(fd, &head, &body) < 0) {
			close(fd);
			continue;
		}
		count++;
		snprintf(t, sizeof t, "%lld\n", herd_now_ms());
		put(argv[optind], count, "head", head.p, head.len);
		put(argv[optind], count, "body", body.p, body.len);
		put(argv[optind], count, "time", t, strlen(t));
		if (count <= first && hang)
			continue;	/* left open, never answered */
		if (count <= first)
			snprintf(resp, sizeof resp, "HTTP/1.1 %lld Not now\r\n%s%s%s"
			    "Content-Length: 0\r\nConnection: close\r\n\r\n", status,
			    after ? "Retry-After: " : "", after ? after : "", after ? "\r\n" : "");
		else
			snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
			    "Connection: close\r\n\r\nok");
		if (write(fd, resp, strlen(resp)) < 0)
			warn("write");
		close(fd);
	}
}
