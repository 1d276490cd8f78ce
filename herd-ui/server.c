/*
 * The serving herd-run (herd-run(1), Serving): H records once per host, a
 * Q record per command, X to cancel one; it answers with the runs' C, R
 * and E records and the connections' S records.  It keeps the connections
 * across commands.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

void
server_start(struct ui *ui)
{
	struct herd_strv argv = { 0 };
	struct child c;
	size_t i;
	int rc;

	herd_strv_add(&argv, "herd-run");
	herd_strv_add(&argv, "--serve");
	add_config(ui, &argv);
	for (i = 0; i < ui->run_args.n; i++)
		herd_strv_add(&argv, ui->run_args.v[i]);
	child_start(&c, argv.v, -1, -1);
	herd_strv_free(&argv);
	ui->srv = c.pid;
	if (!(ui->srv_in = fdopen(c.in, "w")))
		err(HERD_EXIT_RUNTIME, "fdopen");
	ui->srv_out = c.out;
	herd_rec_header(ui->srv_in);
	fflush(ui->srv_in);
	/* its header says it serves (a password it asks is asked before) */
	while (!ui->srv_gone && !ui->srv_ready)
		server_read(ui);
	if (ui->srv_gone) {
		/* it said why; a usage or config error of its stays one */
		rc = herd_wait(ui->srv);
		exit(rc == HERD_EXIT_USAGE ? HERD_EXIT_USAGE : HERD_EXIT_RUNTIME);
	}
	fcntl(ui->srv_out, F_SETFL, fcntl(ui->srv_out, F_GETFL) | O_NONBLOCK);
}

/* An S record: the host's connection state kept.  1 when it is a host of ours. */
int
conn_state(struct ui *ui, const struct herd_rec *r)
{
	struct herd_conn_state s;
	struct khost *k;
	const char *why;

	if (herd_conn_state_read(r, &s, &why) < 0)
		return 0;
	if ((k = host_find(ui, s.host))) {
		ui->prompt_dirty |= (k->state == HERD_CONN_DOWN || k->state == HERD_CONN_FAILED) !=
		    (s.state == HERD_CONN_DOWN || s.state == HERD_CONN_FAILED);
		k->state = (int)s.state;
		free(k->reason);
		k->reason = s.reason ? xstrdup(s.reason) : NULL;
	}
	herd_conn_state_free(&s);
	return k != NULL;
}

/* A record of the run in flight: kept, as it came. */
static void
run_record(struct ui *ui, const struct herd_rec *r, const char *line, size_t len)
{
	struct herd_end e;
	const char *why;

	if (!ui->run_id || r->nf < 1 || strcmp(herd_rec_str(r, 0), ui->run_id))
		return;
	herd_buf_add(&ui->run_recs, line, len);
	herd_buf_addc(&ui->run_recs, '\n');
	ui->run_begun = 1;
	if (r->type == 'E') {
		ui->run_ended = 1;
		if (herd_end_read(r, &e, &why) == 0) {
			memcpy(ui->run_count, e.count, sizeof ui->run_count);
			herd_end_free(&e);
		}
	}
}

/*
 * The server's word on a request it would not run (it said why on its
 * stderr): the run in flight, if it had not begun, ends here.
 */
static void
refused(struct ui *ui, const char *line, size_t len)
{
	if (!ui->run_id || ui->run_begun)
		return;
	/* about its request: named, or not readable (a Q or P record refused) */
	if (!memmem(line, len, ui->run_id, strlen(ui->run_id)) &&
	    !memmem(line, len, ": Q: ", 5) && !memmem(line, len, ": P: ", 5))
		return;
	ui->run_ended = ui->run_refused = 1;
}

static void
one_record(struct ui *ui, const char *line, size_t len)
{
	struct herd_rec r = { 0 };

	if (herd_rec_parse(&r, line, len) == 1) {
		if (r.type == '#' && len > 11 && !memcmp(line, "# herd-run:", 11))
			refused(ui, line, len);
		else if (r.type == '#')
			ui->srv_ready = 1;
		else if (r.type == 'S')
			conn_state(ui, &r);
		else if (r.type == 'C' || r.type == 'R' || r.type == 'E')
			run_record(ui, &r, line, len);
	}
	herd_rec_free(&r);
}

/* Whatever herd-run has written (a blocking read before it is made non-blocking). */
void
server_read(struct ui *ui)
{
	const char *line;
	size_t len;
	ssize_t n;

	n = herd_lines_fill(&ui->srv_lines, ui->srv_out);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ui->srv_gone = 1;
		if (ui->run_id)
			ui->run_ended = 1;
		return;
	}
	while (herd_lines_next(&ui->srv_lines, &line, &len))
		one_record(ui, line, len);
}

void
server_stop(struct ui *ui)
{
	int rc;

	if (ui->srv_in)
		fclose(ui->srv_in);
	ui->srv_in = NULL;
	rc = herd_wait(ui->srv);
	if (rc && rc != HERD_EXIT_HOSTS)
		warnx("herd-run --serve exited with status %d", rc);
	close(ui->srv_out);
	herd_lines_free(&ui->srv_lines);
}

static void
request(struct ui *ui, const struct ask *a)
{
	struct herd_request q = { 0 };
	struct herd_host_command p;
	size_t i;

	for (i = 0; a->own && i < a->hosts->n; i++) {
		p = (struct herd_host_command){ ui->run_id, a->hosts->v[i], a->own->v[i] };
		herd_host_command_write(ui->srv_in, &p);
	}
	q.id = ui->run_id;
	q.kind = (char *)(a->kind ? a->kind : "");
	q.command = (char *)a->command;
	q.hosts = *a->hosts;
	q.timeout_ms = ui->timeout_ms;
	q.flags = ui->sudo ? HERD_REQ_SUDO : 0;
	q.selection = (char *)(a->selection ? a->selection : ui->selection ? ui->selection : "");
	q.series = (char *)(a->series ? a->series : "");
	q.compare = "";
	q.seq = a->series ? a->seq : -1;
	herd_request_write(ui->srv_in, &q);
	fflush(ui->srv_in);
}

static void
cancel(struct ui *ui)
{
	struct herd_cancel x = { ui->run_id };

	herd_cancel_write(ui->srv_in, &x);
	fflush(ui->srv_in);
	fprintf(stderr, "\ncancelling: the hosts still running are stopped\n");
}

int
run_command(struct ui *ui, const char *command, const struct herd_strv *hosts,
    const char *selection)
{
	struct ask a = { command, selection, hosts, NULL, NULL, NULL, -1 };

	return run_ask(ui, &a);
}

/*
 * The run A asks for: the request, then its records until its E; Ctrl-C
 * cancels it (X).  The view follows.  0, or -1 when herd-run went away.
 */
int
run_ask(struct ui *ui, const struct ask *a)
{
	struct pollfd p[2];
	int cancelled = 0;

	ui->run_id = herd_run_id_new(herd_now_ms());
	ui->run_ended = ui->run_begun = ui->run_refused = 0;
	ui->run_cancelled = 0;
	memset(ui->run_count, 0, sizeof ui->run_count);
	herd_buf_reset(&ui->run_recs);
	request(ui, a);
	while (!ui->run_ended) {
		p[0] = (struct pollfd){ ui->srv_out, POLLIN, 0 };
		p[1] = (struct pollfd){ ui_sigpipe[0], POLLIN, 0 };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			err(HERD_EXIT_RUNTIME, "poll");
		if (ui_interrupted) {
			ui_sigpipe_drain();
			ui->run_cancelled = 1;
			if (!cancelled++)
				cancel(ui);
		}
		if (p[0].revents)
			server_read(ui);
	}
	if (ui->srv_gone) {
		warnx("herd-run --serve went away");
		free(ui->run_id);
		ui->run_id = NULL;
		return -1;
	}
	if (ui->run_refused) {
		/* not run: each host counts as failed */
		ui->run_count[HERD_FAILED] = (long long)a->hosts->n;
		fprintf(stderr, "herd-ui: herd-run did not run the command (it said why "
		    "above)\n");
	} else {
		view_run(ui, a->hosts);
	}
	ui_sigpipe_drain();	/* a Ctrl-C during the view was for the run */
	free(ui->run_id);
	ui->run_id = NULL;
	return 0;
}
