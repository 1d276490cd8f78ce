#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sshconf.h"

struct directive {
	char *key;		/* lower case */
	struct herd_strv args;
};

struct block {
	int is_match;
	struct herd_strv patterns;	/* Host patterns, or Match words */
	struct directive *d;
	size_t n, cap;
	char *where;		/* file:line of the Host/Match line */
};

struct sshconf {
	struct block *b;
	size_t n, cap;
};

/* A new block; blocks live in an array that grows, so they go by index. */
static size_t
new_block(struct sshconf *c, int is_match, const char *where)
{
	struct block *b;

	herd_grow(&c->b, &c->cap, c->n, sizeof *c->b);
	b = &c->b[c->n];
	memset(b, 0, sizeof *b);
	b->is_match = is_match;
	b->where = xstrdup(where);
	return c->n++;
}

/* Split a line into words: whitespace separated, "double quotes" group. */
static int
split_words(const char *s, struct herd_strv *out)
{
	struct herd_buf w = { 0 };
	int quoted;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		herd_buf_reset(&w);
		herd_buf_adds(&w, "");
		for (quoted = 0; *s && (quoted || !isspace((unsigned char)*s)); s++) {
			if (*s == '"')
				quoted = !quoted;
			else
				herd_buf_addc(&w, *s);
		}
		if (quoted) {
			herd_buf_free(&w);
			return -1;
		}
		herd_strv_add(out, w.p);
	}
	herd_buf_free(&w);
	return 0;
}

static char *
home_path(const char *rest)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	return xasprintf("%s%s", home, rest);
}

static int parse_file(struct sshconf *, const char *path, int user_file,
    size_t cur, char **err);

static int
include(struct sshconf *c, struct herd_strv *args, int user_file, size_t *cur,
    char **err)
{
	glob_t g;
	char *pat, *rel;
	size_t i, j, parent = *cur, n = c->n;
	int rc = 0;

	for (i = 1; i < args->n && rc == 0; i++) {
		if (args->v[i][0] == '~') {
			pat = home_path(args->v[i] + 1);
		} else if (args->v[i][0] == '/') {
			pat = xstrdup(args->v[i]);
		} else if (user_file) {
			rel = xasprintf("/.ssh/%s", args->v[i]);
			pat = home_path(rel);
			free(rel);
		} else {
			pat = xasprintf("/etc/ssh/%s", args->v[i]);
		}
		if (glob(pat, 0, NULL, &g) == 0) {
			for (j = 0; j < g.gl_pathc && rc == 0; j++)
				rc = parse_file(c, g.gl_pathv[j], user_file, *cur, err);
			globfree(&g);
		}
		free(pat);
	}
	/* Lines after the Include belong to the block it was in. */
	if (c->n != n) {
		*cur = new_block(c, c->b[parent].is_match, c->b[parent].where);
		for (i = 0; i < c->b[parent].patterns.n; i++)
			herd_strv_add(&c->b[*cur].patterns, c->b[parent].patterns.v[i]);
	}
	return rc;
}

/* After "Keyword" and its "=" or blanks: ProxyCommand's argument, verbatim. */
static char *
rest_of_line(const char *line)
{
	const char *s = line, *e;

	while (isspace((unsigned char)*s))
		s++;
	while (*s && !isspace((unsigned char)*s) && *s != '=')
		s++;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '=')
		s++;
	while (isspace((unsigned char)*s))
		s++;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	return xstrndup(s, (size_t)(e - s));
}

static int
parse_file(struct sshconf *c, const char *path, int user_file, size_t cur, char **err)
{
	FILE *f = fopen(path, "r");
	struct herd_strv words = { 0 };
	struct directive *d;
	struct block *b;
	char *line = NULL, *eq, *where, *raw;
	size_t cap = 0, lineno = 0, i;
	int rc = 0;

	if (!f)
		return 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		raw = rest_of_line(line);
		/* "Key=Value" and "Key = Value" are "Key Value". */
		for (eq = line; isspace((unsigned char)*eq); eq++)
			;
		while (isalnum((unsigned char)*eq))
			eq++;
		while (*eq == ' ' || *eq == '\t')
			eq++;
		if (*eq == '=')
			*eq = ' ';
		herd_strv_free(&words);
		if (split_words(line, &words) < 0) {
			*err = xasprintf("%s:%zu: unbalanced quotes", path, lineno);
			free(raw);
			rc = -1;
			break;
		}
		if (!words.n) {
			free(raw);
			continue;
		}
		for (char *p = words.v[0]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		where = xasprintf("%s:%zu", path, lineno);
		if (!strcmp(words.v[0], "host") || !strcmp(words.v[0], "match")) {
			if (words.n < 2) {
				*err = xasprintf("%s: %s needs an argument", where, words.v[0]);
				rc = -1;
			} else {
				cur = new_block(c, words.v[0][0] == 'm', where);
				for (i = 1; i < words.n; i++)
					herd_strv_add(&c->b[cur].patterns, words.v[i]);
			}
		} else if (!strcmp(words.v[0], "include")) {
			rc = include(c, &words, user_file, &cur, err);
		} else if (words.n < 2) {
			*err = xasprintf("%s: %s needs an argument", where, words.v[0]);
			rc = -1;
		} else {
			b = &c->b[cur];
			herd_grow(&b->d, &b->cap, b->n, sizeof *b->d);
			d = &b->d[b->n++];
			d->key = xstrdup(words.v[0]);
			memset(&d->args, 0, sizeof d->args);
			if (!strcmp(d->key, "proxycommand"))
				herd_strv_add(&d->args, raw);	/* a shell command, as written */
			else
				for (i = 1; i < words.n; i++)
					herd_strv_add(&d->args, words.v[i]);
		}
		free(raw);
		free(where);
	}
	herd_strv_free(&words);
	free(line);
	fclose(f);
	return rc;
}

struct sshconf *
sshconf_load(const char *file, char **err)
{
	struct sshconf *c = xcalloc(1, sizeof *c);
	size_t global = new_block(c, 0, "(global)"), system;
	char *user;
	int rc;

	herd_strv_add(&c->b[global].patterns, "*");
	if (file) {
		if (access(file, R_OK) < 0) {
			*err = xasprintf("%s: %s", file, strerror(errno));
			sshconf_free(c);
			return NULL;
		}
		rc = parse_file(c, file, 1, global, err);
	} else {
		user = home_path("/.ssh/config");
		rc = parse_file(c, user, 1, global, err);
		free(user);
		/* the system file starts global too, as if it followed a Host * */
		system = new_block(c, 0, "(system)");
		herd_strv_add(&c->b[system].patterns, "*");
		if (rc == 0)
			rc = parse_file(c, "/etc/ssh/ssh_config", 0, system, err);
	}
	if (rc < 0) {
		sshconf_free(c);
		return NULL;
	}
	return c;
}

void
sshconf_free(struct sshconf *c)
{
	size_t i, j;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		for (j = 0; j < c->b[i].n; j++) {
			free(c->b[i].d[j].key);
			herd_strv_free(&c->b[i].d[j].args);
		}
		free(c->b[i].d);
		free(c->b[i].where);
		herd_strv_free(&c->b[i].patterns);
	}
	free(c->b);
	free(c);
}

/* OpenSSH pattern lists: any positive match and no negated match. */
static int
match_list(const char *s, char *const *pats, size_t n)
{
	int matched = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (pats[i][0] == '!') {
			if (fnmatch(pats[i] + 1, s, FNM_CASEFOLD) == 0)
				return 0;
		} else if (fnmatch(pats[i], s, FNM_CASEFOLD) == 0) {
			matched = 1;
		}
	}
	return matched;
}

static int
match_csv(const char *s, const char *csv)
{
	struct herd_strv pats = { 0 };
	int m;

	if (!s)
		return 0;
	herd_strv_split(&pats, csv, ',');
	m = match_list(s, pats.v, pats.n);
	herd_strv_free(&pats);
	return m;
}

static int
match_block(const struct block *b, const char *host, const struct sshhost *h)
{
	const struct herd_strv *p = &b->patterns;
	const char *local = getenv("USER");
	size_t i;
	int ok = 1;
	static int warned;

	if (!b->is_match)
		return match_list(host, p->v, p->n);
	for (i = 0; i < p->n && ok; i++) {
		const char *w = p->v[i], *arg = i + 1 < p->n ? p->v[i + 1] : NULL;
		int neg = w[0] == '!';

		if (neg)
			w++;
		if (!strcasecmp(w, "all")) {
			ok = !neg;
			continue;
		}
		if (!strcasecmp(w, "final")) {
			ok = !neg;
			continue;
		}
		if (!arg)
			return 0;
		i++;
		if (!strcasecmp(w, "host"))
			ok = match_csv(h->hostname ? h->hostname : host, arg);
		else if (!strcasecmp(w, "originalhost"))
			ok = match_csv(host, arg);
		else if (!strcasecmp(w, "user"))
			ok = match_csv(h->user, arg);
		else if (!strcasecmp(w, "localuser"))
			ok = match_csv(local, arg);
		else {
			if (!warned++)
				warnx("%s: Match %s is not supported; the block is skipped",
				    b->where, w);
			return 0;
		}
		if (neg)
			ok = !ok;
	}
	return ok;
}

static int
yesno(const char *s)
{
	return !strcasecmp(s, "yes") || !strcasecmp(s, "true");
}

static void
set_once(char **field, const char *v)
{
	if (!*field)
		*field = xstrdup(v);
}

static void
apply(struct sshhost *h, const struct directive *d)
{
	const char *v = d->args.v[0];
	long long n;
	size_t i;

	if (!strcmp(d->key, "hostname")) {
		set_once(&h->hostname, v);
	} else if (!strcmp(d->key, "user")) {
		set_once(&h->user, v);
	} else if (!strcmp(d->key, "port")) {
		if (!h->port && herd_parse_int(v, 1, 65535, &n) == 0)
			h->port = (int)n;
	} else if (!strcmp(d->key, "identityfile")) {
		if (!herd_strv_has(&h->identity_files, v))
			herd_strv_add(&h->identity_files, v);
	} else if (!strcmp(d->key, "identitiesonly")) {
		if (h->identities_only < 0)
			h->identities_only = yesno(v);
	} else if (!strcmp(d->key, "proxyjump")) {
		set_once(&h->proxy_jump, v);
	} else if (!strcmp(d->key, "proxycommand")) {
		set_once(&h->proxy_command, v);
	} else if (!strcmp(d->key, "userknownhostsfile")) {
		if (!h->known_hosts.n)
			for (i = 0; i < d->args.n; i++)
				herd_strv_add(&h->known_hosts, d->args.v[i]);
	} else if (!strcmp(d->key, "globalknownhostsfile")) {
		if (!h->global_known_hosts.n)
			for (i = 0; i < d->args.n; i++)
				herd_strv_add(&h->global_known_hosts, d->args.v[i]);
	} else if (!strcmp(d->key, "stricthostkeychecking")) {
		set_once(&h->strict, v);
	} else if (!strcmp(d->key, "connecttimeout")) {
		if (h->connect_timeout_ms < 0 && herd_parse_int(v, 0, 86400, &n) == 0)
			h->connect_timeout_ms = n * 1000;
	} else if (!strcmp(d->key, "passwordauthentication")) {
		if (h->password_auth < 0)
			h->password_auth = yesno(v);
	} else if (!strcmp(d->key, "pubkeyauthentication")) {
		if (h->pubkey_auth < 0)
			h->pubkey_auth = yesno(v);
	} else if (!strcmp(d->key, "kexalgorithms")) {
		set_once(&h->kex, v);
	}
}

void
sshconf_lookup(const struct sshconf *c, const char *host, const char *user,
    struct sshhost *h)
{
	size_t i, j;

	memset(h, 0, sizeof *h);
	if (user)
		h->user = xstrdup(user);
	h->identities_only = -1;
	h->connect_timeout_ms = -1;
	h->password_auth = -1;
	h->pubkey_auth = -1;
	for (i = 0; i < c->n; i++) {
		if (!match_block(&c->b[i], host, h))
			continue;
		for (j = 0; j < c->b[i].n; j++)
			apply(h, &c->b[i].d[j]);
	}
}

void
sshhost_free(struct sshhost *h)
{
	free(h->hostname);
	free(h->user);
	herd_strv_free(&h->identity_files);
	free(h->proxy_jump);
	free(h->proxy_command);
	herd_strv_free(&h->known_hosts);
	herd_strv_free(&h->global_known_hosts);
	free(h->strict);
	free(h->kex);
	memset(h, 0, sizeof *h);
}

char *
sshconf_expand(const char *path, const char *host, int port, const char *ruser)
{
	struct herd_buf b = { 0 };
	const char *local = getenv("USER");
	char *home = home_path("");
	const char *s = path;

	herd_buf_adds(&b, "");
	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		herd_buf_adds(&b, home);
		s++;
	}
	for (; *s; s++) {
		if (*s != '%' || !s[1]) {
			herd_buf_addc(&b, *s);
			continue;
		}
		switch (*++s) {
		case 'h': herd_buf_adds(&b, host); break;
		case 'p': herd_buf_addf(&b, "%d", port); break;
		case 'r': herd_buf_adds(&b, ruser ? ruser : ""); break;
		case 'u': herd_buf_adds(&b, local ? local : ""); break;
		case 'd': herd_buf_adds(&b, home); break;
		case '%': herd_buf_addc(&b, '%'); break;
		default:
			herd_buf_addc(&b, '%');
			herd_buf_addc(&b, *s);
		}
	}
	free(home);
	return herd_buf_steal(&b);
}
