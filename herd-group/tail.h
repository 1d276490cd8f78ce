/* tail.h — herd-group --tail: the lines of followed logs, merged. */
#ifndef HERD_TAIL_H
#define HERD_TAIL_H

#include "herd.h"

struct tail_opts {
	int color, json, no_hostname, collapse, merge_time, stats;
	long long window_ms;		/* --collapse, --merge-time */
	long long stats_every_ms;	/* --stats: a rate line this often */
	struct herd_strv paths;		/* --path: what the lines come from */
};

/* A line to show: from one host, or (collapsed) from several. */
struct tail_line {
	char **hosts;		/* one, or the hosts of a collapsed line */
	size_t nhosts;
	const char *path;	/* NULL: not known */
	long long time_ms;	/* when herd-run received it */
	const char *text;
	size_t len;
};

/* A host whose lines are shown. */
struct thost {
	char *name;
	const char *color;
	const char *path;	/* where its lines come from now (tail's headers) */
	int blank;		/* a blank line held: tail writes one before a header */
	long long blank_ms;
	struct herd_buf part[2];	/* a partial line of stdout, of stderr */
	int up, ever_up;	/* its stream is up; it was once */
	long long down_ms;	/* since when it is lost (wall ms), or 0 */
	long long lines, bytes, gaps, gap_ms, window;
};

/* tail.c */
int tail_view(const struct tail_opts *, int argc, char **argv);
void tail_print(const struct tail_line *);

/* tail_stats.c: --stats */
void tail_stats_line(struct thost *, size_t n, long long span_ms);
void tail_summary(const struct thost *, size_t n);

/* tail_order.c: --collapse and --merge-time hold lines for a window. */
void order_add(const struct tail_opts *, const char *host, const char *path,
    long long time_ms, const char *text, size_t len, long long now);
long long order_due(void);	/* monotonic ms when lines are due, or -1 */
void order_flush(long long now, int all);
void order_free(void);
int tail_stamp(const char *text, size_t len, long long *ms);	/* 0, or -1: none */

#endif
