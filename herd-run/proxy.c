/*
 * A proxy's own words.  libssh runs a ProxyCommand (and the ssh -W of a
 * ProxyJump) with its standard error on /dev/null, so why a jump failed
 * ("Could not resolve hostname") would be lost and the host would look
 * disconnected.  With a POSIX shell, the command's standard error goes to a
 * file of its own in a private directory instead; when the connection
 * fails, the last line there is the error.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define TAIL 1024		/* the end of the file is enough for its last line */

static char *dir;
static size_t seq;

/* The shell libssh runs the command with: $SHELL, else /bin/sh. */
static int
posix_shell(void)
{
	static const char *const posix[] = { "sh", "bash", "dash", "zsh", "ksh",
		"mksh", "ash", "yash", "posh", "busybox" };
	const char *sh = getenv("SHELL"), *base;
	size_t i;

	if (!sh || !*sh)
		return 1;
	base = strrchr(sh, '/') ? strrchr(sh, '/') + 1 : sh;
	for (i = 0; i < sizeof posix / sizeof posix[0]; i++)
		if (!strcmp(base, posix[i]))
			return 1;
	return 0;
}

void
proxy_cleanup(void)
{
	struct dirent *d;
	DIR *dp;
	char *p;

	if (!dir || !(dp = opendir(dir)))
		return;
	while ((d = readdir(dp)))
		if (d->d_name[0] != '.') {
			p = xasprintf("%s/%s", dir, d->d_name);
			unlink(p);
			free(p);
		}
	closedir(dp);
	rmdir(dir);
	free(dir);
	dir = NULL;
}

static int
make_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *d;

	if (dir)
		return 0;
	d = xasprintf("%s/herd-run.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(d)) {
		free(d);
		return -1;
	}
	dir = d;
	atexit(proxy_cleanup);
	return 0;
}

/* The command line for libssh: exec'd as ssh does, stderr kept, % doubled. */
char *
proxy_command_line(struct conn *j)
{
	const char *exec = strncmp(j->proxy, "exec ", 5) ? "exec " : "";
	struct herd_buf q = { 0 };
	char *line, *escaped;

	if (posix_shell() && make_dir() == 0) {
		j->proxy_stderr = xasprintf("%s/proxy.%zu", dir, seq++);
		herd_shell_quote(&q, j->proxy_stderr);
		line = xasprintf("exec 2>>%s; %s%s", q.p, exec, j->proxy);
		herd_buf_free(&q);
	} else {
		line = xasprintf("%s%s", exec, j->proxy);
	}
	escaped = sshconf_escape_percent(line);
	free(line);
	return escaped;
}

/* The line of buf that ends at end (line ends dropped), and where it starts. */
static char *
line_before(char *buf, char *end)
{
	char *start;

	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	for (start = end; start > buf && start[-1] != '\n'; start--)
		;
	return start;
}

/*
 * The last line the proxy wrote on its standard error, or NULL; after ssh
 * -W's "stdio forwarding failed", the line before it, which says why.
 */
static char *
last_line(const char *path)
{
	char buf[TAIL + 1], *line, *why;
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return NULL;
	if (fseek(f, -TAIL, SEEK_END) < 0)
		rewind(f);
	n = fread(buf, 1, TAIL, f);
	fclose(f);
	buf[n] = '\0';
	line = line_before(buf, buf + n);
	if (!strcmp(line, "stdio forwarding failed") && line > buf &&
	    *(why = line_before(buf, line)))
		line = why;
	return *line ? xstrdup(line) : NULL;
}

/*
 * The connection through a proxy failed: when the proxy said why, that is
 * the error, rather than "the host closed the connection".
 */
void
proxy_blame(struct conn *j)
{
	char *line;

	if (!j->proxy_stderr || !(line = last_line(j->proxy_stderr)))
		return;
	free(j->fail.error);
	j->fail.error = xasprintf("proxy: %s", line);
	free(line);
	if (j->jump)
		outcome_hint(&j->fail, xasprintf("the ProxyJump through %s failed; try ssh -v -J %s %s",
		    j->jump, j->jump, j->target));
	else
		outcome_hint(&j->fail, xstrdup("the ProxyCommand failed; run it by hand to see why"));
}
