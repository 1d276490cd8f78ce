/*
 * The event loop: one poll(2) over an epoll(7) of every connection's
 * socket, the clients' requests and output, a listening socket and the
 * signals' self-pipe, with the nearest deadline as its timeout.  Runs take their turn up to the
 * concurrency; a task waits for its host's connection, which is made once
 * and, when serving, kept for the next run.
 */
#include <sys/epoll.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "forward.h"

volatile sig_atomic_t interrupted, terminated;
int wake[2] = { -1, -1 };

/* The connection of a host: one per H record's settings, made on first use. */
struct conn *
engine_conn(struct engine *e, const struct herd_host *h, char **why)
{
	char *key = NULL;
	size_t len = 0, *slot;
	struct conn *c;
	int added;
	FILE *f = open_memstream(&key, &len);

	if (!f)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	herd_host_write(f, h);
	if (fclose(f) != 0)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	if ((slot = herd_map_get(&e->conn_index, key, len))) {
		free(key);
		if (*slot == (size_t)-1)
			*why = xstrdup("its settings are not valid");
		return *slot == (size_t)-1 ? NULL : e->conns[*slot];
	}
	/* (the map keeps the key, not a copy: it lives as long as the engine) */
	herd_strv_add(&e->conn_keys, key);
	free(key);
	slot = herd_map_put(&e->conn_index, e->conn_keys.v[e->conn_keys.n - 1], len,
	    &added);
	c = xcalloc(1, sizeof *c);
	if (conn_init(c, h, e->opts, why) < 0) {
		conn_free(c);
		free(c);
		*slot = (size_t)-1;
		return NULL;
	}
	herd_grow(&e->conns, &e->ccap, e->nconns, sizeof *e->conns);
	*slot = e->nconns;
	e->conns[e->nconns++] = c;
	return c;
}

struct run *
engine_run_new(struct engine *e, struct client *cl, const struct herd_run *c)
{
	struct run *r = xcalloc(1, sizeof *r);

	r->c = *c;
	r->c.id = xstrdup(c->id);
	r->c.command = xstrdup(c->command);
	r->c.selection = xstrdup(c->selection ? c->selection : "");
	r->c.kind = xstrdup(c->kind ? c->kind : "");
	r->c.series = xstrdup(c->series ? c->series : "");
	r->c.compare = xstrdup(c->compare ? c->compare : "");
	r->timeout_ms = -1;
	r->stdin_fd = -1;
	r->client = cl;
	r->tick = ++e->tick;
	return r;
}

/* A host for the run (its settings, timeout and sudo, set before). */
void
engine_run_add(struct engine *e, struct run *r, struct conn *c)
{
	struct task *t;

	r->tasks = xreallocarray(r->tasks, r->ntasks + 1, sizeof *r->tasks);
	t = &r->tasks[r->ntasks++];
	memset(t, 0, sizeof *t);
	t->conn = c;
	t->run = r;
	t->opts = e->opts;
	task_timeout(t, e->opts);
}

void
engine_run_start(struct engine *e, struct run *r)
{
	herd_grow(&e->runs, &e->rcap, e->nruns, sizeof *e->runs);
	e->runs[e->nruns++] = r;
	emit_begin(r, e->opts);
}

void
engine_run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->ntasks; i++)
		free(r->tasks[i].command);
	herd_run_free(&r->c);
	free(r->remote_command);
	herd_buf_free(&r->stdin_data);
	free(r->tasks);
	free(r);
}

static void conn_settled(struct engine *, struct conn *, long long);

/* Its turn: to its connection, made (again) if need be. */
static void
take_turn(struct engine *e, struct task *t, long long now)
{
	struct conn *c = t->conn;

	t->started = now;
	t->state = T_CONN;
	t->run->nactive++;
	e->active++;
	conn_attach(c, t);
	if (c->state == C_FAILED && c->failed_tick < t->run->tick)
		conn_close(c);		/* it broke before this run: once more */
	if (c->state == C_IDLE) {
		conn_start(c, e->opts, now);
		if (c->state == C_UP || c->state == C_FAILED)
			conn_settled(e, c, now);
	} else if (c->state == C_UP) {
		task_begin(t, e->opts, now);
	} else if (c->state == C_FAILED) {
		task_conn_failed(t, now);
	}
}

/* Tasks take their turn, up to the concurrency; how many did. */
static size_t
schedule(struct engine *e, long long now)
{
	size_t i, n = 0, conc = (size_t)e->opts->concurrency;
	struct run *r;

	for (i = 0; i < e->nruns && e->active < conc; i++) {
		r = e->runs[i];
		for (; r->next < r->ntasks && e->active < conc && !r->cancelled; n++)
			take_turn(e, &r->tasks[r->next++], now);
	}
	return n;
}

/* Stop a run's hosts: the running commands signalled, the others failed. */
void
engine_cancel(struct engine *e, struct run *r, const char *word, long long now)
{
	struct task *t;
	char *why;
	size_t i;

	r->cancelled = 1;
	for (i = 0; i < r->ntasks; i++) {
		t = &r->tasks[i];
		if (t->state == T_DONE || t->state == T_STOP)
			continue;
		if (t->state == T_WAIT) {
			why = xasprintf("%s before connecting", word);
			t->started = now;
		} else if (t->state == T_READ) {
			why = xasprintf("%s; the remote command was stopped", word);
		} else {
			why = xasprintf("%s before the command started", word);
		}
		task_stop(t, S_FAILED, why, now);
		free(why);
	}
	r->next = r->ntasks;
	(void)e;
}

/* The connection is up or failed: its waiting tasks go on. */
static void
conn_settled(struct engine *e, struct conn *c, long long now)
{
	size_t i;

	if (c->state != C_UP && c->state != C_FAILED)
		return;
	if (c->state == C_FAILED)
		c->failed_tick = e->tick;
	for (i = 0; i < c->ntasks; i++)
		if (c->tasks[i]->state == T_CONN) {
			if (c->state == C_UP)
				task_begin(c->tasks[i], e->opts, now);
			else
				task_conn_failed(c->tasks[i], now);
		}
	if (c->state == C_FAILED && e->keep)
		conn_drop(c);	/* its descriptor back, until a run wants it again */
}

/* The session broke under its tasks: they fail with it, then it is closed. */
static void
conn_broke(struct engine *e, struct conn *c, long long now)
{
	struct task *t;
	size_t i;

	if (c->state != C_FAILED)
		conn_fail(c, S_FAILED, NULL, NULL);
	c->failed_tick = e->tick;
	for (i = 0; i < c->ntasks; i++) {
		t = c->tasks[i];
		if (t->state == T_STOP)
			t->state = T_DONE;	/* being stopped: its reason stands */
		else if (t->state != T_DONE)
			task_conn_failed(t, now);
		if (t->channel) {
			ssh_channel_free(t->channel);
			t->channel = NULL;
		}
	}
	c->was_up = 1;
	conn_drop(c);
}

static void
advance_conn(struct engine *e, struct conn *c, long long now)
{
	enum conn_state before = c->state;
	size_t i;

	if (c->state == C_CONNECT || c->state == C_AUTH || c->state == C_BANNER)
		conn_advance(c, e->opts, now);
	if (c->state != before)
		conn_settled(e, c, now);
	if (c->state != C_UP)
		return;
	if (c->ntasks == 0) {
		if (e->keep && conn_check_alive(c, now, e->opts->keepalive_ms) < 0) {
			if (e->forward)
				forward_lost(e, c);	/* its channels, before the session */
			conn_broke(e, c, now);
		} else if (e->forward) {
			forward_conn(e, c, now);
		}
		return;
	}
	for (i = 0; i < c->ntasks; i++)
		task_advance(c->tasks[i], e->opts, now);
	/* a window adjust read by a later task's poll: no event will say so */
	for (i = 0; i < c->ntasks; i++)
		if (task_feeding(c->tasks[i]))
			task_advance(c->tasks[i], e->opts, now);
	if (c->session && !ssh_is_connected(c->session))
		conn_broke(e, c, now);
}

/* Finished tasks reported, finished runs ended and let go; how many tasks. */
static size_t
reap(struct engine *e, long long now)
{
	struct run *r;
	struct task *t;
	size_t i, k, n = 0;

	for (i = 0; i < e->nruns;) {
		r = e->runs[i];
		for (k = 0; k < r->ntasks; k++) {
			t = &r->tasks[k];
			if (t->state != T_DONE || t->reaped)
				continue;
			if (!t->started)
				t->started = now;
			emit_result(t, e->opts, herd_mono_ms());
			r->count[t->res.status]++;
			e->total[t->res.status]++;
			t->reaped = 1;
			r->ndone++;
			n++;
			if (r->nactive) {
				r->nactive--;
				e->active--;
			}
			conn_detach(t->conn, t);
			task_free(t);
			if (!e->keep && t->conn->ntasks == 0)
				conn_close(t->conn);
		}
		if (r->ndone < r->ntasks) {
			i++;
			continue;
		}
		emit_end(r, e->opts);
		engine_run_free(r);
		memmove(&e->runs[i], &e->runs[i + 1], (--e->nruns - i) * sizeof *e->runs);
	}
	return n;
}

static long long
sooner(long long a, long long b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* The nearest deadline of a connection and its tasks, or -1. */
static long long
conn_due(const struct engine *e, const struct conn *c)
{
	long long due = c->deadline ? c->deadline : -1, s;
	size_t i;

	for (i = 0; i < c->ntasks; i++) {
		if (c->tasks[i]->deadline && task_busy(c->tasks[i]))
			due = sooner(due, c->tasks[i]->deadline);
		if (c->tasks[i]->run->stream && (s = stream_due(c->tasks[i])))
			due = sooner(due, s);
	}
	if (e->keep && c->state == C_UP && !c->ntasks && e->opts->keepalive_ms > 0)
		due = sooner(due, c->idle_since + e->opts->keepalive_ms);
	return due;
}

/*
 * A reader far behind: the connections whose output goes to it are not
 * read until it catches up, so their data waits in the kernel and TCP
 * holds the hosts back, instead of herd-run's memory growing.
 */
static int
conn_held(const struct conn *c)
{
	size_t i;

	if (c->state != C_UP)
		return 0;
	for (i = 0; i < c->ntasks; i++)
		if (c->tasks[i]->run->client && outq_full(&c->tasks[i]->run->client->out))
			return 1;
	return 0;
}

/* What each pollfd is for.  The connections are all behind P_CONNS. */
struct polled {
	enum { P_CONNS, P_IN, P_OUT, P_LISTEN, P_WAKE } kind;
	struct client *client;
};

struct polling {
	struct pollfd *pfd;
	struct polled *what;
	size_t n, cap;
	struct epoll_event ready[256];	/* connections ready, from epoll */
	int nready;
};

static uint32_t
epoll_events(short events)
{
	return (events & POLLIN ? EPOLLIN : 0) | (events & POLLOUT ? EPOLLOUT : 0);
}

/*
 * C's socket registered with the engine's epoll for EVENTS (0: not at all).
 * The connections are many, the clients few: poll(2) over every socket at
 * each wakeup cost more than the rest of the loop with a few hundred hosts.
 * A closed socket's registration went with it (conn_close resets ep_fd).
 */
static void
ep_watch(struct engine *e, struct conn *c, short events)
{
	struct epoll_event ev = { .events = epoll_events(events), .data.ptr = c };

	if (!events) {
		if (c->ep_fd >= 0 && c->ep_fd == c->fd)
			epoll_ctl(e->epfd, EPOLL_CTL_DEL, c->ep_fd, NULL);
		c->ep_fd = -1;
		return;
	}
	if (c->ep_fd == c->fd && c->ep_events == events)
		return;
	if (c->ep_fd == c->fd) {
		if (epoll_ctl(e->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0 && errno == ENOENT &&
		    epoll_ctl(e->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
			err(HERD_EXIT_RUNTIME, "epoll_ctl");
	} else if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0 &&
	    (errno != EEXIST || epoll_ctl(e->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)) {
		err(HERD_EXIT_RUNTIME, "epoll_ctl");
	}
	c->ep_fd = c->fd;
	c->ep_events = events;
}

static void
watch(struct polling *p, int fd, short events, struct polled what)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->pfd = xreallocarray(p->pfd, p->cap, sizeof *p->pfd);
		p->what = xreallocarray(p->what, p->cap, sizeof *p->what);
	}
	p->pfd[p->n] = (struct pollfd){ .fd = fd, .events = events };
	p->what[p->n++] = what;
}

/* Wait for the sockets, the clients, a signal, or the nearest deadline. */
static void
wait_events(struct engine *e, struct polling *p, long long now)
{
	long long due = -1, d;
	struct client *cl;
	struct conn *c;
	char drain[64];
	size_t i;
	int ms;

	p->n = 0;
	watch(p, e->epfd, POLLIN, (struct polled){ P_CONNS, NULL });
	for (i = 0; i < e->nconns; i++) {
		c = e->conns[i];
		if (c->fd < 0 || c->state == C_IDLE || c->state == C_FAILED ||
		    (!e->keep && !c->ntasks) || conn_held(c)) {
			ep_watch(e, c, 0);
			continue;
		}
		ep_watch(e, c, conn_poll_events(c));
		if ((d = conn_due(e, c)) >= 0)
			due = sooner(due, d);
	}
	for (i = 0; i < e->nclients; i++) {
		cl = e->clients[i];
		if (cl->in_fd >= 0 && !e->stopping)
			watch(p, cl->in_fd, POLLIN, (struct polled){ P_IN, cl });
		if (outq_pending(&cl->out))
			watch(p, cl->out.fd, POLLOUT, (struct polled){ P_OUT, cl });
	}
	if (e->listen_fd >= 0 && !e->stopping)
		watch(p, e->listen_fd, POLLIN, (struct polled){ P_LISTEN, NULL });
	if (e->idle_timeout_ms > 0 && e->idle_since)
		due = sooner(due, e->idle_since + e->idle_timeout_ms);
	if (e->every && !e->nruns && !e->stopping)
		due = sooner(due, every_wait(e->every));
	if (e->follow && !e->stopping)
		due = sooner(due, follow_wait(e->follow));
	if (e->forward && !e->stopping) {
		due = sooner(due, forward_wait(e->forward));
		watch(p, forward_fd(e->forward), POLLIN, (struct polled){ .kind = P_WAKE });
	}
	/* The self-pipe last: a signal between the check and poll. */
	watch(p, wake[0], POLLIN, (struct polled){ P_WAKE, NULL });
	ms = due < 0 ? -1 : due <= now ? 0 : due - now > 100000 ? 100000 : (int)(due - now);
	p->nready = 0;
	if (poll(p->pfd, p->n, ms) < 0) {
		if (errno != EINTR)
			err(HERD_EXIT_RUNTIME, "poll");
		p->n = 0;
		return;
	}
	if (p->pfd[0].revents &&
	    (p->nready = epoll_wait(e->epfd, p->ready, sizeof p->ready / sizeof p->ready[0], 0)) < 0) {
		if (errno != EINTR)
			err(HERD_EXIT_RUNTIME, "epoll_wait");
		p->nready = 0;
	}
	if (p->pfd[p->n - 1].revents & POLLIN)
		while (read(wake[0], drain, sizeof drain) > 0)
			;
}

/* After poll: what is ready, and what is due, moves on. */
static void
dispatch(struct engine *e, struct polling *p, long long now)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < (size_t)p->nready; i++) {
		c = p->ready[i].data.ptr;
		if (p->ready[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			c->tcp_up = 1;
		advance_conn(e, c, now);
	}
	/* Deadlines and streamed partial lines, for every connection. */
	for (i = 0; i < e->nconns; i++) {
		c = e->conns[i];
		long long due = conn_due(e, c);
		size_t k;

		if (conn_held(c))
			continue;
		if (due >= 0 && now >= due)
			advance_conn(e, c, now);
		for (k = 0; k < c->ntasks; k++)
			if (c->tasks[k]->run->stream && stream_due(c->tasks[k]) &&
			    now >= stream_due(c->tasks[k]))
				stream_flush(c->tasks[k], now, 0);
	}
	for (i = 0; i < p->n; i++) {
		if (!p->pfd[i].revents)
			continue;
		switch (p->what[i].kind) {
		case P_OUT: outq_drain(&p->what[i].client->out); break;
		case P_IN: client_read(e, p->what[i].client); break;
		case P_LISTEN: serve_accept(e); break;
		case P_CONNS: case P_WAKE: break;
		}
	}
}

/* Ctrl-C, SIGTERM, or a closed output: every run stopped, each host reported. */
static void
stop_everything(struct engine *e, long long now)
{
	size_t i;

	e->stopping = 1;
	for (i = 0; i < e->nruns; i++)
		engine_cancel(e, e->runs[i], "interrupted", now);
}

static int
output_failed(const struct engine *e)
{
	return (!e->keep || e->every || e->follow || e->forward) && e->nclients &&
	    e->clients[0]->out.err;
}

static int
done(const struct engine *e)
{
	size_t i;

	if (e->nruns)
		return 0;
	if (e->stopping || !e->keep)
		return 1;
	if (e->every && every_wait(e->every) >= 0)
		return 0;
	if (e->follow && follow_wait(e->follow) >= 0)
		return 0;
	if (e->forward)
		return 0;	/* until stopped */
	for (i = 0; i < e->nclients; i++)
		if (e->clients[i]->in_fd >= 0)
			return 0;
	return e->listen_fd < 0;
}

void
engine_loop(struct engine *e)
{
	struct polling p = { 0 };
	long long now;
	size_t i;

	if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		err(HERD_EXIT_RUNTIME, "epoll_create1");
	for (;;) {
		now = herd_mono_ms();
		if (!e->stopping && (terminated ||
		    ((!e->keep || e->every || e->follow || e->forward) && interrupted) ||
		    output_failed(e)))
			stop_everything(e, now);
		if (e->every && !e->stopping)
			every_due(e, now);
		if (e->follow && !e->stopping)
			follow_due(e, now);
		if (e->forward && !e->stopping)
			forward_tick(e, now);
		/* slots freed are filled, and hosts that failed at once reported */
		while (reap(e, now) + schedule(e, now) > 0)
			now = herd_mono_ms();
		serve_states(e);
		for (i = 0; i < e->nclients; i++)
			outq_drain(&e->clients[i]->out);
		serve_gone(e, now);
		if (done(e))
			break;
		wait_events(e, &p, now);
		dispatch(e, &p, herd_mono_ms());
		if (e->forward && !e->stopping)
			forward_events(e, herd_mono_ms());
	}
	free(p.pfd);
	free(p.what);
	close(e->epfd);
	e->epfd = -1;
	for (i = 0; i < e->nconns; i++)
		e->conns[i]->ep_fd = -1;
}

void
engine_free(struct engine *e)
{
	size_t i;

	for (i = 0; i < e->nruns; i++)
		engine_run_free(e->runs[i]);
	free(e->runs);
	for (i = 0; i < e->nclients; i++)
		client_free(e->clients[i]);
	free(e->clients);
	for (i = 0; i < e->nconns; i++) {
		conn_free(e->conns[i]);
		free(e->conns[i]);
	}
	free(e->conns);
	herd_map_free(&e->conn_index);
	herd_strv_free(&e->conn_keys);
}
