/*
 * mux.h — the per-user mux: a serving herd-run on a unix socket
 * (herd-run --serve --socket PATH) that keeps SSH connections for the
 * one-shot herd-runs of the same user and the same SSH settings, as
 * OpenSSH's ControlMaster does.  Shared by herd-run and herd mux.
 */
#ifndef HERD_MUX_H
#define HERD_MUX_H

#include <sys/types.h>

#include "herd.h"

#define HERD_MUX_IDLE_MS (10LL * 60 * 1000)	/* --idle-timeout's default */
#define HERD_MUX_START_MS 2000			/* how long a start may take */
#define HERD_MUX_DEFAULT "no"			/* --mux's default: auto | no */

/*
 * What makes a connection: two herd-runs share a mux only when these are
 * the same (the socket's name is their hash, like ControlPath %C).  Paths
 * may be relative: they are taken from the current directory.
 */
struct herd_mux_settings {
	const char *config;		/* -c; NULL: $HERD_CONFIG, else the default */
	const char *ssh_config;		/* -F; NULL: none given */
	char *const *identities;	/* -i, in the order given */
	size_t nidentities;
	char *const *options;		/* -o, in the order given */
	size_t noptions;
	const char *user;		/* -l; NULL: none */
	int port;			/* -p; 0: none */
	int accept_new, insecure;	/* --accept-new, --insecure */
	long long connect_timeout_ms;	/* --connect-timeout; -1: not given */
};

/*
 * The directory of the sockets, created 0700: $XDG_RUNTIME_DIR/herd, or
 * /tmp/herd-UID without an absolute XDG_RUNTIME_DIR.  One owned by another
 * user, open to group or others, or not a directory is refused: NULL, with
 * *why (to free).
 */
char *herd_mux_dir(char **why);
/* DIR/mux-HASH.sock for the settings (to free), or NULL with *why. */
char *herd_mux_path(const struct herd_mux_settings *, char **why);
/* The 12 hex digits of the settings' hash. */
void herd_mux_hash(const struct herd_mux_settings *, char hex[13]);

/*
 * A connection to the mux on PATH: its descriptor (blocking, CLOEXEC), the
 * server's pid in *pid (if not NULL); -1 with errno when none answers
 * (ENOENT, ECONNREFUSED: no mux; EPERM: a server of another user).
 */
int herd_mux_connect(const char *path, pid_t *pid);
int herd_mux_live(const char *path);	/* 1: a mux answers on PATH */

/* PATH.pid: "PID IDLE_TIMEOUT_MS", 0600.  0, or -1 with errno. */
char *herd_mux_pidfile(const char *path);	/* to free */
int herd_mux_pid_write(const char *path, long long idle_timeout_ms);
int herd_mux_pid_read(const char *path, pid_t *pid, long long *idle_timeout_ms);
/* PATH.lock, held (flock) while a socket is put in place or taken away: a descriptor, or -1. */
int herd_mux_lock(const char *path);
void herd_mux_unlock(int lockfd);

/* The command line that serves the settings on PATH (herd-run first). */
void herd_mux_argv(const struct herd_mux_settings *, const char *path,
    long long idle_timeout_ms, struct herd_strv *argv);
/*
 * Start PROGRAM (herd-run) serving the settings on PATH, in a session of
 * its own, its stdin and stdout /dev/null, its stderr PATH.log; wait for
 * the socket to answer (HERD_MUX_START_MS at most).  Its pid, or -1 with
 * *why (to free).
 */
pid_t herd_mux_spawn(const char *program, const struct herd_mux_settings *,
    const char *path, long long idle_timeout_ms, char **why);

#endif
