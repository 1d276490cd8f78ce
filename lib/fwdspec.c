/* [BIND:]LPORT:RHOST:RPORT, as ssh -L takes it. */
#include <stdlib.h>
#include <string.h>

#include "herd.h"
#include "fwdspec.h"

/*
 * The next field of *S up to a ':' outside brackets, brackets removed; *S
 * moved past the ':'.  NULL for an unclosed bracket.
 */
static char *
field(const char **s)
{
	const char *p = *s, *end;
	char *f;

	if (*p == '[') {
		if (!(end = strchr(p, ']')) || (end[1] && end[1] != ':'))
			return NULL;
		f = xstrndup(p + 1, (size_t)(end - p - 1));
		*s = end[1] ? end + 2 : end + 1;
		return f;
	}
	end = p + strcspn(p, ":");
	f = xstrndup(p, (size_t)(end - p));
	*s = *end ? end + 1 : end;
	return f;
}

static int
port(const char *s)
{
	long long v;

	return herd_parse_int(s, 1, 65535, &v) < 0 ? -1 : (int)v;
}

int
herd_fwdspec_parse(const char *spec, struct herd_fwdspec *f, const char **why)
{
	char *v[5] = { 0 };
	const char *s = spec;
	size_t n = 0, i;
	int rc = -1;

	memset(f, 0, sizeof *f);
	*why = "expected [BIND:]LPORT:RHOST:RPORT, such as 8080:localhost:80";
	while (*s && n < 5)
		if (!(v[n++] = field(&s)))
			goto out;
	if (*s || n < 3 || n > 4 || (spec[strlen(spec) - 1] == ':'))
		goto out;
	i = n == 4;
	if (i && !*v[0]) {
		*why = "the bind address is empty";
		goto out;
	}
	if (!*v[i + 1]) {
		*why = "the remote host is empty";
		goto out;
	}
	if ((f->lport = port(v[i])) < 0 || (f->rport = port(v[i + 2])) < 0) {
		*why = "a port is a number from 1 to 65535";
		goto out;
	}
	f->bind = xstrdup(i ? v[0] : "127.0.0.1");
	f->rhost = xstrdup(v[i + 1]);
	*why = NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i]);
	return rc;
}

char *
herd_fwdspec_addr(const char *host, int p)
{
	return xasprintf(strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, p);
}

char *
herd_fwdspec_text(const struct herd_fwdspec *f)
{
	char *l = herd_fwdspec_addr(f->bind, f->lport);
	char *r = herd_fwdspec_addr(f->rhost, f->rport);
	char *t = xasprintf("%s:%s", l, r);

	free(l);
	free(r);
	return t;
}

void
herd_fwdspec_free(struct herd_fwdspec *f)
{
	free(f->bind);
	free(f->rhost);
	memset(f, 0, sizeof *f);
}
