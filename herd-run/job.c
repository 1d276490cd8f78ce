/*
 * One host's run as a state machine over non-blocking libssh: each call to
 * job_advance goes as far as it can without blocking, then returns; the
 * event loop in herd-run.c calls it again when the socket is ready.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "run.h"

#define STOP_GRACE_MS 500	/* between TERM and KILL for a stopped command */
#define SUDO_MAX 4096		/* what sudo may say before the command runs */

static size_t held;		/* output bytes all jobs hold, for --max-total-output */

size_t
output_held(void)
{
	return held;
}

void
job_free(struct job *j)
{
	if (j->own_fd && j->fd >= 0)
		close(j->fd);
	if (j->channel)
		ssh_channel_free(j->channel);
	if (j->session) {
		ssh_disconnect(j->session);
		ssh_free(j->session);
	}
	held -= j->held;
	herd_host_free(&j->host);
	free(j->target);
	free(j->user);
	herd_strv_free(&j->keys);
	free(j->known_hosts);
	free(j->global_known_hosts);
	free(j->proxy);
	free(j->jump);
	if (j->proxy_stderr)
		unlink(j->proxy_stderr);
	free(j->proxy_stderr);
	free(j->kex);
	if (j->sh) {
		sshhost_free(j->sh);
		free(j->sh);
	}
	herd_buf_free(&j->out.buf);
	herd_buf_free(&j->err.buf);
	herd_buf_free(&j->sudo);
	free(j->error);
	free(j->hint_own);
	free(j->key_problem);
	memset(j, 0, sizeof *j);
	j->fd = -1;
}

/* Output that no longer counts against --max-total-output. */
void
job_unhold(struct job *j, size_t n)
{
	held -= n;
	j->held -= n;
}

void
job_fail(struct job *j, enum job_status status, char *error, const char *hint)
{
	free(j->error);
	j->error = error;
	j->hint = hint;
	j->status = status;
	j->state = J_DONE;
}

/* A hint made for this job (the job frees it). */
void
job_hint(struct job *j, char *hint)
{
	free(j->hint_own);
	j->hint = j->hint_own = hint;
}

void
job_fail_ssh(struct job *j)
{
	classify(j, ssh_get_error(j->session));
	j->status = S_FAILED;
	j->state = J_DONE;
}

/*
 * Room for more output: a quarter more each time, not double, and without
 * herd_buf's zeroing, so that the memory held stays close to the output
 * held (large blocks are mapped: the untouched tail costs nothing).
 */
static void
reserve(struct herd_buf *b, size_t more)
{
	size_t want = b->len + more + 1, cap;

	if (want <= b->cap)
		return;
	cap = b->cap + b->cap / 4;
	if (cap < want)
		cap = want;
	if (cap < 1024)
		cap = 1024;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void
job_keep(struct job *j, struct stream *s, const void *data, size_t len)
{
	const struct options *o = j->opts;
	size_t room = s->buf.len < o->max_output ? o->max_output - s->buf.len : 0;
	size_t total = held < o->max_total_output ? o->max_total_output - held : 0;

	if (total < room) {
		room = total;
		if (len > room)
			s->over_total = 1;
	}
	if (len > room) {
		s->dropped += len - room;
		len = room;
	}
	if (!len)
		return;
	reserve(&s->buf, len);
	herd_buf_add(&s->buf, data, len);
	held += len;
	j->held += len;
}

static int
on_data(ssh_session session, ssh_channel channel, void *data, uint32_t len,
    int is_stderr, void *userdata)
{
	struct job *j = userdata;
	const struct options *o = j->opts;

	/* Until sudo is answered, what the pty says is sudo's, kept apart. */
	if (o->ask_become_pass && j->sudo_state == 3)
		;	/* sudo refused the password: its words are not output */
	else if (o->ask_become_pass && j->sudo_state < 2 && !is_stderr &&
	    j->sudo.len + len <= SUDO_MAX) {
		herd_buf_add(&j->sudo, data, len);
		held += len;
		j->held += len;
	} else {
		job_keep(j, is_stderr ? &j->err : &j->out, data, len);
		if (o->stream)
			stream_output(j, herd_mono_ms());
	}
	return (int)len;
}

static void
on_exit_status(ssh_session session, ssh_channel channel, int status, void *userdata)
{
	struct job *j = userdata;

	j->got_exit = 1;
	j->exit_code = status;
}

static void
on_exit_signal(ssh_session session, ssh_channel channel, const char *signal,
    int core, const char *errmsg, const char *lang, void *userdata)
{
	static const char *const names[] = { "", "HUP", "INT", "QUIT", "ILL", "TRAP",
		"ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
		"TERM" };
	struct job *j = userdata;
	char *note = xasprintf("[herd: remote command killed by signal %s]\n", signal);
	int i;

	j->got_exit = 1;
	j->exit_code = 128;
	for (i = 1; i < (int)(sizeof names / sizeof names[0]); i++)
		if (!strcmp(signal, names[i]))
			j->exit_code = 128 + i;
	job_keep(j, &j->err, note, strlen(note));
	free(note);
}

/* libssh's settings for the session; -1 (the job failed) on one it refuses. */
static int
set_options(struct job *j)
{
	ssh_session s = j->session;
	int yes = 1, no = 0, rc;
	/* (herd keeps the deadline; libssh's own is for blocking calls) */
	long timeout = j->connect_timeout_ms ? (long)((j->connect_timeout_ms + 999) / 1000) :
	    86400;
	/* libssh expands % in these again: what herd expanded is doubled */
	char *known = sshconf_escape_percent(j->known_hosts);
	char *global = sshconf_escape_percent(j->global_known_hosts);
	char *proxy = j->proxy ? proxy_command_line(j) : NULL;

	if (!herd_valid_user(j->user)) {
		job_fail(j, S_FAILED, xasprintf("bad user name \"%s\"", j->user),
		    "check User in ssh_config");
		rc = -1;
	} else if (ssh_options_set(s, SSH_OPTIONS_HOST, j->target) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &j->port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, j->user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, global) < 0 ||
	    (proxy && ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, proxy) < 0) ||
	    (j->kex && ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, j->kex) < 0)) {
		job_fail(j, S_FAILED, xasprintf("ssh settings refused: %s",
		    ssh_get_error(s)), "check HostName, User and KexAlgorithms for "
		    "this host");
		rc = -1;
	} else {
		rc = 0;
	}
	free(known);
	free(global);
	free(proxy);
	return rc;
}

void
job_start(struct job *j, const struct options *o, long long now)
{
	if (o->ping && !o->ping_auth && !j->proxy) {
		ping_start(j, now);
		job_advance(j, o, now);
		return;
	}
	j->session = ssh_new();
	if (!j->session) {
		job_fail(j, S_FAILED, xstrdup("out of memory"), NULL);
		return;
	}
	j->started = now;
	if (set_options(j) < 0)
		return;
	ssh_set_blocking(j->session, 0);
	j->started = now;
	j->deadline = j->connect_timeout_ms ? now + j->connect_timeout_ms : 0;
	j->state = J_CONNECT;
	job_advance(j, o, now);
}

/*
 * TCP keepalives, probing after a minute idle: a host that vanishes while a
 * long command runs is noticed (like ServerAliveInterval), and NAT state is
 * kept.  A ProxyCommand's socketpair is no TCP socket; nothing to do there.
 */
static void
keepalive(int fd)
{
	int on = 1, idle = 60, interval = 15, count = 4;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

/* The command that removes the old key, from the file that has it. */
static void
changed_key_hint(struct job *j, const char *name)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "if the change is expected, remove the old key with ssh-keygen -R ");
	herd_shell_quote(&b, name);
	herd_buf_adds(&b, " -f ");
	herd_shell_quote(&b, j->known_hosts);
	herd_buf_adds(&b, " and connect again");
	job_hint(j, herd_buf_steal(&b));
}

/* 0 to go on; -1 when the job failed on its host key. */
static int
verify_host_key(struct job *j)
{
	enum ssh_known_hosts_e known = ssh_session_is_known_server(j->session);
	const char *entry = j->port == 22 ? j->target : NULL;
	char *name = entry ? xstrdup(entry) : xasprintf("[%s]:%d", j->target, j->port);
	char *why = NULL;

	switch (known) {
	case SSH_KNOWN_HOSTS_OK:
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		job_fail(j, S_FAILED, xasprintf("changed key: the host key of %s does not "
		    "match %s; possible man-in-the-middle attack, refusing to connect",
		    name, j->known_hosts), NULL);
		changed_key_hint(j, name);
		free(name);
		return -1;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (known_hosts_confirm_unknown(j, &why) < 0) {
			job_fail(j, S_FAILED, xasprintf("host key check failed: %s", why),
			    "herd refuses a host whose known_hosts entry it cannot read; "
			    "check the file and the open-file limit (ulimit -n)");
			free(why);
			free(name);
			return -1;
		}
		if (j->hostkeys == HK_INSECURE)
			break;
		if (j->hostkeys == HK_ACCEPT_NEW) {
			if (known_hosts_create(j->known_hosts, &why) < 0 ||
			    ssh_session_update_known_hosts(j->session) != SSH_OK) {
				char *safe = herd_safe(j->host.name);

				warnx("%s: cannot add the host key to %s: %s", safe,
				    j->known_hosts, why ? why : ssh_get_error(j->session));
				free(safe);
				free(why);
			}
			break;
		}
		job_fail(j, S_FAILED, xasprintf("unknown key: %s is not in %s", name,
		    j->known_hosts),
		    "verify the key once with ssh, or add it with --accept-new");
		free(name);
		return -1;
	default:
		job_fail(j, S_FAILED, xasprintf("host key check failed: %s",
		    ssh_get_error(j->session)), "check the known_hosts file");
		free(name);
		return -1;
	}
	free(name);
	return 0;
}

static void
open_channel(struct job *j)
{
	j->channel = ssh_channel_new(j->session);
	ssh_callbacks_init(&j->callbacks);
	j->callbacks.userdata = j;
	j->callbacks.channel_data_function = on_data;
	j->callbacks.channel_exit_status_function = on_exit_status;
	j->callbacks.channel_exit_signal_function = on_exit_signal;
	ssh_set_channel_callbacks(j->channel, &j->callbacks);
}

static void
finish_read(struct job *j)
{
	if (j->got_exit) {
		j->status = j->exit_code == 0 ? S_OK : S_NONZERO;
		j->state = J_DONE;
		sudo_hint(j);
		return;
	}
	if (ssh_get_status(j->session) & SSH_CLOSED_ERROR || !ssh_is_connected(j->session)) {
		job_fail_ssh(j);
		if (!strstr(j->error, "disconnected")) {
			char *e = xasprintf("disconnected: %s", j->error);

			free(j->error);
			j->error = e;
			j->hint = "the connection dropped while the command ran";
		}
		return;
	}
	job_fail(j, S_FAILED, xstrdup("disconnected: the channel closed without an exit "
	    "status"), "the remote side ended the session early");
}

/*
 * --stdin-file: as much of it as the channel's window takes, then the EOF.
 * A write that would block returns 0; the window's adjust wakes poll.
 */
static void
feed_stdin(struct job *j, const struct options *o)
{
	size_t want;
	int n;

	while (j->stdin_off < o->stdin_data.len) {
		want = o->stdin_data.len - j->stdin_off;
		n = ssh_channel_write(j->channel, o->stdin_data.p + j->stdin_off,
		    (uint32_t)(want > 65536 ? 65536 : want));
		if (n == SSH_ERROR) {
			j->stdin_done = 1;	/* closed: the result says the rest */
			return;
		}
		if (n <= 0)
			return;
		j->stdin_off += (size_t)n;
	}
	ssh_channel_send_eof(j->channel);
	j->stdin_done = 1;
}

static void
read_output(struct job *j, const struct options *o, long long now)
{
	int rc;

	if (o->stdin_file && !j->stdin_done)
		feed_stdin(j, o);
	rc = ssh_channel_poll(j->channel, 0);

	/*
	 * After the remote EOF, ssh_channel_poll no longer reads the socket;
	 * ssh_channel_get_exit_status (non-blocking here) does, until the exit
	 * status or the close arrives.
	 */
	if (rc == SSH_EOF && !j->got_exit)
		ssh_channel_get_exit_status(j->channel);
	if (rc == SSH_ERROR) {
		finish_read(j);
		return;
	}
	if (o->ask_become_pass && j->sudo_state < 2)
		answer_sudo(j, o, now);
	if (j->state != J_READ)
		return;
	if ((rc == SSH_EOF && j->got_exit) || ssh_channel_is_closed(j->channel))
		finish_read(j);
}

static void
connect_timed_out(struct job *j)
{
	char d[32];

	job_fail(j, S_FAILED, xasprintf("connect: timed out after %s",
	    herd_format_duration(j->connect_timeout_ms, d, sizeof d)),
	    "host down, or the port filtered or not speaking SSH? "
	    "raise --connect-timeout if it is just slow");
	if (j->proxy)
		proxy_blame(j);
}

/* Stop the command; a timeout the user did not choose says how to change it. */
static void
command_timed_out(struct job *j, long long now)
{
	char d[32], *why;

	herd_format_duration(j->timeout_ms, d, sizeof d);
	why = xasprintf("timed out after %s; the remote command was stopped", d);
	job_stop(j, S_TIMEOUT, why, now);
	free(why);
	switch (j->timeout_from) {
	case TO_DEFAULT:
		job_hint(j, xasprintf("%s is the default timeout: raise it with --timeout "
		    "or defaults.timeout in the config, or --timeout 0 for none", d));
		break;
	case TO_CONFIG:
		job_hint(j, xasprintf("%s is defaults.timeout of the config: raise it "
		    "there or with --timeout, or --timeout 0 for none", d));
		break;
	case TO_GROUP:
		job_hint(j, xasprintf("%s is the host's own timeout (from its group in "
		    "the config): raise it there or with --timeout, or --timeout 0 for "
		    "none", d));
		break;
	case TO_OPTION:
		break;
	}
}

void
job_advance(struct job *j, const struct options *o, long long now)
{
	int rc;

	for (;;) {
		if (j->deadline && now >= j->deadline && j->state != J_DONE &&
		    j->state != J_STOP) {
			if (j->state == J_READ)
				command_timed_out(j, now);
			else
				connect_timed_out(j);
			continue;
		}
		switch (j->state) {
		case J_CONNECT:
			rc = ssh_connect(j->session);
			if (j->fd < 0 && (j->fd = ssh_get_fd(j->session)) >= 0)
				keepalive(j->fd);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				job_fail_ssh(j);
				proxy_blame(j);
				continue;
			}
			if (verify_host_key(j) == 0)
				j->state = o->ping && !o->ping_auth ? J_DONE : J_AUTH;
			if (j->state == J_DONE && j->status == S_OK)
				j->got_exit = 1;
			continue;
		case J_AUTH:
			rc = authenticate(j, o);
			if (rc == SSH_AUTH_AGAIN)
				return;
			if (rc == SSH_AUTH_SUCCESS) {
				j->state = o->ping ? J_DONE : J_OPEN;
				j->got_exit = o->ping;
			}
			continue;
		case J_OPEN:
			if (!j->channel)
				open_channel(j);
			rc = ssh_channel_open_session(j->channel);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				job_fail_ssh(j);
				continue;
			}
			j->state = o->ask_become_pass ? J_PTY : J_EXEC;
			continue;
		case J_PTY:
			rc = ssh_channel_request_pty_size(j->channel, "xterm", 200, 50);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				job_fail_ssh(j);
				continue;
			}
			j->state = J_EXEC;
			continue;
		case J_EXEC:
			rc = ssh_channel_request_exec(j->channel, o->remote_command);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				job_fail_ssh(j);
				continue;
			}
			/* Without --stdin-file, stdin at EOF, as ssh -n. */
			if (!o->ask_become_pass && !o->stdin_file)
				ssh_channel_send_eof(j->channel);
			j->exec_started = now;
			j->deadline = j->timeout_ms > 0 ? now + j->timeout_ms : 0;
			j->state = J_READ;
			continue;
		case J_READ:
			read_output(j, o, now);
			return;
		case J_STOP:
			rc = ssh_channel_poll(j->channel, 0);
			/* After the EOF, only this reads on (see read_output). */
			if (rc == SSH_EOF && !j->got_exit)
				ssh_channel_get_exit_status(j->channel);
			if (rc == SSH_ERROR || j->got_exit || ssh_channel_is_closed(j->channel)) {
				j->state = J_DONE;
			} else if (now >= j->deadline) {
				if (j->stop_signal_sent == 1) {
					ssh_channel_request_send_signal(j->channel, "KILL");
					j->stop_signal_sent = 2;
					j->deadline = now + STOP_GRACE_MS;
				} else {
					j->state = J_DONE;
				}
			}
			return;
		case J_BANNER:
			ping_read(j, now);
			return;
		case J_WAIT:
		case J_DONE:
			return;
		}
	}
}

/*
 * Stop a job with a status (timeout, interrupted): a running command gets
 * TERM, then KILL if it outlives the grace period; closing a channel alone
 * leaves a command without a pty running on the host.
 */
void
job_stop(struct job *j, enum job_status status, const char *why, long long now)
{
	int running = j->state == J_READ;

	free(j->error);
	j->error = xstrdup(why);
	j->status = status;
	j->hint = NULL;
	if (!running) {
		if (j->state != J_STOP)
			j->state = J_DONE;
		return;
	}
	ssh_channel_request_send_signal(j->channel, "TERM");
	j->stop_signal_sent = 1;
	j->state = J_STOP;
	j->deadline = now + STOP_GRACE_MS;
}

short
job_poll_events(const struct job *j)
{
	short ev = POLLIN;

	if ((j->state == J_CONNECT || j->state == J_BANNER) && !j->tcp_up)
		ev |= POLLOUT;
	if (j->session && ssh_get_poll_flags(j->session) & SSH_WRITE_PENDING)
		ev |= POLLOUT;
	return ev;
}
