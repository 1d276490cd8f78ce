/*
 * fwdspec.h — a local forward's specification, [BIND:]LPORT:RHOST:RPORT
 * as ssh -L takes it (BIND and RHOST may be [IPv6] addresses); read by
 * herd-run --forward and by the view of its records (herd-group --tunnel).
 */
#ifndef HERD_FWDSPEC_H
#define HERD_FWDSPEC_H

struct herd_fwdspec {
	char *bind;		/* without brackets; 127.0.0.1 when not given */
	int lport;
	char *rhost;		/* without brackets */
	int rport;
};

/* 0, or -1 with *why (a static message) for a bad specification. */
int herd_fwdspec_parse(const char *, struct herd_fwdspec *, const char **why);
/* BIND:LPORT:RHOST:RPORT, BIND always given, addresses bracketed as needed (to free). */
char *herd_fwdspec_text(const struct herd_fwdspec *);
/* HOST:PORT, HOST bracketed when it has a ':' (to free). */
char *herd_fwdspec_addr(const char *host, int port);
void herd_fwdspec_free(struct herd_fwdspec *);

#endif
