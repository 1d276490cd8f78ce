/*
 * serve-bench: drive a serving herd-run and measure it.
 *   serve-bench [-n N] [-i SECONDS] [-s FLAGS] HOSTFILE COMMAND -- HERD-RUN [ARG...]
 * Starts HERD-RUN ARG... (which must serve: --serve) with pipes on its
 * stdin and stdout, sends it HOSTFILE (H records, as herd-select writes
 * them), then one request (Q) of COMMAND on every host, which opens the
 * connections, and waits for its E.  Then N more requests, one at a time,
 * each sent when the last one's E came; then, with -i, SECONDS without a
 * request.  -s gives the requests' flags ('s': streamed).  Prints on stdout
 * "KEY VALUE..." lines:
 *   hosts H                     hosts in the runs
 *   connect_ms MS OK            the first request: wall, hosts ok
 *   wall_ms MS...               each of the N requests: Q sent to E read
 *   notok K                     hosts not ok over the N requests
 *   cpu_ms MS                   the server's user+sys over the N requests
 *   run_ns NS                   the same from /proc/PID/schedstat
 *   hwm_kb KB                   the server's peak RSS (VmHWM) before idling
 *   idle_cpu_ms MS SECONDS      the server's user+sys while idle
 *   hwm_end_kb KB               its peak RSS at the end
 * The first 10 hosts not ok of each request are said on stderr, with their
 * error; the server's stderr is left as it is.  Exit 0, or 1 if the server ended
 * early or said something other than records, 2 on usage errors.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "records.h"

static const char usage[] =
    "usage: serve-bench [-n N] [-i SECONDS] [-s FLAGS] HOSTFILE COMMAND -- HERD-RUN [ARG...]\n";

struct server {
	pid_t pid;
	FILE *in;		/* its stdin */
	int out;		/* its stdout */
	struct herd_lines lines;
	struct herd_rec rec;
};

static long long
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* user+sys of PID in ms, from /proc/PID/stat (fields 14 and 15). */
static long long
cpu_ms(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(path, "r")))
		err(1, "%s", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "(comm)": state is field 3, utime 14, stime 15 */
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &st) != 2)
		errx(1, "%s: unexpected format", path);
	return (long long)((ut + st) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/* Time on a CPU in ns, from /proc/PID/schedstat. */
static long long
run_ns(pid_t pid)
{
	char path[64];
	long long ns = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%lld", &ns) != 1)
			ns = -1;
		fclose(f);
	}
	return ns;
}

/* A "Key: N kB" line of /proc/PID/status. */
static long long
status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (!(f = fopen(path, "r")))
		err(1, "%s", path);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			kb = strtoll(line + klen + 1, NULL, 10);
	fclose(f);
	return kb;
}

static void
start(struct server *s, char **argv)
{
	int in[2], out[2];

	if (pipe(in) < 0 || pipe(out) < 0)
		err(1, "pipe");
	if ((s->pid = fork()) < 0)
		err(1, "fork");
	if (s->pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			err(127, "dup2");
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		execvp(argv[0], argv);
		err(127, "%s", argv[0]);
	}
	close(in[0]);
	close(out[1]);
	if (!(s->in = fdopen(in[1], "w")))
		err(1, "fdopen");
	s->out = out[0];
}

static void
send_hosts(struct server *s, const char *path)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		err(2, "%s", path);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, s->in);
	fclose(f);
}

static void
send_request(struct server *s, const char *id, const char *command, const char *flags)
{
	struct herd_request q = {
		.id = (char *)id, .kind = "", .command = (char *)command,
		.timeout_ms = -1, .selection = "", .series = "", .compare = "", .seq = -1,
	};

	q.flags = (strchr(flags, 's') ? HERD_REQ_STREAM : 0) |
	    (strchr(flags, 'S') ? HERD_REQ_SUDO : 0);
	herd_request_write(s->in, &q);
	if (fflush(s->in) == EOF)
		err(1, "writing to the server");
}

/*
 * The next record from the server, waiting at most TIMEOUT_MS (-1: for
 * ever): 1, 0 when none came in time, -1 at the end of its output.
 */
static int
next_record(struct server *s, int timeout_ms)
{
	struct pollfd p = { .fd = s->out, .events = POLLIN };
	const char *line;
	size_t len;
	ssize_t n;

	for (;;) {
		while (herd_lines_next(&s->lines, &line, &len))
			if (herd_rec_parse(&s->rec, line, len))
				return 1;
		if (poll(&p, 1, timeout_ms) == 0)
			return 0;
		n = herd_lines_fill(&s->lines, s->out);
		if (n < 0 && errno != EINTR)
			err(1, "reading from the server");
		if (n == 0 && !herd_lines_pending(&s->lines))
			return -1;
	}
}

/* Wait for run ID's E: the hosts that were not ok; *total its hosts. */
static long long
await_end(struct server *s, const char *id, long long *total)
{
	struct herd_end e;
	const char *why;
	long long ok;
	int i, said = 0;

	for (;;) {
		if (next_record(s, -1) < 0)
			errx(1, "the server ended before the E of %s", id);
		if (s->rec.type == 'R' && !strcmp(herd_rec_str(&s->rec, 0), id) &&
		    strcmp(herd_rec_str(&s->rec, 2), "ok") && said++ < 10)
			warnx("%s: %s %s: %s", id, herd_rec_str(&s->rec, 1),
			    herd_rec_str(&s->rec, 2), herd_rec_str(&s->rec, 8));
		if (s->rec.type != 'E' || strcmp(herd_rec_str(&s->rec, 0), id))
			continue;
		if (herd_end_read(&s->rec, &e, &why) < 0)
			errx(1, "E record: %s", why);
		for (*total = 0, i = 0; i < HERD_NSTATUS; i++)
			*total += e.count[i];
		ok = e.count[HERD_OK];
		herd_end_free(&e);
		return *total - ok;
	}
}

/* Idle for SECONDS, reading whatever the server says. */
static void
idle(struct server *s, long long seconds)
{
	long long end = mono_ns() + seconds * 1000000000LL, left;

	while ((left = end - mono_ns()) > 0)
		if (next_record(s, (int)(left / 1000000 + 1)) < 0)
			errx(1, "the server ended while idle");
}

int
main(int argc, char **argv)
{
	struct server s = { 0 };
	long long n = 0, idle_s = 0, total, notok = 0, i, cpu0, ns0, t0, bad;
	const char *flags = "";
	char id[32];
	int c, st;

	while ((c = getopt(argc, argv, "+n:i:s:")) != -1) {
		switch (c) {
		case 'n':
			if (herd_parse_int(optarg, 0, 1000000, &n) < 0)
				errx(2, "-n: expected a number, got %s", optarg);
			break;
		case 'i':
			if (herd_parse_int(optarg, 0, 86400, &idle_s) < 0)
				errx(2, "-i: expected seconds, got %s", optarg);
			break;
		case 's':
			flags = optarg;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4 || strcmp(argv[2], "--")) {
		fputs(usage, stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);	/* a watcher sees each phase end */
	start(&s, argv + 3);
	send_hosts(&s, argv[0]);

	t0 = mono_ns();
	send_request(&s, "bench0", argv[1], flags);
	bad = await_end(&s, "bench0", &total);
	printf("hosts %lld\nconnect_ms %.1f %lld\n", total, (mono_ns() - t0) / 1e6, total - bad);

	cpu0 = cpu_ms(s.pid);
	ns0 = run_ns(s.pid);
	printf("wall_ms");
	for (i = 1; i <= n; i++) {
		snprintf(id, sizeof id, "bench%lld", i);
		t0 = mono_ns();
		send_request(&s, id, argv[1], flags);
		notok += await_end(&s, id, &total);
		printf(" %.2f", (mono_ns() - t0) / 1e6);
	}
	printf("\nnotok %lld\ncpu_ms %lld\nrun_ns %lld\n", notok, cpu_ms(s.pid) - cpu0,
	    run_ns(s.pid) - ns0);
	printf("hwm_kb %lld\n", status_kb(s.pid, "VmHWM"));
	if (idle_s) {
		cpu0 = cpu_ms(s.pid);
		idle(&s, idle_s);
		printf("idle_cpu_ms %lld %lld\n", cpu_ms(s.pid) - cpu0, idle_s);
	}
	printf("hwm_end_kb %lld\n", status_kb(s.pid, "VmHWM"));
	fflush(stdout);

	fclose(s.in);
	while (next_record(&s, -1) >= 0)
		;
	if (waitpid(s.pid, &st, 0) < 0)
		err(1, "waitpid");
	herd_rec_free(&s.rec);
	herd_lines_free(&s.lines);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
