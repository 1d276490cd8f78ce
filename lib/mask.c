/* --ignore REGEX: matches masked before results are compared (mask.h). */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "mask.h"

struct herd_mask {
	pcre2_code **re;
	size_t n;
	const char *token;
};

static char *
compile_error(const char *pattern, int ec, PCRE2_SIZE off)
{
	PCRE2_UCHAR msg[256];
	char *safe, *s;

	if (pcre2_get_error_message(ec, msg, sizeof msg) < 0)
		strcpy((char *)msg, "invalid pattern");
	safe = herd_safe(pattern);
	s = xasprintf("'%s': %s at offset %zu", safe, (char *)msg, (size_t)off);
	free(safe);
	return s;
}

struct herd_mask *
herd_mask_new(const struct herd_strv *patterns, char **err)
{
	return herd_mask_new_with(patterns, HERD_MASK_TOKEN, err);
}

struct herd_mask *
herd_mask_new_with(const struct herd_strv *patterns, const char *token, char **err)
{
	struct herd_mask *m = xcalloc(1, sizeof *m);
	PCRE2_SIZE off;
	size_t i;
	int ec;

	m->token = token;
	m->re = xcalloc(patterns->n + 1, sizeof *m->re);
	for (i = 0; i < patterns->n; i++) {
		m->re[i] = pcre2_compile((PCRE2_SPTR)patterns->v[i], PCRE2_ZERO_TERMINATED,
		    PCRE2_MULTILINE, &ec, &off, NULL);
		if (!m->re[i]) {
			*err = compile_error(patterns->v[i], ec, off);
			herd_mask_free(m);
			return NULL;
		}
		m->n++;
	}
	return m;
}

void
herd_mask_free(struct herd_mask *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		pcre2_code_free(m->re[i]);
	free(m->re);
	free(m);
}

int
herd_mask_empty(const struct herd_mask *m)
{
	return !m || m->n == 0;
}

/* One pattern over IN into OUT (reset): the number of matches replaced, or < 0. */
static int
substitute(const pcre2_code *re, const char *token, const char *in, size_t len,
    struct herd_buf *out)
{
	PCRE2_SIZE outlen = len + 64;
	int rc;

	for (;;) {
		herd_buf_reset(out);
		herd_grow(&out->p, &out->cap, outlen + 1, 1);
		rc = pcre2_substitute(re, (PCRE2_SPTR)in, len, 0,
		    PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
		    PCRE2_SUBSTITUTE_LITERAL, NULL, NULL, (PCRE2_SPTR)token,
		    strlen(token), (PCRE2_UCHAR *)out->p, &outlen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
	}
	if (rc > 0) {
		out->len = outlen;
		out->p[outlen] = 0;
	}
	return rc;
}

int
herd_mask_apply(const struct herd_mask *m, const void *data, size_t len,
    struct herd_buf *out)
{
	struct herd_buf cur = { 0 }, tmp = { 0 }, swap;
	int changed = 0;
	size_t i;

	if (!data)
		data = "";
	for (i = 0; m && i < m->n; i++) {
		/* no match, or a match limit hit: the text stays as it was */
		if (substitute(m->re[i], m->token, changed ? cur.p : data,
		    changed ? cur.len : len, &tmp) <= 0)
			continue;
		swap = cur;
		cur = tmp;
		tmp = swap;
		changed = 1;
	}
	if (changed) {
		herd_buf_reset(out);
		herd_buf_add(out, cur.p, cur.len);
	}
	herd_buf_free(&cur);
	herd_buf_free(&tmp);
	return changed;
}

void
herd_mask_text(const struct herd_mask *m, const void *data, size_t len,
    struct herd_buf *out)
{
	if (!herd_mask_apply(m, data, len, out)) {
		herd_buf_reset(out);
		herd_buf_add(out, data, len);
	}
}

void
herd_mask_hash(const struct herd_mask *m, const char *status, long long exit_code,
    const void *out, size_t outlen, const void *err, size_t errlen, char hex[65])
{
	struct herd_buf mo = { 0 }, me = { 0 };

	if (herd_mask_empty(m)) {
		herd_result_hash(status, exit_code, out, outlen, err, errlen, hex);
		return;
	}
	herd_mask_text(m, out, outlen, &mo);
	herd_mask_text(m, err, errlen, &me);
	herd_result_hash(status, exit_code, mo.p, mo.len, me.p, me.len, hex);
	herd_buf_free(&mo);
	herd_buf_free(&me);
}

void
herd_mask_result(const struct herd_mask *m, const struct herd_result *r, char hex[65])
{
	if (herd_mask_empty(m) && r->sha256[0]) {
		memcpy(hex, r->sha256, 65);
		return;
	}
	herd_mask_hash(m, herd_status_name(r->status), r->exit_code, r->out.p, r->out.len,
	    r->err.p, r->err.len, hex);
}
