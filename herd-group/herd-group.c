/* herd-group: results grouped by identical output, the norm first, outliers diffed. */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "conf.h"
#include "group.h"
#include "mask.h"
#include "records.h"
#include "tail.h"
#include "tunnel.h"

/* The lines of each output and each diff shown on a terminal, unless --lines. */
#define TTY_LINES 40

static const char usage[] =
    "usage: herd-group [options] [FILE...]\n"
    "Reads result records (FILE, or stdin) and shows hosts grouped by identical\n"
    "output: the norm first, outliers with a unified diff against it.\n"
    "\n"
    "  -c, --config FILE    herd config (for --parse NAME from its parsers)\n"
    "      --color WHEN     auto (a terminal, unless NO_COLOR), always, never\n"
    "      --by-content     a push or pull run: the hosts with identical copies\n"
    "                       on one line (web-[01-03]), each content once\n"
    "      --compare        show a run whose C names an earlier run (herd-hist\n"
    "                       record --last) compared with it: the hosts that\n"
    "                       changed, with diffs; the run named is not shown\n"
    "      --errdir DIR     write each host's stderr to DIR/HOST\n"
    "      --done-fd N      after each run is shown, write its id and a line\n"
    "                       feed to descriptor N (a program that feeds runs\n"
    "                       one by one learns that the view is there)\n"
    "      --errors-only    only hosts that exited non-zero, failed or timed out\n"
    "      --hosts SEL      print H records of the hosts SEL picks, for the next\n"
    "                       stage: @all @ok @differs @failed @nonzero @timeout\n"
    "                       @noresult @changed @tag:NAME @tag:!NAME, names,\n"
    "                       globs; comma = union\n"
    "      --ignore REGEX   what REGEX matches does not count when a result is\n"
    "                       compared with its run before (PCRE2, repeatable)\n"
    "      --json           JSON Lines: one object per group, then a summary\n"
    "                       (with --oneline, per host; with --parse, per host)\n"
    "      --lines N        at most N lines per output and per diff (0: all;\n"
    "                       on a terminal the default is 40)\n"
    "  -S, --max-exit       exit with the largest remote exit status (255 for a\n"
    "                       host that failed, timed out or has no result)\n"
    "      --no-fold        list every host name instead of ranges (web-[01-20])\n"
    "      --oneline        one line per host: host | STATUS | rc=N | output\n"
    "      --outdir DIR     write each host's stdout to DIR/HOST\n"
    "                       (a read run: the hosts whose file was read)\n"
    "      --parse NAME     a table of fields: a config parser, or disk, free, uptime\n"
    "      --ping           one line per host, reachable or not (herd-run --ping)\n"
    "      --stream         show the L records of herd-run --stream as they come,\n"
    "                       host: line, then the view of each run as it ends\n"
    "      --watch          each run of a series (herd-run --every) under a header\n"
    "                       and a line N unchanged, N changed, N down; hosts whose\n"
    "                       result changed since the run before marked [changed]\n"
    "      --changes-only   --watch: show only the hosts changed (and new)\n"
    "      --tunnel         the forwards of herd-run --forward: a line per host\n"
    "                       when up, when down, when up again\n"
    "      --tail           the lines of herd-run --follow as they come, [host] line,\n"
    "                       and what happens to each host's stream\n"
    "      --path PATH      --tail: a file followed (repeatable; with several,\n"
    "                       tail's headers say which each line is from)\n"
    "      --collapse       --tail: a line that came from several hosts within\n"
    "                       --window shown once, the hosts folded\n"
    "      --merge-time     --tail: lines ordered by the time they carry, each\n"
    "                       held at most --window\n"
    "      --window DUR     --collapse, --merge-time: how long (default 500ms)\n"
    "      --no-hostname    --tail: the lines without [host]\n"
    "      --stats          --tail: line rates every 10s, and a summary at the\n"
    "                       end, on stderr\n"
    "      --interval DUR   --watch: the interval, said in the header\n"
    "  -h, --help           this help\n"
    "Exit status: 0 every host ok, 1 some host non-zero, failed, timed out or\n"
    "without a result, 2 usage error, 3 a file not written, 130 interrupted.\n"
    "See herd-group(1).\n";

struct state {
	struct render_opts ro;
	const char *hosts_sel, *parse, *outdir, *errdir;
	int outfd, errfd;
	int oneline, ping, max_exit, stream, compare, watching;
	int by_content;		/* a push or pull run: identical copies together */
	struct watch watch;
	struct herd_config cfg;
	int progress, ended_any;
	int done_fd;		/* --done-fd: each run's id when shown; -1 none */
	int bad;		/* some host not ok, a record left out, a run cut short */
	int runtime;		/* a file of --outdir or --errdir not written */
	int maxexit;		/* the largest remote exit status; 255 for a failure */
	struct run **runs;	/* by order of first record; NULL once shown */
	size_t nruns, capruns;
	struct herd_strv ids;	/* the keys of by_id */
	struct herd_map by_id;	/* run id -> index into runs */
	struct run pending;	/* hosts of H records no run has taken yet */
	struct herd_strv wanted;	/* runs named by a compare field, */
	struct herd_map wanted_ids;	/* as a set */
	struct run **kept;	/* those of them that ended */
	size_t nkept, capkept;
};

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

static void
show_progress(struct state *st, const struct run *run)
{
	if (!st->progress)
		return;
	if (run_nhosts(run))
		fprintf(stderr, "\r%zu/%zu done", run->nresults, run_nhosts(run));
	else
		fprintf(stderr, "\r%zu done", run->nresults);
	fflush(stderr);
}

static void
clear_progress(struct state *st)
{
	if (st->progress)
		fputs("\r\033[K", stderr);
}

static void
print_selected(const struct run *run, const char *sel, int header)
{
	struct herd_pick *picks;
	const struct herd_host *h;
	struct herd_host bare;
	char *err, *picked, *safe;
	size_t i, n;

	picks = run_picks(run, &n);
	if (!n) {
		safe = herd_safe(sel);
		errx(HERD_EXIT_USAGE, "--hosts %s: no results to select from", safe);
	}
	picked = xcalloc(n + 1, 1);
	if (herd_pick_hosts(picks, n, sel, picked, &err) < 0)
		errx(HERD_EXIT_USAGE, "--hosts: %s", err);
	if (header)
		herd_rec_header(stdout);
	for (i = 0; i < n; i++) {
		if (!picked[i])
			continue;
		if ((h = picks[i].host)) {
			herd_host_write(stdout, h);
			continue;
		}
		herd_host_init(&bare);
		bare.name = bare.address = (char *)picks[i].name;
		herd_host_write(stdout, &bare);
	}
	free(picked);
	free(picks);
}

/* A run cut short, or hosts without a result, said on stderr by views without a summary. */
static void
note_incomplete(const struct run *run)
{
	const char *s = run->nmissing == 1 ? " has" : "s have";

	if (run_cut_short(run) && run->nmissing)
		warnx("the run was cut short: %zu host%s no result", run->nmissing, s);
	else if (run_cut_short(run))
		warnx("the run was cut short");
	else if (run->nmissing)
		warnx("%zu host%s no result", run->nmissing, s);
}

/* What the run adds to the exit status. */
static void
account(struct state *st, const struct run *run)
{
	const struct result *r;
	int code;
	size_t i;

	for (i = 0; i < run->nresults; i++) {
		r = &run->results[i];
		if (r->status == HERD_RESULT_OK)
			continue;
		st->bad = 1;
		code = 255;
		if (r->status == HERD_RESULT_NONZERO)
			code = r->exit_code < 0 || r->exit_code > 255 ? 255 : (int)r->exit_code;
		if (code > st->maxexit)
			st->maxexit = code;
	}
	if (run->nmissing)
		st->maxexit = 255;
	if (run->nmissing || run_cut_short(run))
		st->bad = 1;
}

/* The run named ID that ended and is kept to be compared with, or NULL. */
static const struct run *
kept_run(const struct state *st, const char *id)
{
	size_t i;

	for (i = 0; id && i < st->nkept; i++)
		if (!strcmp(st->kept[i]->id, id))
			return st->kept[i];
	return NULL;
}

/* RUN's id and a line feed to FD: the view of RUN is out. */
static void
say_done(int fd, const char *id)
{
	struct herd_buf b = { 0 };

	herd_buf_addf(&b, "%s\n", id ? id : "");
	if (write(fd, b.p, b.len) != (ssize_t)b.len)
		err(HERD_EXIT_RUNTIME, "--done-fd");
	herd_buf_free(&b);
}

static void
finish(struct state *st, struct run *run)
{
	char *err;

	clear_progress(st);
	run_group(run);
	watch_mark(&st->watch, run);
	if (st->watching)
		st->bad = st->maxexit = 0;	/* the last run's status */
	account(st, run);
	if (st->hosts_sel) {
		print_selected(run, st->hosts_sel, !st->ended_any);
	} else if (st->ping) {
		render_ping(stdout, run, &st->ro);
	} else if (transfer_kind(run->kind) && !st->parse && !st->oneline && !st->compare) {
		st->bad |= render_transfer(stdout, run, &st->ro, st->by_content);
	} else if (read_kind(run->kind) && !st->parse && !st->oneline && !st->compare &&
	    !st->ro.json) {
		st->bad |= render_read(stdout, run, &st->ro);
	} else if (st->parse) {
		if (render_table(stdout, run, &st->cfg, st->parse, st->ro.json, &err) < 0)
			errx(HERD_EXIT_USAGE, "--parse: %s", err);
	} else if (st->oneline && st->ro.json) {
		render_hosts_json(stdout, run);
	} else if (st->oneline) {
		render_oneline(stdout, run, &st->ro);
	} else if (st->watching) {
		render_watch(stdout, run, &st->watch, &st->ro, !st->ended_any);
	} else if (st->compare) {
		if (st->ended_any && !st->ro.json)
			fputc('\n', stdout);
		render_compare(stdout, run, kept_run(st, run->compare), &st->ro);
	} else if (st->ro.json) {
		render_json(stdout, run, &st->ro);
	} else {
		if (st->ended_any && (run->begun || run->command) && st->done_fd < 0)
			fputc('\n', stdout);
		render_text(stdout, run, &st->ro);
	}
	fflush(stdout);
	if (st->done_fd >= 0)
		say_done(st->done_fd, run->id);
	if (st->hosts_sel || st->parse || st->oneline)
		note_incomplete(run);
	st->ended_any = 1;
	run_reset(run);
}

/* A record left out: said with where it was, and the run is not all ok. */
static void
reject(struct state *st, const char *name, const struct herd_rec *rec, const char *why)
{
	warnx("%s:%zu: %s; record left out", name, rec->line, why);
	st->bad = 1;
}

static void
write_files(struct state *st, const struct run *run, const struct result *r)
{
	if (read_kind(run->kind) && r->status != HERD_RESULT_OK)
		return;		/* a file not read leaves no copy */
	if (st->outfd >= 0 && outdir_write(st->outfd, st->outdir, r->host, r->body->out,
	    r->body->outlen) < 0)
		st->runtime = 1;
	if (st->errfd >= 0 && outdir_write(st->errfd, st->errdir, r->host, r->body->err,
	    r->body->errlen) < 0)
		st->runtime = 1;
}

/* The hosts of the H records read since the last run began become RUN's. */
static void
take_hosts(struct run *run, struct run *pending)
{
	run->hosts = pending->hosts;
	run->host_index = pending->host_index;
	memset(&pending->hosts, 0, sizeof pending->hosts);
	memset(&pending->host_index, 0, sizeof pending->host_index);
}

/* The open run with this id, or a new one; runs interleave, keyed on their id. */
static struct run *
run_for(struct state *st, const char *id, size_t *index)
{
	size_t *slot = herd_map_get(&st->by_id, id, strlen(id));
	struct run *run;

	if (slot && st->runs[*slot]) {
		*index = *slot;
		return st->runs[*slot];
	}
	if (!slot) {
		herd_strv_add(&st->ids, id);
		slot = herd_map_put(&st->by_id, st->ids.v[st->ids.n - 1], strlen(id), NULL);
	}
	run = xcalloc(1, sizeof *run);
	run->id = xstrdup(id);
	take_hosts(run, &st->pending);
	herd_grow(&st->runs, &st->capruns, st->nruns, sizeof *st->runs);
	st->runs[st->nruns] = run;
	*index = *slot = st->nruns++;
	return run;
}

static void
finish_run(struct state *st, size_t i)
{
	if (st->runs[i]->baseline) {
		clear_progress(st);
		herd_grow(&st->kept, &st->capkept, st->nkept, sizeof *st->kept);
		st->kept[st->nkept++] = st->runs[i];
		st->runs[i] = NULL;
		return;
	}
	finish(st, st->runs[i]);
	free(st->runs[i]);
	st->runs[i] = NULL;
}

static void
read_host(struct state *st, const char *name, const struct herd_rec *r)
{
	struct herd_buf safe = { 0 };
	char *why;

	if (run_add_host(&st->pending, r) == 0)
		return;
	if (r->nf > 0)
		safe_line(&safe, r->f[0].p, r->f[0].len);
	why = safe.len ? xasprintf("H record of host %s: its port, user or timeout "
	    "is not valid", safe.p) : xstrdup("H record without a host name");
	reject(st, name, r, why);
	free(why);
	herd_buf_free(&safe);
}

/* C: a run begins; a second C of an open run begins it again. */
static void
read_begin(struct state *st, const char *name, const struct herd_rec *r)
{
	struct herd_run c;
	const char *why;
	struct run *run;
	size_t i;

	if (herd_run_read(r, &c, &why) < 0) {
		reject(st, name, r, why);
		return;
	}
	run = run_for(st, c.id, &i);
	if (run->nresults || run->begun) {
		finish_run(st, i);
		run = run_for(st, c.id, &i);
	}
	run->begun = 1;
	free(run->command);
	run->command = c.command;
	c.command = NULL;
	run->started_ms = c.started_ms;
	free(run->series);
	run->series = c.series && *c.series ? xstrdup(c.series) : NULL;
	run->seq = c.seq > 0 ? c.seq : 0;
	free(run->kind);
	run->kind = c.kind && *c.kind ? xstrdup(c.kind) : NULL;
	if (st->compare && c.compare && *c.compare) {
		run->compare = xstrdup(c.compare);
		herd_strv_add(&st->wanted, c.compare);
		herd_map_put(&st->wanted_ids, st->wanted.v[st->wanted.n - 1],
		    strlen(c.compare), NULL);
	}
	run->baseline = st->compare && herd_map_get(&st->wanted_ids, c.id, strlen(c.id));
	herd_run_free(&c);
}

static void
read_result(struct state *st, const char *name, const struct herd_rec *r)
{
	struct herd_result res;
	struct run *run;
	char *why, *bad = NULL;
	size_t i;

	if (herd_result_read(r, &res, &bad) < 0) {
		reject(st, name, r, bad);
		free(bad);
		return;
	}
	if (st->stream)
		stream_done(&st->ro, res.run, res.host);
	run = run_for(st, res.run, &i);
	if (run_add_result(run, &res, bad, &why) < 0) {
		reject(st, name, r, why);
		free(why);
	} else {
		write_files(st, run, &run->results[run->nresults - 1]);
		show_progress(st, run);
	}
	free(bad);
	herd_result_free(&res);
}

static void
read_end(struct state *st, const char *name, const struct herd_rec *r)
{
	struct herd_end e;
	const char *why;
	size_t i;

	if (herd_end_read(r, &e, &why) < 0) {
		reject(st, name, r, why);
		return;
	}
	if (st->stream)
		stream_done(&st->ro, e.run, NULL);
	run_for(st, e.run, &i)->ended = 1;
	finish_run(st, i);
	herd_end_free(&e);
}

/* L: with --stream, shown as it arrives; otherwise the R has the same bytes. */
static void
read_chunk(struct state *st, const char *name, const struct herd_rec *r)
{
	struct herd_chunk c;
	const char *why;

	if (!st->stream)
		return;
	if (herd_chunk_read(r, &c, &why) < 0) {
		reject(st, name, r, why);
		return;
	}
	stream_chunk(&st->ro, &c);
	free(c.run);
	free(c.host);
}

static void
read_input(struct state *st, FILE *in, const char *name)
{
	struct herd_rec r = { 0 };
	const char *why;

	while (herd_rec_read(in, &r)) {
		switch (r.type) {
		case '#':
			if (herd_rec_check_header(&r, &why) < 0)
				errx(HERD_EXIT_USAGE, "%s:%zu: %s", name, r.line, why);
			break;
		case 'H': read_host(st, name, &r); break;
		case 'C': read_begin(st, name, &r); break;
		case 'R': read_result(st, name, &r); break;
		case 'E': read_end(st, name, &r); break;
		case 'L': read_chunk(st, name, &r); break;
		}
	}
	if (ferror(in))
		err(HERD_EXIT_RUNTIME, "%s", name);
	herd_rec_free(&r);
}

/*
 * At the end of the input, the runs without an E; hosts of a stream with no
 * run have no result; with no record at all there is no run to show
 * (--hosts still says so).  H records after the last run began describe
 * hosts of no run.
 */
static void
finish_all(struct state *st)
{
	size_t i;

	if (st->stream)
		stream_done(&st->ro, NULL, NULL);
	for (i = 0; i < st->nruns; i++)
		if (st->runs[i])
			finish_run(st, i);
	stream_free();
	if ((st->pending.hosts.n && !st->nruns) || (!st->ended_any && st->hosts_sel))
		finish(st, &st->pending);
	run_reset(&st->pending);
	for (i = 0; i < st->nkept; i++) {
		run_reset(st->kept[i]);
		free(st->kept[i]);
	}
	free(st->kept);
	herd_strv_free(&st->wanted);
	herd_map_free(&st->wanted_ids);
	free(st->runs);
	herd_strv_free(&st->ids);
	herd_map_free(&st->by_id);
}

static int
want_color(const char *when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	char *safe;

	if (!strcmp(when, "always"))
		return 1;
	if (!strcmp(when, "never"))
		return 0;
	if (strcmp(when, "auto")) {
		safe = herd_safe(when);
		errx(HERD_EXIT_USAGE, "--color: expected auto, always or never, got %s", safe);
	}
	return isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

static int
term_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		return 0;
	return ws.ws_col;
}

/* One view at a time; --json and --errors-only only where they apply. */
static void
check_views(const struct state *st)
{
	const char *views[4];
	int n = 0;

	if (st->hosts_sel)
		views[n++] = "--hosts";
	if (st->ping)
		views[n++] = "--ping";
	if (st->oneline)
		views[n++] = "--oneline";
	if (st->parse)
		views[n++] = "--parse";
	if (n > 1)
		errx(HERD_EXIT_USAGE, "%s and %s: choose one view", views[0], views[1]);
	if (n && st->compare)
		errx(HERD_EXIT_USAGE, "--compare and %s: choose one view", views[0]);
	if (st->watching && (n || st->compare))
		errx(HERD_EXIT_USAGE, "--watch and %s: choose one view", n ? views[0] :
		    "--compare");
	if (!st->watching && (st->watch.changes_only || st->watch.interval_ms))
		errx(HERD_EXIT_USAGE, "--changes-only and --interval go with --watch");
	if (st->hosts_sel && st->ro.json)
		errx(HERD_EXIT_USAGE, "--hosts writes H records: --json does not apply");
	if (st->ro.errors_only && (st->hosts_sel || st->ping || st->parse))
		errx(HERD_EXIT_USAGE, "--errors-only applies to the grouped view and "
		    "--oneline, not to %s", views[0]);
}

/* Reading a pipe, a signal is for the stages before: they end the run, and it is shown. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int
exit_status(const struct state *st)
{
	if (interrupted)
		return HERD_EXIT_INTERRUPT;
	if (st->runtime)
		return HERD_EXIT_RUNTIME;
	if (st->max_exit)
		return st->maxexit > st->bad ? st->maxexit : st->bad;
	return st->bad ? HERD_EXIT_HOSTS : HERD_EXIT_OK;
}

int
main(int argc, char **argv)
{
	enum { OPT_COLOR = 256, OPT_COMPARE, OPT_ERRORS, OPT_HOSTS, OPT_JSON, OPT_LINES, OPT_NOFOLD,
		OPT_PARSE, OPT_PING, OPT_ONELINE, OPT_OUTDIR, OPT_ERRDIR, OPT_STREAM,
		OPT_WATCH, OPT_CHANGES, OPT_IGNORE, OPT_INTERVAL, OPT_TAIL, OPT_PATH,
		OPT_COLLAPSE, OPT_MERGE, OPT_WINDOW, OPT_NOHOST, OPT_STATS, OPT_DONE_FD,
		OPT_BYCONTENT, OPT_TUNNEL };
	static const struct option longopts[] = {
		{ "changes-only", no_argument, NULL, OPT_CHANGES },
		{ "collapse", no_argument, NULL, OPT_COLLAPSE },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "compare", no_argument, NULL, OPT_COMPARE },
		{ "by-content", no_argument, NULL, OPT_BYCONTENT },
		{ "config", required_argument, NULL, 'c' },
		{ "done-fd", required_argument, NULL, OPT_DONE_FD },
		{ "errdir", required_argument, NULL, OPT_ERRDIR },
		{ "errors-only", no_argument, NULL, OPT_ERRORS },
		{ "help", no_argument, NULL, 'h' },
		{ "hosts", required_argument, NULL, OPT_HOSTS },
		{ "ignore", required_argument, NULL, OPT_IGNORE },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "lines", required_argument, NULL, OPT_LINES },
		{ "max-exit", no_argument, NULL, 'S' },
		{ "merge-time", no_argument, NULL, OPT_MERGE },
		{ "no-fold", no_argument, NULL, OPT_NOFOLD },
		{ "no-hostname", no_argument, NULL, OPT_NOHOST },
		{ "oneline", no_argument, NULL, OPT_ONELINE },
		{ "outdir", required_argument, NULL, OPT_OUTDIR },
		{ "parse", required_argument, NULL, OPT_PARSE },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "ping", no_argument, NULL, OPT_PING },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "stream", no_argument, NULL, OPT_STREAM },
		{ "tail", no_argument, NULL, OPT_TAIL },
		{ "tunnel", no_argument, NULL, OPT_TUNNEL },
		{ "watch", no_argument, NULL, OPT_WATCH },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 },
	};
	struct state st = { 0 };
	struct tail_opts to = { .window_ms = 500, .stats_every_ms = 10000 };
	int tail = 0, tail_only = 0, tunnel = 0;
	const char *opt_config = NULL, *when = "auto";
	struct herd_strv ignore = { 0 };
	char *safe, *why;
	long long v;
	FILE *in;
	int c, i;

	herd_init(argv[0]);
	st.ro.fold = 1;
	st.ro.lines = -1;
	st.outfd = st.errfd = st.done_fd = -1;
	while ((c = getopt_long(argc, argv, "c:hS", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt_config = optarg; break;
		case 'h':
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		case 'S': st.max_exit = 1; break;
		case OPT_COLOR: when = optarg; break;
		case OPT_COMPARE: st.compare = 1; break;
		case OPT_BYCONTENT: st.by_content = 1; break;
		case OPT_ERRDIR: st.errdir = optarg; break;
		case OPT_DONE_FD:
			if (herd_parse_int(optarg, 3, 1 << 20, &v) < 0 || fcntl((int)v, F_GETFD) < 0) {
				safe = herd_safe(optarg);
				errx(HERD_EXIT_USAGE, "--done-fd: expected an open descriptor "
				    "from 3 up, got %s", safe);
			}
			st.done_fd = (int)v;
			break;
		case OPT_ERRORS: st.ro.errors_only = 1; break;
		case OPT_HOSTS: st.hosts_sel = optarg; break;
		case OPT_JSON: st.ro.json = 1; break;
		case OPT_LINES:
			if (herd_parse_int(optarg, 0, 1000000000, &v) < 0) {
				safe = herd_safe(optarg);
				errx(HERD_EXIT_USAGE, "--lines: expected a number, 0 for all, "
				    "got %s", safe);
			}
			st.ro.lines = (long)v;
			break;
		case OPT_NOFOLD: st.ro.fold = 0; break;
		case OPT_ONELINE: st.oneline = 1; break;
		case OPT_OUTDIR: st.outdir = optarg; break;
		case OPT_PARSE: st.parse = optarg; break;
		case OPT_PING: st.ping = 1; break;
		case OPT_STREAM: st.stream = 1; break;
		case OPT_WATCH: st.watching = 1; break;
		case OPT_CHANGES: st.watch.changes_only = 1; break;
		case OPT_IGNORE: herd_strv_add(&ignore, optarg); break;
		case OPT_TAIL: tail = 1; break;
		case OPT_TUNNEL: tunnel = 1; break;
		case OPT_PATH: herd_strv_add(&to.paths, optarg); tail_only = 1; break;
		case OPT_COLLAPSE: to.collapse = tail_only = 1; break;
		case OPT_MERGE: to.merge_time = tail_only = 1; break;
		case OPT_NOHOST: to.no_hostname = tail_only = 1; break;
		case OPT_STATS: to.stats = tail_only = 1; break;
		case OPT_WINDOW:
			to.window_ms = herd_duration_arg("--window", optarg);
			tail_only = 1;
			break;
		case OPT_INTERVAL:
			if (herd_parse_duration(optarg, &v) < 0 || v == 0) {
				safe = herd_safe(optarg);
				errx(HERD_EXIT_USAGE, "--interval: expected a duration such "
				    "as 30s, got %s", safe);
			}
			st.watch.interval_ms = v;
			break;
		default: herd_usage_exit(usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (tunnel) {
		if (argc || optind != 2)
			errx(HERD_EXIT_USAGE, "--tunnel is a view of its own: no other "
			    "option, no file");
		return tunnel_view();
	}
	if (tail_only && !tail)
		errx(HERD_EXIT_USAGE, "--path, --collapse, --merge-time, --window, "
		    "--no-hostname and --stats go with --tail");
	if (tail) {
		if (st.hosts_sel || st.ping || st.oneline || st.parse || st.watching ||
		    st.compare || st.stream || st.outdir || st.errdir)
			errx(HERD_EXIT_USAGE, "--tail is a view of its own: not with "
			    "--hosts, --ping, --oneline, --parse, --watch, --compare, "
			    "--stream, --outdir or --errdir");
		if (to.collapse && to.merge_time)
			errx(HERD_EXIT_USAGE, "--collapse and --merge-time: choose one");
		to.json = st.ro.json;
		to.color = !to.json && want_color(when);
		if (getenv("HERD_TAIL_STATS_EVERY"))	/* for tests */
			to.stats_every_ms = herd_duration_arg("HERD_TAIL_STATS_EVERY",
			    getenv("HERD_TAIL_STATS_EVERY"));
		if (to.stats_every_ms <= 0)
			to.stats_every_ms = 10000;
		c = tail_view(&to, argc, argv);
		herd_strv_free(&to.paths);
		herd_strv_free(&ignore);
		return c;
	}
	check_views(&st);
	if (!(st.watch.mask = herd_mask_new(&ignore, &why)))
		errx(HERD_EXIT_USAGE, "--ignore %s", why);
	herd_strv_free(&ignore);
	st.ro.color = want_color(when);
	st.watch.clear = st.watching && !st.ro.json && isatty(STDOUT_FILENO);
	if (st.ro.lines < 0)
		st.ro.lines = isatty(STDOUT_FILENO) || st.stream ? TTY_LINES : 0;
	st.ro.width = term_width();
	herd_conf_load_or_die(&st.cfg, opt_config);
	st.progress = !st.hosts_sel && !st.stream && !st.watching && isatty(STDERR_FILENO) &&
	    !isatty(STDIN_FILENO);
	if (argc == 0)
		herd_refuse_tty(stdin, "give a file of records, or pipe herd-run into it, "
		    "as in herd-select -g web | herd-run -- uptime | herd-group");
	if (st.outdir)
		st.outfd = outdir_open(st.outdir);
	if (st.errdir)
		st.errfd = outdir_open(st.errdir);
	if (argc == 0)
		catch_signals();
	if (argc == 0)
		read_input(&st, stdin, "stdin");
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			read_input(&st, stdin, "stdin");
			continue;
		}
		safe = herd_safe(argv[i]);
		if (!(in = fopen(argv[i], "r")))
			err(HERD_EXIT_USAGE, "%s", safe);
		read_input(&st, in, safe);
		fclose(in);
		free(safe);
	}
	finish_all(&st);
	watch_free(&st.watch);
	herd_conf_free(&st.cfg);
	return exit_status(&st);
}
