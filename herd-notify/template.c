/*
 * Body templates: JSON text with {{.Name}} placeholders (lib/template.c),
 * each replaced by its value escaped as the inside of a JSON string; and
 * ${NAME} taken from the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "template.h"

const char *const field_names[NFIELD] = {
	[F_SUMMARY] = "Summary", [F_COMMAND] = "Command", [F_SELECTION] = "Selection",
	[F_FAILED] = "FailedHosts", [F_CHANGED] = "ChangedHosts", [F_HOSTS] = "Hosts",
	[F_HOST] = "Host", [F_GROUP] = "Group", [F_TIME] = "Time", [F_EVENT] = "Event",
	[F_RUNID] = "RunID", [F_TARGET] = "Target", [F_COUNT] = "Count",
	[F_TOTAL] = "Total", [F_OUTPUT] = "Output",
};

int
tpl_parse(struct tpl *t, const char *text, size_t len, char **err)
{
	struct herd_tpl parsed;
	const struct herd_tpl_part *p;
	size_t i;
	int f;

	memset(t, 0, sizeof *t);
	if (herd_tpl_parse(&parsed, text, len, err) < 0)
		return -1;
	for (i = 0; i < parsed.n; i++) {
		p = &parsed.part[i];
		for (f = 0; p->placeholder && f < NFIELD; f++)
			if (strlen(field_names[f]) == p->len &&
			    !strncmp(field_names[f], parsed.text + p->off, p->len))
				break;
		if (f == NFIELD) {
			*err = herd_tpl_where(parsed.text, p->at, "unknown placeholder (known: "
			    ".Summary .Command .Selection .FailedHosts .ChangedHosts .Hosts .Host "
			    ".Group .Time .Event .RunID .Target .Count .Total .Output)");
			herd_tpl_free(&parsed);
			tpl_free(t);
			return -1;
		}
		herd_grow(&t->part, &t->cap, t->n, sizeof *t->part);
		t->part[t->n++] = (struct tpl_part){ p->placeholder ? f : -1, p->off, p->len };
	}
	t->text = parsed.text;
	free(parsed.part);
	return 0;
}

void
tpl_free(struct tpl *t)
{
	free(t->text);
	free(t->part);
	memset(t, 0, sizeof *t);
}

/* The template's own text with ${NAME} replaced, JSON-escaped (never a value's). */
static int
literal(struct herd_buf *out, const char *s, size_t len, char **err)
{
	struct herd_buf in = { 0 }, name = { 0 }, exp = { 0 };
	const char *p, *q;
	int rc = 0;

	herd_buf_add(&in, s, len);
	herd_buf_adds(&in, "");
	for (p = in.p; (q = strstr(p, "${")); p = q) {
		herd_buf_add(out, p, (size_t)(q - p));
		p = q;
		if (!(q = strchr(p, '}')))
			break;
		q++;
		herd_buf_reset(&name);
		herd_buf_add(&name, p, (size_t)(q - p));
		if ((rc = env_expand(name.p, &exp, err)) < 0)
			goto out;
		json_escape(out, exp.p, exp.len);
	}
	herd_buf_adds(out, p);
out:
	herd_buf_free(&in);
	herd_buf_free(&name);
	herd_buf_free(&exp);
	return rc;
}

int
tpl_render(const struct tpl *t, const struct values *v, int expand, struct herd_buf *out,
    char **err)
{
	const struct tpl_part *p;
	size_t i;

	for (i = 0; i < t->n; i++) {
		p = &t->part[i];
		if (p->field < 0 && expand) {
			if (literal(out, t->text + p->off, p->len, err) < 0)
				return -1;
		} else if (p->field < 0) {
			herd_buf_add(out, t->text + p->off, p->len);
		} else if (v->v[p->field]) {
			json_escape(out, v->v[p->field], v->len[p->field]);
		}
	}
	if (!out->p)
		herd_buf_adds(out, "");
	return 0;
}

/* The code point at S (N bytes left), or -1 for an invalid sequence; *len its bytes. */
static long
decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned cp;

	*len = herd_utf8_decode(s, n, &cp);
	if (!*len) {
		*len = 1;
		return -1;
	}
	return (long)cp;
}

void
json_escape(struct herd_buf *b, const void *data, size_t n)
{
	const unsigned char *s = data;
	size_t i = 0, len;
	long cp;

	while (i < n) {
		cp = decode(s + i, n - i, &len);
		if (cp < 0)
			herd_buf_adds(b, "\\ufffd");
		else if (cp == '"' || cp == '\\')
			herd_buf_addf(b, "\\%c", (int)cp);
		else if (cp == '\n')
			herd_buf_adds(b, "\\n");
		else if (cp == '\t')
			herd_buf_adds(b, "\\t");
		else if (cp == '\r')
			herd_buf_adds(b, "\\r");
		else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
			herd_buf_addf(b, "\\u%04lx", cp);
		else
			herd_buf_add(b, s + i, len);
		i += len;
	}
	if (!b->p)
		herd_buf_adds(b, "");
}

void
utf8_clean(struct herd_buf *b, const void *data, size_t n)
{
	const unsigned char *s = data;
	size_t i = 0, len;

	while (i < n) {
		if (decode(s + i, n - i, &len) < 0 || !s[i])
			herd_buf_adds(b, "\xef\xbf\xbd");
		else
			herd_buf_add(b, s + i, len);
		i += len;
	}
	if (!b->p)
		herd_buf_adds(b, "");
}

int
env_expand(const char *in, struct herd_buf *out, char **err)
{
	const char *p = in, *close, *val;
	char *name;

	herd_buf_reset(out);
	while (*p) {
		if (p[0] != '$' || p[1] != '{') {
			herd_buf_addc(out, *p++);
			continue;
		}
		if (!(close = strchr(p + 2, '}'))) {
			*err = xstrdup("a ${ without its }");
			return -1;
		}
		name = xstrndup(p + 2, (size_t)(close - p - 2));
		if (!herd_valid_name(name) || !(val = getenv(name))) {
			*err = herd_valid_name(name) ?
			    xasprintf("${%s} is not set in the environment", name) :
			    xstrdup("a ${...} that is not a variable name");
			free(name);
			return -1;
		}
		free(name);
		herd_buf_adds(out, val);
		p = close + 1;
	}
	if (!out->p)
		herd_buf_adds(out, "");
	return 0;
}
