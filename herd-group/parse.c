/*
 * --parse: fields pulled out of each host's output into one aligned table.
 * A field is the first capture group of a PCRE2 pattern over the whole
 * output, or a whitespace-separated column of its last non-empty line.
 */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <jansson.h>

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
by_pattern(const char *pattern, const char *out, size_t len)
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
	if (pcre2_match(re, (PCRE2_SPTR)out, len, 0, 0, md, NULL) >= 2) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[2] != PCRE2_UNSET)
			v = xstrndup(out + ov[2], ov[3] - ov[2]);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return v;
}

static char *
by_column(int column, const char *prefix, const char *out)
{
	struct herd_strv lines = { 0 }, words = { 0 };
	const char *line = NULL;
	char *v = NULL, *p;
	size_t i;

	herd_strv_split(&lines, out, '\n');
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
		if (column >= 1 && (size_t)column <= words.n)
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

/* The fields of a parser of the config, or of one built in; NULL if none. */
static struct field *
find_parser(const struct herd_config *cfg, const char *name, size_t *nf)
{
	const struct herd_parser *p = NULL;
	const struct builtin *b = NULL;
	struct field *fields;
	size_t i;

	for (i = 0; i < cfg->nparsers; i++)
		if (!strcmp(cfg->parsers[i].name, name))
			p = &cfg->parsers[i];
	for (i = 0; !p && i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i].name, name))
			b = &builtins[i];
	if (!p && !b)
		return NULL;
	*nf = p ? p->nextract : b->n;
	fields = xcalloc(*nf + 1, sizeof *fields);
	for (i = 0; i < *nf; i++) {
		if (p) {
			fields[i].name = p->extract[i].field ? p->extract[i].field : "?";
			fields[i].pattern = p->extract[i].pattern;
			fields[i].column = p->extract[i].column;
		} else {
			fields[i] = b->f[i];
		}
	}
	return fields;
}

/* A field of a host's output; NULL when not found or the host did not complete. */
static char *
extract(const struct field *fl, const struct result *r)
{
	if (!r || !result_completed(r))
		return NULL;
	return fl->pattern ? by_pattern(fl->pattern, r->body->out, r->body->outlen) :
	    by_column(fl->column, fl->line_prefix, r->body->out);
}

static void
table_json(FILE *f, const struct run *run, const struct field *fields, size_t nf,
    const struct row *rows, size_t n)
{
	json_t *obj, *vals;
	size_t i, j;
	char *v;

	for (i = 0; i < n; i++) {
		obj = json_object();
		vals = json_object();
		for (j = 0; j < nf; j++) {
			v = extract(&fields[j], rows[i].r);
			json_object_set_new(vals, fields[j].name, v ?
			    herd_json_bytes(v, strlen(v)) : json_null());
			free(v);
		}
		json_object_set_new(obj, "run", herd_json_bytes(run->id ? run->id : "",
		    run->id ? strlen(run->id) : 0));
		json_object_set_new(obj, "host", herd_json_bytes(rows[i].host,
		    strlen(rows[i].host)));
		json_object_set_new(obj, "status", rows[i].r ?
		    json_string(status_name(rows[i].r->status)) : json_null());
		json_object_set_new(obj, "fields", vals);
		herd_json_print(f, obj);
	}
}

static void
table_text(FILE *f, const struct field *fields, size_t nf, const struct row *rows,
    size_t n)
{
	struct herd_buf safe = { 0 };
	char ***cells, *v, *dashes;
	size_t i, j, *width = xcalloc(nf + 1, sizeof *width);

	cells = xcalloc(n + 1, sizeof *cells);
	width[0] = 4;
	for (j = 0; j < nf; j++)
		width[j + 1] = strlen(fields[j].name);
	for (i = 0; i < n; i++) {
		cells[i] = xcalloc(nf + 1, sizeof **cells);
		herd_buf_reset(&safe);
		safe_line(&safe, rows[i].host, strlen(rows[i].host));
		cells[i][0] = xstrdup(safe.p);
		for (j = 0; j < nf; j++) {
			v = extract(&fields[j], rows[i].r);
			herd_buf_reset(&safe);
			safe_line(&safe, v ? v : "-", strlen(v ? v : "-"));
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
	for (i = 0; i < n; i++) {
		for (j = 0; j <= nf; j++) {
			put_cell(f, cells[i][j], width[j], j == nf);
			free(cells[i][j]);
		}
		free(cells[i]);
	}
	free(cells);
	free(width);
	herd_buf_free(&safe);
}

/* The table of a parser's fields, a row per host; or, with json, an object per host. */
int
render_table(FILE *f, const struct run *run, const struct herd_config *cfg,
    const char *name, int json, char **err)
{
	struct field *fields;
	struct row *rows;
	size_t nf = 0, n;
	char *safe;

	if (!(fields = find_parser(cfg, name, &nf))) {
		safe = herd_safe(name);
		*err = xasprintf("unknown parser \"%s\" (built in: disk, free, uptime; "
		    "others come from the config's parsers)", safe);
		free(safe);
		return -1;
	}
	rows = run_rows(run, &n);
	if (json)
		table_json(f, run, fields, nf, rows, n);
	else
		table_text(f, fields, nf, rows, n);
	free(rows);
	free(fields);
	return 0;
}
