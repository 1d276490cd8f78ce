/*
 * herd tail PATH... [HOSTS...]: the logs of many hosts followed,
 *   herd-select SELECTION | herd-run --follow --resume CMD0 -- CMD |
 *   herd-group --tail --path PATH...
 * CMD is tail -F (or journalctl -f) with the filters as remote greps, every
 * value shell-quoted; CMD0 is the same from the end of the file, for a host
 * connected again.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"

/* tail's header before each file's lines, with several files. */
#define HEADER "^==> .* <==$"

/* herd tail's own option NAME (not herd-select's -x, --exclude). */
static const char *
own(const struct args *a, const char *name)
{
	size_t i;

	for (i = a->nopt; i-- > 0;)
		if (a->opt[i].opt->set == O_TAIL && !strcmp(a->opt[i].opt->name, name))
			return a->opt[i].value;
	return NULL;
}

/* The words: paths have a '/', the others are hosts. */
static void
tail_words(const struct args *a, struct herd_strv *paths, struct herd_strv *hosts)
{
	size_t i;

	if (a->dashdash)
		errx(HERD_EXIT_USAGE, "tail: no -- : give PATH... and HOSTS...");
	for (i = 0; i < a->words.n; i++)
		herd_strv_add(strchr(a->words.v[i], '/') ? paths : hosts, a->words.v[i]);
}

void
check_tail(struct args *a)
{
	struct herd_strv paths = { 0 }, hosts = { 0 };
	const char *n = own(a, "lines"), *since = own(a, "since");
	long long v;

	tail_words(a, &paths, &hosts);
	if (own(a, "journalctl") && paths.n)
		errx(HERD_EXIT_USAGE, "tail: --journalctl follows a unit, not files: "
		    "give either PATH... or --journalctl UNIT");
	if (!own(a, "journalctl") && !paths.n)
		errx(HERD_EXIT_USAGE, "tail: which file? give PATH (with a '/': ./app.log "
		    "for one in the remote home) or --journalctl UNIT");
	if (n && herd_parse_int(n, 0, 1000000000, &v) < 0)
		errx(HERD_EXIT_USAGE, "tail: --lines: expected a number of lines, got %s",
		    shown(n));
	if (since && !own(a, "journalctl"))
		errx(HERD_EXIT_USAGE, "tail: --since goes with --journalctl");
	if (since && (herd_parse_duration(since, &v) < 0 || v <= 0))
		errx(HERD_EXIT_USAGE, "tail: --since: expected a duration such as 5m, got %s",
		    shown(since));
	if (own(a, "grep") && !*own(a, "grep"))
		errx(HERD_EXIT_USAGE, "tail: --grep: the pattern must not be empty");
	if (own(a, "exclude") && !*own(a, "exclude"))
		errx(HERD_EXIT_USAGE, "tail: --exclude: the pattern must not be empty");
	herd_strv_free(&paths);
	herd_strv_free(&hosts);
}

/* | grep -E --line-buffered ... for --grep and --exclude (tail's headers kept). */
static void
filters(struct herd_buf *b, const struct args *a, size_t npaths)
{
	const char *re;

	if ((re = own(a, "exclude"))) {
		herd_buf_adds(b, " | grep -E --line-buffered -v -e ");
		herd_shell_quote(b, re);
	}
	if ((re = own(a, "grep"))) {
		herd_buf_adds(b, " | grep -E --line-buffered");
		if (npaths > 1)
			herd_buf_adds(b, " -e '" HEADER "'");
		herd_buf_adds(b, " -e ");
		herd_shell_quote(b, re);
	}
}

/* The remote command, from LINES lines back. */
static char *
remote(const struct args *a, const struct herd_strv *paths, const char *lines)
{
	const char *unit = own(a, "journalctl"), *since = own(a, "since");
	struct herd_buf b = { 0 };
	long long ms;
	size_t i;

	if (unit) {
		herd_buf_adds(&b, "journalctl -f -q -u ");
		herd_shell_quote(&b, unit);
		if (since && lines && herd_parse_duration(since, &ms) == 0) {
			herd_buf_addf(&b, " --since -%llds -n all", (ms + 999) / 1000);
		} else {
			herd_buf_adds(&b, " -n ");
			herd_shell_quote(&b, lines ? lines : "0");
		}
	} else {
		herd_buf_adds(&b, "tail -F -n ");
		herd_shell_quote(&b, lines ? lines : "0");
		herd_buf_adds(&b, " --");
		for (i = 0; i < paths->n; i++) {
			herd_buf_addc(&b, ' ');
			herd_shell_quote(&b, paths->v[i]);
		}
	}
	filters(&b, a, paths->n);
	return herd_buf_steal(&b);
}

void
build_tail(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	struct stage *view = stage_of(pl, GROUP);
	struct herd_strv paths = { 0 }, hosts = { 0 };
	const char *lines = own(a, "lines");
	char *selection, *cmd;
	size_t i;

	tail_words(a, &paths, &hosts);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&sel->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--follow");
	herd_strv_add(&run->argv, "--kind");
	herd_strv_add(&run->argv, "tail");
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	herd_strv_add(&run->argv, "--resume");
	cmd = remote(a, &paths, NULL);
	herd_strv_add(&run->argv, cmd);
	free(cmd);
	herd_strv_add(&run->argv, "--");
	cmd = remote(a, &paths, lines ? lines : "10");
	herd_strv_add(&run->argv, cmd);
	free(cmd);
	herd_strv_add(&view->argv, "--tail");
	for (i = 0; i < paths.n; i++) {
		herd_strv_add(&view->argv, "--path");
		herd_strv_add(&view->argv, paths.v[i]);
	}
	free(selection);
	herd_strv_free(&paths);
	herd_strv_free(&hosts);
}
