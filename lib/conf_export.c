#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "conf.h"

struct out {
	yaml_emitter_t em;
	int ok;
};

static void
emit(struct out *o, yaml_event_t *ev)
{
	if (o->ok && !yaml_emitter_emit(&o->em, ev))
		o->ok = 0;
}

/* Words the loader reads as "no value" when plain: written quoted. */
static int
null_like(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL");
}

static void
str(struct out *o, const char *s)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
	    1, 1, null_like(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
	emit(o, &ev);
}

static void
num(struct out *o, long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", v);
	str(o, buf);
}

static void
dur(struct out *o, long long ms)
{
	char buf[64];

	str(o, herd_format_duration(ms, buf, sizeof buf));
}

static void
map_start(struct out *o, int flow)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	emit(o, &ev);
}

static void
map_end(struct out *o)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	emit(o, &ev);
}

static void
seq_start(struct out *o, int flow)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	emit(o, &ev);
}

static void
seq_end(struct out *o)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	emit(o, &ev);
}

static void
strv(struct out *o, const struct herd_strv *sv)
{
	size_t i;

	seq_start(o, 1);
	for (i = 0; i < sv->n; i++)
		str(o, sv->v[i]);
	seq_end(o);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Pointers to n structs of size sz whose first member is a char *name, sorted. */
static const void **
sorted(const void *arr, size_t n, size_t sz)
{
	const void **v = xcalloc(n, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (const char *)arr + i * sz;
	qsort(v, n, sizeof *v, by_name);
	return v;
}

static void
host(struct out *o, const struct herd_host *h)
{
	struct herd_host parsed;
	const char *why;
	int port = h->port;

	/* a port the name already says is not repeated */
	if (port && herd_host_parse(h->name, &parsed, &why) == 0) {
		if (parsed.port == port)
			port = 0;
		herd_host_free(&parsed);
	}

	if (!h->tags.n && !h->user && !port) {
		str(o, h->name);
		return;
	}
	map_start(o, 0);
	str(o, "host");
	str(o, h->name);
	if (port) {
		str(o, "port");
		num(o, port);
	}
	if (h->tags.n) {
		str(o, "tags");
		strv(o, &h->tags);
	}
	if (h->user) {
		str(o, "user");
		str(o, h->user);
	}
	map_end(o);
}

static void
groups(struct out *o, const struct herd_config *cfg)
{
	const void **v = sorted(cfg->groups, cfg->ngroups, sizeof *cfg->groups);
	const struct herd_group *g;
	size_t i, j;

	str(o, "groups");
	map_start(o, 0);
	for (i = 0; i < cfg->ngroups; i++) {
		g = v[i];
		str(o, g->name);
		map_start(o, 0);
		str(o, "hosts");
		seq_start(o, 0);
		for (j = 0; j < g->hosts.n; j++)
			host(o, &g->hosts.h[j]);
		seq_end(o);
		if (g->port) {
			str(o, "port");
			num(o, g->port);
		}
		if (g->timeout_ms >= 0) {
			str(o, "timeout");
			dur(o, g->timeout_ms);
		}
		if (g->user) {
			str(o, "user");
			str(o, g->user);
		}
		map_end(o);
	}
	map_end(o);
	free(v);
}

static void
defaults(struct out *o, const struct herd_defaults *d)
{
	str(o, "defaults");
	map_start(o, 0);
	if (d->concurrency >= 0) {
		str(o, "concurrency");
		num(o, d->concurrency);
	}
	if (d->connect_timeout_ms >= 0) {
		str(o, "connect_timeout");
		dur(o, d->connect_timeout_ms);
	}
	if (d->history_retention_ms >= 0) {
		str(o, "history_retention");
		dur(o, d->history_retention_ms);
	}
	if (d->output) {
		str(o, "output");
		str(o, d->output);
	}
	if (d->timeout_ms >= 0) {
		str(o, "timeout");
		dur(o, d->timeout_ms);
	}
	map_end(o);
}

static int
defaults_set(const struct herd_defaults *d)
{
	return d->concurrency >= 0 || d->connect_timeout_ms >= 0 ||
	    d->history_retention_ms >= 0 || d->output || d->timeout_ms >= 0;
}

static void
kv(struct out *o, const char *k, const char *v)
{
	if (!v)
		return;
	str(o, k);
	str(o, v);
}

static void
notifications(struct out *o, const struct herd_config *cfg)
{
	static const char *const events[] = { "failure", "change", "timeout", "resolve" };
	const struct herd_notifier *n;
	const void **hv;
	size_t i, j;

	str(o, "notifications");
	seq_start(o, 0);
	for (i = 0; i < cfg->nnotifiers; i++) {
		n = &cfg->notifiers[i];
		map_start(o, 0);
		kv(o, "body", n->body);
		kv(o, "command", n->command);
		if (n->cooldown_ms >= 0) {
			str(o, "cooldown");
			dur(o, n->cooldown_ms);
		}
		if (n->nheaders) {
			str(o, "headers");
			map_start(o, 0);
			hv = sorted(n->headers, n->nheaders, sizeof *n->headers);
			for (j = 0; j < n->nheaders; j++)
				kv(o, ((const struct herd_kv *)hv[j])->key,
				    ((const struct herd_kv *)hv[j])->value);
			free(hv);
			map_end(o);
		}
		kv(o, "method", n->method);
		kv(o, "name", n->name);
		str(o, "on");
		seq_start(o, 1);
		for (j = 0; j < 4; j++)
			if (n->on & (1u << j))
				str(o, events[j]);
		seq_end(o);
		kv(o, "type", n->type);
		kv(o, strcmp(n->type, "slack") ? "url" : "webhook", n->url);
		map_end(o);
	}
	seq_end(o);
}

static void
parsers(struct out *o, const struct herd_config *cfg)
{
	const void **v = sorted(cfg->parsers, cfg->nparsers, sizeof *cfg->parsers);
	const struct herd_parser *p;
	const struct herd_extract *e;
	size_t i, j;

	str(o, "parsers");
	map_start(o, 0);
	for (i = 0; i < cfg->nparsers; i++) {
		p = v[i];
		str(o, p->name);
		map_start(o, 0);
		str(o, "extract");
		seq_start(o, 0);
		for (j = 0; j < p->nextract; j++) {
			e = &p->extract[j];
			map_start(o, 0);
			if (e->column) {
				str(o, "column");
				num(o, e->column);
			}
			kv(o, "field", e->field);
			kv(o, "pattern", e->pattern);
			map_end(o);
		}
		seq_end(o);
		map_end(o);
	}
	map_end(o);
	free(v);
}

static void
recipes(struct out *o, const struct herd_config *cfg)
{
	const void **v = sorted(cfg->recipes, cfg->nrecipes, sizeof *cfg->recipes),
	    **pv;
	const struct herd_recipe *r;
	const struct herd_param *pa;
	size_t i, j;

	str(o, "recipes");
	map_start(o, 0);
	for (i = 0; i < cfg->nrecipes; i++) {
		r = v[i];
		str(o, r->name);
		map_start(o, 0);
		kv(o, "description", r->description);
		if (r->nparams) {
			str(o, "params");
			map_start(o, 0);
			pv = sorted(r->params, r->nparams, sizeof *r->params);
			for (j = 0; j < r->nparams; j++) {
				pa = pv[j];
				str(o, pa->name);
				map_start(o, 0);
				kv(o, "default", pa->def);
				kv(o, "description", pa->description);
				if (pa->required)
					kv(o, "required", "true");
				map_end(o);
			}
			free(pv);
			map_end(o);
		}
		str(o, "steps");
		seq_start(o, 0);
		for (j = 0; j < r->steps.n; j++)
			str(o, r->steps.v[j]);
		seq_end(o);
		map_end(o);
	}
	map_end(o);
	free(v);
}

static int
write_handler(void *data, unsigned char *buf, size_t len)
{
	return fwrite(buf, 1, len, data) == len;
}

int
herd_conf_export(const struct herd_config *cfg, FILE *f)
{
	struct out o = { .ok = 1 };
	yaml_event_t ev;

	yaml_emitter_initialize(&o.em);
	yaml_emitter_set_output(&o.em, write_handler, f);
	yaml_emitter_set_unicode(&o.em, 1);
	yaml_emitter_set_width(&o.em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(&o, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	emit(&o, &ev);
	map_start(&o, 0);
	if (defaults_set(&cfg->defaults))
		defaults(&o, &cfg->defaults);
	if (cfg->ngroups)
		groups(&o, cfg);
	if (cfg->nnotifiers)
		notifications(&o, cfg);
	if (cfg->nparsers)
		parsers(&o, cfg);
	if (cfg->nrecipes)
		recipes(&o, cfg);
	map_end(&o);
	yaml_document_end_event_initialize(&ev, 1);
	emit(&o, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(&o, &ev);
	yaml_emitter_delete(&o.em);
	return o.ok ? 0 : -1;
}
