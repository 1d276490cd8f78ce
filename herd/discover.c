/*
 * herd discover --cidr CIDR: the SSH servers of an address range.  The
 * range's addresses become H records on the standard input of
 *   herd-run --ping --concurrency N --connect-timeout DUR
 * which connects to each and reads the server's version line (no login);
 * a host answering with an "SSH-" line is found.  --save GROUP adds the
 * hosts found to that group of the config (lib/conf_edit.c: a textual
 * edit that keeps the user's comments, order and formatting), written to
 * a temporary file beside it and renamed into place.
 */
#include <arpa/inet.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "records.h"
#include "verb.h"

#define MAX_PLAIN (1LL << 16)	/* addresses scanned without --force */
#define MAX_FORCE (1LL << 20)	/* ... and with it */

struct found {
	long long ms;
	char *banner;		/* NULL: not found */
};

struct scan {
	const char *cidr, *group, *config;
	struct herd_strv tags;
	long long port, concurrency, timeout_ms;
	int force;
	struct herd_strv addrs;	/* in address order */
	struct herd_map index;	/* address -> its index */
	struct found *found;
};

static const char *
own(const struct args *a, const char *name)
{
	size_t i;

	for (i = a->nopt; i-- > 0;)
		if ((a->opt[i].opt->set & O_DISCOVER) && !strcmp(a->opt[i].opt->name, name))
			return a->opt[i].value ? a->opt[i].value : "";
	return NULL;
}

/* IPv4: the hosts of the range, without its network and broadcast addresses. */
static void
expand4(struct scan *s, const struct in_addr *in, long long prefix)
{
	unsigned long long n = 1ULL << (32 - prefix), i, first = 0, last = n - 1;
	uint32_t base = ntohl(in->s_addr) & (prefix ? ~0U << (32 - prefix) : 0);
	char text[INET_ADDRSTRLEN];
	struct in_addr a;

	if (prefix <= 30) {
		first = 1;	/* the network */
		last = n - 2;	/* the broadcast */
	}
	for (i = first; i <= last; i++) {
		a.s_addr = htonl(base + (uint32_t)i);
		herd_strv_add(&s->addrs, inet_ntop(AF_INET, &a, text, sizeof text));
	}
}

/* IPv6: the hosts of the range, without its subnet-router (network) address. */
static void
expand6(struct scan *s, const struct in6_addr *in, long long prefix)
{
	unsigned long long n = 1ULL << (128 - prefix), i;
	char text[INET6_ADDRSTRLEN];
	struct in6_addr base = *in, a;
	unsigned carry, v;
	int b;

	for (b = 0; b < 16; b++)
		if (b * 8 >= prefix)
			base.s6_addr[b] &= prefix > b * 8 ? (unsigned char)(0xff << (8 -
			    (prefix - b * 8))) : 0;
	for (i = prefix <= 126; i < n; i++) {
		a = base;
		carry = 0;
		for (b = 15; b >= 0 && (15 - b < 8 || carry); b--) {
			v = a.s6_addr[b] + carry;
			if (15 - b < 8)
				v += (unsigned)((i >> (8 * (15 - b))) & 0xff);
			a.s6_addr[b] = (unsigned char)v;
			carry = v >> 8;
		}
		herd_strv_add(&s->addrs, inet_ntop(AF_INET6, &a, text, sizeof text));
	}
}

/* CIDR's addresses into s->addrs; exits on a bad or too large range. */
static void
expand(struct scan *s)
{
	const char *slash = strchr(s->cidr, '/');
	char *addr = slash ? xstrndup(s->cidr, (size_t)(slash - s->cidr)) : xstrdup(s->cidr);
	struct in6_addr a6;
	struct in_addr a4;
	long long prefix, bits, n;
	int v6 = 0;

	if (inet_pton(AF_INET, addr, &a4) != 1) {
		v6 = inet_pton(AF_INET6, addr, &a6) == 1;
		free(addr);
		addr = NULL;
		if (!v6)
			errx(HERD_EXIT_USAGE, "discover: --cidr %s: expected an address/prefix "
			    "such as 192.168.1.0/24 or fd00::/120", shown(s->cidr));
	}
	free(addr);
	bits = v6 ? 128 : 32;
	prefix = bits;
	if (slash && herd_parse_int(slash + 1, 0, bits, &prefix) < 0)
		errx(HERD_EXIT_USAGE, "discover: --cidr %s: the prefix length must be 0 to %lld",
		    shown(s->cidr), bits);
	n = bits - prefix >= 62 ? -1 : 1LL << (bits - prefix);	/* -1: too many to count */
	if ((n < 0 || n > MAX_PLAIN) && !s->force) {
		if (n < 0)
			errx(HERD_EXIT_USAGE, "discover: --cidr %s: 2^%lld addresses; more than "
			    "%lld need --force", shown(s->cidr), bits - prefix, MAX_PLAIN);
		errx(HERD_EXIT_USAGE, "discover: --cidr %s: %lld addresses; more than %lld "
		    "need --force", shown(s->cidr), n, MAX_PLAIN);
	}
	if (n < 0 || n > MAX_FORCE)
		errx(HERD_EXIT_USAGE, "discover: --cidr %s: too many addresses (more than "
		    "%lld, even with --force)", shown(s->cidr), MAX_FORCE);
	if (v6)
		expand6(s, &a6, prefix);
	else
		expand4(s, &a4, prefix);
}

static void
check_tags(struct scan *s, const char *list)
{
	const char *p, *end;
	char *tag;

	for (p = list; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		tag = xstrndup(p, (size_t)(end - p));
		if (!herd_valid_name(tag)) {
			warnx("discover: --tag: \"%s\": use letters, digits, '_' and '-' only",
			    shown(tag));
			free(tag);
			exit(HERD_EXIT_USAGE);
		}
		herd_strv_add(&s->tags, tag);
		free(tag);
	}
}

static void
options(struct scan *s, const struct args *a)
{
	const char *v;

	memset(s, 0, sizeof *s);
	s->port = 22;
	s->concurrency = 256;
	s->timeout_ms = 2000;
	s->force = own(a, "force") != NULL;
	s->config = args_value(a, "config");
	if (a->words.n || a->after.n)
		errx(HERD_EXIT_USAGE, "discover: no operands: give the range with --cidr");
	if (!(s->cidr = own(a, "cidr")) || !*s->cidr)
		errx(HERD_EXIT_USAGE, "discover: give the range with --cidr CIDR; see herd "
		    "help discover");
	if ((v = own(a, "port")) && herd_parse_int(v, 1, 65535, &s->port) < 0)
		errx(HERD_EXIT_USAGE, "discover: --port: expected 1 to 65535, got %s", shown(v));
	if ((v = own(a, "concurrency")) && herd_parse_int(v, 1, 4096, &s->concurrency) < 0)
		errx(HERD_EXIT_USAGE, "discover: --concurrency: expected 1 to 4096, got %s",
		    shown(v));
	if ((v = own(a, "timeout")) && (herd_parse_duration(v, &s->timeout_ms) < 0 ||
	    s->timeout_ms <= 0))
		errx(HERD_EXIT_USAGE, "discover: --timeout: expected a duration such as 2s "
		    "or 500ms, got %s", shown(v));
	if ((s->group = own(a, "save")) && !herd_valid_name(s->group))
		errx(HERD_EXIT_USAGE, "discover: --save: \"%s\": a group name has letters, "
		    "digits, '_' and '-' only", shown(s->group));
	if ((v = own(a, "tag"))) {
		if (!s->group)
			errx(HERD_EXIT_USAGE, "discover: --tag goes with --save GROUP");
		check_tags(s, v);
	}
}

/* The H records of the addresses, in an unlinked temporary file read from its start. */
static int
host_records(struct scan *s)
{
	struct herd_host h;
	FILE *f;
	size_t i;
	int fd = temp_file();

	if (!(f = fdopen(dup(fd), "w")))
		err(HERD_EXIT_RUNTIME, "a temporary file");
	herd_host_init(&h);
	h.port = (int)s->port;
	for (i = 0; i < s->addrs.n; i++) {
		h.name = h.address = s->addrs.v[i];
		herd_host_write(f, &h);
		*herd_map_put(&s->index, s->addrs.v[i], strlen(s->addrs.v[i]), NULL) = i;
	}
	if (fclose(f) == EOF || lseek(fd, 0, SEEK_SET) < 0)
		err(HERD_EXIT_RUNTIME, "a temporary file");
	return fd;
}

static void
run_argv(const struct scan *s, struct herd_strv *argv)
{
	char buf[32];

	herd_strv_add(argv, "herd-run");
	if (s->config && access(s->config, F_OK) == 0) {	/* --save may make it */
		herd_strv_add(argv, "-c");
		herd_strv_add(argv, s->config);
	}
	herd_strv_add(argv, "--ping");
	herd_strv_add(argv, "--concurrency");
	snprintf(buf, sizeof buf, "%lld", s->concurrency);
	herd_strv_add(argv, buf);
	herd_strv_add(argv, "--connect-timeout");
	snprintf(buf, sizeof buf, "%lldms", s->timeout_ms);
	herd_strv_add(argv, buf);
}

/* One R record of herd-run: a host that answered with an SSH banner is found. */
static void
take(struct scan *s, const char *line, size_t len, struct herd_rec *rec)
{
	struct herd_result res;
	struct found *f;
	size_t *i;
	char *why = NULL;

	if (!herd_rec_parse(rec, line, len) || rec->type != 'R')
		return;
	if (herd_result_read(rec, &res, &why) != 0) {
		free(why);
		if (why)
			herd_result_free(&res);
		return;
	}
	if (res.status == HERD_OK && res.out.len > 4 && !strncmp(res.out.p, "SSH-", 4) &&
	    (i = herd_map_get(&s->index, res.host, strlen(res.host)))) {
		f = &s->found[*i];
		f->ms = res.duration_ms;
		while (res.out.len && (res.out.p[res.out.len - 1] == '\n'))
			res.out.p[--res.out.len] = '\0';
		free(f->banner);
		f->banner = herd_safe(res.out.p);
	}
	herd_result_free(&res);
}

/* herd-run on the addresses; the hosts found into s->found. */
static void
scan(struct scan *s)
{
	struct herd_strv argv = { 0 };
	struct herd_rec rec = { 0 };
	char *prog = find_program("herd-run"), *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int in, fd[2], rc;
	FILE *out;
	pid_t pid;

	if (!prog)
		errx(HERD_EXIT_RUNTIME, "herd-run: not found in the exec path (see herd "
		    "--exec-path)");
	s->found = xcalloc(s->addrs.n ? s->addrs.n : 1, sizeof *s->found);
	in = host_records(s);
	run_argv(s, &argv);
	if (pipe2(fd, O_CLOEXEC) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	pid = spawn(prog, argv.v, in, fd[1], -1);
	close(in);
	close(fd[1]);
	if (!(out = fdopen(fd[0], "r")))
		err(HERD_EXIT_RUNTIME, "herd-run's output");
	while ((n = getline(&line, &cap, out)) > 0)
		take(s, line, (size_t)n, &rec);
	fclose(out);
	free(line);
	herd_rec_free(&rec);
	/* 1: some address did not answer, as most do */
	if ((rc = herd_wait(pid)) > 1)
		exit(rc > 128 && rc != HERD_EXIT_INTERRUPT ? HERD_EXIT_RUNTIME : rc);
	free(prog);
	herd_strv_free(&argv);
}

/* ADDR as a host of the config: [v6]:port or v4:port when the port is not 22. */
static char *
host_text(const struct scan *s, const char *addr)
{
	if (s->port == 22)
		return xstrdup(addr);
	return strchr(addr, ':') ? xasprintf("[%s]:%lld", addr, s->port) :
	    xasprintf("%s:%lld", addr, s->port);
}

static size_t
report(const struct scan *s)
{
	size_t i, n = 0, width = 0, w;
	char *name;

	for (i = 0; i < s->addrs.n; i++)
		if (s->found[i].banner && (w = strlen(s->addrs.v[i])) > width)
			width = w;
	for (i = 0; i < s->addrs.n; i++) {
		if (!s->found[i].banner)
			continue;
		name = host_text(s, s->addrs.v[i]);
		printf("%-*s  %s  %lldms\n", (int)(width + (s->port == 22 ? 0 : 8)), name,
		    s->found[i].banner, s->found[i].ms);
		free(name);
		n++;
	}
	printf("%zu host%s found\n", n, n == 1 ? "" : "s");
	return n;
}

static void
explain(const struct scan *s)
{
	struct herd_strv argv = { 0 };
	struct herd_buf b = { 0 };
	size_t i;

	run_argv(s, &argv);
	for (i = 0; i < argv.n; i++) {
		if (i)
			herd_buf_addc(&b, ' ');
		herd_shell_quote(&b, argv.v[i]);
	}
	printf("%s < (H records of the %zu addresses of %s)\n", b.p, s->addrs.n, s->cidr);
	if (s->group)
		printf("then the hosts found added to group %s of the config\n", s->group);
	herd_buf_free(&b);
	herd_strv_free(&argv);
}

int
discover_act(const struct verb *v, const struct args *a, int explaining)
{
	struct herd_strv hosts = { 0 };
	struct scan s;
	size_t i, n;
	char *h;

	(void)v;
	options(&s, a);
	expand(&s);
	n = 1;
	if (explaining) {
		explain(&s);
		goto done;
	}
	if (s.group)
		discover_check_config(s.config, s.group);
	scan(&s);
	n = report(&s);
	fflush(stdout);
	if (s.group && n) {
		for (i = 0; i < s.addrs.n; i++) {
			if (!s.found[i].banner)
				continue;
			h = host_text(&s, s.addrs.v[i]);
			herd_strv_add(&hosts, h);
			free(h);
		}
		discover_save(s.config, s.group, &hosts, &s.tags);
	}
done:
	for (i = 0; s.found && i < s.addrs.n; i++)
		free(s.found[i].banner);
	free(s.found);
	herd_strv_free(&hosts);
	herd_strv_free(&s.addrs);
	herd_strv_free(&s.tags);
	herd_map_free(&s.index);
	return n ? HERD_EXIT_OK : HERD_EXIT_HOSTS;
}
