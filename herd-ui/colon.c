/* The colon commands of the REPL, one table. */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

struct colon_cmd {
	const char *name, *args, *help;
	void (*fn)(struct ui *, const char *arg);
};

static void c_quit(struct ui *, const char *);
static void c_help(struct ui *, const char *);
static void c_hosts(struct ui *, const char *);
static void c_group(struct ui *, const char *);
static void c_tags(struct ui *, const char *);
static void c_timeout(struct ui *, const char *);
static void c_sudo(struct ui *, const char *);
static void c_diff(struct ui *, const char *);
static void c_last(struct ui *, const char *);
static void c_export(struct ui *, const char *);
static void c_parse(struct ui *, const char *);
static void c_history(struct ui *, const char *);
static void c_recipe(struct ui *, const char *);

static const struct colon_cmd cmds[] = {
	{ "quit", "", "leave (Ctrl-D too)", c_quit },
	{ "help", "", "this help", c_help },
	{ "hosts", "", "the target hosts and their connections", c_hosts },
	{ "group", "NAME", "the target hosts become group NAME's", c_group },
	{ "tags", "", "the target hosts' tags, with host counts", c_tags },
	{ "timeout", "[DUR]", "the command timeout: show it, or set it (0: none)", c_timeout },
	{ "sudo", "", "run the commands under sudo, or no longer", c_sudo },
	{ "diff", "", "the last result's outliers against the norm", c_diff },
	{ "last", "", "the last result's view again", c_last },
	{ "export", "FILE", "the last result as JSON into FILE (mode 0600)", c_export },
	{ "parse", "NAME", "the last result as a table of a parser's fields", c_parse },
	{ "history", "[search PATTERN]", "past runs (herd-hist list, search)", c_history },
	{ "recipe", "[NAME [K=V...]]", "run recipe NAME on the targets; without: list them",
	  c_recipe },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

const char *const colon_names[] = { ":quit", ":help", ":hosts", ":group", ":tags",
    ":timeout", ":sudo", ":diff", ":last", ":export", ":parse", ":history", ":recipe", NULL };

void
colon(struct ui *ui, const char *name, const char *arg)
{
	const char *cands[NCMDS], *near;
	char *safe;
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (!strcmp(cmds[i].name, name)) {
			cmds[i].fn(ui, arg);
			return;
		}
		cands[i] = cmds[i].name;
	}
	safe = herd_safe(name);
	if ((near = herd_suggest(name, cands, NCMDS)))
		fprintf(stderr, "herd-ui: unknown command :%s; did you mean :%s?\n", safe, near);
	else
		fprintf(stderr, "herd-ui: unknown command :%s; :help lists them\n", safe);
	free(safe);
}

static int
needs(const char *what, const char *cmd, const char *arg)
{
	if (*arg)
		return 0;
	fprintf(stderr, "herd-ui: :%s needs %s\n", cmd, what);
	return 1;
}

static void
c_quit(struct ui *ui, const char *arg)
{
	ui->quit = 1;
}

static void
c_help(struct ui *ui, const char *arg)
{
	size_t i;
	char left[64];

	printf("A line is [SELECTORS] COMMAND: COMMAND runs on the target hosts, or on\n"
	    "the hosts of the last result that SELECTORS pick: @ok @differs @failed\n"
	    "@nonzero @timeout @tag:NAME @tag:!NAME, @NAME, @GLOB, @RANGE; comma = union.\n");
	for (i = 0; i < NCMDS; i++) {
		snprintf(left, sizeof left, ":%s %s", cmds[i].name, cmds[i].args);
		printf("  %-26s %s\n", left, cmds[i].help);
	}
	printf("  %-26s %s\n", "+HOSTS / -HOSTS", "add or remove target hosts (names, "
	    "ranges, globs, @tag:NAME)");
	printf("  %-26s %s\n", "!COMMAND", "run COMMAND here, with sh");
	printf("Ctrl-C stops the command running (its hosts still running are cancelled);\n"
	    "Tab completes; Ctrl-D quits.\n");
}

static void
c_hosts(struct ui *ui, const char *arg)
{
	const struct khost *k;
	char *name, *why;
	size_t i;

	for (i = 0; i < ui->ntarget; i++) {
		k = &ui->hosts[ui->target[i]];
		name = herd_safe(k->h.name);
		why = k->reason ? herd_safe(k->reason) : NULL;
		printf("  %-20s %s%s%s%s\n", name, k->state < 0 ? "not connected" :
		    herd_conn_name(k->state), why ? " (" : "", why ? why : "", why ? ")" : "");
		free(name);
		free(why);
	}
	printf("%zu host%s, %zu up\n", ui->ntarget, ui->ntarget == 1 ? "" : "s",
	    target_up(ui));
}

static void
c_group(struct ui *ui, const char *arg)
{
	struct herd_strv args = { 0 }, names = { 0 };
	struct herd_selector sel = { 0 };

	if (needs("a group name", "group", arg))
		return;
	herd_strv_add(&args, "-g");
	herd_strv_add(&args, arg);
	if (select_hosts(ui, &args, &names) == 0) {
		target_set(ui, &names);
		free(ui->label);
		ui->label = xstrdup(arg);
		herd_strv_add(&sel.groups, arg);
		free(ui->selection);
		ui->selection = herd_selector_describe(&sel);
		herd_selector_free(&sel);
		printf("%zu host%s\n", names.n, names.n == 1 ? "" : "s");
	}
	herd_strv_free(&args);
	herd_strv_free(&names);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
c_tags(struct ui *ui, const char *arg)
{
	struct herd_map counts = { 0 };
	struct herd_strv tags = { 0 };
	const struct herd_host *h;
	size_t i, j, *n;
	char *safe;
	int added;

	for (i = 0; i < ui->ntarget; i++) {
		h = &ui->hosts[ui->target[i]].h;
		for (j = 0; j < h->tags.n; j++) {
			n = herd_map_put(&counts, h->tags.v[j], strlen(h->tags.v[j]), &added);
			if (added)
				herd_strv_add(&tags, h->tags.v[j]);
			++*n;
		}
	}
	qsort(tags.v, tags.n, sizeof *tags.v, by_name);
	for (i = 0; i < tags.n; i++) {
		safe = herd_safe(tags.v[i]);
		n = herd_map_get(&counts, tags.v[i], strlen(tags.v[i]));
		printf("  %-20s %zu host%s\n", safe, *n, *n == 1 ? "" : "s");
		free(safe);
	}
	if (!tags.n)
		printf("no tags on the target hosts\n");
	herd_map_free(&counts);
	herd_strv_free(&tags);
}

static void
c_timeout(struct ui *ui, const char *arg)
{
	char buf[64];
	long long ms;
	char *safe;

	if (*arg && herd_parse_duration(arg, &ms) < 0) {
		safe = herd_safe(arg);
		fprintf(stderr, "herd-ui: :timeout: expected a duration such as 30s, got %s\n",
		    safe);
		free(safe);
		return;
	}
	if (*arg)
		ui->timeout_ms = ms;
	if (ui->timeout_ms < 0)
		printf("timeout: each host's own (the config's, else 30s)\n");
	else if (ui->timeout_ms == 0)
		printf("timeout: none\n");
	else
		printf("timeout: %s\n", herd_format_duration(ui->timeout_ms, buf, sizeof buf));
}

static void
c_sudo(struct ui *ui, const char *arg)
{
	ui->sudo = !ui->sudo;
	printf("sudo: %s\n", ui->sudo ? "on, commands run under sudo -n" : "off");
}

static void
c_diff(struct ui *ui, const char *arg)
{
	struct herd_strv names = { 0 };

	if (pick_last(ui, "@differs,@failed", &names) < 0)
		return;
	if (names.n)
		view_last(ui, NULL, NULL, STDOUT_FILENO);
	else
		printf("no host differs from the norm: %zu host%s identical\n", ui->last_nhosts,
		    ui->last_nhosts == 1 ? "" : "s");
	herd_strv_free(&names);
}

static void
c_last(struct ui *ui, const char *arg)
{
	view_last(ui, NULL, NULL, STDOUT_FILENO);
}

static void
c_export(struct ui *ui, const char *arg)
{
	char *safe;
	int fd;

	if (needs("a file", "export", arg))
		return;
	if (!ui->last.len) {
		view_last(ui, NULL, NULL, -1);	/* says there is none */
		return;
	}
	safe = herd_safe(arg);
	if ((fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		warn("%s", safe);
	} else {
		if (view_last(ui, "--json", NULL, fd) <= 1)
			printf("the last result (%zu host%s) written to %s\n", ui->last_nhosts,
			    ui->last_nhosts == 1 ? "" : "s", safe);
		close(fd);
	}
	free(safe);
}

static void
c_parse(struct ui *ui, const char *arg)
{
	if (!needs("a parser name", "parse", arg))
		view_last(ui, "--parse", arg, STDOUT_FILENO);
}

static void
c_history(struct ui *ui, const char *arg)
{
	struct herd_strv argv = { 0 };
	struct child c;
	int nul;

	herd_strv_add(&argv, "herd-hist");
	if (!strncmp(arg, "search", 6) && (!arg[6] || arg[6] == ' ')) {
		arg += 6;
		arg += strspn(arg, " \t");
		if (needs("a pattern: :history search PATTERN", "history", arg)) {
			herd_strv_free(&argv);
			return;
		}
		herd_strv_add(&argv, "search");
	} else if (*arg) {
		fprintf(stderr, "herd-ui: :history takes nothing, or search PATTERN\n");
		herd_strv_free(&argv);
		return;
	} else {
		herd_strv_add(&argv, "list");
		herd_strv_add(&argv, "-n");
		herd_strv_add(&argv, "20");
	}
	if (*arg)
		herd_strv_add(&argv, arg);
	fflush(stdout);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	child_start(&c, argv.v, nul, STDOUT_FILENO);
	close(nul);
	herd_wait(c.pid);
	herd_strv_free(&argv);
}

/* :recipe NAME [K=V...]: the recipe's steps on the target set; no NAME: the list. */
static void
c_recipe(struct ui *ui, const char *arg)
{
	struct herd_strv words = { 0 };
	struct recipe_call rc;
	char *copy = xstrdup(arg), *p = copy, *w;

	while ((w = strsep(&p, " \t")))
		if (*w)
			herd_strv_add(&words, w);
	if (!words.n) {
		recipe_list(ui);
	} else if (!ui->ntarget) {
		fprintf(stderr, "herd-ui: no hosts to run on: add some with +HOSTS or "
		    ":group NAME\n");
	} else if (recipe_prepare(ui, words.v[0], &(struct herd_strv){ words.v + 1,
	    words.n - 1, 0 }, &rc) == 0) {
		recipe_run(ui, &rc);
		recipe_call_free(&rc);
	}
	herd_strv_free(&words);
	free(copy);
}
