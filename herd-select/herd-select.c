/* herd-select: configured groups, tags and host patterns to H records. */
#include <err.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"

static const char usage[] =
    "usage: herd-select [-a] [-c FILE] [-g GROUP]... [-t TAGS]... [-f FILE]... [-w HOSTS]...\n"
    "                   [-x HOSTS]... [--pick N] [--describe | --json] [HOST...]\n"
    "       herd-select [-c FILE] list [--tags | --tag TAGS] [-g GROUP]... [--json]\n"
    "       herd-select [-c FILE] config validate | export\n"
    "\n"
    "  -a, --all          every configured host\n"
    "  -c, --config FILE  configuration file (default $HERD_CONFIG, then\n"
    "                     $XDG_CONFIG_HOME/herd/config.yaml)\n"
    "  -f, --hosts-file FILE\n"
    "                     read hosts from FILE, one per line ([user@]host[:port] or\n"
    "                     pssh's host[:port] user), # comments; - is stdin\n"
    "  -g, --group NAME   hosts of group NAME (repeatable, or a comma list)\n"
    "  -t, --tag TAGS     hosts with all of TAGS, comma separated; !tag excludes\n"
    "                     (repeated -t: any of the expressions)\n"
    "  -w HOSTS           hosts, as a comma list: h001,web-[01-03],^FILE (pdsh);\n"
    "                     -HOST excludes\n"
    "  -x, --exclude HOSTS\n"
    "                     leave out these hosts (names, ranges, globs, ^FILE)\n"
    "      --pick N       N hosts of the selection at random\n"
    "      --describe     print the selection in canonical form, not its hosts\n"
    "      --json         JSON Lines instead of H records\n"
    "  -h, --help         this help\n"
    "\n"
    "HOST is [user@]name[:port], [user@][v6addr]:port, a glob over configured\n"
    "hosts (web-*), a range (web-[01-20], db[1-3,7]) or a comma list of them.\n"
    "See herd-select(1).\n";

static int json;
static int list_tags;
static int describe;

static void
print_host(const struct herd_host *h)
{
	if (json)
		herd_json_print(stdout, herd_host_json(h));
	else
		herd_host_write(stdout, h);
}

/* Keep n hosts chosen at random (as clush --pick), in the order selected. */
static void
pick_hosts(struct herd_hostlist *l, size_t n)
{
	size_t *pos, i, j, t, kept = 0;
	char *keep;

	if (n >= l->n)
		return;
	pos = xcalloc(l->n, sizeof *pos);
	keep = xcalloc(l->n, 1);
	for (i = 0; i < l->n; i++)
		pos[i] = i;
	for (i = 0; i < n; i++) {	/* the first n of a Fisher-Yates shuffle */
		j = i + arc4random_uniform((uint32_t)(l->n - i));
		t = pos[i];
		pos[i] = pos[j];
		pos[j] = t;
		keep[pos[i]] = 1;
	}
	for (i = 0; i < l->n; i++) {
		if (keep[i])
			l->h[kept++] = l->h[i];
		else
			herd_host_free(&l->h[i]);
	}
	l->n = kept;
	free(pos);
	free(keep);
}

static void
add_w(struct herd_selector *sel, const char *list)
{
	if (herd_selector_add_w(sel, list) < 0)
		errx(HERD_EXIT_USAGE, "-w: no host in \"%s\"", list);
}

static int
cmd_select(struct herd_config *cfg, struct herd_selector *sel)
{
	struct herd_hostlist hosts = { 0 }, inv = { 0 };
	char *err, *safe, *desc;
	size_t i;

	if (!sel->all && !sel->groups.n && !sel->tags.n && !sel->patterns.n && !sel->files.n) {
		warnx("no hosts selected: give hosts, -g GROUP, -t TAGS, -f FILE or -a");
		return HERD_EXIT_USAGE;
	}
	if (sel->all) {
		herd_inventory(cfg, &inv);
		for (i = 0; i < inv.n; i++)
			herd_host_copy(herd_hostlist_add(&hosts), &inv.h[i]);
		herd_hostlist_free(&inv);
	}
	if (herd_select(cfg, sel, &hosts, &err) < 0) {
		safe = herd_safe(err);
		warnx("%s", safe);
		free(safe);
		free(err);
		herd_hostlist_free(&hosts);
		return HERD_EXIT_USAGE;
	}
	if (hosts.n == 0) {
		warnx("no hosts selected: the selection matches no host");
		herd_hostlist_free(&hosts);
		return HERD_EXIT_USAGE;
	}
	if (describe) {
		desc = herd_selector_describe(sel);
		printf("%s\n", desc);
		free(desc);
	} else if (sel->pick) {
		pick_hosts(&hosts, (size_t)sel->pick);
	}
	if (!json && !describe)
		herd_rec_header(stdout);
	for (i = 0; i < hosts.n && !describe; i++)
		print_host(&hosts.h[i]);
	herd_hostlist_free(&hosts);
	return HERD_EXIT_OK;
}

static void
print_member(const struct herd_host *h, int width)
{
	char *tags = herd_strv_join(&h->tags, ", ");

	printf("  %-*s%s%s%s\n", width, h->name, *tags ? "  [" : "", tags,
	    *tags ? "]" : "");
	free(tags);
}

static int
name_width(const struct herd_hostlist *l)
{
	size_t i, w = 0;

	for (i = 0; i < l->n; i++)
		if (strlen(l->h[i].name) > w)
			w = strlen(l->h[i].name);
	return (int)w;
}

static void
unknown_group(const struct herd_config *cfg, const char *name)
{
	struct herd_strv names = { 0 };
	const char *hint;
	size_t i;

	for (i = 0; i < cfg->ngroups; i++)
		herd_strv_add(&names, cfg->groups[i].name);
	hint = herd_suggest(name, (const char *const *)names.v, names.n);
	errx(HERD_EXIT_USAGE, "unknown group \"%s\"%s%s%s", name,
	    hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
}

static int
list_groups(const struct herd_config *cfg, const struct herd_selector *sel)
{
	struct herd_strv want = { 0 };
	const struct herd_group *g;
	json_t *o, *a;
	size_t i, j;

	for (i = 0; i < sel->groups.n; i++)
		herd_strv_split(&want, sel->groups.v[i], ',');
	for (i = 0; i < want.n; i++)
		if (!herd_conf_group(cfg, want.v[i]))
			unknown_group(cfg, want.v[i]);
	for (i = 0; i < cfg->ngroups; i++) {
		g = &cfg->groups[i];
		if (want.n && !herd_strv_has(&want, g->name))
			continue;
		if (json) {
			o = json_object();
			a = json_array();
			for (j = 0; j < g->hosts.n; j++)
				json_array_append_new(a, herd_host_json(&g->hosts.h[j]));
			json_object_set_new(o, "group", json_string(g->name));
			json_object_set_new(o, "hosts", a);
			herd_json_print(stdout, o);
			continue;
		}
		printf("%s (%zu host%s)\n", g->name, g->hosts.n,
		    g->hosts.n == 1 ? "" : "s");
		for (j = 0; j < g->hosts.n; j++)
			print_member(&g->hosts.h[j], name_width(&g->hosts));
	}
	if (!cfg->ngroups && !json)
		printf("no groups configured%s%s\n", cfg->path ? " in " : "",
		    cfg->path ? cfg->path : "");
	herd_strv_free(&want);
	return HERD_EXIT_OK;
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
list_tag_counts(const struct herd_config *cfg)
{
	struct herd_hostlist inv = { 0 };
	struct herd_strv tags = { 0 };
	size_t i, j, count, width = 3;
	json_t *o;

	herd_inventory(cfg, &inv);
	for (i = 0; i < inv.n; i++)
		for (j = 0; j < inv.h[i].tags.n; j++)
			if (!herd_strv_has(&tags, inv.h[i].tags.v[j]))
				herd_strv_add(&tags, inv.h[i].tags.v[j]);
	if (tags.n)
		qsort(tags.v, tags.n, sizeof *tags.v, by_string);
	for (i = 0; i < tags.n; i++)
		if (strlen(tags.v[i]) > width)
			width = strlen(tags.v[i]);
	if (!json && tags.n)
		printf("%-*s  HOSTS\n", (int)width, "TAG");
	for (i = 0; i < tags.n; i++) {
		for (count = j = 0; j < inv.n; j++)
			count += herd_host_has_tag(&inv.h[j], tags.v[i]);
		if (json) {
			o = json_object();
			json_object_set_new(o, "tag", json_string(tags.v[i]));
			json_object_set_new(o, "hosts", json_integer((json_int_t)count));
			herd_json_print(stdout, o);
		} else {
			printf("%-*s  %zu\n", (int)width, tags.v[i], count);
		}
	}
	if (!tags.n && !json)
		printf("no tags configured\n");
	herd_strv_free(&tags);
	herd_hostlist_free(&inv);
	return HERD_EXIT_OK;
}

static int
list_by_tag(const struct herd_config *cfg, struct herd_selector *sel)
{
	struct herd_hostlist hosts = { 0 };
	char *err, *groups, *safe;
	size_t i;

	if (herd_select(cfg, sel, &hosts, &err) < 0) {
		safe = herd_safe(err);
		warnx("%s", safe);
		free(safe);
		free(err);
		return HERD_EXIT_USAGE;
	}
	for (i = 0; i < hosts.n; i++) {
		if (json) {
			herd_json_print(stdout, herd_host_json(&hosts.h[i]));
			continue;
		}
		groups = herd_strv_join(&hosts.h[i].groups, ",");
		printf("%-*s  (%s)", name_width(&hosts), hosts.h[i].name, groups);
		free(groups);
		groups = herd_strv_join(&hosts.h[i].tags, ", ");
		printf("  [%s]\n", groups);
		free(groups);
	}
	if (!hosts.n && !json) {
		groups = herd_strv_join(&sel->tags, " or ");
		printf("no host matches %s\n", groups);
		free(groups);
	}
	herd_hostlist_free(&hosts);
	return HERD_EXIT_OK;
}

static int
cmd_list(const struct herd_config *cfg, struct herd_selector *sel, int argc)
{
	if (argc || sel->patterns.n || sel->files.n || sel->excludes.n || sel->pick ||
	    sel->all)
		errx(HERD_EXIT_USAGE, "list takes no host arguments (-a, -w, -x, -f, --pick)");
	if (list_tags && sel->tags.n)
		errx(HERD_EXIT_USAGE, "list: use one of --tags and --tag");
	if (list_tags)
		return list_tag_counts(cfg);
	if (sel->tags.n)
		return list_by_tag(cfg, sel);
	return list_groups(cfg, sel);
}

static int
cmd_config(const char *opt_config, int argc, char **argv)
{
	struct herd_config cfg;
	char *path, *summary;
	int must, rc;

	if (argc != 1 || (strcmp(argv[0], "validate") && strcmp(argv[0], "export")))
		herd_usage_exit(usage);
	path = herd_conf_locate(opt_config, &must);
	if ((rc = herd_conf_load(&cfg, path, must)) < 0) {
		herd_conf_print_errors(&cfg, rc);
		herd_conf_free(&cfg);
		free(path);
		return rc == -2 ? HERD_EXIT_RUNTIME : HERD_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "export")) {
		/* a write error is reported at exit, as for every output */
		if (herd_conf_export(&cfg, stdout) < 0 && !ferror(stdout))
			errx(HERD_EXIT_RUNTIME, "config export: cannot write the YAML");
	} else if (!cfg.path) {
		printf("%s: no such file; the configuration is empty\n",
		    path ? path : "(no home directory)");
	} else {
		summary = herd_conf_summary(&cfg);
		printf("%s: ok (%s)\n", cfg.path, summary);
		free(summary);
	}
	herd_conf_free(&cfg);
	free(path);
	return HERD_EXIT_OK;
}

int
main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_TAGS, OPT_TAG, OPT_PICK, OPT_DESCRIBE };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "describe", no_argument, NULL, OPT_DESCRIBE },
		{ "exclude", required_argument, NULL, 'x' },
		{ "file", required_argument, NULL, 'f' },
		{ "group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "hosts-file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "pick", required_argument, NULL, OPT_PICK },
		{ "tag", required_argument, NULL, 't' },
		{ "tags", no_argument, NULL, OPT_TAGS },
		{ NULL, 0, NULL, 0 },
	};
	struct herd_selector sel = { 0 };
	struct herd_config cfg;
	const char *opt_config = NULL, *sub = NULL;
	int c, rc, i;

	herd_init(argv[0]);
	while ((c = getopt_long(argc, argv, "ac:f:g:ht:w:x:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': sel.all = 1; break;
		case 'c': opt_config = optarg; break;
		case 'f': herd_strv_add(&sel.files, optarg); break;
		case 'g': herd_strv_add(&sel.groups, optarg); break;
		case 'h':
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		case 't': herd_strv_add(&sel.tags, optarg); break;
		case 'w': add_w(&sel, optarg); break;
		case 'x': herd_strv_add(&sel.excludes, optarg); break;
		case OPT_PICK:
			if (herd_parse_int(optarg, 1, INT32_MAX, &sel.pick) < 0)
				errx(HERD_EXIT_USAGE, "--pick: expected a number of hosts, got "
				    "\"%s\"", herd_safe(optarg));
			break;
		case OPT_DESCRIBE: describe = 1; break;
		case OPT_JSON: json = 1; break;
		case OPT_TAGS: list_tags = 1; break;
		default: herd_usage_exit(usage);
		}
	}
	argc -= optind;
	argv += optind;
	/* The first operand may be a subcommand, wherever the options are. */
	if (argc > 0 && (!strcmp(argv[0], "list") || !strcmp(argv[0], "config"))) {
		sub = argv[0];
		argc--;
		argv++;
	}
	if (describe && (json || sub))
		herd_usage_exit(usage);
	if (list_tags && (!sub || strcmp(sub, "list")))
		herd_usage_exit(usage);
	if (sub && !strcmp(sub, "config"))
		return cmd_config(opt_config, argc, argv);
	herd_conf_load_or_die(&cfg, opt_config);
	if (sub) {
		rc = cmd_list(&cfg, &sel, argc);
	} else {
		for (i = 0; i < argc; i++)
			herd_strv_add(&sel.patterns, argv[i]);
		rc = cmd_select(&cfg, &sel);
	}
	herd_selector_free(&sel);
	herd_conf_free(&cfg);
	return rc;
}
