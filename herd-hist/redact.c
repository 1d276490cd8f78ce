/* The config's history.redact: what its patterns match is not stored. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "hist.h"

#define REDACTED "[redacted]"

struct redact {
	pcre2_code **re;
	size_t n;
	pcre2_match_data *md;
};

struct redact *
redact_new(const struct herd_strv *patterns)
{
	struct redact *r = xcalloc(1, sizeof *r);
	PCRE2_SIZE off;
	size_t i;
	int ec;

	r->re = xcalloc(patterns->n + 1, sizeof *r->re);
	for (i = 0; i < patterns->n; i++) {
		/* the config checked them; a pattern that fails now is left out */
		r->re[r->n] = pcre2_compile((PCRE2_SPTR)patterns->v[i], PCRE2_ZERO_TERMINATED,
		    0, &ec, &off, NULL);
		if (r->re[r->n])
			r->n++;
	}
	return r;
}

/* One pattern over IN: 1 with OUT the result, 0 when nothing matched. */
static int
substitute(pcre2_code *re, const char *in, size_t len, struct herd_buf *out)
{
	PCRE2_SIZE outlen = len + 64;
	int rc;

	for (;;) {
		herd_buf_reset(out);
		herd_grow(&out->p, &out->cap, outlen + 1, 1);
		rc = pcre2_substitute(re, (PCRE2_SPTR)in, len, 0,
		    PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
		    PCRE2_SUBSTITUTE_LITERAL, NULL, NULL, (PCRE2_SPTR)REDACTED,
		    strlen(REDACTED), (PCRE2_UCHAR *)out->p, &outlen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
	}
	if (rc <= 0)
		return 0;
	out->len = outlen;
	out->p[outlen] = 0;
	return 1;
}

int
redact_apply(const struct redact *r, const void *data, size_t len, struct herd_buf *out)
{
	struct herd_buf tmp = { 0 };
	int changed = 0;
	size_t i;

	for (i = 0; r && i < r->n; i++) {
		if (!substitute(r->re[i], changed ? out->p : data, changed ? out->len : len,
		    &tmp))
			continue;
		herd_buf_reset(out);
		herd_buf_add(out, tmp.p, tmp.len);
		changed = 1;
	}
	herd_buf_free(&tmp);
	return changed;
}

void
redact_free(struct redact *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		pcre2_code_free(r->re[i]);
	free(r->re);
	free(r);
}
