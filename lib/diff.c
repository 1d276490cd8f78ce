/*
 * Unified diffs with Myers' O(ND) algorithm in linear space: the middle of
 * the shortest edit script found from both ends, then each half solved the
 * same way.  Lines are interned to integers first, so comparing two lines
 * is one compare.  As GNU diff does, the identical lines at both ends are
 * left out but for a horizon of context lines, lines with no match in the
 * other text are set aside before the search, and past a cost limit the
 * best diagonal so far is taken: the diff stays correct, only no longer
 * minimal, and time stays bounded on outputs that share nothing.  The
 * result is the one diff -u prints.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"

#define COST_LIMIT 4096	/* at least; more for huge texts, as GNU diff */

struct line {
	const char *p;
	size_t len;		/* without the newline */
	int newline;		/* 0 for a last line without one */
};

struct seq {
	struct line *l;
	int *id;
	char *changed;		/* changed[-1] and changed[n] exist, 0 */
	char *mark;
	size_t n;
};

/*
 * A line's id: the same for equal lines.  The key is the line with its
 * newline, so that a last line without one is another line.
 */
static int
intern(struct herd_map *ids, const struct line *l)
{
	int added;
	size_t *id = herd_map_put(ids, l->p, l->len + (size_t)l->newline, &added);

	if (added)
		*id = ids->n - 1;
	return (int)*id;
}

static void
split_lines(const char *p, size_t len, struct seq *s)
{
	const char *end = p + len, *nl;
	size_t cap = 0;

	memset(s, 0, sizeof *s);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		herd_grow(&s->l, &cap, s->n, sizeof *s->l);
		s->l[s->n].p = p;
		s->l[s->n].len = (size_t)((nl ? nl : end) - p);
		s->l[s->n].newline = nl != NULL;
		s->n++;
		p = nl ? nl + 1 : end;
	}
	s->id = xcalloc(s->n + 1, sizeof *s->id);
	s->mark = xcalloc(s->n + 2, 1);	/* with a sentinel at each end */
	s->changed = s->mark + 1;
}

struct ctx {
	const int *a, *b;	/* the lines searched (not set aside) */
	const long *ra, *rb;	/* their indices in the texts */
	char *dela, *insb;
	long *fd, *bd;		/* furthest x per diagonal, indexed from -off */
	long off;
	long too_expensive;	/* the cost past which a search gives up */
};

/*
 * Find where the shortest edit script of a[xoff,xlim) and b[yoff,ylim)
 * crosses its middle, searching from both corners at once.  Ties are
 * broken as GNU diff breaks them, so that the hunks read the same.  Past
 * COST_LIMIT edits the best diagonal so far is used and that side is no
 * longer guaranteed minimal.
 */
static void
midpoint(struct ctx *c, long xoff, long xlim, long yoff, long ylim, int minimal,
    long *xmid, long *ymid, int *lo_min, int *hi_min)
{
	long *fd = c->fd + c->off, *bd = c->bd + c->off;
	long dmin = xoff - ylim, dmax = xlim - yoff;
	long fmid = xoff - yoff, bmid = xlim - ylim;
	long fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	long cost, d, x, y, lo, hi, x0, best, bestx;
	int odd = (fmid - bmid) & 1;

	fd[fmid] = xoff;
	bd[bmid] = xlim;
	*lo_min = *hi_min = 1;
	for (cost = 1;; cost++) {
		if (fmin > dmin)
			fd[--fmin - 1] = -1;
		else
			fmin++;
		if (fmax < dmax)
			fd[++fmax + 1] = -1;
		else
			fmax--;
		for (d = fmax; d >= fmin; d -= 2) {
			lo = fd[d - 1];
			hi = fd[d + 1];
			x0 = lo < hi ? hi : lo + 1;
			for (x = x0, y = x0 - d; x < xlim && y < ylim && c->a[x] == c->b[y];
			    x++, y++)
				;
			fd[d] = x;
			if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
				*xmid = x;
				*ymid = y;
				return;
			}
		}
		if (bmin > dmin)
			bd[--bmin - 1] = LONG_MAX;
		else
			bmin++;
		if (bmax < dmax)
			bd[++bmax + 1] = LONG_MAX;
		else
			bmax--;
		for (d = bmax; d >= bmin; d -= 2) {
			lo = bd[d - 1];
			hi = bd[d + 1];
			x0 = lo < hi ? lo : hi - 1;
			for (x = x0, y = x0 - d; xoff < x && yoff < y &&
			    c->a[x - 1] == c->b[y - 1]; x--, y--)
				;
			bd[d] = x;
			if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
				*xmid = x;
				*ymid = y;
				return;
			}
		}
		if (minimal || cost < c->too_expensive)
			continue;
		/* Too expensive: the forward or backward diagonal that got furthest. */
		best = -1;
		bestx = xoff;
		for (d = fmax; d >= fmin; d -= 2) {
			x = fd[d] < xlim ? fd[d] : xlim;
			y = x - d;
			if (y > ylim) {
				x = ylim + d;
				y = ylim;
			}
			if (x + y > best) {
				best = x + y;
				bestx = x;
			}
		}
		lo = LONG_MAX;
		x0 = xlim;
		for (d = bmax; d >= bmin; d -= 2) {
			x = bd[d] > xoff ? bd[d] : xoff;
			y = x - d;
			if (y < yoff) {
				x = yoff + d;
				y = yoff;
			}
			if (x + y < lo) {
				lo = x + y;
				x0 = x;
			}
		}
		if ((xlim + ylim) - lo < best - (xoff + yoff)) {
			*xmid = bestx;
			*ymid = best - bestx;
			*hi_min = 0;
		} else {
			*xmid = x0;
			*ymid = lo - x0;
			*lo_min = 0;
		}
		return;
	}
}

static void
compare(struct ctx *c, long xoff, long xlim, long yoff, long ylim, int minimal)
{
	long xmid, ymid;
	int lo_min, hi_min;

	while (xoff < xlim && yoff < ylim && c->a[xoff] == c->b[yoff]) {
		xoff++;
		yoff++;
	}
	while (xoff < xlim && yoff < ylim && c->a[xlim - 1] == c->b[ylim - 1]) {
		xlim--;
		ylim--;
	}
	if (xoff == xlim) {
		for (; yoff < ylim; yoff++)
			c->insb[c->rb[yoff]] = 1;
	} else if (yoff == ylim) {
		for (; xoff < xlim; xoff++)
			c->dela[c->ra[xoff]] = 1;
	} else {
		midpoint(c, xoff, xlim, yoff, ylim, minimal, &xmid, &ymid, &lo_min,
		    &hi_min);
		compare(c, xoff, xmid, yoff, ymid, lo_min);
		compare(c, xmid, xlim, ymid, ylim, hi_min);
	}
}

/*
 * GNU diff's discard_confusing_lines: mark the lines of one text (n lines,
 * ids id[], matches in the other text count[id]) to set aside before the
 * search.  A line with no match is set aside; one with very many matches
 * only inside a run of such lines, never at its ends.
 */
static void
discards(const int *id, long n, const long *count, char *d)
{
	long i, j, k, len, prov, consec, minimum, tem, many = 5;

	for (tem = n / 64; (tem >>= 2) > 0;)
		many *= 2;
	for (i = 0; i < n; i++)
		d[i] = count[id[i]] == 0 ? 1 : count[id[i]] > many ? 2 : 0;
	for (i = 0; i < n; i++) {
		if (d[i] == 2) {
			d[i] = 0;
			continue;
		}
		if (d[i] == 0)
			continue;
		for (prov = 0, j = i; j < n && d[j]; j++)
			prov += d[j] == 2;
		while (j > i && d[j - 1] == 2) {
			d[--j] = 0;
			prov--;
		}
		len = j - i;
		if (prov * 4 > len) {
			while (j > i)
				if (d[--j] == 2)
					d[j] = 0;
			continue;
		}
		for (minimum = 1, tem = len >> 2; (tem >>= 2) > 0;)
			minimum <<= 1;
		minimum++;
		for (k = 0, consec = 0; k < len; k++) {
			if (d[i + k] != 2)
				consec = 0;
			else if (minimum == ++consec)
				k -= consec;
			else if (minimum < consec)
				d[i + k] = 0;
		}
		for (k = 0, consec = 0; k < len; k++) {
			if (k >= 8 && d[i + k] == 1)
				break;
			if (d[i + k] == 2) {
				consec = 0;
				d[i + k] = 0;
			} else if (d[i + k] == 0)
				consec = 0;
			else
				consec++;
			if (consec == 3)
				break;
		}
		i += len - 1;
		for (k = 0, consec = 0; k < len; k++) {
			if (k >= 8 && d[i - k] == 1)
				break;
			if (d[i - k] == 2) {
				consec = 0;
				d[i - k] = 0;
			} else if (d[i - k] == 0)
				consec = 0;
			else
				consec++;
			if (consec == 3)
				break;
		}
	}
}

/* The lines of a text not set aside: their ids and indices; the rest changed. */
static long
keep(const int *id, long n, const char *d, char *changed, int *kid, long *kidx)
{
	long i, m = 0;

	for (i = 0; i < n; i++) {
		if (d[i]) {
			changed[i] = 1;
			continue;
		}
		kid[m] = id[i];
		kidx[m++] = i;
	}
	return m;
}

/*
 * Slide each run of changed lines as far down as equal lines allow, merging
 * runs that touch, then back up to line up with a run in the other text
 * where one corresponds: the placement GNU diff settles on.  changed[] and
 * other[] have a 0 sentinel before the first and after the last line.
 */
static void
shift_runs(char *changed, const int *id, long n, char *other)
{
	long i = 0, j = 0, start, len, corresponding;

	for (;;) {
		while (i < n && !changed[i]) {
			while (other[j++])
				;
			i++;
		}
		if (i == n)
			break;
		start = i;
		while (changed[++i])
			;
		while (other[j])
			j++;
		do {
			len = i - start;
			while (start && id[start - 1] == id[i - 1]) {
				changed[--start] = 1;
				changed[--i] = 0;
				while (changed[start - 1])
					start--;
				while (other[--j])
					;
			}
			corresponding = other[j - 1] ? i : n;
			while (i != n && id[start] == id[i]) {
				changed[start++] = 0;
				changed[i++] = 1;
				while (changed[i])
					i++;
				while (other[++j])
					corresponding = i;
			}
		} while (len != i - start);
		while (corresponding < i) {
			changed[--start] = 1;
			changed[--i] = 0;
			while (other[--j])
				;
		}
	}
}

static void
range(struct herd_buf *out, size_t start, size_t count)
{
	if (count == 0)
		herd_buf_addf(out, "%zu,0", start);
	else if (count == 1)
		herd_buf_addf(out, "%zu", start + 1);
	else
		herd_buf_addf(out, "%zu,%zu", start + 1, count);
}

static void
put_line(struct herd_buf *out, char mark, const struct line *l)
{
	herd_buf_addc(out, mark);
	herd_buf_add(out, l->p, l->len);
	herd_buf_addc(out, '\n');
	if (!l->newline)
		herd_buf_adds(out, "\\ No newline at end of file\n");
}

/* One op of the edit script: '-' a line of a, '+' of b, ' ' of both. */
struct op {
	char mark;
	size_t i, j;
};

static void
hunks(const struct seq *a, const struct seq *b, int context, struct herd_buf *out)
{
	struct op *ops = xcalloc(a->n + b->n + 1, sizeof *ops);
	size_t n = 0, i = 0, j = 0, k, start, end, last, ai, bi, ac, bc;

	while (i < a->n || j < b->n) {
		if (i < a->n && a->changed[i])
			ops[n++] = (struct op){ '-', i++, j };
		else if (j < b->n && b->changed[j])
			ops[n++] = (struct op){ '+', i, j++ };
		else
			ops[n++] = (struct op){ ' ', i++, j++ };
	}
	for (k = 0; k < n;) {
		while (k < n && ops[k].mark == ' ')
			k++;
		if (k == n)
			break;
		start = k > (size_t)context ? k - (size_t)context : 0;
		/* extend while the next change is within 2 * context lines */
		for (last = k, end = k; end < n; end++) {
			if (ops[end].mark != ' ')
				last = end;
			else if (end - last > 2 * (size_t)context)
				break;
		}
		end = last + (size_t)context + 1 < n ? last + (size_t)context + 1 : n;
		ai = ops[start].i;
		bi = ops[start].j;
		for (ac = bc = 0, k = start; k < end; k++) {
			ac += ops[k].mark != '+';
			bc += ops[k].mark != '-';
		}
		herd_buf_adds(out, "@@ -");
		range(out, ai, ac);
		herd_buf_adds(out, " +");
		range(out, bi, bc);
		herd_buf_adds(out, " @@\n");
		for (k = start; k < end; k++)
			put_line(out, ops[k].mark, ops[k].mark == '+' ? &b->l[ops[k].j] :
			    &a->l[ops[k].i]);
	}
	free(ops);
}

/*
 * Append the hunks of a unified diff of a and b to out (no ---/+++ lines);
 * return the number of changed lines, 0 when the texts are equal.
 */
size_t
herd_diff(const char *a, size_t alen, const char *b, size_t blen, int context,
    struct herd_buf *out)
{
	struct seq sa, sb;
	struct herd_map ids = { 0 };
	struct ctx c;
	size_t i, changed = 0;
	long pre, suf, na, nb, ka, kb, lim, diags, *count, *ridx;
	size_t nids;
	int *kid;
	char *d;

	split_lines(a, alen, &sa);
	split_lines(b, blen, &sb);
	for (i = 0; i < sa.n; i++)
		sa.id[i] = intern(&ids, &sa.l[i]);
	for (i = 0; i < sb.n; i++)
		sb.id[i] = intern(&ids, &sb.l[i]);
	nids = ids.n;
	herd_map_free(&ids);

	/*
	 * The identical lines at both ends are left out, but for a horizon
	 * of context lines that the runs of changes may still slide into.
	 */
	lim = (long)(sa.n < sb.n ? sa.n : sb.n);
	for (pre = 0; pre < lim && sa.id[pre] == sb.id[pre]; pre++)
		;
	pre = pre > context ? pre - context : 0;
	for (suf = 0; suf < lim - pre && sa.id[sa.n - 1 - suf] == sb.id[sb.n - 1 - suf];
	    suf++)
		;
	suf = suf > context ? suf - context : 0;
	na = (long)sa.n - pre - suf;
	nb = (long)sb.n - pre - suf;

	/* Lines of one text without a match in the other are set aside. */
	count = xcalloc(2 * (nids + 1), sizeof *count);
	for (i = 0; i < (size_t)na; i++)
		count[sa.id[pre + i]]++;
	for (i = 0; i < (size_t)nb; i++)
		count[nids + 1 + sb.id[pre + i]]++;
	d = xcalloc((size_t)(na + nb) + 1, 1);
	discards(sa.id + pre, na, count + nids + 1, d);
	discards(sb.id + pre, nb, count, d + na);
	kid = xcalloc((size_t)(na + nb) + 1, sizeof *kid);
	ridx = xcalloc((size_t)(na + nb) + 1, sizeof *ridx);
	ka = keep(sa.id + pre, na, d, sa.changed + pre, kid, ridx);
	kb = keep(sb.id + pre, nb, d + na, sb.changed + pre, kid + ka, ridx + ka);

	c.a = kid;
	c.b = kid + ka;
	c.ra = ridx;
	c.rb = ridx + ka;
	c.dela = sa.changed + pre;
	c.insb = sb.changed + pre;
	c.off = kb + 2;
	c.fd = xcalloc((size_t)(ka + kb) + 5, sizeof *c.fd);
	c.bd = xcalloc((size_t)(ka + kb) + 5, sizeof *c.bd);
	for (c.too_expensive = 1, diags = ka + kb + 3; diags; diags >>= 2)
		c.too_expensive <<= 1;
	if (c.too_expensive < COST_LIMIT)
		c.too_expensive = COST_LIMIT;
	compare(&c, 0, ka, 0, kb, 0);
	shift_runs(sa.changed + pre, sa.id + pre, na, sb.changed + pre);
	shift_runs(sb.changed + pre, sb.id + pre, nb, sa.changed + pre);
	for (i = 0; i < sa.n; i++)
		changed += (size_t)sa.changed[i];
	for (i = 0; i < sb.n; i++)
		changed += (size_t)sb.changed[i];
	if (changed)
		hunks(&sa, &sb, context, out);
	free(c.fd);
	free(c.bd);
	free(count);
	free(d);
	free(kid);
	free(ridx);
	free(sa.l);
	free(sa.id);
	free(sa.mark);
	free(sb.l);
	free(sb.id);
	free(sb.mark);
	return changed;
}
