/*
 * The mux's listening socket (herd-run --serve --socket PATH): put in place
 * under PATH.lock, so that two servers starting at once do not take each
 * other's socket; clients of our own uid only.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"

/* The socket file this process made, to remove only that one. */
static dev_t bound_dev;
static ino_t bound_ino;

/* A socket file nothing answers on goes; anything else at PATH stays. */
static int
clear_stale(const char *path, char **why)
{
	struct stat st;

	if (herd_mux_live(path)) {
		*why = xasprintf("a mux is already running on %s", path);
		return -1;
	}
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		*why = xasprintf("%s exists and is not a socket", path);
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		*why = xasprintf("%s: removing the stale socket: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
bind_listen(const char *path, char **why)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, rc;

	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = xasprintf("socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc < 0 || listen(fd, SOMAXCONN) < 0) {
		*why = xasprintf("%s: %s", path, strerror(errno));
		if (rc == 0)
			unlink(path);
		close(fd);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		bound_dev = st.st_dev;
		bound_ino = st.st_ino;
	}
	return fd;
}

int
listen_open(const char *path, long long idle_timeout_ms, char **why)
{
	struct sockaddr_un sa;
	int lock, fd = -1;

	*why = NULL;
	if (strlen(path) >= sizeof sa.sun_path) {
		*why = xasprintf("%s: a socket path is at most %zu bytes", path,
		    sizeof sa.sun_path - 1);
		return -1;
	}
	if ((lock = herd_mux_lock(path)) < 0) {
		*why = xasprintf("%s.lock: %s", path, strerror(errno));
		return -1;
	}
	if (clear_stale(path, why) == 0 && (fd = bind_listen(path, why)) >= 0 &&
	    herd_mux_pid_write(path, idle_timeout_ms) < 0) {
		*why = xasprintf("%s.pid: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		fd = -1;
	}
	herd_mux_unlock(lock);
	return fd;
}

int
listen_accept(int lfd, char **why)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	*why = NULL;
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			*why = xasprintf("accept: %s", strerror(errno));
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		*why = xasprintf("a client refused: its credentials: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (cred.uid != geteuid()) {
		*why = xasprintf("a client of uid %ld (pid %ld) refused: the mux serves "
		    "uid %ld only", (long)cred.uid, (long)cred.pid, (long)geteuid());
		close(fd);
		return -1;
	}
	return fd;
}

void
listen_close(int lfd, const char *path)
{
	struct stat st;
	long long idle;
	pid_t pid;
	char *pidfile;
	int lock = herd_mux_lock(path);

	if (lstat(path, &st) == 0 && st.st_dev == bound_dev && st.st_ino == bound_ino)
		unlink(path);
	if (herd_mux_pid_read(path, &pid, &idle) == 0 && pid == getpid()) {
		pidfile = herd_mux_pidfile(path);
		unlink(pidfile);
		free(pidfile);
	}
	if (lfd >= 0)
		close(lfd);
	herd_mux_unlock(lock);
}
