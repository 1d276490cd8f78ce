/* run.h — herd-run's jobs and options. */
#ifndef HERD_RUN_H
#define HERD_RUN_H

#include <signal.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "herd.h"
#include "sshconf.h"

struct options {
	char *command;			/* as given */
	char *remote_command;		/* with sudo wrapping */
	const char *selection;		/* --selection, for the C record */
	const char *user, *ssh_config;
	int port;
	struct herd_strv identities;	/* -i */
	struct herd_strv ssh_options;	/* -o */
	long long concurrency;
	long long timeout_ms, connect_timeout_ms;	/* -1: not given */
	long long default_timeout_ms, default_connect_timeout_ms;
	int config_timeout;		/* the default timeout is the config's */
	size_t max_output, max_total_output;
	int accept_new, insecure, sudo, ask_become_pass, ask_pass, json;
	int ping, ping_auth, dry_run, show_config;
	char *password, *become_password;
	char become_prompt[48];
	struct sshconf *sshconf;
	char *run_id;
	const char *kind, *series, *compare;	/* for the C record */
	long long seq;				/* -1: none */
	int stream;				/* --stream: L records as output arrives */
	const char *stdin_file;			/* --stdin-file: every command's input */
	struct herd_buf stdin_data;
};

enum job_state {
	J_WAIT, J_CONNECT, J_AUTH, J_OPEN, J_PTY, J_EXEC, J_READ, J_STOP, J_DONE,
	J_BANNER	/* --ping: reading the server's version line */
};

enum job_status { S_OK, S_NONZERO, S_FAILED, S_TIMEOUT };

/* unknown host keys: refused, added to known_hosts, or (--insecure) let be */
enum hostkeys { HK_STRICT, HK_ACCEPT_NEW, HK_INSECURE };

struct stream {
	struct herd_buf buf;
	size_t dropped;		/* bytes beyond --max-output or --max-total-output */
	int over_total;		/* some of them beyond --max-total-output */
	size_t sent;		/* --stream: bytes of buf written as L records */
	long long partial_since;	/* ... a partial line waiting since, or 0 */
};

/* where a job's command timeout comes from, for the hint when it fires */
enum timeout_from { TO_OPTION, TO_GROUP, TO_CONFIG, TO_DEFAULT };

struct job {
	const struct options *opts;
	struct herd_host host;
	char *target;		/* hostname to connect to */
	char *user;
	int port;
	struct herd_strv keys;	/* identity files, expanded */
	int use_agent, try_password;
	char *known_hosts, *global_known_hosts, *kex;
	char *proxy;		/* the command run to reach the host, expanded */
	char *jump;		/* ... for this ProxyJump, expanded */
	char *proxy_stderr;	/* the file that has the proxy's stderr */
	enum hostkeys hostkeys;
	long long connect_timeout_ms, timeout_ms;	/* 0: none */
	enum timeout_from timeout_from;
	struct sshhost *sh;	/* -G: the ssh_config settings */

	enum job_state state;
	ssh_session session;
	ssh_channel channel;
	struct ssh_channel_callbacks_struct callbacks;
	int tcp_up, auth_step;
	int sudo_state;		/* --ask-become-pass: 0 no prompt yet, 1 answered, 2 done, 3 refused */
	struct herd_buf sudo;	/* the pty's output until then */
	size_t key_index;
	long long started, exec_started, deadline;
	int fd, own_fd;		/* own_fd: a --ping socket, not libssh's */

	struct stream out, err;
	size_t held;		/* output bytes kept, of --max-total-output */
	int got_exit, exit_code;
	enum job_status status;
	char *error;		/* failed/timeout: the reason */
	const char *hint;
	char *hint_own;		/* the hint, when made for this job */
	char *key_problem;	/* a key that could not be used, for the hint */
	int key_bad_mode;	/* ... because of its permissions */
	int stop_signal_sent;	/* in J_STOP: 1 after TERM, 2 after KILL */
	int streamed;		/* --stream: some L record written */
	size_t stdin_off;	/* --stdin-file: bytes sent */
	int stdin_done;		/* ... and the EOF */
};

/* setup.c */
int job_init(struct job *, const struct herd_host *, const struct options *, char **err);

/* job.c */
void job_start(struct job *, const struct options *, long long now);
void job_advance(struct job *, const struct options *, long long now);
void job_stop(struct job *, enum job_status, const char *why, long long now);
void job_free(struct job *);
void job_fail(struct job *, enum job_status, char *error, const char *hint);
void job_hint(struct job *, char *hint);
void job_fail_ssh(struct job *);
void job_keep(struct job *, struct stream *, const void *, size_t);
void job_unhold(struct job *, size_t);
size_t output_held(void);
short job_poll_events(const struct job *);

/* sudo.c */
void answer_sudo(struct job *, const struct options *, long long now);
void sudo_settle(struct job *);
void sudo_hint(struct job *);

/* auth.c */
int authenticate(struct job *, const struct options *);
void keys_preload(struct job *, size_t n);
ssh_key keys_get(const char *path, const char **problem, int *bad_mode);
void keys_free(void);
char *ask_secret(const char *prompt);

/* knownhosts.c */
int known_hosts_confirm_unknown(const struct job *, char **why);
int known_hosts_create(const char *file, char **why);

/* ping.c */
void ping_start(struct job *, long long now);
void ping_read(struct job *, long long now);

/* classify.c */
void classify(struct job *, const char *msg);

/* proxy.c */
char *proxy_command_line(struct job *);
void proxy_blame(struct job *);
void proxy_cleanup(void);

/* loop.c */
struct counts {
	long long n[4];		/* by enum job_status */
};
extern volatile sig_atomic_t interrupted;
extern int wake[2];		/* self-pipe: a signal wakes up poll */
extern int out_errno;		/* the error writing standard output, if any */
void fit_file_limit(struct options *, size_t nhosts);
void read_hosts(FILE *, struct herd_hostlist *, int pass);
void emit(struct job *, const struct options *, long long now);
void run_all(struct job *, size_t n, struct options *, struct counts *);

/* stream.c */
void stream_output(struct job *, long long now);
long long stream_due(const struct job *);
void stream_flush(struct job *, long long now, int all);
void stream_push(void);

/* show.c */
void dry_run(struct job *, size_t n, const struct options *);
void show_config(struct job *, size_t n);
const char *show_duration(long long ms, char *buf, size_t len);

#endif
