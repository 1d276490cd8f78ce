/* parsers: named fields extracted from each host's output (herd --parse). */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "conf_int.h"

/* A pattern that compiles, with a capture group. */
static void
check_pattern(struct herd_walk *w, yaml_node_t *at, const char *pattern,
    const char *where)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	uint32_t ncap;
	int ec;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &off,
	    NULL);
	if (!re) {
		pcre2_get_error_message(ec, msg, sizeof msg);
		herd_walk_fail(w, at, "%s: bad pattern at offset %zu: %s", where,
		    (size_t)off, (char *)msg);
		return;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	pcre2_code_free(re);
	if (ncap < 1)
		herd_walk_fail(w, at, "%s: pattern needs a capture group, e.g. (\\d+)",
		    where);
}

static void
field(struct herd_walk *w, struct herd_extract *e, yaml_node_t *n, const char *where)
{
	yaml_node_t *v = herd_walk_get(w, n, "field");

	if (!v) {
		herd_walk_fail(w, n, "%s: an extract entry needs \"field\"", where);
		return;
	}
	if (herd_walk_is_null(v)) {
		herd_walk_fail(w, v, "%s: \"field\" is empty", where);
		return;
	}
	herd_walk_set_string(w, n, "field", where, &e->field);
	if (e->field && !herd_walk_name_ok(w, v, "field", e->field)) {
		free(e->field);
		e->field = NULL;
	}
}

/* Where the value comes from: a pattern or a column. */
static void
source(struct herd_walk *w, struct herd_extract *e, yaml_node_t *n, const char *where)
{
	yaml_node_t *pat = herd_walk_get(w, n, "pattern");
	yaml_node_t *col = herd_walk_get(w, n, "column");
	long long c;

	if (pat && col) {
		herd_walk_fail(w, herd_walk_later(herd_walk_get_key(w, n, "pattern"),
		    herd_walk_get_key(w, n, "column")), "%s: an extract entry takes one "
		    "of \"pattern\" and \"column\", not both", where);
		return;
	}
	if (!pat && !col) {
		herd_walk_fail(w, n, "%s: an extract entry needs \"pattern\" or "
		    "\"column\"", where);
		return;
	}
	if (col) {
		if (herd_walk_integer(w, col, where, 1, 1000, &c) == 0)
			e->column = (int)c;
		return;
	}
	if (herd_walk_is_null(pat)) {
		herd_walk_fail(w, pat, "%s: \"pattern\" is empty", where);
		return;
	}
	herd_walk_set_string(w, n, "pattern", where, &e->pattern);
	if (e->pattern)
		check_pattern(w, pat, e->pattern, where);
}

static void
extract(struct herd_walk *w, struct herd_parser *p, yaml_node_t *n, size_t *cap,
    const char *where)
{
	static const char *const keys[] = { "column", "field", "pattern" };
	struct herd_extract *e;

	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"field\" and "
	    "\"pattern\" or \"column\"", where) < 0)
		return;
	herd_walk_keys(w, n, keys, LENGTH(keys), where);
	herd_grow(&p->extract, cap, p->nextract, sizeof *p->extract);
	e = &p->extract[p->nextract++];
	field(w, e, n, where);
	source(w, e, n, where);
}

static void
parser(struct herd_walk *w, yaml_node_t *k, yaml_node_t *n, size_t *cap)
{
	static const char *const keys[] = { "extract" };
	struct herd_config *cfg = w->cfg;
	struct herd_parser *p;
	yaml_node_item_t *it;
	yaml_node_t *v;
	size_t ecap = 0;
	char *where = xasprintf("parser \"%s\"", herd_walk_scalar(k));

	herd_grow(&cfg->parsers, cap, cfg->nparsers, sizeof *cfg->parsers);
	p = &cfg->parsers[cfg->nparsers++];
	p->name = xstrdup(herd_walk_scalar(k));
	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"extract\"",
	    where) < 0)
		goto out;
	herd_walk_keys(w, n, keys, LENGTH(keys), where);
	if (!(v = herd_walk_get(w, n, "extract"))) {
		herd_walk_fail(w, k, "%s: needs \"extract\", a list of fields", where);
		goto out;
	}
	if (herd_walk_expect(w, v, YAML_SEQUENCE_NODE, "a list of fields", where) < 0)
		goto out;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		extract(w, p, herd_walk_node(w, *it), &ecap, where);
out:
	free(where);
}

static void
parse(struct herd_walk *w, yaml_node_t *n)
{
	herd_walk_named(w, n, "parsers", "parser", parser);
}

static void
export(struct herd_emit *o, const struct herd_config *cfg)
{
	const void **v;
	const struct herd_parser *p;
	const struct herd_extract *e;
	size_t i, j;

	if (!cfg->nparsers)
		return;
	v = herd_conf_sorted(cfg->parsers, cfg->nparsers, sizeof *cfg->parsers);
	herd_emit_str(o, "parsers");
	herd_emit_map_start(o, 0);
	for (i = 0; i < cfg->nparsers; i++) {
		p = v[i];
		herd_emit_str(o, p->name);
		herd_emit_map_start(o, 0);
		herd_emit_str(o, "extract");
		herd_emit_seq_start(o, 0);
		for (j = 0; j < p->nextract; j++) {
			e = &p->extract[j];
			herd_emit_map_start(o, 0);
			if (e->column) {
				herd_emit_str(o, "column");
				herd_emit_num(o, e->column);
			}
			herd_emit_kv(o, "field", e->field);
			herd_emit_kv(o, "pattern", e->pattern);
			herd_emit_map_end(o);
		}
		herd_emit_seq_end(o);
		herd_emit_map_end(o);
	}
	herd_emit_map_end(o);
	free(v);
}

static void
summary(const struct herd_config *cfg, struct herd_buf *b)
{
	herd_conf_count(b, cfg->nparsers, "parser", "parsers");
}

static void
free_parsers(struct herd_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->nparsers; i++) {
		for (j = 0; j < cfg->parsers[i].nextract; j++) {
			free(cfg->parsers[i].extract[j].field);
			free(cfg->parsers[i].extract[j].pattern);
		}
		free(cfg->parsers[i].extract);
		free(cfg->parsers[i].name);
	}
	free(cfg->parsers);
}

const struct herd_conf_section herd_conf_parsers = {
	.key = "parsers",
	.parse = parse,
	.export = export,
	.summary = summary,
	.free = free_parsers,
};
