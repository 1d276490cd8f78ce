/*
 * --output-dir DIR [--output-name NAME]: each host's stdout goes to the file
 * DIR/HOST (DIR/HOST/NAME), not into memory, so a big file pulled from many
 * hosts costs no memory.  It is written to a temporary name beside it (0600)
 * and renamed into place only when the command exited 0; otherwise removed.
 * The R record's stdout is then one line, "SIZE SHA256" of the bytes written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sha2.h>

#include "run.h"

struct fileout {
	char *path, *tmp;
	int fd, err;		/* err: the errno of a failed write, or 0 */
	unsigned long long size;
	SHA2_CTX ctx;
};

/* NAME may not climb out of its directory: no empty, "." or ".." component. */
int
fileout_name_ok(const char *name)
{
	const char *p = name, *end;
	size_t n;

	if (!*name || *name == '/')
		return 0;
	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (!n || (n == 1 && *p == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return 0;
	}
	return 1;
}

/* mkdir -p of PATH's directories (not PATH itself). */
static int
make_parents(const char *path)
{
	char *p = xstrdup(path), *s;

	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

static struct fileout *
fileout_open(struct task *t)
{
	const struct options *o = t->opts;
	const char *host = t->conn->host.name;
	struct fileout *f = xcalloc(1, sizeof *f);

	f->fd = -1;
	SHA256Init(&f->ctx);
	if (strchr(host, '/') || !strcmp(host, ".") || !strcmp(host, "..")) {
		f->err = EINVAL;
		return f;
	}
	f->path = o->output_name ? xasprintf("%s/%s/%s", o->output_dir, host,
	    o->output_name) : xasprintf("%s/%s", o->output_dir, host);
	f->tmp = xasprintf("%s.herd-part.XXXXXX", f->path);
	if (make_parents(f->tmp) < 0 || (f->fd = mkstemp(f->tmp)) < 0)
		f->err = errno;
	return f;
}

/* A chunk of stdout, to the host's file. */
void
fileout_data(struct task *t, const void *data, size_t len)
{
	struct fileout *f = t->file ? t->file : (t->file = fileout_open(t));
	const char *p = data;
	ssize_t n;

	SHA256Update(&f->ctx, data, len);
	f->size += len;
	while (len && !f->err) {
		if ((n = write(f->fd, p, len)) < 0) {
			if (errno != EINTR)
				f->err = errno;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
}

/*
 * The end of the host's command: the file renamed into place when it
 * exited 0 and every byte was written, else removed; its size and SHA-256
 * become the result's stdout.
 */
void
fileout_finish(struct task *t)
{
	int ok = t->res.status == S_OK && t->got_exit && t->exit_code == 0;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	struct fileout *f;
	char hex[65];
	size_t i;

	if (!t->file && !ok)
		return;
	f = t->file ? t->file : (t->file = fileout_open(t));
	SHA256Final(digest, &f->ctx);
	for (i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	if (f->fd >= 0 && close(f->fd) < 0 && !f->err)
		f->err = errno;
	f->fd = -1;
	if (ok && !f->err && rename(f->tmp, f->path) < 0)
		f->err = errno;
	if (f->fd < 0 && f->tmp && (!ok || f->err))
		unlink(f->tmp);
	if (f->err && t->res.status == S_OK)
		outcome_fail(&t->res, S_FAILED, xasprintf("--output-dir: %s: %s",
		    f->path ? f->path : t->conn->host.name, strerror(f->err)),
		    "the local copy could not be written");
	herd_buf_reset(&t->out.buf);
	if (!f->err)
		herd_buf_addf(&t->out.buf, "%llu %s\n", f->size, hex);
	free(f->path);
	free(f->tmp);
	free(f);
	t->file = NULL;
}

/* A task freed before its end (the run cancelled): no file left. */
void
fileout_discard(struct task *t)
{
	struct fileout *f = t->file;

	if (!f)
		return;
	if (f->fd >= 0) {
		close(f->fd);
		unlink(f->tmp);
	}
	free(f->path);
	free(f->tmp);
	free(f);
	t->file = NULL;
}
