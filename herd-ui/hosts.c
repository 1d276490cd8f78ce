/*
 * The hosts: every host herd-ui has sent the server an H record for (the
 * server keeps their connections), their connections' state from S
 * records, and the target set, the hosts a command without selectors runs
 * on.  Hosts come from herd-select, never from a selection of our own.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

struct khost *
host_find(struct ui *ui, const char *name)
{
	size_t *i = herd_map_get(&ui->ix, name, strlen(name));

	return i ? &ui->hosts[*i] : NULL;
}

size_t
host_keep(struct ui *ui, const struct herd_host *h)
{
	struct khost *k;
	size_t *slot;
	int added;

	if ((slot = herd_map_get(&ui->ix, h->name, strlen(h->name))))
		return *slot;
	herd_grow(&ui->hosts, &ui->hcap, ui->nhosts, sizeof *ui->hosts);
	k = &ui->hosts[ui->nhosts];
	herd_host_copy(&k->h, h);
	k->state = -1;
	k->reason = NULL;
	/* the key is the kept copy's name, which does not move */
	slot = herd_map_put(&ui->ix, k->h.name, strlen(k->h.name), &added);
	*slot = ui->nhosts;
	if (ui->srv_in) {	/* none for a dry run */
		herd_host_write(ui->srv_in, &k->h);
		fflush(ui->srv_in);
	}
	return ui->nhosts++;
}

/* herd-select ARGS: its hosts kept, their names in NAMES.  Its exit status. */
int
select_hosts(struct ui *ui, struct herd_strv *args, struct herd_strv *names)
{
	struct herd_strv argv = { 0 };
	struct herd_lines out = { 0 };
	struct herd_rec r = { 0 };
	struct herd_host h;
	struct child c;
	const char *line;
	size_t i, len;
	int rc, nul = open("/dev/null", O_RDONLY);

	herd_strv_add(&argv, "herd-select");
	add_config(ui, &argv);
	for (i = 0; i < args->n; i++)
		herd_strv_add(&argv, args->v[i]);
	child_start(&c, argv.v, nul, -1);
	close(nul);
	herd_buf_read_fd(&out.buf, c.out);
	close(c.out);
	rc = herd_wait(c.pid);
	herd_lines_eof(&out);
	while (herd_lines_next(&out, &line, &len)) {
		if (herd_rec_parse(&r, line, len) != 1 || r.type != 'H' ||
		    herd_host_from_rec(&r, &h) < 0)
			continue;
		host_keep(ui, &h);
		herd_strv_add(names, h.name);
		herd_host_free(&h);
	}
	herd_rec_free(&r);
	herd_lines_free(&out);
	herd_strv_free(&argv);
	return rc;
}

static void
target_push(struct ui *ui, size_t i)
{
	size_t j;

	for (j = 0; j < ui->ntarget; j++)
		if (ui->target[j] == i)
			return;
	herd_grow(&ui->target, &ui->tcap, ui->ntarget, sizeof *ui->target);
	ui->target[ui->ntarget++] = i;
}

/* The names of the target hosts, into NAMES. */
void
target_names(const struct ui *ui, struct herd_strv *names)
{
	size_t i;

	for (i = 0; i < ui->ntarget; i++)
		herd_strv_add(names, ui->hosts[ui->target[i]].h.name);
}

/* The selection of the C record for hosts chosen by name (to free). */
char *
names_selection(const struct herd_strv *names)
{
	struct herd_selector sel = { 0 };
	char *text;
	size_t i;

	for (i = 0; i < names->n; i++)
		herd_strv_add(&sel.patterns, names->v[i]);
	text = herd_selector_describe(&sel);
	herd_selector_free(&sel);
	return text;
}

static void
selection_of_names(struct ui *ui)
{
	struct herd_strv names = { 0 };
	size_t i;

	for (i = 0; i < ui->ntarget; i++)
		herd_strv_add(&names, ui->hosts[ui->target[i]].h.name);
	free(ui->selection);
	ui->selection = names_selection(&names);
	herd_strv_free(&names);
}

void
target_set(struct ui *ui, const struct herd_strv *names)
{
	size_t i;

	ui->ntarget = 0;
	for (i = 0; i < names->n; i++)
		target_push(ui, *herd_map_get(&ui->ix, names->v[i], strlen(names->v[i])));
}

/* +LIST: names, ranges, globs and @tag:EXPR, added by herd-select.  0 or -1. */
int
target_add(struct ui *ui, const char *list)
{
	struct herd_strv items = { 0 }, args = { 0 }, names = { 0 };
	size_t i, before = ui->ntarget;
	int rc;

	herd_range_split(&items, list);
	for (i = 0; i < items.n; i++) {
		herd_strv_add(&args, strncmp(items.v[i], "@tag:", 5) ? "-w" : "-t");
		herd_strv_add(&args, strncmp(items.v[i], "@tag:", 5) ? items.v[i] :
		    items.v[i] + 5);
	}
	rc = items.n ? select_hosts(ui, &args, &names) : 2;
	if (!items.n)
		fprintf(stderr, "herd-ui: +: no host given\n");
	for (i = 0; rc == 0 && i < names.n; i++)
		target_push(ui, *herd_map_get(&ui->ix, names.v[i], strlen(names.v[i])));
	if (rc == 0) {
		printf("%zu host%s added, %zu in all\n", ui->ntarget - before,
		    ui->ntarget - before == 1 ? "" : "s", ui->ntarget);
		free(ui->label);
		ui->label = NULL;
		selection_of_names(ui);
	}
	herd_strv_free(&items);
	herd_strv_free(&args);
	herd_strv_free(&names);
	return rc ? -1 : 0;
}

/*
 * A comma list of selector terms with the ranges expanded (web-[01-03] is
 * three names; a term with * or ? is a glob, as herd-select takes it), for
 * herd_pick_hosts and herd-group --hosts; to free.
 */
char *
expand_ranges(const char *list)
{
	struct herd_strv items = { 0 }, names = { 0 };
	const char *why, *t, *arg;
	char *joined;
	size_t i;

	herd_range_split(&items, list);
	for (i = 0; i < items.n; i++) {
		t = items.v[i][0] == '@' ? items.v[i] + 1 : items.v[i];
		/* a term that is no range stays as written, for messages */
		if (herd_picker_find(items.v[i], &arg) || strpbrk(t, "*?") || !strchr(t, '[') ||
		    herd_range_expand(t, &names, &why) < 0)
			herd_strv_add(&names, items.v[i]);
	}
	joined = herd_strv_join(&names, ",");
	herd_strv_free(&items);
	herd_strv_free(&names);
	return joined;
}

/* -LIST: names, ranges, globs and @tag:EXPR, left out of the target set.  0 or -1. */
int
target_remove(struct ui *ui, const char *list)
{
	struct herd_pick *picks = xcalloc(ui->ntarget + 1, sizeof *picks);
	char *picked = xcalloc(ui->ntarget + 1, 1), *sel = expand_ranges(list), *why;
	size_t i, k = 0, before = ui->ntarget;
	int rc;

	for (i = 0; i < ui->ntarget; i++) {
		picks[i].name = ui->hosts[ui->target[i]].h.name;
		picks[i].status = HERD_RESULT_NONE;
		picks[i].host = &ui->hosts[ui->target[i]].h;
	}
	if ((rc = herd_pick_hosts(picks, ui->ntarget, sel, picked, &why)) < 0) {
		fprintf(stderr, "herd-ui: -%s\n", why);
		free(why);
	} else {
		for (i = 0; i < ui->ntarget; i++)
			if (!picked[i])
				ui->target[k++] = ui->target[i];
		ui->ntarget = k;
		printf("%zu host%s removed, %zu left\n", before - k, before - k == 1 ? "" : "s",
		    k);
		free(ui->label);
		ui->label = NULL;
		selection_of_names(ui);
	}
	free(picks);
	free(picked);
	free(sel);
	return rc;
}

/* The target hosts whose connection is not down or failed. */
size_t
target_up(const struct ui *ui)
{
	size_t i, up = 0;
	int s;

	for (i = 0; i < ui->ntarget; i++) {
		s = ui->hosts[ui->target[i]].state;
		up += s != HERD_CONN_DOWN && s != HERD_CONN_FAILED;
	}
	return up;
}

/* herd [web: 3 hosts]> , herd [8 hosts]> , herd [web: 118/120 up]> ; to free. */
char *
prompt_text(const struct ui *ui)
{
	struct herd_buf b = { 0 };
	size_t up = target_up(ui);
	char *label = ui->label ? herd_safe(ui->label) : NULL;

	herd_buf_adds(&b, "herd [");
	if (label)
		herd_buf_addf(&b, "%s: ", label);
	if (up < ui->ntarget)
		herd_buf_addf(&b, "%zu/%zu up", up, ui->ntarget);
	else
		herd_buf_addf(&b, "%zu host%s", ui->ntarget, ui->ntarget == 1 ? "" : "s");
	herd_buf_adds(&b, "]> ");
	free(label);
	return herd_buf_steal(&b);
}

void
hosts_free(struct ui *ui)
{
	size_t i;

	for (i = 0; i < ui->nhosts; i++) {
		herd_host_free(&ui->hosts[i].h);
		free(ui->hosts[i].reason);
	}
	free(ui->hosts);
	free(ui->target);
	herd_map_free(&ui->ix);
}
