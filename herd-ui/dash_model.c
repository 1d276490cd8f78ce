/*
 * The dashboard's model: each kept host's row, filled from the records of
 * the serving herd-run (S: its connection; L, R: its part in the command
 * run), and the last command's result groups.  Two runs may be in flight:
 * the command's and the health probe's, whose results are not shown (its
 * point is the S records of the connections it opens or finds dead).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"

void
dash_model_init(struct dash *d)
{
	d->nrow = d->ui->nhosts;
	d->row = xcalloc(d->nrow ? d->nrow : 1, sizeof *d->row);
	for (size_t i = 0; i < d->nrow; i++) {
		d->row[i].st = -1;
		d->row[i].group = (size_t)-1;
	}
}

void
dash_model_free(struct dash *d)
{
	size_t i;

	for (i = 0; i < d->nrow; i++) {
		herd_buf_free(&d->row[i].out);
		herd_buf_free(&d->row[i].part);
		free(d->row[i].error);
	}
	free(d->row);
	for (i = 0; i < d->ngroups; i++)
		free(d->groups[i].key);
	free(d->groups);
	free(d->run_id);
	free(d->probe_id);
	free(d->command);
	free(d->series);
	free(d->last_line);
	herd_strv_free(&d->recipe_hosts);
	herd_strv_free(&d->cmds);
	herd_strv_free(&d->run_hosts);
	if (d->has_grep)
		regfree(&d->grep);
}

static struct drow *
row_of(struct dash *d, const char *host)
{
	struct khost *k = host_find(d->ui, host);

	return k && (size_t)(k - d->ui->hosts) < d->nrow ? &d->row[k - d->ui->hosts] : NULL;
}

/* Keep the last DASH_OUT_MAX bytes of OUT, from a line's start. */
static void
out_trim(struct herd_buf *out)
{
	size_t cut;
	char *nl;

	if (out->len <= DASH_OUT_MAX)
		return;
	cut = out->len - DASH_OUT_MAX / 2;
	if ((nl = memchr(out->p + cut, '\n', out->len - cut)))
		cut = (size_t)(nl + 1 - out->p);
	memmove(out->p, out->p + cut, out->len - cut);
	out->len -= cut;
}

/* A tail's line: counted, kept when --grep takes it. */
static void
tail_line(struct dash *d, struct drow *w, const char *p, size_t n)
{
	char *s;

	w->lines++;
	w->rate_lines++;
	if (d->has_grep) {
		s = xcalloc(n + 1, 1);
		memcpy(s, p, n);
		n = regexec(&d->grep, s, 0, NULL, 0) == 0 ? n : 0;
		free(s);
		if (!n)
			return;
	}
	herd_buf_add(&w->out, p, n);
	herd_buf_addc(&w->out, '\n');
}

static void
chunk(struct dash *d, const struct herd_rec *r)
{
	struct herd_chunk c;
	struct drow *w;
	const char *why, *p, *nl, *end;

	if (herd_chunk_read(r, &c, &why) < 0)
		return;
	if (!(w = row_of(d, c.host)))
		goto out;
	if (d->mode != MODE_TAIL) {
		herd_buf_add(&w->out, c.data, c.len);
	} else {
		herd_buf_add(&w->part, c.data, c.len);
		p = w->part.p;
		end = p + w->part.len;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			tail_line(d, w, p, (size_t)(nl - p));
			p = nl + 1;
		}
		memmove(w->part.p, p, (size_t)(end - p));
		w->part.len = (size_t)(end - p);
	}
	out_trim(&w->out);
	d->dirty = 1;
out:
	free(c.run);
	free(c.host);
}

static void
result(struct dash *d, const struct herd_rec *r)
{
	struct herd_result res;
	struct drow *w;
	char *why = NULL;

	if (herd_result_read(r, &res, &why) < 0) {
		free(why);
		return;
	}
	free(why);
	if (!(w = row_of(d, res.host))) {
		herd_result_free(&res);
		return;
	}
	w->changed = d->mode == MODE_WATCH && d->seq > 0 && strcmp(w->sha, res.sha256);
	w->st = (int)res.status;
	w->exit_code = res.exit_code;
	w->dur_ms = res.duration_ms;
	memcpy(w->sha, res.sha256, sizeof w->sha);
	free(w->error);
	w->error = res.error ? xstrdup(res.error) : NULL;
	if (d->mode != MODE_TAIL) {
		herd_buf_reset(&w->out);
		herd_buf_add(&w->out, res.out.p, res.out.len);
		herd_buf_add(&w->out, res.err.p, res.err.len);
		out_trim(&w->out);
	}
	herd_result_free(&res);
	d->groups_dirty = d->vis_dirty = d->dirty = 1;
}

static int
is_run(const char *id, const struct herd_rec *r)
{
	return id && r->nf >= 1 && !strcmp(herd_rec_str(r, 0), id);
}

static void
one_record(struct dash *d, const char *line, size_t len)
{
	struct herd_rec r = { 0 };

	if (herd_rec_parse(&r, line, len) != 1)
		goto out;
	if (r.type == '#' && len > 11 && !memcmp(line, "# herd-run:", 11)) {
		/* a request refused: the run it was ends here */
		if (d->run_live && memmem(line, len, d->run_id, strlen(d->run_id))) {
			dash_message(d, "%.*s", (int)(len - 2), line + 2);
			d->run_live = 0;
			dash_run_ended(d);
		}
	} else if (r.type == 'S') {
		if (conn_state(d->ui, &r))
			d->dirty = 1;
	} else if (is_run(d->run_id, &r) && d->run_live) {
		if (r.type != 'L' && d->mode != MODE_TAIL) {
			herd_buf_add(&d->ui->run_recs, line, len);
			herd_buf_addc(&d->ui->run_recs, '\n');
		}
		if (r.type == 'L')
			chunk(d, &r);
		else if (r.type == 'R')
			result(d, &r);
		else if (r.type == 'E') {
			d->run_live = 0;
			d->groups_dirty = d->dirty = 1;
			if (d->mode != MODE_TAIL)
				view_record(d->ui, &d->run_hosts);
			dash_run_ended(d);
		}
	} else if (is_run(d->probe_id, &r) && r.type == 'E') {
		free(d->probe_id);
		d->probe_id = NULL;
	}
out:
	herd_rec_free(&r);
}

void
dash_read(struct dash *d)
{
	struct ui *ui = d->ui;
	const char *line;
	size_t len;
	ssize_t n;

	n = herd_lines_fill(&ui->srv_lines, ui->srv_out);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ui->srv_gone = 1;
		d->quit = 1;
		return;
	}
	while (herd_lines_next(&ui->srv_lines, &line, &len))
		one_record(d, line, len);
}

/* COMMAND on HOSTS: the command run (its rows reset), or the probe.  0, or -1. */
int
dash_ask(struct dash *d, const char *command, const struct herd_strv *hosts,
    const struct herd_strv *own, int probe)
{
	struct herd_host_command pc;
	struct herd_request q = { 0 };
	struct ui *ui = d->ui;
	struct drow *w;
	char **id = probe ? &d->probe_id : &d->run_id;
	size_t i;

	if (!hosts->n || !ui->srv_in)
		return -1;
	free(*id);
	*id = herd_run_id_new(herd_now_ms());
	for (i = 0; own && i < hosts->n; i++) {
		pc = (struct herd_host_command){ *id, hosts->v[i], own->v[i] };
		herd_host_command_write(ui->srv_in, &pc);
	}
	q.id = *id;
	q.kind = d->mode == MODE_RECIPE && !probe ? "recipe" : "";
	q.command = (char *)command;
	q.hosts = *hosts;
	q.timeout_ms = probe ? 10000 : d->mode == MODE_TAIL ? 0 : ui->timeout_ms;
	q.flags = (probe ? 0 : HERD_REQ_STREAM) | (ui->sudo && !probe ? HERD_REQ_SUDO : 0);
	q.selection = probe ? "" : ui->selection ? ui->selection : "";
	q.series = (char *)(!probe && d->series ? d->series : "");
	q.seq = !probe && d->series ? d->seq : -1;
	q.compare = "";
	herd_request_write(ui->srv_in, &q);
	fflush(ui->srv_in);
	if (probe)
		return 0;
	herd_strv_add(&d->cmds, command);
	herd_buf_reset(&ui->run_recs);
	for (i = 0; i < d->nrow; i++)
		d->row[i].in_run = 0;
	for (i = 0; i < hosts->n; i++) {
		if (!(w = row_of(d, hosts->v[i])))
			continue;
		w->in_run = 1;
		w->st = -2;
		w->cmd = d->cmds.v[d->cmds.n - 1];
		if (d->mode != MODE_WATCH || d->seq == 0)
			w->changed = 0, w->sha[0] = '\0';
		if (d->mode != MODE_WATCH || d->seq == 0)
			herd_buf_reset(&w->out);
		herd_buf_reset(&w->part);
		w->lines = w->rate_lines = w->rate = 0;
	}
	d->run_live = 1;
	d->cancelled = 0;
	d->run_started = herd_now_ms();
	d->groups_dirty = d->vis_dirty = d->dirty = 1;
	return 0;
}

void
dash_cancel(struct dash *d)
{
	struct herd_cancel x = { d->run_id };

	if (!d->run_live || d->cancelled)
		return;
	herd_cancel_write(d->ui->srv_in, &x);
	fflush(d->ui->srv_in);
	d->cancelled = 1;
	dash_message(d, "cancelling: the hosts still running are stopped");
}

static const char *
group_label(int st, int norm)
{
	if (st == -2)
		return "running";
	if (st == HERD_FAILED)
		return "failed";
	if (st == HERD_TIMEOUT)
		return "timeout";
	return norm ? "norm" : "differs";
}

/* The last command's hosts grouped by result (its digest; failures by reason). */
void
dash_groups(struct dash *d)
{
	struct herd_map ix = { 0 };
	struct herd_buf key = { 0 };
	struct dgroup *g;
	struct drow *w;
	size_t i, *slot, norm = (size_t)-1;
	int added;

	for (i = 0; i < d->ngroups; i++)
		free(d->groups[i].key);
	d->ngroups = 0;
	for (i = 0; i < d->nrow; i++) {
		w = &d->row[i];
		w->group = (size_t)-1;
		w->in_norm = 0;
		if (!w->in_run || w->st == -1)
			continue;
		herd_buf_reset(&key);
		herd_buf_addf(&key, "%d:%s", w->st, w->st == HERD_OK || w->st == HERD_NONZERO ?
		    w->sha : w->error ? w->error : "");
		slot = herd_map_get(&ix, key.p, key.len);
		if (!slot) {
			herd_grow(&d->groups, &d->gcap, d->ngroups, sizeof *d->groups);
			g = &d->groups[d->ngroups];
			*g = (struct dgroup){ NULL, 0, i, w->st, herd_buf_steal(&key) };
			slot = herd_map_put(&ix, g->key, strlen(g->key), &added);
			*slot = d->ngroups++;
		}
		d->groups[*slot].n++;
		w->group = *slot;
	}
	for (i = 0; i < d->ngroups; i++)
		if (d->groups[i].st == HERD_OK && (norm == (size_t)-1 ||
		    d->groups[i].n > d->groups[norm].n))
			norm = i;
	if (norm != (size_t)-1 && d->groups[norm].n < 2 && d->ngroups > 1)
		norm = (size_t)-1;	/* no two alike: no norm */
	for (i = 0; i < d->ngroups; i++)
		d->groups[i].label = group_label(d->groups[i].st, i == norm);
	for (i = 0; i < d->nrow; i++)
		d->row[i].in_norm = d->row[i].group == norm && norm != (size_t)-1;
	herd_map_free(&ix);
	herd_buf_free(&key);
	d->groups_dirty = 0;
}

/* A tail's lines per second, per host, taken once a second. */
void
dash_rates(struct dash *d, long long now)
{
	size_t i;
	long long dt = now - d->rate_at;

	if (d->mode != MODE_TAIL || !d->run_live || dt < 1000)
		return;
	for (i = 0; i < d->nrow; i++) {
		d->row[i].rate = d->row[i].rate_lines * 1000 / dt;
		d->row[i].rate_lines = 0;
	}
	d->rate_at = now;
	d->dirty = 1;
}

/* The kept hosts whose connection is STATE (-1: never connected). */
size_t
dash_count_conn(const struct dash *d, int state)
{
	size_t i, n = 0;

	for (i = 0; i < d->ui->nhosts; i++)
		n += d->ui->hosts[i].state == state;
	return n;
}

static enum herd_result_status
pick_status(int st)
{
	return st < 0 ? HERD_RESULT_NONE : (enum herd_result_status)st;
}

/* The hosts SEL picks (the last command's results, names, globs, tags).  0 or -1 (said). */
int
dash_pick(struct dash *d, const char *sel, struct herd_strv *names)
{
	struct herd_pick *p = xcalloc(d->nrow + 1, sizeof *p);
	char *picked = xcalloc(d->nrow + 1, 1), *terms = expand_ranges(sel), *why;
	size_t i;
	int rc;

	for (i = 0; i < d->nrow; i++) {
		p[i].name = d->ui->hosts[i].h.name;
		p[i].status = pick_status(d->row[i].st);
		p[i].in_norm = d->row[i].in_norm;
		p[i].changed = d->row[i].changed;
		p[i].host = &d->ui->hosts[i].h;
	}
	if ((rc = herd_pick_hosts(p, d->nrow, terms, picked, &why)) < 0) {
		dash_message(d, "%s", why);
		free(why);
	}
	for (i = 0; rc == 0 && i < d->nrow; i++)
		if (picked[i])
			herd_strv_add(names, p[i].name);
	free(p);
	free(picked);
	free(terms);
	return rc;
}
