/*
 * known_hosts, read by herd-run itself before a key is taken as unknown.
 *
 * libssh 0.10 reads a known_hosts file it cannot open (EMFILE, EACCES, EIO)
 * as if it were empty, and gives up on a file at a bad line for the host: in
 * both cases a host whose key does not match looks "unknown", and accept-new
 * or --insecure would take an attacker's key.  So before "unknown" is
 * believed, each file is read here with libssh's own line matcher: a file
 * that exists and cannot be read, or that has any line for the host, fails
 * the host closed.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* 0: FILE has no line for HOSTPORT (or does not exist); -1 and *why otherwise. */
static int
file_has_no_entry(const char *file, const char *hostport, char **why)
{
	struct ssh_knownhosts_entry *entry;
	FILE *fp = fopen(file, "re");
	char *line = NULL, *p;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	if (!fp) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*why = xasprintf("cannot read %s: %s", file, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (!*p || *p == '#' || *p == '@')
			continue;
		entry = NULL;
		switch (ssh_known_hosts_parse_line(hostport, p, &entry)) {
		case SSH_AGAIN:
			continue;
		case SSH_OK:
			*why = xasprintf("%s:%zu lists %s, yet its key could not be "
			    "checked", file, lineno, hostport);
			break;
		default:
			*why = xasprintf("%s:%zu: bad entry for %s", file, lineno, hostport);
			break;
		}
		ssh_knownhosts_entry_free(entry);
		rc = -1;
		break;
	}
	if (!rc && ferror(fp)) {
		*why = xasprintf("cannot read %s: %s", file, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

/* 0 when the connection's host truly is in none of its known_hosts files. */
int
known_hosts_confirm_unknown(const struct conn *j, char **why)
{
	char *hostport = j->port == 22 ? xstrdup(j->target) :
	    xasprintf("[%s]:%d", j->target, j->port);
	char *p;
	int rc;

	for (p = hostport; *p; p++)	/* as libssh matches it */
		*p = (char)tolower((unsigned char)*p);

	rc = file_has_no_entry(j->known_hosts, hostport, why);
	if (!rc)
		rc = file_has_no_entry(j->global_known_hosts, hostport, why);
	free(hostport);
	return rc;
}

/*
 * Create the user's known_hosts 0600 (and its directory 0700) before libssh
 * appends to it, whatever the umask: libssh would create it 0666 & ~umask.
 */
int
known_hosts_create(const char *file, char **why)
{
	char *dir = xstrdup(file);
	int fd;

	if (mkdir(dirname(dir), 0700) < 0 && errno != EEXIST) {
		*why = xasprintf("cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		*why = xasprintf("cannot create %s: %s", file, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) < 0) {
		*why = xasprintf("cannot set the mode of %s: %s", file, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
