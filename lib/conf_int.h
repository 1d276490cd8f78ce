/*
 * conf_int.h — inside the config loader: the YAML walker (conf_walk.c), the
 * YAML writer (conf_export.c) and the table of sections (conf.c).  Each
 * top-level section of the config is one file, conf_<section>.c, that
 * defines a struct herd_conf_section and is listed once in conf.c.
 */
#ifndef HERD_CONF_INT_H
#define HERD_CONF_INT_H

#include <yaml.h>

#include "conf.h"

#define LENGTH(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A walk over one loaded YAML document, collecting errors with positions.
 * Aliases (*name) let a small file stand for a huge one: a walk that visits
 * more nodes than budget stops, with one error.
 */
struct herd_walk {
	struct herd_config *cfg;
	yaml_document_t *doc;
	const char *file;
	size_t visits, budget;
	int over;		/* the budget is spent: nodes read as empty */
};

/* Errors, "file:line:col: message"; fail places it at node n. */
void herd_walk_fail_at(struct herd_walk *, size_t line, size_t column,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void herd_walk_fail(struct herd_walk *, yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The node at index; past the budget, an empty scalar. */
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

/* The YAML writer: events in order, keys sorted by the caller. */
struct herd_emit {
	yaml_emitter_t em;
	int ok;
};
void herd_emit_str(struct herd_emit *, const char *);
void herd_emit_num(struct herd_emit *, long long);
void herd_emit_dur(struct herd_emit *, long long ms);
/* key: value, or nothing when value is NULL */
void herd_emit_kv(struct herd_emit *, const char *key, const char *value);
void herd_emit_map_start(struct herd_emit *, int flow);
void herd_emit_map_end(struct herd_emit *);
void herd_emit_seq_start(struct herd_emit *, int flow);
void herd_emit_seq_end(struct herd_emit *);
void herd_emit_strv(struct herd_emit *, const struct herd_strv *);	/* [a, b] */
/* Pointers to n structs of size sz whose first member is a char *name, sorted. */
const void **herd_conf_sorted(const void *arr, size_t n, size_t sz);

/*
 * One top-level section.  parse is called with the section's value when the
 * key is there; export writes "key: value" or, when the section says
 * nothing, nothing; summary adds counts for config validate ("2 groups")
 * with herd_conf_count.
 */
struct herd_conf_section {
	const char *key;
	void (*init)(struct herd_config *);	/* NULL: zeroed is unset */
	void (*parse)(struct herd_walk *, yaml_node_t *);
	void (*export)(struct herd_emit *, const struct herd_config *);
	void (*summary)(const struct herd_config *, struct herd_buf *);	/* or NULL */
	void (*free)(struct herd_config *);
};

/* The sections, in the order they are read and summarised. */
extern const struct herd_conf_section *const herd_conf_sections[];
extern const size_t herd_conf_nsections;

/* Add "n things" to a summary, after a comma if it is not the first. */
void herd_conf_count(struct herd_buf *, size_t n, const char *one, const char *many);

#endif
