/*
 * herd snapshot [HOSTS...]: the state of the fleet (OS, kernel, packages,
 * services, disks, memory, uptime, listening ports) captured by built-in
 * inspection commands run as one series of runs on kept connections:
 *   herd-select SELECTION | herd-run --serve  (one request per step, from herd)
 *   ... records | herd-hist record; then herd-hist snapshot save SERIES
 * which parses each host's outputs into fields.  The reading commands are
 * herd-hist's: herd snapshot list|show|diff|drift|export ... =
 * herd-hist snapshot list|show|diff|drift|export ...
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "records.h"
#include "verb.h"

#define MARK "echo '@@herd-snapshot "	/* a section of the output: herd-hist/snapshot.h */
#define DOTS 22

static const struct step {
	const char *name;	/* for --only */
	const char *label;	/* the progress line's */
	const char *command;
} steps[] = {
	{ "os", "OS info",
	  MARK "os-release'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release "
	  "2>/dev/null; " MARK "kernel'; uname -r; " MARK "arch'; uname -m; "
	  MARK "uptime'; cat /proc/uptime 2>/dev/null; :" },
	{ "packages", "Packages",
	  "if command -v dpkg-query >/dev/null 2>&1 && o=$(dpkg-query -W -f "
	  "'${binary:Package}\\t${Version}\\t${db:Status-Abbrev}\\n' 2>/dev/null); then "
	  MARK "dpkg'; printf '%s\\n' \"$o\"; "
	  "elif command -v rpm >/dev/null 2>&1 && o=$(rpm -qa --qf "
	  "'%{NAME}\\t%{VERSION}-%{RELEASE}\\n' 2>/dev/null); then "
	  MARK "rpm'; printf '%s\\n' \"$o\"; fi; :" },
	{ "services", "Services",
	  "if o=$(systemctl list-unit-files --type=service --state=enabled --no-legend "
	  "--no-pager 2>/dev/null) && p=$(systemctl list-units --type=service "
	  "--state=running --no-legend --no-pager --plain 2>/dev/null); then "
	  MARK "enabled'; printf '%s\\n' \"$o\"; " MARK "running'; printf '%s\\n' \"$p\"; "
	  "fi; :" },
	{ "disk", "Disk usage", MARK "df'; df -P -k 2>/dev/null; :" },
	{ "memory", "Memory",
	  "if [ -r /proc/meminfo ]; then " MARK "meminfo'; cat /proc/meminfo; "
	  "elif o=$(free -k 2>/dev/null); then " MARK "free'; printf '%s\\n' \"$o\"; fi; :" },
	{ "ports", "Ports",
	  "if o=$(ss -ltn 2>/dev/null); then " MARK "ss'; printf '%s\\n' \"$o\"; "
	  "elif o=$(netstat -ltn 2>/dev/null); then " MARK "netstat'; printf '%s\\n' \"$o\"; "
	  "fi; :" },
};
#define NSTEPS (sizeof steps / sizeof steps[0])

static const char *const subcommands[] = { "list", "show", "diff", "drift", "export" };

/* Ctrl-C: the step running is cancelled (herd-run --serve ignores SIGINT), no later one runs. */
static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	interrupted = sig;
}

/* herd snapshot list|show|diff|drift|export ...: herd-hist's; -1 when not one. */
int
snapshot_verb(int argc, char **argv, int explain)
{
	struct pipeline pl = { 0 };
	struct stage *s;
	size_t i;
	int j;

	if (argc < 2)
		return -1;
	for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (!strcmp(argv[1], subcommands[i]))
			break;
	if (i == sizeof subcommands / sizeof subcommands[0])
		return -1;
	s = pipeline_add(&pl, "herd-hist");
	herd_strv_add(&s->argv, "snapshot");
	for (j = 1; j < argc; j++)
		herd_strv_add(&s->argv, argv[j]);
	return explain ? pipeline_explain(&pl) : pipeline_run(&pl);
}

/* The steps --only names (all without it), as a mask of bits. */
static unsigned
chosen(const struct args *a)
{
	const char *only = args_value(a, "only");
	struct herd_strv v = { 0 };
	unsigned mask = 0;
	size_t i, j;

	if (!only)
		return (1u << NSTEPS) - 1;
	herd_strv_split(&v, only, ',');
	for (i = 0; i < v.n; i++) {
		for (j = 0; j < NSTEPS && strcmp(v.v[i], steps[j].name); j++)
			;
		if (j == NSTEPS)
			errx(HERD_EXIT_USAGE, "snapshot: --only: no part %s (os, packages, "
			    "services, disk, memory, ports)", shown(v.v[i]));
		mask |= 1u << j;
	}
	herd_strv_free(&v);
	if (!mask)
		errx(HERD_EXIT_USAGE, "snapshot: --only: name some parts");
	return mask;
}

/* The stage S with IN and OUT as its standard input and output (-1: herd's own). */
static pid_t
start_stage(const struct stage *s, int in, int out)
{
	char **argv = xcalloc(s->argv.n + 2, sizeof *argv), *path = find_program(s->prog);
	pid_t pid;
	size_t i;

	if (!path)
		errx(HERD_EXIT_RUNTIME, "%s: not found in the exec path (see herd --exec-path)",
		    s->prog);
	argv[0] = (char *)s->prog;
	for (i = 0; i < s->argv.n; i++)
		argv[i + 1] = s->argv.v[i];
	pid = spawn(path, argv, in, out, -1);
	free(path);
	free(argv);
	return pid;
}

static void
pipe_or_die(int fd[2])
{
	if (pipe2(fd, O_CLOEXEC) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
}

/* herd-select's records, and the names of the hosts in them. */
static void
select_hosts(const struct stage *sel, struct herd_buf *recs, struct herd_strv *hosts)
{
	struct herd_rec r = { 0 };
	const char *p, *nl;
	int fd[2], rc;
	pid_t pid;

	pipe_or_die(fd);
	pid = start_stage(sel, -1, fd[1]);
	close(fd[1]);
	if (herd_buf_read_fd(recs, fd[0]) < 0)
		err(HERD_EXIT_RUNTIME, "reading from herd-select");
	close(fd[0]);
	if ((rc = herd_wait(pid)) != 0)
		exit(rc);
	for (p = recs->p; p && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			nl = p + strlen(p) - 1;
		if (herd_rec_parse(&r, p, (size_t)(nl - p + 1)) && r.type == 'H' && r.nf)
			herd_strv_add(hosts, herd_rec_str(&r, 0));
	}
	herd_rec_free(&r);
	if (!hosts->n)
		errx(HERD_EXIT_USAGE, "snapshot: no host selected");
}

struct capture {
	FILE *to_run, *from_run, *to_hist;
	char *series, *selection;
	struct herd_strv hosts;	/* every host selected */
	struct herd_strv down;	/* hosts a step failed on: left out of the next ones */
	int status;
	int cancelled;		/* the run was asked to stop */
};

/* The hosts still asked: none named is every host, so the list only once some are down. */
static void
request_hosts(const struct capture *c, struct herd_strv *v)
{
	size_t i;

	for (i = 0; c->down.n && i < c->hosts.n; i++)
		if (!herd_strv_has(&c->down, c->hosts.v[i]))
			herd_strv_add(v, c->hosts.v[i]);
}

/* The records of run ID, to herd-hist, until its E: the hosts that failed. */
static void
await_run(struct capture *c, const char *id, struct herd_strv *failed)
{
	struct herd_rec r = { 0 };
	const char *st;

	for (;;) {
		if (interrupted && !c->cancelled) {
			herd_cancel_write(c->to_run, &(struct herd_cancel){ (char *)id });
			fflush(c->to_run);
			c->cancelled = 1;
		}
		if (!herd_rec_read(c->from_run, &r)) {
			if (ferror(c->from_run) && errno == EINTR) {
				clearerr(c->from_run);
				continue;
			}
			errx(HERD_EXIT_RUNTIME, "snapshot: herd-run ended before the run did");
		}
		herd_rec_passthrough(c->to_hist, &r);
		if (r.type == '#' && strncmp(r.raw, "#herd-records", 13))
			errx(HERD_EXIT_RUNTIME, "snapshot: herd-run refused the request");
		if (r.nf < 1 || strcmp(herd_rec_str(&r, 0), id))
			continue;
		if (r.type == 'E')
			break;
		st = herd_rec_str(&r, 2);
		if (r.type == 'R' && (!strcmp(st, "failed") || !strcmp(st, "timeout")))
			herd_strv_add(failed, herd_rec_str(&r, 1));
	}
	herd_rec_free(&r);
	fflush(c->to_hist);
}

static void
progress(const char *label, const char *what)
{
	int n = DOTS - (int)strlen(label);

	printf("  %s %.*s %s\n", label, n > 0 ? n : 1, "..............................", what);
	fflush(stdout);
}

static void
run_step(struct capture *c, const struct step *s, long long seq)
{
	struct herd_request q = { 0 };
	struct herd_strv failed = { 0 };
	char *list, *what;
	size_t i;

	if (c->down.n == c->hosts.n) {
		progress(s->label, "skipped (no host left)");
		return;
	}
	q.id = herd_run_id_new(herd_now_ms());
	q.kind = "snapshot";
	q.command = (char *)s->command;
	request_hosts(c, &q.hosts);
	q.timeout_ms = -1;
	q.selection = c->selection;
	q.series = c->series;
	q.compare = "";
	q.seq = seq;
	herd_request_write(c->to_run, &q);
	if (fflush(c->to_run) == EOF)
		errx(HERD_EXIT_RUNTIME, "snapshot: herd-run is gone");
	await_run(c, q.id, &failed);
	if (c->cancelled) {
		progress(s->label, "cancelled");
	} else if (!failed.n) {
		progress(s->label, "done");
	} else {
		list = herd_fold(failed.v, failed.n, 1);
		what = xasprintf("done (%zu host%s failed: %s)", failed.n,
		    failed.n == 1 ? "" : "s", shown(list));
		progress(s->label, what);
		free(what);
		free(list);
		c->status = HERD_EXIT_HOSTS;
	}
	for (i = 0; i < failed.n; i++)
		herd_strv_add(&c->down, failed.v[i]);
	herd_strv_free(&failed);
	herd_strv_free(&q.hosts);
	free(q.id);
}

static FILE *
stream(int fd, const char *mode)
{
	FILE *f = fdopen(fd, mode);

	if (!f)
		err(HERD_EXIT_RUNTIME, "fdopen");
	return f;
}

/* The steps on kept connections, their records recorded; the exit status. */
static int
capture(struct pipeline *pl, const struct herd_buf *recs, struct capture *c, unsigned mask)
{
	int to_run[2], from_run[2], to_hist[2], devnull, rc;
	pid_t run, hist;
	size_t i;

	pipe_or_die(to_run);
	pipe_or_die(from_run);
	pipe_or_die(to_hist);
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		err(HERD_EXIT_RUNTIME, "/dev/null");
	hist = start_stage(stage_of(pl, HIST), to_hist[0], devnull);
	run = start_stage(stage_of(pl, RUN), to_run[0], from_run[1]);
	close(to_hist[0]);
	close(to_run[0]);
	close(from_run[1]);
	close(devnull);
	c->to_run = stream(to_run[1], "w");
	c->from_run = stream(from_run[0], "r");
	c->to_hist = stream(to_hist[1], "w");
	fwrite(recs->p, 1, recs->len, c->to_run);
	fwrite(recs->p, 1, recs->len, c->to_hist);
	for (i = 0; i < NSTEPS && !c->cancelled; i++) {
		if (interrupted)
			c->cancelled = 1;
		else if (mask & (1u << i))
			run_step(c, &steps[i], (long long)i + 1);
	}
	fclose(c->to_run);
	while (getc(c->from_run) != EOF)	/* the connections' last S records */
		;
	fclose(c->from_run);
	if ((rc = herd_wait(run)) != 0 && rc != HERD_EXIT_HOSTS)
		warnx("herd-run failed (exit status %d)", rc);
	if (c->cancelled) {
		fclose(c->to_hist);
		herd_wait(hist);
		printf("\nInterrupted: no snapshot saved (the steps run are in herd history)\n");
		return HERD_EXIT_INTERRUPT;
	}
	if (fclose(c->to_hist) == EOF || (rc = herd_wait(hist)) != 0)
		errx(HERD_EXIT_RUNTIME, "snapshot: the runs were not recorded (herd-hist record "
		    "said why); no snapshot saved");
	return c->status;
}

/* SIGINT, SIGTERM and SIGHUP cancel the step: reads are interrupted (no SA_RESTART). */
static void
catch_interrupts(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The stages, each option given to those of its role. */
static void
stages(const struct verb *v, const struct args *a, struct pipeline *pl,
    const struct herd_strv *words)
{
	struct stage *s;
	size_t i;

	(s = pipeline_add(pl, "herd-select"))->role = SELECT;
	(s = pipeline_add(pl, "herd-run"))->role = RUN;
	herd_strv_add(&s->argv, "--serve");
	(s = pipeline_add(pl, "herd-hist"))->role = HIST;
	herd_strv_add(&s->argv, "record");
	give(pl, v, a);
	for (i = 0; i < words->n; i++)
		herd_strv_add(&stage_of(pl, SELECT)->argv, words->v[i]);
}

int
snapshot_act(const struct verb *v, const struct args *a, int explain)
{
	struct herd_strv words = { 0 };
	struct pipeline pl = { 0 }, save = { 0 };
	struct herd_buf recs = { 0 };
	struct capture c = { 0 };
	struct stage *s;
	unsigned mask = chosen(a);
	size_t i;
	int rc;

	for (i = 0; i < a->words.n; i++)
		herd_strv_add(&words, a->words.v[i]);
	for (i = 0; i < a->after.n; i++)
		herd_strv_add(&words, a->after.v[i]);
	c.selection = selection_text(a, &words);
	c.series = herd_run_id_new(herd_now_ms());
	stages(v, a, &pl, &words);
	s = pipeline_add(&save, "herd-hist");
	herd_strv_add(&s->argv, "snapshot");
	herd_strv_add(&s->argv, "save");
	herd_strv_add(&s->argv, explain ? "SERIES" : c.series);
	if (explain) {
		printf("# each step a request to herd-run --serve, its records to herd-hist "
		    "record:\n");
		pipeline_explain(&pl);
		rc = pipeline_explain(&save);
	} else {
		signal(SIGPIPE, SIG_IGN);
		signal(SIGCHLD, SIG_DFL);
		select_hosts(stage_of(&pl, SELECT), &recs, &c.hosts);
		printf("Capturing snapshot of %zu host%s...\n", c.hosts.n,
		    c.hosts.n == 1 ? "" : "s");
		catch_interrupts();
		rc = capture(&pl, &recs, &c, mask);
		if (rc != HERD_EXIT_INTERRUPT) {
			putchar('\n');
			if ((i = (size_t)pipeline_run(&save)) != 0)
				rc = (int)i;
		} else {
			herd_strv_free(&save.stage[0].argv);
		}
		for (i = 0; i < (size_t)pl.n; i++)
			herd_strv_free(&pl.stage[i].argv);
	}
	herd_buf_free(&recs);
	herd_strv_free(&words);
	herd_strv_free(&c.hosts);
	herd_strv_free(&c.down);
	free(c.series);
	free(c.selection);
	return rc;
}
