/*
 * Reading ssh_config(5) files and -o lines as OpenSSH 9.2 does: every line
 * is checked when read, whichever host it applies to, and a value ssh
 * would refuse is an error; the blocks are kept for sshconf_lookup.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshconf_int.h"

#define MAX_DEPTH 16		/* OpenSSH's READCONF_MAX_DEPTH */

static size_t
new_block(struct sshconf *c, enum block_kind kind, long parent, const char *where)
{
	struct block *b;

	herd_grow(&c->b, &c->cap, c->n, sizeof *c->b);
	b = &c->b[c->n];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->parent = parent;
	b->where = xstrdup(where);
	return c->n++;
}

/*
 * Split into words as OpenSSH does: blanks separate, "double" and 'single'
 * quotes group, a backslash escapes a quote, a backslash or a blank, and a
 * word that starts with # starts a comment.
 */
static int
split_words(const char *s, struct herd_strv *out)
{
	struct herd_buf w = { 0 };
	char quote;

	for (;;) {
		/* the same blanks that end a word, or a \v would loop forever */
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		herd_buf_reset(&w);
		herd_buf_adds(&w, "");
		for (quote = 0; *s; s++) {
			if (*s == '\\' && (s[1] == '"' || s[1] == '\'' || s[1] == '\\' ||
			    (!quote && (s[1] == ' ' || s[1] == '\t'))))
				herd_buf_addc(&w, *++s);
			else if (!quote && isspace((unsigned char)*s))
				break;
			else if (!quote && (*s == '"' || *s == '\''))
				quote = *s;
			else if (quote && *s == quote)
				quote = 0;
			else
				herd_buf_addc(&w, *s);
		}
		if (quote) {
			herd_buf_free(&w);
			return -1;
		}
		herd_strv_add(out, w.p);
	}
	herd_buf_free(&w);
	return 0;
}

/* Split "Keyword value", "Keyword=value" or "Keyword = value". */
static void
split_keyword(const char *line, char **key, const char **rest)
{
	const char *s = line, *k;

	while (isspace((unsigned char)*s))
		s++;
	for (k = s; *s && !isspace((unsigned char)*s) && *s != '='; s++)
		;
	*key = xstrndup(k, (size_t)(s - k));
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '=')
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	*rest = s;
}

static int
ignored(const struct herd_strv *ignore, const char *key)
{
	size_t i;

	for (i = 0; i < ignore->n; i++)
		if (fnmatch(ignore->v[i], key, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

static int parse_file(struct sshconf *, const char *path, int user_file, long parent,
    int depth, struct herd_strv *ignore, char **err);

/* Include: the files are read where the line is, under its block. */
static int
include(struct sshconf *c, const struct line *l, struct herd_strv *args, int user_file,
    size_t *cur, int depth, struct herd_strv *ignore)
{
	glob_t g;
	char *pat, *rel;
	size_t i, j, at = *cur;
	int rc = 0;

	if (!args->n)
		return sshconf_fail(l, "Include: missing argument");
	for (i = 0; i < args->n && rc == 0; i++) {
		if (args->v[i][0] == '~') {
			pat = sshconf_home(args->v[i] + 1);
		} else if (args->v[i][0] == '/') {
			pat = xstrdup(args->v[i]);
		} else if (user_file) {
			rel = xasprintf("/.ssh/%s", args->v[i]);
			pat = sshconf_home(rel);
			free(rel);
		} else {
			pat = xasprintf("/etc/ssh/%s", args->v[i]);
		}
		if (glob(pat, 0, NULL, &g) == 0) {
			if (depth >= MAX_DEPTH)
				rc = sshconf_fail(l, "Include: too many recursive configuration "
				    "includes (more than %d deep)", MAX_DEPTH);
			for (j = 0; j < g.gl_pathc && rc == 0; j++)
				rc = parse_file(c, g.gl_pathv[j], user_file, (long)at,
				    depth + 1, ignore, l->err);
			globfree(&g);
		}
		free(pat);
	}
	/* The lines after the Include belong to the block it was in. */
	if (c->n != at + 1)
		*cur = new_block(c, B_SAME, (long)at, c->b[at].where);
	return rc;
}

/* One line of a file, or one -o option (file NULL); cur: the current block. */
static int
parse_line(struct sshconf *c, const struct line *l, const char *text, int user_file,
    size_t *cur, long parent, int depth, struct herd_strv *ignore)
{
	struct herd_strv words = { 0 };
	struct directive d = { 0 };
	struct block *b;
	const char *rest;
	char *key, *raw;
	size_t n;
	enum kw kw;
	int rc = 0;

	split_keyword(text, &key, &rest);
	raw = xstrdup(rest);
	for (n = strlen(raw); n > 0 && isspace((unsigned char)raw[n - 1]); n--)
		raw[n - 1] = '\0';
	if (!*key || *key == '#')
		goto out;
	if (sshconf_keyword(key, &kw) < 0) {
		if (!l->file)
			rc = sshconf_fail(l, "unknown ssh_config keyword \"%s\"", key);
		else if (!ignored(ignore, key))
			warnx("ssh config: %s:%zu: unknown keyword \"%s\" ignored",
			    l->file, l->lineno, key);
		goto out;
	}
	if (split_words(rest, &words) < 0) {
		rc = sshconf_fail(l, "unbalanced quotes");
		goto out;
	}
	if (!l->file && (kw == K_HOST || kw == K_MATCH || kw == K_INCLUDE)) {
		rc = sshconf_fail(l, "%s is not allowed on the command line", key);
		goto out;
	}
	if (kw == K_HOST || kw == K_MATCH) {
		if (!words.n) {
			rc = sshconf_fail(l, "%s: missing argument", key);
			goto out;
		}
		if (kw == K_MATCH && (rc = sshconf_check_match(l, &words)) < 0)
			goto out;
		free(raw);
		raw = xasprintf("%s:%zu", l->file, l->lineno);
		*cur = new_block(c, kw == K_HOST ? B_HOST : B_MATCH, parent, raw);
		for (n = 0; n < words.n; n++)
			herd_strv_add(&c->b[*cur].patterns, words.v[n]);
	} else if (kw == K_INCLUDE) {
		rc = include(c, l, &words, user_file, cur, depth, ignore);
	} else if (kw == K_OTHER) {
		if (!l->file)
			warnx("-o %s: herd-run does not use %s; ignored", l->text, key);
	} else if ((rc = sshconf_value(l, key, kw, raw, &words, &d)) == 0) {
		if (kw == K_IGNOREUNKNOWN)
			for (n = 0; n < d.args.n; n++)
				herd_strv_split(ignore, d.args.v[n], ',');
		b = &c->b[*cur];
		herd_grow(&b->d, &b->cap, b->n, sizeof *b->d);
		b->d[b->n++] = d;
		memset(&d, 0, sizeof d);
	}
out:
	herd_strv_free(&d.args);
	herd_strv_free(&words);
	free(raw);
	free(key);
	return rc;
}

static int
parse_file(struct sshconf *c, const char *path, int user_file, long parent, int depth,
    struct herd_strv *ignore, char **err)
{
	FILE *f = fopen(path, "re");
	struct line l = { path, 0, NULL, err };
	char *text = NULL;
	size_t cap = 0, cur;
	int rc = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	cur = new_block(c, B_SAME, parent, path);
	while (rc == 0 && getline(&text, &cap, f) >= 0) {
		l.lineno++;
		rc = parse_line(c, &l, text, user_file, &cur, parent, depth, ignore);
	}
	if (rc == 0 && ferror(f)) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(text);
	fclose(f);
	return rc;
}

static int
parse_options(struct sshconf *c, const struct herd_strv *options,
    struct herd_strv *ignore, char **err)
{
	struct line l = { NULL, 0, NULL, err };
	size_t cur = new_block(c, B_SAME, -1, "-o"), i;

	for (i = 0; options && i < options->n; i++) {
		l.text = options->v[i];
		if (parse_line(c, &l, options->v[i], 1, &cur, -1, 0, ignore) < 0)
			return -1;
	}
	return 0;
}

struct sshconf *
sshconf_load(const char *file, const struct herd_strv *options, char **err)
{
	struct sshconf *c = xcalloc(1, sizeof *c);
	struct herd_strv ignore = { 0 };
	char *user;
	int rc;

	rc = parse_options(c, options, &ignore, err);
	if (rc == 0 && file) {
		if (access(file, R_OK) < 0) {
			*err = xasprintf("%s: %s", file, strerror(errno));
			rc = -1;
		} else {
			rc = parse_file(c, file, 1, -1, 0, &ignore, err);
		}
	} else if (rc == 0) {
		/* as ssh: a default file that cannot be read is skipped */
		user = sshconf_home("/.ssh/config");
		if (access(user, R_OK) == 0)
			rc = parse_file(c, user, 1, -1, 0, &ignore, err);
		free(user);
		/* the system file starts afresh: its top lines apply to every host */
		if (rc == 0 && access("/etc/ssh/ssh_config", R_OK) == 0)
			rc = parse_file(c, "/etc/ssh/ssh_config", 0, -1, 0, &ignore, err);
	}
	herd_strv_free(&ignore);
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
		for (j = 0; j < c->b[i].n; j++)
			herd_strv_free(&c->b[i].d[j].args);
		free(c->b[i].d);
		free(c->b[i].where);
		herd_strv_free(&c->b[i].patterns);
	}
	free(c->b);
	free(c);
}
