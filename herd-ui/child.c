/*
 * The suite's programs as children of herd-ui: found in herd's exec path
 * (herd/execpath.c), with pipes to and from them.  Children other than
 * herd-run get a process group of their own: Ctrl-C is herd-ui's to handle
 * (herd-run --serve ignores SIGINT itself, and may ask for a password on
 * the terminal before serving).
 */
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

char *find_program(const char *prog);	/* herd/execpath.c */

char *
prog_path(const char *name)
{
	char *path = find_program(name);

	if (!path)
		errx(HERD_EXIT_RUNTIME, "no %s in herd's exec path or PATH", name);
	return path;
}

void
add_config(const struct ui *ui, struct herd_strv *argv)
{
	if (ui->config) {
		herd_strv_add(argv, "-c");
		herd_strv_add(argv, ui->config);
	}
}

int
child_start(struct child *c, char *const argv[], int in, int out)
{
	return child_start_fd3(c, argv, in, out, -1);
}

/* As child_start, and FD3, when not -1, is the child's descriptor 3. */
int
child_start_fd3(struct child *c, char *const argv[], int in, int out, int fd3)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 };
	char *path = prog_path(argv[0]);
	int own_group = strcmp(argv[0], "herd-run") != 0;

	if ((in < 0 && pipe2(pin, O_CLOEXEC) < 0) || (out < 0 && pipe2(pout, O_CLOEXEC) < 0))
		err(HERD_EXIT_RUNTIME, "pipe");
	if ((c->pid = fork()) < 0)
		err(HERD_EXIT_RUNTIME, "fork");
	if (c->pid == 0) {
		if (own_group)
			setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in < 0 ? pin[0] : in, 0) < 0 || dup2(out < 0 ? pout[1] : out, 1) < 0)
			_exit(HERD_EXIT_RUNTIME);
		/* (dup2 onto itself would leave close-on-exec set) */
		if (fd3 >= 0 && (fd3 == 3 ? fcntl(3, F_SETFD, 0) : dup2(fd3, 3)) < 0)
			_exit(HERD_EXIT_RUNTIME);
		execv(path, argv);
		warn("%s", path);
		_exit(127);
	}
	free(path);
	c->in = c->out = -1;
	if (in < 0) {
		close(pin[0]);
		c->in = pin[1];
	}
	if (out < 0) {
		close(pout[1]);
		c->out = pout[0];
	}
	return 0;
}

void
write_all(int fd, const void *p, size_t len)
{
	const char *s = p;
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* the reader went away: its status says why */
		s += n;
		len -= (size_t)n;
	}
}

/* A descriptor to read DATA from: an unlinked temporary file, at its start. */
int
data_file(const struct herd_buf *data)
{
	char tmpl[] = "/tmp/herd-ui-XXXXXX";
	int fd;

	if ((fd = mkstemp(tmpl)) < 0)
		err(HERD_EXIT_RUNTIME, "%s", tmpl);
	unlink(tmpl);
	write_all(fd, data->p, data->len);
	if (lseek(fd, 0, SEEK_SET) < 0)
		err(HERD_EXIT_RUNTIME, "lseek");
	return fd;
}

/*
 * DATA through ARGV, its stdout into OUT, or to OUT_FD when OUT is NULL.
 * DATA comes from a file, so that the child may write all it likes before
 * it has read all.  Its exit status.
 */
int
child_filter(char *const argv[], const struct herd_buf *data, int out_fd, struct herd_buf *out)
{
	struct child c;
	int fd = data_file(data);

	child_start(&c, argv, fd, out ? -1 : out_fd);
	close(fd);
	if (out) {
		herd_buf_read_fd(out, c.out);
		close(c.out);
	}
	return herd_wait(c.pid);
}
