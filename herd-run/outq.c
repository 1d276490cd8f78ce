/*
 * A client's output queue: records are written to a stdio stream that
 * appends to memory, and the loop writes the memory out when the
 * descriptor is writable, so that a slow reader does not stall the sessions
 * at once; past OUTQ_HIGH bytes the connections feeding it wait (engine.c).
 * A pipe or socket is made non-blocking; a terminal or file is not (it is
 * shared with others, and never slow for long).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* Straight out while nothing waits and the reader keeps up; the rest queued. */
static ssize_t
queue_write(void *cookie, const char *data, size_t len)
{
	struct outq *q = cookie;
	size_t off = 0;
	ssize_t n;

	while (q->head == q->buf.len && !q->err && off < len) {
		n = write(q->fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				q->err = errno;
			break;
		}
		off += (size_t)n;
	}
	if (off < len && !q->err)
		herd_buf_add(&q->buf, data + off, len - off);
	return (ssize_t)len;
}

void
outq_init(struct outq *q, int fd)
{
	static const cookie_io_functions_t io = { .write = queue_write };
	struct stat st;
	int fl;

	memset(q, 0, sizeof *q);
	q->fd = fd;
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
	    (fl = fcntl(fd, F_GETFL)) >= 0 && !(fl & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0)
		q->nonblock_set = 1;
	if (!(q->f = fopencookie(q, "w", io)))
		err(HERD_EXIT_RUNTIME, "fopencookie");
	setvbuf(q->f, NULL, _IOFBF, 65536);
}

/* Bytes waiting to be written. */
int
outq_pending(const struct outq *q)
{
	return q->head < q->buf.len && !q->err;
}

/* So far behind that the connections feeding it should wait. */
int
outq_full(const struct outq *q)
{
	return q->buf.len - q->head > OUTQ_HIGH && !q->err;
}

/* Write what the descriptor takes now. */
void
outq_drain(struct outq *q)
{
	ssize_t n;

	fflush(q->f);
	while (q->head < q->buf.len && !q->err) {
		n = write(q->fd, q->buf.p + q->head, q->buf.len - q->head);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				q->err = errno;
			break;
		}
		q->head += (size_t)n;
	}
	if (q->head == q->buf.len || q->err) {
		q->head = q->buf.len = 0;
	} else if (q->head > 65536 && q->head > q->buf.len / 2) {
		memmove(q->buf.p, q->buf.p + q->head, q->buf.len - q->head);
		q->buf.len -= q->head;
		q->head = 0;
	}
}

/* Everything out, waiting for the reader as long as it takes. */
void
outq_flush_all(struct outq *q)
{
	struct pollfd p = { .fd = q->fd, .events = POLLOUT };

	for (outq_drain(q); outq_pending(q); outq_drain(q))
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
}

void
outq_free(struct outq *q)
{
	int fl;

	if (q->f)
		fclose(q->f);
	if (q->nonblock_set && (fl = fcntl(q->fd, F_GETFL)) >= 0)
		fcntl(q->fd, F_SETFL, fl & ~O_NONBLOCK);
	herd_buf_free(&q->buf);
	memset(q, 0, sizeof *q);
	q->fd = -1;
}
