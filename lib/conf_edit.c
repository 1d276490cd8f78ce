/*
 * Hosts added to a group of the config as a textual edit: the config is
 * parsed (libyaml) only to find where the group's host list ends, and the
 * new entries are inserted there as lines (or items of a [flow] list), so
 * that every other byte (comments, order, quoting, blank lines) stays as
 * the user wrote it.  Missing levels (groups:, the group, its hosts:) are
 * inserted the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "conf.h"

struct edit {
	const char *text;
	size_t len;
	yaml_document_t doc;
	const struct herd_strv *entries;
	struct herd_buf add;	/* what is inserted */
	size_t at;		/* where */
	char *err;
};

static int
fail(struct edit *e, const yaml_node_t *n, const char *msg)
{
	e->err = xasprintf("%zu:%zu: %s", n->start_mark.line + 1, n->start_mark.column + 1, msg);
	return -1;
}

static yaml_node_t *
node(struct edit *e, int id)
{
	return yaml_document_get_node(&e->doc, id);
}

/* An empty plain scalar: a key written with no value ("hosts:"). */
static int
is_empty(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && !n->data.scalar.length &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* The pair of mapping M whose key is the scalar KEY, or NULL. */
static yaml_node_pair_t *
pair(struct edit *e, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = node(e, p->key);
		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
		    !memcmp(k->data.scalar.value, key, strlen(key)))
			return p;
	}
	return NULL;
}

/* Where the text of N ends (its last descendant's end: a block ends at the next token). */
static size_t
last_end(struct edit *e, yaml_node_t *n, int depth)
{
	yaml_node_pair_t *p;
	yaml_node_t *k, *v;

	if (depth > 64)
		return n->end_mark.index;
	switch (n->type) {
	case YAML_SEQUENCE_NODE:
		if (n->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE ||
		    n->data.sequence.items.top == n->data.sequence.items.start)
			return n->end_mark.index;
		return last_end(e, node(e, n->data.sequence.items.top[-1]), depth + 1);
	case YAML_MAPPING_NODE:
		if (n->data.mapping.style == YAML_FLOW_MAPPING_STYLE ||
		    n->data.mapping.pairs.top == n->data.mapping.pairs.start)
			return n->end_mark.index;
		p = n->data.mapping.pairs.top - 1;
		k = node(e, p->key);
		v = node(e, p->value);
		if (!v || is_empty(v) || v->start_mark.index < k->end_mark.index)
			return k->end_mark.index;	/* no value, or an alias */
		return last_end(e, v, depth + 1);
	default:
		return n->end_mark.index;
	}
}

/* Whether the text ends a line at byte I: YAML's line breaks are LF, CR and CR LF. */
static int
is_break(const struct edit *e, size_t i)
{
	return e->text[i] == '\n' || e->text[i] == '\r';
}

/* Where the line break at byte I ends. */
static size_t
break_end(const struct edit *e, size_t i)
{
	return e->text[i] == '\r' && i + 1 < e->len && e->text[i + 1] == '\n' ? i + 2 : i + 1;
}

/* The start of the line after the one holding the byte before I. */
static size_t
line_after(const struct edit *e, size_t i)
{
	if (i > e->len)
		i = e->len;
	if (i > 0 && is_break(e, i - 1))
		return break_end(e, i - 1);
	while (i < e->len && !is_break(e, i))
		i++;
	return i < e->len ? break_end(e, i) : i;
}

/* A key's column, or that of the "?" before it (an explicit key). */
static size_t
key_column(const struct edit *e, const yaml_node_t *k)
{
	size_t i = k->start_mark.index;

	while (i > 0 && e->text[i - 1] == ' ')
		i--;
	if (i > 0 && e->text[i - 1] == '?')
		return k->start_mark.column - (k->start_mark.index - (i - 1));
	return k->start_mark.column;
}

static void
indent(struct herd_buf *b, size_t n)
{
	while (n--)
		herd_buf_addc(b, ' ');
}

/* The entries as block list items at column COL. */
static void
items(struct edit *e, size_t col)
{
	size_t i;

	for (i = 0; i < e->entries->n; i++) {
		indent(&e->add, col);
		herd_buf_addf(&e->add, "- %s\n", e->entries->v[i]);
	}
}

/* "hosts:" at column COL and the entries under it. */
static void
hosts_key(struct edit *e, size_t col)
{
	indent(&e->add, col);
	herd_buf_adds(&e->add, "hosts:\n");
	items(e, col + 2);
}

static void
group_key(struct edit *e, const char *group, size_t col)
{
	indent(&e->add, col);
	herd_buf_addf(&e->add, "%s:\n", group);
	hosts_key(e, col + 2);
}

/* The entries into an existing hosts: value. */
static int
into_hosts(struct edit *e, yaml_node_t *key, yaml_node_t *v)
{
	size_t i, close;

	if (is_empty(v)) {
		e->at = line_after(e, key->end_mark.index);
		items(e, key_column(e, key) + 2);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(e, v, "hosts: expected a list to add to");
	if (v->start_mark.index < key->end_mark.index)
		return fail(e, v, "hosts: an alias; add the hosts by hand");
	if (v->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE) {
		e->at = line_after(e, last_end(e, v, 0));
		items(e, v->start_mark.column);
		return 0;
	}
	close = v->end_mark.index;
	if (!close || close > e->len || e->text[close - 1] != ']')
		return fail(e, v, "hosts: cannot find the end of the [list]");
	e->at = close - 1;
	for (i = 0; i < e->entries->n; i++) {
		if (i || v->data.sequence.items.top > v->data.sequence.items.start)
			herd_buf_adds(&e->add, ", ");
		herd_buf_adds(&e->add, e->entries->v[i]);
	}
	return 0;
}

static int
into_group(struct edit *e, yaml_node_t *key, yaml_node_t *g)
{
	yaml_node_pair_t *p;

	if (is_empty(g)) {
		e->at = line_after(e, key->end_mark.index);
		hosts_key(e, key_column(e, key) + 2);
		return 0;
	}
	if (g->type != YAML_MAPPING_NODE || g->data.mapping.style == YAML_FLOW_MAPPING_STYLE ||
	    g->start_mark.index < key->end_mark.index)
		return fail(e, g, "the group is not a block mapping (hosts: on lines of "
		    "their own); add the hosts by hand");
	if ((p = pair(e, g, "hosts")))
		return into_hosts(e, node(e, p->key), node(e, p->value));
	e->at = line_after(e, last_end(e, g, 0));
	hosts_key(e, key_column(e, node(e, g->data.mapping.pairs.start->key)));
	return 0;
}

static int
into_groups(struct edit *e, yaml_node_t *key, yaml_node_t *gs, const char *group)
{
	yaml_node_pair_t *p;

	if (is_empty(gs)) {
		e->at = line_after(e, key->end_mark.index);
		group_key(e, group, key_column(e, key) + 2);
		return 0;
	}
	if (gs->type != YAML_MAPPING_NODE || gs->data.mapping.style == YAML_FLOW_MAPPING_STYLE ||
	    gs->start_mark.index < key->end_mark.index)
		return fail(e, gs, "groups: not a block mapping; add the hosts by hand");
	if ((p = pair(e, gs, group)))
		return into_group(e, node(e, p->key), node(e, p->value));
	e->at = line_after(e, last_end(e, gs, 0));
	group_key(e, group, key_column(e, node(e, gs->data.mapping.pairs.start->key)));
	return 0;
}

static int
into_root(struct edit *e, const char *group)
{
	yaml_node_t *root = yaml_document_get_root_node(&e->doc);
	yaml_node_pair_t *p;
	size_t col = 0;

	if (root && root->type == YAML_MAPPING_NODE &&
	    root->data.mapping.style != YAML_FLOW_MAPPING_STYLE &&
	    (p = pair(e, root, "groups")))
		return into_groups(e, node(e, p->key), node(e, p->value), group);
	if (root && !is_empty(root) && !(root->type == YAML_SCALAR_NODE &&
	    root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!strcmp((char *)root->data.scalar.value, "~") ||
	    !strcmp((char *)root->data.scalar.value, "null"))) &&
	    (root->type != YAML_MAPPING_NODE ||
	    root->data.mapping.style == YAML_FLOW_MAPPING_STYLE))
		return fail(e, root, "the config is not a block mapping; add the hosts by hand");
	if (root && root->type == YAML_SCALAR_NODE && !is_empty(root))
		return fail(e, root, "the config is a null document; write groups: first");
	/* at the column of the mapping's keys, which need not be the first */
	if (root && root->type == YAML_MAPPING_NODE &&
	    root->data.mapping.pairs.top > root->data.mapping.pairs.start)
		col = key_column(e, node(e, root->data.mapping.pairs.start->key));
	e->at = e->len;
	indent(&e->add, col);
	herd_buf_adds(&e->add, "groups:\n");
	group_key(e, group, col + 2);
	return 0;
}

/*
 * Whether a block scalar (| or >) runs to the end of a text without a line
 * break there: the line break an edit must add would join its value.
 */
static yaml_node_t *
ends_in_block_scalar(struct edit *e)
{
	yaml_node_t *n;

	if (!e->len || is_break(e, e->len - 1))
		return NULL;
	for (n = e->doc.nodes.start; n < e->doc.nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE && n->end_mark.index >= e->len &&
		    (n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		    n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE))
			return n;
	return NULL;
}

/* Whether P parses as YAML: an edit is given back only if it does. */
static int
parses(const char *p, size_t n)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int ok;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
	if ((ok = yaml_parser_load(&parser, &doc)))
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ok;
}

int
herd_conf_add_hosts(const char *text, size_t len, const char *group,
    const struct herd_strv *entries, struct herd_buf *out, char **err)
{
	struct edit e = { .text = text, .len = len, .entries = entries };
	yaml_node_t *block;
	yaml_parser_t parser;
	size_t start;
	int rc;

	*err = NULL;
	/* what is added is UTF-8: a UTF-16 file (libyaml reads one) is not edited */
	if (len >= 2 && ((text[0] == '\xfe' && text[1] == '\xff') ||
	    (text[0] == '\xff' && text[1] == '\xfe'))) {
		*err = xstrdup("1:1: the config is UTF-16; add the hosts by hand");
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &e.doc)) {
		*err = xasprintf("%zu:%zu: %s", parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1, parser.problem ? parser.problem :
		    "cannot be parsed");
		yaml_parser_delete(&parser);
		return -1;
	}
	rc = into_root(&e, group);
	if (rc == 0 && e.at == len && (block = ends_in_block_scalar(&e)))
		rc = fail(&e, block, "a | or > block ends the file without a line "
		    "break, which would join its value; end the file with one");
	yaml_document_delete(&e.doc);
	yaml_parser_delete(&parser);
	if (rc < 0) {
		*err = e.err;
		herd_buf_free(&e.add);
		return -1;
	}
	start = out->len;
	herd_buf_add(out, text, e.at);
	if (e.at == len && len && !is_break(&e, len - 1) && e.add.len &&
	    e.add.p[e.add.len - 1] == '\n')
		herd_buf_addc(out, '\n');
	herd_buf_add(out, e.add.p, e.add.len);
	herd_buf_add(out, text + e.at, len - e.at);
	herd_buf_free(&e.add);
	if (!parses(out->p + start, out->len - start)) {
		out->len = start;
		*err = xstrdup("1:1: the hosts cannot be added here without breaking "
		    "the file's YAML; add them by hand");
		return -1;
	}
	return 0;
}
