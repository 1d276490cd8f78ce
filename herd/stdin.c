/*
 * exec -I: standard input read once into an unlinked temporary file (0600),
 * which herd-run reads through /dev/fd and sends to every host's command:
 * herd-run's own standard input carries the host records.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "verb.h"

int
temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((fd = open(dir, O_TMPFILE | O_RDWR, 0600)) >= 0)
		return fd;
	path = xasprintf("%s/herd-stdin.XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0)
		err(HERD_EXIT_RUNTIME, "a temporary file in %s", dir);
	unlink(path);
	free(path);
	return fd;
}

/* The path herd-run is given: /dev/fd/N of a file holding all of stdin. */
char *
stdin_to_file(void)
{
	char buf[65536];
	ssize_t n, w, off;
	int fd = temp_file();

	while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err(HERD_EXIT_RUNTIME, "-I: reading standard input");
		}
		for (off = 0; off < n; off += w)
			if ((w = write(fd, buf + off, (size_t)(n - off))) < 0)
				err(HERD_EXIT_RUNTIME, "-I: the temporary file");
	}
	return xasprintf("/dev/fd/%d", fd);
}
