/*
 * The dashboard's screen, top to bottom: the title, the result groups of
 * the last command, the host table, the output pane (the Diff tab, a tab
 * per host), the status bar and the bar of the command, the filter or a
 * message.  Only what fits is drawn: the table's visible rows, the output's
 * visible lines.  Remote text goes through herd_sanitize.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "dash.h"

enum { PAIR_BAR = 1, PAIR_OK, PAIR_BAD, PAIR_CHANGED, PAIR_RUN };

void
dash_render_init(struct dash *d)
{
	const char *nc = getenv("NO_COLOR");

	d->color = has_colors() && !(nc && *nc);
	if (!d->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_CHANGED, COLOR_YELLOW, -1);
	init_pair(PAIR_RUN, COLOR_CYAN, -1);
}

static attr_t
pair(const struct dash *d, int p)
{
	return d->color ? COLOR_PAIR(p) : 0;
}

/* S (sanitized, one line) at Y, X in at most W columns; the columns used. */
static int
put(int y, int x, int w, const char *s, size_t n)
{
	mbstate_t st = { 0 };
	size_t i = 0, k;
	wchar_t wc;
	int cols = 0, cw;

	while (i < n && s[i] != '\n') {
		k = mbrtowc(&wc, s + i, n - i, &st);
		if (k == 0 || k == (size_t)-1 || k == (size_t)-2)
			break;
		cw = wc == '\t' ? 1 : wcwidth(wc);
		if (cw < 0 || cols + cw > w)
			break;
		if (wc == '\t')
			mvaddch(y, x + cols, ' ');
		else
			mvaddnstr(y, x + cols, s + i, (int)k);
		cols += cw;
		i += k;
	}
	return cols;
}

/* Remote bytes made safe, then put. */
static int
put_safe(int y, int x, int w, const char *s, size_t n)
{
	struct herd_buf b = { 0 };
	int cols;

	herd_sanitize(&b, s, n);
	cols = put(y, x, w, b.p ? b.p : "", b.len);
	herd_buf_free(&b);
	return cols;
}

static void
putf(int y, int x, int w, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void
putf(int y, int x, int w, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	put(y, x, w, line, strlen(line));
}

static void
bar_line(const struct dash *d, int y)
{
	attrset(A_REVERSE | pair(d, PAIR_BAR));
	mvhline(y, 0, ' ', COLS);
}

static void
duration(char *buf, size_t n, long long ms)
{
	if (ms < 0)
		snprintf(buf, n, "-");
	else if (ms < 1000)
		snprintf(buf, n, "%lldms", ms);
	else if (ms < 60000)
		snprintf(buf, n, "%lld.%llds", ms / 1000, ms % 1000 / 100);
	else
		snprintf(buf, n, "%lldm%llds", ms / 60000, ms % 60000 / 1000);
}

static const char *const modes[] = { "", "watch ", "tail ", "diff ", "recipe " };

static void
title(struct dash *d)
{
	char t[32];
	size_t running = 0, i;

	for (i = 0; i < d->nrow; i++)
		running += d->row[i].in_run && d->row[i].st == -2;
	bar_line(d, 0);
	if (!d->command) {
		putf(0, 1, COLS - 2, "herd dashboard | %zu hosts | press : to run a command, ? "
		    "for keys", d->nrow);
	} else {
		duration(t, sizeof t, herd_now_ms() - d->run_started);
		putf(0, 1, COLS - 26, "herd dashboard | %s | %s%s", d->run_live ?
		    (d->cancelled ? "cancelling" : "running") : d->cancelled ? "cancelled" :
		    "done", modes[d->mode], d->command);
		if (d->run_live && d->mode != MODE_TAIL && d->mode != MODE_WATCH)
			putf(0, COLS - 24, 23, "%zu left %s", running, t);
		else if (d->mode == MODE_WATCH)
			putf(0, COLS - 24, 23, "run %lld every %s", d->seq + 1,
			    herd_format_duration(d->interval_ms, t, sizeof t));
	}
	attrset(A_NORMAL);
}

static int
groups_pane(struct dash *d, int y, int h)
{
	struct herd_strv names = { 0 };
	const struct drow *w;
	char *fold, count[32];
	size_t g, i;
	int x;

	if (!d->ngroups) {
		mvaddstr(y, 1, d->command ? "no results yet" : "no command run yet");
		return 1;
	}
	for (g = 0; g < d->ngroups && (int)g < h; g++) {
		if ((int)g == h - 1 && g + 1 < d->ngroups) {
			putf(y + (int)g, 1, COLS - 2, "... %zu more groups", d->ngroups - g);
			break;
		}
		for (i = 0; i < d->nrow; i++)
			if (d->row[i].group == g)
				herd_strv_add(&names, d->ui->hosts[i].h.name);
		fold = herd_fold(names.v, names.n, 1);
		attrset(pair(d, d->groups[g].st == HERD_OK ? PAIR_OK : d->groups[g].st == -2 ?
		    PAIR_RUN : PAIR_BAD) | A_BOLD);
		putf(y + (int)g, 1, 9, "%s", d->groups[g].label);
		attrset(A_NORMAL);
		x = 10 + put_safe(y + (int)g, 10, COLS / 2 - 10, fold, strlen(fold));
		snprintf(count, sizeof count, " (%zu)", d->groups[g].n);
		x += put(y + (int)g, x, COLS - x, count, strlen(count));
		w = &d->row[d->groups[g].first];
		if (x < COLS - 4 && w->out.len)
			put_safe(y + (int)g, x + 2, COLS - x - 3, w->out.p, w->out.len);
		else if (x < COLS - 4 && w->error)
			put_safe(y + (int)g, x + 2, COLS - x - 3, w->error, strlen(w->error));
		free(fold);
		herd_strv_free(&names);
	}
	return (int)g;
}

static int table_h = 1, out_h = 1;

size_t
dash_table_rows(void)
{
	return table_h > 0 ? (size_t)table_h : 1;
}

struct col {
	const char *name;
	int w;
};

static void
columns(const struct dash *d, struct col *c)
{
	size_t i, n;
	int host = 8, rest;

	for (i = 0; i < d->nrow; i++)
		if ((n = strlen(d->ui->hosts[i].h.name)) > (size_t)host)
			host = (int)n;
	c[COL_HOST] = (struct col){ "Host", host > 24 ? 24 : host };
	c[COL_STATUS] = (struct col){ "Status", 8 };
	c[COL_EXIT] = (struct col){ "Exit", 5 };	/* room for the sort mark */
	c[COL_TIME] = (struct col){ "Time", 7 };
	c[COL_TAGS] = (struct col){ "Tags", d->show_tags ? 18 : 0 };
	rest = COLS - 2 - c[COL_HOST].w - 8 - 5 - 7 - c[COL_TAGS].w - NCOL;
	c[COL_CMD] = (struct col){ "Cmd", rest < 4 ? 4 : rest };
}

static void
table_row(struct dash *d, int y, size_t v, const struct col *c)
{
	size_t i = d->vis[v];
	const struct drow *w = &d->row[i];
	struct herd_buf tags = { 0 };
	char t[32];
	int x = 2;
	attr_t a = v == d->cursor ? A_REVERSE : A_NORMAL;

	if (w->changed)
		a |= A_BOLD | pair(d, PAIR_CHANGED);
	attrset(a);
	mvhline(y, 0, ' ', COLS);
	mvaddch(y, 0, w->tagged ? '*' : ' ');
	mvaddch(y, 1, w->changed ? '!' : ' ');
	put_safe(y, x, c[COL_HOST].w, d->ui->hosts[i].h.name, strlen(d->ui->hosts[i].h.name));
	x += c[COL_HOST].w + 1;
	if (!w->changed && v != d->cursor)
		attrset(a | pair(d, w->st == HERD_OK ? PAIR_OK : w->st == -2 ? PAIR_RUN :
		    w->st >= 0 ? PAIR_BAD : 0));
	putf(y, x, c[COL_STATUS].w, "%s", d->ui->hosts[i].state == HERD_CONN_DOWN ||
	    d->ui->hosts[i].state == HERD_CONN_FAILED ? (w->st == -1 ? "down" :
	    dash_status_name(w)) : dash_status_name(w));
	attrset(a);
	x += c[COL_STATUS].w + 1;
	if (w->cmd)
		put_safe(y, x, c[COL_CMD].w, w->cmd, strlen(w->cmd));
	x += c[COL_CMD].w + 1;
	if (w->st >= 0 && w->exit_code >= 0)
		putf(y, x, c[COL_EXIT].w, "%4lld", w->exit_code);
	x += c[COL_EXIT].w + 1;
	duration(t, sizeof t, w->st >= 0 ? w->dur_ms : -1);
	putf(y, x, c[COL_TIME].w, "%7s", t);
	x += c[COL_TIME].w + 1;
	if (d->show_tags) {
		dash_tags(&d->ui->hosts[i].h, &tags);
		put_safe(y, x, c[COL_TAGS].w, tags.p, tags.len);
		herd_buf_free(&tags);
	}
	attrset(A_NORMAL);
}

static void
table(struct dash *d, int y, int h)
{
	struct col c[NCOL];
	int x = 2, k;
	size_t v;

	columns(d, c);
	attrset(A_BOLD | A_UNDERLINE);
	mvhline(y, 0, ' ', COLS);
	for (k = 0; k < NCOL; k++) {
		if (!c[k].w)
			continue;
		putf(y, x, c[k].w, "%s%s", c[k].name, d->sort == (enum dash_col)k ?
		    (d->sort_rev ? "^" : "v") : "");
		x += c[k].w + 1;
	}
	attrset(A_NORMAL);
	table_h = h - 1;
	if (d->cursor < d->top)
		d->top = d->cursor;
	if (d->cursor >= d->top + dash_table_rows())
		d->top = d->cursor + 1 - dash_table_rows();
	if (d->top + dash_table_rows() > d->nvis)
		d->top = d->nvis > dash_table_rows() ? d->nvis - dash_table_rows() : 0;
	for (v = d->top, k = 1; v < d->nvis && k < h; v++, k++)
		table_row(d, y + k, v, c);
	if (!d->nvis)
		mvaddstr(y + 1, 2, d->filter ? "no host matches the filter" : "no hosts");
}

/* Each line of TEXT that the filter lets through, to PANE (its own copy). */
static void
filtered(const struct dash *d, const char *text, size_t n, const char *indent,
    struct herd_buf *pane)
{
	const char *p = text, *end = text + n, *nl;
	size_t len, t = d->filter ? strlen(d->filter) : 0, i;
	int hit;

	for (; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		len = (size_t)(nl - p);
		for (hit = !t, i = 0; !hit && i + t <= len; i++)
			hit = !strncasecmp(p + i, d->filter, t);
		if (t && hit == d->filter_inv)
			continue;
		herd_buf_adds(pane, indent);
		herd_buf_add(pane, p, len);
		herd_buf_addc(pane, '\n');
	}
}

static int
by_rate(const void *a, const void *b, void *arg)
{
	const struct drow *r = arg;
	long long x = r[*(const size_t *)a].rate, y = r[*(const size_t *)b].rate;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The Diff tab during a tail: the hosts shown, noisiest first. */
static void
rates_text(const struct dash *d, struct herd_buf *pane)
{
	size_t *o = xcalloc(d->nvis + 1, sizeof *o), i;

	memcpy(o, d->vis, d->nvis * sizeof *o);
	qsort_r(o, d->nvis, sizeof *o, by_rate, d->row);
	herd_buf_addf(pane, "%-24s %8s %10s\n", "lines/s per host", "rate", "lines");
	for (i = 0; i < d->nvis; i++)
		herd_buf_addf(pane, "%-24s %8lld %10lld\n", d->ui->hosts[o[i]].h.name,
		    d->row[o[i]].rate, d->row[o[i]].lines);
	free(o);
}

/* The Diff tab: each group, the norm's output, the others' as a diff against it. */
static void
diff_text(const struct dash *d, struct herd_buf *pane)
{
	struct herd_strv names = { 0 };
	struct herd_buf diff = { 0 };
	const struct drow *norm = NULL, *w;
	size_t g, i;
	char *fold;

	for (g = 0; g < d->ngroups; g++)
		if (!strcmp(d->groups[g].label, "norm"))
			norm = &d->row[d->groups[g].first];
	for (g = 0; g < d->ngroups; g++) {
		for (i = 0; i < d->nrow; i++)
			if (d->row[i].group == g && dash_row_matches(d, i))
				herd_strv_add(&names, d->ui->hosts[i].h.name);
		if (!names.n)
			continue;
		fold = herd_fold(names.v, names.n, 1);
		w = &d->row[d->groups[g].first];
		herd_buf_addf(pane, "== %s (%zu): %s\n", d->groups[g].label, names.n, fold);
		if (w->error)
			herd_buf_addf(pane, "   %s\n", w->error);
		if (norm && w != norm && w->st != -2 && (w->st == HERD_OK || w->st == HERD_NONZERO)) {
			herd_buf_reset(&diff);
			herd_diff(norm->out.p ? norm->out.p : "", norm->out.len,
			    w->out.p ? w->out.p : "", w->out.len, 1, &diff);
			filtered(d, diff.p, diff.len, "   ", pane);
		} else {
			filtered(d, w->out.p, w->out.len, "   ", pane);
		}
		free(fold);
		herd_strv_free(&names);
	}
	herd_buf_free(&diff);
}

static void
tab_line(struct dash *d, int y)
{
	const char *name;
	int x = 1;
	size_t t;

	attrset(A_BOLD | A_UNDERLINE);
	mvhline(y, 0, ' ', COLS);
	for (t = 0; t <= d->ntabs && x < COLS - 2; t++) {
		name = t ? d->ui->hosts[d->tabs[t - 1]].h.name : "Diff";
		attrset(A_BOLD | (t == d->tab ? A_REVERSE : A_UNDERLINE));
		mvaddch(y, x, (chtype)(t < 9 ? '0' + t + 1 : ' '));
		x += 1;
		x += put_safe(y, x, COLS - x - 1, " ", 1);
		x += put_safe(y, x, COLS - x - 1, name, strlen(name));
		x += 2;
	}
	attrset(A_NORMAL);
}

static void
output_pane(struct dash *d, int y, int h)
{
	struct herd_buf pane = { 0 };
	const struct drow *w;
	const char *p, *nl, *end;
	size_t nlines = 0, first, k;

	if (d->tab > d->ntabs)
		d->tab = 0;
	tab_line(d, y);
	out_h = h - 1;
	if (d->tab == 0 && d->mode == MODE_TAIL)
		rates_text(d, &pane);
	else if (d->tab == 0)
		diff_text(d, &pane);
	else if ((w = &d->row[d->tabs[d->tab - 1]]))
		filtered(d, w->out.p, w->out.len, "", &pane);
	end = pane.p + pane.len;
	for (p = pane.p; p && p < end; p = nl + 1, nlines++)
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
	/* a tail's host tab follows its end */
	first = d->tab && d->mode == MODE_TAIL && nlines > (size_t)out_h ?
	    nlines - (size_t)out_h : d->out_top;
	if (first >= nlines)
		first = d->out_top = nlines ? nlines - 1 : 0;
	for (p = pane.p, k = 0; p && p < end && k < first + (size_t)out_h; p = nl + 1, k++) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (k >= first)
			put_safe(y + 1 + (int)(k - first), 1, COLS - 2, p, (size_t)(nl - p));
	}
	herd_buf_free(&pane);
}

static void
status_bar(struct dash *d, int y)
{
	size_t up = dash_count_conn(d, HERD_CONN_UP), tagged = 0, i;
	size_t down = dash_count_conn(d, HERD_CONN_DOWN) + dash_count_conn(d, HERD_CONN_FAILED);
	size_t conn = dash_count_conn(d, HERD_CONN_CONNECTING) + dash_count_conn(d, -1);
	char *label = d->ui->label ? herd_safe(d->ui->label) : NULL, *f = NULL;

	for (i = 0; i < d->nrow; i++)
		tagged += d->row[i].tagged;
	if (d->filter)
		f = herd_safe(d->filter);
	bar_line(d, y);
	putf(y, 1, COLS - 2, "%s%s%zu hosts | %zu up, %zu down%s | %zu shown | %zu tagged%s%s%s%s",
	    label ? label : "", label ? ": " : "", d->nrow, up, down, conn ? ", connecting" : "",
	    d->nvis, tagged, f ? " | /" : "", f && d->filter_inv ? "!" : "", f ? f : "",
	    d->ui->sudo ? " | sudo" : "");
	attrset(A_NORMAL);
	free(label);
	free(f);
}

static void
bottom(struct dash *d, int y)
{
	move(y, 0);
	clrtoeol();
	if (d->bar != BAR_NONE) {
		mvaddch(y, 0, d->bar == BAR_COMMAND ? ':' : '/');
		put_safe(y, 1, COLS - 2, d->edit.p ? d->edit.p : "", d->edit.len);
		return;
	}
	if (d->message)
		put_safe(y, 0, COLS - 1, d->message, strlen(d->message));
	else
		mvaddstr(y, 0, ": command  / filter  Space tag  s sort  t tags  ? keys  q quit");
}

static const char *const keys_help[] = {
	"Keys",
	"  :          command bar: [SELECTORS] CMD, watch CMD [--interval DUR],",
	"             tail PATH [--grep RE], diff PATH, recipe NAME [k=v...]",
	"  /  /!      filter the table and the output (/! the others); Esc clears",
	"  Ctrl-C     cancel the running command",
	"  Esc        stop a watch or a tail; close this help",
	"  j k  Up Down  PgUp PgDn  Home End     move in the host table",
	"  Space      tag a host (the next command runs on the tagged ones)",
	"  a  A       tag every host shown; untag all",
	"  s  S       sort by the next column; reverse the order",
	"  t          the Tags column",
	"  Enter      open the host's tab;  x  close the tab",
	"  1-9 [ ]    tabs: 1 is Diff;  < >  scroll the output",
	"  r          run the last command again",
	"  q          quit",
};

static void
help(struct dash *d)
{
	size_t i, n = sizeof keys_help / sizeof keys_help[0];
	int y0 = 2, x0 = COLS > 76 ? (COLS - 76) / 2 : 0;

	for (i = 0; i < n && y0 + (int)i < LINES - 1; i++) {
		attrset(A_REVERSE | pair(d, PAIR_BAR));
		mvhline(y0 + (int)i, x0, ' ', COLS < 76 ? COLS : 76);
		put(y0 + (int)i, x0 + 1, (COLS < 76 ? COLS : 76) - 2, keys_help[i],
		    strlen(keys_help[i]));
	}
	attrset(A_NORMAL);
}

/* The whole screen, drawn again (curses sends what changed). */
void
dash_render(struct dash *d)
{
	int gh, oh, th, y;

	if (d->groups_dirty)
		dash_groups(d);
	if (d->vis_dirty)
		dash_visible(d);
	erase();
	title(d);
	gh = d->ngroups ? (int)d->ngroups : 1;
	if (gh > 4)
		gh = 4;
	oh = LINES / 4 > 4 ? LINES / 4 : 4;
	th = LINES - 1 - gh - oh - 2;
	if (th < 2) {
		gh = 1;
		oh = 2;
		th = LINES - 6 > 1 ? LINES - 6 : 1;
	} else if (th > (int)d->nvis + 2) {
		/* a table shorter than its room leaves the rest to the output */
		oh += th - ((int)d->nvis + 2);
		th = (int)d->nvis + 2;
	}
	groups_pane(d, 1, gh);
	y = 1 + gh;
	table(d, y, th);
	y += th;
	output_pane(d, y, oh);
	y += oh;
	status_bar(d, y);
	bottom(d, y + 1);
	if (d->help)
		help(d);
	if (d->bar != BAR_NONE)
		move(LINES - 1, 1 + (int)d->edit.len);
	refresh();
	d->dirty = 0;
}
