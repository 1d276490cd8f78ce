/* herd-run: run a command on every host of the H records read, all at once. */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "run.h"

static const char usage[] =
    "usage: herd-run [options] [--] COMMAND...\n"
    "       herd-run --ping [--auth] [options]\n"
    "Reads H records (stdin, or -f FILE) and runs COMMAND on the hosts, up to\n"
    "--concurrency at once.\n"
    "\n"
    "  -c, --config FILE        herd config for defaults (concurrency, timeouts)\n"
    "  -F FILE                  ssh_config to use (default ~/.ssh/config, then\n"
    "                           /etc/ssh/ssh_config)\n"
    "  -f, --hosts-file FILE    read H records from FILE instead of stdin\n"
    "  -i KEY                   identity file, before ssh_config's (repeatable)\n"
    "  -l USER                  login user for hosts that name none\n"
    "  -p PORT                  port for hosts that name none\n"
    "      --concurrency N      hosts at once (default: config, else 64)\n"
    "      --timeout DUR        per-host command timeout (default: the host's group,\n"
    "                           config defaults.timeout, else 30s; 0 = none)\n"
    "      --connect-timeout DUR  limit until the command starts (default: ssh_config\n"
    "                           ConnectTimeout, config, else 10s)\n"
    "      --accept-new         add unknown host keys to known_hosts\n"
    "      --insecure           accept unknown host keys unchecked (with a warning;\n"
    "                           a changed key is still refused)\n"
    "      --ask-pass           ask a password once and use it to log in\n"
    "      --sudo               run COMMAND with sudo -n (passwordless sudo)\n"
    "      --ask-become-pass    ask the sudo password once; sudo -S on a pty\n"
    "      --max-output SIZE    output kept per stream and host (default 16M)\n"
    "      --selection TEXT     how the hosts were chosen, for the C record\n"
    "      --json               one JSON object per host instead of records\n"
    "      --ping               no command: time the TCP connection and SSH banner\n"
    "      --auth               with --ping: also log in\n"
    "      --dry-run            show each host's connection settings, connect none\n"
    "  -h, --help               this help\n"
    "Exit status: 0 all hosts ok, 1 some host non-zero/failed/timed out,\n"
    "2 usage or config error, 130 interrupted, 141 output closed. See herd-run(1).\n";

static volatile sig_atomic_t interrupted;
static int wake[2] = { -1, -1 };	/* self-pipe: a signal wakes up poll */

static void
on_signal(int sig)
{
	int saved = errno;

	interrupted = sig;
	if (wake[1] >= 0)
		(void)!write(wake[1], "", 1);
	errno = saved;
}

static const char *const status_names[] = { "ok", "nonzero", "failed", "timeout" };

/*
 * Descriptors: one connection per host, and one more for an agent's or a
 * proxy's socket; a few at a time for key and known_hosts files and a
 * ProxyCommand's pipe.
 */
#define FDS_PER_HOST 2
#define FDS_RESERVE 6

static size_t
fds_in_use(void)
{
	struct dirent *d;
	size_t n = 0;
	DIR *dir = opendir("/proc/self/fd");
	int fd;

	if (dir) {
		while ((d = readdir(dir)))
			n += d->d_name[0] != '.';
		closedir(dir);
		return n ? n - 1 : 0;	/* less the directory's own */
	}
	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/*
 * Raise the open-file limit as far as the hard limit allows for the hosts
 * wanted at once, then lower the concurrency to what fits: hosts beyond it
 * wait for a slot rather than fail with EMFILE.
 */
static void
fit_file_limit(struct options *o, size_t nhosts)
{
	size_t used = fds_in_use(), want, room, at_once;
	struct rlimit rl;

	at_once = (size_t)o->concurrency < nhosts ? (size_t)o->concurrency : nhosts;
	want = used + FDS_RESERVE + at_once * FDS_PER_HOST;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
		    want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	room = rl.rlim_cur > used + FDS_RESERVE ?
	    (rl.rlim_cur - used - FDS_RESERVE) / FDS_PER_HOST : 0;
	if (room < 1)
		room = 1;
	warnx("open-file limit %llu: %zu host%s at a time (raise ulimit -n for more)",
	    (unsigned long long)rl.rlim_cur, room, room == 1 ? "" : "s");
	o->concurrency = (long long)room;
}

static size_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (!isdigit((unsigned char)*s) || errno || *end || v == 0 ||
	    v > (SIZE_MAX >> 1) >> shift)
		errx(HERD_EXIT_USAGE, "--max-output: expected a size such as 16M, got %s", s);
	return (size_t)(v << shift);
}

static long long
parse_dur(const char *opt, const char *s)
{
	long long ms;

	if (herd_parse_duration(s, &ms) < 0)
		errx(HERD_EXIT_USAGE, "%s: expected a duration such as 30s, got %s", opt, s);
	return ms;
}

static void
make_remote_command(struct options *o)
{
	struct herd_buf qb = { 0 };
	char *q;

	herd_shell_quote(&qb, o->command);
	q = herd_buf_steal(&qb);
	if (o->ask_become_pass) {
		snprintf(o->become_prompt, sizeof o->become_prompt, "[herd-sudo:%08x%08x]",
		    arc4random(), arc4random());
		o->remote_command = xasprintf("stty -echo 2>/dev/null; sudo -S -p '%s' -- "
		    "sh -c %s", o->become_prompt, q);
	} else if (o->sudo) {
		o->remote_command = xasprintf("sudo -n -- sh -c %s", q);
	} else {
		o->remote_command = xstrdup(o->command);
	}
	free(q);
}

/* A pty's output: its CR LF line ends as LF. */
static void
crlf_to_lf(struct herd_buf *b)
{
	size_t i, o = 0;

	for (i = 0; i < b->len; i++)
		if (b->p[i] != '\r' || i + 1 == b->len || b->p[i + 1] != '\n')
			b->p[o++] = b->p[i];
	b->len = o;
	if (b->p)
		b->p[o] = '\0';
}

static void
add_marker(struct stream *s)
{
	if (s->dropped)
		herd_buf_addf(&s->buf, "\n[herd: output truncated: %zu bytes beyond "
		    "--max-output dropped]\n", s->dropped);
}

static void
emit(struct job *j, const struct options *o, long long now)
{
	char sha[65];
	const char *status = status_names[j->status];
	/* herd-records(5): no exit status for failed and timeout, even signalled. */
	int has_exit = j->got_exit && (j->status == S_OK || j->status == S_NONZERO);
	long long exit_code = has_exit ? j->exit_code : -1;
	long long duration = now - j->started;
	json_t *obj;

	if (o->ask_become_pass) {
		sudo_settle(j);
		crlf_to_lf(&j->out.buf);
	}
	add_marker(&j->out);
	add_marker(&j->err);
	herd_result_hash(status, exit_code, j->out.buf.p, j->out.buf.len, j->err.buf.p,
	    j->err.buf.len, sha);
	if (o->json) {
		obj = json_object();
		json_object_set_new(obj, "host", herd_json_bytes(j->host.name,
		    strlen(j->host.name)));
		json_object_set_new(obj, "status", json_string(status));
		json_object_set_new(obj, "exit", has_exit ? json_integer(exit_code) :
		    json_null());
		json_object_set_new(obj, "duration_ms", json_integer(duration));
		json_object_set_new(obj, "stdout", herd_json_bytes(j->out.buf.p,
		    j->out.buf.len));
		json_object_set_new(obj, "stderr", herd_json_bytes(j->err.buf.p,
		    j->err.buf.len));
		json_object_set_new(obj, "error", j->error ?
		    herd_json_bytes(j->error, strlen(j->error)) : json_null());
		json_object_set_new(obj, "hint", j->hint ? json_string(j->hint) :
		    json_null());
		json_object_set_new(obj, "truncated", json_boolean(j->out.dropped ||
		    j->err.dropped));
		json_object_set_new(obj, "sha256", json_string(sha));
		herd_json_print(stdout, obj);
	} else {
		herd_rec_start(stdout, 'R');
		herd_rec_fields(stdout, o->run_id);
		herd_rec_fields(stdout, j->host.name);
		herd_rec_fields(stdout, status);
		if (has_exit)
			herd_rec_fieldnum(stdout, exit_code);
		else
			herd_rec_fields(stdout, "");
		herd_rec_fieldnum(stdout, duration);
		herd_rec_fields(stdout, sha);
		herd_rec_field(stdout, j->out.buf.p ? j->out.buf.p : "", j->out.buf.len);
		herd_rec_field(stdout, j->err.buf.p ? j->err.buf.p : "", j->err.buf.len);
		herd_rec_fields(stdout, j->error);
		herd_rec_fields(stdout, j->hint);
		herd_rec_end(stdout);
	}
	fflush(stdout);
}

/*
 * Read the H records; they are written on too (records mode), so that later
 * stages know each host's address, port, user and tags.  Other records pass
 * through unchanged.
 */
static void
read_hosts(FILE *in, struct herd_hostlist *hosts, int json)
{
	struct herd_rec r = { 0 };
	struct herd_host h;

	while (herd_rec_read(in, &r)) {
		if (r.type == '#')
			continue;
		if (r.type != 'H') {
			if (!json)
				herd_rec_passthrough(stdout, &r);
			continue;
		}
		if (herd_host_from_rec(&r, &h) < 0)
			errx(HERD_EXIT_USAGE, "bad H record: %s", herd_safe(r.raw));
		*herd_hostlist_add(hosts) = h;
		if (!json)
			herd_rec_passthrough(stdout, &r);
	}
	herd_rec_free(&r);
}

struct counts {
	long long n[4];
};

/* The event loop: start up to concurrency jobs, poll their sockets, advance them. */
static void
run_all(struct job *jobs, size_t n, struct options *o, struct counts *c)
{
	size_t conc = (size_t)o->concurrency, next = 0, nactive = 0, i;
	size_t *active = xcalloc(conc, sizeof *active);
	struct pollfd *pfd = xcalloc(conc + 1, sizeof *pfd);
	char drain[64];
	long long now, wait, until;
	int stopping = 0, reaped;
	struct job *j;

	while (next < n || nactive > 0) {
		now = herd_mono_ms();
		if ((interrupted || ferror(stdout)) && !stopping) {
			stopping = 1;
			for (i = 0; i < nactive; i++) {
				j = &jobs[active[i]];
				if (j->state == J_DONE || j->state == J_STOP)
					continue;	/* finished, or being stopped */
				job_stop(j, S_FAILED, j->state == J_READ ? "interrupted; "
				    "the remote command was stopped" : "interrupted before "
				    "the command started", now);
			}
			for (; next < n; next++) {
				jobs[next].error = xstrdup("interrupted before connecting");
				jobs[next].status = S_FAILED;
				jobs[next].started = now;
				emit(&jobs[next], o, now);
				c->n[S_FAILED]++;
				job_free(&jobs[next]);
			}
		}
		while (!stopping && nactive < conc && next < n) {
			job_start(&jobs[next], o, now);
			active[nactive++] = next++;
		}
		reaped = 0;
		for (i = 0; i < nactive;) {
			j = &jobs[active[i]];
			if (j->state != J_DONE) {
				i++;
				continue;
			}
			emit(j, o, herd_mono_ms());
			c->n[j->status]++;
			job_free(j);
			active[i] = active[--nactive];
			reaped = 1;
		}
		/* Fill the slots just freed before waiting on the others. */
		if (reaped || nactive == 0)
			continue;
		wait = -1;
		for (i = 0; i < nactive; i++) {
			j = &jobs[active[i]];
			pfd[i].fd = j->fd;
			pfd[i].events = j->fd >= 0 ? job_poll_events(j) : 0;
			pfd[i].revents = 0;
			if (j->deadline) {
				until = j->deadline > now ? j->deadline - now : 0;
				if (wait < 0 || until < wait)
					wait = until;
			}
		}
		/* The self-pipe last: a signal between the check above and poll. */
		pfd[nactive].fd = wake[0];
		pfd[nactive].events = POLLIN;
		pfd[nactive].revents = 0;
		if (poll(pfd, nactive + 1, (int)(wait > 100000 ? 100000 : wait)) < 0 &&
		    errno != EINTR)
			err(HERD_EXIT_USAGE, "poll");
		if (pfd[nactive].revents & POLLIN)
			while (read(wake[0], drain, sizeof drain) > 0)
				;
		now = herd_mono_ms();
		for (i = 0; i < nactive; i++) {
			j = &jobs[active[i]];
			if (pfd[i].revents & (POLLOUT | POLLERR | POLLHUP))
				j->tcp_up = 1;
			if (pfd[i].revents || (j->deadline && now >= j->deadline))
				job_advance(j, o, now);
		}
	}
	free(active);
	free(pfd);
}

/* --dry-run: where each host would be reached, and as whom. */
static void
dry_run(struct job *jobs, size_t n, const struct options *o)
{
	char *cmd = herd_safe(o->remote_command), *name, *user, *target, *proxy;
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (strlen(jobs[i].host.name) > w)
			w = strlen(jobs[i].host.name);
	printf("would run: %s\non %zu host%s:\n", cmd, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		name = herd_safe(jobs[i].host.name);
		user = herd_safe(jobs[i].user);
		target = herd_safe(jobs[i].target);
		printf("  %-*s  %s@%s:%d", (int)w, name, user, target, jobs[i].port);
		if (jobs[i].proxy_command) {
			proxy = herd_safe(jobs[i].proxy_command);
			printf("  via %s", proxy);
			free(proxy);
		}
		if (jobs[i].timeout_ms > 0 && !o->ping)
			printf("  timeout %llds", (jobs[i].timeout_ms + 999) / 1000);
		if (jobs[i].hostkeys != HK_STRICT)
			printf("  unknown host keys %s", jobs[i].hostkeys == HK_ACCEPT_NEW ?
			    "accepted and added" : "not checked");
		putchar('\n');
		free(name);
		free(user);
		free(target);
	}
	free(cmd);
}

static char *
join_args(int argc, char **argv)
{
	struct herd_buf b = { 0 };
	int i;

	for (i = 0; i < argc; i++) {
		if (i)
			herd_buf_addc(&b, ' ');
		herd_buf_adds(&b, argv[i]);
	}
	return herd_buf_steal(&b);
}

int
main(int argc, char **argv)
{
	enum {
		OPT_CONC = 256, OPT_TIMEOUT, OPT_CTIMEOUT, OPT_ACCEPT, OPT_INSECURE,
		OPT_ASKPASS, OPT_SUDO, OPT_BECOME, OPT_MAXOUT, OPT_JSON, OPT_SELECTION,
		OPT_PING, OPT_AUTH, OPT_DRYRUN,
	};
	static const struct option longopts[] = {
		{ "accept-new", no_argument, NULL, OPT_ACCEPT },
		{ "ask-become-pass", no_argument, NULL, OPT_BECOME },
		{ "ask-pass", no_argument, NULL, OPT_ASKPASS },
		{ "concurrency", required_argument, NULL, OPT_CONC },
		{ "config", required_argument, NULL, 'c' },
		{ "connect-timeout", required_argument, NULL, OPT_CTIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "hosts-file", required_argument, NULL, 'f' },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "max-output", required_argument, NULL, OPT_MAXOUT },
		{ "selection", required_argument, NULL, OPT_SELECTION },
		{ "ping", no_argument, NULL, OPT_PING },
		{ "auth", no_argument, NULL, OPT_AUTH },
		{ "dry-run", no_argument, NULL, OPT_DRYRUN },
		{ "sudo", no_argument, NULL, OPT_SUDO },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	struct herd_config cfg;
	struct herd_hostlist hosts = { 0 };
	struct counts counts = { { 0 } };
	struct sigaction sa = { 0 };
	const char *opt_config = NULL, *hosts_file = NULL, *selection = "";
	struct job *jobs;
	long long v, started;
	char *why;
	FILE *in = stdin;
	size_t i;
	int c;

	herd_init(argv[0]);
	o.port = 0;
	o.timeout_ms = o.connect_timeout_ms = -1;
	o.concurrency = -1;
	o.max_output = 16 << 20;
	while ((c = getopt_long(argc, argv, "+c:F:f:hi:l:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt_config = optarg; break;
		case 'F': o.ssh_config = optarg; break;
		case 'f': hosts_file = optarg; break;
		case 'h':
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		case 'i': herd_strv_add(&o.identities, optarg); break;
		case 'l':
			if (!herd_valid_user(optarg))
				errx(HERD_EXIT_USAGE, "-l: bad user name %s", herd_safe(optarg));
			o.user = optarg;
			break;
		case 'p':
			if (herd_parse_int(optarg, 1, 65535, &v) < 0)
				errx(HERD_EXIT_USAGE, "-p: expected a port, got %s", optarg);
			o.port = (int)v;
			break;
		case OPT_CONC:
			if (herd_parse_int(optarg, 1, 100000, &o.concurrency) < 0)
				errx(HERD_EXIT_USAGE, "--concurrency: expected 1 to 100000, "
				    "got %s", optarg);
			break;
		case OPT_TIMEOUT: o.timeout_ms = parse_dur("--timeout", optarg); break;
		case OPT_CTIMEOUT:
			o.connect_timeout_ms = parse_dur("--connect-timeout", optarg);
			if (o.connect_timeout_ms == 0)
				errx(HERD_EXIT_USAGE, "--connect-timeout must be more than 0");
			break;
		case OPT_ACCEPT: o.accept_new = 1; break;
		case OPT_INSECURE: o.insecure = 1; break;
		case OPT_ASKPASS: o.ask_pass = 1; break;
		case OPT_SUDO: o.sudo = 1; break;
		case OPT_BECOME: o.ask_become_pass = 1; break;
		case OPT_MAXOUT: o.max_output = parse_size(optarg); break;
		case OPT_JSON: o.json = 1; break;
		case OPT_SELECTION: selection = optarg; break;
		case OPT_PING: o.ping = 1; break;
		case OPT_AUTH: o.ping_auth = 1; break;
		case OPT_DRYRUN: o.dry_run = 1; break;
		default: herd_usage_exit(usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.ping_auth && !o.ping)
		errx(HERD_EXIT_USAGE, "--auth goes with --ping");
	if (o.ping && argc)
		errx(HERD_EXIT_USAGE, "--ping runs no command");
	if (argc == 0 && !o.ping) {
		warnx("no command given");
		herd_usage_exit(usage);
	}
	o.command = o.ping ? xstrdup(o.ping_auth ? "ping --auth" : "ping") :
	    join_args(argc, argv);
	herd_conf_load_or_die(&cfg, opt_config);
	if (o.concurrency < 0)
		o.concurrency = herd_conf_concurrency(&cfg);
	o.default_timeout_ms = herd_conf_timeout_ms(&cfg);
	o.default_connect_timeout_ms = herd_conf_connect_timeout_ms(&cfg);
	herd_conf_free(&cfg);
	if (!(o.sshconf = sshconf_load(o.ssh_config, &why)))
		errx(HERD_EXIT_USAGE, "ssh config: %s", why);
	make_remote_command(&o);
	if (o.insecure)
		warnx("--insecure: host keys are not checked; anyone on the path can "
		    "impersonate these hosts (a changed key is still refused)");
	if (hosts_file && !(in = fopen(hosts_file, "r")))
		err(HERD_EXIT_USAGE, "%s", hosts_file);
	herd_refuse_tty(in, "pipe host records in, as in herd-select -g web | "
	    "herd-run -- uptime, or run herd exec uptime -g web");
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		err(HERD_EXIT_USAGE, "pipe");
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (o.ask_pass && !o.dry_run && !(o.password = ask_secret("SSH password: ")))
		errx(HERD_EXIT_USAGE, "--ask-pass needs a terminal to ask on");
	if (o.ask_become_pass && !o.dry_run && !o.ping &&
	    !(o.become_password = ask_secret("BECOME password: ")))
		errx(HERD_EXIT_USAGE, "--ask-become-pass needs a terminal to ask on");
	if (!o.json && !o.dry_run)
		herd_rec_header(stdout);
	read_hosts(in, &hosts, o.json || o.dry_run);
	if (in != stdin)
		fclose(in);
	if (!o.dry_run)
		fit_file_limit(&o, hosts.n);
	started = herd_now_ms();
	o.run_id = xasprintf("%lld.%d", started, (int)getpid());
	if (!o.json && !o.dry_run) {
		herd_rec_start(stdout, 'C');
		herd_rec_fields(stdout, o.run_id);
		herd_rec_fieldnum(stdout, started);
		herd_rec_fields(stdout, o.command);
		herd_rec_fields(stdout, selection);
		herd_rec_end(stdout);
		fflush(stdout);
	}
	ssh_init();
	jobs = xcalloc(hosts.n, sizeof *jobs);
	for (i = 0; i < hosts.n; i++)
		job_init(&jobs[i], &hosts.h[i], &o);
	if (o.dry_run) {
		dry_run(jobs, hosts.n, &o);
		for (i = 0; i < hosts.n; i++)
			job_free(&jobs[i]);
	} else {
		if (!o.ping || o.ping_auth)
			keys_preload(jobs, hosts.n);
		run_all(jobs, hosts.n, &o, &counts);
	}
	if (!o.json && !o.dry_run) {
		herd_rec_start(stdout, 'E');
		herd_rec_fields(stdout, o.run_id);
		herd_rec_fieldnum(stdout, herd_now_ms());
		for (i = 0; i < 4; i++)
			herd_rec_fieldnum(stdout, counts.n[i]);
		herd_rec_end(stdout);
	}
	fflush(stdout);
	free(jobs);
	herd_hostlist_free(&hosts);
	keys_free();
	sshconf_free(o.sshconf);
	free(o.command);
	free(o.remote_command);
	free(o.run_id);
	ssh_finalize();
	if (o.password)
		explicit_bzero(o.password, strlen(o.password));
	if (o.become_password)
		explicit_bzero(o.become_password, strlen(o.become_password));
	free(o.password);
	free(o.become_password);
	herd_strv_free(&o.identities);
	if (interrupted)
		return HERD_EXIT_INTERRUPT;
	if (ferror(stdout))
		return 128 + SIGPIPE;
	return counts.n[S_NONZERO] || counts.n[S_FAILED] || counts.n[S_TIMEOUT] ?
	    HERD_EXIT_HOSTS : HERD_EXIT_OK;
}
