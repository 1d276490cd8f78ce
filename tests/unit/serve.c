/* The records of a serving herd-run (lib/records_serve.c): Q, X and S. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "unit.h"

/* Records that do not read, and why. */
static const struct {
	const char *line, *why;
} bad[] = {
	{ "Q", "without a command" },
	{ "Q\tid\t\t\th1", "without a command" },
	{ "Q\t\t\tuptime\t\tx", "bad timeout_ms" },
	{ "Q\t\t\tuptime\t\t-1", "bad timeout_ms" },
	{ "Q\t\t\tuptime\t\t1.5", "bad timeout_ms" },
	{ "Q\t\t\tuptime\t\t99999999999999999999", "bad timeout_ms" },
	{ "Q\t\t\tuptime\t\t\tsx", "unknown flag" },
	{ "Q\t\t\tuptime\t\t\t,", "unknown flag" },
	{ "Q\t\t\tuptime\t\t\t\t\t\t-2", "bad seq" },
	{ "Q\t\t\tuptime\t\t\ts\t\t\t\t\tdata", "without the i flag" },
	{ "X", "without a run id" },
	{ "X\t\tr1", "without a run id" },
	{ "S", "without a host name" },
	{ "S\th1", "unknown state" },
	{ "S\th1\tUP\t5", "unknown state" },
	{ "S\th1\tgone\t5", "unknown state" },
	{ "S\th1\tup\tnow", "bad time_ms" },
	{ "S\th1\tup\t-5", "bad time_ms" },
};

static int
read_any(const struct herd_rec *r, const char **why)
{
	struct herd_request q;
	struct herd_cancel x;
	struct herd_conn_state s;

	*why = NULL;
	switch (r->type) {
	case 'Q':
		if (herd_request_read(r, &q, why) < 0)
			return -1;
		herd_request_free(&q);
		return 0;
	case 'X':
		if (herd_cancel_read(r, &x, why) < 0)
			return -1;
		herd_cancel_free(&x);
		return 0;
	default:
		if (herd_conn_state_read(r, &s, why) < 0)
			return -1;
		herd_conn_state_free(&s);
		return 0;
	}
}

static void
test_bad(void)
{
	struct herd_rec r = { 0 };
	const char *why;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(herd_rec_parse(&r, bad[i].line, strlen(bad[i].line)) == 1,
		    "\"%s\" parses", bad[i].line);
		CHECK(read_any(&r, &why) < 0 && why && strstr(why, bad[i].why),
		    "\"%s\": refused with \"%s\", got \"%s\"", bad[i].line, bad[i].why,
		    why ? why : "(accepted)");
	}
	herd_rec_free(&r);
}

/* What a writer wrote, read back as one record into r. */
static char *
written(struct herd_rec *r, void (*write)(FILE *, const void *), const void *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	write(f, v);
	fclose(f);
	CHECK(herd_rec_parse(r, buf, len) == 1, "written record parses: %s", buf);
	return buf;
}

static void
write_request(FILE *f, const void *q)
{
	herd_request_write(f, q);
}

static void
write_cancel(FILE *f, const void *x)
{
	herd_cancel_write(f, x);
}

static void
write_state(FILE *f, const void *s)
{
	herd_conn_state_write(f, s);
}

static void
test_request(void)
{
	struct herd_request q = { 0 }, back;
	struct herd_rec r = { 0 };
	const char *why = NULL;
	char *text;

	/* the least: a command; trailing empty fields left out */
	q.command = "uptime";
	q.timeout_ms = q.seq = -1;
	text = written(&r, write_request, &q);
	EQ_STR("least request", text, "Q\t\t\tuptime\n");
	free(text);
	CHECK(herd_request_read(&r, &back, &why) == 0, "least request reads: %s", why);
	EQ_STR("no id", back.id, "");
	EQ_STR("exec", back.kind, "");
	EQ_NUM("no hosts: every host", back.hosts.n, 0);
	EQ_NUM("no timeout", back.timeout_ms, -1);
	EQ_NUM("no seq", back.seq, -1);
	EQ_NUM("no flags", back.flags, 0);
	EQ_NUM("no stdin", back.stdin_data.len, 0);
	herd_request_free(&back);

	/* every field, stdin with NUL, TAB and LF */
	herd_strv_add(&q.hosts, "web-01");
	herd_strv_add(&q.hosts, "db:2222");
	q.id = "1764150000000-0011223344556677";
	q.kind = "";
	q.command = "cat >/tmp/x\tdone";
	q.timeout_ms = 0;
	q.flags = HERD_REQ_STDIN | HERD_REQ_STREAM | HERD_REQ_SUDO;
	q.selection = "-g web -t prod";
	q.series = "w1";
	q.seq = 0;
	q.compare = "prev";
	herd_buf_add(&q.stdin_data, "a\0b\tc\n", 6);
	text = written(&r, write_request, &q);
	EQ_STR("full request", text, "Q\t1764150000000-0011223344556677\t\tcat >/tmp/x\\tdone\t"
	    "web-01,db:2222\t0\tsSi\t-g web -t prod\tw1\t0\tprev\ta\\x00b\\tc\\n\n");
	free(text);
	CHECK(herd_request_read(&r, &back, &why) == 0, "full request reads: %s", why);
	EQ_STR("id", back.id, q.id);
	EQ_STR("command", back.command, q.command);
	EQ_NUM("hosts", back.hosts.n, 2);
	EQ_STR("host 2", back.hosts.v[1], "db:2222");
	EQ_NUM("timeout 0: none", back.timeout_ms, 0);
	EQ_NUM("flags", back.flags, HERD_REQ_STDIN | HERD_REQ_STREAM | HERD_REQ_SUDO);
	EQ_STR("selection", back.selection, q.selection);
	EQ_STR("series", back.series, "w1");
	EQ_NUM("seq", back.seq, 0);
	EQ_STR("compare", back.compare, "prev");
	EQ_MEM("stdin bytes", back.stdin_data.p, back.stdin_data.len, "a\0b\tc\n", 6);
	herd_request_free(&back);
	herd_strv_free(&q.hosts);
	herd_buf_free(&q.stdin_data);
	CHECK(back.command == NULL && back.hosts.n == 0, "request free resets");

	/* flags in any order, repeated; empty host names dropped */
	text = xstrdup("Q\t\tping\ttrue\t,a,,b,\t250\tiss");
	CHECK(herd_rec_parse(&r, text, strlen(text)) == 1, "parses");
	CHECK(herd_request_read(&r, &back, &why) == 0, "loose request reads: %s", why);
	EQ_NUM("flags", back.flags, HERD_REQ_STDIN | HERD_REQ_STREAM);
	EQ_STR("kind kept", back.kind, "ping");
	EQ_NUM("two hosts", back.hosts.n, 2);
	EQ_NUM("timeout", back.timeout_ms, 250);
	herd_request_free(&back);
	free(text);
	herd_rec_free(&r);
}

static void
test_cancel(void)
{
	struct herd_cancel x = { "1764150000000-aa" }, back;
	struct herd_rec r = { 0 };
	const char *why = NULL;
	char *text = written(&r, write_cancel, &x);

	EQ_STR("X written", text, "X\t1764150000000-aa\n");
	CHECK(herd_cancel_read(&r, &back, &why) == 0, "X reads: %s", why);
	EQ_STR("X run", back.run, x.run);
	herd_cancel_free(&back);
	free(text);
	herd_rec_free(&r);
}

static void
test_state(void)
{
	struct herd_conn_state s = { "web-01", HERD_CONN_FAILED, 1764150000123, "connect: refused" },
	    back;
	struct herd_rec r = { 0 };
	enum herd_conn c;
	const char *why = NULL;
	char *text;
	int i;

	for (i = 0; i < HERD_NCONN; i++)
		CHECK(herd_conn_parse(herd_conn_name((enum herd_conn)i), &c) == 0 && (int)c == i,
		    "state %d by its name", i);
	EQ_STR("state names", herd_conn_name(HERD_CONN_CONNECTING), "connecting");
	EQ_STR("no such state", herd_conn_name(HERD_NCONN), "?");
	text = written(&r, write_state, &s);
	EQ_STR("S written", text, "S\tweb-01\tfailed\t1764150000123\tconnect: refused\n");
	free(text);
	CHECK(herd_conn_state_read(&r, &back, &why) == 0, "S reads: %s", why);
	EQ_STR("host", back.host, "web-01");
	EQ_NUM("state", back.state, HERD_CONN_FAILED);
	EQ_NUM("time", back.time_ms, 1764150000123);
	EQ_STR("reason", back.reason, "connect: refused");
	herd_conn_state_free(&back);

	s.state = HERD_CONN_UP;
	s.reason = NULL;
	s.time_ms = -1;
	text = written(&r, write_state, &s);
	EQ_STR("S up, no time", text, "S\tweb-01\tup\t\n");
	free(text);
	CHECK(herd_conn_state_read(&r, &back, &why) == 0, "S up reads: %s", why);
	CHECK(back.reason == NULL, "no reason: NULL");
	EQ_NUM("no time", back.time_ms, -1);
	herd_conn_state_free(&back);
	herd_rec_free(&r);
}

void
test_serve(void)
{
	test_bad();
	test_request();
	test_cancel();
	test_state();
}
