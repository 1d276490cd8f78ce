/* Hosts: herd_host_parse, H records (herd_host_write, herd_host_from_rec). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in;
	const char *name, *address, *user;	/* name NULL: refused */
	int port;
} parse[] = {
	{ "web1", "web1", "web1", NULL, 0 },
	{ "root@web1", "web1", "web1", "root", 0 },
	{ "web1:2222", "web1:2222", "web1", NULL, 2222 },
	{ "deploy@web1:22", "web1:22", "web1", "deploy", 22 },
	{ "web1:65535", "web1:65535", "web1", NULL, 65535 },
	{ "a@b@web1", "web1", "web1", "a@b", 0 },
	{ "first.last@web1", "web1", "web1", "first.last", 0 },
	{ "10.0.0.1", "10.0.0.1", "10.0.0.1", NULL, 0 },
	{ "10.0.0.1:2200", "10.0.0.1:2200", "10.0.0.1", NULL, 2200 },
	{ "::1", "::1", "::1", NULL, 0 },
	{ "fe80::1", "fe80::1", "fe80::1", NULL, 0 },
	{ "[::1]", "[::1]", "::1", NULL, 0 },
	{ "[::1]:2222", "[::1]:2222", "::1", NULL, 2222 },
	{ "root@[fe80::1%eth0]:22", "[fe80::1%eth0]:22", "fe80::1%eth0", "root", 22 },
	{ "web-1.example.com", "web-1.example.com", "web-1.example.com", NULL, 0 },
	/* refused */
	{ "", NULL, NULL, NULL, 0 },
	{ "root@", NULL, NULL, NULL, 0 },
	{ "@web1", NULL, NULL, NULL, 0 },
	{ "-oProxyCommand=x@web1", NULL, NULL, NULL, 0 },
	{ "a b@web1", NULL, NULL, NULL, 0 },
	{ "a$b@web1", NULL, NULL, NULL, 0 },
	{ "a;b@web1", NULL, NULL, NULL, 0 },
	{ "web1:", NULL, NULL, NULL, 0 },
	{ "web1:0", NULL, NULL, NULL, 0 },
	{ "web1:65536", NULL, NULL, NULL, 0 },
	{ "web1:-1", NULL, NULL, NULL, 0 },
	{ "web1:+22", NULL, NULL, NULL, 0 },
	{ "web1: 22", NULL, NULL, NULL, 0 },
	{ "web1:22x", NULL, NULL, NULL, 0 },
	{ "web1:99999999999999999999", NULL, NULL, NULL, 0 },
	{ ":22", NULL, NULL, NULL, 0 },
	{ "[]", NULL, NULL, NULL, 0 },
	{ "[]:22", NULL, NULL, NULL, 0 },
	{ "[::1", NULL, NULL, NULL, 0 },
	{ "[::1]x", NULL, NULL, NULL, 0 },
	{ "[::1]:", NULL, NULL, NULL, 0 },
	{ "[web1]", NULL, NULL, NULL, 0 },
	{ "web 1", NULL, NULL, NULL, 0 },
	{ "web\t1", NULL, NULL, NULL, 0 },
	{ "web\n1", NULL, NULL, NULL, 0 },
	{ "web\x1b[2J", NULL, NULL, NULL, 0 },
	{ "web\x7f", NULL, NULL, NULL, 0 },
	{ "w\xc3\xa9" "b", NULL, NULL, NULL, 0 },
	{ "web/1", NULL, NULL, NULL, 0 },
	{ "web\\1", NULL, NULL, NULL, 0 },
	{ "web,1", NULL, NULL, NULL, 0 },
	{ "web'1", NULL, NULL, NULL, 0 },
	{ "web\"1", NULL, NULL, NULL, 0 },
	{ "web`id`", NULL, NULL, NULL, 0 },
	{ "web$(id)", NULL, NULL, NULL, 0 },
	/* shell metacharacters reach a ProxyCommand's shell through %h */
	{ "web;id", NULL, NULL, NULL, 0 },
	{ "web|id", NULL, NULL, NULL, 0 },
	{ "web&", NULL, NULL, NULL, 0 },
	{ "web(1)", NULL, NULL, NULL, 0 },
	{ "web>x", NULL, NULL, NULL, 0 },
	{ "web*", NULL, NULL, NULL, 0 },
	{ "web%h", NULL, NULL, NULL, 0 },
	{ "web~", NULL, NULL, NULL, 0 },
	{ "-oProxyCommand=id", NULL, NULL, NULL, 0 },
	{ "root@-x:22", NULL, NULL, NULL, 0 },
	{ "fe80::1;id", NULL, NULL, NULL, 0 },
	{ "[::1;id]:22", NULL, NULL, NULL, 0 },
	{ "[fe80::1%eth0;id]", NULL, NULL, NULL, 0 },
	{ "a.b-c_D9", "a.b-c_D9", "a.b-c_D9", NULL, 0 },
	{ "fe80::1%eth0", "fe80::1%eth0", "fe80::1%eth0", NULL, 0 },
};

/* One H record through herd_host_from_rec. */
static int
from_rec(const char *line, struct herd_host *h)
{
	struct herd_rec r = { 0 };
	int rc = -1;

	if (unit_rec_from(line, strlen(line), &r))
		rc = herd_host_from_rec(&r, h);
	herd_rec_free(&r);
	return rc;
}

static void
test_records(void)
{
	static const char *const bad[] = {
		"H\t\tweb1", "H", "X\tweb1", "H\tw\t\t0", "H\tw\t\t65536", "H\tw\t\tx",
		"H\tw\t\t\t-bad", "H\tw\t\t\ta b", "H\tw\t\t\t\t\t\t-1", "H\tw\t\t\t\t\t\tx",
		"HH\tw",
	};
	struct herd_host h, back;
	char *buf = NULL, *tags;
	size_t i, len = 0;
	FILE *f;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(from_rec(bad[i], &h) == -1, "H record refused: %s", bad[i]);

	CHECK(from_rec("H\tweb1", &h) == 0, "H with a name only");
	EQ_STR("address defaults to the name", h.address, "web1");
	EQ_NUM("no port", h.port, 0);
	CHECK(h.user == NULL, "no user");
	EQ_NUM("no timeout", h.timeout_ms, -1);
	herd_host_free(&h);

	CHECK(from_rec("H\tw\\t1\ta\t22\troot\tt1,,t2\tg1\t5000", &h) == 0, "full H record");
	EQ_STR("escaped name", h.name, "w\t1");
	EQ_STR("address", h.address, "a");
	EQ_NUM("port", h.port, 22);
	EQ_STR("user", h.user, "root");
	tags = unit_join(&h.tags);
	EQ_STR("tags", tags, "t1 t2");
	free(tags);
	EQ_NUM("groups", h.groups.n, 1);
	EQ_NUM("timeout", h.timeout_ms, 5000);

	/* Written and read back, a host is the same host. */
	f = open_memstream(&buf, &len);
	herd_host_write(f, &h);
	fclose(f);
	EQ_STR("H record written", buf, "H\tw\\t1\ta\t22\troot\tt1,t2\tg1\t5000\n");
	CHECK(from_rec(buf, &back) == 0, "H record reads back");
	EQ_STR("name back", back.name, h.name);
	EQ_NUM("timeout back", back.timeout_ms, 5000);
	herd_host_free(&back);
	herd_host_free(&h);
	free(buf);

	herd_host_init(&h);
	h.name = xstrdup("n");
	buf = NULL;
	f = open_memstream(&buf, &len);
	herd_host_write(f, &h);
	fclose(f);
	EQ_STR("H record of a bare host", buf, "H\tn\t\t\t\t\t\t\n");
	CHECK(from_rec(buf, &back) == 0 && back.timeout_ms == -1 && back.port == 0 &&
	    !back.user, "bare H record reads back");
	herd_host_free(&back);
	herd_host_free(&h);
	free(buf);
}

void
test_host(void)
{
	struct herd_host h, c;
	const char *err;
	char what[80];
	size_t i;
	int rc;

	for (i = 0; i < sizeof parse / sizeof parse[0]; i++) {
		struct herd_buf b = { 0 };

		herd_escape(&b, parse[i].in, strlen(parse[i].in));
		snprintf(what, sizeof what, "host \"%s\"", b.p ? b.p : "");
		herd_buf_free(&b);
		err = NULL;
		rc = herd_host_parse(parse[i].in, &h, &err);
		if (!parse[i].name) {
			CHECK(rc == -1 && err && *err, "%s: want refused with a message (got %s)",
			    what, rc ? "-1" : h.address);
			if (rc == 0)
				herd_host_free(&h);
			continue;
		}
		if (rc < 0) {
			CHECK(0, "%s: refused: %s", what, err);
			continue;
		}
		EQ_STR(what, h.name, parse[i].name);
		EQ_STR(what, h.address, parse[i].address);
		EQ_STR(what, h.user, parse[i].user);
		EQ_NUM(what, h.port, parse[i].port);
		herd_host_free(&h);
	}

	CHECK(herd_valid_user("deploy"), "valid user deploy");
	CHECK(!herd_valid_user(""), "empty user invalid");
	CHECK(!herd_valid_user("-l"), "user -l invalid");
	CHECK(!herd_valid_user("a%b"), "user a%%b invalid");

	herd_host_parse("root@web1:22", &h, &err);
	herd_strv_add(&h.tags, "t");
	herd_host_copy(&c, &h);
	CHECK(!strcmp(c.name, h.name) && c.name != h.name && !strcmp(c.user, "root") &&
	    c.port == 22 && herd_host_has_tag(&c, "t") && !herd_host_has_tag(&c, "u"),
	    "host copy");
	herd_host_free(&h);
	herd_host_free(&c);
	CHECK(h.name == NULL && h.timeout_ms == -1, "host free resets");

	test_records();
}
