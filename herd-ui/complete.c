/*
 * Tab completion: colon commands; selectors, @tag: names and host names in
 * a line's first word (@SEL, +HOSTS, -HOSTS), after its last comma; group
 * names after :group, parsers after :parse, recipes after :recipe.  One match is completed, several
 * are completed as far as they agree, then listed.
 */
#include <histedit.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

static const char *const builtin_parsers[] = { "disk", "free", "uptime", NULL };

static void
add_unique(struct herd_strv *v, const char *prefix, const char *s)
{
	char *c = xasprintf("%s%s", prefix, s);

	if (!herd_strv_has(v, c))
		herd_strv_add(v, c);
	free(c);
}

/* Hosts and tags known: the kept hosts' and the config's. */
static void
hosts_and_tags(struct ui *ui, const char *prefix, int hosts, int tags, struct herd_strv *v)
{
	struct herd_hostlist inv = { 0 };
	const struct herd_host *h;
	size_t i, j, n = ui->nhosts;

	herd_inventory(&ui->cfg, &inv);
	for (i = 0; i < n + inv.n; i++) {
		h = i < n ? &ui->hosts[i].h : &inv.h[i - n];
		if (hosts)
			add_unique(v, prefix, h->name);
		for (j = 0; tags && j < h->tags.n; j++)
			add_unique(v, "@tag:", h->tags.v[j]);
	}
	herd_hostlist_free(&inv);
}

/* The candidates for WORD, the first word (first) or the second after FIRSTWORD. */
static void
candidates(struct ui *ui, const char *word, const char *cur, int first,
    const char *firstword, struct herd_strv *v)
{
	size_t i;

	if (first && word[0] == ':') {
		for (i = 0; colon_names[i]; i++)
			herd_strv_add(v, colon_names[i]);
	} else if (first && *word && strchr("@+-", word[0])) {
		if (word[0] == '@')
			for (i = 0; i < herd_npickers; i++)
				if (strcmp(herd_pickers[i].name, "@tag:"))
					herd_strv_add(v, herd_pickers[i].name);
		hosts_and_tags(ui, word[0] == '@' ? "@" : "", 1, 1, v);
		if (!strncmp(cur, "@tag:!", 6))
			for (i = 0; i < v->n; i++)
				if (!strncmp(v->v[i], "@tag:", 5)) {
					char *neg = xasprintf("@tag:!%s", v->v[i] + 5);

					free(v->v[i]);
					v->v[i] = neg;
				}
	} else if (!first && !strcmp(firstword, ":group")) {
		for (i = 0; i < ui->cfg.ngroups; i++)
			herd_strv_add(v, ui->cfg.groups[i].name);
	} else if (!first && !strcmp(firstword, ":parse")) {
		for (i = 0; builtin_parsers[i]; i++)
			herd_strv_add(v, builtin_parsers[i]);
		for (i = 0; i < ui->cfg.nparsers; i++)
			herd_strv_add(v, ui->cfg.parsers[i].name);
	} else if (!first && !strcmp(firstword, ":recipe")) {
		herd_recipe_names(&ui->cfg, v);
	} else if (!first && !strcmp(firstword, ":history")) {
		herd_strv_add(v, "search");
	}
}

static void
list_matches(struct herd_strv *m)
{
	char *safe;
	size_t i;

	fputc('\n', stdout);
	for (i = 0; i < m->n; i++) {
		safe = herd_safe(m->v[i]);
		printf("%s%s", i ? "  " : "", safe);
		free(safe);
	}
	fputc('\n', stdout);
}

unsigned char
complete_fn(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	struct herd_strv v = { 0 }, m = { 0 };
	struct ui *ui;
	const char *start = li->buffer, *w, *cur, *p;
	char *word, *firstword, *add;
	size_t i, common = 0, len;
	int first, rc = CC_REFRESH_BEEP;

	el_get(el, EL_CLIENTDATA, &ui);
	while (start < li->cursor && (*start == ' ' || *start == '\t'))
		start++;
	for (w = li->cursor; w > start && w[-1] != ' ' && w[-1] != '\t'; w--)
		;
	first = w == start;
	word = xstrndup(w, (size_t)(li->cursor - w));
	firstword = xstrndup(start, strcspn(start, " \t"));
	/* a selector list completes its last term */
	cur = word;
	if (first && *word && strchr("@+-", word[0]) && (p = strrchr(word, ',')))
		cur = p + 1;
	else if (first && (word[0] == '+' || word[0] == '-'))
		cur = word + 1;
	candidates(ui, word, cur, first, firstword, &v);
	len = strlen(cur);
	for (i = 0; i < v.n; i++)
		if (!strncmp(v.v[i], cur, len))
			herd_strv_add(&m, v.v[i]);
	if (m.n) {
		common = strlen(m.v[0]);
		for (i = 1; i < m.n; i++)
			while (common > len && strncmp(m.v[0], m.v[i], common))
				common--;
	}
	if (m.n == 1) {
		add = xasprintf("%s%s", m.v[0] + len,
		    m.v[0][strlen(m.v[0]) - 1] == ':' ? "" : " ");
		el_insertstr(el, add);
		free(add);
		rc = CC_REFRESH;
	} else if (m.n > 1 && common > len) {
		add = xstrndup(m.v[0] + len, common - len);
		el_insertstr(el, add);
		free(add);
		rc = CC_REFRESH;
	} else if (m.n > 1) {
		list_matches(&m);
		rc = CC_REDISPLAY;
	}
	herd_strv_free(&v);
	herd_strv_free(&m);
	free(word);
	free(firstword);
	return (unsigned char)rc;
}
