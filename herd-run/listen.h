/*
 * listen.h — the per-user mux (lib/mux.h): the server's listening socket
 * (listen.c) and a one-shot herd-run's run handed to a mux (mux_client.c).
 */
#ifndef HERD_RUN_LISTEN_H
#define HERD_RUN_LISTEN_H

#include "herd.h"
#include "mux.h"

/*
 * listen.c: the socket of herd-run --serve --socket PATH.
 *
 * listen_open: PATH made a listening unix socket (0600, non-blocking,
 * CLOEXEC) and PATH.pid written ("PID IDLE_TIMEOUT_MS", 0600).  A socket
 * file nothing answers on (left by a kill -9) is replaced; one a server
 * answers on is an error ("a mux is already running on PATH").  The
 * descriptor, or -1 with *why (to free).
 */
int listen_open(const char *path, long long idle_timeout_ms, char **why);
/*
 * A client of the socket: its descriptor (non-blocking, CLOEXEC), or -1:
 * nothing to accept (*why NULL), or a peer refused or an error (*why set,
 * to free).  A peer that is not our own uid is closed at once.
 */
int listen_accept(int lfd, char **why);
/* The socket and the pid file removed (if still ours), the descriptor closed. */
void listen_close(int lfd, const char *path);

/*
 * mux_client.c: a one-shot herd-run's run handed to a mux.
 *
 * mux_client_open: the mux to use for --mux MODE (auto, no, or a socket
 * path), or -1: run directly.  auto (and a path) use the mux answering on
 * the settings' path (the path given), and start one there if none answers
 * (herd-run --serve --socket ..., PROGRAM being this herd-run); when that
 * fails, a warning is said and -1 returned.
 */
int mux_client_open(const char *mode, const struct herd_mux_settings *,
    long long idle_timeout_ms);

/* The run, as the one-shot's options say. */
struct mux_request {
	const struct herd_host *hosts;	/* the H records read (sent to the mux) */
	size_t nhosts;
	const char *command;
	long long timeout_ms;		/* --timeout; -1: each host's own or the default */
	int stream, sudo, json;		/* --stream, --sudo, --json */
	const void *stdin_data;		/* --stdin-file's bytes; NULL: stdin at EOF */
	size_t stdin_len;
	const char *selection, *kind, *series, *compare;	/* for the C record */
	long long seq;			/* -1: none */
};

/*
 * The run through the mux on FD (from mux_client_open, closed here): its
 * C, L, R and E (or JSON objects) written to stdout as the mux sends them;
 * the header and the H records are the caller's to write before.  SIGINT,
 * SIGTERM and SIGHUP cancel the run (X) and its end is still awaited; a
 * second one leaves at once.  A mux gone mid-run gives each host without
 * a result an R failed "the mux went away".  The exit status: 0, 1 (some
 * host not ok), 2 (the mux refused a host's settings), 3 (the mux went
 * away, or writing failed), 130 (interrupted).
 */
int mux_client_run(int fd, const struct mux_request *);

#endif
