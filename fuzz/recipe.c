/*
 * Recipe steps (lib/recipes.c, lib/template.c, lib/quote.c): the input is a
 * step, then the values of the recipe's parameters a and b and of Host,
 * Group and Timestamp, separated by NUL bytes.  A step that
 * herd_recipe_check_step accepts must render to its literal text with each
 * placeholder replaced by one shell word that reads back, by the shell's
 * quoting rules, to the value; and bash must be outside every quote,
 * comment and here-document where that word starts and where it ends.
 * The reading of the rendered command below is bash's own, not the one
 * lib/recipes.c refuses placeholders by.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"
#include "template.h"

enum { A, B, HOST, GROUP, TIMESTAMP, NVALUES };
static const char *const names[NVALUES] = { "a", "b", "Host", "Group", "Timestamp" };

/*
 * Where bash is after C, from state Q with PREV the byte before C: 0 where
 * a word may go, or inside '...', "...", `...`, $'...', a comment, after a
 * backslash, a dollar, or a << (a here-document: refused from there on).
 */
enum { PLAIN, SQ, DQ, DQ_ESC, BQ, BQ_ESC, ANSI, ANSI_ESC, ESC, DOLLAR, COMMENT, HEREDOC };

static int
lex(int q, char prev, char c)
{
	switch (q) {
	case SQ:
		return c == '\'' ? PLAIN : SQ;
	case DQ:
		return c == '\\' ? DQ_ESC : c == '"' ? PLAIN : DQ;
	case DQ_ESC:
		return DQ;
	case BQ:
		return c == '\\' ? BQ_ESC : c == '`' ? PLAIN : BQ;
	case BQ_ESC:
		return BQ;
	case ANSI:
		return c == '\\' ? ANSI_ESC : c == '\'' ? PLAIN : ANSI;
	case ANSI_ESC:
		return ANSI;
	case ESC:
		return PLAIN;
	case COMMENT:
		return c == '\n' ? PLAIN : COMMENT;
	case HEREDOC:
		return HEREDOC;
	case DOLLAR:
		if (c == '\'')
			return ANSI;
		break;
	}
	switch (c) {
	case '\\':
		return ESC;
	case '$':
		return DOLLAR;
	case '\'':
		return SQ;
	case '"':
		return DQ;
	case '`':
		return BQ;
	case '#':	/* a word's first byte: after a metacharacter */
		return strchr(" \t\n;&|()<>", prev) ? COMMENT : PLAIN;
	case '<':
		return prev == '<' ? HEREDOC : PLAIN;
	}
	return PLAIN;
}

/* SEG read as one shell word (plain bytes, '...' and \'): 0 when it is VALUE. */
static int
unquote(const char *seg, size_t len, const char *value)
{
	const char *plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./:,@+%";
	struct herd_buf b = { 0 };
	size_t i = 0;
	int rc;

	if (!len)
		return -1;
	while (i < len) {
		if (seg[i] == '\'') {
			for (i++; i < len && seg[i] != '\''; i++)
				herd_buf_addc(&b, seg[i]);
			if (i++ == len)
				return herd_buf_free(&b), -1;
		} else if (seg[i] == '\\' && i + 1 < len && seg[i + 1] == '\'') {
			herd_buf_addc(&b, '\'');
			i += 2;
		} else if (seg[i] && strchr(plain, seg[i])) {
			herd_buf_addc(&b, seg[i++]);
		} else {
			return herd_buf_free(&b), -1;
		}
	}
	herd_buf_adds(&b, "");
	rc = strcmp(b.p, value) ? -1 : 0;
	herd_buf_free(&b);
	return rc;
}

static int
which(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NVALUES; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], name, len))
			return i;
	return -1;
}

/* OUT, the rendering of accepted step T, checked part by part against the values. */
static void
check_render(const struct herd_tpl *t, const char *out, const char *const *values,
    struct herd_buf *word)
{
	const struct herd_tpl_part *p;
	size_t i, k, at = 0;
	int q = PLAIN, v;

	for (i = 0; i < t->n; i++) {
		p = &t->part[i];
		if (!p->placeholder) {
			if (strncmp(out + at, t->text + p->off, p->len))
				fuzz_fail("step part %zu is not in the command as written", i);
			for (k = 0; k < p->len; k++, at++)
				q = lex(q, at ? out[at - 1] : ' ', out[at]);
			continue;
		}
		if ((v = which(t->text + p->off, p->len)) < 0)
			fuzz_fail("an unknown placeholder was accepted");
		if (q != PLAIN)
			fuzz_fail("placeholder %.*s at %zu is where bash is in state %d",
			    (int)p->len, t->text + p->off, p->at, q);
		if (strncmp(out + at, word[v].p, word[v].len))
			fuzz_fail("placeholder %.*s is not its value's word", (int)p->len,
			    t->text + p->off);
		if (unquote(word[v].p, word[v].len, values[v]) < 0)
			fuzz_fail("the word for %.*s does not read back to its value",
			    (int)p->len, t->text + p->off);
		for (k = 0; k < word[v].len; k++, at++)
			q = lex(q, at ? out[at - 1] : ' ', out[at]);
		if (q != PLAIN)
			fuzz_fail("after the value of %.*s bash is in state %d", (int)p->len,
			    t->text + p->off, q);
	}
	if (out[at])
		fuzz_fail("the command goes on past the step's parts");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_param params[2] = { { .name = "a" }, { .name = "b", .required = 1 } };
	struct herd_recipe r = { .name = "r", .params = params, .nparams = 2 };
	struct herd_strv sets = { 0 }, values = { 0 };
	struct herd_buf out = { 0 }, word[NVALUES] = { 0 };
	struct herd_recipe_vars vars;
	const char *field[1 + NVALUES];
	char *buf, *p, *err = NULL, *sel, *set;
	struct herd_tpl t;
	size_t i;

	/* the fields, each up to its NUL; missing ones empty */
	buf = xmalloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0, p = buf; i < 1 + NVALUES; i++) {
		field[i] = p <= buf + size ? p : "";
		p += p <= buf + size ? strlen(p) + 1 : 0;
	}

	for (i = 0; i < 2; i++) {
		set = xasprintf("%s=%s", names[i], field[1 + i]);
		herd_strv_add(&sets, set);
		free(set);
	}
	if (herd_recipe_values(&r, &sets, &values, &err) < 0)
		fuzz_fail("--set a=... b=...: %s", err);
	for (i = 0; i < 2; i++)
		if (strcmp(values.v[i], field[1 + i]))
			fuzz_fail("--set %s= gives another value", names[i]);
	vars = (struct herd_recipe_vars){ .values = &values, .host = field[1 + HOST],
	    .group = field[1 + GROUP], .timestamp = field[1 + TIMESTAMP] };
	for (i = 0; i < NVALUES; i++)
		herd_shell_word(&word[i], field[1 + i]);

	(void)herd_recipe_step_command(field[0], &sel);
	free(sel);
	if (herd_recipe_check_step(&r, field[0], &err) < 0) {
		free(err);
	} else {
		if (herd_recipe_render(&r, field[0], &vars, &out, &err) < 0 ||
		    herd_tpl_parse(&t, field[0], strlen(field[0]), &err) < 0)
			fuzz_fail("an accepted step does not render: %s", err);
		check_render(&t, out.p, field + 1, word);
		herd_tpl_free(&t);
		/* without a host, {{.Host}} and {{.Group}} are kept as written */
		vars.host = NULL;
		out.len = 0;
		if (herd_recipe_render(&r, field[0], &vars, &out, &err) < 0)
			fuzz_fail("an accepted step does not render without a host: %s", err);
	}
	for (i = 0; i < NVALUES; i++)
		herd_buf_free(&word[i]);
	herd_buf_free(&out);
	herd_strv_free(&values);
	herd_strv_free(&sets);
	free(buf);
	return 0;
}
