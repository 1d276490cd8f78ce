/*
 * Views of runs, all herd-group's: the grouped view of each run as it ends
 * (through herd-hist record first, as herd exec records), the last run's
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

static void viewer_lost(struct ui *);

/* The viewer: one herd-group for the session, its output the terminal. */
static void
viewer_start(struct ui *ui)
{
	struct herd_strv argv = { 0 };
	int done[2];

	if (pipe2(done, O_CLOEXEC) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	group_argv(ui, &argv);
	herd_strv_add(&argv, "--done-fd");
	herd_strv_add(&argv, "3");
	child_start_fd3(&ui->viewer, argv.v, -1, STDOUT_FILENO, done[1]);
	close(done[1]);
	ui->viewer_done = done[0];
	herd_strv_free(&argv);
}

/*
 * The last run, its header with it, to the viewer.  0, or -1: it is gone.
 * A write it does not take shows as the end of its descriptor 3.
 */
static int
viewer_send(struct ui *ui)
{
	if (ui->viewer_gone)
		return -1;
	if (!ui->viewer.pid)
		viewer_start(ui);
	write_all(ui->viewer.in, ui->last.p, ui->last.len);
	return 0;
}

/* Until the viewer says the view is out.  0, or -1: it is gone. */
static int
viewer_wait(struct ui *ui)
{
	char c;
	ssize_t n;

	while ((n = read(ui->viewer_done, &c, 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (c == '\n')
			return 0;
	}
	viewer_lost(ui);
	return -1;
}

static void
viewer_lost(struct ui *ui)
{
	warnx("herd-group, the view, went away; each run is now shown by a herd-group of its own");
	ui->viewer_gone = 1;
	view_stop(ui);
}

void
view_stop(struct ui *ui)
{
	if (!ui->viewer.pid)
		return;
	close(ui->viewer.in);
	close(ui->viewer_done);
	child_wait(ui->viewer.pid);
	ui->viewer.pid = 0;
}

/*
 * The run just ended: kept, recorded (herd-hist record) and shown (by the
 * viewer), the two side by side: the view waits for no database.
 */
void
view_run(struct ui *ui, const struct herd_strv *hosts)
{
	struct herd_strv hist = { 0 }, group = { 0 };
	struct child h = { -1, -1, -1 };
	int fd, nul, shown;

	keep_run(ui, hosts);
	fflush(stdout);		/* what was said before the view comes before it */
	shown = viewer_send(ui) == 0;
	if (ui->history) {
		herd_strv_add(&hist, "herd-hist");
		herd_strv_add(&hist, "record");
		add_config(ui, &hist);
		fd = data_file(&ui->last);
		if ((nul = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
			err(HERD_EXIT_RUNTIME, "/dev/null");
		child_start(&h, hist.v, fd, nul);
		close(fd);
		close(nul);
	}
	if (!shown || viewer_wait(ui) < 0) {
		group_argv(ui, &group);
		child_filter(group.v, &ui->last, STDOUT_FILENO, NULL);
	}
	if (h.pid > 0)
		child_wait(h.pid);
	herd_strv_free(&hist);
	herd_strv_free(&group);
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
