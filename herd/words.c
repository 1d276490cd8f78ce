/*
 * Which words of herd exec are the command and which are hosts.  The
 * command's words are never taken for hosts:
 *   1. after --, every word is the command's, and the words before it are
 *      hosts: herd exec web-01 web-02 -- systemctl restart nginx
 *   2. when an option selects the hosts (-a, -g, -t, -w, --hosts-file),
 *      every word is the command's: herd exec systemctl restart nginx -g web
 *   3. otherwise the first word is the command and the others are hosts:
 *      herd exec 'uname -r' web-01 web-02
 */
#include <ctype.h>
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"

static int
has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return 1;
	return 0;
}

void
exec_words(const struct args *a, struct herd_strv *hosts, struct herd_strv *cmd)
{
	const struct herd_strv *w = &a->words;
	const char *safe;
	size_t i;

	if (a->dashdash) {
		for (i = 0; i < w->n; i++)
			herd_strv_add(hosts, w->v[i]);
		for (i = 0; i < a->after.n; i++)
			herd_strv_add(cmd, a->after.v[i]);
	} else if (a->selects) {
		/* 'uname -r' h001 -g web: h001 is most likely a host, not an argument */
		if (w->n > 1 && has_space(w->v[0])) {
			safe = shown(w->v[1]);
			errx(HERD_EXIT_USAGE, "exec: is \"%s\" a host or part of the command? "
			    "With -a, -g, -t, -w or --hosts-file every word is the command's: "
			    "give hosts with -w %s, or quote the whole command", safe, safe);
		}
		for (i = 0; i < w->n; i++)
			herd_strv_add(cmd, w->v[i]);
	} else {
		for (i = 0; i < w->n; i++)
			herd_strv_add(i ? hosts : cmd, w->v[i]);
	}
	if (!cmd->n)
		errx(HERD_EXIT_USAGE, "exec: no command; usage: herd exec CMD [HOSTS...] "
		    "[-g GROUP] [-t TAGS] [options]");
}

/* Whether WORD is something herd-select takes for a host, range or glob. */
static int
host_like(const char *word)
{
	struct herd_strv names = { 0 };
	struct herd_host h;
	const char *why;
	int ok;
	size_t i;

	if (herd_is_glob(word))
		return 1;
	if (herd_range_expand(word, &names, &why) < 0) {
		herd_strv_free(&names);
		return 0;
	}
	for (i = 0, ok = names.n > 0; ok && i < names.n; i++) {
		ok = herd_host_parse(names.v[i], &h, &why) == 0;
		herd_host_free(&h);
	}
	herd_strv_free(&names);
	return ok;
}

/* Whether WORD stands where a host does and cannot be one. */
static int
misplaced(const struct args *a, const char *word)
{
	return !host_like(word) || herd_strv_has(&a->unresolved, word);
}

/*
 * A word that cannot be a host (rule 3): the command was most likely not
 * quoted, as in herd exec ls /tmp web-01.  Suggest the command quoted: its
 * first word and the words up to the last that cannot be a host.
 */
void
check_words(const struct args *a)
{
	struct herd_strv hosts = { 0 }, cmd = { 0 };
	struct herd_buf b = { 0 };
	size_t bad, n, i;
	int refused;
	char *line;

	if (a->dashdash || a->selects)
		return;
	exec_words(a, &hosts, &cmd);
	for (bad = 0; bad < hosts.n && !misplaced(a, hosts.v[bad]); bad++)
		;
	if ((refused = bad < hosts.n)) {
		for (n = hosts.n; !misplaced(a, hosts.v[n - 1]); n--)
			;
		for (i = 0; i < n; i++)
			herd_strv_add(&cmd, hosts.v[i]);
		line = herd_strv_join(&cmd, " ");
		herd_buf_adds(&b, "herd exec ");
		herd_shell_quote(&b, line);
		for (; n < hosts.n; n++) {
			herd_buf_addc(&b, ' ');
			herd_shell_quote(&b, hosts.v[n]);
		}
		warnx("exec: \"%s\" is %s; did you mean to quote the command? %s",
		    shown(hosts.v[bad]), host_like(hosts.v[bad]) ? "not a configured "
		    "host and does not resolve" : "not a host name", shown(b.p));
		free(line);
		herd_buf_free(&b);
	}
	herd_strv_free(&hosts);
	herd_strv_free(&cmd);
	if (refused)
		exit(HERD_EXIT_USAGE);
}
