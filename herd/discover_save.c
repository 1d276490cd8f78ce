/*
 * herd discover --save GROUP: the hosts found added to GROUP in the config
 * file.  The file must load (else its file:line:col errors, exit 2, before
 * any scan); the edit (lib/conf_edit.c) keeps every byte around the lines
 * it inserts; the result is written to a temporary file in the same
 * directory, with the file's mode (and owner, when allowed), checked to
 * load, synced and renamed over the file.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "verb.h"

/* The config's path, the file's real path when it exists (not the symlink). */
static char *
config_path(const char *opt, int *must)
{
	char *path = herd_conf_locate(opt, must), *real;

	if (!path)
		errx(HERD_EXIT_USAGE, "discover: --save: no config file to write (-c FILE)");
	if (access(path, F_OK) < 0 && errno == ENOENT)
		*must = 0;	/* made by the save */
	if ((real = realpath(path, NULL))) {
		free(path);
		return real;
	}
	return path;
}

/* Load PATH, or say its errors and exit 2 (3 for the system's). */
static void
load(struct herd_config *cfg, const char *path, int must)
{
	int rc = herd_conf_load(cfg, path, must);

	if (rc == 0 && !cfg->errors.n)
		return;
	herd_conf_print_errors(cfg, rc);
	if (rc == -2)
		exit(HERD_EXIT_RUNTIME);
	errx(HERD_EXIT_USAGE, "discover: --save: %s does not load; nothing is scanned or "
	    "saved until it does", shown(path));
}

void
discover_check_config(const char *opt, const char *group)
{
	struct herd_config cfg;
	int must;
	char *path = config_path(opt, &must);

	(void)group;
	load(&cfg, path, must);
	herd_conf_free(&cfg);
	free(path);
}

/* "{host: ADDR, tags: [a, b]}", or the address alone; IPv6 quoted. */
static char *
entry(const char *host, const struct herd_strv *tags)
{
	struct herd_buf b = { 0 };
	int quote = strchr(host, ':') != NULL;
	size_t i;

	if (!tags->n)
		return quote ? xasprintf("'%s'", host) : xstrdup(host);
	herd_buf_addf(&b, quote ? "{host: '%s', tags: [" : "{host: %s, tags: [", host);
	for (i = 0; i < tags->n; i++)
		herd_buf_addf(&b, "%s%s", i ? ", " : "", tags->v[i]);
	herd_buf_adds(&b, "]}");
	return herd_buf_steal(&b);
}

static void
read_all(const char *path, struct herd_buf *text)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return;
		err(HERD_EXIT_RUNTIME, "%s", shown(path));
	}
	if (herd_buf_read_fd(text, fd) < 0)
		err(HERD_EXIT_RUNTIME, "%s", shown(path));
	close(fd);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* TEXT into a temporary file beside PATH, with its mode; the temporary name. */
static char *
write_temp(const char *path, const struct herd_buf *text)
{
	char *tmp = xasprintf("%s.herd-XXXXXX", path);
	struct stat st;
	mode_t mask;
	int fd;

	if ((fd = mkstemp(tmp)) < 0)
		err(HERD_EXIT_RUNTIME, "discover: --save: a temporary file beside %s",
		    shown(path));
	if (stat(path, &st) == 0) {
		if (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
			warn("%s", tmp);
		st.st_mode &= 07777;
	} else {
		mask = umask(0);
		umask(mask);
		st.st_mode = 0666 & ~mask;
	}
	if (fchmod(fd, st.st_mode) < 0 || write_all(fd, text->p, text->len) < 0 ||
	    fsync(fd) < 0 || close(fd) < 0) {
		unlink(tmp);
		err(HERD_EXIT_RUNTIME, "discover: --save: writing %s", shown(tmp));
	}
	return tmp;
}

/* HOSTS not yet in GROUP, as config entries. */
static void
new_entries(const struct herd_config *cfg, const char *group, const struct herd_strv *hosts,
    const struct herd_strv *tags, struct herd_strv *entries)
{
	const struct herd_group *g = herd_conf_group(cfg, group);
	size_t i, j;
	char *e;

	for (i = 0; i < hosts->n; i++) {
		for (j = 0; g && j < g->hosts.n; j++)
			if (!strcmp(g->hosts.h[j].name, hosts->v[i]) ||
			    (g->hosts.h[j].address && !strcmp(g->hosts.h[j].address, hosts->v[i])))
				break;
		if (g && j < g->hosts.n)
			continue;
		e = entry(hosts->v[i], tags);
		herd_strv_add(entries, e);
		free(e);
	}
}

void
discover_save(const char *opt, const char *group, const struct herd_strv *hosts,
    const struct herd_strv *tags)
{
	struct herd_buf text = { 0 }, out = { 0 };
	struct herd_strv entries = { 0 };
	struct herd_config cfg;
	char *path, *tmp, *why;
	int must;

	path = config_path(opt, &must);
	load(&cfg, path, must);		/* again: it may have changed while we scanned */
	new_entries(&cfg, group, hosts, tags, &entries);
	herd_conf_free(&cfg);
	if (!entries.n) {
		printf("group %s already has %s\n", group, hosts->n == 1 ? "it" : "them all");
		goto done;
	}
	read_all(path, &text);
	if (herd_conf_add_hosts(text.p ? text.p : "", text.len, group, &entries, &out,
	    &why) < 0)
		errx(HERD_EXIT_USAGE, "discover: --save: %s:%s", shown(path), why);
	tmp = write_temp(path, &out);
	if (herd_conf_load(&cfg, tmp, 1) != 0 || cfg.errors.n) {
		herd_conf_print_errors(&cfg, -1);
		unlink(tmp);
		errx(HERD_EXIT_RUNTIME, "discover: --save: the edited config would not load; "
		    "%s is left as it was", shown(path));
	}
	herd_conf_free(&cfg);
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		err(HERD_EXIT_RUNTIME, "discover: --save: renaming onto %s", shown(path));
	}
	printf("%zu host%s added to group %s in %s\n", entries.n, entries.n == 1 ? "" : "s",
	    group, path);
	free(tmp);
	free(why);
done:
	herd_strv_free(&entries);
	herd_buf_free(&text);
	herd_buf_free(&out);
	free(path);
}
