/* notifications: where herd-notify sends events (webhook, slack, script). */
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

/* In the order of the HERD_ON_* bits. */
static const char *const events[] = { "failure", "change", "timeout", "resolve" };
static const char *const types[] = { "webhook", "slack", "script" };

static void
notify_on(struct herd_walk *w, struct herd_notifier *nt, yaml_node_t *n,
    const char *where)
{
	yaml_node_item_t *it;
	yaml_node_t *e;
	const char *s, *hint;
	size_t i;

	if (herd_walk_expect(w, n, YAML_SEQUENCE_NODE, "a list of events such as "
	    "[failure, change]", where) < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = herd_walk_node(w, *it);
		if (!(s = herd_walk_string(w, e, where)))
			continue;
		for (i = 0; i < LENGTH(events); i++)
			if (!strcmp(s, events[i]))
				break;
		if (i < LENGTH(events)) {
			nt->on |= 1u << i;
			continue;
		}
		hint = herd_suggest(s, events, LENGTH(events));
		herd_walk_fail(w, e, "%s: unknown event \"%s\"%s%s%s (events: failure, "
		    "change, timeout, resolve)", where, s, hint ? "; did you mean \"" : "",
		    hint ? hint : "", hint ? "\"?" : "");
	}
}

static void
headers(struct herd_walk *w, struct herd_notifier *nt, yaml_node_t *v,
    const char *where)
{
	yaml_node_pair_t *p;
	const char *s;
	size_t cap = 0;

	if (herd_walk_is_null(v) || herd_walk_expect(w, v, YAML_MAPPING_NODE,
	    "a mapping of header names to values", where) < 0)
		return;
	herd_walk_keys(w, v, NULL, 0, where);
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		if (herd_walk_node(w, p->key)->type != YAML_SCALAR_NODE ||
		    !(s = herd_walk_string(w, herd_walk_node(w, p->value), where)))
			continue;
		herd_grow(&nt->headers, &cap, nt->nheaders, sizeof *nt->headers);
		nt->headers[nt->nheaders].key =
		    xstrdup(herd_walk_scalar(herd_walk_node(w, p->key)));
		nt->headers[nt->nheaders++].value = xstrdup(s);
	}
}

/* The target's name, checked; where then names it rather than its index. */
static void
name(struct herd_walk *w, struct herd_notifier *nt, yaml_node_t *n, char **where)
{
	const struct herd_config *cfg = w->cfg;
	size_t i;

	herd_walk_set_string(w, n, "name", *where, &nt->name);
	if (!nt->name) {
		herd_walk_fail(w, n, "%s: needs \"name\"", *where);
		return;
	}
	if (!herd_walk_name_ok(w, herd_walk_get(w, n, "name"), "notification", nt->name))
		return;
	for (i = 0; i + 1 < cfg->nnotifiers; i++)
		if (cfg->notifiers[i].name && !strcmp(cfg->notifiers[i].name, nt->name))
			herd_walk_fail(w, herd_walk_get(w, n, "name"), "%s: notification "
			    "\"%s\" is defined twice", *where, nt->name);
	free(*where);
	*where = xasprintf("notification \"%s\"", nt->name);
}

/* The type and what it needs; -1 if the type is missing or unknown. */
static int
type(struct herd_walk *w, struct herd_notifier *nt, yaml_node_t *n, const char *where)
{
	size_t i;

	herd_walk_set_string(w, n, "type", where, &nt->type);
	if (!nt->type) {
		herd_walk_fail(w, n, "%s: needs \"type\" (webhook, slack or script)", where);
		return -1;
	}
	for (i = 0; i < LENGTH(types); i++)
		if (!strcmp(nt->type, types[i]))
			return 0;
	herd_walk_fail(w, herd_walk_get(w, n, "type"), "%s: unknown type \"%s\"; "
	    "expected webhook, slack or script", where, nt->type);
	return -1;
}

static void
notifier(struct herd_walk *w, yaml_node_t *n, size_t index, size_t *cap)
{
	static const char *const keys[] = {
		"body", "command", "cooldown", "headers", "method", "name", "on",
		"type", "url", "webhook",
	};
	struct herd_config *cfg = w->cfg;
	struct herd_notifier *nt;
	yaml_node_t *v;
	char *where = xasprintf("notifications[%zu]", index);
	int script, slack;

	if (herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping with \"name\" and "
	    "\"type\"", where) < 0)
		goto out;
	herd_grow(&cfg->notifiers, cap, cfg->nnotifiers, sizeof *cfg->notifiers);
	nt = &cfg->notifiers[cfg->nnotifiers++];
	nt->cooldown_ms = -1;
	name(w, nt, n, &where);
	herd_walk_keys(w, n, keys, LENGTH(keys), where);
	if (type(w, nt, n, where) < 0)
		goto out;
	script = !strcmp(nt->type, "script");
	slack = !strcmp(nt->type, "slack");
	herd_walk_set_string(w, n, slack ? "webhook" : "url", where, &nt->url);
	herd_walk_set_string(w, n, "method", where, &nt->method);
	herd_walk_set_string(w, n, "body", where, &nt->body);
	herd_walk_set_string(w, n, "command", where, &nt->command);
	if (script ? !nt->command : !nt->url)
		herd_walk_fail(w, n, "%s: type %s needs \"%s\"", where, nt->type,
		    script ? "command" : slack ? "webhook" : "url");
	if ((v = herd_walk_get(w, n, "on")))
		notify_on(w, nt, v, where);
	else
		nt->on = HERD_ON_FAILURE;
	if ((v = herd_walk_get(w, n, "cooldown")))
		herd_walk_duration(w, v, where, &nt->cooldown_ms);
	if ((v = herd_walk_get(w, n, "headers")))
		headers(w, nt, v, where);
out:
	free(where);
}

static void
parse(struct herd_walk *w, yaml_node_t *n)
{
	yaml_node_item_t *it;
	size_t cap = 0;

	if (herd_walk_is_null(n) || herd_walk_expect(w, n, YAML_SEQUENCE_NODE,
	    "a list of notification targets", "notifications") < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		notifier(w, herd_walk_node(w, *it),
		    (size_t)(it - n->data.sequence.items.start), &cap);
}

static void
export_headers(struct herd_emit *o, const struct herd_notifier *n)
{
	const void **v = herd_conf_sorted(n->headers, n->nheaders, sizeof *n->headers);
	const struct herd_kv *h;
	size_t i;

	herd_emit_str(o, "headers");
	herd_emit_map_start(o, 0);
	for (i = 0; i < n->nheaders; i++) {
		h = v[i];
		herd_emit_kv(o, h->key, h->value);
	}
	herd_emit_map_end(o);
	free(v);
}

static void
export_one(struct herd_emit *o, const struct herd_notifier *n)
{
	size_t i;

	herd_emit_map_start(o, 0);
	herd_emit_kv(o, "body", n->body);
	herd_emit_kv(o, "command", n->command);
	if (n->cooldown_ms >= 0) {
		herd_emit_str(o, "cooldown");
		herd_emit_dur(o, n->cooldown_ms);
	}
	if (n->nheaders)
		export_headers(o, n);
	herd_emit_kv(o, "method", n->method);
	herd_emit_kv(o, "name", n->name);
	herd_emit_str(o, "on");
	herd_emit_seq_start(o, 1);
	for (i = 0; i < LENGTH(events); i++)
		if (n->on & (1u << i))
			herd_emit_str(o, events[i]);
	herd_emit_seq_end(o);
	herd_emit_kv(o, "type", n->type);
	herd_emit_kv(o, strcmp(n->type, "slack") ? "url" : "webhook", n->url);
	herd_emit_map_end(o);
}

static void
export(struct herd_emit *o, const struct herd_config *cfg)
{
	size_t i;

	if (!cfg->nnotifiers)
		return;
	herd_emit_str(o, "notifications");
	herd_emit_seq_start(o, 0);
	for (i = 0; i < cfg->nnotifiers; i++)
		export_one(o, &cfg->notifiers[i]);
	herd_emit_seq_end(o);
}

static void
summary(const struct herd_config *cfg, struct herd_buf *b)
{
	herd_conf_count(b, cfg->nnotifiers, "notification", "notifications");
}

static void
free_notifications(struct herd_config *cfg)
{
	struct herd_notifier *n;
	size_t i, j;

	for (i = 0; i < cfg->nnotifiers; i++) {
		n = &cfg->notifiers[i];
		for (j = 0; j < n->nheaders; j++) {
			free(n->headers[j].key);
			free(n->headers[j].value);
		}
		free(n->headers);
		free(n->name);
		free(n->type);
		free(n->url);
		free(n->method);
		free(n->body);
		free(n->command);
	}
	free(cfg->notifiers);
}

const struct herd_conf_section herd_conf_notifications = {
	.key = "notifications",
	.parse = parse,
	.export = export,
	.summary = summary,
	.free = free_notifications,
};
