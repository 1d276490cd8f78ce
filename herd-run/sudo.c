/*
 * --ask-become-pass and --sudo: sudo's prompt answered on the pty, its
 * words kept apart from the command's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

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
sudo_done(struct task *j, size_t sudo_bytes)
{
	struct herd_buf apart = j->sudo;

	memset(&j->sudo, 0, sizeof j->sudo);
	task_unhold(j, apart.len);
	if (sudo_bytes < apart.len)
		task_keep(j, &j->out, apart.p + sudo_bytes, apart.len - sudo_bytes);
	herd_buf_free(&apart);
	j->sudo_state = 2;
}

/* How much of what was kept apart is sudo's prompt and the line end after it. */
static size_t
prompt_bytes(const struct task *j)
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
void
answer_sudo(struct task *j, const struct options *o, long long now)
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
		task_unhold(j, j->sudo.len);
		herd_buf_free(&j->sudo);
		j->sudo_state = 3;
		task_stop(j, S_FAILED, "sudo: incorrect password (--ask-become-pass)", now);
		j->res.hint = "check the become password; sudo refused it";
		return;
	}
	if (is_prefix(rest, n - at, "Sorry, try again.") || is_prefix(rest, n - at, prompt))
		return;
	sudo_done(j, at);
}

/* At the end, whatever sudo business is unsettled: the output as it stands. */
void
sudo_settle(struct task *j, const struct options *o)
{
	if (o->ask_become_pass && j->sudo_state < 2)
		sudo_done(j, j->sudo_state == 1 ? prompt_bytes(j) : 0);
}

/* --sudo where sudo wants a password: the way to give it. */
void
sudo_hint(struct task *j, const struct options *o)
{
	if (j->run->sudo && !o->ask_become_pass && j->exit_code == 1 && j->err.buf.p &&
	    strstr(j->err.buf.p, "sudo: a password is required"))
		j->res.hint = "sudo wants a password on this host: use --ask-become-pass "
		    "(or --become-pass-file)";
}

/* The command as the host runs it: wrapped for sudo, with or without a password. */
char *
sudo_wrap(const char *command, int sudo, const struct options *o)
{
	struct herd_buf qb = { 0 };
	char *q, *wrapped;

	herd_shell_quote(&qb, command);
	q = herd_buf_steal(&qb);
	if (o->ask_become_pass)
		wrapped = xasprintf("stty -echo 2>/dev/null; sudo -S -p '%s' -- sh -c %s",
		    o->become_prompt, q);
	else if (sudo)
		wrapped = xasprintf("sudo -n -- sh -c %s", q);
	else
		wrapped = xstrdup(command);
	free(q);
	return wrapped;
}
