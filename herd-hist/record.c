/*
 * herd-hist record: a tee into the history.  Each record goes downstream
 * first, then into the database; transactions are committed at most
 * BATCH_MS after they were opened, at each run's end and at the end of
 * input.  A database that fails is given up with one warning: the records
 * still pass, and the exit status does not change.  With --done-fd, each
 * run's id and a line feed are written there once its end is committed
 * (herd-ui keeps one recorder for a session and waits on that).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hist.h"

#define BATCH_MS 250

struct recorder {
	struct hist h;
	struct store *store;
	struct herd_mask *redact;
	int broken;		/* the database was given up */
	int in_txn;
	long long txn_ms;	/* when the open transaction began */
	struct herd_map runs;	/* run id -> index in rowid[] */
	struct herd_strv keys;	/* the map's keys */
	long long *rowid;	/* 0: not stored (replayed, or ended) */
	size_t nrun, rcap;
	struct herd_hostlist pending;	/* the H records since the last C */
	long long keep, retention_ms;
	int pass;		/* stdout still takes records */
	int last;		/* --last: each run's last finished one goes downstream too */
	int done_fd;		/* --done-fd: each run's id once its end is stored; -1 none */
};

/* Give up on the database: once, with why. */
static void
give_up(struct recorder *r, char *why)
{
	if (!r->broken)
		warnx("history not recorded: %s", why ? why : "unknown error");
	free(why);
	r->broken = 1;
	r->in_txn = 0;
	store_free(r->store);
	r->store = NULL;
	hist_close(&r->h);
}

static void
commit(struct recorder *r)
{
	char *why = NULL;

	if (!r->in_txn || r->broken)
		return;
	r->in_txn = 0;
	if (hist_exec(&r->h, "COMMIT", &why) < 0)
		give_up(r, why);
}

static int
begin(struct recorder *r)
{
	char *why = NULL;

	if (r->broken)
		return -1;
	if (r->in_txn)
		return 0;
	if (hist_exec(&r->h, "BEGIN IMMEDIATE", &why) < 0) {
		give_up(r, why);
		return -1;
	}
	r->in_txn = 1;
	r->txn_ms = herd_mono_ms();
	return 0;
}

static long long *
run_slot(struct recorder *r, const char *id)
{
	size_t *i = herd_map_get(&r->runs, id, strlen(id));

	return i ? &r->rowid[*i] : NULL;
}

static void
on_run(struct recorder *r, const struct herd_rec *rec)
{
	struct herd_run c = { 0 };
	const char *err;
	char *why = NULL;
	long long id;
	size_t *slot;
	int added;

	if (herd_run_read(rec, &c, &err) < 0)
		goto out;
	if (begin(r) < 0 || (id = store_run(r->store, &c, r->pending.n, &why)) < 0 ||
	    (id && store_hosts(r->store, &r->pending, id) < 0)) {
		give_up(r, why ? why : xasprintf("%s: %s", r->h.path, "storing the hosts"));
		goto out;
	}
	herd_strv_add(&r->keys, c.id);
	slot = herd_map_put(&r->runs, r->keys.v[r->keys.n - 1], strlen(c.id), &added);
	herd_grow(&r->rowid, &r->rcap, r->nrun, sizeof *r->rowid);
	*slot = r->nrun;
	r->rowid[r->nrun++] = id;
out:
	herd_hostlist_free(&r->pending);
	memset(&r->pending, 0, sizeof r->pending);
	herd_run_free(&c);
}

static void
on_result(struct recorder *r, const struct herd_rec *rec)
{
	struct herd_result res = { 0 };
	long long *run;
	char *why = NULL;

	if (herd_result_read(rec, &res, &why) < 0 ||
	    !(run = run_slot(r, res.run)) || !*run)
		goto out;
	free(why);
	why = NULL;
	if (begin(r) < 0)
		goto out;
	if (store_result(r->store, *run, &res, &why) < 0)
		give_up(r, why), why = NULL;
out:
	free(why);
	herd_result_free(&res);
}

static void
on_end(struct recorder *r, const struct herd_rec *rec)
{
	struct herd_end e = { 0 };
	const char *err;
	long long *run;
	char *why = NULL;

	if (herd_end_read(rec, &e, &err) < 0 || !(run = run_slot(r, e.run)) || !*run)
		goto out;
	if (begin(r) < 0)
		goto out;
	if (store_end(r->store, *run, &e, &why) < 0) {
		give_up(r, why);
		goto out;
	}
	*run = 0;
	commit(r);
out:
	herd_end_free(&e);
}

/* The E record REC's run is stored (or given up): its id and a line feed to FD. */
static void
say_done(int fd, const struct herd_rec *rec)
{
	struct herd_buf b = { 0 };

	if (rec->nf)
		herd_buf_add(&b, rec->f[0].p, rec->f[0].len);
	herd_buf_addc(&b, '\n');
	if (write(fd, b.p, b.len) != (ssize_t)b.len)
		err(HERD_EXIT_RUNTIME, "--done-fd");
	herd_buf_free(&b);
}

static void
on_record(struct recorder *r, const struct herd_rec *rec)
{
	struct herd_host h;
	const char *why;

	switch (rec->type) {
	case '#':
		if (herd_rec_check_header(rec, &why) < 0 && !r->broken)
			give_up(r, xasprintf("line %zu: %s", rec->line, why));
		break;
	case 'H':
		if (herd_host_from_rec(rec, &h) == 0)
			*herd_hostlist_add(&r->pending) = h;
		break;
	case 'C':
		on_run(r, rec);
		break;
	case 'R':
		on_result(r, rec);
		break;
	case 'E':
		on_end(r, rec);
		if (r->done_fd >= 0)
			say_done(r->done_fd, rec);
		break;
	}
}

/* Downstream first: lines as they came, flushed. */
static void
pass_on(struct recorder *r, const char *lines, size_t len)
{
	if (!r->pass || !len)
		return;
	if (fwrite(lines, 1, len, stdout) != len || fflush(stdout) != 0 || ferror(stdout))
		r->pass = 0;	/* the reader went away: keep recording the run */
}

/* Parse and store LEN bytes of whole lines. */
static void
store_lines(struct recorder *r, const char *lines, size_t len, struct herd_rec *rec)
{
	const char *line, *nl;

	for (line = lines; line && line < lines + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(lines + len - line));
		if (!r->broken && herd_rec_parse(rec, line, (size_t)(nl - line)))
			on_record(r, rec);
	}
}

/*
 * --last: a C record naming no run to compare with names the last finished
 * run of its kind, command and selection, whose records follow it
 * downstream (herd-group --compare); it is stored as it went out.
 */
static void
pass_with_last(struct recorder *r, const char *line, size_t len, struct herd_rec *rec)
{
	struct herd_buf cmd = { 0 };
	struct herd_run c;
	struct stored s;
	const char *why;
	long long rowid = 0;
	char *text = NULL;
	size_t tlen = 0;
	FILE *f;

	if (r->broken || !herd_rec_parse(rec, line, len) || herd_run_read(rec, &c, &why) < 0) {
		pass_on(r, line, len + 1);
		store_lines(r, line, len + 1, rec);
		return;
	}
	if (!*c.compare) {
		if (!herd_mask_apply(r->redact, c.command, strlen(c.command), &cmd))
			herd_buf_adds(&cmd, c.command);
		rowid = run_last(&r->h, c.kind, cmd.p, c.selection, c.started_ms);
	}
	if (rowid) {
		stored_load(&r->h, rowid, &s);
		free(c.compare);
		c.compare = xstrdup(s.run.id);
	}
	if (!(f = open_memstream(&text, &tlen)))
		err(HERD_EXIT_RUNTIME, "open_memstream");
	herd_run_write(f, &c);
	fclose(f);
	pass_on(r, text, tlen);
	if (rowid && r->pass) {
		write_stored(&s, stdout);
		if (fflush(stdout) != 0)
			r->pass = 0;
	}
	if (rowid)
		stored_free(&s);
	store_lines(r, text, tlen, rec);
	free(text);
	herd_buf_free(&cmd);
	herd_run_free(&c);
}

/* The end of input: runs without their E were interrupted. */
static void
finish(struct recorder *r)
{
	long long deleted;
	char *why = NULL;
	size_t i;

	for (i = 0; i < r->nrun && !r->broken; i++) {
		if (!r->rowid[i])
			continue;
		if (begin(r) < 0 || store_interrupted(r->store, r->rowid[i], &why) < 0)
			give_up(r, why), why = NULL;
	}
	commit(r);
	if (!r->broken && r->nrun && prune(&r->h, r->retention_ms, r->keep, &deleted, &why) < 0)
		give_up(r, why);
}

static void
tee_records(struct recorder *r)
{
	struct herd_lines in = { 0 };
	struct herd_buf got = { 0 };
	struct herd_rec rec = { 0 };
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	const char *line;
	long long wait;
	size_t len;
	ssize_t n;

	for (;;) {
		wait = r->in_txn ? r->txn_ms + BATCH_MS - herd_mono_ms() : -1;
		if (r->in_txn && wait <= 0) {
			commit(r);
			continue;
		}
		if (poll(&p, 1, (int)wait) < 0) {
			if (errno == EINTR)
				continue;
			err(HERD_EXIT_RUNTIME, "poll");
		}
		if (!p.revents)
			continue;
		if ((n = herd_lines_fill(&in, STDIN_FILENO)) < 0) {
			if (errno == EAGAIN)
				continue;
			warn("reading the records");
			herd_lines_eof(&in);
		}
		/* every complete line read goes downstream before any is stored */
		herd_buf_reset(&got);
		while (herd_lines_next(&in, &line, &len)) {
			if (r->last && len > 1 && line[0] == 'C' && line[1] == '\t') {
				pass_on(r, got.p, got.len);
				store_lines(r, got.p, got.len, &rec);
				herd_buf_reset(&got);
				pass_with_last(r, line, len, &rec);
				continue;
			}
			herd_buf_add(&got, line, len);
			herd_buf_addc(&got, '\n');
		}
		pass_on(r, got.p, got.len);
		store_lines(r, got.p, got.len, &rec);
		if (in.eof)
			break;
	}
	herd_rec_free(&rec);
	herd_lines_free(&in);
	herd_buf_free(&got);
}

static const char record_usage[] =
    "usage: herd-hist record [-c FILE] [--db PATH] [--last] [--no-prune] [--done-fd N]\n";

int
cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "last", no_argument, NULL, 'L' },
		{ "no-prune", no_argument, NULL, 'P' },
		{ "done-fd", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct recorder r = { .pass = 1, .done_fd = -1 };
	struct herd_config cfg;
	const char *config = NULL, *dbopt = NULL;
	char *path, *why = NULL;
	long long v;
	int c, noprune = 0;

	while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'd': dbopt = optarg; break;
		case 'L': r.last = 1; break;
		case 'P': noprune = 1; break;
		case 'D':
			if (herd_parse_int(optarg, 3, 1 << 20, &v) < 0 || fcntl((int)v, F_GETFD) < 0)
				errx(HERD_EXIT_USAGE, "--done-fd: expected an open descriptor "
				    "from 3 up, got %s", herd_safe(optarg));
			r.done_fd = (int)v;
			break;
		case 'h': fputs(record_usage, stdout); return HERD_EXIT_OK;
		default: herd_usage_exit(record_usage);
		}
	}
	if (optind != argc)
		herd_usage_exit(record_usage);
	herd_refuse_tty(stdin, "try herd-select ... | herd-run -- CMD | herd-hist record");
	herd_conf_load_or_die(&cfg, config);
	r.keep = cfg.history.keep >= 0 ? cfg.history.keep : HIST_KEEP;
	r.retention_ms = noprune ? -1 : herd_conf_retention_ms(&cfg);
	r.redact = redact_new(&cfg.history.redact);
	/* a signal ends the run upstream, which then writes its last records */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	path = hist_path(dbopt);
	if (hist_open(&r.h, path, HIST_WRITE, &why) < 0 || hist_reap(&r.h, &why) < 0 ||
	    !(r.store = store_new(&r.h, r.redact)))
		give_up(&r, why ? why : hist_error(&r.h, NULL));
	free(path);
	tee_records(&r);
	finish(&r);
	store_free(r.store);
	hist_close(&r.h);
	herd_mask_free(r.redact);
	herd_conf_free(&cfg);
	herd_hostlist_free(&r.pending);
	herd_map_free(&r.runs);
	herd_strv_free(&r.keys);
	free(r.rowid);
	if (!r.pass) {
		/* the reader went away: exit as a tee killed by SIGPIPE would */
		__fpurge(stdout);
		clearerr(stdout);
		return 128 + SIGPIPE;
	}
	return HERD_EXIT_OK;
}
