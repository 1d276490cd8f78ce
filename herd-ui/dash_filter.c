/*
 * The rows shown: those the filter bar's text matches (/TEXT: a row whose
 * host, status, tags, command or output holds TEXT, case ignored; /!TEXT:
 * the others), sorted by the chosen column.
 */
#include <stdlib.h>
#include <string.h>

#include "dash.h"

const char *
dash_status_name(const struct drow *w)
{
	if (w->st == -2)
		return "running";
	if (w->st >= 0)
		return herd_status_name((enum herd_status)w->st);
	return "-";
}

/* HOST's tags, comma-separated. */
void
dash_tags(const struct herd_host *h, struct herd_buf *b)
{
	size_t i;

	for (i = 0; i < h->tags.n; i++)
		herd_buf_addf(b, "%s%s", i ? "," : "", h->tags.v[i]);
	herd_buf_adds(b, "");
}

static int
holds(const char *s, size_t n, const char *text)
{
	size_t t = strlen(text), i;

	if (!s || t > n)
		return 0;
	for (i = 0; i + t <= n; i++)
		if (!strncasecmp(s + i, text, t))
			return 1;
	return 0;
}

int
dash_row_matches(const struct dash *d, size_t i)
{
	const struct drow *w = &d->row[i];
	const struct herd_host *h = &d->ui->hosts[i].h;
	struct herd_buf tags = { 0 };
	const char *f = d->filter;
	int m;

	if (!f || !*f)
		return 1;
	dash_tags(h, &tags);
	m = holds(h->name, strlen(h->name), f) || holds(tags.p, tags.len, f) ||
	    holds(dash_status_name(w), strlen(dash_status_name(w)), f) ||
	    (w->cmd && holds(w->cmd, strlen(w->cmd), f)) || holds(w->out.p, w->out.len, f);
	herd_buf_free(&tags);
	return m != d->filter_inv;
}

static const struct dash *sorting;

static long long
num_key(const struct drow *w, enum dash_col c)
{
	if (c == COL_EXIT)
		return w->st >= 0 ? w->exit_code : -2;
	if (c == COL_TIME)
		return w->st >= 0 ? w->dur_ms : -1;
	return w->st;
}

static int
cmp_rows(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct drow *x = &sorting->row[i], *y = &sorting->row[j];
	struct herd_buf tx = { 0 }, ty = { 0 };
	long long kx, ky;
	int c = 0;

	switch (sorting->sort) {
	case COL_HOST:
		break;
	case COL_CMD:
		c = strcmp(x->cmd ? x->cmd : "", y->cmd ? y->cmd : "");
		break;
	case COL_TAGS:
		dash_tags(&sorting->ui->hosts[i].h, &tx);
		dash_tags(&sorting->ui->hosts[j].h, &ty);
		c = strcmp(tx.p, ty.p);
		herd_buf_free(&tx);
		herd_buf_free(&ty);
		break;
	default:
		kx = num_key(x, sorting->sort);
		ky = num_key(y, sorting->sort);
		c = kx < ky ? -1 : kx > ky;
	}
	if (!c)
		c = herd_natural_cmp(sorting->ui->hosts[i].h.name, sorting->ui->hosts[j].h.name);
	return sorting->sort_rev ? -c : c;
}

/* d->vis: the rows shown, in order; the cursor kept on its host. */
void
dash_visible(struct dash *d)
{
	size_t i, at = d->cursor < d->nvis ? d->vis[d->cursor] : (size_t)-1;

	d->nvis = 0;
	for (i = 0; i < d->nrow; i++) {
		if (!dash_row_matches(d, i))
			continue;
		herd_grow(&d->vis, &d->viscap, d->nvis, sizeof *d->vis);
		d->vis[d->nvis++] = i;
	}
	sorting = d;
	if (d->nvis)
		qsort(d->vis, d->nvis, sizeof *d->vis, cmp_rows);
	sorting = NULL;
	for (i = 0; i < d->nvis; i++)
		if (d->vis[i] == at)
			d->cursor = i;
	if (d->cursor >= d->nvis)
		d->cursor = d->nvis ? d->nvis - 1 : 0;
	d->vis_dirty = 0;
}
