/* defaults: settings where neither the command line nor a group says. */
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "mux.h"

static void
init(struct herd_config *cfg)
{
	cfg->defaults = (struct herd_defaults){ -1, -1, -1, -1, NULL, NULL };
}

static void
parse(struct herd_walk *w, yaml_node_t *n)
{
	static const char *const keys[] = {
		"concurrency", "connect_timeout", "history_retention", "mux", "output",
		"timeout",
	};
	struct herd_defaults *d = &w->cfg->defaults;
	yaml_node_t *v;

	if (herd_walk_is_null(n) ||
	    herd_walk_expect(w, n, YAML_MAPPING_NODE, "a mapping", "defaults") < 0)
		return;
	herd_walk_keys(w, n, keys, LENGTH(keys), "defaults");
	if ((v = herd_walk_get(w, n, "concurrency")))
		herd_walk_integer(w, v, "defaults.concurrency", 1, 100000, &d->concurrency);
	if ((v = herd_walk_get(w, n, "timeout")))
		herd_walk_duration(w, v, "defaults.timeout", &d->timeout_ms);
	if ((v = herd_walk_get(w, n, "connect_timeout")))
		herd_walk_duration(w, v, "defaults.connect_timeout",
		    &d->connect_timeout_ms);
	if ((v = herd_walk_get(w, n, "history_retention")))
		herd_walk_duration(w, v, "defaults.history_retention",
		    &d->history_retention_ms);
	herd_walk_set_string(w, n, "output", "defaults.output", &d->output);
	if (d->output && strcmp(d->output, "grouped") && strcmp(d->output, "json")) {
		herd_walk_fail(w, herd_walk_get(w, n, "output"), "defaults.output: "
		    "expected \"grouped\" or \"json\", got \"%s\"", d->output);
		free(d->output);
		d->output = NULL;
	}
	herd_walk_set_string(w, n, "mux", "defaults.mux", &d->mux);
	if (d->mux && strcmp(d->mux, "auto") && strcmp(d->mux, "no")) {
		herd_walk_fail(w, herd_walk_get(w, n, "mux"), "defaults.mux: "
		    "expected \"auto\" or \"no\", got \"%s\"", d->mux);
		free(d->mux);
		d->mux = NULL;
	}
}

static void
export_dur(struct herd_emit *o, const char *key, long long ms)
{
	if (ms < 0)
		return;
	herd_emit_str(o, key);
	herd_emit_dur(o, ms);
}

static void
export(struct herd_emit *o, const struct herd_config *cfg)
{
	const struct herd_defaults *d = &cfg->defaults;

	if (d->concurrency < 0 && d->connect_timeout_ms < 0 &&
	    d->history_retention_ms < 0 && !d->output && !d->mux && d->timeout_ms < 0)
		return;
	herd_emit_str(o, "defaults");
	herd_emit_map_start(o, 0);
	if (d->concurrency >= 0) {
		herd_emit_str(o, "concurrency");
		herd_emit_num(o, d->concurrency);
	}
	export_dur(o, "connect_timeout", d->connect_timeout_ms);
	export_dur(o, "history_retention", d->history_retention_ms);
	herd_emit_kv(o, "mux", d->mux);
	herd_emit_kv(o, "output", d->output);
	export_dur(o, "timeout", d->timeout_ms);
	herd_emit_map_end(o);
}

static void
free_defaults(struct herd_config *cfg)
{
	free(cfg->defaults.output);
	free(cfg->defaults.mux);
}

const struct herd_conf_section herd_conf_defaults = {
	.key = "defaults",
	.init = init,
	.parse = parse,
	.export = export,
	.free = free_defaults,
};

static long long
or_default(long long v, long long def)
{
	return v >= 0 ? v : def;
}

long long
herd_conf_concurrency(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.concurrency, HERD_DEFAULT_CONCURRENCY);
}

long long
herd_conf_timeout_ms(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.timeout_ms, HERD_DEFAULT_TIMEOUT_MS);
}

long long
herd_conf_connect_timeout_ms(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.connect_timeout_ms,
	    HERD_DEFAULT_CONNECT_TIMEOUT_MS);
}

long long
herd_conf_retention_ms(const struct herd_config *cfg)
{
	return or_default(cfg->defaults.history_retention_ms, HERD_DEFAULT_RETENTION_MS);
}

/* "grouped" or "json": how herd's views show results when not told. */
const char *
herd_conf_output(const struct herd_config *cfg)
{
	return cfg->defaults.output ? cfg->defaults.output : "grouped";
}

/* "auto" or "no": whether herd-run hands its runs to the per-user mux. */
const char *
herd_conf_mux(const struct herd_config *cfg)
{
	return cfg->defaults.mux ? cfg->defaults.mux : HERD_MUX_DEFAULT;
}
