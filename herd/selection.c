/*
 * The selection for the C record and the history: the canonical description
 * herd-select --describe prints (lib/describe.c), so that "-g web -t prod"
 * and "-t prod -g web" are the same selection.  The selector is made of
 * the options and hosts given to herd-select, as herd-select makes it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "verb.h"

static int
named(const struct opt *o, const char *name, char letter)
{
	return (name && o->name && !strcmp(o->name, name)) || (letter && o->letter == letter);
}

/*
 * HOSTS are the host operands herd-select is given.  A value herd-select
 * refuses leaves a selection it does not describe: the pipeline stops at
 * herd-select with its error, before a C record is written.
 */
char *
selection_text(const struct args *a, const struct herd_strv *hosts)
{
	struct herd_selector sel = { 0 };
	const struct given *g;
	char *text;
	size_t i;

	for (i = 0; i < a->nopt; i++) {
		g = &a->opt[i];
		if (!(g->opt->to & SELECT))
			continue;
		if (named(g->opt, "all", 'a'))
			sel.all = 1;
		else if (named(g->opt, "group", 'g'))
			herd_strv_add(&sel.groups, g->value);
		else if (named(g->opt, "tag", 't'))
			herd_strv_add(&sel.tags, g->value);
		else if (named(g->opt, NULL, 'w'))
			herd_selector_add_w(&sel, g->value);
		else if (named(g->opt, "hosts-file", 0))
			herd_strv_add(&sel.files, g->value);
		else if (named(g->opt, "exclude", 'x'))
			herd_strv_add(&sel.excludes, g->value);
		else if (named(g->opt, "pick", 0) &&
		    herd_parse_int(g->value, 1, INT32_MAX, &sel.pick) < 0)
			sel.pick = 0;
	}
	for (i = 0; i < hosts->n; i++)
		herd_strv_add(&sel.patterns, hosts->v[i]);
	text = herd_selector_describe(&sel);
	herd_selector_free(&sel);
	return text;
}
