/*
 * --stats: the busiest hosts' line rates now and then, and at the end each
 * host's lines, bytes and gaps; on standard error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tail.h"

static int
cmp_rate(const void *a, const void *b)
{
	const struct thost *x = *(struct thost *const *)a, *y = *(struct thost *const *)b;

	return x->window < y->window ? 1 : x->window > y->window ? -1 :
	    herd_natural_cmp(x->name, y->name);
}

/* --stats: the busiest hosts' line rates since the last time, on stderr. */
void
tail_stats_line(struct thost *hosts, size_t nhosts, long long span_ms)
{
	struct thost **by = xcalloc(nhosts + 1, sizeof *by);
	char *safe;
	size_t i;

	for (i = 0; i < nhosts; i++)
		by[i] = &hosts[i];
	qsort(by, nhosts, sizeof *by, cmp_rate);
	fflush(stdout);
	fputs("lines/s:", stderr);
	for (i = 0; i < nhosts && i < 10; i++) {
		safe = herd_safe(by[i]->name);
		fprintf(stderr, "%s %s %.1f", i ? "," : "", safe,
		    by[i]->window * 1000.0 / (double)(span_ms > 0 ? span_ms : 1));
		free(safe);
	}
	fprintf(stderr, nhosts > 10 ? ", ... (%zu hosts)\n" : "\n", nhosts);
	for (i = 0; i < nhosts; i++)
		hosts[i].window = 0;
	free(by);
}

/* At the end (Ctrl-C): lines, bytes and gaps per host, on stderr. */
void
tail_summary(const struct thost *hosts, size_t nhosts)
{
	long long lines = 0, bytes = 0, gaps = 0;
	char d[32], *safe;
	size_t i;

	for (i = 0; i < nhosts; i++) {
		lines += hosts[i].lines;
		bytes += hosts[i].bytes;
		gaps += hosts[i].gaps;
	}
	fflush(stdout);
	fprintf(stderr, "%zu host%s, %lld line%s, %lld byte%s, %lld gap%s\n", nhosts,
	    nhosts == 1 ? "" : "s", lines, lines == 1 ? "" : "s", bytes,
	    bytes == 1 ? "" : "s", gaps, gaps == 1 ? "" : "s");
	for (i = 0; i < nhosts; i++) {
		safe = herd_safe(hosts[i].name);
		fprintf(stderr, "  %s: %lld line%s, %lld byte%s, %lld gap%s", safe,
		    hosts[i].lines, hosts[i].lines == 1 ? "" : "s", hosts[i].bytes,
		    hosts[i].bytes == 1 ? "" : "s", hosts[i].gaps,
		    hosts[i].gaps == 1 ? "" : "s");
		if (hosts[i].gaps)
			fprintf(stderr, " (%s)", herd_format_duration(hosts[i].gap_ms, d,
			    sizeof d));
		fputc('\n', stderr);
		free(safe);
	}
}
