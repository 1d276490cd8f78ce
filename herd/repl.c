/*
 * herd repl [HOSTS...] [options]: herd becomes herd-ui, the REPL, with the
 * options it takes (the selection's, the connection's, --timeout, --sudo,
 * --color, --no-history).  herd recipe NAME [HOSTS...] [options] becomes
 * herd-ui --recipe NAME, with --set and --dry-run too; herd recipe --list,
 * herd-ui --list-recipes.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verb.h"

/* The options of the verb's sets that herd-ui has no use for. */
static const char *const not_taken[] = { "stream", "stdin", "mux", "max-output",
    "ask-become-pass", "json", "diff-last", "auth" };

static void
check_taken(const struct given *g)
{
	size_t i;

	for (i = 0; g->opt->name && i < sizeof not_taken / sizeof not_taken[0]; i++)
		if (!strcmp(g->opt->name, not_taken[i]))
			errx(HERD_EXIT_USAGE, "%s is not an option of repl or recipe; see herd "
			    "help repl", shown(g->as));
}

/* herd becomes herd-ui ARGS, with the options given in A, then WORDS. */
static int
become_ui(const char *verb, const struct args *a, const struct herd_strv *words,
    size_t from, int explaining)
{
	struct pipeline pl = { 0 };
	struct stage *s = pipeline_add(&pl, "herd-ui");
	const struct given *g;
	char *path, *dirs, name[64], **argv;
	size_t i;

	if (!strcmp(verb, "dashboard"))
		herd_strv_add(&s->argv, "--dashboard");
	if (!strcmp(verb, "recipe") && !args_find(a, "list"))
		herd_strv_add(&s->argv, "--recipe"), herd_strv_add(&s->argv, words->v[0]);
	for (i = 0; i < a->nopt; i++) {
		g = &a->opt[i];
		check_taken(g);
		herd_strv_add(&s->argv, g->opt->pass ? g->opt->pass : g->opt->letter ?
		    (char[]){ '-', g->opt->letter, '\0' } : opt_name(g->opt, name, sizeof name));
		if (g->opt->arg)
			herd_strv_add(&s->argv, g->value);
	}
	if (words->n > from)
		herd_strv_add(&s->argv, "--");
	for (i = from; i < words->n; i++)
		herd_strv_add(&s->argv, words->v[i]);
	if (explaining)
		return pipeline_explain(&pl);
	if (!(path = find_program("herd-ui"))) {
		dirs = exec_path();
		errx(HERD_EXIT_RUNTIME, "%s: no herd-ui in %s or PATH", verb, shown(dirs));
	}
	argv = xcalloc(s->argv.n + 2, sizeof *argv);
	argv[0] = "herd-ui";
	if (s->argv.n)
		memcpy(argv + 1, s->argv.v, s->argv.n * sizeof *argv);
	execv(path, argv);
	err(HERD_EXIT_RUNTIME, "%s", path);
}

/* The words before and after --, as one list. */
static void
all_words(const struct args *a, struct herd_strv *words)
{
	size_t i;

	for (i = 0; i < a->words.n; i++)
		herd_strv_add(words, a->words.v[i]);
	for (i = 0; i < a->after.n; i++)
		herd_strv_add(words, a->after.v[i]);
}

int
repl_act(const struct verb *v, const struct args *a, int explaining)
{
	struct herd_strv words = { 0 };

	int rc;

	all_words(a, &words);
	rc = become_ui("repl", a, &words, 0, explaining);
	herd_strv_free(&words);
	(void)v;
	return rc;
}

/* herd dashboard [HOSTS...]: herd-ui --dashboard. */
int
dashboard_act(const struct verb *v, const struct args *a, int explaining)
{
	struct herd_strv words = { 0 };
	int rc;

	all_words(a, &words);
	rc = become_ui("dashboard", a, &words, 0, explaining);
	herd_strv_free(&words);
	(void)v;
	return rc;
}

int
recipe_act(const struct verb *v, const struct args *a, int explaining)
{
	struct herd_strv words = { 0 };
	int listing = args_find(a, "list") != NULL, rc;

	all_words(a, &words);
	if (listing && words.n)
		errx(HERD_EXIT_USAGE, "recipe: --list takes no recipe name or hosts");
	if (!listing && !words.n)
		errx(HERD_EXIT_USAGE, "recipe: which recipe? herd recipe NAME [HOSTS...]; "
		    "herd recipe --list shows them");
	rc = become_ui("recipe", a, &words, listing ? 0 : 1, explaining);
	herd_strv_free(&words);
	(void)v;
	return rc;
}
