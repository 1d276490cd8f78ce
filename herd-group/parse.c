/*
 * --parse: fields pulled out of each host's output into one aligned table.
 * A field is the first capture group of a PCRE2 pattern over the whole
 * output, or a whitespace-separated column of its last non-empty line.
 */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "conf.h"
#include "group.h"

struct field {
	const char *name;
	const char *pattern;	/* or */
	int column;		/* 1-based, of the line below */
	const char *line_prefix;	/* column of the first line starting so; NULL: last line */
};

static const struct field disk[] = {
	{ "filesystem", NULL, 1, NULL }, { "size", NULL, 2, NULL },
	{ "used", NULL, 3, NULL }, { "avail", NULL, 4, NULL },
	{ "use_pct", NULL, 5, NULL }, { "mount", NULL, 6, NULL },
};
static const struct field mem[] = {
	{ "total", NULL, 2, "Mem:" }, { "used", NULL, 3, "Mem:" },
	{ "free", NULL, 4, "Mem:" }, { "available", NULL, 7, "Mem:" },
};
#define UPTIME_RE "up\\s+(.*?),\\s+\\d+\\s+users?,"
#define LOAD_RE "load averages?:\\s+"
static const struct field uptime[] = {
	{ "uptime", UPTIME_RE, 0, NULL },
	{ "users", "(\\d+)\\s+users?,", 0, NULL },
	{ "load1", LOAD_RE "([\\d.]+)", 0, NULL },
	{ "load5", LOAD_RE "[\\d.]+,?\\s+([\\d.]+)", 0, NULL },
	{ "load15", LOAD_RE "[\\d.]+,?\\s+[\\d.]+,?\\s+([\\d.]+)", 0, NULL },
};

static const struct builtin {
	const char *name;
	const struct field *f;
	size_t n;
} builtins[] = {
	{ "disk", disk, sizeof disk / sizeof disk[0] },
	{ "free", mem, sizeof mem / sizeof mem[0] },
	{ "uptime", uptime, sizeof uptime / sizeof uptime[0] },
};

static char *
by_pattern(const char *pattern, const struct herd_buf *out)
{
	pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE off, *ov;
	char *v = NULL;
	int ec;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE,
	    &ec, &off, NULL);
	if (!re)
		return NULL;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (pcre2_match(re, (PCRE2_SPTR)(out->p ? out->p : ""), out->len, 0, 0, md,
	    NULL) >= 2) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[2] != PCRE2_UNSET)
			v = xstrndup(out->p + ov[2], ov[3] - ov[2]);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return v;
}

static char *
by_column(int column, const char *prefix, const struct herd_buf *out)
{
	struct herd_strv lines = { 0 }, words = { 0 };
	const char *line = NULL;
	char *v = NULL, *p;
	size_t i;

	herd_strv_split(&lines, out->p ? out->p : "", '\n');
	for (i = 0; i < lines.n; i++) {
		for (p = lines.v[i]; *p; p++)
			if (*p == '\t' || *p == '\r')
				*p = ' ';
		if (prefix ? !strncmp(lines.v[i], prefix, strlen(prefix)) && !line :
		    strspn(lines.v[i], " ") != strlen(lines.v[i]))
			line = lines.v[i];
	}
	if (line) {
		herd_strv_split(&words, line, ' ');
		if ((size_t)column <= words.n)
			v = xstrdup(words.v[column - 1]);
	}
	herd_strv_free(&lines);
	herd_strv_free(&words);
	return v;
}

static void
put_cell(FILE *f, const char *s, size_t width, int last)
{
	if (last)
		fprintf(f, "%s\n", s);
	else
		fprintf(f, "%-*s  ", (int)width, s);
}

int
render_table(FILE *f, const struct run *run, const struct herd_config *cfg,
    const char *name, char **err)
{
	const struct herd_parser *p = NULL;
	const struct builtin *b = NULL;
	struct field *fields;
	const struct result **rows;
	char ***cells, *v, *dashes;
	struct herd_buf safe = { 0 };
	size_t nf, i, j, *width;

	for (i = 0; i < cfg->nparsers; i++)
		if (!strcmp(cfg->parsers[i].name, name))
			p = &cfg->parsers[i];
	for (i = 0; !p && i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i].name, name))
			b = &builtins[i];
	if (!p && !b) {
		*err = xasprintf("unknown parser \"%s\" (built in: disk, free, uptime; "
		    "others come from the config's parsers)", name);
		return -1;
	}
	nf = p ? p->nextract : b->n;
	fields = xcalloc(nf, sizeof *fields);
	for (i = 0; i < nf; i++) {
		if (p) {
			fields[i].name = p->extract[i].field;
			fields[i].pattern = p->extract[i].pattern;
			fields[i].column = p->extract[i].column;
		} else {
			fields[i] = b->f[i];
		}
	}
	rows = run_by_host(run);
	width = xcalloc(nf + 1, sizeof *width);
	cells = xcalloc(run->nresults + 1, sizeof *cells);
	width[0] = 4;
	for (j = 0; j < nf; j++)
		width[j + 1] = strlen(fields[j].name);
	for (i = 0; i < run->nresults; i++) {
		cells[i] = xcalloc(nf + 1, sizeof **cells);
		herd_buf_reset(&safe);
		herd_sanitize(&safe, rows[i]->host, strlen(rows[i]->host));
		cells[i][0] = xstrdup(safe.p);
		for (j = 0; j < nf; j++) {
			v = NULL;
			if (rows[i]->status == ST_OK || rows[i]->status == ST_NONZERO)
				v = fields[j].pattern ? by_pattern(fields[j].pattern,
				    &rows[i]->out) : by_column(fields[j].column,
				    fields[j].line_prefix, &rows[i]->out);
			herd_buf_reset(&safe);
			herd_sanitize(&safe, v ? v : "-", strlen(v ? v : "-"));
			cells[i][j + 1] = xstrdup(safe.p);
			free(v);
		}
		for (j = 0; j <= nf; j++)
			if (strlen(cells[i][j]) > width[j])
				width[j] = strlen(cells[i][j]);
	}
	put_cell(f, "HOST", width[0], nf == 0);
	for (j = 0; j < nf; j++)
		put_cell(f, fields[j].name, width[j + 1], j + 1 == nf);
	for (j = 0; j <= nf; j++) {
		dashes = xcalloc(width[j] + 1, 1);
		memset(dashes, '-', width[j]);
		put_cell(f, dashes, width[j], j == nf);
		free(dashes);
	}
	for (i = 0; i < run->nresults; i++) {
		for (j = 0; j <= nf; j++) {
			put_cell(f, cells[i][j], width[j], j == nf);
			free(cells[i][j]);
		}
		free(cells[i]);
	}
	free(cells);
	free(width);
	free(rows);
	free(fields);
	herd_buf_free(&safe);
	return 0;
}
