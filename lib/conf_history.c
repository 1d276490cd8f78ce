/* history: whether runs are recorded, how many are kept, what is redacted first. */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "conf_int.h"

static void
init(struct herd_config *cfg)
{
	cfg->history.record = -1;
	cfg->history.keep = -1;
}

static void
redact(struct herd_walk *w, yaml_node_t *n)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	yaml_node_item_t *it;
	yaml_node_t *e;
	pcre2_code *re;
	const char *s;
	int ec;

	if (herd_walk_expect(w, n, YAML_SEQUENCE_NODE, "a list of patterns",
	    "history.redact") < 0)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = herd_walk_node(w, *it);
		if (!(s = herd_walk_string(w, e, "history.redact")))
			continue;
		if (!(re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &ec,
		    &off, NULL))) {
			pcre2_get_error_message(ec, msg, sizeof msg);
			herd_walk_fail(w, e, "history.redact: bad pattern at offset %zu: %s",
			    (size_t)off, (char *)msg);
			continue;
		}
		pcre2_code_free(re);
		herd_strv_add(&w->cfg->history.redact, s);
	}
}

static void
parse(struct herd_walk *w, yaml_node_t *n)
{
	static const char *const keys[] = { "keep", "record", "redact" };
	struct herd_history_conf *h = &w->cfg->history;
	yaml_node_t *v;

	if (herd_walk_is_null(n) ||
	    herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping", "history") < 0)
		return;
	herd_walk_keys(w, n, keys, LENGTH(keys), "history");
	if ((v = herd_walk_get(w, n, "record")))
		herd_walk_boolean(w, v, "history.record", &h->record);
	if ((v = herd_walk_get(w, n, "keep")))
		herd_walk_integer(w, v, "history.keep", 0, 1000000, &h->keep);
	if ((v = herd_walk_get(w, n, "redact")) && !herd_walk_is_null(v))
		redact(w, v);
}

static void
export(struct herd_emit *o, const struct herd_config *cfg)
{
	const struct herd_history_conf *h = &cfg->history;

	if (h->record < 0 && h->keep < 0 && !h->redact.n)
		return;
	herd_emit_str(o, "history");
	herd_emit_map_start(o, 0);
	if (h->keep >= 0) {
		herd_emit_str(o, "keep");
		herd_emit_num(o, h->keep);
	}
	if (h->record >= 0)
		herd_emit_kv(o, "record", h->record ? "true" : "false");
	if (h->redact.n) {
		herd_emit_str(o, "redact");
		herd_emit_strv(o, &h->redact);
	}
	herd_emit_map_end(o);
}

static void
free_history(struct herd_config *cfg)
{
	herd_strv_free(&cfg->history.redact);
}

const struct herd_conf_section herd_conf_history = {
	.key = "history",
	.init = init,
	.parse = parse,
	.export = export,
	.free = free_history,
};
