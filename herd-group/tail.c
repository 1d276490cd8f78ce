/*
 * --tail: the lines of herd-run --follow (L records) shown as they arrive,
 * "[host] line", merged in the order they came; what happens to each
 * host's stream (S records: lost, failed, back; R: ended) said on a line
 * of its own, with the gap.  Only whole lines are printed, made safe for a
 * terminal, so that two hosts' bytes never share a line.  The command's
 * own standard error output (tail: cannot open ...) goes to standard error.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "group.h"
#include "records.h"
#include "tail.h"


static const struct tail_opts *opts;
static struct thost *hosts;
static size_t nhosts, caphosts;
static struct herd_map by_name;
static int events_to_stderr;	/* the output is not a terminal: say them there too */
static volatile sig_atomic_t stopped;

static struct thost *
host_of(const char *name)
{
	size_t *slot = herd_map_get(&by_name, name, strlen(name));
	struct thost *h;
	size_t i;

	if (slot)
		return &hosts[*slot];
	/* (the map's keys are the names, which do not move with the array) */
	herd_grow(&hosts, &caphosts, nhosts, sizeof *hosts);
	h = &hosts[nhosts];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
	h->color = host_color(name);
	h->path = opts->paths.n == 1 ? opts->paths.v[0] : NULL;
	for (i = 0; i < 2; i++)
		herd_buf_adds(&h->part[i], "");
	*herd_map_put(&by_name, h->name, strlen(h->name), NULL) = nhosts++;
	return h;
}

static const char *
clock_of(long long ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* The prefix of a line: [host] or [host path], coloured on a terminal. */
static void
prefix(struct herd_buf *b, const char *host, const char *colr, const char *path)
{
	if (opts->no_hostname && (!path || opts->paths.n < 2))
		return;
	if (opts->color && colr)
		herd_buf_adds(b, colr);
	herd_buf_addc(b, '[');
	if (!opts->no_hostname)
		herd_sanitize(b, host, strlen(host));
	if (path && opts->paths.n > 1) {
		if (!opts->no_hostname)
			herd_buf_addc(b, ' ');
		herd_sanitize(b, path, strlen(path));
	}
	herd_buf_addc(b, ']');
	if (opts->color && colr)
		herd_buf_adds(b, "\033[0m");
	herd_buf_addc(b, ' ');
}

static json_t *
hosts_json(char *const *names, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, herd_json_bytes(names[i], strlen(names[i])));
	return a;
}

/* A line of a log, from a host or (collapsed) several. */
void
tail_print(const struct tail_line *l)
{
	struct herd_buf b = { 0 };
	json_t *o;
	char *folded;

	if (opts->json) {
		o = json_object();
		folded = herd_fold(l->hosts, l->nhosts, 1);
		json_object_set_new(o, "host", herd_json_bytes(folded, strlen(folded)));
		if (l->nhosts > 1)
			json_object_set_new(o, "hosts", hosts_json(l->hosts, l->nhosts));
		json_object_set_new(o, "path", l->path ?
		    herd_json_bytes(l->path, strlen(l->path)) : json_null());
		json_object_set_new(o, "time", json_integer(l->time_ms));
		json_object_set_new(o, "line", herd_json_bytes(l->text, l->len));
		herd_json_print(stdout, o);
		free(folded);
		return;
	}
	if (l->nhosts == 1) {
		prefix(&b, l->hosts[0], host_color(l->hosts[0]), l->path);
	} else {
		folded = herd_fold(l->hosts, l->nhosts, 1);
		prefix(&b, folded, NULL, l->path);
		free(folded);
	}
	herd_sanitize(&b, l->text, l->len);
	herd_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.len, stdout);
	herd_buf_free(&b);
}

/* What happened to a host's stream: a line of its own (an object with --json). */
static void
event(struct thost *h, const char *what, long long time_ms, const char *reason,
    long long gap_ms, const char *fmt, ...)
{
	struct herd_buf b = { 0 };
	json_t *o;
	va_list ap;
	char *msg;

	if (opts->json) {
		o = json_object();
		json_object_set_new(o, "host", herd_json_bytes(h->name, strlen(h->name)));
		json_object_set_new(o, "event", json_string(what));
		json_object_set_new(o, "time", json_integer(time_ms));
		json_object_set_new(o, "reason", reason ?
		    herd_json_bytes(reason, strlen(reason)) : json_null());
		if (gap_ms >= 0)
			json_object_set_new(o, "gap_ms", json_integer(gap_ms));
		herd_json_print(stdout, o);
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		err(HERD_EXIT_RUNTIME, "vasprintf");
	va_end(ap);
	if (opts->color)
		herd_buf_adds(&b, h->color);
	herd_buf_addc(&b, '[');
	herd_sanitize(&b, h->name, strlen(h->name));
	herd_buf_addc(&b, ']');
	if (opts->color)
		herd_buf_adds(&b, "\033[0m");
	herd_buf_addc(&b, ' ');
	safe_line(&b, msg, strlen(msg));
	herd_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.len, stdout);
	if (events_to_stderr) {
		fflush(stdout);
		fwrite(b.p, 1, b.len, stderr);
	}
	free(msg);
	herd_buf_free(&b);
}

/* tail's "==> PATH <==" for one of the paths followed, with several. */
static const char *
header_path(const char *s, size_t n)
{
	size_t i, len;

	if (opts->paths.n < 2 || n < 9 || memcmp(s, "==> ", 4) || memcmp(s + n - 4, " <==", 4))
		return NULL;
	for (i = 0; i < opts->paths.n; i++) {
		len = strlen(opts->paths.v[i]);
		if (len == n - 8 && !memcmp(s + 4, opts->paths.v[i], len))
			return opts->paths.v[i];
	}
	return NULL;
}

static void
out_line(struct thost *h, long long time_ms, const char *s, size_t n)
{
	struct tail_line l = { &h->name, 1, h->path, time_ms, s, n };

	h->lines++;
	h->bytes += (long long)n + 1;
	h->window++;
	if (opts->collapse || opts->merge_time)
		order_add(opts, h->name, h->path, time_ms, s, n, herd_mono_ms());
	else
		tail_print(&l);
}

/* A whole line of standard output: a header, a blank line held, or a line. */
static void
log_line(struct thost *h, long long time_ms, const char *s, size_t n)
{
	const char *path;

	if ((path = header_path(s, n))) {
		h->path = path;
		h->blank = 0;
		return;
	}
	if (h->blank) {
		h->blank = 0;
		out_line(h, h->blank_ms, "", 0);
	}
	if (!n && opts->paths.n > 1) {
		h->blank = 1;
		h->blank_ms = time_ms;
		return;
	}
	out_line(h, time_ms, s, n);
}

/* A line of the command's standard error output: on stderr. */
static void
err_line(struct thost *h, long long time_ms, const char *s, size_t n)
{
	struct herd_buf b = { 0 };
	json_t *o;

	if (opts->json) {
		o = json_object();
		json_object_set_new(o, "host", herd_json_bytes(h->name, strlen(h->name)));
		json_object_set_new(o, "stream", json_string("stderr"));
		json_object_set_new(o, "time", json_integer(time_ms));
		json_object_set_new(o, "line", herd_json_bytes(s, n));
		herd_json_print(stdout, o);
		return;
	}
	fflush(stdout);
	prefix(&b, h->name, h->color, NULL);
	herd_sanitize(&b, s, n);
	herd_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.len, stderr);
	herd_buf_free(&b);
}

static void
host_line(struct thost *h, int e, long long time_ms, const char *s, size_t n)
{
	if (e)
		err_line(h, time_ms, s, n);
	else
		log_line(h, time_ms, s, n);
}

static void
read_chunk(const struct herd_rec *r)
{
	struct herd_chunk c;
	struct thost *h;
	struct herd_buf *p;
	const char *s, *nl, *end;
	const char *why;
	int e;

	if (herd_chunk_read(r, &c, &why) < 0) {
		warnx("line %zu: %s; record left out", r->line, why);
		return;
	}
	h = host_of(c.host);
	e = c.stream == 'e';
	p = &h->part[e];
	s = c.data;
	end = s + c.len;
	while ((nl = memchr(s, '\n', (size_t)(end - s)))) {
		if (p->len) {
			herd_buf_add(p, s, (size_t)(nl - s));
			host_line(h, e, c.time_ms, p->p, p->len);
			herd_buf_reset(p);
		} else {
			host_line(h, e, c.time_ms, s, (size_t)(nl - s));
		}
		s = nl + 1;
	}
	herd_buf_add(p, s, (size_t)(end - s));
	free(c.run);
	free(c.host);
}

/* The partial lines of a host whose command ended, finished. */
static void
host_done(struct thost *h, long long time_ms)
{
	int i;

	for (i = 0; i < 2; i++)
		if (h->part[i].len) {
			host_line(h, i, time_ms, h->part[i].p, h->part[i].len);
			herd_buf_reset(&h->part[i]);
		}
	if (h->blank) {
		h->blank = 0;
		out_line(h, h->blank_ms, "", 0);
	}
}

/* The host's stream is lost, or could not be had: said once, until it is back. */
static void
lost(struct thost *h, long long time_ms, const char *reason)
{
	if (h->down_ms)
		return;		/* said already: the tries in between are not */
	host_done(h, time_ms);
	h->down_ms = time_ms;
	if (h->up)
		event(h, "lost", time_ms, reason, -1, "stream lost: %s — reconnecting",
		    reason ? reason : "connection closed");
	else
		event(h, "failed", time_ms, reason, -1, "cannot connect: %s — retrying",
		    reason ? reason : "connection failed");
	h->up = 0;
}

static void
read_state(const struct herd_rec *r)
{
	struct herd_conn_state s;
	struct thost *h;
	const char *why;
	char a[16], b[16], d[32];
	long long gap;

	if (herd_conn_state_read(r, &s, &why) < 0) {
		warnx("line %zu: %s; record left out", r->line, why);
		return;
	}
	h = host_of(s.host);
	if (s.time_ms < 0)
		s.time_ms = herd_now_ms();
	switch (s.state) {
	case HERD_CONN_UP:
		if (h->down_ms) {
			gap = s.time_ms - h->down_ms;
			if (h->ever_up) {
				h->gaps++;
				h->gap_ms += gap;
				event(h, "resumed", s.time_ms, NULL, gap, "stream resumed after "
				    "%s (%s to %s); lines written meanwhile are not shown",
				    herd_format_duration(gap, d, sizeof d),
				    clock_of(h->down_ms, a, sizeof a), clock_of(s.time_ms, b,
				    sizeof b));
			} else {
				event(h, "connected", s.time_ms, NULL, gap,
				    "connected after %s", herd_format_duration(gap, d, sizeof d));
			}
		}
		h->down_ms = 0;
		h->up = h->ever_up = 1;
		break;
	case HERD_CONN_DOWN:
	case HERD_CONN_FAILED:
		lost(h, s.time_ms, s.reason);
		break;
	default:
		break;
	}
	herd_conn_state_free(&s);
}

/*
 * A host's result: its stream ended by itself, or was stopped (not said), or
 * it failed: lost, to be tried again by herd-run --follow.
 */
static void
read_result(const struct herd_rec *r)
{
	struct herd_result res;
	struct thost *h;
	char *bad = NULL;
	long long when;

	if (herd_result_read(r, &res, &bad) < 0) {
		warnx("line %zu: %s; record left out", r->line, bad);
		free(bad);
		return;
	}
	h = host_of(res.host);
	when = res.finished_ms > 0 ? res.finished_ms : herd_now_ms();
	host_done(h, when);
	if (res.status == HERD_NONZERO)
		event(h, "ended", when, NULL, -1, "stream ended: exit %lld", res.exit_code);
	else if (res.status == HERD_OK)
		event(h, "ended", when, NULL, -1, "stream ended");
	else if (res.error && strncmp(res.error, "interrupted", 11) &&
	    strncmp(res.error, "cancelled", 9))
		lost(h, when, res.error);
	if (res.status != HERD_FAILED)
		h->up = 0;
	free(bad);
	herd_result_free(&res);
}

static void
record(const struct herd_rec *r, const char *name)
{
	const char *why;

	switch (r->type) {
	case '#':
		if (herd_rec_check_header(r, &why) < 0)
			errx(HERD_EXIT_USAGE, "%s:%zu: %s", name, r->line, why);
		break;
	case 'L': read_chunk(r); break;
	case 'S': read_state(r); break;
	case 'R': read_result(r); break;
	}
}

static void
on_signal(int sig)
{
	stopped = sig;
}

/* Records from FD until its end, with the held lines let out on time. */
static void
read_fd(int fd, const char *name)
{
	struct herd_lines in = { 0 };
	struct herd_rec r = { 0 };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long now, due, stats_at = herd_mono_ms() + opts->stats_every_ms;
	const char *line;
	size_t len, lineno = 0;
	ssize_t n;
	int ms;

	for (;;) {
		now = herd_mono_ms();
		due = order_due();
		if (opts->stats && (due < 0 || stats_at < due))
			due = stats_at;
		ms = due < 0 ? -1 : due <= now ? 0 : (int)(due - now);
		if (fflush(stdout) != 0)
			break;
		if (poll(&p, 1, ms) < 0 && errno != EINTR)
			err(HERD_EXIT_RUNTIME, "poll");
		if (p.revents) {
			if ((n = herd_lines_fill(&in, fd)) < 0 && errno != EAGAIN &&
			    errno != EINTR)
				err(HERD_EXIT_RUNTIME, "%s", name);
			while (herd_lines_next(&in, &line, &len)) {
				if (!herd_rec_parse(&r, line, len))
					continue;
				r.line = ++lineno;
				record(&r, name);
			}
		}
		now = herd_mono_ms();
		order_flush(now, 0);
		if (opts->stats && now >= stats_at) {
			tail_stats_line(hosts, nhosts, opts->stats_every_ms + now - stats_at);
			stats_at = now + opts->stats_every_ms;
		}
		if (in.eof)
			break;
	}
	herd_rec_free(&r);
	herd_lines_free(&in);
}

int
tail_view(const struct tail_opts *o, int argc, char **argv)
{
	struct sigaction sa = { 0 };
	size_t i;
	int fd, k;

	opts = o;
	events_to_stderr = !o->json && !isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	/* Ctrl-C is for herd-run, which ends the streams: read on to their end. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!argc) {
		herd_refuse_tty(stdin, "pipe herd-run --follow into it, as in herd-select "
		    "-g web | herd-run --follow -- tail -F /var/log/syslog | herd-group --tail");
		read_fd(STDIN_FILENO, "stdin");
	}
	for (k = 0; k < argc; k++) {
		if (!strcmp(argv[k], "-")) {
			read_fd(STDIN_FILENO, "stdin");
			continue;
		}
		if ((fd = open(argv[k], O_RDONLY | O_CLOEXEC)) < 0)
			err(HERD_EXIT_USAGE, "%s", herd_safe(argv[k]));
		read_fd(fd, argv[k]);
		close(fd);
	}
	for (i = 0; i < nhosts; i++)
		host_done(&hosts[i], herd_now_ms());
	order_flush(herd_mono_ms(), 1);
	if (o->stats)
		tail_summary(hosts, nhosts);
	for (i = 0; i < nhosts; i++) {
		free(hosts[i].name);
		herd_buf_free(&hosts[i].part[0]);
		herd_buf_free(&hosts[i].part[1]);
	}
	free(hosts);
	herd_map_free(&by_name);
	order_free();
	if (fflush(stdout) != 0 && errno != EPIPE)
		err(HERD_EXIT_RUNTIME, "stdout");
	return stopped ? HERD_EXIT_INTERRUPT : HERD_EXIT_OK;
}
