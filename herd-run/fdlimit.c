/*
 * The open-file limit, fitted to the hosts wanted at once.
 */
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>

#include "run.h"

/*
 * Descriptors: one connection per host, and one more for an agent's or a
 * proxy's socket; a few at a time for key and known_hosts files and a
 * ProxyCommand's pipe.
 */
#define FDS_PER_HOST 2
#define FDS_RESERVE 6

static size_t
fds_in_use(void)
{
	struct dirent *d;
	size_t n = 0;
	DIR *dir = opendir("/proc/self/fd");
	int fd;

	if (dir) {
		while ((d = readdir(dir)))
			n += d->d_name[0] != '.';
		closedir(dir);
		return n ? n - 1 : 0;	/* less the directory's own */
	}
	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/*
 * Raise the open-file limit as far as the hard limit allows for the hosts
 * wanted at once, then lower the concurrency to what fits: hosts beyond it
 * wait for a slot rather than fail with EMFILE.
 */
void
fit_file_limit(struct options *o, size_t nhosts)
{
	size_t used = fds_in_use(), want, room, at_once;
	struct rlimit rl;

	at_once = (size_t)o->concurrency < nhosts ? (size_t)o->concurrency : nhosts;
	want = used + FDS_RESERVE + at_once * FDS_PER_HOST;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
		    want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	room = rl.rlim_cur > used + FDS_RESERVE ?
	    (rl.rlim_cur - used - FDS_RESERVE) / FDS_PER_HOST : 0;
	if (room < 1)
		room = 1;
	warnx("open-file limit %llu: %zu host%s at a time (raise ulimit -n for more)",
	    (unsigned long long)rl.rlim_cur, room, room == 1 ? "" : "s");
	o->concurrency = (long long)room;
}
