/*
 * herd exec echo hello web-01 takes "hello" for a host (rule 3 of words.c).
 * A word that looks like a command's word rather than a host's, is not a
 * configured host and does not resolve, as herd-run would resolve it, was
 * most likely meant for the command: herd asks before connecting anywhere.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <ctype.h>
#include <err.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "verb.h"

/* A word of letters and dashes only: hello, restart, nginx; not web-01, db.lan. */
static int
word_like(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalpha((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int
configured(const struct herd_hostlist *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		if (!strcmp(inv->h[i].name, name))
			return 1;
	return 0;
}

/* The words among the hosts that may be a command's. */
static void
suspects(const struct args *a, struct herd_strv *out)
{
	struct herd_strv hosts = { 0 }, cmd = { 0 };
	struct herd_hostlist inv = { 0 };
	struct herd_config cfg;
	char *path;
	size_t i;
	int must;

	if (a->dashdash || a->selects)
		return;
	exec_words(a, &hosts, &cmd);
	path = herd_conf_locate(args_value(a, "config"), &must);
	if (herd_conf_load(&cfg, path, must) == 0)
		herd_inventory(&cfg, &inv);
	for (i = 0; i < hosts.n; i++)
		if (word_like(hosts.v[i]) && !configured(&inv, hosts.v[i]))
			herd_strv_add(out, hosts.v[i]);
	herd_hostlist_free(&inv);
	herd_conf_free(&cfg);
	free(path);
	herd_strv_free(&hosts);
	herd_strv_free(&cmd);
}

/* herd-run -G WORDS... with the options that change how a host is reached. */
static FILE *
show_settings(const struct args *a, const struct herd_strv *words, pid_t *pid)
{
	static const char *const keep[] = { "config", "ssh-config", "user", "port" };
	struct herd_strv argv = { 0 };
	char *prog = find_program("herd-run"), flag[64];
	const struct given *g;
	size_t i, k;
	int fd[2], null;

	if (!prog || pipe2(fd, O_CLOEXEC) < 0) {
		free(prog);
		return NULL;
	}
	herd_strv_add(&argv, "herd-run");
	for (i = 0; i < a->nopt; i++) {
		g = &a->opt[i];
		for (k = 0; k < sizeof keep / sizeof keep[0]; k++)
			if ((g->opt->name && !strcmp(g->opt->name, keep[k])) ||
			    (!g->opt->name && g->opt->letter == 'o'))
				break;
		if (k == sizeof keep / sizeof keep[0])
			continue;
		snprintf(flag, sizeof flag, "-%c", g->opt->letter);
		herd_strv_add(&argv, flag);
		herd_strv_add(&argv, g->value);
	}
	herd_strv_add(&argv, "-G");
	herd_strv_add(&argv, "--");
	for (i = 0; i < words->n; i++)
		herd_strv_add(&argv, words->v[i]);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		err(HERD_EXIT_RUNTIME, "/dev/null");
	*pid = spawn(prog, argv.v, null, fd[1], null);
	close(null);
	close(fd[1]);
	free(prog);
	herd_strv_free(&argv);
	return fdopen(fd[0], "r");
}

static int
resolves(const char *name)
{
	struct addrinfo hints = { 0 }, *res;

	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	freeaddrinfo(res);
	return 1;
}

/*
 * One host's block of herd-run -G: a host whose address does not resolve
 * here, and that no proxy reaches, goes to OUT.
 */
static void
judge(const char *host, const char *address, int proxied, struct herd_strv *out)
{
	if (host && address && !proxied && !resolves(address))
		herd_strv_add(out, host);
}

/* The suspect words that do not resolve, as herd-run would resolve them. */
void
find_unresolved(struct args *a)
{
	struct herd_strv words = { 0 };
	char *line = NULL, *host = NULL, *address = NULL, *v;
	size_t cap = 0;
	int proxied = 0;
	ssize_t n;
	FILE *f;
	pid_t pid;

	suspects(a, &words);
	if (!words.n || !(f = show_settings(a, &words, &pid))) {
		herd_strv_free(&words);
		return;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line || !strncmp(line, "host ", 5)) {
			judge(host, address, proxied, &a->unresolved);
			free(host);
			free(address);
			host = address = NULL;
			proxied = 0;
			if (*line)
				host = xstrdup(line + 5);
		} else if (!strncmp(line, "hostname ", 9)) {
			free(address);
			address = xstrdup(line + 9);
		} else if ((v = strchr(line, ' ')) && strcmp(v + 1, "none") &&
		    (!strncmp(line, "proxycommand ", 13) || !strncmp(line, "proxyjump ", 10))) {
			proxied = 1;
		}
	}
	fclose(f);
	if (herd_wait(pid) == 0)
		judge(host, address, proxied, &a->unresolved);
	else
		herd_strv_free(&a->unresolved);	/* no -G: no judgement */
	free(host);
	free(address);
	free(line);
	herd_strv_free(&words);
}
