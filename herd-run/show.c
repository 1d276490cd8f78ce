/*
 * Each host's settings, without connecting: --dry-run, one line per host,
 * and -G, ssh -G's lines for what herd-run resolved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run.h"

/* As ssh -G: whole seconds as a number, else a duration; 0 is no limit. */
const char *
show_duration(long long ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%lld", ms / 1000);
	else
		herd_format_duration(ms, buf, len);
	return buf;
}

/* --dry-run: where each host would be reached, and as whom. */
void
dry_run(const struct run *r, const struct options *o)
{
	char *cmd = herd_safe(r->remote_command), *name, *user, *target, *proxy;
	const struct conn *c;
	size_t i, w = 0, n = r->ntasks;
	char d[32];

	for (i = 0; i < n; i++)
		if (strlen(r->tasks[i].conn->host.name) > w)
			w = strlen(r->tasks[i].conn->host.name);
	printf("would run: %s\non %zu host%s:\n", cmd, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		c = r->tasks[i].conn;
		name = herd_safe(c->host.name);
		user = herd_safe(c->user);
		target = herd_safe(c->target);
		printf("  %-*s  %s@%s:%d", (int)w, name, user, target, c->port);
		if (c->proxy) {
			proxy = herd_safe(c->proxy);
			printf("  via %s", proxy);
			free(proxy);
		}
		if (r->tasks[i].timeout_ms > 0 && !o->ping)
			printf("  timeout %s", herd_format_duration(r->tasks[i].timeout_ms, d,
			    sizeof d));
		if (c->hostkeys != HK_STRICT)
			printf("  unknown host keys %s", c->hostkeys == HK_ACCEPT_NEW ?
			    "accepted and added" : "not checked");
		putchar('\n');
		free(name);
		free(user);
		free(target);
	}
	free(cmd);
}

static void
line(const char *key, const char *value)
{
	char *safe = herd_safe(value);

	printf("%s %s\n", key, safe);
	free(safe);
}

/* -G: as ssh -G prints them, the settings herd-run uses, then its own. */
void
show_config(const struct run *r)
{
	static const char *const policy[] = { "refuse", "accept-new", "insecure" };
	const struct sshhost *sh;
	const struct conn *j;
	char d[32];
	size_t i, k;

	for (i = 0; i < r->ntasks; i++) {
		j = r->tasks[i].conn;
		sh = j->sh;
		if (i)
			putchar('\n');
		line("host", j->host.name);
		line("user", j->user);
		line("hostname", j->target);
		printf("port %d\n", j->port);
		for (k = 0; k < j->keys.n; k++)
			line("identityfile", j->keys.v[k]);
		if (sh->proxy_command && strcasecmp(sh->proxy_command, "none"))
			line("proxycommand", sh->proxy_command);
		if (sh->proxy_jump && strcasecmp(sh->proxy_jump, "none"))
			line("proxyjump", sh->proxy_jump);
		line("userknownhostsfile", j->known_hosts);
		line("globalknownhostsfile", j->global_known_hosts);
		line("stricthostkeychecking", sshconf_strict_name(sh->strict));
		line("connecttimeout", show_duration(j->connect_timeout_ms, d, sizeof d));
		if (j->kex)
			line("kexalgorithms", j->kex);
		line("identitiesonly", sh->identities_only == 1 ? "yes" : "no");
		line("hostkeys", policy[j->hostkeys]);
		line("timeout", show_duration(r->tasks[i].timeout_ms, d, sizeof d));
	}
}
