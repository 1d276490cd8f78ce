/*
 * A host's settings for its connection: its H record, then the command line, then
 * ssh_config, then the defaults; ssh_config's tokens expanded as ssh does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run.h"

/* Expand V; on an error, *err names the keyword and the value. */
static char *
expand(const char *key, const char *v, const char *tokens, int env,
    const struct sshtokens *t, char **err)
{
	char *why, *e = sshconf_expand(v, tokens, env, t, &why);

	if (!e) {
		*err = xasprintf("%s \"%s\": %s", key, v, why);
		free(why);
	}
	return e;
}

/* The first file of a known-hosts list, expanded; "none" is no file. */
static char *
first_file(const char *key, const struct herd_strv *files, const char *fallback,
    const char *tokens, const struct sshtokens *t, char **err)
{
	const char *f = files->n ? files->v[0] : fallback;

	if (!strcasecmp(f, "none"))
		return xstrdup("/dev/null");
	return expand(key, f, tokens, *tokens != '\0', t, err);
}

static void
add_word(struct herd_buf *b, const char *s)
{
	herd_buf_addc(b, ' ');
	herd_shell_quote(b, s);
}

/* A ProxyJump chain as the ProxyCommand OpenSSH would run for it. */
static char *
jump_command(const char *jump, const char *ssh_config, const char *target, int port)
{
	const char *last = strrchr(jump, ',');
	struct herd_buf b = { 0 };
	char *part;

	herd_buf_adds(&b, "ssh");
	if (ssh_config) {
		herd_buf_adds(&b, " -F");
		add_word(&b, ssh_config);
	}
	if (last) {
		herd_buf_adds(&b, " -J");
		part = xstrndup(jump, (size_t)(last - jump));
		add_word(&b, part);
		free(part);
	}
	herd_buf_adds(&b, " -W");
	part = xasprintf("[%s]:%d", target, port);
	add_word(&b, part);
	free(part);
	part = xasprintf("ssh://%s", last ? last + 1 : jump);
	add_word(&b, part);
	free(part);
	return herd_buf_steal(&b);
}

static void
add_default_keys(struct conn *j)
{
	static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	size_t i;
	char *p, *path;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = xasprintf("/.ssh/%s", names[i]);
		path = sshconf_home(p);
		herd_strv_add(&j->keys, path);
		free(path);
		free(p);
	}
}

/* StrictHostKeyChecking no, off and accept-new add unknown keys; all else refuses. */
static enum hostkeys
hostkey_policy(enum sshstrict strict)
{
	return strict == SHK_FALSE || strict == SHK_NEW ? HK_ACCEPT_NEW : HK_STRICT;
}

static int
set_keys(struct conn *j, const struct options *o, const struct sshhost *sh,
    const struct sshtokens *t, char **err)
{
	size_t i;
	char *p;

	for (i = 0; i < o->identities.n; i++)
		herd_strv_add(&j->keys, o->identities.v[i]);
	for (i = 0; i < sh->identity_files.n; i++) {
		if (!(p = expand("IdentityFile", sh->identity_files.v[i],
		    SSH_TOKENS_PATH, 1, t, err)))
			return -1;
		if (!herd_strv_has(&j->keys, p))
			herd_strv_add(&j->keys, p);
		free(p);
	}
	if (!j->keys.n)
		add_default_keys(j);
	return 0;
}

static int
set_proxy(struct conn *j, const struct options *o, const struct sshhost *sh,
    const struct sshtokens *t, char **err)
{
	char *jump;

	if (sh->proxy_command && strcasecmp(sh->proxy_command, "none")) {
		j->proxy = expand("ProxyCommand", sh->proxy_command, SSH_TOKENS_PROXY, 0,
		    t, err);
		return j->proxy ? 0 : -1;
	}
	if (sh->proxy_jump && strcasecmp(sh->proxy_jump, "none")) {
		if (!(jump = expand("ProxyJump", sh->proxy_jump, SSH_TOKENS_PROXY, 0, t,
		    err)))
			return -1;
		j->proxy = jump_command(jump, o->ssh_config, j->target, j->port);
		j->jump = jump;
	}
	return 0;
}

/* The run's timeout, else the host's own, else the default. */
void
task_timeout(struct task *t, const struct options *o)
{
	if (t->run->timeout_ms >= 0) {
		t->timeout_ms = t->run->timeout_ms;
		t->timeout_from = TO_OPTION;
	} else if (t->conn->host.timeout_ms >= 0) {
		t->timeout_ms = t->conn->host.timeout_ms;
		t->timeout_from = TO_GROUP;
	} else {
		t->timeout_ms = o->default_timeout_ms;
		t->timeout_from = o->config_timeout ? TO_CONFIG : TO_DEFAULT;
	}
}

/* Settings for one host; -1 and *err on a token ssh_config cannot expand. */
int
conn_init(struct conn *j, const struct herd_host *h, const struct options *o, char **err)
{
	struct sshhost sh;
	struct sshtokens t;
	const char *sock;
	char *p;
	int rc = -1;

	memset(j, 0, sizeof *j);
	j->fd = j->ep_fd = -1;
	herd_host_copy(&j->host, h);
	sshconf_lookup(o->sshconf, h->address, h->user ? h->user : o->user, &sh);
	j->target = xstrdup(sh.hostname ? sh.hostname : h->address);
	for (p = j->target; *p; p++)	/* as ssh: known_hosts names are lower case */
		*p = (char)tolower((unsigned char)*p);
	j->port = h->port ? h->port : o->port ? o->port : sh.port ? sh.port : 22;
	j->user = xstrdup(h->user ? h->user : o->user ? o->user : sh.user ? sh.user :
	    sshconf_local_user());
	t = (struct sshtokens){ j->target, h->address, j->user, j->port };
	if (set_keys(j, o, &sh, &t, err) < 0)
		goto out;
	/* An empty SSH_AUTH_SOCK is no agent, as for ssh. */
	j->use_agent = (sock = getenv("SSH_AUTH_SOCK")) && *sock &&
	    sh.identities_only != 1 && sh.pubkey_auth != 0;
	if (sh.pubkey_auth == 0)
		herd_strv_free(&j->keys);
	j->try_password = o->password && sh.password_auth != 0;
	if (!(j->known_hosts = first_file("UserKnownHostsFile", &sh.known_hosts,
	    "~/.ssh/known_hosts", SSH_TOKENS_PATH, &t, err)) ||
	    !(j->global_known_hosts = first_file("GlobalKnownHostsFile",
	    &sh.global_known_hosts, "/etc/ssh/ssh_known_hosts", "", &t, err)) ||
	    set_proxy(j, o, &sh, &t, err) < 0)
		goto out;
	j->kex = sh.kex ? xstrdup(sh.kex) : NULL;
	j->hostkeys = o->insecure ? HK_INSECURE : o->accept_new ? HK_ACCEPT_NEW :
	    hostkey_policy(sh.strict);
	j->connect_timeout_ms = o->connect_timeout_ms >= 0 ? o->connect_timeout_ms :
	    sh.connect_timeout_ms >= 0 ? sh.connect_timeout_ms :
	    o->default_connect_timeout_ms;
	if (o->show_config) {
		j->sh = xmalloc(sizeof *j->sh);
		*j->sh = sh;
		memset(&sh, 0, sizeof sh);
	}
	rc = 0;
out:
	sshhost_free(&sh);
	return rc;
}
