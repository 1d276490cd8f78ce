/*
 * herd-notify: a stage that passes records through unchanged and at once,
 * and turns each run, at its E, into messages to the config's notification
 * targets (herd-notify(1)).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notify.h"

#define WAIT_MS 30000
#define TIMEOUT_MS 10000
#define RETRIES 3

static const char usage[] =
    "usage: herd-notify [-c FILE] [--state FILE] [--target NAME]... [--ignore REGEX]...\n"
    "                   [--notify-on-resolve] [--flapping N/M] [--timeout DURATION]\n"
    "                   [--retries N] [--wait DURATION] [--dry-run]\n";

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

long long
notify_now(void)
{
	return herd_now_ms();
}

void
notify_message(struct notify *nt, struct message *m)
{
	const struct herd_notifier *t = &nt->cfg->notifiers[m->target];
	struct payload p;
	char *why = NULL, *what;

	if (payload_make(t, &nt->tpl[m->target], m, !nt->dry, &p, &why) < 0) {
		warnx("%s: %s message for run %s not delivered: %s", t->name,
		    event_name(m->event), m->run_id, why);
		free(why);
		payload_free(&p);
		nt->failed++;
		return;
	}
	if (nt->dry) {
		payload_print(stderr, t, m, &p);
		fflush(stderr);
		payload_free(&p);
		return;
	}
	what = xasprintf("%s message for run %s", event_name(m->event), m->run_id);
	deliver_add(nt->d, m->target, &p, what);
	free(what);
}

/* A body template must be JSON once its placeholders are filled. */
static void
check_body(const struct herd_config *cfg, const struct herd_notifier *t, struct tpl *tpl)
{
	struct herd_buf b = { 0 };
	struct values v;
	json_error_t je;
	json_t *j;
	char *why = NULL;
	int f;

	if (!t->body || strcmp(t->type, "webhook"))
		return;
	if (tpl_parse(tpl, t->body, strlen(t->body), &why) < 0)
		errx(HERD_EXIT_USAGE, "%s: notification \"%s\": body:%s", cfg->path, t->name, why);
	for (f = 0; f < NFIELD; f++) {
		v.v[f] = f == F_COUNT || f == F_TOTAL ? "1" : "x";
		v.len[f] = 1;
	}
	tpl_render(tpl, &v, 0, &b, NULL);
	if (!(j = json_loadb(b.p, b.len, 0, &je)))
		errx(HERD_EXIT_USAGE, "%s: notification \"%s\": body: not JSON once its "
		    "placeholders are filled (write \"{{.Name}}\" inside quotes): %d:%d: %s",
		    cfg->path, t->name, je.line, je.column, je.text);
	json_decref(j);
	herd_buf_free(&b);
}

static int
method_ok(const char *m)
{
	if (!m)
		return 1;
	if (!*m)
		return 0;
	for (; *m; m++)
		if (*m < 'A' || *m > 'Z')
			return 0;
	return 1;
}

/* Webhook URLs are secrets: say so when others may read a config that holds one. */
static void
check_secrets(const struct herd_config *cfg)
{
	struct stat st;
	size_t i;

	if (!cfg->path || stat(cfg->path, &st) < 0 || !(st.st_mode & 077))
		return;
	for (i = 0; i < cfg->nnotifiers; i++)
		if (cfg->notifiers[i].url && !strstr(cfg->notifiers[i].url, "${")) {
			warnx("%s is readable by others and holds the URL of notification "
			    "\"%s\": chmod 600 it, or write the URL as ${VARIABLE}", cfg->path,
			    cfg->notifiers[i].name);
			return;
		}
}

static void
set_targets(struct notify *nt, const struct herd_strv *only)
{
	const struct herd_config *cfg = nt->cfg;
	const char **names = xcalloc(cfg->nnotifiers + 1, sizeof *names);
	const char *near;
	size_t i, j;

	nt->use = xcalloc(cfg->nnotifiers + 1, 1);
	nt->tpl = xcalloc(cfg->nnotifiers + 1, sizeof *nt->tpl);
	for (i = 0; i < cfg->nnotifiers; i++) {
		names[i] = cfg->notifiers[i].name;
		nt->use[i] = !only->n || herd_strv_has(only, cfg->notifiers[i].name);
		if (!method_ok(cfg->notifiers[i].method))
			errx(HERD_EXIT_USAGE, "%s: notification \"%s\": method: expected an "
			    "HTTP method such as POST or PUT", cfg->path, cfg->notifiers[i].name);
		check_body(cfg, &cfg->notifiers[i], &nt->tpl[i]);
	}
	for (j = 0; j < only->n; j++) {
		for (i = 0; i < cfg->nnotifiers; i++)
			if (!strcmp(cfg->notifiers[i].name, only->v[j]))
				break;
		if (i < cfg->nnotifiers)
			continue;
		near = herd_suggest(only->v[j], names, cfg->nnotifiers);
		errx(HERD_EXIT_USAGE, "--target %s: no such notification target in %s%s%s%s",
		    only->v[j], cfg->path ? cfg->path : "the config",
		    near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
	}
	free(names);
	if (!cfg->nnotifiers)
		warnx("no notification targets in %s: the records only pass through",
		    cfg->path ? cfg->path : "the config (there is none)");
}

struct loop {
	int pass;		/* stdout still takes records */
};

static void
pass_on(struct loop *l, const char *p, size_t len)
{
	if (!l->pass || !len)
		return;
	if (fwrite(p, 1, len, stdout) != len || fflush(stdout) != 0)
		l->pass = 0;
}

static void
handle(struct notify *nt, struct runs *rs, const char *p, size_t len, struct herd_rec *rec)
{
	const char *line, *nl, *why;

	for (line = p; line < p + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(p + len - line));
		if (!herd_rec_parse(rec, line, (size_t)(nl - line)))
			continue;
		if (rec->type == '#' && herd_rec_check_header(rec, &why) < 0)
			errx(HERD_EXIT_USAGE, "line %zu: %s", rec->line, why);
		runs_record(rs, nt, rec);
	}
}

/* Records in and out until the end of input, the deliveries alongside. */
static void
run_loop(struct notify *nt, struct runs *rs, long long wait_ms)
{
	struct herd_lines in = { 0 };
	struct herd_buf got = { 0 };
	struct herd_rec rec = { 0 };
	struct loop l = { .pass = 1 };
	const char *line;
	long long end = -1;
	size_t len, lineno = 0;
	ssize_t n;

	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	for (;;) {
		if (!in.eof) {
			deliver_poll(nt->d, STDIN_FILENO, 60000);
			if ((n = herd_lines_fill(&in, STDIN_FILENO)) < 0 && errno != EAGAIN &&
			    errno != EINTR) {
				warn("reading the records");
				herd_lines_eof(&in);
			}
			herd_buf_reset(&got);
			while (herd_lines_next(&in, &line, &len)) {
				herd_buf_add(&got, line, len);
				herd_buf_addc(&got, '\n');
			}
			/* downstream first, then the events */
			pass_on(&l, got.p, got.len);
			rec.line = lineno;
			handle(nt, rs, got.p, got.len, &rec);
			lineno = rec.line;
			if (in.eof) {
				/* downstream need not wait for the deliveries */
				fclose(stdout);
				stdout = fopen("/dev/null", "w");
				end = herd_mono_ms() + (interrupted ? 0 : wait_ms);
			}
		} else {
			if (deliver_idle(nt->d) || herd_mono_ms() >= end || interrupted)
				break;
			deliver_poll(nt->d, -1, end - herd_mono_ms());
		}
		deliver_work(nt->d);
	}
	herd_rec_free(&rec);
	herd_lines_free(&in);
	herd_buf_free(&got);
}

static void
parse_flapping(struct notify *nt, const char *s)
{
	long long n, m;
	char *slash = strchr(s, '/'), *a;

	a = slash ? xstrndup(s, (size_t)(slash - s)) : xstrdup(s);
	if (!slash || herd_parse_int(a, 1, 30, &n) < 0 || herd_parse_int(slash + 1, 2, 31, &m) < 0
	    || n >= m)
		errx(HERD_EXIT_USAGE, "--flapping %s: expected N/M, more than N changes of "
		    "state in the last M runs (N < M <= 31), as 4/10", s);
	free(a);
	nt->flap_n = (int)n;
	nt->flap_m = (int)m;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "target", required_argument, NULL, 'T' },
		{ "ignore", required_argument, NULL, 'I' },
		{ "notify-on-resolve", no_argument, NULL, 'R' },
		{ "flapping", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retries", required_argument, NULL, 'r' },
		{ "wait", required_argument, NULL, 'w' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct herd_config cfg;
	struct notify nt = { .flap_n = 4, .flap_m = 10 };
	struct herd_strv only = { 0 }, ignore = { 0 };
	struct runs *rs;
	const char *config = NULL;
	char *state = NULL, *why = NULL;
	long long timeout_ms = TIMEOUT_MS, wait_ms = WAIT_MS, retries = RETRIES;
	size_t failed;
	int c;

	herd_init(argv[0]);
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 's': free(state); state = xstrdup(optarg); break;
		case 'T': herd_strv_add(&only, optarg); break;
		case 'I': herd_strv_add(&ignore, optarg); break;
		case 'R': nt.resolve_all = 1; break;
		case 'F': parse_flapping(&nt, optarg); break;
		case 't': timeout_ms = herd_duration_arg("--timeout", optarg); break;
		case 'w': wait_ms = herd_duration_arg("--wait", optarg); break;
		case 'r':
			if (herd_parse_int(optarg, 0, 10, &retries) < 0)
				errx(HERD_EXIT_USAGE, "--retries %s: expected 0 to 10", optarg);
			break;
		case 'n': nt.dry = 1; break;
		case 'h': fputs(usage, stdout); return HERD_EXIT_OK;
		default: herd_usage_exit(usage);
		}
	}
	if (optind != argc)
		herd_usage_exit(usage);
	if (timeout_ms <= 0)
		errx(HERD_EXIT_USAGE, "--timeout must be more than 0");
	herd_refuse_tty(stdin, "try herd-select ... | herd-run -- CMD | herd-notify | herd-group");
	if (!(nt.mask = herd_mask_new(&ignore, &why)))
		errx(HERD_EXIT_USAGE, "--ignore %s", why);
	herd_conf_load_or_die(&cfg, config);
	nt.cfg = &cfg;
	set_targets(&nt, &only);
	check_secrets(&cfg);
	if (!state && !(state = state_default_path()))
		errx(HERD_EXIT_USAGE, "no place for the state: set HOME or XDG_STATE_HOME, "
		    "or give --state FILE");
	nt.state_path = state;
	nt.state.lock = -1;
	/* a signal ends the run upstream, which then writes its last records */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	nt.d = deliver_new(&cfg, timeout_ms, (int)retries);
	rs = runs_new();
	run_loop(&nt, rs, wait_ms);
	failed = deliver_finish(nt.d, interrupted ? "interrupted" :
	    "still pending at the end of input (--wait)");
	deliver_free(nt.d);
	runs_free(rs);
	state_clear(&nt.state);
	for (c = 0; c < (int)cfg.nnotifiers; c++)
		tpl_free(&nt.tpl[c]);
	free(nt.tpl);
	free(nt.use);
	herd_mask_free(nt.mask);
	herd_conf_free(&cfg);
	herd_strv_free(&only);
	herd_strv_free(&ignore);
	free(state);
	if (interrupted)
		return HERD_EXIT_INTERRUPT;
	return failed || nt.failed ? HERD_EXIT_RUNTIME : HERD_EXIT_OK;
}
