/*
 * mask.h — --ignore REGEX: the volatile parts of a result (timestamps, PIDs,
 * counters) masked before results are compared.  One list of PCRE2 patterns;
 * every match of each, in turn, is replaced by HERD_MASK_TOKEN.  For herd-run
 * --until-change, herd-group --watch and herd-notify; with "[redacted]", the
 * history's redaction (herd-hist).
 */
#ifndef HERD_MASK_H
#define HERD_MASK_H

#include "records.h"

#define HERD_MASK_TOKEN "[ignored]"

struct herd_mask;

/*
 * The patterns compiled (multi-line: ^ and $ match at each line), or NULL
 * with *err (to free) naming the first bad one.  No patterns: a mask that
 * masks nothing.
 */
struct herd_mask *herd_mask_new(const struct herd_strv *patterns, char **err);
/* The same, matches replaced by TOKEN (a string that outlives the mask). */
struct herd_mask *herd_mask_new_with(const struct herd_strv *patterns, const char *token,
    char **err);
void herd_mask_free(struct herd_mask *);
int herd_mask_empty(const struct herd_mask *);	/* NULL or no patterns */

/* 1 with OUT (reset first) DATA with every match replaced; 0 if none matched. */
int herd_mask_apply(const struct herd_mask *, const void *data, size_t len,
    struct herd_buf *out);
/* OUT (reset first) is DATA with every match replaced. */
void herd_mask_text(const struct herd_mask *, const void *data, size_t len,
    struct herd_buf *out);
/* herd_result_hash's digest of the result with its streams masked. */
void herd_mask_hash(const struct herd_mask *, const char *status, long long exit_code,
    const void *out, size_t outlen, const void *err, size_t errlen, char hex[65]);
/* The same of an R record's result; with an empty mask, the digest it carries. */
void herd_mask_result(const struct herd_mask *, const struct herd_result *, char hex[65]);

#endif
