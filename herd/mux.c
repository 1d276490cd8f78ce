/*
 * herd mux start|stop|status: the per-user mux (herd-run --serve --socket)
 * for the SSH settings given (by default none: what herd exec uses without
 * options), as ssh -O check|exit for a ControlMaster.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mux.h"
#include "records.h"
#include "verb.h"

#define STOP_WAIT_MS 5000

struct mux_args {
	struct herd_mux_settings s;
	struct herd_strv identities, options;
	long long idle_ms;
};

static long long
duration(const struct given *g)
{
	long long ms;

	if (herd_parse_duration(g->value, &ms) < 0)
		errx(HERD_EXIT_USAGE, "mux: %s: expected a duration such as 30s, got %s",
		    shown(g->as), shown(g->value));
	return ms;
}

/* The settings as herd-run takes them from the same options. */
static void
settings(const struct args *a, struct mux_args *m)
{
	const struct given *g;
	const char *name;
	long long v;
	size_t i;

	m->s.connect_timeout_ms = m->idle_ms = -1;
	for (i = 0; i < a->nopt; i++) {
		g = &a->opt[i];
		name = g->opt->name ? g->opt->name : "";
		if (!strcmp(name, "config"))
			m->s.config = g->value;
		else if (!strcmp(name, "ssh-config"))
			m->s.ssh_config = g->value;
		else if (!strcmp(name, "identity"))
			herd_strv_add(&m->identities, g->value);
		else if (g->opt->letter == 'o')
			herd_strv_add(&m->options, g->value);
		else if (!strcmp(name, "user") && !herd_valid_user(g->value))
			errx(HERD_EXIT_USAGE, "mux: -l: bad user name %s", shown(g->value));
		else if (!strcmp(name, "user"))
			m->s.user = g->value;
		else if (!strcmp(name, "port") && herd_parse_int(g->value, 1, 65535, &v) < 0)
			errx(HERD_EXIT_USAGE, "mux: -p: expected a port, got %s",
			    shown(g->value));
		else if (!strcmp(name, "port"))
			m->s.port = (int)v;
		else if (!strcmp(name, "accept-new"))
			m->s.accept_new = 1;
		else if (!strcmp(name, "insecure"))
			m->s.insecure = 1;
		else if (!strcmp(name, "connect-timeout") &&
		    (m->s.connect_timeout_ms = duration(g)) == 0)
			errx(HERD_EXIT_USAGE, "mux: --connect-timeout must be more than 0");
		else if (!strcmp(name, "idle-timeout"))
			m->idle_ms = duration(g);
	}
	m->s.identities = m->identities.v;
	m->s.nidentities = m->identities.n;
	m->s.options = m->options.v;
	m->s.noptions = m->options.n;
}

static const char *
dur(long long ms)
{
	static char buf[64];

	return ms > 0 ? herd_format_duration(ms, buf, sizeof buf) : "none";
}

static int
explain(const struct mux_args *m, const char *what, const char *path)
{
	struct pipeline pl = { 0 };
	struct herd_strv argv = { 0 };
	struct stage *st;
	size_t i;

	if (strcmp(what, "start")) {
		printf("# herd mux %s: the mux on %s\n", what, shown(path));
		return HERD_EXIT_OK;
	}
	herd_mux_argv(&m->s, path, m->idle_ms, &argv);
	st = pipeline_add(&pl, "herd-run");
	for (i = 1; i < argv.n; i++)
		herd_strv_add(&st->argv, argv.v[i]);
	herd_strv_free(&argv);
	return pipeline_explain(&pl);
}

static int
start(const struct mux_args *m, const char *path)
{
	char *prog, *why, *dirs;
	long long idle = m->idle_ms;
	pid_t pid;
	int fd;

	if ((fd = herd_mux_connect(path, &pid)) >= 0) {
		close(fd);
		herd_mux_pid_read(path, &(pid_t){ 0 }, &idle);
		printf("a mux already runs on %s (pid %ld, idle timeout %s)\n", shown(path),
		    (long)pid, dur(idle));
		return HERD_EXIT_OK;
	}
	if (!(prog = find_program("herd-run"))) {
		dirs = exec_path();
		errx(HERD_EXIT_RUNTIME, "mux: no herd-run in %s or PATH", shown(dirs));
	}
	if (herd_mux_spawn(prog, &m->s, path, m->idle_ms, &why) < 0)
		errx(HERD_EXIT_RUNTIME, "mux: %s", why);
	free(prog);
	if ((fd = herd_mux_connect(path, &pid)) < 0)
		err(HERD_EXIT_RUNTIME, "mux: %s", shown(path));
	close(fd);
	printf("mux started on %s (pid %ld, idle timeout %s)\n", shown(path), (long)pid,
	    dur(idle >= 0 ? idle : HERD_MUX_IDLE_MS));
	return HERD_EXIT_OK;
}

/* A socket file nothing answers on, and its pid file: gone.  1 if there was one. */
static int
remove_stale(const char *path)
{
	struct stat st;
	char *pidfile = herd_mux_pidfile(path);
	int lock = herd_mux_lock(path), had = 0;

	if (!herd_mux_live(path) && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		had = unlink(path) == 0;
		unlink(pidfile);
	}
	herd_mux_unlock(lock);
	free(pidfile);
	return had;
}

static int
none(const char *path, int removed)
{
	printf("no mux runs on %s%s\n", shown(path),
	    removed ? "; its stale socket file was removed" : "");
	return HERD_EXIT_HOSTS;
}

static int
stop(const char *path)
{
	struct timespec tick = { 0, 20 * 1000000 };
	long long until;
	pid_t pid;
	int fd = herd_mux_connect(path, &pid);

	if (fd < 0 && errno != ENOENT && errno != ECONNREFUSED)
		err(HERD_EXIT_RUNTIME, "mux: %s", shown(path));
	if (fd < 0)
		return none(path, remove_stale(path));
	close(fd);
	if (kill(pid, SIGTERM) < 0)
		err(HERD_EXIT_RUNTIME, "mux: pid %ld", (long)pid);
	for (until = herd_mono_ms() + STOP_WAIT_MS; herd_mux_live(path);) {
		if (herd_mono_ms() >= until)
			errx(HERD_EXIT_RUNTIME, "mux: pid %ld did not stop within %s",
			    (long)pid, dur(STOP_WAIT_MS));
		nanosleep(&tick, NULL);
	}
	remove_stale(path);
	printf("mux on %s stopped (pid %ld)\n", shown(path), (long)pid);
	return HERD_EXIT_OK;
}

int
mux_act(const struct verb *v, const struct args *a, int explaining)
{
	struct mux_args m = { 0 };
	const char *what;
	char *path, *why;
	int rc;

	if (a->words.n + a->after.n != 1)
		errx(HERD_EXIT_USAGE, "mux: expected start, stop or status; see herd help mux");
	what = a->words.n ? a->words.v[0] : a->after.v[0];
	if (strcmp(what, "start") && strcmp(what, "stop") && strcmp(what, "status"))
		errx(HERD_EXIT_USAGE, "mux: unknown action %s: expected start, stop or "
		    "status", shown(what));
	settings(a, &m);
	if (strcmp(what, "start") && m.idle_ms >= 0)
		errx(HERD_EXIT_USAGE, "mux: --idle-timeout goes with start");
	if (!(path = herd_mux_path(&m.s, &why)))
		errx(HERD_EXIT_RUNTIME, "mux: %s", why);
	if (explaining)
		rc = explain(&m, what, path);
	else if (!strcmp(what, "start"))
		rc = start(&m, path);
	else if (!strcmp(what, "stop"))
		rc = stop(path);
	else
		rc = mux_status(path) < 0 ? none(path, 0) : HERD_EXIT_OK;
	free(path);
	herd_strv_free(&m.identities);
	herd_strv_free(&m.options);
	(void)v;
	return rc;
}
