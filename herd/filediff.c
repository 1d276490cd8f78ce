/*
 * herd diff PATH [HOSTS...]: one file read from every host and compared,
 *   herd-select SELECTION | herd-run --kind read -- SCRIPT |
 *   herd-hist record | herd-group
 * SCRIPT (sh, the path quoted) sends the file on stdout and exits 0, or says
 * why it cannot on stderr and exits 1.  herd-run keeps each copy in memory
 * and its R record carries it with its SHA-256; herd-group groups the copies
 * as any output and its view of a read run (read.c) shows the outliers'
 * diffs against the norm.  --save DIR is herd-group's --outdir (a copy per
 * host read, DIR/HOST); --diff-last is exec's: herd-hist record --last and
 * herd-group --compare.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"

static void
diff_words(const struct args *a, const char **path, struct herd_strv *hosts)
{
	size_t i;

	if (a->words.n < 1)
		errx(HERD_EXIT_USAGE, "diff: give PATH [HOSTS...]; see herd help diff");
	*path = a->words.v[0];
	for (i = 1; i < a->words.n; i++)
		herd_strv_add(hosts, a->words.v[i]);
}

void
check_diff(struct args *a)
{
	static const char *const no[] = { "stdin", "stream", "ask-become-pass", "mux" };
	struct herd_strv hosts = { 0 };
	const struct given *g;
	const char *path;
	size_t i;

	if (a->dashdash)
		errx(HERD_EXIT_USAGE, "diff: no -- : give PATH, then HOSTS...");
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if ((g = args_find(a, no[i])))
			errx(HERD_EXIT_USAGE, "diff: %s does not go with diff%s", shown(g->as),
			    !strcmp(no[i], "ask-become-pass") ? " (a password prompt needs a "
			    "pty, which would mangle the file): use --sudo with passwordless "
			    "sudo" : "");
	diff_words(a, &path, &hosts);
	herd_strv_free(&hosts);
	if (!*path)
		errx(HERD_EXIT_USAGE, "diff: the path is empty");
	if ((g = args_find(a, "save")) && !*g->value)
		errx(HERD_EXIT_USAGE, "diff: --save: the directory must not be empty");
}

/* The file on stdout, or why not on stderr and exit 1. */
static char *
read_script(const char *path)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "f=");
	herd_shell_quote(&b, path);
	herd_buf_adds(&b, "\nno() { printf '%s\\n' \"$*\" >&2; exit 1; }\n"
	    "[ -e \"$f\" ] || no 'no such file'\n"
	    "[ -f \"$f\" ] || no 'not a regular file'\n"
	    "[ -r \"$f\" ] || no 'permission denied (--sudo reads it as root)'\n"
	    "exec cat -- \"$f\"\n");
	return herd_buf_steal(&b);
}

void
build_diff(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	struct herd_strv hosts = { 0 };
	const char *path;
	char *script, *selection;
	size_t i;

	diff_words(a, &path, &hosts);
	diff_last(pl, a, "diff");
	script = read_script(path);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&sel->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--kind");
	herd_strv_add(&run->argv, "read");
	herd_strv_add(&run->argv, "--mux");
	herd_strv_add(&run->argv, "no");
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	herd_strv_add(&run->argv, "--");
	herd_strv_add(&run->argv, script);
	free(selection);
	free(script);
	herd_strv_free(&hosts);
}
