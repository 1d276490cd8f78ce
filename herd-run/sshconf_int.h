/* sshconf_int.h — the parsed ssh_config, shared by its reader and its lookup. */
#ifndef HERD_SSHCONF_INT_H
#define HERD_SSHCONF_INT_H

#include "sshconf.h"

enum kw {
	K_OTHER,		/* an OpenSSH keyword herd-run does not use */
	K_HOST, K_MATCH, K_INCLUDE, K_IGNOREUNKNOWN,
	K_HOSTNAME, K_USER, K_PORT, K_IDENTITYFILE, K_IDENTITIESONLY,
	K_PROXYJUMP, K_PROXYCOMMAND, K_USERKNOWNHOSTSFILE, K_GLOBALKNOWNHOSTSFILE,
	K_STRICT, K_CONNECTTIMEOUT, K_PASSWORDAUTH, K_PUBKEYAUTH, K_KEX,
};

struct directive {
	enum kw kw;
	struct herd_strv args;	/* the values, checked */
	long long num;		/* Port, flags, ConnectTimeout (ms), StrictHostKeyChecking */
};

/*
 * A block is active, for a host, when the block it depends on (parent) is,
 * and, for Host and Match, when its own patterns match.  B_SAME blocks are
 * the lines at the top of a file and those after an Include: active as
 * their parent is, or always with no parent.
 */
enum block_kind { B_SAME, B_HOST, B_MATCH };

struct block {
	enum block_kind kind;
	long parent;		/* index of an earlier block, or -1 */
	struct herd_strv patterns;	/* Host patterns, or Match words */
	struct directive *d;
	size_t n, cap;
	char *where;		/* file:line of the Host/Match line */
};

struct sshconf {
	struct block *b;
	size_t n, cap;
};

/* A line being read: where it is, and where its error goes. */
struct line {
	const char *file;	/* NULL for -o */
	size_t lineno;
	const char *text;	/* -o: the option */
	char **err;
};

/* sshcheck.c */
int sshconf_fail(const struct line *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int sshconf_keyword(const char *key, enum kw *);
int sshconf_value(const struct line *, const char *key, enum kw, const char *rest,
    struct herd_strv *words, struct directive *);
int sshconf_check_match(const struct line *, const struct herd_strv *words);

#endif
