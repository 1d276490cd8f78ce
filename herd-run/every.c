/*
 * --every DUR: the run repeated on the same kept connections, one run per
 * iteration in one series (kind watch, seq 1, 2, ..., each compared with the
 * one before), never two at once.  It stops after --count iterations, at the
 * first change of a host's (masked) result with --until-change, when every
 * host is ok with --until-ok, or on Ctrl-C.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "run.h"

struct every {
	long long interval_ms, count;
	int until_change, until_ok;
	struct herd_mask *mask;
	char *series, *first_compare, *prev_id;
	const struct herd_hostlist *hosts;
	struct client *client;
	struct herd_map index;	/* host name -> its index in hosts */
	char (*last)[65];	/* each host's masked digest in the iteration before */
	unsigned char *has_last;
	long long iter;		/* the iteration running or last run */
	long long due;		/* when the next starts (monotonic ms); -1: none */
	long long started;	/* when the one running started */
	long long changed, notok;	/* hosts, in the one running */
	long long count_last[HERD_NSTATUS];	/* the last iteration's statuses */
	int met;		/* an --until condition ended it */
};

/* The options that go with --every, checked; NULL without --every. */
struct every *
every_new(const struct every_opts *eo, struct options *o, char **err)
{
	struct every *w;
	char d[32], m[32], *why;

	if (eo->interval_ms < 0) {
		if (eo->count >= 0 || eo->until_change || eo->until_ok || eo->ignore->n)
			*err = xstrdup("--count, --until-change, --until-ok and --ignore go "
			    "with --every");
		return NULL;
	}
	if (eo->interval_ms < herd_watch_min_ms()) {
		*err = xasprintf("--every: the interval must be at least %s, got %s",
		    herd_format_duration(herd_watch_min_ms(), m, sizeof m),
		    herd_format_duration(eo->interval_ms, d, sizeof d));
		return NULL;
	}
	if (o->ping || o->dry_run || o->show_config || o->seq >= 0) {
		*err = xstrdup("--every goes with neither --ping, --dry-run, -G nor --seq");
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	if (!(w->mask = herd_mask_new(eo->ignore, &why))) {
		*err = xasprintf("--ignore %s", why);
		free(why);
		free(w);
		return NULL;
	}
	w->interval_ms = eo->interval_ms;
	w->count = eo->count;
	w->until_change = eo->until_change;
	w->until_ok = eo->until_ok;
	w->series = *o->series ? xstrdup(o->series) : herd_run_id_new(herd_now_ms());
	w->first_compare = xstrdup(o->compare);
	w->due = herd_mono_ms();
	if (!*o->kind)
		o->kind = "watch";
	return w;
}

/* The hosts of every iteration, and where its records go. */
void
every_hosts(struct every *w, const struct herd_hostlist *hosts, struct client *cl)
{
	size_t i;

	w->hosts = hosts;
	w->client = cl;
	w->last = xcalloc(hosts->n + 1, sizeof *w->last);
	w->has_last = xcalloc(hosts->n + 1, 1);
	for (i = 0; i < hosts->n; i++)
		*herd_map_put(&w->index, hosts->h[i].name, strlen(hosts->h[i].name), NULL) = i;
}

void
every_free(struct every *w)
{
	if (!w)
		return;
	herd_mask_free(w->mask);
	herd_map_free(&w->index);
	free(w->last);
	free(w->has_last);
	free(w->series);
	free(w->first_compare);
	free(w->prev_id);
	free(w);
}

/* When the loop must wake for the next iteration: monotonic ms, or -1. */
long long
every_wait(const struct every *w)
{
	return w->due;
}

/* Its time (and the one before has ended): the next iteration starts. */
void
every_due(struct engine *e, long long now)
{
	struct every *w = e->every;
	struct options *o = e->opts;
	struct run *r;

	if (w->due < 0 || now < w->due || e->nruns)
		return;
	w->iter++;
	w->started = now;
	w->due = -1;		/* until this one ends */
	w->changed = w->notok = 0;
	o->series = w->series;
	o->seq = w->iter;
	o->compare = w->prev_id ? w->prev_id : w->first_compare;
	r = one_run(e, w->client, w->hosts);
	free(w->prev_id);
	w->prev_id = xstrdup(r->c.id);
	engine_run_start(e, r);
}

/* A host's result: changed since the iteration before?  (--ignore masked) */
void
every_result(struct every *w, const struct herd_result *res)
{
	size_t *i = herd_map_get(&w->index, res->host, strlen(res->host));
	char hex[65];

	if (res->status != HERD_OK)
		w->notok++;
	if (!i)
		return;
	herd_mask_result(w->mask, res, hex);
	if (w->has_last[*i] && strcmp(w->last[*i], hex))
		w->changed++;
	memcpy(w->last[*i], hex, sizeof hex);
	w->has_last[*i] = 1;
}

/* The iteration ended: another, when, or the end. */
void
every_end(struct every *w, const struct run *r, long long now)
{
	char took[32], iv[32];

	memcpy(w->count_last, r->count, sizeof w->count_last);
	if (interrupted || r->cancelled)
		return;
	if ((w->until_change && w->changed) || (w->until_ok && !w->notok)) {
		w->met = 1;
		return;
	}
	if (w->count >= 0 && w->iter >= w->count)
		return;
	w->due = w->started + w->interval_ms;
	if (now > w->due) {
		warnx("iteration %lld took %s, longer than the interval (%s): the next "
		    "starts now", w->iter, herd_format_duration(now - w->started, took,
		    sizeof took), herd_format_duration(w->interval_ms, iv, sizeof iv));
		w->due = now;
	}
}

/* The statuses the exit status is made of: none bad when an --until condition was met. */
const long long *
every_counts(const struct every *w)
{
	static const long long none[HERD_NSTATUS];

	return w->met ? none : w->count_last;
}
