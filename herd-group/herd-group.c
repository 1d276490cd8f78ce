/* herd-group: results grouped by identical output, the norm first, outliers diffed. */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "group.h"

static const char usage[] =
    "usage: herd-group [options] [FILE...]\n"
    "Reads result records (FILE, or stdin) and shows hosts grouped by identical\n"
    "output: the norm first, outliers with a unified diff against it.\n"
    "\n"
    "  -c, --config FILE    herd config (for --parse NAME from its parsers)\n"
    "      --color WHEN     auto (a terminal, unless NO_COLOR), always, never\n"
    "      --errors-only    only hosts that exited non-zero, failed or timed out\n"
    "      --hosts SEL      print H records of the hosts SEL picks, for the next\n"
    "                       stage: @all @ok @differs @failed @nonzero @timeout\n"
    "                       @tag:NAME @tag:!NAME, names, globs; comma = union\n"
    "      --json           JSON Lines: one object per group, then a summary\n"
    "      --lines N        show at most N lines of output per group\n"
    "      --no-fold        list every host name instead of ranges (web-[01-20])\n"
    "      --parse NAME     a table of fields: a config parser, or disk, free, uptime\n"
    "      --ping           one line per host, reachable or not (herd-run --ping)\n"
    "  -h, --help           this help\n"
    "Exit status: 0 every host ok, 1 some host non-zero, failed or timed out,\n"
    "2 usage error. See herd-group(1).\n";

struct state {
	struct render_opts ro;
	const char *hosts_sel, *parse;
	struct herd_config cfg;
	int progress, worst, ended_any, ping;
	size_t expected;	/* H records seen: the hosts of the run */
};

static void
show_progress(struct state *st, const struct run *run)
{
	if (!st->progress)
		return;
	if (st->expected)
		fprintf(stderr, "\r%zu/%zu done", run->nresults, st->expected);
	else
		fprintf(stderr, "\r%zu done", run->nresults);
	fflush(stderr);
}

static void
clear_progress(struct state *st)
{
	if (st->progress)
		fputs("\r\033[K", stderr);
}

static void
print_selected(const struct run *run, const char *sel, int header)
{
	struct herd_strv names = { 0 };
	const struct herd_host *h;
	struct herd_host bare;
	char *err;
	size_t i;

	if (!run->nresults)
		errx(HERD_EXIT_USAGE, "--hosts %s: no results to select from", sel);
	if (select_hosts(run, sel, &err, &names) < 0)
		errx(HERD_EXIT_USAGE, "--hosts: %s", err);
	if (header)
		herd_rec_header(stdout);
	for (i = 0; i < names.n; i++) {
		if ((h = run_host(run, names.v[i]))) {
			herd_host_write(stdout, h);
			continue;
		}
		herd_host_init(&bare);
		bare.name = bare.address = names.v[i];
		herd_host_write(stdout, &bare);
	}
	herd_strv_free(&names);
}

static void
finish(struct state *st, struct run *run)
{
	char *err;
	size_t i;

	clear_progress(st);
	run_group(run);
	for (i = 0; i < run->nresults; i++)
		if (run->results[i].status != ST_OK)
			st->worst = HERD_EXIT_HOSTS;
	if (st->hosts_sel) {
		print_selected(run, st->hosts_sel, !st->ended_any);
	} else if (st->ping) {
		render_ping(stdout, run, &st->ro);
	} else if (st->parse) {
		if (render_table(stdout, run, &st->cfg, st->parse, &err) < 0)
			errx(HERD_EXIT_USAGE, "--parse: %s", err);
	} else if (st->ro.json) {
		render_json(stdout, run, &st->ro);
	} else {
		if (st->ended_any && run->command)
			fputc('\n', stdout);
		render_text(stdout, run, &st->ro);
	}
	fflush(stdout);
	st->ended_any = 1;
	st->expected = 0;
	run_reset(run);
}

static void
read_input(struct state *st, FILE *in, struct run *run)
{
	struct herd_rec r = { 0 };

	while (herd_rec_read(in, &r)) {
		switch (r.type) {
		case 'H':
			if (run->nresults)
				finish(st, run);
			run_add_host(run, &r);
			st->expected++;
			break;
		case 'C':
			if (run->nresults)
				finish(st, run);
			free(run->command);
			run->command = xstrdup(herd_rec_str(&r, 2));
			free(run->id);
			run->id = xstrdup(herd_rec_str(&r, 0));
			break;
		case 'R':
			run_add_result(run, &r);
			show_progress(st, run);
			break;
		case 'E':
			finish(st, run);
			break;
		}
	}
	herd_rec_free(&r);
}

static int
want_color(const char *when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (!strcmp(when, "always"))
		return 1;
	if (!strcmp(when, "never"))
		return 0;
	if (strcmp(when, "auto"))
		errx(HERD_EXIT_USAGE, "--color: expected auto, always or never, got %s", when);
	return isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

int
main(int argc, char **argv)
{
	enum { OPT_COLOR = 256, OPT_ERRORS, OPT_HOSTS, OPT_JSON, OPT_LINES, OPT_NOFOLD,
		OPT_PARSE, OPT_PING };
	static const struct option longopts[] = {
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "config", required_argument, NULL, 'c' },
		{ "errors-only", no_argument, NULL, OPT_ERRORS },
		{ "help", no_argument, NULL, 'h' },
		{ "hosts", required_argument, NULL, OPT_HOSTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "lines", required_argument, NULL, OPT_LINES },
		{ "no-fold", no_argument, NULL, OPT_NOFOLD },
		{ "parse", required_argument, NULL, OPT_PARSE },
		{ "ping", no_argument, NULL, OPT_PING },
		{ NULL, 0, NULL, 0 },
	};
	struct state st = { 0 };
	struct run run = { 0 };
	const char *opt_config = NULL, *when = "auto";
	long long v;
	FILE *in;
	int c, i;

	herd_init(argv[0]);
	st.ro.fold = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt_config = optarg; break;
		case 'h':
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		case OPT_COLOR: when = optarg; break;
		case OPT_ERRORS: st.ro.errors_only = 1; break;
		case OPT_HOSTS: st.hosts_sel = optarg; break;
		case OPT_JSON: st.ro.json = 1; break;
		case OPT_LINES:
			if (herd_parse_int(optarg, 1, 1000000000, &v) < 0)
				errx(HERD_EXIT_USAGE, "--lines: expected a positive number, "
				    "got %s", optarg);
			st.ro.lines = (long)v;
			break;
		case OPT_NOFOLD: st.ro.fold = 0; break;
		case OPT_PARSE: st.parse = optarg; break;
		case OPT_PING: st.ping = 1; break;
		default: herd_usage_exit(usage);
		}
	}
	argc -= optind;
	argv += optind;
	st.ro.color = want_color(when);
	herd_conf_load_or_die(&st.cfg, opt_config);
	st.progress = !st.hosts_sel && isatty(STDERR_FILENO) && !isatty(STDIN_FILENO);
	if (argc == 0)
		herd_refuse_tty(stdin, "give a file of records, or pipe herd-run into it, "
		    "as in herd-select -g web | herd-run -- uptime | herd-group");
	/*
	 * Reading a pipe, Ctrl-C is for the stages before: herd-run stops its
	 * hosts and ends the run, and the view of it is still shown.
	 */
	if (argc == 0 && !isatty(STDIN_FILENO))
		signal(SIGINT, SIG_IGN);
	if (argc == 0)
		read_input(&st, stdin, &run);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			read_input(&st, stdin, &run);
			continue;
		}
		if (!(in = fopen(argv[i], "r")))
			err(HERD_EXIT_USAGE, "%s", argv[i]);
		read_input(&st, in, &run);
		fclose(in);
	}
	/*
	 * What is left: results, or a run that began with no host; with no
	 * record at all there is no run to show (--hosts still says so).
	 */
	if (run.nresults || (!st.ended_any && (run.command || st.hosts_sel)))
		finish(&st, &run);
	run_reset(&run);
	herd_conf_free(&st.cfg);
	return st.worst;
}
