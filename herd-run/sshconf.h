/* sshconf.h — the subset of ssh_config(5) herd-run honours, as OpenSSH 9.2 reads it. */
#ifndef HERD_SSHCONF_H
#define HERD_SSHCONF_H

#include "herd.h"

struct sshconf;			/* parsed files */

/* StrictHostKeyChecking, as ssh -G names the values */
enum sshstrict { SHK_UNSET = -1, SHK_FALSE, SHK_TRUE, SHK_ASK, SHK_NEW };

struct sshhost {		/* settings for one host; NULL / 0 / -1: unset */
	char *hostname;		/* HostName, with %h expanded */
	char *user;
	int port;
	struct herd_strv identity_files;	/* as written */
	int identities_only;
	char *proxy_jump;	/* as written; at most one of the two */
	char *proxy_command;
	struct herd_strv known_hosts;		/* UserKnownHostsFile, as written */
	struct herd_strv global_known_hosts;	/* GlobalKnownHostsFile */
	enum sshstrict strict;
	long long connect_timeout_ms;	/* -1 unset, 0 none */
	int password_auth;
	int pubkey_auth;
	char *kex;		/* KexAlgorithms */
};

/*
 * Load the -o lines of OPTIONS (taking precedence, as ssh -o), then FILE
 * (as ssh -F does: that file only), or with NULL the user's ~/.ssh/config
 * then /etc/ssh/ssh_config.  A missing default file is fine.  Returns NULL
 * with *err (to free) on an unreadable file, a bad line or a value OpenSSH
 * refuses; warns about unknown keywords.
 */
struct sshconf *sshconf_load(const char *file, const struct herd_strv *options,
    char **err);
void sshconf_free(struct sshconf *);
/*
 * Settings for a host as the user typed it.  user, when not NULL, is the
 * login already chosen (it wins over User, and Match user sees it).
 */
void sshconf_lookup(const struct sshconf *, const char *host, const char *user,
    struct sshhost *);
void sshhost_free(struct sshhost *);
const char *sshconf_strict_name(enum sshstrict);

/* sshexpand.c */
struct sshtokens {
	const char *host;	/* %h: the address connected to */
	const char *orig;	/* %n, %k: the name as given */
	const char *ruser;	/* %r */
	int port;		/* %p */
};
#define SSH_TOKENS_PATH "CdhikLlnpru"	/* IdentityFile, UserKnownHostsFile */
#define SSH_TOKENS_PROXY "hnpr"		/* ProxyCommand, ProxyJump */
#define SSH_TOKENS_HOSTNAME "h"

const char *sshconf_local_user(void);
char *sshconf_home(const char *rest);
int sshconf_check_tokens(const char *, const char *allowed, int env, char **err);
char *sshconf_expand(const char *, const char *allowed, int env,
    const struct sshtokens *, char **err);
char *sshconf_escape_percent(const char *);
int sshconf_parse_time(const char *, long long *ms);

#endif
