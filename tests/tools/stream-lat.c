/*
 * stream-lat: how late streamed lines arrive, and how many.
 *   stream-lat [-o FILE]
 * Reads lines on stdin, as they come (a pipe from herd-run --stream, or
 * from a peer such as pdsh), and copies them to FILE.  A line is an L
 * record (herd-records(5)), whose data is the line, another record (a
 * header, or a letter and a TAB), which is left out, or any other line.
 * A line whose data holds a run of 19 digits, a time in nanoseconds since
 * the epoch (date +%s%N on the host when it printed the line), is stamped:
 * its latency to here is the wall clock when the read that completed it
 * returned, less that time; for an L record also its receive latency, the
 * record's time_ms less that time.  Prints "KEY VALUE..." lines:
 *   lines N                    lines read
 *   chunks N FIRST_MS LAST_MS  L records, the first and last time_ms
 *   chunk_lines N              line feeds in their data
 *   stamped N                  stamped lines
 *   recv_ms P50 P99 MAX        receive latency (L records)
 *   here_ms P50 P99 MAX        latency to here
 * Exit 0, 1 on I/O errors, 2 on usage errors.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "records.h"

static const char usage[] = "usage: stream-lat [-o FILE]\n";

struct lat {
	long long *v;		/* microseconds */
	size_t n, cap;
};

static void
lat_add(struct lat *l, long long us)
{
	herd_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = us;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void
lat_print(const char *key, struct lat *l)
{
	if (!l->n) {
		printf("%s - - -\n", key);
		return;
	}
	qsort(l->v, l->n, sizeof *l->v, cmp_ll);
	printf("%s %.2f %.2f %.2f\n", key, l->v[(l->n - 1) / 2] / 1e3,
	    l->v[(l->n * 99 + 99) / 100 - 1] / 1e3, l->v[l->n - 1] / 1e3);
}

/* The first run of exactly 19 digits in P..P+LEN, as a number; -1 if none. */
static long long
stamp(const char *p, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		if (!isdigit((unsigned char)p[i])) {
			i++;
			continue;
		}
		for (j = i; j < len && isdigit((unsigned char)p[j]); j++)
			;
		if (j - i == 19)
			return strtoll(p + i, NULL, 10);
		i = j;
	}
	return -1;
}

static long long
count_lf(const char *p, size_t len)
{
	long long n = 0;
	const char *lf;

	while ((lf = memchr(p, '\n', len))) {
		n++;
		len -= (size_t)(lf + 1 - p);
		p = lf + 1;
	}
	return n;
}

static long long
real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	struct herd_lines in = { 0 };
	struct herd_rec r = { 0 };
	struct herd_chunk ch;
	struct lat recv = { 0 }, here = { 0 };
	long long lines = 0, chunks = 0, lfs = 0, stamped = 0, first = -1, last = -1, now, ts;
	const char *line, *why, *data;
	size_t len, dlen;
	FILE *copy = NULL;
	ssize_t n;
	int c;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		if (c != 'o') {
			fputs(usage, stderr);
			return 2;
		}
		if (!(copy = fopen(optarg, "w")))
			err(1, "%s", optarg);
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	do {
		if ((n = herd_lines_fill(&in, 0)) < 0 && errno != EINTR)
			err(1, "stdin");
		now = real_ns();
		while (herd_lines_next(&in, &line, &len)) {
			lines++;
			if (copy && (fwrite(line, 1, len, copy) != len || putc('\n', copy) == EOF))
				err(1, "writing the copy");
			data = line, dlen = len;
			ch.time_ms = -1;
			if (len > 2 && line[0] == 'L' && line[1] == '\t' &&
			    herd_rec_parse(&r, line, len)) {
				if (herd_chunk_read(&r, &ch, &why) < 0)
					errx(1, "line %lld: %s", lines, why);
				chunks++;
				if (first < 0)
					first = ch.time_ms;
				last = ch.time_ms;
				data = ch.data, dlen = ch.len;
				lfs += count_lf(data, dlen);
				free(ch.run);
				free(ch.host);
			} else if (len > 1 && (line[0] == '#' || line[1] == '\t')) {
				continue;
			}
			if ((ts = stamp(data, dlen)) < 0)
				continue;
			stamped++;
			lat_add(&here, (now - ts) / 1000);
			if (ch.time_ms >= 0)
				lat_add(&recv, (ch.time_ms * 1000000 - ts) / 1000);
		}
	} while (n != 0);
	if (copy && fclose(copy) == EOF)
		err(1, "writing the copy");
	printf("lines %lld\nchunks %lld %lld %lld\nchunk_lines %lld\nstamped %lld\n", lines,
	    chunks, first, last, lfs, stamped);
	lat_print("recv_ms", &recv);
	lat_print("here_ms", &here);
	herd_rec_free(&r);
	herd_lines_free(&in);
	free(recv.v);
	free(here.v);
	return 0;
}
