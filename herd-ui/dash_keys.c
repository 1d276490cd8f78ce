/*
 * The dashboard's keys: the command bar (:), the filter bar (/, live as
 * it is typed), moving in the host table, tagging, sorting, tabs.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"

#define CTRL(c) ((c) & 0x1f)

static void
filter_from_edit(struct dash *d)
{
	const char *t = d->edit.p ? d->edit.p : "";

	free(d->filter);
	d->filter_inv = t[0] == '!';
	t += d->filter_inv;
	d->filter = *t ? xstrdup(t) : NULL;
	if (!d->filter)
		d->filter_inv = 0;
	d->vis_dirty = 1;
}

static void
edit_back(struct herd_buf *e)
{
	/* a whole UTF-8 character */
	while (e->len && ((unsigned char)e->p[e->len - 1] & 0xc0) == 0x80)
		e->len--;
	if (e->len)
		e->len--;
	if (e->p)
		e->p[e->len] = '\0';
}

static void
bar_key(struct dash *d, int key)
{
	char *line;

	switch (key) {
	case 27:	/* Esc: the bar closed; a filter's text dropped */
		herd_buf_reset(&d->edit);
		if (d->bar == BAR_FILTER)
			filter_from_edit(d);
		d->bar = BAR_NONE;
		return;
	case '\n': case '\r': case KEY_ENTER:
		if (d->bar == BAR_COMMAND) {
			line = xstrdup(d->edit.p ? d->edit.p : "");
			d->bar = BAR_NONE;
			herd_buf_reset(&d->edit);
			dash_command(d, line);
			free(line);
		} else {
			d->bar = BAR_NONE;
		}
		return;
	case KEY_BACKSPACE: case 127: case CTRL('h'):
		edit_back(&d->edit);
		break;
	case CTRL('u'):
		herd_buf_reset(&d->edit);
		break;
	default:
		if (key < ' ' || key > 255)
			return;
		herd_buf_addc(&d->edit, key);
		d->edit.p[d->edit.len] = '\0';
	}
	if (d->bar == BAR_FILTER)
		filter_from_edit(d);
}

static void
bar_open(struct dash *d, enum dash_bar bar)
{
	d->bar = bar;
	herd_buf_reset(&d->edit);
	herd_buf_adds(&d->edit, "");
	if (bar == BAR_FILTER && d->filter)
		herd_buf_addf(&d->edit, "%s%s", d->filter_inv ? "!" : "", d->filter);
	free(d->message);
	d->message = NULL;
}

static void
move_cursor(struct dash *d, long by)
{
	long c = (long)d->cursor + by;

	if (c >= (long)d->nvis)
		c = (long)d->nvis - 1;
	if (c < 0)
		c = 0;
	d->cursor = (size_t)c;
}

static void
tab_open(struct dash *d, size_t row)
{
	size_t t;

	for (t = 0; t < d->ntabs; t++)
		if (d->tabs[t] == row)
			break;
	if (t == d->ntabs) {
		if (d->ntabs == DASH_TABS_MAX)
			memmove(d->tabs, d->tabs + 1, --d->ntabs * sizeof *d->tabs);
		t = d->ntabs;
		d->tabs[d->ntabs++] = row;
	}
	d->tab = t + 1;
	d->out_top = 0;
}

static void
tab_close(struct dash *d)
{
	if (!d->tab)
		return;
	memmove(d->tabs + d->tab - 1, d->tabs + d->tab, (d->ntabs - d->tab) * sizeof *d->tabs);
	d->ntabs--;
	d->tab--;
}

static void
tag_all(struct dash *d, int on)
{
	size_t i;

	if (on)
		for (i = 0; i < d->nvis; i++)
			d->row[d->vis[i]].tagged = 1;
	else
		for (i = 0; i < d->nrow; i++)
			d->row[i].tagged = 0;
}

static void
escape(struct dash *d)
{
	if (d->help)
		d->help = 0;
	else if (d->run_live && (d->mode == MODE_WATCH || d->mode == MODE_TAIL))
		dash_stop(d);
	else if (d->mode == MODE_WATCH && d->interval_ms)
		dash_stop(d);
	else if (d->filter) {
		free(d->filter);
		d->filter = NULL;
		d->filter_inv = 0;
		d->vis_dirty = 1;
	}
}

static void
table_key(struct dash *d, int key)
{
	long page = (long)dash_table_rows();

	switch (key) {
	case 'j': case KEY_DOWN: move_cursor(d, 1); break;
	case 'k': case KEY_UP: move_cursor(d, -1); break;
	case KEY_NPAGE: case CTRL('f'): move_cursor(d, page); break;
	case KEY_PPAGE: case CTRL('b'): move_cursor(d, -page); break;
	case 'g': case KEY_HOME: d->cursor = 0; break;
	case 'G': case KEY_END: move_cursor(d, (long)d->nvis); break;
	case ' ':
		if (d->nvis) {
			d->row[d->vis[d->cursor]].tagged ^= 1;
			move_cursor(d, 1);
		}
		break;
	case 'a': tag_all(d, 1); break;
	case 'A': tag_all(d, 0); break;
	case 's': d->sort = (d->sort + 1) % NCOL; d->vis_dirty = 1; break;
	case 'S': d->sort_rev ^= 1; d->vis_dirty = 1; break;
	case 't': d->show_tags ^= 1; break;
	case '\n': case '\r': case KEY_ENTER:
		if (d->nvis)
			tab_open(d, d->vis[d->cursor]);
		break;
	}
}

void
dash_key(struct dash *d, int key)
{
	d->dirty = 1;
	if (key == KEY_RESIZE)
		return;
	if (d->bar != BAR_NONE) {
		bar_key(d, key);
		return;
	}
	switch (key) {
	case 'q': d->quit = 1; break;
	case ':': bar_open(d, BAR_COMMAND); break;
	case '/': bar_open(d, BAR_FILTER); break;
	case '?': d->help ^= 1; break;
	case 27: escape(d); break;
	case 'x': tab_close(d); break;
	case '[': d->tab = d->tab ? d->tab - 1 : d->ntabs; d->out_top = 0; break;
	case ']': d->tab = d->tab < d->ntabs ? d->tab + 1 : 0; d->out_top = 0; break;
	case '<': d->out_top = d->out_top > 5 ? d->out_top - 5 : 0; break;
	case '>': d->out_top += 5; break;
	case 'r':
		if (d->command && !d->run_live)
			dash_command(d, NULL);
		break;
	default:
		if (key >= '1' && key <= '9' && (size_t)(key - '1') <= d->ntabs) {
			d->tab = (size_t)(key - '1');
			d->out_top = 0;
		} else {
			table_key(d, key);
		}
	}
}
