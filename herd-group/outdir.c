/*
 * --outdir and --errdir: a file per host with its standard output or its
 * standard error output, as pssh -o and -e write them.  A host's name is
 * made a safe file name, and a file is never reached through a symlink.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "group.h"

/*
 * The host's name as a file name: bytes other than letters, digits and
 * ._:@+=,- (and a leading dot) as %XX, so that two names never give one
 * file and no name is . or .. or holds a slash.
 */
static void
file_name(struct herd_buf *b, const char *host)
{
	const unsigned char *p;

	herd_buf_adds(b, "");
	for (p = (const unsigned char *)host; *p; p++) {
		if ((isalnum(*p) && *p < 0x80) || (strchr("._:@+=,-", *p) &&
		    !(*p == '.' && p == (const unsigned char *)host)))
			herd_buf_addc(b, *p);
		else
			herd_buf_addf(b, "%%%02X", *p);
	}
}

/* The directory, made if it is not there; exits on an error. */
int
outdir_open(const char *dir)
{
	char *safe;
	int fd;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		fd = -1;
	else
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		safe = herd_safe(dir);
		err(HERD_EXIT_RUNTIME, "%s", safe);
	}
	return fd;
}

/* Write a host's file in dir (open as dirfd); -1 after a warning when it cannot be. */
int
outdir_write(int dirfd, const char *dir, const char *host, const char *p, size_t n)
{
	struct herd_buf name = { 0 };
	char *sdir, *sname;
	ssize_t w;
	int fd, e = 0;

	file_name(&name, host);
	fd = openat(dirfd, name.p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0)
		e = errno;
	while (fd >= 0 && n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fd >= 0 && close(fd) < 0 && !e)
		e = errno;
	if (e) {
		sdir = herd_safe(dir);
		sname = herd_safe(name.p);
		errno = e;
		warn("%s/%s", sdir, sname);
		free(sdir);
		free(sname);
	}
	herd_buf_free(&name);
	return e ? -1 : 0;
}
