/* conf_int.h — inside the config loader: the YAML walker (conf_walk.c). */
#ifndef HERD_CONF_INT_H
#define HERD_CONF_INT_H

#include <yaml.h>

#include "conf.h"

#define LENGTH(a) (sizeof(a) / sizeof((a)[0]))

/* A walk over one loaded YAML document, collecting errors with positions. */
struct herd_walk {
	struct herd_config *cfg;
	yaml_document_t *doc;
	const char *file;
};

/* Errors, "file:line:col: message"; fail places it at node n. */
void herd_walk_fail_at(struct herd_walk *, size_t line, size_t column,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void herd_walk_fail(struct herd_walk *, yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

yaml_node_t *herd_walk_node(struct herd_walk *, int index);
const char *herd_walk_scalar(yaml_node_t *);
const char *herd_walk_kind(yaml_node_t *);	/* "a mapping", "a list", ... */
int herd_conf_null_word(const char *);		/* "", ~, null: no value when plain */
int herd_walk_is_null(yaml_node_t *);
/* Each of these reports a mismatch at the node, prefixed by where. */
int herd_walk_expect(struct herd_walk *, yaml_node_t *, yaml_node_type_t,
    const char *what, const char *where);
const char *herd_walk_string(struct herd_walk *, yaml_node_t *, const char *where);
int herd_walk_integer(struct herd_walk *, yaml_node_t *, const char *where,
    long long min, long long max, long long *out);
int herd_walk_duration(struct herd_walk *, yaml_node_t *, const char *where,
    long long *ms);
int herd_walk_boolean(struct herd_walk *, yaml_node_t *, const char *where, int *out);
int herd_walk_name_ok(struct herd_walk *, yaml_node_t *, const char *what,
    const char *name);
/*
 * A mapping's keys: each a scalar, none twice, and (unless allowed is NULL)
 * each one of allowed, an unknown one reported with the closest allowed.
 */
int herd_walk_keys(struct herd_walk *, yaml_node_t *map, const char *const *allowed,
    size_t nallowed, const char *where);
/* The value or the key node of key in a mapping, or NULL. */
yaml_node_t *herd_walk_get(struct herd_walk *, yaml_node_t *map, const char *key);
yaml_node_t *herd_walk_get_key(struct herd_walk *, yaml_node_t *map, const char *key);
yaml_node_t *herd_walk_later(yaml_node_t *, yaml_node_t *);
/* *out = a copy of the string at key, unless it is absent or null. */
void herd_walk_set_string(struct herd_walk *, yaml_node_t *map, const char *key,
    const char *where, char **out);
/* A mapping of NAME: value (null: empty), each valid name handed to fn. */
void herd_walk_named(struct herd_walk *, yaml_node_t *, const char *section,
    const char *what, void (*fn)(struct herd_walk *, yaml_node_t *key,
    yaml_node_t *value, size_t *cap));

#endif
