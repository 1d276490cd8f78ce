/*
 * Outputs as stored: large ones compressed with zstd (codec 1) when that
 * saves anything, others as they are (codec 0).  Each non-empty column is
 * one zstd frame that carries its size; an empty one is empty.  What is
 * hashed is always the output itself, never what is stored.
 */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "hist.h"

#define ZSTD_LEVEL 1	/* ×4.8 on typical outputs, against ×5.0 for 3, a third faster */

struct codec {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	void *buf[2], *dbuf;	/* compressed columns; a decompressed one */
	size_t cap[2], dcap;
};

struct codec *
codec_new(void)
{
	return xcalloc(1, sizeof(struct codec));
}

void
codec_free(struct codec *c)
{
	if (!c)
		return;
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	free(c->buf[0]);
	free(c->buf[1]);
	free(c->dbuf);
	free(c);
}

/* Column I compressed into c->buf[I]: its length, or (size_t)-1. */
static size_t
pack1(struct codec *c, int i, const void *p, size_t len)
{
	size_t bound = ZSTD_compressBound(len), n;

	if (!len)
		return 0;
	if (bound > c->cap[i]) {
		free(c->buf[i]);
		c->buf[i] = xmalloc(bound);
		c->cap[i] = bound;
	}
	n = ZSTD_compressCCtx(c->cctx, c->buf[i], c->cap[i], p, len, ZSTD_LEVEL);
	return ZSTD_isError(n) ? (size_t)-1 : n;
}

int
codec_pack(struct codec *c, struct codec_blob b[2])
{
	size_t n[2], raw = b[0].len + b[1].len;
	int i;

	if (raw < HIST_ZSTD_MIN)
		return HIST_CODEC_RAW;
	if (!c->cctx && !(c->cctx = ZSTD_createCCtx()))
		return HIST_CODEC_RAW;
	for (i = 0; i < 2; i++)
		if ((n[i] = pack1(c, i, b[i].p, b[i].len)) == (size_t)-1)
			return HIST_CODEC_RAW;
	if (n[0] + n[1] >= raw)
		return HIST_CODEC_RAW;
	for (i = 0; i < 2; i++) {
		if (n[i])
			b[i].p = c->buf[i];	/* an empty column stays as it was */
		b[i].len = n[i];
	}
	return HIST_CODEC_ZSTD;
}

/* One column of codec CODEC into OUT; at most *left bytes in all. */
static int
unpack1(struct codec *c, int codec, const void *p, size_t len, size_t *left,
    struct herd_buf *out, char **why)
{
	unsigned long long size;
	size_t n;

	herd_buf_reset(out);
	if (codec == HIST_CODEC_RAW || !len) {
		herd_buf_add(out, p, len);
		return 0;
	}
	size = ZSTD_getFrameContentSize(p, len);
	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
		*why = xstrdup("not a zstd frame");
		return -1;
	}
	if (size > *left) {
		*why = xasprintf("%llu bytes, more than the %zu recorded", size, *left);
		return -1;
	}
	if (!c->dctx && !(c->dctx = ZSTD_createDCtx())) {
		*why = xstrdup("no memory");
		return -1;
	}
	if (size > c->dcap) {
		free(c->dbuf);
		c->dbuf = xmalloc((size_t)size);
		c->dcap = (size_t)size;
	}
	n = ZSTD_decompressDCtx(c->dctx, c->dbuf, (size_t)size, p, len);
	if (ZSTD_isError(n) || n != size) {
		*why = ZSTD_isError(n) ? xasprintf("zstd: %s", ZSTD_getErrorName(n)) :
		    xstrdup("zstd: shorter than its header says");
		return -1;
	}
	herd_buf_add(out, c->dbuf, n);
	*left -= n;
	return 0;
}

int
codec_unpack(struct codec *c, int codec, const struct codec_blob b[2], size_t size,
    struct herd_buf *out, struct herd_buf *err, char **why)
{
	if (codec != HIST_CODEC_RAW && codec != HIST_CODEC_ZSTD) {
		*why = xasprintf("unknown codec %d", codec);
		return -1;
	}
	if (unpack1(c, codec, b[0].p, b[0].len, &size, out, why) < 0 ||
	    unpack1(c, codec, b[1].p, b[1].len, &size, err, why) < 0) {
		herd_buf_reset(out);
		herd_buf_reset(err);
		return -1;
	}
	return 0;
}
