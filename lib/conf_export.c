/*
 * config export: the configuration as normalised YAML (keys sorted, stable,
 * re-readable), each section written by its own file.
 */
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

/* Emit an event that was initialised (made is 1), or fail from now on. */
static void
emit(struct herd_emit *o, yaml_event_t *ev, int made)
{
	if (!made)
		o->ok = 0;
	else if (!o->ok)
		yaml_event_delete(ev);
	else if (!yaml_emitter_emit(&o->em, ev))
		o->ok = 0;
}

/* Whether s holds a character a terminal acts on or that reorders text. */
static int
has_unsafe(const char *s)
{
	size_t n = strlen(s), len;
	unsigned cp;

	for (; n; s += len, n -= len)
		if (!(len = herd_utf8_decode(s, n, &cp)) || herd_unsafe_char(cp))
			return 1;
	return 0;
}

/*
 * Null-like words are quoted so that they stay strings; a string with a
 * character that is unsafe on a terminal is double-quoted, so that libyaml
 * escapes the controls and escape_unsafe() the rest.
 */
void
herd_emit_str(struct herd_emit *o, const char *s)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
	    (int)strlen(s), 1, 1, herd_conf_null_word(s) || has_unsafe(s) ?
	    YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE));
}

void
herd_emit_num(struct herd_emit *o, long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", v);
	herd_emit_str(o, buf);
}

void
herd_emit_dur(struct herd_emit *o, long long ms)
{
	char buf[64];

	herd_emit_str(o, herd_format_duration(ms, buf, sizeof buf));
}

void
herd_emit_kv(struct herd_emit *o, const char *k, const char *v)
{
	if (!v)
		return;
	herd_emit_str(o, k);
	herd_emit_str(o, v);
}

void
herd_emit_map_start(struct herd_emit *o, int flow)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

void
herd_emit_map_end(struct herd_emit *o)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_mapping_end_event_initialize(&ev));
}

void
herd_emit_seq_start(struct herd_emit *o, int flow)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

void
herd_emit_seq_end(struct herd_emit *o)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_sequence_end_event_initialize(&ev));
}

void
herd_emit_strv(struct herd_emit *o, const struct herd_strv *sv)
{
	size_t i;

	herd_emit_seq_start(o, 1);
	for (i = 0; i < sv->n; i++)
		herd_emit_str(o, sv->v[i]);
	herd_emit_seq_end(o);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

const void **
herd_conf_sorted(const void *arr, size_t n, size_t sz)
{
	const void **v = xcalloc(n, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (const char *)arr + i * sz;
	if (n)
		qsort(v, n, sizeof *v, by_name);
	return v;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp((*(const struct herd_conf_section *const *)a)->key,
	    (*(const struct herd_conf_section *const *)b)->key);
}

static int
write_handler(void *data, unsigned char *buf, size_t len)
{
	herd_buf_add(data, buf, len);
	return 1;
}

/*
 * libyaml writes what it takes for printable (bidi controls among them) as
 * is.  Every string holding one was double-quoted (herd_emit_str), so each
 * such character in the output stands inside double quotes, where \uXXXX
 * reads back as the same character.
 */
static void
escape_unsafe(struct herd_buf *out, const struct herd_buf *in)
{
	size_t i, len;
	unsigned cp;

	for (i = 0; i < in->len; i += len) {
		len = herd_utf8_decode(in->p + i, in->len - i, &cp);
		if (len && herd_unsafe_char(cp)) {
			herd_buf_addf(out, "\\u%04X", cp);
		} else {
			len += !len;
			herd_buf_add(out, in->p + i, len);
		}
	}
}

static void
document(struct herd_emit *o, const struct herd_config *cfg)
{
	const struct herd_conf_section **s = xcalloc(herd_conf_nsections, sizeof *s);
	yaml_event_t ev;
	size_t i;

	for (i = 0; i < herd_conf_nsections; i++)
		s[i] = herd_conf_sections[i];
	qsort(s, herd_conf_nsections, sizeof *s, by_key);
	emit(o, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(o, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	herd_emit_map_start(o, 0);
	for (i = 0; i < herd_conf_nsections; i++)
		s[i]->export(o, cfg);
	herd_emit_map_end(o);
	emit(o, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(o, &ev, yaml_stream_end_event_initialize(&ev));
	free(s);
}

int
herd_conf_export(const struct herd_config *cfg, FILE *f)
{
	struct herd_emit o = { .ok = 1 };
	struct herd_buf raw = { 0 }, safe = { 0 };
	int rc;

	yaml_emitter_initialize(&o.em);
	yaml_emitter_set_output(&o.em, write_handler, &raw);
	yaml_emitter_set_unicode(&o.em, 1);
	yaml_emitter_set_width(&o.em, -1);
	document(&o, cfg);
	yaml_emitter_delete(&o.em);
	escape_unsafe(&safe, &raw);
	rc = o.ok && fwrite(safe.p, 1, safe.len, f) == safe.len ? 0 : -1;
	herd_buf_free(&raw);
	herd_buf_free(&safe);
	return rc;
}
