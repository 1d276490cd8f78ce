/* mux_client.h — inside the mux client: the talk (mux_client.c), the relay (mux_relay.c). */
#ifndef HERD_RUN_MUX_CLIENT_H
#define HERD_RUN_MUX_CLIENT_H

#include "listen.h"
#include "records.h"

struct mux_client {
	int fd;
	const struct mux_request *req;
	char *run;			/* its id, made here */
	long long started_ms, started_mono;
	struct herd_buf send;		/* for the mux ... */
	size_t sent;			/* ... and how much of it went */
	size_t qline;			/* the request's line in what was sent */
	struct herd_lines in;
	struct herd_rec rec;
	struct herd_map names;		/* host name -> index in req->hosts */
	char *got;			/* per host: its result relayed */
	long long count[HERD_NSTATUS];
	int began, ended;		/* the run's C, its E relayed */
	int gone;			/* the mux went away before the E */
	int left;			/* a second signal: left at once */
	int refused;			/* the mux refused: the exit status */
	int host_refused;		/* ... a host's H record first */
};

/* mux_relay.c */
void relay_init(struct mux_client *);
void relay_line(struct mux_client *, const char *line, size_t len);
void relay_flush(struct mux_client *);
void relay_missing(struct mux_client *, const char *why);
int relay_status(struct mux_client *, int interrupted);
void relay_free(struct mux_client *);

#endif
