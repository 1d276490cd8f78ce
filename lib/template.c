/* Templates: literal text and {{.Name}} placeholders, in order. */
#include <stdlib.h>
#include <string.h>

#include "herd.h"
#include "template.h"

static void
add_part(struct herd_tpl *t, int placeholder, size_t off, size_t len, size_t at)
{
	if (!placeholder && !len)
		return;
	herd_grow(&t->part, &t->cap, t->n, sizeof *t->part);
	t->part[t->n++] = (struct herd_tpl_part){ placeholder, off, len, at };
}

char *
herd_tpl_where(const char *text, size_t off, const char *what)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < off; i++) {
		if (text[i] == '\n')
			line++, col = 1;
		else
			col++;
	}
	return xasprintf("%zu:%zu: %s", line, col, what);
}

static int
fail(struct herd_tpl *t, size_t off, const char *what, char **err)
{
	*err = herd_tpl_where(t->text, off, what);
	herd_tpl_free(t);
	return -1;
}

static int
name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-';
}

int
herd_tpl_parse(struct herd_tpl *t, const char *text, size_t len, char **err)
{
	const char *p, *name;
	size_t lit = 0, i = 0;

	memset(t, 0, sizeof *t);
	t->text = xstrndup(text, len);
	len = strlen(t->text);	/* a NUL ends the template */
	while (i < len) {
		if (t->text[i] != '{' || t->text[i + 1] != '{') {
			i++;
			continue;
		}
		add_part(t, 0, lit, i - lit, lit);
		p = t->text + i + 2;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '.')
			return fail(t, i, "expected {{.Name}} (a placeholder starts with {{.)", err);
		name = ++p;
		while (name_char(*p))
			p++;
		if (p == name)
			return fail(t, i, "a placeholder without a name", err);
		add_part(t, 1, (size_t)(name - t->text), (size_t)(p - name), i);
		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] != '}' || p[1] != '}')
			return fail(t, i, "a placeholder not closed by }}", err);
		i = lit = (size_t)(p + 2 - t->text);
	}
	add_part(t, 0, lit, len - lit, lit);
	return 0;
}

void
herd_tpl_free(struct herd_tpl *t)
{
	free(t->text);
	free(t->part);
	memset(t, 0, sizeof *t);
}
