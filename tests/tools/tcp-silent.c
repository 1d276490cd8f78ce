/*
 * tcp-silent — a TCP peer that accepts connections and never speaks.
 *
 * usage: tcp-silent [-n] [-f] ADDR PORT PIDFILE
 *
 * Listens on ADDR:PORT (IPv4 or IPv6 literal), accepts every connection,
 * reads and discards what the peer sends and never writes a byte, so an
 * SSH client waits for a server banner that never comes.  Connections are
 * closed only when the peer closes them.
 *
 * -n  bind the port but do not listen: connections are refused (RST), and
 *     the port stays reserved so nothing else can take it.
 * -f  stay in the foreground (default: daemonize after the socket is ready).
 *
 * PIDFILE is written once the socket is bound (and listening), so its
 * appearance means "ready".  SIGTERM, SIGINT and SIGHUP end the process,
 * which removes PIDFILE if it still holds our pid.  Only loopback use is
 * intended; the address is whatever the caller passes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXCONN 1024

static volatile sig_atomic_t stop;
static const char *pidfile;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "tcp-silent: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
write_pidfile(void)
{
	char tmp[4096], buf[32];
	int fd, n;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", pidfile) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		die(pidfile);
	}
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		die(tmp);
	if (write(fd, buf, n) != n || close(fd) == -1)
		die(tmp);
	if (rename(tmp, pidfile) == -1)
		die(pidfile);
}

static void
remove_pidfile(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(pidfile, O_RDONLY)) == -1)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (atol(buf) == (long)getpid())
			unlink(pidfile);
	}
}

static void
daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == -1)
		die("fork");
	if (pid > 0)
		_exit(0);
	setsid();
	if ((pid = fork()) == -1)
		die("fork");
	if (pid > 0)
		_exit(0);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (chdir("/") == -1) {
		/* not fatal */
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct pollfd pfd[MAXCONN + 1];
	struct sigaction sa;
	socklen_t sslen;
	char buf[16384], *end;
	int c, fd, nolisten = 0, foreground = 0, one = 1, nfds, i;
	long port;

	while ((c = getopt(argc, argv, "fn")) != -1) {
		switch (c) {
		case 'f':
			foreground = 1;
			break;
		case 'n':
			nolisten = 1;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		goto usage;
	pidfile = argv[2];
	errno = 0;
	port = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || port < 1 || port > 65535)
		goto usage;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, argv[0],
	    &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		sslen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[0],
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		sslen = sizeof(struct sockaddr_in6);
	} else
		goto usage;

	/* Close everything inherited (a test harness may wait on its pipes). */
	for (i = 3; i < 1024; i++)
		close(i);

	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	if (!nolisten)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1)
		die("bind");
	if (!nolisten && listen(fd, 128) == -1)
		die("listen");

	if (!foreground)
		daemonize();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	write_pidfile();

	pfd[0].fd = nolisten ? -1 : fd;
	pfd[0].events = POLLIN;
	nfds = 1;
	while (!stop) {
		if (poll(pfd, nfds, -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].fd != -1 && (pfd[0].revents & POLLIN)) {
			int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd != -1) {
				if (nfds <= MAXCONN) {
					pfd[nfds].fd = cfd;
					pfd[nfds].events = POLLIN;
					pfd[nfds].revents = 0;
					nfds++;
				} else
					close(cfd);
			}
		}
		for (i = 1; i < nfds; i++) {
			if (!pfd[i].revents)
				continue;
			if (read(pfd[i].fd, buf, sizeof buf) <= 0) {
				close(pfd[i].fd);
				pfd[i] = pfd[--nfds];
				i--;
			}
		}
	}
	remove_pidfile();
	return 0;

usage:
	fprintf(stderr, "usage: tcp-silent [-fn] ADDR PORT PIDFILE\n");
	return 2;
}
