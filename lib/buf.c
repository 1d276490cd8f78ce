#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "herd.h"

static void
reserve(struct herd_buf *b, size_t more)
{
	if (b->len + more < b->cap)
		return;
	herd_grow(&b->p, &b->cap, b->len + more, 1);
}

void
herd_buf_add(struct herd_buf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
herd_buf_addc(struct herd_buf *b, int c)
{
	reserve(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
herd_buf_adds(struct herd_buf *b, const char *s)
{
	herd_buf_add(b, s, strlen(s));
}

void
herd_buf_addf(struct herd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
herd_buf_reset(struct herd_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
herd_buf_free(struct herd_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Return the contents as a string the caller frees; the buffer is left empty. */
char *
herd_buf_steal(struct herd_buf *b)
{
	char *p = b->p ? b->p : xstrdup("");

	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Append what FD gives until its end: 0, or -1 with errno on a read error. */
int
herd_buf_read_fd(struct herd_buf *b, int fd)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		herd_buf_add(b, chunk, (size_t)n);
	}
	return 0;
}
