/*
 * The event loop over the jobs, the input it reads and the records it
 * writes: one process, one poll(2), every host's socket in it.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>

#include "records.h"
#include "run.h"

volatile sig_atomic_t interrupted;
int wake[2] = { -1, -1 };
int out_errno;

/*
 * Descriptors: one connection per host, and one more for an agent's or a
 * proxy's socket; a few at a time for key and known_hosts files and a
 * ProxyCommand's pipe.
 */
#define FDS_PER_HOST 2
#define FDS_RESERVE 6

static size_t
fds_in_use(void)
{
	struct dirent *d;
	size_t n = 0;
	DIR *dir = opendir("/proc/self/fd");
	int fd;

	if (dir) {
		while ((d = readdir(dir)))
			n += d->d_name[0] != '.';
		closedir(dir);
		return n ? n - 1 : 0;	/* less the directory's own */
	}
	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/*
 * Raise the open-file limit as far as the hard limit allows for the hosts
 * wanted at once, then lower the concurrency to what fits: hosts beyond it
 * wait for a slot rather than fail with EMFILE.
 */
void
fit_file_limit(struct options *o, size_t nhosts)
{
	size_t used = fds_in_use(), want, room, at_once;
	struct rlimit rl;

	at_once = (size_t)o->concurrency < nhosts ? (size_t)o->concurrency : nhosts;
	want = used + FDS_RESERVE + at_once * FDS_PER_HOST;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
		    want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	room = rl.rlim_cur > used + FDS_RESERVE ?
	    (rl.rlim_cur - used - FDS_RESERVE) / FDS_PER_HOST : 0;
	if (room < 1)
		room = 1;
	warnx("open-file limit %llu: %zu host%s at a time (raise ulimit -n for more)",
	    (unsigned long long)rl.rlim_cur, room, room == 1 ? "" : "s");
	o->concurrency = (long long)room;
}

/* A pty's output: its CR LF line ends as LF. */
static void
crlf_to_lf(struct herd_buf *b)
{
	size_t i, o = 0;

	for (i = 0; i < b->len; i++)
		if (b->p[i] != '\r' || i + 1 == b->len || b->p[i + 1] != '\n')
			b->p[o++] = b->p[i];
	b->len = o;
	if (b->p)
		b->p[o] = '\0';
}

static void
add_marker(struct stream *s)
{
	if (s->dropped && s->over_total)
		herd_buf_addf(&s->buf, "\n[herd: output truncated: %zu bytes dropped, "
		    "beyond --max-total-output for all hosts at once]\n", s->dropped);
	else if (s->dropped)
		herd_buf_addf(&s->buf, "\n[herd: output truncated: %zu bytes beyond "
		    "--max-output dropped]\n", s->dropped);
}

static void
emit_json(const struct herd_result *res)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "host", herd_json_bytes(res->host, strlen(res->host)));
	json_object_set_new(obj, "status", json_string(herd_status_name(res->status)));
	json_object_set_new(obj, "exit", res->exit_code >= 0 ?
	    json_integer(res->exit_code) : json_null());
	json_object_set_new(obj, "duration_ms", json_integer(res->duration_ms));
	json_object_set_new(obj, "stdout", herd_json_bytes(res->out.p, res->out.len));
	json_object_set_new(obj, "stderr", herd_json_bytes(res->err.p, res->err.len));
	json_object_set_new(obj, "error", res->error ?
	    herd_json_bytes(res->error, strlen(res->error)) : json_null());
	json_object_set_new(obj, "hint", res->hint ? json_string(res->hint) : json_null());
	json_object_set_new(obj, "truncated", json_boolean(res->flags & HERD_RESULT_TRUNCATED));
	json_object_set_new(obj, "sha256", json_string(res->sha256));
	json_object_set_new(obj, "run", json_string(res->run));
	json_object_set_new(obj, "finished_ms", json_integer(res->finished_ms));
	json_object_set_new(obj, "streamed", json_boolean(res->flags & HERD_RESULT_STREAMED));
	herd_json_print(stdout, obj);
}

void
emit(struct job *j, const struct options *o, long long now)
{
	enum herd_status st = (enum herd_status)j->status;
	/* herd-records(5): no exit status for failed and timeout, even signalled. */
	int has_exit = j->got_exit && (j->status == S_OK || j->status == S_NONZERO);
	struct herd_result res = {
		.run = o->run_id, .host = j->host.name, .status = st,
		.exit_code = has_exit ? j->exit_code : -1, .duration_ms = now - j->started,
		.error = j->error, .hint = (char *)j->hint, .finished_ms = herd_now_ms(),
	};

	if (o->ask_become_pass) {
		sudo_settle(j);
		crlf_to_lf(&j->out.buf);
	}
	add_marker(&j->out);
	add_marker(&j->err);
	if (o->stream)
		stream_flush(j, now, 1);
	if (j->out.dropped || j->err.dropped)
		res.flags |= HERD_RESULT_TRUNCATED;
	if (o->stream)
		res.flags |= HERD_RESULT_STREAMED;
	res.out = j->out.buf;
	res.err = j->err.buf;
	herd_result_hash(herd_status_name(st), res.exit_code, res.out.p, res.out.len,
	    res.err.p, res.err.len, res.sha256);
	if (o->json)
		emit_json(&res);
	else
		herd_result_write(stdout, &res);
	if (fflush(stdout) != 0 && !out_errno)
		out_errno = errno;
}

/*
 * Read the H records; they are written on too (records mode), so that later
 * stages know each host's address, port, user and tags.  A host comes once:
 * a later H record with the same name is dropped.  Other records pass
 * through unchanged.
 */
void
read_hosts(FILE *in, struct herd_hostlist *hosts, int pass)
{
	struct herd_rec r = { 0 };
	struct herd_map seen = { 0 };
	struct herd_host h;
	int added;

	const char *why;

	while (herd_rec_read(in, &r)) {
		if (r.type == '#') {
			if (herd_rec_check_header(&r, &why) < 0)
				errx(HERD_EXIT_USAGE, "line %zu: %s", r.line, why);
			continue;
		}
		if (r.type != 'H') {
			if (pass)
				herd_rec_passthrough(stdout, &r);
			continue;
		}
		if (herd_host_from_rec(&r, &h) < 0)
			errx(HERD_EXIT_USAGE, "bad H record: %s", herd_safe(r.raw));
		herd_map_put(&seen, h.name, strlen(h.name), &added);
		if (!added) {
			herd_host_free(&h);
			continue;
		}
		*herd_hostlist_add(hosts) = h;
		if (pass)
			herd_rec_passthrough(stdout, &r);
	}
	if (ferror(in))
		err(HERD_EXIT_RUNTIME, "reading the host records");
	herd_map_free(&seen);
	herd_rec_free(&r);
}

/* Ctrl-C or a closed output: stop the running jobs, report the others. */
static void
stop_all(struct job *jobs, size_t n, size_t *next, const size_t *active,
    size_t nactive, const struct options *o, struct counts *c, long long now)
{
	struct job *j;
	size_t i;

	for (i = 0; i < nactive; i++) {
		j = &jobs[active[i]];
		if (j->state == J_DONE || j->state == J_STOP)
			continue;	/* finished, or being stopped */
		job_stop(j, S_FAILED, j->state == J_READ ? "interrupted; the remote "
		    "command was stopped" : "interrupted before the command started", now);
	}
	for (; *next < n; (*next)++) {
		j = &jobs[*next];
		j->error = xstrdup("interrupted before connecting");
		j->status = S_FAILED;
		j->started = now;
		emit(j, o, now);
		c->n[S_FAILED]++;
		job_free(j);
	}
}

/* Wait for the sockets of the active jobs, or the nearest deadline. */
static void
wait_events(struct job *jobs, const size_t *active, size_t nactive,
    struct pollfd *pfd, long long now)
{
	long long wait = -1, until;
	char drain[64];
	struct job *j;
	size_t i;

	for (i = 0; i < nactive; i++) {
		j = &jobs[active[i]];
		pfd[i].fd = j->fd;
		pfd[i].events = j->fd >= 0 ? job_poll_events(j) : 0;
		pfd[i].revents = 0;
		if (j->deadline) {
			until = j->deadline > now ? j->deadline - now : 0;
			if (wait < 0 || until < wait)
				wait = until;
		}
		if (j->opts->stream && (until = stream_due(j))) {
			until = until > now ? until - now : 0;
			if (wait < 0 || until < wait)
				wait = until;
		}
	}
	/* The self-pipe last: a signal between the check and poll. */
	pfd[nactive].fd = wake[0];
	pfd[nactive].events = POLLIN;
	pfd[nactive].revents = 0;
	if (poll(pfd, nactive + 1, (int)(wait > 100000 ? 100000 : wait)) < 0 &&
	    errno != EINTR)
		err(HERD_EXIT_RUNTIME, "poll");
	if (pfd[nactive].revents & POLLIN)
		while (read(wake[0], drain, sizeof drain) > 0)
			;
}

/* The event loop: start up to concurrency jobs, poll their sockets, advance them. */
void
run_all(struct job *jobs, size_t n, struct options *o, struct counts *c)
{
	size_t conc = (size_t)o->concurrency, next = 0, nactive = 0, i;
	size_t *active = xcalloc(conc, sizeof *active);
	struct pollfd *pfd = xcalloc(conc + 1, sizeof *pfd);
	long long now;
	int stopping = 0, reaped;
	struct job *j;

	while (next < n || nactive > 0) {
		now = herd_mono_ms();
		if ((interrupted || out_errno || ferror(stdout)) && !stopping) {
			stopping = 1;
			stop_all(jobs, n, &next, active, nactive, o, c, now);
		}
		while (!stopping && nactive < conc && next < n) {
			job_start(&jobs[next], o, now);
			active[nactive++] = next++;
		}
		reaped = 0;
		for (i = 0; i < nactive;) {
			j = &jobs[active[i]];
			if (j->state != J_DONE) {
				i++;
				continue;
			}
			emit(j, o, herd_mono_ms());
			c->n[j->status]++;
			job_free(j);
			active[i] = active[--nactive];
			reaped = 1;
		}
		/* Fill the slots just freed before waiting on the others. */
		if (reaped || nactive == 0)
			continue;
		wait_events(jobs, active, nactive, pfd, now);
		now = herd_mono_ms();
		for (i = 0; i < nactive; i++) {
			j = &jobs[active[i]];
			if (pfd[i].revents & (POLLOUT | POLLERR | POLLHUP))
				j->tcp_up = 1;
			if (pfd[i].revents || (j->deadline && now >= j->deadline))
				job_advance(j, o, now);
			if (o->stream && stream_due(j) && now >= stream_due(j))
				stream_flush(j, now, 0);
		}
		if (o->stream)
			stream_push();
	}
	free(active);
	free(pfd);
}
