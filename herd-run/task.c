/*
 * One command on a host's connection: a channel opened, the command
 * started, its output kept (and streamed) until its exit status, a timeout
 * or a cancel.  Each call to task_advance goes as far as it can without
 * blocking; the engine calls it again when the connection's socket is ready.
 */
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define STOP_GRACE_MS 500	/* between TERM and KILL for a stopped command */
#define SUDO_MAX 4096		/* what sudo may say before the command runs */

static size_t held;		/* output bytes all tasks hold, for --max-total-output */

size_t
output_held(void)
{
	return held;
}

void
task_free(struct task *t)
{
	if (t->channel)
		ssh_channel_free(t->channel);
	t->channel = NULL;
	held -= t->held;
	t->held = 0;
	herd_buf_free(&t->out.buf);
	herd_buf_free(&t->err.buf);
	herd_buf_free(&t->sudo);
	outcome_free(&t->res);
	fileout_discard(t);
}

/* Output that no longer counts against --max-total-output. */
void
task_unhold(struct task *t, size_t n)
{
	held -= n;
	t->held -= n;
}

void
task_fail(struct task *t, enum job_status status, char *error, const char *hint)
{
	outcome_fail(&t->res, status, error, hint);
	t->state = T_DONE;
}

/* On its channel: opening it, running, or being stopped. */
int
task_busy(const struct task *t)
{
	return t->state >= T_OPEN && t->state != T_DONE;
}

static void
fail_ssh(struct task *t)
{
	classify(&t->res, ssh_get_error(t->conn->session));
	t->state = T_DONE;
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
task_keep(struct task *t, struct stream *s, const void *data, size_t len)
{
	const struct options *o = t->opts;
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
	t->held += len;
}

static int
on_data(ssh_session session, ssh_channel channel, void *data, uint32_t len,
    int is_stderr, void *userdata)
{
	struct task *t = userdata;
	const struct options *o = t->opts;

	/* Until sudo is answered, what the pty says is sudo's, kept apart. */
	if (o->ask_become_pass && t->sudo_state == 3)
		;	/* sudo refused the password: its words are not output */
	else if (o->ask_become_pass && t->sudo_state < 2 && !is_stderr &&
	    t->sudo.len + len <= SUDO_MAX) {
		herd_buf_add(&t->sudo, data, len);
		held += len;
		t->held += len;
	} else if (!is_stderr && o->output_dir) {
		fileout_data(t, data, len);
	} else {
		task_keep(t, is_stderr ? &t->err : &t->out, data, len);
		if (t->run->stream)
			stream_output(t, herd_mono_ms());
	}
	return (int)len;
}

static void
on_exit_status(ssh_session session, ssh_channel channel, int status, void *userdata)
{
	struct task *t = userdata;

	t->got_exit = 1;
	t->exit_code = status;
}

static void
on_exit_signal(ssh_session session, ssh_channel channel, const char *signal,
    int core, const char *errmsg, const char *lang, void *userdata)
{
	static const char *const names[] = { "", "HUP", "INT", "QUIT", "ILL", "TRAP",
		"ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
		"TERM" };
	struct task *t = userdata;
	char *note = xasprintf("[herd: remote command killed by signal %s]\n", signal);
	int i;

	t->got_exit = 1;
	t->exit_code = 128;
	for (i = 1; i < (int)(sizeof names / sizeof names[0]); i++)
		if (!strcmp(signal, names[i]))
			t->exit_code = 128 + i;
	/* a follow stopped: the signal was ours, and its output is not kept */
	if (!(t->run->follow && t->state == T_STOP))
		task_keep(t, &t->err, note, strlen(note));
	free(note);
}

static void
open_channel(struct task *t)
{
	t->channel = ssh_channel_new(t->conn->session);
	ssh_callbacks_init(&t->callbacks);
	t->callbacks.userdata = t;
	t->callbacks.channel_data_function = on_data;
	t->callbacks.channel_exit_status_function = on_exit_status;
	t->callbacks.channel_exit_signal_function = on_exit_signal;
	ssh_set_channel_callbacks(t->channel, &t->callbacks);
}

/* Its connection is up: a ping is done; a command opens its channel. */
void
task_begin(struct task *t, const struct options *o, long long now)
{
	struct conn *c = t->conn;

	if (o->ping) {
		herd_buf_add(&t->out.buf, c->banner.p, c->banner.len);
		t->got_exit = 1;
		t->exit_code = 0;
		t->res.status = S_OK;
		t->state = T_DONE;
		return;
	}
	t->state = T_OPEN;
	task_advance(t, o, now);
}

/* Its connection failed: so did it. */
void
task_conn_failed(struct task *t, long long now)
{
	outcome_copy(&t->res, &t->conn->fail);
	t->res.status = S_FAILED;
	t->state = T_DONE;
	(void)now;
}

static void
finish_read(struct task *t)
{
	ssh_session s = t->conn->session;

	if (t->got_exit) {
		t->res.status = t->exit_code == 0 ? S_OK : S_NONZERO;
		t->state = T_DONE;
		sudo_hint(t, t->opts);
		return;
	}
	if (ssh_get_status(s) & SSH_CLOSED_ERROR || !ssh_is_connected(s)) {
		fail_ssh(t);
		if (!strstr(t->res.error, "disconnected")) {
			char *e = xasprintf("disconnected: %s", t->res.error);

			free(t->res.error);
			t->res.error = e;
			t->res.hint = "the connection dropped while the command ran";
		}
		return;
	}
	task_fail(t, S_FAILED, xstrdup("disconnected: the channel closed without an exit "
	    "status"), "the remote side ended the session early");
}

/*
 * At most this many bytes of stdin in flight (sent, not yet taken by the
 * remote command, as the window says), and as much again per ms of the
 * connection's shortest round trip (the kernel's), so a distant host still
 * gets what its link carries; no cap over a proxy, whose round trip is not
 * known.  sshd keeps what it has not yet written to the command in one
 * buffer and moves the rest to its front after each write to the command's
 * pipe: a full 2 MB window in flight made it copy ~2 MB per pipe write
 * (10 MiB on loopback: 1.5 s; capped, 0.26 s).
 */
#define STDIN_INFLIGHT (256 * 1024)

static size_t
stdin_cap(const struct task *t)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	if (getsockopt(t->conn->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_min_rtt) + sizeof ti.tcpi_min_rtt)
		return 0;
	return STDIN_INFLIGHT + (size_t)ti.tcpi_min_rtt * (STDIN_INFLIGHT / 1000);
}

/* What may be written now: up to WANT, within the window and the cap. */
static size_t
stdin_room(const struct task *t, size_t want)
{
	uint32_t window = ssh_channel_window_size(t->channel);
	size_t room;

	if (!t->stdin_cap || t->stdin_window <= t->stdin_cap)
		return want;
	room = window + t->stdin_cap > t->stdin_window ?
	    window + t->stdin_cap - t->stdin_window : 0;
	return want < room ? want : room;
}

/*
 * The run's stdin: as much of it as the channel's window and the cap above
 * take, then the EOF.  A write that would block returns 0; the window's
 * adjust wakes poll.
 */
static void
feed_stdin(struct task *t)
{
	const struct run *r = t->run;
	static char chunk[65536];
	const char *p;
	size_t want;
	ssize_t got;
	int n;

	if (!t->stdin_off && !t->stdin_window) {
		t->stdin_window = ssh_channel_window_size(t->channel);
		t->stdin_cap = stdin_cap(t);
	}
	while (t->stdin_off < r->stdin_len) {
		want = r->stdin_len - t->stdin_off;
		if (!(want = stdin_room(t, want > sizeof chunk ? sizeof chunk : want)))
			return;
		p = r->stdin_p + t->stdin_off;
		if (r->stdin_fd >= 0) {
			/* a file that shrank ends here: the host's check says so */
			while ((got = pread(r->stdin_fd, chunk, want, (off_t)t->stdin_off)) < 0 &&
			    errno == EINTR)
				;
			if (got <= 0)
				break;
			want = (size_t)got;
			p = chunk;
		}
		n = ssh_channel_write(t->channel, p, (uint32_t)want);
		if (n == SSH_ERROR) {
			t->stdin_done = 1;	/* closed: the result says the rest */
			return;
		}
		if (n <= 0)
			return;
		t->stdin_off += (size_t)n;
	}
	ssh_channel_send_eof(t->channel);
	t->stdin_done = 1;
}

int
task_feeding(const struct task *t)
{
	return t->state == T_READ && t->run->has_stdin && !t->stdin_done;
}

static void
read_output(struct task *t, const struct options *o, long long now)
{
	int rc;

	if (task_feeding(t))
		feed_stdin(t);
	rc = ssh_channel_poll(t->channel, 0);
	if (task_feeding(t))
		feed_stdin(t);	/* the window the poll read may have grown */

	/*
	 * After the remote EOF, ssh_channel_poll no longer reads the socket;
	 * ssh_channel_get_exit_status (non-blocking here) does, until the exit
	 * status or the close arrives.
	 */
	if (rc == SSH_EOF && !t->got_exit)
		ssh_channel_get_exit_status(t->channel);
	if (rc == SSH_ERROR) {
		finish_read(t);
		return;
	}
	if (o->ask_become_pass && t->sudo_state < 2)
		answer_sudo(t, o, now);
	if (t->state != T_READ)
		return;
	if ((rc == SSH_EOF && t->got_exit) || ssh_channel_is_closed(t->channel))
		finish_read(t);
}

/* Stop the command; a timeout the user did not choose says how to change it. */
static void
command_timed_out(struct task *t, long long now)
{
	char d[32], *why;

	herd_format_duration(t->timeout_ms, d, sizeof d);
	why = xasprintf("timed out after %s; the remote command was stopped", d);
	task_stop(t, S_TIMEOUT, why, now);
	free(why);
	switch (t->timeout_from) {
	case TO_DEFAULT:
		outcome_hint(&t->res, xasprintf("%s is the default timeout: raise it with "
		    "--timeout or defaults.timeout in the config, or --timeout 0 for none", d));
		break;
	case TO_CONFIG:
		outcome_hint(&t->res, xasprintf("%s is defaults.timeout of the config: raise "
		    "it there or with --timeout, or --timeout 0 for none", d));
		break;
	case TO_GROUP:
		outcome_hint(&t->res, xasprintf("%s is the host's own timeout (from its "
		    "group in the config): raise it there or with --timeout, or --timeout 0 "
		    "for none", d));
		break;
	case TO_OPTION:
		break;
	}
}

static void
stopping(struct task *t, long long now)
{
	int rc = ssh_channel_poll(t->channel, 0);

	/* After the EOF, only this reads on (see read_output). */
	if (rc == SSH_EOF && !t->got_exit)
		ssh_channel_get_exit_status(t->channel);
	if (rc == SSH_ERROR || t->got_exit || ssh_channel_is_closed(t->channel)) {
		t->state = T_DONE;
	} else if (now >= t->deadline) {
		if (t->stop_signal_sent == 1) {
			ssh_channel_request_send_signal(t->channel, "KILL");
			t->stop_signal_sent = 2;
			t->deadline = now + STOP_GRACE_MS;
		} else {
			t->state = T_DONE;
		}
	}
}

void
task_advance(struct task *t, const struct options *o, long long now)
{
	int rc;

	for (;;) {
		if (t->state == T_READ && t->deadline && now >= t->deadline)
			command_timed_out(t, now);
		switch (t->state) {
		case T_OPEN:
			if (!t->channel)
				open_channel(t);
			rc = ssh_channel_open_session(t->channel);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				fail_ssh(t);
				continue;
			}
			t->state = o->ask_become_pass ? T_PTY : T_EXEC;
			continue;
		case T_PTY:
			rc = ssh_channel_request_pty_size(t->channel, "xterm", 200, 50);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				fail_ssh(t);
				continue;
			}
			t->state = T_EXEC;
			continue;
		case T_EXEC:
			rc = ssh_channel_request_exec(t->channel,
			    t->command ? t->command : t->run->remote_command);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				fail_ssh(t);
				continue;
			}
			/* Without stdin data, stdin at EOF, as ssh -n; a follow's
			 * stays open: its end stops the command (follow.c). */
			if (!o->ask_become_pass && !t->run->has_stdin && !t->run->follow)
				ssh_channel_send_eof(t->channel);
			t->exec_started = now;
			t->deadline = t->timeout_ms > 0 ? now + t->timeout_ms : 0;
			t->state = T_READ;
			continue;
		case T_READ:
			read_output(t, o, now);
			return;
		case T_STOP:
			stopping(t, now);
			return;
		case T_WAIT:
		case T_CONN:
		case T_DONE:
			return;
		}
	}
}

/*
 * Stop a task with a status (timeout, interrupted, cancelled): a running
 * command gets TERM, then KILL if it outlives the grace period; closing a
 * channel alone leaves a command without a pty running on the host.
 */
void
task_stop(struct task *t, enum job_status status, const char *why, long long now)
{
	int running = t->state == T_READ;

	outcome_fail(&t->res, status, xstrdup(why), NULL);
	if (!running) {
		if (t->state != T_STOP)
			t->state = T_DONE;
		return;
	}
	ssh_channel_request_send_signal(t->channel, "TERM");
	t->stop_signal_sent = 1;
	t->state = T_STOP;
	t->deadline = now + STOP_GRACE_MS;
}
