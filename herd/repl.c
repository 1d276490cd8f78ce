/*
 * herd repl [HOSTS...] [options]: herd becomes herd-ui, the REPL, with the
 * options it takes (the selection's, the connection's, --timeout, --sudo,
 * --color, --no-history).
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
			errx(HERD_EXIT_USAGE, "repl: %s is not an option of repl; see herd help "
			    "repl", shown(g->as));
}

int
repl_act(const struct verb *v, const struct args *a, int explaining)
{
	struct pipeline pl = { 0 };
	struct stage *s = pipeline_add(&pl, "herd-ui");
	const struct given *g;
	char *path, *dirs, name[64], **argv;
	size_t i;

	for (i = 0; i < a->nopt; i++) {
		g = &a->opt[i];
		check_taken(g);
		herd_strv_add(&s->argv, g->opt->pass ? g->opt->pass : g->opt->letter ?
		    (char[]){ '-', g->opt->letter, '\0' } : opt_name(g->opt, name, sizeof name));
		if (g->opt->arg)
			herd_strv_add(&s->argv, g->value);
	}
	if (a->words.n + a->after.n)
		herd_strv_add(&s->argv, "--");
	for (i = 0; i < a->words.n; i++)
		herd_strv_add(&s->argv, a->words.v[i]);
	for (i = 0; i < a->after.n; i++)
		herd_strv_add(&s->argv, a->after.v[i]);
	if (explaining)
		return pipeline_explain(&pl);
	if (!(path = find_program("herd-ui"))) {
		dirs = exec_path();
		errx(HERD_EXIT_RUNTIME, "repl: no herd-ui in %s or PATH", shown(dirs));
	}
	argv = xcalloc(s->argv.n + 2, sizeof *argv);
	argv[0] = "herd-ui";
	if (s->argv.n)
		memcpy(argv + 1, s->argv.v, s->argv.n * sizeof *argv);
	execv(path, argv);
	err(HERD_EXIT_RUNTIME, "%s", path);
	(void)v;
}
