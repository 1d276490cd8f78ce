/*
 * Views of runs, all herd-group's: the grouped view of each run as it ends
 * (recorded beside it by herd-hist record, as herd exec records), the last run's
 * views again (:last, :diff, :export, :parse), and the hosts a selector
 * picks from the last run (herd-group --hosts).  Remote text reaches the
 * terminal only through herd-group, which makes it safe.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

static void
group_argv(const struct ui *ui, struct herd_strv *argv)
{
	herd_strv_add(argv, "herd-group");
	add_config(ui, argv);
	if (ui->color) {
		herd_strv_add(argv, "--color");
		herd_strv_add(argv, ui->color);
	}
}

/* The run's records with the H records of its hosts first, as ui->last. */
static void
keep_run(struct ui *ui, const struct herd_strv *hosts)
{
	struct khost *k;
	size_t len = 0, i;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	herd_rec_header(f);
	for (i = 0; i < hosts->n; i++)
		if ((k = host_find(ui, hosts->v[i])))
			herd_host_write(f, &k->h);
	if (fclose(f) != 0)
		err(HERD_EXIT_RUNTIME, "open_memstream");
	herd_buf_reset(&ui->last);
	herd_buf_add(&ui->last, text, len);
	herd_buf_add(&ui->last, ui->run_recs.p, ui->run_recs.len);
	ui->last_nhosts = hosts->n;
	free(text);
}

/*
 * The session's companions, each started once: the viewer (herd-group) and
 * the recorder (herd-hist record).  Each takes every run on its stdin and
 * writes the run's id and a line feed to its descriptor 3 when done with it
 * (--done-fd 3): no program is started per run.
 */
static void
companion_start(struct companion *k, struct herd_strv *argv, int out)
{
	int done[2];

	if (pipe2(done, O_CLOEXEC) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	herd_strv_add(argv, "--done-fd");
	herd_strv_add(argv, "3");
	child_start_fd3(&k->c, argv->v, -1, out, done[1]);
	close(done[1]);
	k->done = done[0];
}

/*
 * The last run, its header with it, to K.  0, or -1: it is gone.  A write
 * it does not take shows as the end of its descriptor 3.
 */
static int
companion_send(struct companion *k, const struct herd_buf *run)
{
	if (k->gone || !k->c.pid)
		return -1;
	write_all(k->c.in, run->p, run->len);
	return 0;
}

static void
companion_stop(struct companion *k)
{
	if (!k->c.pid)
		return;
	close(k->c.in);
	close(k->done);
	herd_wait(k->c.pid);
	k->c.pid = 0;
}

/* Until K says the run is done.  0, or -1: it is gone, and said so. */
static int
companion_wait(struct companion *k, const char *lost)
{
	char c;
	ssize_t n;

	while ((n = read(k->done, &c, 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (c == '\n')
			return 0;
	}
	warnx("%s", lost);
	k->gone = 1;
	companion_stop(k);
	return -1;
}

static void
viewer_start(struct ui *ui)
{
	struct herd_strv argv = { 0 };

	group_argv(ui, &argv);
	companion_start(&ui->viewer, &argv, STDOUT_FILENO);
	herd_strv_free(&argv);
}

static void
hist_argv(const struct ui *ui, struct herd_strv *argv)
{
	herd_strv_add(argv, "herd-hist");
	herd_strv_add(argv, "record");
	add_config(ui, argv);
}

/* Its output is the records again: not wanted. */
static void
recorder_start(struct ui *ui)
{
	struct herd_strv argv = { 0 };
	int nul;

	if ((nul = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		err(HERD_EXIT_RUNTIME, "/dev/null");
	hist_argv(ui, &argv);
	companion_start(&ui->recorder, &argv, nul);
	close(nul);
	herd_strv_free(&argv);
}

void
view_stop(struct ui *ui)
{
	companion_stop(&ui->viewer);
	companion_stop(&ui->recorder);
}

/* The last run recorded by a herd-hist record of its own. */
static void
record_alone(struct ui *ui)
{
	struct herd_strv argv = { 0 };
	int nul;

	if ((nul = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		err(HERD_EXIT_RUNTIME, "/dev/null");
	hist_argv(ui, &argv);
	child_filter(argv.v, &ui->last, nul, NULL);
	close(nul);
	herd_strv_free(&argv);
}

/* The last run to the recorder, unless the history is off.  1 sent, 0 not. */
static int
record_send(struct ui *ui)
{
	if (!ui->history)
		return 0;
	if (!ui->recorder.gone && !ui->recorder.c.pid)
		recorder_start(ui);
	return companion_send(&ui->recorder, &ui->last) == 0;
}

/* Until the last run SENT to the recorder is stored, or stored otherwise. */
static void
record_wait(struct ui *ui, int sent)
{
	if (ui->history && (!sent || companion_wait(&ui->recorder, "herd-hist record, "
	    "the history, went away; each run is now recorded by a herd-hist of its own") < 0))
		record_alone(ui);
}

/*
 * The run just ended: kept, shown and recorded, the two side by side: the
 * view waits for no database.  A companion that went away is replaced by a
 * program per run.
 */
void
view_run(struct ui *ui, const struct herd_strv *hosts)
{
	struct herd_strv group = { 0 };
	int shown, recorded;

	keep_run(ui, hosts);
	fflush(stdout);		/* what was said before the view comes before it */
	if (!ui->viewer.gone && !ui->viewer.c.pid)
		viewer_start(ui);
	shown = companion_send(&ui->viewer, &ui->last) == 0;
	recorded = record_send(ui);
	if (!shown || companion_wait(&ui->viewer, "herd-group, the view, went away; "
	    "each run is now shown by a herd-group of its own") < 0) {
		group_argv(ui, &group);
		child_filter(group.v, &ui->last, STDOUT_FILENO, NULL);
	}
	record_wait(ui, recorded);
	herd_strv_free(&group);
}

/* The run just ended kept and recorded, not shown (the dashboard shows it). */
void
view_record(struct ui *ui, const struct herd_strv *hosts)
{
	keep_run(ui, hosts);
	record_wait(ui, record_send(ui));
}

static int
no_last(const struct ui *ui)
{
	if (ui->last.len)
		return 0;
	fprintf(stderr, "herd-ui: no previous command results\n");
	return 1;
}

/* herd-group [OPT [ARG]] on the last run, its view to OUT_FD.  Its exit status, or -1. */
int
view_last(struct ui *ui, const char *opt, const char *arg, int out_fd)
{
	struct herd_strv argv = { 0 };
	int rc;

	if (no_last(ui))
		return -1;
	group_argv(ui, &argv);
	if (opt)
		herd_strv_add(&argv, opt);
	if (arg)
		herd_strv_add(&argv, arg);
	rc = child_filter(argv.v, &ui->last, out_fd, NULL);
	herd_strv_free(&argv);
	return rc;
}

/* The hosts SEL picks from the last run (herd-group --hosts), in NAMES.  0 or -1. */
int
pick_last(struct ui *ui, const char *sel, struct herd_strv *names)
{
	struct herd_strv argv = { 0 };
	struct herd_lines out = { 0 };
	struct herd_rec r = { 0 };
	struct herd_host h;
	const char *line;
	char *terms;
	size_t len;
	int rc;

	if (no_last(ui))
		return -1;
	terms = expand_ranges(sel);
	herd_strv_add(&argv, "herd-group");
	add_config(ui, &argv);
	herd_strv_add(&argv, "--hosts");
	herd_strv_add(&argv, terms);
	rc = child_filter(argv.v, &ui->last, -1, &out.buf);
	herd_lines_eof(&out);
	while ((rc == 0 || rc == 1) && herd_lines_next(&out, &line, &len)) {
		if (herd_rec_parse(&r, line, len) != 1 || r.type != 'H' ||
		    herd_host_from_rec(&r, &h) < 0)
			continue;
		herd_strv_add(names, h.name);
		herd_host_free(&h);
	}
	herd_rec_free(&r);
	herd_lines_free(&out);
	herd_strv_free(&argv);
	free(terms);
	/* herd-group exits 1 when the run had hosts not ok: the pick still stands */
	return rc == 0 || rc == 1 ? 0 : -1;
}
