/*
 * --collapse and --merge-time: lines held for a window before they are
 * shown.  --collapse: the same line (and path) from several hosts within
 * the window is shown once, with the hosts folded (web-[01-14]).
 * --merge-time: lines are shown in the order of the time they carry
 * (tail_stamp), each held at most the window after it came, so that the
 * hosts' clocks and the network's jitter do not scramble the story; a line
 * without a time takes its host's last.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "group.h"
#include "tail.h"

struct held {
	char *key;		/* path NUL text: the same line */
	size_t keylen;
	const char *path;	/* NULL: not known */
	const char *text;	/* in key */
	size_t len;
	struct herd_strv hosts;
	long long time_ms;	/* received (wall) */
	long long due;		/* shown by then (monotonic) */
	long long stamp, seq;	/* --merge-time: its time, and order of coming */
	int shown;
};

static struct held **q;		/* in the order they came; [0, head) shown */
static size_t head, nq, capq;
static struct herd_map same;	/* --collapse: key -> its latest in q */
static struct held **heap;	/* --merge-time: by stamp, then seq */
static size_t nheap, capheap;
static struct herd_map last_of;	/* --merge-time: host -> its last stamp, in stamps */
static long long *stamps, seq;
static int collapsing;
static size_t nstamps, capstamps;

static void
held_free(struct held *h)
{
	free(h->key);
	herd_strv_free(&h->hosts);
	free(h);
}

static int
cmp_name(const void *a, const void *b)
{
	return herd_natural_cmp(*(char *const *)a, *(char *const *)b);
}

static void
show(struct held *h)
{
	struct tail_line l = { h->hosts.v, h->hosts.n, h->path, h->time_ms, h->text, h->len };

	qsort(h->hosts.v, h->hosts.n, sizeof *h->hosts.v, cmp_name);
	tail_print(&l);
	h->shown = 1;
}

/* The shown ones let go (the map of --collapse made again first: it has their keys). */
static void
compact(void)
{
	size_t i;

	if (head < 1024 || head < nq - head)
		return;
	herd_map_free(&same);
	for (i = 0; i < head; i++)
		held_free(q[i]);
	memmove(q, q + head, (nq - head) * sizeof *q);
	nq -= head;
	head = 0;
	for (i = 0; collapsing && i < nq; i++)
		*herd_map_put(&same, q[i]->key, q[i]->keylen, NULL) = i;
}

static int
before(const struct held *a, const struct held *b)
{
	return a->stamp < b->stamp || (a->stamp == b->stamp && a->seq < b->seq);
}

static void
heap_push(struct held *h)
{
	size_t i, up;

	herd_grow(&heap, &capheap, nheap, sizeof *heap);
	for (i = nheap++; i > 0 && before(h, heap[up = (i - 1) / 2]); i = up)
		heap[i] = heap[up];
	heap[i] = h;
}

static struct held *
heap_pop(void)
{
	struct held *top = heap[0], *last = heap[--nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < nheap) {
		if (c + 1 < nheap && before(heap[c + 1], heap[c]))
			c++;
		if (!before(heap[c], last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = last;
	return top;
}

/* --merge-time: the line's stamp, else its host's last, else when it came. */
static long long
stamp_of(const char *host, const char *text, size_t len, long long time_ms)
{
	size_t *slot = herd_map_get(&last_of, host, strlen(host));
	long long ms;
	int added;

	if (tail_stamp(text, len, &ms) < 0)
		return slot ? stamps[*slot] : time_ms;
	if (!slot) {
		slot = herd_map_put(&last_of, host, strlen(host), &added);
		herd_grow(&stamps, &capstamps, nstamps, sizeof *stamps);
		*slot = nstamps++;
	}
	return stamps[*slot] = ms;
}

static int
has_host(const struct held *h, const char *host)
{
	size_t i;

	for (i = h->hosts.n; i-- > 0;)
		if (!strcmp(h->hosts.v[i], host))
			return 1;
	return 0;
}

/* HOST is the tail.c name, which lives until the end. */
void
order_add(const struct tail_opts *o, const char *host, const char *path,
    long long time_ms, const char *text, size_t len, long long now)
{
	size_t plen = path ? strlen(path) : 0, *slot;
	struct held *h;
	int added;

	collapsing = o->collapse;
	if (o->collapse) {
		struct herd_buf k = { 0 };

		herd_buf_add(&k, path ? path : "", plen);
		herd_buf_addc(&k, '\0');
		herd_buf_add(&k, text, len);
		slot = herd_map_get(&same, k.p, k.len);
		if (slot && *slot >= head && !has_host(q[*slot], host)) {
			herd_strv_add(&q[*slot]->hosts, host);
			herd_buf_free(&k);
			return;
		}
		h = xcalloc(1, sizeof *h);
		h->keylen = k.len;
		h->key = herd_buf_steal(&k);
	} else {
		h = xcalloc(1, sizeof *h);
		h->keylen = plen + 1 + len;
		h->key = xmalloc(h->keylen + 1);
		if (plen)
			memcpy(h->key, path, plen);
		h->key[plen] = '\0';
		memcpy(h->key + plen + 1, text, len);
		h->key[h->keylen] = '\0';
		h->stamp = stamp_of(host, text, len, time_ms);
		h->seq = seq++;
	}
	h->path = path;
	h->text = h->key + plen + 1;
	h->len = len;
	h->time_ms = time_ms;
	h->due = now + o->window_ms;
	herd_strv_add(&h->hosts, host);
	herd_grow(&q, &capq, nq, sizeof *q);
	q[nq] = h;
	if (o->collapse)
		*herd_map_put(&same, h->key, h->keylen, &added) = nq;
	else
		heap_push(h);
	nq++;
}

long long
order_due(void)
{
	return head < nq ? q[head]->due : -1;
}

/*
 * The lines whose window is over (every one with ALL): with --merge-time,
 * each after the lines held with an earlier stamp.
 */
void
order_flush(long long now, int all)
{
	struct held *h;

	while (head < nq && (all || q[head]->due <= now)) {
		h = q[head];
		while (!h->shown && nheap)
			show(heap_pop());
		if (!h->shown)
			show(h);
		head++;
	}
	compact();
}

void
order_free(void)
{
	size_t i;

	for (i = 0; i < nq; i++)
		held_free(q[i]);
	free(q);
	free(heap);
	free(stamps);
	herd_map_free(&same);
	herd_map_free(&last_of);
	q = heap = NULL;
	stamps = NULL;
	head = nq = capq = nheap = capheap = nstamps = capstamps = 0;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
month(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (!memcmp(s, names + 3 * i, 3))
			return i;
	return -1;
}

/* +HH:MM, +HHMM or Z after a time: its offset east of UTC in seconds; 0 none. */
static long
zone(const char *s, size_t n)
{
	int hh, mm;

	if (n < 5 || (s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &hh) < 0)
		return 0;
	if (digits(s + (s[3] == ':' ? 4 : 3), 2, &mm) < 0 || (s[3] == ':' && n < 6))
		return 0;
	return (s[0] == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
}

static int
hms(const char *s, struct tm *tm)
{
	return s[2] != ':' || s[5] != ':' || digits(s, 2, &tm->tm_hour) < 0 ||
	    digits(s + 3, 2, &tm->tm_min) < 0 || digits(s + 6, 2, &tm->tm_sec) < 0 ? -1 : 0;
}

static long long
to_ms(struct tm *tm, long off, int frac)
{
	return ((long long)timegm(tm) - off) * 1000 + frac;
}

/* RFC 3339 / ISO 8601: 2026-11-28T14:02:11.123+01:00 (T or a space; zone optional). */
static int
iso(const char *s, size_t n, long long *ms)
{
	struct tm tm = { 0 };
	int frac = 0, d, k = 0;
	size_t i = 19;

	if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s, 4, &tm.tm_year) < 0 || digits(s + 5, 2, &tm.tm_mon) < 0 ||
	    digits(s + 8, 2, &tm.tm_mday) < 0 || hms(s + 11, &tm) < 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	if (i < n && (s[i] == '.' || s[i] == ','))
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++)
			if (k < 3 && digits(s + i, 1, &d) == 0)
				frac = frac * 10 + d;
	for (; k > 0 && k < 3; k++)
		frac *= 10;
	*ms = to_ms(&tm, i < n ? zone(s + i, n - i) : 0, frac);
	return 0;
}

/* syslog: Nov 28 14:02:11 (this year). */
static int
syslog_time(const char *s, size_t n, long long *ms)
{
	struct tm tm = { 0 }, now;
	time_t t = time(NULL);

	if (n < 15 || s[3] != ' ' || (tm.tm_mon = month(s)) < 0 ||
	    digits(s + 4 + (s[4] == ' '), 2 - (s[4] == ' '), &tm.tm_mday) < 0 ||
	    s[6] != ' ' || hms(s + 7, &tm) < 0)
		return -1;
	gmtime_r(&t, &now);
	tm.tm_year = now.tm_year;
	*ms = to_ms(&tm, 0, 0);
	return 0;
}

/* Common and combined web logs: [28/Nov/2026:14:02:11 +0000], anywhere. */
static int
clf(const char *s, size_t n, long long *ms)
{
	struct tm tm = { 0 };
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '[', (size_t)(end - p))) && end - p >= 27) {
		p++;
		if (p[2] != '/' || p[6] != '/' || p[11] != ':' || digits(p, 2, &tm.tm_mday) < 0 ||
		    (tm.tm_mon = month(p + 3)) < 0 || digits(p + 7, 4, &tm.tm_year) < 0 ||
		    hms(p + 12, &tm) < 0 || p[20] != ' ')
			continue;
		tm.tm_year -= 1900;
		*ms = to_ms(&tm, zone(p + 21, (size_t)(end - p - 21)), 0);
		return 0;
	}
	return -1;
}

/* The time a log line carries at its start (after a syslog <PRI>), or in [ ]. */
int
tail_stamp(const char *s, size_t n, long long *ms)
{
	size_t i = 0;

	if (n && s[0] == '<') {
		for (i = 1; i < n && i < 5 && s[i] >= '0' && s[i] <= '9'; i++)
			;
		i = i < n && s[i] == '>' ? i + 1 : 0;
		if (i && i + 1 < n && s[i] == '1' && s[i + 1] == ' ')
			i += 2;	/* RFC 5424's version */
	}
	if (i < n && s[i] == '[' && iso(s + i + 1, n - i - 1, ms) == 0)
		return 0;
	if (iso(s + i, n - i, ms) == 0 || syslog_time(s + i, n - i, ms) == 0)
		return 0;
	return clf(s, n, ms);
}
