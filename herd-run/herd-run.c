/* herd-run: run a command on every host of the H records read, all at once. */
#include <sys/resource.h>
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "listen.h"
#include "records.h"
#include "run.h"
#include "forward.h"

static const char usage[] =
    "usage: herd-run [options] [--] COMMAND...\n"
    "       herd-run --ping [--auth] [options]\n"
    "       herd-run -G [options] [HOST...]\n"
    "       herd-run --serve [options]\n"
    "       herd-run --forward [BIND:]LPORT:RHOST:RPORT [options]\n"
    "Reads H records (stdin, or -f FILE) and runs COMMAND on the hosts, up to\n"
    "--concurrency at once.\n"
    "\n"
    "  -c, --config FILE        herd config for defaults (concurrency, timeouts)\n"
    "  -F FILE                  ssh_config to use (default ~/.ssh/config, then\n"
    "                           /etc/ssh/ssh_config)\n"
    "  -f, --hosts-file FILE    read H records from FILE instead of stdin\n"
    "  -G                       print each host's settings as ssh -G does, for the\n"
    "                           HOSTs given or the H records read; connect none\n"
    "  -i KEY                   identity file, before ssh_config's (repeatable)\n"
    "  -l USER                  login user for hosts that name none\n"
    "  -o OPTION                an ssh_config line, before the files (repeatable)\n"
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
    "      --stdin-file FILE    send FILE to every command's standard input, then\n"
    "                           EOF (without it, the input is at EOF)\n"
    "      --stream             write output as it arrives, as L records\n"
    "      --output-dir DIR     each host's stdout to the file DIR/HOST (0600),\n"
    "                           renamed into place when it exited 0; the R\n"
    "                           record's stdout is then its size and SHA-256\n"
    "      --output-name NAME   with --output-dir: DIR/HOST/NAME instead\n"
    "      --sudo               run COMMAND with sudo -n (passwordless sudo)\n"
    "      --ask-become-pass    the sudo password (from the terminal, else\n"
    "                           $HERD_BECOME_PASS); sudo -S on a pty\n"
    "      --become-pass-file FILE  the sudo password from FILE's first line\n"
    "                           (mode 0600 or stricter); implies --ask-become-pass\n"
    "      --max-output SIZE    output kept per stream and host (default 16M)\n"
    "      --max-total-output SIZE  output kept by all hosts at once (default 1G)\n"
    "      --selection TEXT     how the hosts were chosen, for the C record\n"
    "      --kind, --series, --seq, --compare TEXT  what the run is and belongs\n"
    "                           to, for the C record (herd-records(5))\n"
    "      --json               one JSON object per host instead of records\n"
    "      --follow             run COMMAND until stopped (tail -F): output streamed\n"
    "                           and not kept, a lost host connected again with\n"
    "                           backoff, each change of a connection said (S)\n"
    "      --resume CMD         --follow: the command run on a host connected again\n"
    "                           (default: COMMAND)\n"
    "      --every DUR          run again every DUR (at least 5s) on the same\n"
    "                           connections, each run after the one before; each\n"
    "                           run is one of a series (kind watch)\n"
    "      --count N            --every: stop after N runs\n"
    "      --until-change       --every: stop after a run in which a host's result\n"
    "                           differs from its run before\n"
    "      --until-ok           --every: stop after a run in which every host is ok\n"
    "      --ignore REGEX       --until-change: what REGEX matches does not count\n"
    "                           (PCRE2, repeatable)\n"
    "      --ping               no command: time the TCP connection and SSH banner\n"
    "      --auth               with --ping: also log in\n"
    "      --dry-run            show each host's connection settings, connect none\n"
    "      --serve              read H records and requests (Q, X) on stdin, keep\n"
    "                           one connection per host across them, write each\n"
    "                           request's run and the connections' state (S)\n"
    "      --keepalive DUR      --serve: probe an idle connection this often\n"
    "                           (default 30s; 0 = never)\n"
    "      --socket PATH        --serve: the clients of a unix socket (the mux),\n"
    "                           not stdin and stdout; the peer must be this user\n"
    "      --idle-timeout DUR   --socket: stop after DUR without client or run\n"
    "                           (default 10m; 0 = never); --mux: the mux started's\n"
    "      --forward [BIND:]LPORT:RHOST:RPORT  no command: a local port per host\n"
    "                           (LPORT, LPORT+1, ... in host order) forwarded to\n"
    "                           RHOST:RPORT from the host, until stopped; a lost\n"
    "                           host connected again with backoff (S records)\n"
    "      --mux auto|no|PATH   hand the run to the mux of these SSH settings\n"
    "                           (auto: started if none runs; default no)\n"
    "  -h, --help               this help\n"
    "Exit status: 0 all hosts ok, 1 some host non-zero/failed/timed out,\n"
    "2 usage or config error, 3 system error, 130 interrupted, 141 output closed.\n"
    "See herd-run(1).\n";

static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGINT)
		interrupted = sig;
	else
		terminated = interrupted = sig;
	if (wake[1] >= 0)
		(void)!write(wake[1], "", 1);
	errno = saved;
}

static size_t
parse_size(const char *opt, const char *s)
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
		errx(HERD_EXIT_USAGE, "%s: expected a size such as 16M, got %s", opt, s);
	return (size_t)(v << shift);
}

/* --ask-become-pass: a prompt sudo's own words never contain. */
static void
make_become_prompt(struct options *o)
{
	snprintf(o->become_prompt, sizeof o->become_prompt, "[herd-sudo:%08x%08x]",
	    arc4random(), arc4random());
}

/* --become-pass-file: its first line, from a file only its owner can read. */
static char *
pass_from_file(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct stat st;
	FILE *f = fopen(path, "re");

	if (!f)
		err(HERD_EXIT_USAGE, "--become-pass-file: %s", path);
	if (fstat(fileno(f), &st) < 0)
		err(HERD_EXIT_RUNTIME, "--become-pass-file: %s", path);
	if (st.st_mode & 077)
		errx(HERD_EXIT_USAGE, "--become-pass-file: %s: permissions %04o are too "
		    "open; chmod 600 it", path, (unsigned)(st.st_mode & 07777));
	if ((n = getline(&line, &cap, f)) < 0) {
		if (ferror(f))
			err(HERD_EXIT_RUNTIME, "--become-pass-file: %s", path);
		errx(HERD_EXIT_USAGE, "--become-pass-file: %s is empty", path);
	}
	fclose(f);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* The sudo password: the file, else $HERD_BECOME_PASS, else the terminal. */
static void
become_password(struct options *o, const char *file)
{
	const char *env = getenv("HERD_BECOME_PASS");

	if (file)
		o->become_password = pass_from_file(file);
	else if (env)
		o->become_password = xstrdup(env);
	else if (!(o->become_password = ask_secret("BECOME password: ")))
		errx(HERD_EXIT_USAGE, "--ask-become-pass needs a terminal to ask on "
		    "(or --become-pass-file, or HERD_BECOME_PASS)");
}

/*
 * --stdin-file, sent to every host's command: a regular file is read where
 * each host's part is sent (never held whole: 100 MiB to 20 hosts took
 * 139 MB); anything else (a pipe) is read once, here.
 */
static void
open_stdin_file(struct options *o)
{
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int fd = open(o->stdin_file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		err(HERD_EXIT_USAGE, "--stdin-file: %s", o->stdin_file);
	if (S_ISREG(st.st_mode)) {
		o->stdin_fd = fd;
		o->stdin_len = (size_t)st.st_size;
		return;
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err(HERD_EXIT_RUNTIME, "--stdin-file: %s", o->stdin_file);
		herd_buf_add(&o->stdin_data, chunk, (size_t)n);
	}
	close(fd);
	o->stdin_len = o->stdin_data.len;
}

/* All of --stdin-file, for a mux request: to free. */
static char *
stdin_file_data(const struct options *o)
{
	char *p = xmalloc(o->stdin_len + 1);
	size_t off = 0;
	ssize_t n;

	if (o->stdin_fd < 0) {
		memcpy(p, o->stdin_data.p ? o->stdin_data.p : "", o->stdin_len);
		return p;
	}
	while (off < o->stdin_len && (n = pread(o->stdin_fd, p + off, o->stdin_len - off,
	    (off_t)off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err(HERD_EXIT_RUNTIME, "--stdin-file: %s", o->stdin_file);
		off += (size_t)n;
	}
	if (off < o->stdin_len)
		errx(HERD_EXIT_RUNTIME, "--stdin-file: %s: shorter than when opened",
		    o->stdin_file);
	return p;
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

/* -G HOST...: hosts as herd-select takes them, [user@]host[:port]. */
static void
hosts_from_args(int argc, char **argv, struct herd_hostlist *hosts)
{
	const char *why;
	int i;

	for (i = 0; i < argc; i++)
		if (herd_host_parse(argv[i], herd_hostlist_add(hosts), &why) < 0)
			errx(HERD_EXIT_USAGE, "-G %s: %s", herd_safe(argv[i]), why);
}

static void
load_config(struct options *o, const char *path)
{
	struct herd_config cfg;
	char *why;

	herd_conf_load_or_die(&cfg, path);
	if (o->concurrency < 0)
		o->concurrency = herd_conf_concurrency(&cfg);
	o->default_timeout_ms = herd_conf_timeout_ms(&cfg);
	o->config_timeout = cfg.defaults.timeout_ms >= 0;
	o->default_connect_timeout_ms = herd_conf_connect_timeout_ms(&cfg);
	o->mux_config = xstrdup(herd_conf_mux(&cfg));
	herd_conf_free(&cfg);
	if (!(o->sshconf = sshconf_load(o->ssh_config, &o->ssh_options, &why)))
		errx(HERD_EXIT_USAGE, "ssh config: %s", why);
}

/* Serving, Ctrl-C is the client's: it sends a cancel. */
static void
setup_signals(int serve)
{
	struct sigaction sa = { 0 };

	signal(SIGPIPE, SIG_IGN);
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (serve)
		signal(SIGINT, SIG_IGN);
	else
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void
free_options(struct options *o)
{
	keys_free();
	sshconf_free(o->sshconf);
	free(o->command);
	free(o->mux_config);
	herd_buf_free(&o->stdin_data);
	if (o->stdin_fd >= 0)
		close(o->stdin_fd);
	if (o->password)
		explicit_bzero(o->password, strlen(o->password));
	if (o->become_password)
		explicit_bzero(o->become_password, strlen(o->become_password));
	free(o->password);
	free(o->become_password);
	herd_strv_free(&o->identities);
	herd_strv_free(&o->ssh_options);
}

/* The exit status; a write error on the output ends here, before exit's own checks. */
static int
finish(const long long *total, int out_errno)
{
	if (interrupted)
		return HERD_EXIT_INTERRUPT;
	if (out_errno || ferror(stdout) || fflush(stdout) != 0) {
		if (!out_errno)
			out_errno = errno;
		proxy_cleanup();
		if (out_errno == EPIPE)
			_exit(128 + SIGPIPE);
		errno = out_errno;
		warn("writing the output");
		_exit(HERD_EXIT_RUNTIME);
	}
	return total[S_NONZERO] || total[S_FAILED] || total[S_TIMEOUT] ?
	    HERD_EXIT_HOSTS : HERD_EXIT_OK;
}

/* The secrets, asked before any connection (and before serving). */
static void
ask_secrets(struct options *o, const char *pass_file)
{
	if (o->ask_pass && !(o->password = ask_secret("SSH password: ")))
		errx(HERD_EXIT_USAGE, "--ask-pass needs a terminal to ask on");
	if (o->ask_become_pass && !o->ping)
		become_password(o, pass_file);
}

/*
 * --forward: the ports bound before anything connects (one in use: exit 3),
 * then forwarded until stopped.
 */
static int
forward_mode(struct engine *e, const char *opt_config, FILE *in, const char *pass_file)
{
	struct options *o = e->opts;
	struct herd_hostlist hosts = { 0 };
	struct client *cl;
	char *why;
	int code, out_err;

	load_config(o, opt_config);
	if (in == stdin)
		herd_refuse_tty(stdin, "pipe herd-select into it, or give the H records "
		    "with -f FILE");
	setup_signals(0);
	ask_secrets(o, pass_file);
	cl = client_new(e, -1, STDOUT_FILENO);
	herd_rec_header(cl->out.f);
	read_hosts(in, &hosts, cl->out.f);
	if (in != stdin)
		fclose(in);
	if ((code = forward_listen(e->forward, &hosts, &why)) != 0)
		errx(code, "%s", why);
	fit_file_limit(o, hosts.n);
	ssh_init();
	forward_start(e, &hosts, cl);
	keys_preload(e->conns, e->nconns);
	engine_loop(e);
	forward_end(e);
	outq_flush_all(&cl->out);
	out_err = cl->out.err;
	forward_free(e->forward);
	e->forward = NULL;
	engine_free(e);
	herd_hostlist_free(&hosts);
	code = finish(e->total, out_err);
	free_options(o);
	ssh_finalize();
	return code;
}

/* --serve: requests on stdin, records on stdout, until stdin ends. */
static int
serve(struct options *o, const char *socket_path, long long idle_timeout_ms)
{
	struct engine e = { .opts = o, .keep = 1, .listen_fd = -1 };
	struct client *cl = NULL;
	struct rlimit rl;
	int out_err = 0;
	char *why;

	/* Kept connections are descriptors: as many as the hard limit allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (socket_path) {
		if ((e.listen_fd = listen_open(socket_path, idle_timeout_ms, &why)) < 0)
			errx(HERD_EXIT_RUNTIME, "%s", why);
		e.idle_timeout_ms = idle_timeout_ms;
	}
	ssh_init();
	if (!socket_path) {
		cl = client_new(&e, STDIN_FILENO, STDOUT_FILENO);
		herd_rec_header(cl->out.f);
	}
	engine_loop(&e);
	if (cl) {
		outq_flush_all(&cl->out);
		out_err = cl->out.err;
	}
	if (socket_path)
		listen_close(e.listen_fd, socket_path);
	engine_free(&e);
	ssh_finalize();
	if (terminated && !socket_path)
		return HERD_EXIT_INTERRUPT;
	if (out_err && out_err != EPIPE) {
		errno = out_err;
		warn("writing the output");
		return HERD_EXIT_RUNTIME;
	}
	return HERD_EXIT_OK;
}

/*
 * --mux: a run the mux can take (a command, no secret to ask, nothing only
 * shown) goes to it.
 */
static int
muxable(const struct options *o, const char *mode)
{
	return strcmp(mode, "no") && !o->ping && !o->dry_run && !o->show_config &&
	    !o->ask_pass && !o->ask_become_pass && !o->every && !o->follow &&
	    (!*o->kind || !strcmp(o->kind, "exec"));
}

/* The run through the mux: its exit status, or -1 when there is none to use. */
static int
by_mux(struct options *o, const char *mode, const char *config,
    long long idle_timeout_ms, FILE *in, int records)
{
	struct herd_mux_settings ms = {
		.config = config, .ssh_config = o->ssh_config,
		.identities = o->identities.v, .nidentities = o->identities.n,
		.options = o->ssh_options.v, .noptions = o->ssh_options.n,
		.user = o->user, .port = o->port, .accept_new = o->accept_new,
		.insecure = o->insecure, .connect_timeout_ms = o->connect_timeout_ms,
	};
	struct herd_hostlist hosts = { 0 };
	struct mux_request req = {
		.command = o->command, .timeout_ms = o->timeout_ms, .stream = o->stream,
		.sudo = o->sudo, .json = o->json,
		.stdin_len = o->stdin_len, .selection = o->selection, .kind = o->kind,
		.series = o->series, .compare = o->compare, .seq = o->seq,
	};
	int fd = mux_client_open(mode, &ms, idle_timeout_ms), rc;
	char *data = NULL;

	if (fd < 0)
		return -1;
	if (o->stdin_file)
		req.stdin_data = data = stdin_file_data(o);
	if (records)
		herd_rec_header(stdout);
	read_hosts(in, &hosts, records ? stdout : NULL);
	if (in != stdin)
		fclose(in);
	if (fflush(stdout) != 0)
		err(HERD_EXIT_RUNTIME, "writing the output");
	req.hosts = hosts.h;
	req.nhosts = hosts.n;
	rc = mux_client_run(fd, &req);
	herd_hostlist_free(&hosts);
	free(data);
	return rc;
}

/* The one run of COMMAND (or --ping) on the hosts read; with --every, each of them. */
struct run *
one_run(struct engine *e, struct client *cl, const struct herd_hostlist *hosts)
{
	struct options *o = e->opts;
	long long started = herd_now_ms();
	struct herd_run c = {
		.id = herd_run_id_new(started), .started_ms = started,
		.command = o->command, .selection = (char *)o->selection,
		.kind = (char *)(o->ping && !*o->kind ? "ping" : o->kind),
		.series = (char *)o->series, .seq = o->seq, .compare = (char *)o->compare,
	};
	struct run *r = engine_run_new(e, cl, &c);
	struct conn *conn;
	char *why, *name;
	size_t i;

	free(c.id);
	r->timeout_ms = o->timeout_ms;
	r->stream = o->stream;
	r->sudo = o->sudo;
	r->has_stdin = o->stdin_file != NULL;
	r->stdin_p = o->stdin_data.p;
	r->stdin_fd = o->stdin_fd;
	r->stdin_len = o->stdin_len;
	r->remote_command = sudo_wrap(o->command, o->sudo, o);
	for (i = 0; i < hosts->n; i++) {
		if (!(conn = engine_conn(e, &hosts->h[i], &why))) {
			name = herd_safe(hosts->h[i].name);
			errx(HERD_EXIT_USAGE, "ssh config: %s: %s", name, why);
		}
		engine_run_add(e, r, conn);
	}
	return r;
}

int
main(int argc, char **argv)
{
	enum {
		OPT_CONC = 256, OPT_TIMEOUT, OPT_CTIMEOUT, OPT_ACCEPT, OPT_INSECURE,
		OPT_ASKPASS, OPT_SUDO, OPT_BECOME, OPT_BECOMEFILE, OPT_MAXOUT,
		OPT_MAXTOTAL, OPT_JSON, OPT_SELECTION, OPT_PING, OPT_AUTH, OPT_DRYRUN,
		OPT_KIND, OPT_SERIES, OPT_SEQ, OPT_COMPARE, OPT_STREAM, OPT_STDIN,
		OPT_OUTDIR, OPT_OUTNAME,
		OPT_SERVE, OPT_KEEPALIVE, OPT_SOCKET, OPT_IDLE, OPT_MUX, OPT_EVERY,
		OPT_COUNT, OPT_UNTILCHANGE, OPT_UNTILOK, OPT_IGNORE, OPT_FOLLOW, OPT_RESUME,
		OPT_FORWARD,
	};
	static const struct option longopts[] = {
		{ "accept-new", no_argument, NULL, OPT_ACCEPT },
		{ "ask-become-pass", no_argument, NULL, OPT_BECOME },
		{ "ask-pass", no_argument, NULL, OPT_ASKPASS },
		{ "auth", no_argument, NULL, OPT_AUTH },
		{ "become-pass-file", required_argument, NULL, OPT_BECOMEFILE },
		{ "compare", required_argument, NULL, OPT_COMPARE },
		{ "concurrency", required_argument, NULL, OPT_CONC },
		{ "config", required_argument, NULL, 'c' },
		{ "connect-timeout", required_argument, NULL, OPT_CTIMEOUT },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "dry-run", no_argument, NULL, OPT_DRYRUN },
		{ "every", required_argument, NULL, OPT_EVERY },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "forward", required_argument, NULL, OPT_FORWARD },
		{ "help", no_argument, NULL, 'h' },
		{ "hosts-file", required_argument, NULL, 'f' },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "ignore", required_argument, NULL, OPT_IGNORE },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "max-output", required_argument, NULL, OPT_MAXOUT },
		{ "max-total-output", required_argument, NULL, OPT_MAXTOTAL },
		{ "mux", required_argument, NULL, OPT_MUX },
		{ "ping", no_argument, NULL, OPT_PING },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "selection", required_argument, NULL, OPT_SELECTION },
		{ "seq", required_argument, NULL, OPT_SEQ },
		{ "series", required_argument, NULL, OPT_SERIES },
		{ "serve", no_argument, NULL, OPT_SERVE },
		{ "stdin-file", required_argument, NULL, OPT_STDIN },
		{ "output-dir", required_argument, NULL, OPT_OUTDIR },
		{ "output-name", required_argument, NULL, OPT_OUTNAME },
		{ "stream", no_argument, NULL, OPT_STREAM },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "sudo", no_argument, NULL, OPT_SUDO },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "until-change", no_argument, NULL, OPT_UNTILCHANGE },
		{ "until-ok", no_argument, NULL, OPT_UNTILOK },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .stdin_fd = -1 };
	struct herd_hostlist hosts = { 0 };
	struct engine e = { .opts = &o, .listen_fd = -1 };
	const char *opt_config = NULL, *hosts_file = NULL, *pass_file = NULL;
	const char *socket_path = NULL, *mux_mode = NULL, *resume = NULL;
	const char *forward = NULL;
	long long idle_timeout_ms = HERD_MUX_IDLE_MS;
	struct herd_strv ignore = { 0 };
	struct every_opts eo = { .interval_ms = -1, .count = -1, .ignore = &ignore };
	struct client *cl = NULL;
	struct run *run;
	char *why = NULL;
	long long v;
	FILE *in = stdin;
	int c, records, out_err, code, follow = 0;

	herd_init(argv[0]);
#ifdef M_MMAP_THRESHOLD
	/* Output buffers mapped, not on the heap: they grow in place, and their
	 * memory goes back when the host is done. */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
	o.timeout_ms = o.connect_timeout_ms = -1;
	o.concurrency = -1;
	o.max_output = 16 << 20;
	o.max_total_output = (size_t)1 << 30;
	o.selection = o.kind = o.series = o.compare = "";
	o.seq = -1;
	o.keepalive_ms = 30000;
	while ((c = getopt_long(argc, argv, "+c:F:f:Ghi:l:o:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt_config = optarg; break;
		case 'F': o.ssh_config = optarg; break;
		case 'f': hosts_file = optarg; break;
		case 'G': o.show_config = 1; break;
		case 'h':
			fputs(usage, stdout);
			return HERD_EXIT_OK;
		case 'i': herd_strv_add(&o.identities, optarg); break;
		case 'l':
			if (!herd_valid_user(optarg))
				errx(HERD_EXIT_USAGE, "-l: bad user name %s", herd_safe(optarg));
			o.user = optarg;
			break;
		case 'o': herd_strv_add(&o.ssh_options, optarg); break;
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
		case OPT_TIMEOUT: o.timeout_ms = herd_duration_arg("--timeout", optarg); break;
		case OPT_CTIMEOUT:
			o.connect_timeout_ms = herd_duration_arg("--connect-timeout", optarg);
			if (o.connect_timeout_ms == 0)
				errx(HERD_EXIT_USAGE, "--connect-timeout must be more than 0");
			break;
		case OPT_ACCEPT: o.accept_new = 1; break;
		case OPT_INSECURE: o.insecure = 1; break;
		case OPT_ASKPASS: o.ask_pass = 1; break;
		case OPT_SUDO: o.sudo = 1; break;
		case OPT_BECOME: o.ask_become_pass = 1; break;
		case OPT_BECOMEFILE:
			o.ask_become_pass = 1;
			pass_file = optarg;
			break;
		case OPT_MAXOUT: o.max_output = parse_size("--max-output", optarg); break;
		case OPT_MAXTOTAL:
			o.max_total_output = parse_size("--max-total-output", optarg);
			break;
		case OPT_JSON: o.json = 1; break;
		case OPT_SELECTION: o.selection = optarg; break;
		case OPT_KIND: o.kind = optarg; break;
		case OPT_STREAM: o.stream = 1; break;
		case OPT_SERVE: o.serve = 1; break;
		case OPT_SOCKET: socket_path = optarg; break;
		case OPT_MUX: mux_mode = optarg; break;
		case OPT_IDLE: idle_timeout_ms = herd_duration_arg("--idle-timeout", optarg); break;
		case OPT_KEEPALIVE: o.keepalive_ms = herd_duration_arg("--keepalive", optarg); break;
		case OPT_STDIN: o.stdin_file = optarg; break;
		case OPT_OUTDIR: o.output_dir = optarg; break;
		case OPT_OUTNAME: o.output_name = optarg; break;
		case OPT_SERIES: o.series = optarg; break;
		case OPT_COMPARE: o.compare = optarg; break;
		case OPT_SEQ:
			if (herd_parse_int(optarg, 0, INT64_MAX, &o.seq) < 0)
				errx(HERD_EXIT_USAGE, "--seq: expected a number, got %s",
				    herd_safe(optarg));
			break;
		case OPT_EVERY: eo.interval_ms = herd_duration_arg("--every", optarg); break;
		case OPT_COUNT:
			if (herd_parse_int(optarg, 1, INT64_MAX, &eo.count) < 0)
				errx(HERD_EXIT_USAGE, "--count: expected a number of runs, "
				    "got %s", herd_safe(optarg));
			break;
		case OPT_UNTILCHANGE: eo.until_change = 1; break;
		case OPT_UNTILOK: eo.until_ok = 1; break;
		case OPT_IGNORE: herd_strv_add(&ignore, optarg); break;
		case OPT_FOLLOW: follow = 1; break;
		case OPT_RESUME: resume = optarg; break;
		case OPT_FORWARD: forward = optarg; break;
		case OPT_PING: o.ping = 1; break;
		case OPT_AUTH: o.ping_auth = 1; break;
		case OPT_DRYRUN: o.dry_run = 1; break;
		default: herd_usage_exit(usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.serve && (argc || o.json || o.ping || o.dry_run || o.show_config ||
	    o.stdin_file || hosts_file || o.stream || eo.interval_ms >= 0 || follow ||
	    o.output_dir))
		errx(HERD_EXIT_USAGE, "--serve takes its hosts and commands as records on "
		    "stdin: no COMMAND, -f, -G, --json, --ping, --dry-run, --stream, "
		    "--stdin-file, --every, --follow or --output-dir");
	if (resume && !follow)
		errx(HERD_EXIT_USAGE, "--resume goes with --follow");
	if (follow && (o.json || o.ping || o.stdin_file || o.ask_become_pass ||
	    eo.interval_ms >= 0 || o.seq >= 0))
		errx(HERD_EXIT_USAGE, "--follow writes records, and keeps the commands' "
		    "standard input: not with --json, --ping, --stdin-file, "
		    "--ask-become-pass, --every or --seq");
	if (resume && !*resume)
		errx(HERD_EXIT_USAGE, "--resume: the command must not be empty");
	if (socket_path && !o.serve)
		errx(HERD_EXIT_USAGE, "--socket goes with --serve");
	if (forward && (argc || o.serve || o.json || o.ping || o.dry_run || o.show_config ||
	    o.stdin_file || o.stream || o.sudo || o.ask_become_pass || o.output_dir ||
	    eo.interval_ms >= 0 || follow || mux_mode))
		errx(HERD_EXIT_USAGE, "--forward runs no command and writes records: not "
		    "with COMMAND, --serve, --json, --ping, --dry-run, -G, --stdin-file, "
		    "--stream, --sudo, --ask-become-pass, --output-dir, --every, --follow "
		    "or --mux");
	if (forward) {
		if (!(e.forward = forward_new(forward, &why)))
			errx(HERD_EXIT_USAGE, "%s", why);
		e.keep = 1;
		o.command = xstrdup(e.forward->text);
		if (hosts_file && !(in = fopen(hosts_file, "r")))
			err(HERD_EXIT_USAGE, "%s", hosts_file);
		return forward_mode(&e, opt_config, in, pass_file);
	}
	if (o.serve) {
		load_config(&o, opt_config);
		if (o.ask_become_pass)
			make_become_prompt(&o);
		ask_secrets(&o, pass_file);
		if (!socket_path)
			herd_refuse_tty(stdin, "herd-run --serve reads requests as records "
			    "(herd-records(5))");
		setup_signals(1);
		c = serve(&o, socket_path, idle_timeout_ms);
		free_options(&o);
		return c;
	}
	if (o.ping_auth && !o.ping)
		errx(HERD_EXIT_USAGE, "--auth goes with --ping");
	if (o.ping && argc)
		errx(HERD_EXIT_USAGE, "--ping runs no command");
	if (o.stream && (o.ping || o.ask_become_pass))
		errx(HERD_EXIT_USAGE, "--stream goes with neither --ping nor "
		    "--ask-become-pass");
	if (o.stdin_file && (o.ping || o.ask_become_pass))
		errx(HERD_EXIT_USAGE, "--stdin-file goes with neither --ping nor "
		    "--ask-become-pass");
	if (o.output_name && !o.output_dir)
		errx(HERD_EXIT_USAGE, "--output-name goes with --output-dir");
	if (o.output_name && !fileout_name_ok(o.output_name))
		errx(HERD_EXIT_USAGE, "--output-name: a relative path without empty, . or "
		    ".. parts, not %s", o.output_name);
	if (o.output_dir && (o.ping || o.ask_become_pass || o.stream || follow ||
	    eo.interval_ms >= 0 || !*o.output_dir))
		errx(HERD_EXIT_USAGE, "--output-dir %s", *o.output_dir ? "goes with none of "
		    "--ping, --ask-become-pass, --stream, --every, --follow" :
		    "must not be empty");
	if (!(o.every = every_new(&eo, &o, &why)) && why)
		errx(HERD_EXIT_USAGE, "%s", why);
	herd_strv_free(&ignore);
	e.every = o.every;
	e.keep = o.every != NULL;
	if (o.stdin_file)
		open_stdin_file(&o);
	if (o.show_config && (o.ping || o.dry_run))
		errx(HERD_EXIT_USAGE, "-G goes with neither --ping nor --dry-run");
	if (argc == 0 && !o.ping && !o.show_config) {
		warnx("no command given");
		herd_usage_exit(usage);
	}
	o.command = o.show_config ? xstrdup("") : o.ping ?
	    xstrdup(o.ping_auth ? "ping --auth" : "ping") : join_args(argc, argv);
	if (follow && !o.dry_run && !o.show_config) {
		o.follow = e.follow = follow_new(&o, resume);
		e.keep = 1;
		o.stream = 1;
	}
	load_config(&o, opt_config);
	if (o.ask_become_pass)
		make_become_prompt(&o);
	if (o.insecure && !o.show_config)
		warnx("--insecure: host keys are not checked; anyone on the path can "
		    "impersonate these hosts (a changed key is still refused)");
	if (o.show_config && argc) {
		hosts_file = NULL;
		hosts_from_args(argc, argv, &hosts);
	} else if (hosts_file && !(in = fopen(hosts_file, "r"))) {
		err(HERD_EXIT_USAGE, "%s", hosts_file);
	}
	if (in == stdin && !(o.show_config && argc))
		herd_refuse_tty(stdin, "pipe herd-select into it, or give the H records "
		    "with -f FILE");
	setup_signals(0);
	if (!o.dry_run && !o.show_config)
		ask_secrets(&o, pass_file);
	records = !o.json && !o.dry_run && !o.show_config;
	if (!mux_mode)
		mux_mode = o.mux_config;	/* defaults.mux, else no */
	if (muxable(&o, mux_mode) &&
	    (c = by_mux(&o, mux_mode, opt_config, idle_timeout_ms, in, records)) >= 0) {
		free_options(&o);
		return c;
	}
	if (records || o.json)
		cl = client_new(&e, -1, STDOUT_FILENO);
	if (records)
		herd_rec_header(cl->out.f);
	if (!(o.show_config && argc))
		read_hosts(in, &hosts, records ? cl->out.f : NULL);
	if (in != stdin)
		fclose(in);
	/* a follow never ends: every host at once */
	if (o.follow && o.concurrency < (long long)hosts.n)
		o.concurrency = (long long)hosts.n;
	if (records || o.json)
		fit_file_limit(&o, hosts.n);
	ssh_init();
	if (o.every) {
		/* each run started by the loop when its time comes (every.c) */
		every_hosts(o.every, &hosts, cl);
		engine_loop(&e);
		outq_flush_all(&cl->out);
	} else if (o.follow) {
		follow_start(&e, &hosts, cl);
		keys_preload(e.conns, e.nconns);
		engine_loop(&e);
		outq_flush_all(&cl->out);
	} else if (o.dry_run || o.show_config) {
		run = one_run(&e, cl, &hosts);
		if (o.dry_run)
			dry_run(run, &o);
		else
			show_config(run);
		engine_run_free(run);
	} else {
		run = one_run(&e, cl, &hosts);
		if (!o.ping || o.ping_auth)
			keys_preload(e.conns, e.nconns);
		engine_run_start(&e, run);
		engine_loop(&e);
		outq_flush_all(&cl->out);
	}
	out_err = cl ? cl->out.err : 0;
	engine_free(&e);
	herd_hostlist_free(&hosts);
	code = finish(o.every ? every_counts(o.every) : e.total, out_err);
	every_free(o.every);
	follow_free(o.follow);
	free_options(&o);
	ssh_finalize();
	return code;
}
