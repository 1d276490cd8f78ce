/*
 * --follow: a command that runs until stopped (tail -F, journalctl -f) on
 * every host, its output streamed and not kept.  A host whose connection
 * fails or drops is connected again after a backoff (doubling, at most
 * BACKOFF_MAX) and runs the --resume command; each attempt is a run of its
 * own in the follow's series, and every change of a connection's state is
 * written as an S record, so that a view can say a stream was lost and when
 * it came back.  The remote command is wrapped so that it dies with its
 * channel: closing a channel without a pty leaves a command running.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define BACKOFF_FIRST 1000
#define BACKOFF_MAX 30000

struct follow {
	char *command, *resume;		/* as given */
	char *series;
	long long seq;
	long long first_ms;		/* the first backoff (HERD_FOLLOW_BACKOFF for tests) */
	const struct herd_hostlist *hosts;
	struct client *client;
	struct herd_map index;		/* host name -> index in hosts */
	long long *due;			/* each host's next attempt (monotonic ms), or -1 */
	long long *backoff;		/* ... and the wait before the one after */
};

/*
 * CMD in its own process group, with a watcher that kills the group when
 * the channel's standard input ends: when the channel is closed, or the
 * connection is lost, whether or not the shell got a signal.
 */
char *
follow_wrap(const char *cmd)
{
	struct herd_buf in = { 0 }, out = { 0 };

	herd_buf_adds(&in, "exec 3<&0; setsid sh -c ");
	herd_shell_quote(&in, cmd);
	herd_buf_adds(&in, " </dev/null 3<&- & p=$!; "
	    "{ cat <&3 >/dev/null; kill -TERM -$p; } >/dev/null 2>&1 & w=$!; "
	    "exec 3<&-; trap 'kill -TERM -$p $w 2>/dev/null' EXIT; "
	    "trap 'exit 143' TERM HUP INT; wait $p");
	herd_buf_adds(&out, "sh -c ");
	herd_shell_quote(&out, in.p);
	herd_buf_free(&in);
	return herd_buf_steal(&out);
}

/* The first backoff: 1s, or HERD_FOLLOW_BACKOFF (for tests). */
static long long
first_backoff(void)
{
	const char *s = getenv("HERD_FOLLOW_BACKOFF");
	long long ms;

	if (s && *s && herd_parse_duration(s, &ms) == 0 && ms > 0)
		return ms;
	return BACKOFF_FIRST;
}

struct follow *
follow_new(struct options *o, const char *resume)
{
	struct follow *f = xcalloc(1, sizeof *f);

	f->command = xstrdup(o->command);
	f->resume = xstrdup(resume ? resume : o->command);
	f->series = *o->series ? xstrdup(o->series) : herd_run_id_new(herd_now_ms());
	f->first_ms = first_backoff();
	if (!*o->kind)
		o->kind = "follow";
	return f;
}

void
follow_free(struct follow *f)
{
	if (!f)
		return;
	herd_map_free(&f->index);
	free(f->due);
	free(f->backoff);
	free(f->command);
	free(f->resume);
	free(f->series);
	free(f);
}

/* A run of COMMAND on the hosts whose index is in WHICH (all: NULL). */
static struct run *
follow_run(struct engine *e, const char *command, const char *which)
{
	struct follow *f = e->follow;
	struct options *o = e->opts;
	long long started = herd_now_ms();
	struct herd_run c = {
		.id = herd_run_id_new(started), .started_ms = started,
		.command = (char *)command, .selection = (char *)o->selection,
		.kind = (char *)o->kind, .series = f->series, .seq = ++f->seq,
		.compare = (char *)"",
	};
	struct run *r = engine_run_new(e, f->client, &c);
	struct conn *conn;
	char *why, *name, *wrapped = follow_wrap(command);
	size_t i;

	free(c.id);
	r->timeout_ms = 0;
	r->stream = r->follow = 1;
	r->sudo = o->sudo;
	r->remote_command = sudo_wrap(wrapped, o->sudo, o);
	free(wrapped);
	for (i = 0; i < f->hosts->n; i++) {
		if (which && !which[i])
			continue;
		if (!(conn = engine_conn(e, &f->hosts->h[i], &why))) {
			name = herd_safe(f->hosts->h[i].name);
			errx(HERD_EXIT_USAGE, "ssh config: %s: %s", name, why);
		}
		engine_run_add(e, r, conn);
		r->tasks[r->ntasks - 1].timeout_ms = 0;
	}
	engine_run_start(e, r);
	return r;
}

/* The hosts, their connections watched (S records), and the first run. */
void
follow_start(struct engine *e, const struct herd_hostlist *hosts, struct client *cl)
{
	struct follow *f = e->follow;
	struct conn *conn;
	char *why;
	size_t i;

	f->hosts = hosts;
	f->client = cl;
	f->due = xcalloc(hosts->n + 1, sizeof *f->due);
	f->backoff = xcalloc(hosts->n + 1, sizeof *f->backoff);
	for (i = 0; i < hosts->n; i++) {
		*herd_map_put(&f->index, hosts->h[i].name, strlen(hosts->h[i].name),
		    NULL) = i;
		f->due[i] = -1;
		f->backoff[i] = f->first_ms;
		if ((conn = engine_conn(e, &hosts->h[i], &why)))
			client_watch(cl, conn);
		else
			free(why);	/* said by the run, below */
	}
	follow_run(e, f->command, NULL);
}

/*
 * A host's result: a connection that failed or dropped is tried again after
 * the backoff; a command that ended by itself is done.  A host that had its
 * stream up starts again from the first backoff.
 */
void
follow_result(struct follow *f, const struct task *t, const struct herd_result *res)
{
	size_t *i = herd_map_get(&f->index, res->host, strlen(res->host));

	if (!i || res->status != HERD_FAILED || interrupted || t->run->cancelled)
		return;
	if (t->exec_started)
		f->backoff[*i] = f->first_ms;
	f->due[*i] = herd_mono_ms() + f->backoff[*i];
	f->backoff[*i] = f->backoff[*i] * 2 > BACKOFF_MAX ? BACKOFF_MAX :
	    f->backoff[*i] * 2;
}

/* When the loop must wake for the next attempt (monotonic ms), or -1. */
long long
follow_wait(const struct follow *f)
{
	long long due = -1;
	size_t i;

	for (i = 0; f->hosts && i < f->hosts->n; i++)
		if (f->due[i] >= 0 && (due < 0 || f->due[i] < due))
			due = f->due[i];
	return due;
}

/* The hosts whose time has come run the resume command, in one run. */
void
follow_due(struct engine *e, long long now)
{
	struct follow *f = e->follow;
	char *which;
	size_t i, n = 0;

	if (follow_wait(f) < 0 || follow_wait(f) > now)
		return;
	which = xcalloc(f->hosts->n + 1, 1);
	for (i = 0; i < f->hosts->n; i++)
		if (f->due[i] >= 0 && f->due[i] <= now) {
			which[i] = 1;
			f->due[i] = -1;
			n++;
		}
	if (n)
		follow_run(e, f->resume, which);
	free(which);
}

/* What a task streamed is let go: a follow keeps none of its output. */
void
follow_forget(struct task *t, struct stream *s)
{
	size_t n = s->sent;

	if (!n)
		return;
	memmove(s->buf.p, s->buf.p + n, s->buf.len - n);
	s->buf.len -= n;
	s->buf.p[s->buf.len] = '\0';
	s->sent = 0;
	task_unhold(t, n);
}
