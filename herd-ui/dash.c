/*
 * herd-ui --dashboard: the fleet on one screen (ncurses), its commands run
 * by the serving herd-run over the kept connections.  One poll loop: the
 * server's records, the keys, Ctrl-C (cancel), what the programs say on
 * stderr (a pipe, shown on the message line), the timers (a watch's next
 * run, the health probe, the tail's rates).  Updates are drawn once per
 * frame, at most FRAME_MS apart.
 */
#include <curses.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dash.h"

#define FRAME_MS 30

static int err_pipe = -1, err_saved = -1;
static struct herd_lines err_lines;
static int curses_on;

void
dash_message(struct dash *d, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	free(d->message);
	d->message = m ? herd_safe(m) : NULL;
	free(m);
	d->dirty = 1;
}

/* At exit: what the programs said goes to the real stderr, after the screen. */
static void
err_restore(void)
{
	const char *line;
	size_t len;

	if (curses_on)
		endwin();
	curses_on = 0;
	if (err_saved < 0)
		return;
	dup2(err_saved, STDERR_FILENO);
	close(err_saved);
	err_saved = -1;
	while (herd_lines_fill(&err_lines, err_pipe) > 0)
		;
	herd_lines_eof(&err_lines);
	while (herd_lines_next(&err_lines, &line, &len))
		fprintf(stderr, "%.*s\n", (int)len, line);
	herd_lines_free(&err_lines);
}

/* stderr, ours and our children's, into a pipe: the screen is curses'. */
static void
err_capture(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0 || (err_saved = dup(STDERR_FILENO)) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	err_pipe = p[0];
	atexit(err_restore);
}

static void
err_read(struct dash *d)
{
	const char *line, *last = NULL;
	size_t len, lastlen = 0;

	if (herd_lines_fill(&err_lines, err_pipe) <= 0)
		return;
	while (herd_lines_next(&err_lines, &line, &len))
		if (len)
			last = line, lastlen = len;
	if (last)
		dash_message(d, "%.*s", (int)lastlen, last);
}

static void
curses_start(struct dash *d)
{
	if (!initscr())
		errx(HERD_EXIT_RUNTIME, "the terminal cannot be drawn on");
	curses_on = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	dash_render_init(d);
}

static void
probe(struct dash *d)
{
	struct herd_strv all = { 0 };

	if (d->probe_id)
		return;
	target_names(d->ui, &all);
	dash_ask(d, "true", &all, NULL, 1);
	herd_strv_free(&all);
}

static void
interrupted(struct dash *d)
{
	ui_sigpipe_drain();
	if (d->mode == MODE_WATCH || d->mode == MODE_TAIL)
		dash_stop(d);
	else if (d->in_recipe)
		dash_recipe_stop(d);
	else if (d->run_live)
		dash_cancel(d);
	else
		dash_message(d, "nothing to cancel; q quits");
}

/* The next timer, in ms from NOW; -1 none. */
static int
wait_ms(const struct dash *d, long long now, long long drawn)
{
	long long t = -1, w;

	if (d->dirty)
		t = drawn + FRAME_MS - now;
	if (d->run_live && (t < 0 || t > 1000))
		t = 1000;	/* the clock, the rates */
	if (d->mode == MODE_WATCH && d->interval_ms && !d->run_live) {
		w = d->next_ms - now;
		t = t < 0 || w < t ? w : t;
	}
	if (d->health_ms > 0) {
		w = d->health_next - now;
		t = t < 0 || w < t ? w : t;
	}
	return t < 0 ? -1 : t > 60000 ? 60000 : (int)t;
}

static void
loop(struct dash *d)
{
	struct pollfd p[4];
	long long now, drawn = 0;
	int key;

	while (!d->quit) {
		now = herd_now_ms();
		if (d->dirty && now - drawn >= FRAME_MS) {
			dash_render(d);
			drawn = now;
		}
		p[0] = (struct pollfd){ d->ui->srv_out, POLLIN, 0 };
		p[1] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		p[2] = (struct pollfd){ ui_sigpipe[0], POLLIN, 0 };
		p[3] = (struct pollfd){ err_pipe, POLLIN, 0 };
		if (poll(p, 4, wait_ms(d, now, drawn)) < 0 && errno != EINTR)
			err(HERD_EXIT_RUNTIME, "poll");
		if (ui_interrupted)
			interrupted(d);
		if (p[0].revents)
			dash_read(d);
		if (p[3].revents)
			err_read(d);
		while ((key = getch()) != ERR)
			dash_key(d, key);
		now = herd_now_ms();
		dash_tick(d, now);
		dash_rates(d, now);
		if (d->health_ms > 0 && now >= d->health_next) {
			probe(d);
			d->health_next = now + d->health_ms;
		}
		if (d->run_live && now - drawn >= 1000)
			d->dirty = 1;	/* the clock */
	}
}

/* The dashboard on the hosts ui->sel_args selects.  An exit status. */
int
dash_main(struct ui *ui)
{
	struct dash d = { .ui = ui };
	struct herd_strv names = { 0 };
	int rc;

	err_capture();
	server_start(ui);
	if ((rc = select_hosts(ui, &ui->sel_args, &names)) != 0 || !names.n) {
		if (!rc)
			warnx("no hosts selected");
		server_stop(ui);
		herd_strv_free(&names);
		return rc == 1 || !rc ? HERD_EXIT_USAGE : rc;
	}
	target_set(ui, &names);
	herd_strv_free(&names);
	dash_model_init(&d);
	d.health_ms = ui->health_ms;
	d.health_next = herd_now_ms() + d.health_ms;
	d.vis_dirty = d.dirty = 1;
	curses_start(&d);
	probe(&d);
	loop(&d);
	if (d.in_recipe)
		dash_recipe_stop(&d);
	if (d.run_live)
		dash_cancel(&d);
	endwin();
	curses_on = 0;
	rc = ui->srv_gone ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
	if (ui->srv_gone)
		warnx("herd-run --serve went away");
	server_stop(ui);
	view_stop(ui);
	dash_model_free(&d);
	free(d.vis);
	free(d.filter);
	free(d.message);
	herd_buf_free(&d.edit);
	return rc;
}
