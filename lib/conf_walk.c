/*
 * The YAML walker: typed reads of the nodes of a loaded document, each
 * mismatch reported as "file:line:col: where: message".  It knows nothing
 * of the sections of the config (conf_<section>.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

static void
vfail_at(struct herd_walk *w, size_t line, size_t column, const char *fmt, va_list ap)
{
	char *msg, *full;

	if (w->over)	/* what follows comes of the walk being cut short */
		return;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	full = xasprintf("%s:%zu:%zu: %s", w->file, line, column, msg ? msg : "error");
	free(msg);
	msg = herd_safe(full);	/* it quotes the file, which may hold anything */
	herd_strv_add(&w->cfg->errors, msg);
	free(full);
	free(msg);
}

void
herd_walk_fail_at(struct herd_walk *w, size_t line, size_t column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(w, line, column, fmt, ap);
	va_end(ap);
}

/* An error at node n, which libyaml numbers from 0. */
void
herd_walk_fail(struct herd_walk *w, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(w, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
}

const char *
herd_walk_kind(yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_SCALAR_NODE:
		return n->data.scalar.length ? "a scalar" : "an empty value";
	default: return "nothing";
	}
}

yaml_node_t *
herd_walk_node(struct herd_walk *w, int i)
{
	static yaml_node_t none = {
		.type = YAML_SCALAR_NODE,
		.data.scalar = { (yaml_char_t *)"", 0, YAML_PLAIN_SCALAR_STYLE },
	};
	yaml_node_t *n = yaml_document_get_node(w->doc, i);

	if (w->over)
		return &none;
	if (++w->visits > w->budget) {
		herd_walk_fail(w, n, "aliases (*name) make the configuration too large "
		    "to read");
		w->over = 1;
		return &none;
	}
	return n;
}

const char *
herd_walk_scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

int
herd_conf_null_word(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL");
}

int
herd_walk_is_null(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    herd_conf_null_word(herd_walk_scalar(n));
}

int
herd_walk_expect(struct herd_walk *w, yaml_node_t *n, yaml_node_type_t t,
    const char *what, const char *where)
{
	if (n->type == t)
		return 0;
	herd_walk_fail(w, n, "%s: expected %s, got %s", where, what, herd_walk_kind(n));
	return -1;
}

/* A string scalar; NULL (with an error) otherwise. */
const char *
herd_walk_string(struct herd_walk *w, yaml_node_t *n, const char *where)
{
	if (n->type != YAML_SCALAR_NODE || herd_walk_is_null(n)) {
		herd_walk_fail(w, n, "%s: expected a string, got %s", where,
		    herd_walk_kind(n));
		return NULL;
	}
	return herd_walk_scalar(n);
}

/* "got \"VALUE\"" for a scalar, "got a list" for anything else. */
#define GOT(n) (n)->type == YAML_SCALAR_NODE ? "\"" : herd_walk_kind(n), \
	(n)->type == YAML_SCALAR_NODE ? herd_walk_scalar(n) : "", \
	(n)->type == YAML_SCALAR_NODE ? "\"" : ""

int
herd_walk_integer(struct herd_walk *w, yaml_node_t *n, const char *where,
    long long min, long long max, long long *out)
{
	if (n->type != YAML_SCALAR_NODE ||
	    herd_parse_int(herd_walk_scalar(n), min, max, out) < 0) {
		herd_walk_fail(w, n, "%s: expected a whole number from %lld to %lld, "
		    "got %s%s%s", where, min, max, GOT(n));
		return -1;
	}
	return 0;
}

int
herd_walk_duration(struct herd_walk *w, yaml_node_t *n, const char *where,
    long long *out)
{
	if (n->type != YAML_SCALAR_NODE ||
	    herd_parse_duration(herd_walk_scalar(n), out) < 0) {
		herd_walk_fail(w, n, "%s: expected a duration such as 250ms, 30s, 5m, "
		    "2h or 30d, got %s%s%s", where, GOT(n));
		return -1;
	}
	return 0;
}

int
herd_walk_boolean(struct herd_walk *w, yaml_node_t *n, const char *where, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "off" };
	size_t i;

	if (n->type == YAML_SCALAR_NODE)
		for (i = 0; i < LENGTH(yes); i++) {
			if (!strcmp(herd_walk_scalar(n), yes[i]))
				return *out = 1, 0;
			if (!strcmp(herd_walk_scalar(n), no[i]))
				return *out = 0, 0;
		}
	herd_walk_fail(w, n, "%s: expected true or false, got %s%s%s", where, GOT(n));
	return -1;
}

int
herd_walk_name_ok(struct herd_walk *w, yaml_node_t *n, const char *what, const char *s)
{
	if (herd_valid_name(s))
		return 1;
	herd_walk_fail(w, n, "%s name \"%s\": use letters, digits, '_' and '-' only",
	    what, s);
	return 0;
}

static int
allowed_key(const char *key, const char *const *allowed, size_t nallowed,
    struct herd_walk *w, yaml_node_t *k, const char *where)
{
	const char *hint;
	size_t i;

	for (i = 0; i < nallowed; i++)
		if (!strcmp(key, allowed[i]))
			return 1;
	hint = herd_suggest(key, allowed, nallowed);
	if (hint)
		herd_walk_fail(w, k, "%s: unknown key \"%s\"; did you mean \"%s\"?",
		    where, key, hint);
	else
		herd_walk_fail(w, k, "%s: unknown key \"%s\"", where, key);
	return 0;
}

/* Whether key k was seen before p: by a scan in a small mapping, else a hash. */
static int
seen_before(struct herd_walk *w, yaml_node_t *map, yaml_node_pair_t *p,
    yaml_node_t *k, struct herd_map *seen)
{
	yaml_node_pair_t *q;
	yaml_node_t *qk;
	int added;

	if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > 8) {
		herd_map_put(seen, k->data.scalar.value, k->data.scalar.length, &added);
		return !added;
	}
	for (q = map->data.mapping.pairs.start; q < p; q++) {
		qk = herd_walk_node(w, q->key);
		if (qk->type == YAML_SCALAR_NODE &&
		    !strcmp(herd_walk_scalar(qk), herd_walk_scalar(k)))
			return 1;
	}
	return 0;
}

int
herd_walk_keys(struct herd_walk *w, yaml_node_t *map, const char *const *allowed,
    size_t nallowed, const char *where)
{
	struct herd_map seen = { 0 };
	yaml_node_pair_t *p;
	yaml_node_t *k;
	int ok = 1;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		k = herd_walk_node(w, p->key);
		if (k->type != YAML_SCALAR_NODE) {
			herd_walk_fail(w, k, "%s: expected a key, got %s", where,
			    herd_walk_kind(k));
			ok = 0;
			continue;
		}
		if (seen_before(w, map, p, k, &seen)) {
			herd_walk_fail(w, k, "%s: duplicate key \"%s\"", where,
			    herd_walk_scalar(k));
			ok = 0;
		}
		if (allowed && !allowed_key(herd_walk_scalar(k), allowed, nallowed, w, k,
		    where))
			ok = 0;
	}
	herd_map_free(&seen);
	return ok ? 0 : -1;
}

static yaml_node_pair_t *
get_pair(struct herd_walk *w, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		k = herd_walk_node(w, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp(herd_walk_scalar(k), key))
			return p;
	}
	return NULL;
}

yaml_node_t *
herd_walk_get(struct herd_walk *w, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = get_pair(w, map, key);

	return p ? herd_walk_node(w, p->value) : NULL;
}

yaml_node_t *
herd_walk_get_key(struct herd_walk *w, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = get_pair(w, map, key);

	return p ? herd_walk_node(w, p->key) : NULL;
}

/* The later of two nodes in the file. */
yaml_node_t *
herd_walk_later(yaml_node_t *a, yaml_node_t *b)
{
	return a->start_mark.index > b->start_mark.index ? a : b;
}

void
herd_walk_set_string(struct herd_walk *w, yaml_node_t *map, const char *key,
    const char *where, char **out)
{
	yaml_node_t *v = herd_walk_get(w, map, key);
	const char *s;

	if (v && !herd_walk_is_null(v) && (s = herd_walk_string(w, v, where)))
		*out = xstrdup(s);
}

void
herd_walk_named(struct herd_walk *w, yaml_node_t *n, const char *section,
    const char *what, void (*fn)(struct herd_walk *, yaml_node_t *, yaml_node_t *,
    size_t *))
{
	yaml_node_pair_t *p;
	yaml_node_t *k;
	size_t cap = 0;

	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_MAPPING_NODE,
	    "a mapping of names", section) < 0)
		return;
	herd_walk_keys(w, n, NULL, 0, section);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = herd_walk_node(w, p->key);
		if (k->type == YAML_SCALAR_NODE &&
		    herd_walk_name_ok(w, k, what, herd_walk_scalar(k)))
			fn(w, k, herd_walk_node(w, p->value), &cap);
	}
}
