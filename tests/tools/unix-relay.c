/*
 * unix-relay PATH: connect to the unix socket PATH, send it standard input
 * (then shut down the writing side), and copy what it sends to standard
 * output until it closes.  Exit 1 if the connection is refused or fails.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p[2];
	char buf[65536];
	ssize_t n;
	int fd, in_open = 1;

	if (argc != 2 || strlen(argv[1]) >= sizeof sa.sun_path)
		errx(2, "usage: unix-relay PATH");
	strcpy(sa.sun_path, argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		err(1, "%s", argv[1]);
	for (;;) {
		p[0] = (struct pollfd){ .fd = in_open ? 0 : -1, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(p, 2, -1) < 0)
			err(1, "poll");
		if (p[0].revents) {
			if ((n = read(0, buf, sizeof buf)) <= 0) {
				shutdown(fd, SHUT_WR);
				in_open = 0;
			} else if (write(fd, buf, (size_t)n) != n) {
				err(1, "write");
			}
		}
		if (p[1].revents) {
			if ((n = read(fd, buf, sizeof buf)) < 0)
				err(1, "read");
			if (n == 0)
				return 0;
			if (write(1, buf, (size_t)n) != n)
				err(1, "write");
		}
	}
}
