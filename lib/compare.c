/* Two runs compared host by host: the one place this is decided (compare.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compare.h"

void
herd_compare(const struct herd_result *old, size_t nold, const struct herd_result *new,
    size_t nnew, struct herd_comparison *c)
{
	struct herd_map byhost = { 0 }, bychange = { 0 }, seen = { 0 };
	struct herd_strv keys = { 0 };
	const struct herd_result *o;
	size_t i, *slot, cap = 0;
	char *key;
	int added;

	memset(c, 0, sizeof *c);
	for (i = 0; i < nold; i++)
		*herd_map_put(&byhost, old[i].host, strlen(old[i].host), &added) = i;
	for (i = 0; i < nnew; i++) {
		herd_map_put(&seen, new[i].host, strlen(new[i].host), &added);
		if (!added)
			continue;
		if (!(slot = herd_map_get(&byhost, new[i].host, strlen(new[i].host)))) {
			herd_strv_add(&c->added, new[i].host);
			continue;
		}
		o = &old[*slot];
		if (!strcmp(o->sha256, new[i].sha256)) {
			herd_strv_add(&c->unchanged, new[i].host);
			continue;
		}
		key = xasprintf("%s %s", o->sha256, new[i].sha256);
		herd_strv_add(&keys, key);
		free(key);
		slot = herd_map_put(&bychange, keys.v[keys.n - 1], strlen(keys.v[keys.n - 1]),
		    &added);
		if (added) {
			herd_grow(&c->change, &cap, c->nchange, sizeof *c->change);
			c->change[c->nchange] = (struct herd_change){ { 0 }, o, &new[i] };
			*slot = c->nchange++;
		}
		herd_strv_add(&c->change[*slot].hosts, new[i].host);
	}
	for (i = 0; i < nold; i++)
		if (!herd_map_get(&seen, old[i].host, strlen(old[i].host)))
			herd_strv_add(&c->removed, old[i].host);
	herd_map_free(&byhost);
	herd_map_free(&bychange);
	herd_map_free(&seen);
	herd_strv_free(&keys);
}

void
herd_comparison_free(struct herd_comparison *c)
{
	size_t i;

	herd_strv_free(&c->unchanged);
	herd_strv_free(&c->added);
	herd_strv_free(&c->removed);
	for (i = 0; i < c->nchange; i++)
		herd_strv_free(&c->change[i].hosts);
	free(c->change);
	memset(c, 0, sizeof *c);
}

size_t
herd_comparison_changed(const struct herd_comparison *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nchange; i++)
		n += c->change[i].hosts.n;
	return n;
}

void
herd_compare_text(const struct herd_result *r, struct herd_buf *t)
{
	const char *p = r->err.p, *end = r->err.p + r->err.len, *nl;

	herd_buf_reset(t);
	herd_buf_adds(t, "");
	if (r->status == HERD_NONZERO)
		herd_buf_addf(t, "[exit %lld]\n", r->exit_code);
	else if (r->status != HERD_OK)
		herd_buf_addf(t, "[%s: %s]\n", herd_status_name(r->status),
		    r->error ? r->error : "");
	herd_buf_add(t, r->out.p, r->out.len);
	if (r->out.len && r->err.len && r->out.p[r->out.len - 1] != '\n')
		herd_buf_adds(t, "\n\\ no newline at end of stdout\n");
	for (; p && p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		herd_buf_adds(t, "stderr: ");
		herd_buf_add(t, p, (size_t)((nl ? nl + 1 : end) - p));
	}
}

void
herd_change_diff(const struct herd_change *ch, const char *old_label, const char *new_label,
    struct herd_buf *out)
{
	struct herd_buf a = { 0 }, b = { 0 };

	herd_compare_text(ch->old, &a);
	herd_compare_text(ch->new, &b);
	herd_buf_addf(out, "--- %s\n+++ %s\n", old_label, new_label);
	herd_diff(a.p, a.len, b.p, b.len, 3, out);
	herd_buf_free(&a);
	herd_buf_free(&b);
}

static const char *
hosts_word(size_t n)
{
	return n == 1 ? "host" : "hosts";
}

/* TEXT's lines, each made safe and indented. */
static void
put_lines(FILE *f, const char *indent, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct herd_buf line = { 0 };

	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		herd_buf_reset(&line);
		herd_buf_adds(&line, "");
		herd_sanitize(&line, p, (size_t)((nl ? nl : end) - p));
		fprintf(f, "%s%s\n", indent, line.p);
	}
	herd_buf_free(&line);
}

static void
put_hosts(FILE *f, const char *head, const struct herd_strv *hosts, int fold)
{
	char *list;

	if (!hosts->n)
		return;
	list = herd_fold(hosts->v, hosts->n, fold);
	fprintf(f, "\n %zu %s %s:\n", hosts->n, hosts_word(hosts->n), head);
	put_lines(f, "   ", list, strlen(list));
	free(list);
}

void
herd_comparison_print(FILE *f, const struct herd_comparison *c, const char *since,
    const char *old_label, const char *new_label, int fold)
{
	struct herd_buf d = { 0 };
	size_t i, changed = herd_comparison_changed(c);
	char *list;

	fprintf(f, " %zu %s unchanged since %s\n", c->unchanged.n, hosts_word(c->unchanged.n),
	    since);
	if (changed)
		fprintf(f, "\n %zu %s changed:\n", changed, hosts_word(changed));
	for (i = 0; i < c->nchange; i++) {
		list = herd_fold(c->change[i].hosts.v, c->change[i].hosts.n, fold);
		if (i)
			putc('\n', f);
		put_lines(f, "   ", list, strlen(list));
		free(list);
		herd_buf_reset(&d);
		herd_change_diff(&c->change[i], old_label, new_label, &d);
		put_lines(f, "   ", d.p, d.len);
	}
	put_hosts(f, "new since then", &c->added, fold);
	put_hosts(f, "gone since then", &c->removed, fold);
	herd_buf_free(&d);
}

void
herd_comparison_summary(FILE *f, const struct herd_comparison *c)
{
	fprintf(f, "\n%zu unchanged, %zu changed, %zu new, %zu gone\n", c->unchanged.n,
	    herd_comparison_changed(c), c->added.n, c->removed.n);
}

static json_t *
strv_json(const struct herd_strv *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < v->n; i++)
		json_array_append_new(a, herd_json_bytes(v->v[i], strlen(v->v[i])));
	return a;
}

json_t *
herd_comparison_json(const struct herd_comparison *c, const char *old_label,
    const char *new_label)
{
	json_t *o = json_object(), *changes = json_array(), *ch;
	struct herd_buf d = { 0 };
	size_t i;

	json_object_set_new(o, "unchanged", strv_json(&c->unchanged));
	for (i = 0; i < c->nchange; i++) {
		ch = json_object();
		json_object_set_new(ch, "hosts", strv_json(&c->change[i].hosts));
		herd_buf_reset(&d);
		herd_change_diff(&c->change[i], old_label, new_label, &d);
		json_object_set_new(ch, "diff", herd_json_bytes(d.p, d.len));
		json_array_append_new(changes, ch);
	}
	json_object_set_new(o, "changed", changes);
	json_object_set_new(o, "added", strv_json(&c->added));
	json_object_set_new(o, "removed", strv_json(&c->removed));
	herd_buf_free(&d);
	return o;
}
