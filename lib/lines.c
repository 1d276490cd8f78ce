/*
 * Lines from a non-blocking descriptor: what a poll loop reads goes in,
 * whole lines come out, however the bytes were cut into reads.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "herd.h"

#define FILL_SIZE 65536

/* Drop the bytes handed out, before more come in. */
static void
compact(struct herd_lines *l)
{
	if (!l->off)
		return;
	l->buf.len -= l->off;
	memmove(l->buf.p, l->buf.p + l->off, l->buf.len);
	l->buf.p[l->buf.len] = '\0';
	l->off = 0;
}

void
herd_lines_feed(struct herd_lines *l, const void *data, size_t n)
{
	compact(l);
	herd_buf_add(&l->buf, data, n);
}

ssize_t
herd_lines_fill(struct herd_lines *l, int fd)
{
	ssize_t n;

	compact(l);
	herd_grow(&l->buf.p, &l->buf.cap, l->buf.len + FILL_SIZE, 1);
	do
		n = read(fd, l->buf.p + l->buf.len, FILL_SIZE);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		l->buf.len += (size_t)n;
	else if (n == 0)
		l->eof = 1;
	l->buf.p[l->buf.len] = '\0';
	return n;
}

void
herd_lines_eof(struct herd_lines *l)
{
	l->eof = 1;
}

int
herd_lines_next(struct herd_lines *l, const char **line, size_t *len)
{
	size_t avail = l->buf.len - l->off;
	char *start, *lf;

	if (!avail)
		return 0;
	start = l->buf.p + l->off;
	lf = memchr(start + l->scan, '\n', avail - l->scan);
	if (!lf) {
		if (!l->eof) {
			l->scan = avail;	/* not searched again */
			return 0;
		}
		lf = start + avail;	/* the last line, without LF */
	}
	*lf = '\0';
	*line = start;
	*len = (size_t)(lf - start);
	l->off += *len + (lf < l->buf.p + l->buf.len);
	l->scan = 0;
	return 1;
}

size_t
herd_lines_pending(const struct herd_lines *l)
{
	return l->buf.len - l->off;
}

void
herd_lines_free(struct herd_lines *l)
{
	herd_buf_free(&l->buf);
	memset(l, 0, sizeof *l);
}
