/*
 * The options of the composed verbs: one table of every option, the set it
 * belongs to (a verb takes some sets) and the stages it is given to.
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"

#define ALL (SELECT | RUN | HIST | NOTIFY | GROUP)

static const struct opt opts[] = {
	{ "help", 'h', 0, K_HELP, O_HELP, 0, 0, NULL },
	{ "config", 'c', 1, K_PASS, O_CONFIG, ALL, 0, NULL },
	/*
	 * herd tail's own, before the options of the same name (--exclude,
	 * --lines) that other verbs take: a verb's name is looked up among
	 * the options it takes first.  build_tail makes the remote command.
	 */
	{ "lines", 'n', 1, K_PASS, O_TAIL, 0, 0, NULL },
	{ "grep", 0, 1, K_PASS, O_TAIL, 0, 0, NULL },
	{ "exclude", 0, 1, K_PASS, O_TAIL, 0, 0, NULL },
	{ "journalctl", 0, 1, K_PASS, O_TAIL, 0, 0, NULL },
	{ "since", 0, 1, K_PASS, O_TAIL, 0, 0, NULL },
	{ "no-hostname", 0, 0, K_PASS, O_TAIL, GROUP, 0, NULL },
	{ "collapse", 0, 0, K_PASS, O_TAIL, GROUP, 0, NULL },
	{ "merge-time", 0, 0, K_PASS, O_TAIL, GROUP, 0, NULL },
	{ "window", 0, 1, K_PASS, O_TAIL, GROUP, 0, NULL },
	{ "stats", 0, 0, K_PASS, O_TAIL, GROUP, 0, NULL },
	/* herd push and pull (push.c, pull.c); pull's --group before -g's */
	{ "recursive", 'r', 0, K_PASS, O_PUSH, 0, 0, NULL },
	{ "mkdir", 0, 0, K_PASS, O_PUSH, 0, 0, NULL },
	{ "checksum", 0, 0, K_PASS, O_PUSH, 0, 0, NULL },
	{ "preserve", 0, 0, K_PASS, O_PUSH, 0, 0, NULL },
	{ "dest", 0, 1, K_PASS, O_PULL, 0, 0, NULL },
	{ "group", 0, 0, K_PASS, O_PULL, GROUP, 0, "--by-content" },
	/* herd diff's (filediff.c): each copy read, as herd-group --outdir writes it */
	{ "save", 0, 1, K_PASS, O_DIFF, GROUP, 0, "--outdir" },
	/* herd discover's (discover.c) */
	{ "cidr", 0, 1, K_PASS, O_DISCOVER, 0, 0, NULL },
	{ "port", 0, 1, K_PASS, O_DISCOVER, 0, 0, NULL },
	{ "timeout", 0, 1, K_PASS, O_DISCOVER, 0, 0, NULL },
	{ "concurrency", 0, 1, K_PASS, O_DISCOVER, 0, 0, NULL },
	{ "save", 0, 1, K_PASS, O_DISCOVER, 0, 0, NULL },
	{ "tag", 0, 1, K_PASS, O_DISCOVER, 0, 0, NULL },
	{ "force", 0, 0, K_PASS, O_DISCOVER, 0, 0, NULL },
	/* herd snapshot's (snapshot.c) */
	{ "only", 0, 1, K_PASS, O_SNAPSHOT, 0, 0, NULL },
	/* herd tunnel's (tunnel.c): herd-run --forward */
	{ "forward", 'L', 1, K_PASS, O_TUNNEL, 0, 0, NULL },
	/* herd-select */
	{ "all", 'a', 0, K_HOSTS, O_SELECT, SELECT, 0, NULL },
	{ "group", 'g', 1, K_HOSTS, O_SELECT, SELECT, 0, NULL },
	{ "tag", 't', 1, K_HOSTS, O_SELECT, SELECT, 0, NULL },
	{ NULL, 'w', 1, K_HOSTS, O_SELECT, SELECT, 0, NULL },
	{ "hosts-file", 0, 1, K_HOSTS, O_SELECT, SELECT, 0, NULL },
	{ "exclude", 'x', 1, K_PASS, O_SELECT, SELECT, 0, NULL },
	{ "pick", 0, 1, K_PASS, O_SELECT, SELECT, 0, NULL },
	/* herd-run */
	{ "ssh-config", 'F', 1, K_PASS, O_CONN, RUN, 0, NULL },
	{ "identity", 'i', 1, K_PASS, O_CONN, RUN, 0, NULL },
	{ "user", 'l', 1, K_PASS, O_CONN, RUN, 0, NULL },
	{ "port", 'p', 1, K_PASS, O_CONN, RUN, 0, NULL },
	{ NULL, 'o', 1, K_PASS, O_CONN, RUN, 0, NULL },
	{ "concurrency", 0, 1, K_FANOUT, O_SSH, RUN, 0, "--concurrency" },
	{ "fanout", 'f', 1, K_FANOUT, O_SSH, RUN, 0, "--concurrency" },
	{ "forks", 0, 1, K_FANOUT, O_SSH, RUN, 0, "--concurrency" },
	{ "connect-timeout", 0, 1, K_PASS, O_CONN, RUN, 0, NULL },
	{ "accept-new", 0, 0, K_PASS, O_CONN, RUN, 0, NULL },
	{ "insecure", 0, 0, K_PASS, O_CONN, RUN, 0, NULL },
	{ "ask-pass", 0, 0, K_PASS, O_SSH, RUN, 0, NULL },
	{ "auth", 0, 0, K_PASS, O_AUTH, RUN, 0, NULL },
	{ "timeout", 0, 1, K_PASS, O_COMMAND, RUN, 0, NULL },
	{ "sudo", 0, 0, K_PASS, O_COMMAND, RUN, 0, NULL },
	{ "ask-become-pass", 0, 0, K_PASS, O_COMMAND, RUN, 0, NULL },
	{ "max-output", 0, 1, K_PASS, O_COMMAND, RUN, 0, NULL },
	{ "stream", 0, 0, K_PASS, O_COMMAND, RUN | GROUP, 0, NULL },
	{ "stdin", 'I', 0, K_STDIN, O_COMMAND, RUN, 0, NULL },
	{ "mux", 0, 1, K_PASS, O_COMMAND, RUN, 0, NULL },
	{ "dry-run", 0, 0, K_PASS, O_DRY_RUN, RUN, GROUP | HIST | NOTIFY, NULL },
	/* herd-hist: an option that only leaves the stage out */
	{ "no-history", 0, 0, K_PASS, O_HISTORY, 0, HIST, NULL },
	/* herd-hist record --last | herd-group --compare (build_exec) */
	{ "diff-last", 0, 0, K_PASS, O_HISTORY, 0, 0, NULL },
	/* herd-notify: the stage is there when one of these is given (add_stages) */
	{ "notify", 0, 0, K_PASS, O_NOTIFY, 0, 0, NULL },
	{ "notify-on-resolve", 0, 0, K_PASS, O_NOTIFY, NOTIFY, 0, NULL },
	/* herd watch: --interval is herd-run's --every and herd-group's (build_watch) */
	{ "interval", 0, 1, K_PASS, O_WATCH, 0, 0, NULL },
	{ "count", 0, 1, K_PASS, O_WATCH, RUN, 0, NULL },
	{ "until-change", 0, 0, K_PASS, O_WATCH, RUN, 0, NULL },
	{ "until-ok", 0, 0, K_PASS, O_WATCH, RUN, 0, NULL },
	{ "changes-only", 0, 0, K_PASS, O_WATCH, GROUP, 0, NULL },
	{ "ignore", 0, 1, K_PASS, O_WATCH, RUN | NOTIFY | GROUP, 0, NULL },
	/* herd recipe (herd-ui's) */
	{ "set", 0, 1, K_PASS, O_RECIPE, 0, 0, NULL },
	{ "list", 0, 0, K_PASS, O_RECIPE, 0, 0, "--list-recipes" },
	/* herd dashboard's (herd-ui --dashboard) */
	{ "health-interval", 0, 1, K_PASS, O_DASHBOARD, 0, 0, NULL },
	/* herd mux */
	{ "idle-timeout", 0, 1, K_PASS, O_MUX, 0, 0, NULL },
	/* herd-group */
	{ "json", 0, 0, K_PASS, O_VIEW, GROUP, 0, NULL },
	{ "color", 0, 1, K_PASS, O_VIEW, GROUP, 0, NULL },
	{ "errors-only", 0, 0, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "oneline", 0, 0, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "parse", 0, 1, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "lines", 0, 1, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "no-fold", 0, 0, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "outdir", 0, 1, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "errdir", 0, 1, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ "max-exit", 'S', 0, K_PASS, O_RESULTS, GROUP, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL },
};

/* How the user can write O: --name, or -x without one. */
const char *
opt_name(const struct opt *o, char *buf, size_t len)
{
	if (o->name)
		snprintf(buf, len, "--%s", o->name);
	else
		snprintf(buf, len, "-%c", o->letter);
	return buf;
}

/* The option NAME, one of those V takes if there is one. */
static const struct opt *
find_long(const struct verb *v, const char *name, size_t len)
{
	const struct opt *o, *any = NULL;

	for (o = opts; o->name || o->letter; o++)
		if (o->name && strlen(o->name) == len && !strncmp(o->name, name, len)) {
			if (o->set & v->takes)
				return o;
			if (!any)
				any = o;
		}
	return any;
}

static const struct opt *
find_short(const struct verb *v, char c)
{
	const struct opt *o, *any = NULL;

	for (o = opts; o->name || o->letter; o++)
		if (o->letter == c) {
			if (o->set & v->takes)
				return o;
			if (!any)
				any = o;
		}
	return any;
}

/* An option nobody knows: say so, with the closest one the verb takes. */
static void __attribute__((noreturn))
unknown(const struct verb *v, const char *arg)
{
	const char *cands[sizeof opts / sizeof opts[0]], *near = NULL;
	const char *safe = shown(arg);
	char *name;
	const struct opt *o;
	size_t n = 0, len;

	if (arg[1] == '-') {
		for (o = opts; o->name || o->letter; o++)
			if (o->name && (o->set & v->takes))
				cands[n++] = o->name;
		len = strcspn(arg + 2, "=");
		name = xstrndup(arg + 2, len);
		near = herd_suggest(name, cands, n);
		free(name);
	}
	if (near)
		errx(HERD_EXIT_USAGE, "%s: unknown option %s; did you mean --%s? "
		    "See herd help %s", v->name, safe, near, v->name);
	errx(HERD_EXIT_USAGE, "%s: unknown option %s%s; see herd help %s", v->name, safe,
	    v->takes & O_COMMAND ? " (a command's own options go after --)" : "", v->name);
}

/*
 * -f is the fanout in pdsh and clush (and forks in Ansible); herd's -f was a
 * file of hosts, so a value that is not a number is most likely one.
 */
static void
check_fanout(const struct verb *v, const char *as, const char *value)
{
	const char *p = value;
	const char *safe;

	while (isdigit((unsigned char)*p))
		p++;
	if (*value && !*p)
		return;
	safe = shown(value);
	if (!strcmp(as, "-f"))
		errx(HERD_EXIT_USAGE, "%s: -f is the fanout, a number of hosts at a time "
		    "(as in pdsh and clush), not %s; for a file of hosts give "
		    "--hosts-file %s or -w ^%s", v->name, safe, safe, safe);
	errx(HERD_EXIT_USAGE, "%s: %s: expected a number of hosts at a time, got %s",
	    v->name, as, safe);
}

static void
add_given(struct args *a, const struct opt *o, const char *value, const char *as)
{
	herd_grow(&a->opt, &a->cap, a->nopt, sizeof *a->opt);
	a->opt[a->nopt++] = (struct given){ o, value, as };
	if (o->kind == K_HOSTS)
		a->selects = 1;
}

/*
 * One option argument at argv[*i]: --name, --name=value, --name value,
 * -x, -xvalue, -x value.
 */
static void
one_option(const struct verb *v, int argc, char **argv, int *i, struct args *a)
{
	const char *arg = argv[*i], *value = NULL, *eq;
	const struct opt *o;
	const char *safe;
	char name[64];

	if (arg[1] == '-') {
		eq = strchr(arg + 2, '=');
		o = find_long(v, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (eq)
			value = eq + 1;
	} else {
		o = find_short(v, arg[1]);
		if (arg[2])
			value = arg + 2;
	}
	if (!o)
		unknown(v, arg);
	safe = shown(arg);
	if (!(o->set & v->takes))
		errx(HERD_EXIT_USAGE, "%s: %s is not an option of %s; see herd help %s",
		    v->name, safe, v->name, v->name);
	if (o->arg && !value) {
		if (*i + 1 >= argc)
			errx(HERD_EXIT_USAGE, "%s: %s needs a value", v->name, safe);
		value = argv[++*i];
	} else if (!o->arg && value) {
		errx(HERD_EXIT_USAGE, "%s: %s takes no value", v->name, safe);
	}
	if (o->kind == K_HELP) {
		fputs(v->help, stdout);
		exit(HERD_EXIT_OK);
	}
	if (o->kind == K_FANOUT)
		check_fanout(v, arg[1] == '-' ? opt_name(o, name, sizeof name) : "-f",
		    value);
	add_given(a, o, value, arg);
}

/* Sort argv (argv[0] is the verb) into options and words. */
void
args_parse(const struct verb *v, int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (a->dashdash)
			herd_strv_add(&a->after, arg);
		else if (!strcmp(arg, "--"))
			a->dashdash = 1;
		else if (arg[0] != '-' || !arg[1])
			herd_strv_add(&a->words, arg);
		else
			one_option(v, argc, argv, &i, a);
	}
}

/* The last option NAME (its long name) given, or NULL. */
const struct given *
args_find(const struct args *a, const char *name)
{
	size_t i;

	for (i = a->nopt; i-- > 0;)
		if (a->opt[i].opt->name && !strcmp(a->opt[i].opt->name, name))
			return &a->opt[i];
	return NULL;
}

/* The value of the last option NAME given, or NULL. */
const char *
args_value(const struct args *a, const char *name)
{
	const struct given *g = args_find(a, name);

	return g ? g->value : NULL;
}

void
args_free(struct args *a)
{
	free(a->opt);
	herd_strv_free(&a->words);
	herd_strv_free(&a->after);
	herd_strv_free(&a->unresolved);
}
