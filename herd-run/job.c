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
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "run.h"

#define STOP_GRACE_MS 500	/* between TERM and KILL for a stopped command */
#define SUDO_MAX 4096		/* what sudo may say before the command runs */

static char *
local_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("USER");

	return xstrdup(pw ? pw->pw_name : u ? u : "root");
}

static char *
first_expanded(const struct herd_strv *files, const char *fallback, const char *host,
    int port, const char *user)
{
	const char *f = files->n ? files->v[0] : fallback;

	if (!strcasecmp(f, "none"))
		f = "/dev/null";
	return sshconf_expand(f, host, port, user);
}

/* A word for sh in a ProxyCommand, whose % libssh expands: %% for a %. */
static void
proxy_word(struct herd_buf *b, const char *s)
{
	struct herd_buf q = { 0 };
	size_t i;

	herd_shell_quote(&q, s);
	for (i = 0; i < q.len; i++) {
		if (q.p[i] == '%')
			herd_buf_addc(b, '%');
		herd_buf_addc(b, q.p[i]);
	}
	herd_buf_free(&q);
}

/* A ProxyJump chain as the ProxyCommand OpenSSH would run for it. */
static char *
jump_command(const char *jump, const char *ssh_config)
{
	const char *last = strrchr(jump, ',');
	struct herd_buf b = { 0 };
	char *part;

	herd_buf_adds(&b, "exec ssh");
	if (ssh_config) {
		herd_buf_adds(&b, " -F ");
		proxy_word(&b, ssh_config);
	}
	if (last) {
		herd_buf_adds(&b, " -J ");
		part = xstrndup(jump, (size_t)(last - jump));
		proxy_word(&b, part);
		free(part);
	}
	herd_buf_adds(&b, " -W '[%h]:%p' ");
	part = xasprintf("ssh://%s", last ? last + 1 : jump);
	proxy_word(&b, part);
	free(part);
	return herd_buf_steal(&b);
}

static void
add_default_keys(struct job *j)
{
	static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	size_t i;
	char *p, *e;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = xasprintf("%%d/.ssh/%s", names[i]);
		e = sshconf_expand(p, j->target, j->port, j->user);
		herd_strv_add(&j->keys, e);
		free(e);
		free(p);
	}
}

/* StrictHostKeyChecking: no, off and accept-new add unknown keys; all else is yes. */
static enum hostkeys
hostkey_policy(const char *strict)
{
	if (strict && (!strcasecmp(strict, "accept-new") || !strcasecmp(strict, "no") ||
	    !strcasecmp(strict, "off")))
		return HK_ACCEPT_NEW;
	return HK_STRICT;
}

/* Settings for one host: H record, then command line, then ssh_config, then defaults. */
void
job_init(struct job *j, const struct herd_host *h, const struct options *o)
{
	struct sshhost sh;
	const char *sock;
	size_t i;
	char *p;

	memset(j, 0, sizeof *j);
	j->fd = -1;
	j->opts = o;
	herd_host_copy(&j->host, h);
	sshconf_lookup(o->sshconf, h->address, h->user ? h->user : o->user, &sh);
	j->target = sh.hostname ? sshconf_expand(sh.hostname, h->address, 0, NULL) :
	    xstrdup(h->address);
	j->port = h->port ? h->port : o->port ? o->port : sh.port ? sh.port : 22;
	j->user = h->user ? xstrdup(h->user) : o->user ? xstrdup(o->user) :
	    sh.user ? xstrdup(sh.user) : local_user();
	for (i = 0; i < o->identities.n; i++)
		herd_strv_add(&j->keys, o->identities.v[i]);
	for (i = 0; i < sh.identity_files.n; i++) {
		p = sshconf_expand(sh.identity_files.v[i], j->target, j->port, j->user);
		if (!herd_strv_has(&j->keys, p))
			herd_strv_add(&j->keys, p);
		free(p);
	}
	if (!j->keys.n)
		add_default_keys(j);
	/* An empty SSH_AUTH_SOCK is no agent, as for ssh. */
	j->use_agent = (sock = getenv("SSH_AUTH_SOCK")) && *sock &&
	    sh.identities_only != 1 && sh.pubkey_auth != 0;
	if (sh.pubkey_auth == 0)
		herd_strv_free(&j->keys);
	j->try_password = o->password && sh.password_auth != 0;
	j->known_hosts = first_expanded(&sh.known_hosts, "~/.ssh/known_hosts",
	    j->target, j->port, j->user);
	j->global_known_hosts = first_expanded(&sh.global_known_hosts,
	    "/etc/ssh/ssh_known_hosts", j->target, j->port, j->user);
	if (sh.proxy_command && strcasecmp(sh.proxy_command, "none"))
		j->proxy_command = xstrdup(sh.proxy_command);
	else if (sh.proxy_jump && strcasecmp(sh.proxy_jump, "none"))
		j->proxy_command = jump_command(sh.proxy_jump, o->ssh_config);
	j->kex = sh.kex ? xstrdup(sh.kex) : NULL;
	j->hostkeys = o->insecure ? HK_INSECURE : o->accept_new ? HK_ACCEPT_NEW :
	    hostkey_policy(sh.strict);
	j->connect_timeout_ms = o->connect_timeout_ms >= 0 ? o->connect_timeout_ms :
	    sh.connect_timeout_ms > 0 ? sh.connect_timeout_ms : o->default_connect_timeout_ms;
	j->timeout_ms = o->timeout_ms >= 0 ? o->timeout_ms :
	    h->timeout_ms >= 0 ? h->timeout_ms : o->default_timeout_ms;
	sshhost_free(&sh);
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
	herd_host_free(&j->host);
	free(j->target);
	free(j->user);
	herd_strv_free(&j->keys);
	free(j->known_hosts);
	free(j->global_known_hosts);
	free(j->proxy_command);
	free(j->kex);
	herd_buf_free(&j->out.buf);
	herd_buf_free(&j->err.buf);
	herd_buf_free(&j->sudo);
	free(j->error);
	free(j->key_problem);
	memset(j, 0, sizeof *j);
	j->fd = -1;
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

static void
fail_ssh(struct job *j)
{
	classify(j, ssh_get_error(j->session));
	j->status = S_FAILED;
	j->state = J_DONE;
}

static void
keep(struct stream *s, const void *data, size_t len, size_t max)
{
	size_t room = s->buf.len < max ? max - s->buf.len : 0;

	if (len > room) {
		s->dropped += len - room;
		len = room;
	}
	herd_buf_add(&s->buf, data, len);
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
	    j->sudo.len + len <= SUDO_MAX)
		herd_buf_add(&j->sudo, data, len);
	else
		keep(is_stderr ? &j->err : &j->out, data, len, o->max_output);
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
	const struct options *o = j->opts;
	char *note = xasprintf("[herd: remote command killed by signal %s]\n", signal);
	int i;

	j->got_exit = 1;
	j->exit_code = 128;
	for (i = 1; i < (int)(sizeof names / sizeof names[0]); i++)
		if (!strcmp(signal, names[i]))
			j->exit_code = 128 + i;
	keep(&j->err, note, strlen(note), o->max_output);
	free(note);
}

/* libssh's settings for the session; -1 (the job failed) on one it refuses. */
static int
set_options(struct job *j)
{
	ssh_session s = j->session;
	int yes = 1, no = 0;
	long timeout = (long)((j->connect_timeout_ms + 999) / 1000);

	if (!herd_valid_user(j->user)) {
		job_fail(j, S_FAILED, xasprintf("bad user name \"%s\"", j->user),
		    "check User in ssh_config");
		return -1;
	}
	if (ssh_options_set(s, SSH_OPTIONS_HOST, j->target) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &j->port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, j->user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, j->known_hosts) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, j->global_known_hosts) < 0 ||
	    (j->proxy_command &&
	    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, j->proxy_command) < 0) ||
	    (j->kex && ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, j->kex) < 0)) {
		job_fail(j, S_FAILED, xasprintf("ssh settings refused: %s",
		    ssh_get_error(s)), "check HostName, User and KexAlgorithms for "
		    "this host");
		return -1;
	}
	return 0;
}

void
job_start(struct job *j, const struct options *o, long long now)
{
	if (o->ping && !o->ping_auth && !j->proxy_command) {
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
	j->deadline = now + j->connect_timeout_ms;
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
		    name, j->known_hosts),
		    "if the change is expected, remove the old key with ssh-keygen -R "
		    "and connect again");
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
fail_auth(struct job *j)
{
	if (j->key_problem && j->key_bad_mode) {
		job_fail(j, S_FAILED, xasprintf("key file permissions: %s", j->key_problem),
		    "chmod 600 the private key (ssh refuses keys others can read)");
		return;
	}
	if (j->key_problem) {
		job_fail(j, S_FAILED, xasprintf("auth: %s", j->key_problem),
		    "run herd-run on a terminal to be asked the passphrase, or add "
		    "the key to ssh-agent");
		return;
	}
	job_fail(j, S_FAILED, xasprintf("auth: permission denied for %s@%s (tried %s%s%s)",
	    j->user, j->target, j->use_agent ? "agent, " : "",
	    j->keys.n ? "keys" : "no keys", j->try_password ? ", password" : ""),
	    "check the user and that the key is in the host's authorized_keys; "
	    "try ssh -v");
}

/* SSH_AUTH_SUCCESS, SSH_AUTH_AGAIN or SSH_AUTH_DENIED/ERROR (job failed). */
static int
authenticate(struct job *j, const struct options *o)
{
	const char *problem;
	ssh_key key;
	int rc, bad_mode;

	for (;;) {
		switch (j->auth_step) {
		case 0:
			rc = j->use_agent ? ssh_userauth_agent(j->session, NULL) :
			    SSH_AUTH_DENIED;
			break;
		case 1:
			if (j->key_index >= j->keys.n) {
				j->auth_step++;
				continue;
			}
			key = keys_get(j->keys.v[j->key_index], &problem, &bad_mode);
			if (!key) {
				if (problem && !j->key_problem) {
					j->key_problem = xstrdup(problem);
					j->key_bad_mode = bad_mode;
				}
				j->key_index++;
				continue;
			}
			rc = ssh_userauth_publickey(j->session, NULL, key);
			if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL) {
				j->key_index++;
				continue;
			}
			break;
		case 2:
			rc = j->try_password ?
			    ssh_userauth_password(j->session, NULL, o->password) :
			    SSH_AUTH_DENIED;
			break;
		default:
			fail_auth(j);
			return SSH_AUTH_DENIED;
		}
		if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_AGAIN)
			return rc;
		if (rc == SSH_AUTH_ERROR &&
		    ssh_get_error_code(j->session) == SSH_FATAL) {
			fail_ssh(j);
			return rc;
		}
		j->auth_step++;
	}
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

static int
is_prefix(const char *b, size_t n, const char *s)	/* b[0..n) begins s */
{
	return n <= strlen(s) && memcmp(b, s, n) == 0;
}

static int
begins(const char *b, size_t n, const char *s)		/* s begins b[0..n) */
{
	return n >= strlen(s) && memcmp(b, s, strlen(s)) == 0;
}

/*
 * With --ask-become-pass: sudo's words end here; the rest of what was kept
 * apart is the command's output.
 */
static void
sudo_done(struct job *j, size_t sudo_bytes)
{
	if (sudo_bytes < j->sudo.len)
		keep(&j->out, j->sudo.p + sudo_bytes, j->sudo.len - sudo_bytes,
		    j->opts->max_output);
	herd_buf_free(&j->sudo);
	j->sudo_state = 2;
}

/* How much of what was kept apart is sudo's prompt and the line end after it. */
static size_t
prompt_bytes(const struct job *j)
{
	size_t at = strlen(j->opts->become_prompt);

	if (at < j->sudo.len && j->sudo.p[at] == '\r')
		at++;
	if (at < j->sudo.len && j->sudo.p[at] == '\n')
		at++;
	return at;
}

/*
 * The password goes only to sudo's prompt as the very first thing on the
 * pty (sudo runs before the command can print anything); anything else
 * first means sudo did not ask.  After the answer, "Sorry, try again." or
 * a second prompt is a wrong password; other output is the command's.
 */
static void
answer_sudo(struct job *j, const struct options *o, long long now)
{
	const char *prompt = o->become_prompt, *b = j->sudo.p ? j->sudo.p : "", *rest;
	size_t n = j->sudo.len, plen = strlen(prompt), at;

	if (j->sudo_state == 0) {
		if (n < plen && is_prefix(b, n, prompt))
			return;		/* the prompt may still be arriving */
		if (n == plen && begins(b, n, prompt)) {
			ssh_channel_write(j->channel, o->become_password,
			    (uint32_t)strlen(o->become_password));
			ssh_channel_write(j->channel, "\n", 1);
			j->sudo_state = 1;
			return;
		}
		sudo_done(j, 0);
		return;
	}
	at = prompt_bytes(j);
	rest = b + at;
	if (n == at || (n < plen + 2 && is_prefix(b + plen, n - plen, "\r\n")))
		return;
	if (begins(rest, n - at, "Sorry, try again.") || begins(rest, n - at, prompt)) {
		/* what sudo says from now on (its prompt again) is dropped */
		herd_buf_free(&j->sudo);
		j->sudo_state = 3;
		job_stop(j, S_FAILED, "sudo: incorrect password (--ask-become-pass)", now);
		j->hint = "check the become password; sudo refused it";
		return;
	}
	if (is_prefix(rest, n - at, "Sorry, try again.") || is_prefix(rest, n - at, prompt))
		return;
	sudo_done(j, at);
}

/* At the end, whatever sudo business is unsettled: the output as it stands. */
void
sudo_settle(struct job *j)
{
	if (j->opts->ask_become_pass && j->sudo_state < 2)
		sudo_done(j, j->sudo_state == 1 ? prompt_bytes(j) : 0);
}

static void
finish_read(struct job *j)
{
	if (j->got_exit) {
		j->status = j->exit_code == 0 ? S_OK : S_NONZERO;
		j->state = J_DONE;
		return;
	}
	if (ssh_get_status(j->session) & SSH_CLOSED_ERROR || !ssh_is_connected(j->session)) {
		fail_ssh(j);
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

static void
read_output(struct job *j, const struct options *o, long long now)
{
	int rc = ssh_channel_poll(j->channel, 0);

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

void
job_advance(struct job *j, const struct options *o, long long now)
{
	int rc;

	for (;;) {
		if (j->deadline && now >= j->deadline && j->state != J_DONE &&
		    j->state != J_STOP) {
			if (j->state == J_READ) {
				char *why = xasprintf("timed out after %llds; the remote "
				    "command was stopped", (j->timeout_ms + 999) / 1000);

				job_stop(j, S_TIMEOUT, why, now);
				free(why);
			} else {
				job_fail(j, S_FAILED, xasprintf("connect: timed out after %llds",
				    (j->connect_timeout_ms + 999) / 1000),
				    "host down, or the port filtered or not speaking SSH? "
				    "raise --connect-timeout if it is just slow");
			}
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
				fail_ssh(j);
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
				fail_ssh(j);
				continue;
			}
			j->state = o->ask_become_pass ? J_PTY : J_EXEC;
			continue;
		case J_PTY:
			rc = ssh_channel_request_pty_size(j->channel, "xterm", 200, 50);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				fail_ssh(j);
				continue;
			}
			j->state = J_EXEC;
			continue;
		case J_EXEC:
			rc = ssh_channel_request_exec(j->channel, o->remote_command);
			if (rc == SSH_AGAIN)
				return;
			if (rc != SSH_OK) {
				fail_ssh(j);
				continue;
			}
			/* The command reads no input: stdin at EOF, as ssh -n. */
			if (!o->ask_become_pass)
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
