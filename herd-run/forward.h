/*
 * forward.h — herd-run --forward SPEC: one local port forward per host,
 * each accepted connection a direct-tcpip channel on the host's kept
 * connection (forward.c: listeners, hosts, reconnecting; forward_link.c:
 * one accepted connection and its channel).
 */
#ifndef HERD_RUN_FORWARD_H
#define HERD_RUN_FORWARD_H

#include "run.h"
#include "fwdspec.h"

enum fwd_what { F_LISTEN, F_LINK };

struct fwd_link;

/* A host's forward: its listener and the connections through it. */
struct fwd_host {
	enum fwd_what what;	/* F_LISTEN: first, for the engine's poll */
	struct forward *fwd;
	struct conn *conn;
	int lfd;		/* the listening socket */
	int lport;
	long long due;		/* the next connect attempt (monotonic ms), or -1 */
	long long backoff;	/* ... and the wait before the one after */
	int was_up;		/* the forward was up once */
	struct fwd_link **links;
	size_t nlinks, lcap;
};

struct forward {
	struct herd_fwdspec spec;
	char *text;		/* the spec, normalized: the C record's command */
	char *run_id;
	long long started_ms, first_ms;
	struct fwd_host *h;
	size_t n;
	struct client *client;
	int epfd;		/* the ports and the local connections */
};

/* forward.c */
struct forward *forward_new(const char *spec, char **why);
int forward_listen(struct forward *, const struct herd_hostlist *, char **why);
void forward_start(struct engine *, const struct herd_hostlist *, struct client *);
void forward_tick(struct engine *, long long now);
long long forward_wait(const struct forward *);
int forward_fd(struct forward *);
void forward_events(struct engine *, long long now);
void forward_conn(struct engine *, struct conn *, long long now);
void forward_lost(struct engine *, struct conn *);
void forward_end(struct engine *);
void forward_free(struct forward *);

/* forward_link.c */
struct fwd_link *link_new(struct fwd_host *, int fd, const char *peer, int peer_port);
/* Its socket registered with EPFD for what it can do now (or not at all). */
void link_arm(struct fwd_link *, int epfd);
int link_fd(const struct fwd_link *);
struct fwd_host *link_host(const struct fwd_link *);
int link_waiting(const struct fwd_link *);	/* for its connection or channel */
/* Go as far as it can without blocking; 0, or -1 when it is over (to free). */
int link_pump(struct fwd_link *);
void link_free(struct fwd_link *);

#endif
