/*
 * run.h — herd-run's engine: connections (one SSH session per host, kept
 * as long as wanted), tasks (one channel on a connection: a command), runs
 * (the tasks of one request, framed C..E), clients (where requests come
 * from and records go), one event loop over all of them.
 */
#ifndef HERD_RUN_H
#define HERD_RUN_H

#include <signal.h>
#include <stdio.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "herd.h"
#include "records.h"
#include "sshconf.h"

/* Process-wide settings: how to connect, limits, the output's form. */
struct options {
	char *command;			/* one-shot: as given */
	const char *selection;		/* --selection, for the C record */
	const char *user, *ssh_config;
	int port;
	struct herd_strv identities;	/* -i */
	struct herd_strv ssh_options;	/* -o */
	long long concurrency;
	long long timeout_ms, connect_timeout_ms;	/* -1: not given */
	long long default_timeout_ms, default_connect_timeout_ms;
	long long keepalive_ms;		/* --serve: probe an idle connection; 0 none */
	int config_timeout;		/* the default timeout is the config's */
	size_t max_output, max_total_output;
	int accept_new, insecure, sudo, ask_become_pass, ask_pass, json;
	int ping, ping_auth, dry_run, show_config, serve;
	char *password, *become_password;
	char become_prompt[48];
	struct sshconf *sshconf;
	const char *kind, *series, *compare;	/* one-shot: for the C record */
	long long seq;				/* -1: none */
	int stream;				/* --stream: L records as output arrives */
	const char *stdin_file;			/* --stdin-file: every command's input */
	int stdin_fd;				/* ... open, if a regular file; else -1 */
	struct herd_buf stdin_data;		/* ... else read here */
	size_t stdin_len;			/* ... its size */
	char *mux_config;			/* defaults.mux: auto or no */
	struct every *every;			/* --every: the iterations */
	struct follow *follow;			/* --follow: streams kept up */
	const char *output_dir, *output_name;	/* --output-dir: stdout to files */
};

enum job_status { S_OK, S_NONZERO, S_FAILED, S_TIMEOUT };

/* How something ended badly: status, reason, and what to do about it. */
struct outcome {
	enum job_status status;
	char *error;
	const char *hint;
	char *hint_own;		/* the hint, when made for this one */
};

/* unknown host keys: refused, added to known_hosts, or (--insecure) let be */
enum hostkeys { HK_STRICT, HK_ACCEPT_NEW, HK_INSECURE };

/* where a task's command timeout comes from, for the hint when it fires */
enum timeout_from { TO_OPTION, TO_GROUP, TO_CONFIG, TO_DEFAULT };

enum conn_state {
	C_IDLE,		/* not connected: never, or closed */
	C_CONNECT, C_AUTH,
	C_BANNER,	/* --ping: reading the server's version line */
	C_UP,		/* authenticated (or pinged): tasks may run */
	C_FAILED	/* connecting failed, or the connection broke */
};

struct task;

/* A host and its SSH session. */
struct conn {
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
	long long connect_timeout_ms;	/* 0: none */
	struct sshhost *sh;	/* -G: the ssh_config settings */

	enum conn_state state;
	ssh_session session;
	int fd, own_fd;		/* own_fd: a --ping socket, not libssh's */
	int ep_fd;		/* fd as registered with the engine's epoll, or -1 */
	short ep_events;	/* ... for these poll events */
	int tcp_up, auth_step;
	size_t key_index;
	char *key_problem;	/* a key that could not be used, for the hint */
	int key_bad_mode;	/* ... because of its permissions */
	long long started, deadline, idle_since;
	struct herd_buf banner;	/* --ping: the server's version line */
	struct outcome fail;	/* C_FAILED: why */
	int was_up;		/* C_FAILED after C_UP: down, not failed */
	unsigned long failed_tick;	/* the engine's tick when it failed */
	int used;		/* tasks that run or ran on it */
	struct fwd_host *fwd;	/* --forward: the host's forward */
	size_t nchannels;	/* ... its channels on this connection */
	struct task **tasks;	/* the tasks waiting for it or running on it */
	size_t ntasks, tcap;
};

enum task_state {
	T_WAIT,		/* for its turn */
	T_CONN,		/* for its connection */
	T_OPEN, T_PTY, T_EXEC, T_READ, T_STOP, T_DONE
};

struct stream {
	struct herd_buf buf;
	size_t dropped;		/* bytes beyond --max-output or --max-total-output */
	int over_total;		/* some of them beyond --max-total-output */
	size_t sent;		/* --stream: bytes of buf written as L records */
	long long partial_since;	/* ... a partial line waiting since, or 0 */
};

struct run;

/* One command on one host's connection. */
struct task {
	const struct options *opts;
	struct run *run;
	struct conn *conn;
	enum task_state state;
	ssh_channel channel;
	struct ssh_channel_callbacks_struct callbacks;
	long long timeout_ms;	/* 0: none */
	enum timeout_from timeout_from;
	long long started, exec_started, deadline;
	int sudo_state;		/* --ask-become-pass: 0 no prompt yet, 1 answered, 2 done, 3 refused */
	struct herd_buf sudo;	/* the pty's output until then */
	struct stream out, err;
	size_t held;		/* output bytes kept, of --max-total-output */
	int got_exit, exit_code, reaped;
	struct outcome res;	/* status; failed and timeout: why */
	int stop_signal_sent;	/* in T_STOP: 1 after TERM, 2 after KILL */
	size_t stdin_off;	/* bytes of the run's stdin sent */
	uint32_t stdin_window;	/* the channel's window before the first byte */
	size_t stdin_cap;	/* bytes in flight at most; 0 the window's */
	int stdin_done;		/* ... and the EOF */
	char *command;		/* its own (a P record's), sudo-wrapped; NULL: the run's */
	struct fileout *file;	/* --output-dir: its stdout's file */
};

struct client;

/* A request's settings and its tasks, one per host. */
struct run {
	struct herd_run c;	/* what its C record says */
	char *remote_command;	/* with sudo wrapping */
	long long timeout_ms;	/* -1: the hosts' own, else the default */
	int stream, sudo, has_stdin;
	int follow;		/* --follow: output not kept, stdin left open */
	struct herd_buf stdin_data;	/* a request's stdin, its own */
	const char *stdin_p;	/* the stdin sent: stdin_data's, or --stdin-file's */
	int stdin_fd;		/* --stdin-file's regular file, read where sent; else -1 */
	size_t stdin_len;
	struct task *tasks;
	size_t ntasks, next, nactive, ndone;
	long long count[HERD_NSTATUS];
	int cancelled;
	unsigned long tick;	/* the engine's tick when it came */
	struct client *client;
};

/* A client's queued output past which its connections stop being read. */
#define OUTQ_HIGH (8u << 20)

/* Where requests come from and the records go: stdin/stdout, or a socket. */
struct outq {
	int fd;
	struct herd_buf buf;
	size_t head;
	int nonblock_set;	/* O_NONBLOCK was set here, to be undone */
	int err;		/* the write error, if any */
	FILE *f;		/* records written here land in buf */
};

struct client {
	int in_fd;		/* -1: no more requests */
	int sock;		/* a socket's: closed with the client */
	struct herd_lines in;	/* bytes read, not yet a whole line */
	struct outq out;
	struct herd_map names;	/* its H records' names -> index in hosts */
	struct conn **hosts;	/* ... the connection of each */
	int *said;		/* ... the state last said in an S record, or -1 */
	size_t nhosts, hcap;
	struct herd_host_command *pend;	/* P records for the next request */
	size_t npend, pcap;
	size_t line;
};

/* fileout.c: --output-dir */
int fileout_name_ok(const char *name);
void fileout_data(struct task *, const void *data, size_t len);
void fileout_finish(struct task *);
void fileout_discard(struct task *);

/* classify.c */
void outcome_fail(struct outcome *, enum job_status, char *error, const char *hint);
void outcome_hint(struct outcome *, char *hint);
void outcome_copy(struct outcome *dst, const struct outcome *src);
void outcome_free(struct outcome *);
void classify(struct outcome *, const char *msg);

/* setup.c */
int conn_init(struct conn *, const struct herd_host *, const struct options *, char **err);
void task_timeout(struct task *, const struct options *);

/* conn.c */
void conn_start(struct conn *, const struct options *, long long now);
void conn_advance(struct conn *, const struct options *, long long now);
void conn_close(struct conn *);
void conn_drop(struct conn *);
void conn_free(struct conn *);
void conn_fail(struct conn *, enum job_status, char *error, const char *hint);
short conn_poll_events(const struct conn *);
void conn_attach(struct conn *, struct task *);
void conn_detach(struct conn *, struct task *);
int conn_check_alive(struct conn *, long long now, long long keepalive_ms);
int conn_read(struct conn *);

/* task.c */
void task_begin(struct task *, const struct options *, long long now);
void task_advance(struct task *, const struct options *, long long now);
void task_stop(struct task *, enum job_status, const char *why, long long now);
void task_conn_failed(struct task *, long long now);
void task_free(struct task *);
void task_fail(struct task *, enum job_status, char *error, const char *hint);
void task_keep(struct task *, struct stream *, const void *, size_t);
void task_unhold(struct task *, size_t);
size_t output_held(void);
int task_busy(const struct task *);
int task_feeding(const struct task *);	/* stdin still to send */

/* sudo.c */
void answer_sudo(struct task *, const struct options *, long long now);
void sudo_settle(struct task *, const struct options *);
void sudo_hint(struct task *, const struct options *);
char *sudo_wrap(const char *command, int sudo, const struct options *);

/* auth.c */
int authenticate(struct conn *, const struct options *);
void keys_preload(struct conn **, size_t n);
ssh_key keys_get(const char *path, const char **problem, int *bad_mode);
void keys_free(void);
char *ask_secret(const char *prompt);

/* knownhosts.c */
int known_hosts_confirm_unknown(const struct conn *, char **why);
int known_hosts_create(const char *file, char **why);

/* ping.c */
void ping_start(struct conn *, long long now);
void ping_read(struct conn *, long long now);

/* proxy.c */
char *proxy_command_line(struct conn *);
void proxy_blame(struct conn *);
void proxy_cleanup(void);

/* outq.c */
void outq_init(struct outq *, int fd);
int outq_pending(const struct outq *);
int outq_full(const struct outq *);
void outq_drain(struct outq *);
void outq_flush_all(struct outq *);
void outq_free(struct outq *);

/* emit.c */
void emit_begin(struct run *, const struct options *);
void emit_result(struct task *, const struct options *, long long now);
void emit_end(struct run *, const struct options *);
void emit_state(struct client *, const struct conn *, enum herd_conn);

/* fdlimit.c */
void fit_file_limit(struct options *, size_t nhosts);

/* hosts.c */
void read_hosts(FILE *, struct herd_hostlist *, FILE *pass);

/* engine.c */
extern volatile sig_atomic_t interrupted, terminated;
extern int wake[2];		/* self-pipe: a signal wakes up poll */
struct engine {
	struct options *opts;
	struct conn **conns;
	size_t nconns, ccap;
	struct run **runs;
	size_t nruns, rcap;
	struct client **clients;
	size_t nclients, clcap;
	struct herd_map conn_index;	/* a host's H record -> its conn */
	struct herd_strv conn_keys;	/* ... the H records */
	size_t active;			/* tasks past T_WAIT, not done */
	int keep;			/* --serve: connections outlive their tasks */
	int stopping;			/* interrupted, or the output is gone */
	unsigned long tick;		/* counts the runs */
	int listen_fd;			/* --socket */
	int epfd;			/* the connections' sockets; -1 until the loop */
	long long idle_timeout_ms, idle_since;
	long long total[HERD_NSTATUS];
	struct every *every;		/* --every: runs repeated, connections kept */
	struct follow *follow;		/* --follow: streams tried again, connections kept */
	struct forward *forward;	/* --forward: ports forwarded, connections kept */
};
struct conn *engine_conn(struct engine *, const struct herd_host *, char **why);
struct run *engine_run_new(struct engine *, struct client *, const struct herd_run *c);
void engine_run_add(struct engine *, struct run *, struct conn *);
void engine_run_start(struct engine *, struct run *);
void engine_run_free(struct run *);
void engine_cancel(struct engine *, struct run *, const char *why, long long now);
void engine_loop(struct engine *);
void engine_free(struct engine *);

/* every.c: --every */
struct every_opts {
	long long interval_ms;		/* -1: no --every */
	long long count;		/* -1: until stopped */
	int until_change, until_ok;
	const struct herd_strv *ignore;
};
struct every *every_new(const struct every_opts *, struct options *, char **err);
void every_hosts(struct every *, const struct herd_hostlist *, struct client *);
void every_free(struct every *);
long long every_wait(const struct every *);
void every_due(struct engine *, long long now);
void every_result(struct every *, const struct herd_result *);
void every_end(struct every *, const struct run *, long long now);
const long long *every_counts(const struct every *);

/* follow.c: --follow */
char *follow_wrap(const char *command);
struct follow *follow_new(struct options *, const char *resume);
void follow_free(struct follow *);
void follow_start(struct engine *, const struct herd_hostlist *, struct client *);
void follow_result(struct follow *, const struct task *, const struct herd_result *);
long long follow_wait(const struct follow *);
void follow_due(struct engine *, long long now);
void follow_forget(struct task *, struct stream *);

/* herd-run.c */
struct run *one_run(struct engine *, struct client *, const struct herd_hostlist *);

/* serve.c */
struct client *client_new(struct engine *, int in_fd, int out_fd);
void client_watch(struct client *, struct conn *);
void serve_stdin(struct engine *);
void client_read(struct engine *, struct client *);
void client_free(struct client *);
void serve_states(struct engine *);
void serve_accept(struct engine *);
void serve_gone(struct engine *, long long now);

/* stream.c */
void stream_output(struct task *, long long now);
long long stream_due(const struct task *);
void stream_flush(struct task *, long long now, int all);

/* show.c */
void dry_run(const struct run *, const struct options *);
void show_config(const struct run *);
const char *show_duration(long long ms, char *buf, size_t len);

#endif
