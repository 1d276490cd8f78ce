/*
 * herd-ui: the REPL.  Hosts from herd-select, commands run by a serving
 * herd-run that keeps the connections (herd-run --serve), each run shown
 * by herd-group and recorded by herd-hist record.  No SSH here.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

static const char usage[] =
    "usage: herd-ui [options] [HOST...]\n"
    "       herd-ui --recipe NAME [--set NAME=VALUE]... [--dry-run] [options] [HOST...]\n"
    "       herd-ui --list-recipes [-c FILE]\n"
    "       herd-ui --dashboard [--health-interval DUR] [options] [HOST...]\n"
    "A REPL: each line runs a command on the hosts over kept SSH connections\n"
    "and shows the results grouped; :help inside lists what a line can be.\n"
    "With --recipe, the recipe's steps run in turn, then herd-ui exits.\n"
    "With --dashboard, the hosts and the commands' results on one screen.\n"
    "\n"
    "  -a, -g GROUP, -t TAGS, -w HOSTS, -x HOSTS, --hosts-file FILE, --pick N\n"
    "                       the hosts, as herd-select takes them (default -a)\n"
    "  -c, --config FILE    herd config\n"
    "  -F FILE, -i KEY, -l USER, -p PORT, -o OPTION, --concurrency N,\n"
    "  --connect-timeout DUR, --accept-new, --insecure, --ask-pass\n"
    "                       how herd-run --serve connects\n"
    "      --timeout DUR    the command timeout (:timeout changes it)\n"
    "      --sudo           run the commands under sudo -n (:sudo toggles it)\n"
    "      --color WHEN     herd-group's colours: auto, always, never\n"
    "      --no-history     do not record the runs (herd-hist)\n"
    "      --recipe NAME    run recipe NAME (the config's, or a built-in one)\n"
    "      --set NAME=VALUE a parameter of the recipe (repeatable)\n"
    "      --dry-run        show each step's command per host, run nothing\n"
    "      --list-recipes   the recipes, with their parameters\n"
    "      --dashboard      the full-screen dashboard (? inside lists its keys)\n"
    "      --health-interval DUR  the dashboard's probe of the connections (10s)\n"
    "  -h, --help           this help\n"
    "Exit: 0; 1 a recipe's step was not ok on some host; 2 usage or config\n"
    "error; 3 runtime error; 130 interrupted.  See herd-ui(1).\n";

volatile sig_atomic_t ui_interrupted;
int ui_sigpipe[2] = { -1, -1 };

static void
on_sigint(int sig)
{
	int saved = errno;

	ui_interrupted = 1;
	if (write(ui_sigpipe[1], "", 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
	errno = saved;
	(void)sig;
}

void
ui_sigpipe_drain(void)
{
	char buf[64];

	while (read(ui_sigpipe[0], buf, sizeof buf) > 0)
		;
	ui_interrupted = 0;
}

static void
signals(void)
{
	struct sigaction sa = { 0 };

	if (pipe2(ui_sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

enum {
	OPT_HOSTS_FILE = 256, OPT_PICK, OPT_CONCURRENCY, OPT_CONNECT_TIMEOUT, OPT_ACCEPT_NEW,
	OPT_INSECURE, OPT_ASK_PASS, OPT_TIMEOUT, OPT_SUDO, OPT_COLOR, OPT_NO_HISTORY,
	OPT_RECIPE, OPT_SET, OPT_DRY_RUN, OPT_LIST_RECIPES, OPT_DASHBOARD, OPT_HEALTH,
};

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "config", required_argument, NULL, 'c' },
	{ "group", required_argument, NULL, 'g' },
	{ "tag", required_argument, NULL, 't' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "hosts-file", required_argument, NULL, OPT_HOSTS_FILE },
	{ "pick", required_argument, NULL, OPT_PICK },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "accept-new", no_argument, NULL, OPT_ACCEPT_NEW },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ask-pass", no_argument, NULL, OPT_ASK_PASS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "sudo", no_argument, NULL, OPT_SUDO },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "no-history", no_argument, NULL, OPT_NO_HISTORY },
	{ "recipe", required_argument, NULL, OPT_RECIPE },
	{ "set", required_argument, NULL, OPT_SET },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "list-recipes", no_argument, NULL, OPT_LIST_RECIPES },
	{ "dashboard", no_argument, NULL, OPT_DASHBOARD },
	{ "health-interval", required_argument, NULL, OPT_HEALTH },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
pass(struct herd_strv *v, const char *opt, const char *arg)
{
	herd_strv_add(v, opt);
	if (arg)
		herd_strv_add(v, arg);
}

/* The options: the selection's go to herd-select, the connections' to herd-run. */
static void
options(struct ui *ui, int argc, char **argv, struct herd_selector *sel)
{
	int c, groups = 0, others = 0;

	while ((c = getopt_long(argc, argv, "+ac:g:t:w:x:F:i:l:p:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': pass(&ui->sel_args, "-a", NULL); sel->all = 1; others++; break;
		case 'c': ui->config = optarg; break;
		case 'g': pass(&ui->sel_args, "-g", optarg); herd_strv_add(&sel->groups, optarg);
			groups++; break;
		case 't': pass(&ui->sel_args, "-t", optarg); herd_strv_add(&sel->tags, optarg);
			others++; break;
		case 'w': pass(&ui->sel_args, "-w", optarg); herd_selector_add_w(sel, optarg);
			others++; break;
		case 'x': pass(&ui->sel_args, "-x", optarg); herd_strv_add(&sel->excludes, optarg);
			break;
		case OPT_HOSTS_FILE: pass(&ui->sel_args, "--hosts-file", optarg);
			herd_strv_add(&sel->files, optarg); others++; break;
		case OPT_PICK: pass(&ui->sel_args, "--pick", optarg);
			herd_parse_int(optarg, 1, 1 << 30, &sel->pick); break;
		case 'F': case 'i': case 'l': case 'p': case 'o':
			pass(&ui->run_args, (char[]){ '-', (char)c, '\0' }, optarg); break;
		case OPT_CONCURRENCY: pass(&ui->run_args, "--concurrency", optarg); break;
		case OPT_CONNECT_TIMEOUT: pass(&ui->run_args, "--connect-timeout", optarg); break;
		case OPT_ACCEPT_NEW: pass(&ui->run_args, "--accept-new", NULL); break;
		case OPT_INSECURE: pass(&ui->run_args, "--insecure", NULL); break;
		case OPT_ASK_PASS: pass(&ui->run_args, "--ask-pass", NULL); break;
		case OPT_TIMEOUT: ui->timeout_ms = herd_duration_arg("--timeout", optarg); break;
		case OPT_SUDO: ui->sudo = 1; break;
		case OPT_COLOR: ui->color = optarg; break;
		case OPT_NO_HISTORY: ui->history = 0; break;
		case OPT_RECIPE: ui->recipe = optarg; break;
		case OPT_SET: herd_strv_add(&ui->sets, optarg); break;
		case OPT_DRY_RUN: ui->dry_run = 1; break;
		case OPT_LIST_RECIPES: ui->list_recipes = 1; break;
		case OPT_DASHBOARD: ui->dashboard = 1; break;
		case OPT_HEALTH: ui->health_ms = herd_duration_arg("--health-interval", optarg);
			break;
		case 'h': fputs(usage, stdout); exit(HERD_EXIT_OK);
		default: herd_usage_exit(usage);
		}
	}
	for (; optind < argc; optind++) {
		herd_strv_add(&ui->sel_args, argv[optind]);
		herd_strv_add(&sel->patterns, argv[optind]);
		others++;
	}
	if (!groups && !others) {
		herd_strv_add(&ui->sel_args, "-a");
		sel->all = 1;
	}
	if (groups == 1 && !others && !strchr(sel->groups.v[0], ','))
		ui->label = xstrdup(sel->groups.v[0]);
}

static void
repl(struct ui *ui)
{
	char *line;

	edit_init(ui);
	while (!ui->quit && !ui->srv_gone && (line = edit_line(ui))) {
		edit_history(ui, line);
		run_line(ui, line);
		edit_history_save();	/* after the command: it waits for no file */
		free(line);
		fflush(stdout);
	}
	if (!ui->quit && !ui->srv_gone)
		fputc('\n', stdout);
	edit_end(ui);
}

/* The hosts selected, then the recipe CALL or the REPL on them.  An exit status. */
static int
run(struct ui *ui, const struct recipe_call *call)
{
	struct herd_strv names = { 0 };
	int rc;

	if (!ui->dry_run)
		server_start(ui);
	if ((rc = select_hosts(ui, &ui->sel_args, &names)) != 0) {
		rc = rc == 1 ? HERD_EXIT_USAGE : rc;
	} else {
		target_set(ui, &names);
		if (ui->recipe && ui->dry_run) {
			recipe_dry_run(ui, call);
		} else if (ui->recipe) {
			rc = recipe_run(ui, call);
		} else {
			repl(ui);
			rc = ui->srv_gone ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
		}
	}
	if (!ui->dry_run)
		server_stop(ui);
	view_stop(ui);
	herd_strv_free(&names);
	return rc;
}

static void
check_mode(const struct ui *ui)
{
	if (!ui->recipe && (ui->sets.n || ui->dry_run))
		errx(HERD_EXIT_USAGE, "--set and --dry-run go with --recipe NAME");
	if (ui->dashboard && (ui->recipe || ui->list_recipes))
		errx(HERD_EXIT_USAGE, "--dashboard goes without --recipe and --list-recipes");
	if (ui->recipe && ui->list_recipes)
		errx(HERD_EXIT_USAGE, "--recipe and --list-recipes do not go together");
	if (ui->dashboard && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		errx(HERD_EXIT_USAGE, "the dashboard draws on a terminal; for a script, use herd exec");
	if (!ui->recipe && !ui->list_recipes && !isatty(STDIN_FILENO))
		errx(HERD_EXIT_USAGE, "the REPL reads a terminal; for a script, use herd exec");
}

int
main(int argc, char **argv)
{
	struct ui ui = { .timeout_ms = -1, .history = 1, .health_ms = 10000 };
	struct herd_selector sel = { 0 };
	struct recipe_call call = { 0 };
	int rc;

	herd_init(argv[0]);
	options(&ui, argc, argv, &sel);
	check_mode(&ui);
	herd_conf_load_or_die(&ui.cfg, ui.config);
	if (ui.cfg.history.record == 0)
		ui.history = 0;
	ui.selection = herd_selector_describe(&sel);
	herd_selector_free(&sel);
	signals();
	if (ui.list_recipes) {
		recipe_list(&ui);
		rc = HERD_EXIT_OK;
	} else if (ui.recipe && recipe_prepare(&ui, ui.recipe, &ui.sets, &call) < 0) {
		/* a recipe's errors come before anything runs: its name, its params */
		rc = HERD_EXIT_USAGE;
	} else if (ui.dashboard) {
		rc = dash_main(&ui);
	} else {
		rc = run(&ui, &call);
	}
	recipe_call_free(&call);
	hosts_free(&ui);
	herd_buf_free(&ui.run_recs);
	herd_buf_free(&ui.last);
	herd_strv_free(&ui.sel_args);
	herd_strv_free(&ui.run_args);
	herd_strv_free(&ui.sets);
	free(ui.label);
	free(ui.selection);
	herd_conf_free(&ui.cfg);
	return rc;
}
