/* sshconf.h — the subset of ssh_config(5) herd-run honours, as OpenSSH reads it. */
#ifndef HERD_SSHCONF_H
#define HERD_SSHCONF_H

#include "herd.h"

struct sshconf;			/* parsed files */

struct sshhost {		/* settings for one host; NULL / 0 / -1: unset */
	char *hostname;
	char *user;
	int port;
	struct herd_strv identity_files;
	int identities_only;
	char *proxy_jump;
	char *proxy_command;
	struct herd_strv known_hosts;		/* UserKnownHostsFile */
	struct herd_strv global_known_hosts;	/* GlobalKnownHostsFile */
	char *strict;		/* yes | no | accept-new | ask | off */
	long long connect_timeout_ms;
	int password_auth;	/* -1 unset */
	int pubkey_auth;	/* -1 unset */
	char *kex;		/* KexAlgorithms */
};

/*
 * Load FILE (as ssh -F does: that file only), or with NULL the user's
 * ~/.ssh/config then /etc/ssh/ssh_config.  A missing default file is fine.
 * Returns NULL with *err (to free) on an unreadable -F file or a bad line.
 */
struct sshconf *sshconf_load(const char *file, char **err);
void sshconf_free(struct sshconf *);
/*
 * Settings for a host as the user typed it.  user, when not NULL, is the
 * login already chosen (it wins over User, and Match user sees it).
 */
void sshconf_lookup(const struct sshconf *, const char *host, const char *user,
    struct sshhost *);
void sshhost_free(struct sshhost *);
/* Expand ~ and the tokens %h %p %r %u %d %% in a path. */
char *sshconf_expand(const char *path, const char *host, int port, const char *ruser);

#endif
