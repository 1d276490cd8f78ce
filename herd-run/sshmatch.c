/*
 * The settings of one host from the parsed ssh_config: the blocks in order,
 * each applied when it is active, the first value of each keyword winning
 * (IdentityFile's add up), as ssh does.
 */
#include <err.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshconf_int.h"

/* OpenSSH pattern lists: any positive match and no negated match. */
static int
match_list(const char *s, char *const *pats, size_t n)
{
	int matched = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (pats[i][0] == '!') {
			if (fnmatch(pats[i] + 1, s, FNM_CASEFOLD) == 0)
				return 0;
		} else if (fnmatch(pats[i], s, FNM_CASEFOLD) == 0) {
			matched = 1;
		}
	}
	return matched;
}

static int
match_csv(const char *s, const char *csv)
{
	struct herd_strv pats = { 0 };
	int m;

	herd_strv_split(&pats, csv, ',');
	m = match_list(s, pats.v, pats.n);
	herd_strv_free(&pats);
	return m;
}

/*
 * Match criteria, as ssh's first pass sees them: host is the HostName set
 * so far (its %h expanded) or the name, user the User so far or the local
 * user.  canonical never matches (herd does not canonicalize names), final
 * is taken as all, exec is not supported: its block never matches.
 */
static int
match_block(const struct block *b, const char *host, const struct sshhost *h)
{
	const struct herd_strv *p = &b->patterns;
	static int warned;
	size_t i;
	int ok = 1, neg;
	const char *w;

	for (i = 0; i < p->n && ok; i++) {
		w = p->v[i];
		if ((neg = w[0] == '!'))
			w++;
		if (!strcasecmp(w, "all") || !strcasecmp(w, "final"))
			ok = 1;
		else if (!strcasecmp(w, "canonical"))
			ok = 0;
		else if (!strcasecmp(w, "host"))
			ok = match_csv(h->hostname ? h->hostname : host, p->v[++i]);
		else if (!strcasecmp(w, "originalhost"))
			ok = match_csv(host, p->v[++i]);
		else if (!strcasecmp(w, "user"))
			ok = match_csv(h->user ? h->user : sshconf_local_user(), p->v[++i]);
		else if (!strcasecmp(w, "localuser"))
			ok = match_csv(sshconf_local_user(), p->v[++i]);
		else {
			if (!warned++)
				warnx("ssh config: %s: Match %s is not supported; the "
				    "block is skipped", b->where, w);
			return 0;
		}
		if (neg)
			ok = !ok;
	}
	return ok;
}

static void
set_once(char **field, const char *v)
{
	if (!*field)
		*field = xstrdup(v);
}

static void
set_list(struct herd_strv *field, const struct herd_strv *v)
{
	size_t i;

	if (!field->n)
		for (i = 0; i < v->n; i++)
			herd_strv_add(field, v->v[i]);
}

/* HostName with its %h (and %%) replaced by the name. */
static char *
expand_hostname(const char *v, const char *host)
{
	struct sshtokens t = { host, host, NULL, 0 };
	char *why, *e = sshconf_expand(v, SSH_TOKENS_HOSTNAME, 0, &t, &why);

	if (!e) {		/* checked when read; never here */
		free(why);
		e = xstrdup(v);
	}
	return e;
}

static void
apply(struct sshhost *h, const struct directive *d, const char *host)
{
	const char *v = d->args.n ? d->args.v[0] : NULL;

	switch (d->kw) {
	case K_HOSTNAME:
		if (!h->hostname)
			h->hostname = expand_hostname(v, host);
		break;
	case K_USER: set_once(&h->user, v); break;
	case K_PORT:
		if (!h->port)
			h->port = (int)d->num;
		break;
	case K_IDENTITYFILE:
		if (!herd_strv_has(&h->identity_files, v))
			herd_strv_add(&h->identity_files, v);
		break;
	case K_IDENTITIESONLY:
		if (h->identities_only < 0)
			h->identities_only = (int)d->num;
		break;
	case K_PROXYJUMP:	/* the first of the two wins, "none" included... */
		if (!h->proxy_jump && !h->proxy_command)
			h->proxy_jump = xstrdup(v);
		break;
	case K_PROXYCOMMAND:	/* ...but ProxyJump none leaves ProxyCommand be */
		if (!h->proxy_command && (!h->proxy_jump || !strcasecmp(h->proxy_jump,
		    "none")))
			h->proxy_command = xstrdup(v);
		break;
	case K_USERKNOWNHOSTSFILE: set_list(&h->known_hosts, &d->args); break;
	case K_GLOBALKNOWNHOSTSFILE: set_list(&h->global_known_hosts, &d->args); break;
	case K_STRICT:
		if (h->strict == SHK_UNSET)
			h->strict = (enum sshstrict)d->num;
		break;
	case K_CONNECTTIMEOUT:
		if (h->connect_timeout_ms < 0)	/* "none" (-1) is no value */
			h->connect_timeout_ms = d->num;
		break;
	case K_PASSWORDAUTH:
		if (h->password_auth < 0)
			h->password_auth = (int)d->num;
		break;
	case K_PUBKEYAUTH:
		if (h->pubkey_auth < 0)
			h->pubkey_auth = (int)d->num;
		break;
	case K_KEX: set_once(&h->kex, v); break;
	default: break;
	}
}

void
sshconf_lookup(const struct sshconf *c, const char *host, const char *user,
    struct sshhost *h)
{
	char *active = xcalloc(c->n, 1);
	const struct block *b;
	size_t i, j;

	memset(h, 0, sizeof *h);
	if (user)
		h->user = xstrdup(user);
	h->identities_only = h->password_auth = h->pubkey_auth = -1;
	h->strict = SHK_UNSET;
	h->connect_timeout_ms = -1;
	for (i = 0; i < c->n; i++) {
		b = &c->b[i];
		active[i] = b->parent < 0 || active[b->parent];
		if (active[i] && b->kind == B_HOST)
			active[i] = match_list(host, b->patterns.v, b->patterns.n);
		else if (active[i] && b->kind == B_MATCH)
			active[i] = match_block(b, host, h);
		for (j = 0; active[i] && j < b->n; j++)
			apply(h, &b->d[j], host);
	}
	free(active);
}

void
sshhost_free(struct sshhost *h)
{
	free(h->hostname);
	free(h->user);
	herd_strv_free(&h->identity_files);
	free(h->proxy_jump);
	free(h->proxy_command);
	herd_strv_free(&h->known_hosts);
	herd_strv_free(&h->global_known_hosts);
	free(h->kex);
	memset(h, 0, sizeof *h);
}

const char *
sshconf_strict_name(enum sshstrict s)
{
	switch (s) {
	case SHK_FALSE: return "false";
	case SHK_TRUE: return "true";
	case SHK_NEW: return "accept-new";
	default: return "ask";
	}
}
