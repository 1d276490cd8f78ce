/*
 * ssh_config(5) tokens (%h, %r, ...), ${ENV} and ~, as OpenSSH 9.2 expands
 * them, and the local user and host they refer to.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sha1.h>

#include "sshconf.h"

/* As ssh: the password database, then $USER for a uid it does not know. */
const char *
sshconf_local_user(void)
{
	static char *name;
	struct passwd *pw;
	const char *u;

	if (!name) {
		if ((pw = getpwuid(getuid())))
			name = xstrdup(pw->pw_name);
		else if ((u = getenv("USER")) && *u)
			name = xstrdup(u);
		else
			name = xasprintf("%u", (unsigned)getuid());
	}
	return name;
}

/* $HOME, else the password database's home, then REST. */
char *
sshconf_home(const char *rest)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	return xasprintf("%s%s", home, rest);
}

static const char *
local_host(int full)
{
	static char name[256], shortname[256];

	if (!name[0]) {
		if (gethostname(name, sizeof name - 1) < 0)
			snprintf(name, sizeof name, "localhost");
		snprintf(shortname, sizeof shortname, "%.*s", (int)strcspn(name, "."),
		    name);
	}
	return full ? name : shortname;
}

/* %C: the SHA-1 of %l%h%p%r, in hex, as ssh's ControlPath hash. */
static void
conn_hash(struct herd_buf *b, const struct sshtokens *t)
{
	char hex[SHA1_DIGEST_STRING_LENGTH];
	char *s = xasprintf("%s%s%d%s", local_host(1), t->host, t->port,
	    t->ruser ? t->ruser : "");

	SHA1Data((const uint8_t *)s, strlen(s), hex);
	herd_buf_adds(b, hex);
	free(s);
}

static int
add_token(struct herd_buf *b, int c, const struct sshtokens *t)
{
	char *home;

	switch (c) {
	case '%': herd_buf_addc(b, '%'); break;
	case 'C': conn_hash(b, t); break;
	case 'd':
		home = sshconf_home("");
		herd_buf_adds(b, home);
		free(home);
		break;
	case 'h': herd_buf_adds(b, t->host); break;
	case 'i': herd_buf_addf(b, "%u", (unsigned)getuid()); break;
	case 'k':		/* no HostKeyAlias: the name as given */
	case 'n': herd_buf_adds(b, t->orig); break;
	case 'L': herd_buf_adds(b, local_host(0)); break;
	case 'l': herd_buf_adds(b, local_host(1)); break;
	case 'p': herd_buf_addf(b, "%d", t->port); break;
	case 'r': herd_buf_adds(b, t->ruser ? t->ruser : ""); break;
	case 'u': herd_buf_adds(b, sshconf_local_user()); break;
	default: return -1;
	}
	return 0;
}

/* "takes %%, %h and %p", for an error. */
static const char *
token_list(const char *allowed)
{
	static char buf[128];
	size_t i, n = strlen(allowed), o;

	if (!n)
		return "takes no token but %%";
	o = (size_t)snprintf(buf, sizeof buf, "takes %%%%");
	for (i = 0; i < n && o < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%%%c",
		    i + 1 == n ? " and " : ", ", allowed[i]);
	return buf;
}

/*
 * Check S's tokens against ALLOWED (the letters after %) and, with env, its
 * ${NAME}s for form; 0, or -1 with *err naming the first bad one.
 */
int
sshconf_check_tokens(const char *s, const char *allowed, int env, char **err)
{
	const char *e;

	for (; *s; s++) {
		if (*s == '%') {
			if (!s[1]) {
				*err = xstrdup("a lone % at the end (%% for a %)");
				return -1;
			}
			s++;
			if (*s != '%' && !strchr(allowed, *s)) {
				*err = xasprintf("unsupported token %%%c (%s)", *s,
				    token_list(allowed));
				return -1;
			}
		} else if (env && s[0] == '$' && s[1] == '{') {
			e = strchr(s, '}');
			if (!e || e == s + 2) {
				*err = xstrdup("unterminated or empty ${...}");
				return -1;
			}
			s = e;
		}
	}
	return 0;
}

/*
 * Expand a leading ~, the tokens in ALLOWED, and with env ${NAME}; NULL and
 * *err on an unsupported token or an unset variable.
 */
char *
sshconf_expand(const char *s, const char *allowed, int env,
    const struct sshtokens *t, char **err)
{
	struct herd_buf b = { 0 };
	const char *e, *v;
	char *home, *name;

	herd_buf_adds(&b, "");
	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		home = sshconf_home("");
		herd_buf_adds(&b, home);
		free(home);
		s++;
	}
	for (; *s; s++) {
		if (*s == '%' && s[1]) {
			s++;
			if ((*s != '%' && !strchr(allowed, *s)) || add_token(&b, *s, t) < 0) {
				*err = xasprintf("unsupported token %%%c", *s);
				herd_buf_free(&b);
				return NULL;
			}
		} else if (env && s[0] == '$' && s[1] == '{' && (e = strchr(s, '}'))) {
			name = xstrndup(s + 2, (size_t)(e - s - 2));
			if (!(v = getenv(name))) {
				*err = xasprintf("environment variable ${%s} is not set", name);
				free(name);
				herd_buf_free(&b);
				return NULL;
			}
			herd_buf_adds(&b, v);
			free(name);
			s = e;
		} else {
			herd_buf_addc(&b, *s);
		}
	}
	return herd_buf_steal(&b);
}

/* S with every % doubled, for libssh, which expands tokens again. */
char *
sshconf_escape_percent(const char *s)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "");
	for (; *s; s++) {
		if (*s == '%')
			herd_buf_addc(&b, '%');
		herd_buf_addc(&b, *s);
	}
	return herd_buf_steal(&b);
}

/* OpenSSH's time format: 90, 1m30s, 1h, 2w (units s m h d w, any case). */
int
sshconf_parse_time(const char *s, long long *ms)
{
	long long total = 0, v, mult;

	if (!*s)
		return -1;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (v = 0; isdigit((unsigned char)*s); s++) {
			v = v * 10 + (*s - '0');
			if (v > 100000000)
				return -1;
		}
		switch (tolower((unsigned char)*s)) {
		case '\0': mult = 1; s--; break;
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		case 'w': mult = 604800; break;
		default: return -1;
		}
		s++;
		total += v * mult;
		if (total > 0x7fffffff)
			return -1;
	}
	*ms = total * 1000;
	return 0;
}
