/*
 * Composed verbs: their options are sorted out to the stages that own them,
 *   herd exec CMD [HOSTS...]  = herd-select | herd-run -- CMD | herd-group
 *   herd ping [HOSTS...]      = herd-select | herd-run --ping | herd-group --ping
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

enum { SEL = 1, RUN = 2, GRP = 4, DRY_RUN = 8, PING = 16 };

struct opt {
	const char *name;	/* long name */
	char letter;		/* short name, or 0 */
	int arg;		/* takes a value */
	int stages;
};

static const struct opt exec_opts[] = {
	{ "all", 'a', 0, SEL },
	{ "config", 'c', 1, SEL | RUN | GRP },
	{ "file", 'f', 1, SEL },
	{ "group", 'g', 1, SEL },
	{ "tag", 't', 1, SEL },
	{ "ssh-config", 'F', 1, RUN },
	{ "identity", 'i', 1, RUN },
	{ "user", 'l', 1, RUN },
	{ "port", 'p', 1, RUN },
	{ "concurrency", 0, 1, RUN },
	{ "timeout", 0, 1, RUN },
	{ "connect-timeout", 0, 1, RUN },
	{ "accept-new", 0, 0, RUN },
	{ "insecure", 0, 0, RUN },
	{ "ask-pass", 0, 0, RUN },
	{ "sudo", 0, 0, RUN },
	{ "ask-become-pass", 0, 0, RUN },
	{ "max-output", 0, 1, RUN },
	{ "json", 0, 0, GRP },
	{ "errors-only", 0, 0, GRP },
	{ "color", 0, 1, GRP },
	{ "parse", 0, 1, GRP },
	{ "lines", 0, 1, GRP },
	{ "no-fold", 0, 0, GRP },
	{ "dry-run", 0, 0, DRY_RUN },
	{ "auth", 0, 0, RUN | PING },
	{ NULL, 0, 0, 0 },
};


static const struct opt *
find_long(const char *name, size_t len)
{
	const struct opt *o;

	for (o = exec_opts; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct opt *
find_short(char c)
{
	const struct opt *o;

	for (o = exec_opts; o->name; o++)
		if (o->letter == c)
			return o;
	return NULL;
}

/* Pass an option on to each stage (select, run, group) that takes it. */
static void
give(struct pipeline *pl, const struct opt *o, const char *value)
{
	char *flag = o->letter ? xasprintf("-%c", o->letter) : xasprintf("--%s", o->name);
	int i;

	for (i = 0; i < pl->n; i++) {
		if (!(o->stages & (1 << i)))
			continue;
		herd_strv_add(&pl->stage[i].argv, flag);
		if (o->arg)
			herd_strv_add(&pl->stage[i].argv, value);
	}
	free(flag);
}

struct parsed {
	struct herd_strv positional;
	int dry_run;
};

/* Sort argv's options out to the stages; what is not an option is kept. */
static void
distribute(struct pipeline *pl, int argc, char **argv, int allowed, struct parsed *p,
    const char *verb)
{
	const struct opt *o;
	const char *value, *eq;
	int i, only_positional = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_positional || a[0] != '-' || !a[1]) {
			herd_strv_add(&p->positional, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_positional = 1;
			continue;
		}
		value = NULL;
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			o = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (eq)
				value = eq + 1;
		} else {
			o = find_short(a[1]);
			if (a[2])
				value = a + 2;
		}
		if (!o || ((o->stages & (DRY_RUN | PING)) && !(o->stages & allowed)))
			errx(HERD_EXIT_USAGE, "%s: unknown option %s; see herd help %s",
			    verb, a, verb);
		if (o->arg && !value) {
			if (i + 1 >= argc)
				errx(HERD_EXIT_USAGE, "%s: %s needs a value", verb, a);
			value = argv[++i];
		} else if (!o->arg && value) {
			errx(HERD_EXIT_USAGE, "%s: %s takes no value", verb, a);
		}
		if (o->stages & DRY_RUN) {
			p->dry_run = 1;
			continue;
		}
		give(pl, o, value);
	}
}

/* The selection as the user wrote it (without -c), for the C record and history. */
static char *
selection_text(const struct stage *sel)
{
	struct herd_strv words = { 0 };
	char *text;
	size_t i;

	for (i = 0; i < sel->argv.n; i++) {
		if (!strcmp(sel->argv.v[i], "-c")) {
			i++;
			continue;
		}
		herd_strv_add(&words, sel->argv.v[i]);
	}
	text = herd_strv_join(&words, " ");
	herd_strv_free(&words);
	return text;
}

static int
finish(struct pipeline *pl, int explain)
{
	return explain ? pipeline_explain(pl) : pipeline_run(pl);
}

static int
exec_verb(int argc, char **argv, int explain)
{
	struct pipeline pl = { 0 };
	struct parsed p = { 0 };
	struct stage *sel, *run, *grp;
	char *selection;
	size_t i;

	sel = pipeline_add(&pl, "herd-select");
	run = pipeline_add(&pl, "herd-run");
	grp = pipeline_add(&pl, "herd-group");
	distribute(&pl, argc, argv, DRY_RUN, &p, "exec");
	if (!p.positional.n)
		errx(HERD_EXIT_USAGE, "exec: no command; usage: herd exec CMD [HOSTS...] "
		    "[-g GROUP] [-t TAGS] [options]");
	for (i = 1; i < p.positional.n; i++)
		herd_strv_add(&sel->argv, p.positional.v[i]);
	selection = selection_text(sel);
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	free(selection);
	if (p.dry_run) {
		herd_strv_add(&run->argv, "--dry-run");
		pl.n = 2;
		herd_strv_free(&grp->argv);
	}
	herd_strv_add(&run->argv, "--");
	herd_strv_add(&run->argv, p.positional.v[0]);
	herd_strv_free(&p.positional);
	return finish(&pl, explain);
}

static int
ping_verb(int argc, char **argv, int explain)
{
	struct pipeline pl = { 0 };
	struct parsed p = { 0 };
	struct stage *sel, *run, *grp;
	size_t i;

	sel = pipeline_add(&pl, "herd-select");
	run = pipeline_add(&pl, "herd-run");
	grp = pipeline_add(&pl, "herd-group");
	distribute(&pl, argc, argv, PING, &p, "ping");
	for (i = 0; i < p.positional.n; i++)
		herd_strv_add(&sel->argv, p.positional.v[i]);
	herd_strv_add(&run->argv, "--ping");
	herd_strv_add(&grp->argv, "--ping");
	herd_strv_free(&p.positional);
	return finish(&pl, explain);
}

/* Run a composed verb; -1 when verb is not one. */
int
compose_verb(const char *verb, int argc, char **argv, int explain)
{
	if (!strcmp(verb, "exec"))
		return exec_verb(argc, argv, explain);
	if (!strcmp(verb, "ping"))
		return ping_verb(argc, argv, explain);
	return -1;
}
