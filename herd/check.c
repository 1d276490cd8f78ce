/*
 * Checks before anything runs: a stage that fails on its options after the
 * command ran everywhere is too late, and an error in the configuration is
 * said once, by herd, rather than once per stage.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "verb.h"

/* The parsers herd-group has built in (herd-group/parse.c). */
static const char *const builtin_parsers[] = { "disk", "free", "uptime" };

/* Whether NAME is a parser: one built in or one of the config. */
static int
check_parser(const struct verb *v, const struct herd_config *cfg, const char *name)
{
	const char **cands;
	const char *near;
	size_t i, n = 0;

	for (i = 0; i < sizeof builtin_parsers / sizeof builtin_parsers[0]; i++)
		if (!strcmp(builtin_parsers[i], name))
			return 0;
	for (i = 0; i < cfg->nparsers; i++)
		if (!strcmp(cfg->parsers[i].name, name))
			return 0;
	cands = xcalloc(cfg->nparsers + 3, sizeof *cands);
	for (i = 0; i < sizeof builtin_parsers / sizeof builtin_parsers[0]; i++)
		cands[n++] = builtin_parsers[i];
	for (i = 0; i < cfg->nparsers; i++)
		cands[n++] = cfg->parsers[i].name;
	if ((near = herd_suggest(name, cands, n)))
		warnx("%s: --parse: unknown parser \"%s\"; did you mean \"%s\"?", v->name,
		    shown(name), shown(near));
	else
		warnx("%s: --parse: unknown parser \"%s\" (built in: disk, free, uptime; "
		    "others come from the config's parsers)", v->name, shown(name));
	free(cands);
	return -1;
}

/*
 * Read the config as the stages will and check what can be checked before
 * anything runs.  For --explain nothing is checked and a config in error is
 * passed over: the explained pipeline runs nothing.
 */
void
check_config(const struct verb *v, struct args *a, int explain)
{
	struct herd_config cfg;
	const char *opt = args_value(a, "config");
	char *path;
	size_t i;
	int bad = 0, must;

	if (explain) {
		path = herd_conf_locate(opt, &must);
		if (herd_conf_load(&cfg, path, must) == 0) {
			a->json = !strcmp(herd_conf_output(&cfg), "json");
			a->no_history = cfg.history.record == 0;
			a->notify_targets = cfg.nnotifiers > 0;
		}
		herd_conf_free(&cfg);
		free(path);
		return;
	}
	herd_conf_load_or_die(&cfg, opt);
	a->json = !strcmp(herd_conf_output(&cfg), "json");
	a->no_history = cfg.history.record == 0;
	a->notify_targets = cfg.nnotifiers > 0;
	for (i = 0; i < a->nopt && !bad; i++)
		if (a->opt[i].opt->name && !strcmp(a->opt[i].opt->name, "parse"))
			bad = check_parser(v, &cfg, a->opt[i].value);
	herd_conf_free(&cfg);
	if (bad)
		exit(HERD_EXIT_USAGE);
}
