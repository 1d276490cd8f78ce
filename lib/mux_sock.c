/*
 * The mux socket's life: whether a mux answers on it, its pid file, the
 * lock taken while a socket is put in place, and starting a mux.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mux.h"

int
herd_mux_connect(const char *path, pid_t *pid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof cred;
	int fd, saved;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		goto fail;
	if (cred.uid != geteuid()) {
		errno = EPERM;
		goto fail;
	}
	if (pid)
		*pid = cred.pid;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
herd_mux_live(const char *path)
{
	int fd = herd_mux_connect(path, NULL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

char *
herd_mux_pidfile(const char *path)
{
	return xasprintf("%s.pid", path);
}

/* Written aside and renamed: a reader sees the old file or the new one. */
int
herd_mux_pid_write(const char *path, long long idle_timeout_ms)
{
	char *file = herd_mux_pidfile(path), *tmp = xasprintf("%s.tmp", file);
	FILE *f;
	int fd, rc = -1, saved;

	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		goto out;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		goto out;
	}
	fprintf(f, "%ld %lld\n", (long)getpid(), idle_timeout_ms);
	if (fclose(f) != 0 || rename(tmp, file) < 0)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(file);
	errno = saved;
	return rc;
}

int
herd_mux_pid_read(const char *path, pid_t *pid, long long *idle_timeout_ms)
{
	char *file = herd_mux_pidfile(path);
	FILE *f = fopen(file, "re");
	long p;
	long long idle;
	int n;

	free(file);
	if (!f)
		return -1;
	n = fscanf(f, "%ld %lld", &p, &idle);
	fclose(f);
	if (n != 2 || p <= 0) {
		errno = EINVAL;
		return -1;
	}
	*pid = (pid_t)p;
	if (idle_timeout_ms)
		*idle_timeout_ms = idle;
	return 0;
}

int
herd_mux_lock(const char *path)
{
	char *file = xasprintf("%s.lock", path);
	int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	free(file);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

void
herd_mux_unlock(int lockfd)
{
	if (lockfd >= 0)
		close(lockfd);
}

/* In the child: a daemon's place, then PROGRAM. */
static void __attribute__((noreturn))
exec_server(const char *program, char **argv, const char *log)
{
	sigset_t none;
	int fd;

	setsid();
	if (chdir("/") < 0)
		_exit(127);
	if ((fd = open("/dev/null", O_RDWR)) < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
		_exit(127);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600)) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(127);
	closefrom(3);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	execv(program, argv);
	fprintf(stderr, "herd mux: %s: %s\n", program, strerror(errno));
	_exit(127);
}

/* Why the server exited before it answered: its status, its log's first line. */
static char *
exited(int status, const char *log)
{
	char line[512] = "", code[64], *safe, *why;
	FILE *f = fopen(log, "re");

	while (f && fgets(line, sizeof line, f) && *line == '\n')
		;
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (WIFEXITED(status))
		snprintf(code, sizeof code, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(code, sizeof code, "was killed by signal %d", WTERMSIG(status));
	safe = herd_safe(line);
	why = xasprintf("the mux %s%s%s", code, *safe ? ": " : "", safe);
	free(safe);
	return why;
}

pid_t
herd_mux_spawn(const char *program, const struct herd_mux_settings *s,
    const char *path, long long idle_timeout_ms, char **why)
{
	struct herd_strv argv = { 0 };
	struct timespec tick = { 0, 20 * 1000000 };
	char *log = xasprintf("%s.log", path);
	long long until = herd_mono_ms() + HERD_MUX_START_MS;
	pid_t pid;
	int status;

	herd_mux_argv(s, path, idle_timeout_ms, &argv);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		*why = xasprintf("fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		exec_server(program, argv.v, log);
	for (;;) {
		if (herd_mux_live(path))
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			*why = exited(status, log);
			pid = -1;
			break;
		}
		if (herd_mono_ms() >= until) {
			*why = xasprintf("no mux answered on %s within %lld ms", path,
			    (long long)HERD_MUX_START_MS);
			pid = -1;
			break;
		}
		nanosleep(&tick, NULL);
	}
out:
	herd_strv_free(&argv);
	free(log);
	return pid;
}
