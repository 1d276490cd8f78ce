/*
 * Runs as they come (interleaved, kept apart by their id), turned into
 * messages at each run's E: per target and event, one message naming the
 * hosts, less those in their cooldown.  A run that another run's C names
 * as the one to compare with (herd-hist record --last sends it along) is
 * not a run of its own: its results are what that run's are compared with,
 * before the state's.
 */
#include <stdlib.h>
#include <string.h>

#include "notify.h"

#define OUTPUT_KEPT 1000	/* bytes of a host's output kept for messages */
#define HIST_MAX 32

struct hres {
	char *name;
	enum herd_status status;
	char sha[65];
	struct herd_buf out;	/* stdout then stderr, cut */
};

struct run {
	struct herd_run c;
	struct herd_hostlist hosts;	/* the H records before its C */
	struct hres *res;
	size_t nres, cap;
	int live;		/* between its C and its E */
	int reference;		/* another run compares with it */
	size_t compare;		/* index + 1 of its reference run, 0 none */
};

struct runs {
	struct run **run;
	size_t n, cap;
	struct herd_map ids;		/* id -> index */
	struct herd_strv wanted;	/* runs named as compare, not seen yet */
	struct herd_hostlist pending;
};

static const char *const event_names[NEVENT] = {
	"failure", "change", "timeout", "resolve", "flapping"
};

const char *
event_name(enum event e)
{
	return event_names[e];
}

int
event_parse(const char *s, enum event *e)
{
	int i;

	for (i = 0; i < NEVENT; i++)
		if (!strcmp(s, event_names[i])) {
			*e = (enum event)i;
			return 0;
		}
	return -1;
}

struct runs *
runs_new(void)
{
	return xcalloc(1, sizeof(struct runs));
}

static void
run_clear(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nres; i++) {
		free(r->res[i].name);
		herd_buf_free(&r->res[i].out);
	}
	free(r->res);
	r->res = NULL;
	r->nres = r->cap = 0;
	herd_hostlist_free(&r->hosts);
	memset(&r->hosts, 0, sizeof r->hosts);
}

/* An ended run keeps only its id (the map's key): a watch runs for days. */
static void
run_forget(struct run *r)
{
	run_clear(r);
	free(r->c.command);
	free(r->c.selection);
	free(r->c.kind);
	free(r->c.series);
	free(r->c.compare);
	r->c.command = r->c.selection = r->c.kind = r->c.series = r->c.compare = NULL;
}

void
runs_free(struct runs *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++) {
		run_clear(rs->run[i]);
		herd_run_free(&rs->run[i]->c);
		free(rs->run[i]);
	}
	free(rs->run);
	herd_map_free(&rs->ids);
	herd_strv_free(&rs->wanted);
	herd_hostlist_free(&rs->pending);
	free(rs);
}

static struct run *
find(struct runs *rs, const char *id)
{
	size_t *i = herd_map_get(&rs->ids, id, strlen(id));

	return i ? rs->run[*i] : NULL;
}

static void
on_run(struct runs *rs, const struct herd_rec *rec)
{
	struct herd_run c = { 0 };
	struct run *r, *ref;
	const char *err;
	size_t i;
	int added;

	if (herd_run_read(rec, &c, &err) < 0 || find(rs, c.id)) {
		herd_run_free(&c);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->c = c;
	r->hosts = rs->pending;
	memset(&rs->pending, 0, sizeof rs->pending);
	r->live = 1;
	for (i = 0; i < rs->wanted.n; i++)
		if (!strcmp(rs->wanted.v[i], c.id))
			r->reference = 1;
	herd_grow(&rs->run, &rs->cap, rs->n, sizeof *rs->run);
	rs->run[rs->n] = r;
	*herd_map_put(&rs->ids, r->c.id, strlen(r->c.id), &added) = rs->n++;
	if (*c.compare) {
		if ((ref = find(rs, c.compare)))
			ref->reference = 1;
		else
			herd_strv_add(&rs->wanted, c.compare);
	}
}

static void
on_result(struct runs *rs, struct notify *nt, const struct herd_rec *rec)
{
	struct herd_result res = { 0 };
	struct run *r;
	struct hres *h;
	char *why = NULL;

	if (herd_result_read(rec, &res, &why) < 0 || !(r = find(rs, res.run)) || !r->live)
		goto out;
	herd_grow(&r->res, &r->cap, r->nres, sizeof *r->res);
	h = &r->res[r->nres++];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(res.host);
	h->status = res.status;
	herd_mask_result(nt->mask, &res, h->sha);
	herd_buf_add(&h->out, res.out.p, res.out.len < OUTPUT_KEPT ? res.out.len : OUTPUT_KEPT);
	if (h->out.len < OUTPUT_KEPT)
		herd_buf_add(&h->out, res.err.p, res.err.len < OUTPUT_KEPT - h->out.len ?
		    res.err.len : OUTPUT_KEPT - h->out.len);
	if (!h->out.p)
		herd_buf_adds(&h->out, "");
out:
	free(why);
	herd_result_free(&res);
}

/* The key of a command and selection in the state. */
static char *
run_key(const struct herd_run *c)
{
	struct herd_buf b = { 0 };
	char *k;

	herd_buf_add(&b, c->kind, strlen(c->kind) + 1);
	herd_buf_add(&b, c->command, strlen(c->command) + 1);
	herd_buf_add(&b, c->selection, strlen(c->selection));
	k = xasprintf("%016llx", herd_hash_bytes(b.p, b.len));
	herd_buf_free(&b);
	return k;
}

static const struct hres *
ref_result(const struct run *ref, const char *host)
{
	size_t i;

	for (i = 0; ref && i < ref->nres; i++)
		if (!strcmp(ref->res[i].name, host))
			return &ref->res[i];
	return NULL;
}

/* State changes in the last runs: each change of letter, and each 'c'. */
static int
transitions(const char *h, size_t m)
{
	size_t len = strlen(h), i, start = len > m ? len - m : 0;
	int n = 0;

	for (i = start; i < len; i++)
		if (h[i] == 'c' || (i > start && h[i] != h[i - 1]))
			n++;
	return n;
}

/* One host's events in this run, its state updated. */
static unsigned
host_events(struct notify *nt, const struct run *ref, const char *key,
    const struct hres *h)
{
	struct rstate *st = state_r(&nt->state, key, h->name, 1);
	const struct hres *prev = ref_result(ref, h->name);
	const char *pstatus = prev ? herd_status_name(prev->status) : st->status;
	const char *psha = prev ? prev->sha : st->sha;
	unsigned ev = 0;
	char letter;
	size_t len;
	int n;

	if (h->status == HERD_TIMEOUT)
		ev |= 1u << EV_TIMEOUT, letter = 'f';
	else if (h->status != HERD_OK)
		ev |= 1u << EV_FAILURE, letter = 'f';
	else if (!strcmp(pstatus, "ok") && *psha && strcmp(psha, h->sha))
		ev |= 1u << EV_CHANGE, letter = 'c';
	else
		ev |= 1u << EV_RESOLVE, letter = 'o';	/* resolves what is open */
	len = strlen(st->hist);
	if (len + 1 >= sizeof st->hist || len >= (size_t)nt->flap_m)
		memmove(st->hist, st->hist + 1, len--);
	st->hist[len] = letter;
	st->hist[len + 1] = 0;
	n = transitions(st->hist, (size_t)nt->flap_m);
	if (!st->flapping && n > nt->flap_n) {
		st->flapping = 1;
		ev = 1u << EV_FLAPPING;
	} else if (st->flapping && n <= nt->flap_n / 2) {
		st->flapping = 0;
	} else if (st->flapping) {
		ev = 0;
	}
	snprintf(st->status, sizeof st->status, "%s", herd_status_name(h->status));
	memcpy(st->sha, h->sha, sizeof st->sha);
	st->last_ms = nt->now_ms;
	return ev;
}

/* Whether target T takes event E. */
static int
takes(const struct notify *nt, const struct herd_notifier *t, enum event e)
{
	if (e == EV_FLAPPING)
		return (t->on & (HERD_ON_FAILURE | HERD_ON_CHANGE | HERD_ON_TIMEOUT)) != 0;
	if (e == EV_RESOLVE)
		return (t->on & HERD_ON_RESOLVE) || nt->resolve_all;
	return (t->on & (1u << e)) != 0;
}

/* Whether HOST's event E goes to target T now; the state says it went. */
static int
due(struct notify *nt, const struct herd_notifier *t, const char *host, enum event e)
{
	long long cool = t->cooldown_ms >= 0 ? t->cooldown_ms : HERD_DEFAULT_COOLDOWN_MS;
	struct sstate *s;
	int i, open = 0;

	if (e == EV_RESOLVE) {
		for (i = 0; i < NEVENT; i++)
			if (i != EV_RESOLVE && (s = state_s(&nt->state, t->name, host,
			    (enum event)i, 0)) && s->open)
				s->open = 0, open = 1;
		return open;
	}
	s = state_s(&nt->state, t->name, host, e, 1);
	if (s->sent_ms && nt->now_ms - s->sent_ms < cool) {
		s->open = e != EV_FLAPPING;
		return 0;
	}
	s->sent_ms = nt->now_ms;
	s->open = e != EV_FLAPPING;
	return 1;
}

static const char *const verbs[NEVENT] = {
	"failed", "changed", "timed out", "resolved", "flapping"
};

static char *
fold(struct herd_strv *names)
{
	return herd_fold(names->v, names->n, 1);
}

/* The groups of HOSTS (the run's H records), each once. */
static char *
groups_of(const struct run *r, const struct herd_strv *hosts)
{
	struct herd_strv g = { 0 };
	size_t i, j, k;
	char *s;

	for (i = 0; i < r->hosts.n; i++) {
		if (!herd_strv_has(hosts, r->hosts.h[i].name))
			continue;
		for (j = 0; j < r->hosts.h[i].groups.n; j++) {
			k = herd_strv_has(&g, r->hosts.h[i].groups.v[j]);
			if (!k)
				herd_strv_add(&g, r->hosts.h[i].groups.v[j]);
		}
	}
	s = herd_strv_join(&g, ",");
	herd_strv_free(&g);
	return s;
}

static void
emit(struct notify *nt, const struct run *r, size_t ti, enum event e,
    struct herd_strv *hosts, const char *failed, const char *changed, long long time_ms)
{
	struct message m = { 0 };
	size_t i;

	m.target = ti;
	m.event = e;
	m.run_id = xstrdup(r->c.id);
	m.command = xstrdup(r->c.command);
	m.selection = xstrdup(r->c.selection);
	m.hosts = fold(hosts);
	m.failed = xstrdup(failed);
	m.changed = xstrdup(changed);
	m.groups = groups_of(r, hosts);
	m.count = hosts->n;
	m.total = r->nres;
	m.time_ms = time_ms;
	m.summary = xasprintf("%zu/%zu hosts %s: %s", m.count, m.total, verbs[e], m.hosts);
	for (i = 0; i < r->nres; i++)
		if (!strcmp(r->res[i].name, hosts->v[0])) {
			herd_buf_add(&m.output, r->res[i].out.p, r->res[i].out.len);
			break;
		}
	notify_message(nt, &m);
	message_free(&m);
}

static void
on_end(struct runs *rs, struct notify *nt, const struct herd_rec *rec)
{
	struct herd_end e = { 0 };
	struct herd_strv by[NEVENT] = { 0 }, failed = { 0 }, hosts = { 0 };
	const struct herd_notifier *t;
	struct run *r, *ref;
	char *key, *f, *c;
	unsigned *ev;
	const char *err;
	size_t i, ti;
	int k;

	if (herd_end_read(rec, &e, &err) < 0 || !(r = find(rs, e.run)) || !r->live)
		goto out;
	r->live = 0;
	if (r->reference)
		goto out;	/* kept for the run that compares with it */
	nt->now_ms = notify_now();
	ref = *r->c.compare ? find(rs, r->c.compare) : NULL;
	key = run_key(&r->c);
	state_load(&nt->state, nt->state_path);
	ev = xcalloc(r->nres + 1, sizeof *ev);
	for (i = 0; i < r->nres; i++) {
		ev[i] = host_events(nt, ref, key, &r->res[i]);
		for (k = 0; k < NEVENT; k++)
			if (ev[i] & (1u << k))
				herd_strv_add(&by[k], r->res[i].name);
	}
	for (i = 0; i < by[EV_FAILURE].n; i++)
		herd_strv_add(&failed, by[EV_FAILURE].v[i]);
	for (i = 0; i < by[EV_TIMEOUT].n; i++)
		herd_strv_add(&failed, by[EV_TIMEOUT].v[i]);
	f = fold(&failed);
	c = fold(&by[EV_CHANGE]);
	for (ti = 0; ti < nt->cfg->nnotifiers; ti++) {
		t = &nt->cfg->notifiers[ti];
		if (!nt->use[ti] || !t->type)
			continue;
		for (k = 0; k < NEVENT; k++) {
			/* a recovery closes what is open, sent or not */
			if (!takes(nt, t, (enum event)k) && k != EV_RESOLVE)
				continue;
			herd_strv_free(&hosts);
			for (i = 0; i < by[k].n; i++)
				if (due(nt, t, by[k].v[i], (enum event)k))
					herd_strv_add(&hosts, by[k].v[i]);
			if (hosts.n && takes(nt, t, (enum event)k))
				emit(nt, r, ti, (enum event)k, &hosts, f, c, e.finished_ms);
		}
	}
	state_save(&nt->state, nt->dry, nt->now_ms);
	for (k = 0; k < NEVENT; k++)
		herd_strv_free(&by[k]);
	herd_strv_free(&failed);
	herd_strv_free(&hosts);
	free(f);
	free(c);
	free(ev);
	free(key);
	run_forget(r);
	if (ref)
		run_forget(ref);
out:
	herd_end_free(&e);
}

void
runs_record(struct runs *rs, struct notify *nt, const struct herd_rec *rec)
{
	struct herd_host h;

	switch (rec->type) {
	case 'H':
		if (herd_host_from_rec(rec, &h) == 0)
			*herd_hostlist_add(&rs->pending) = h;
		break;
	case 'C':
		on_run(rs, rec);
		break;
	case 'R':
		on_result(rs, nt, rec);
		break;
	case 'E':
		on_end(rs, nt, rec);
		break;
	}
}
