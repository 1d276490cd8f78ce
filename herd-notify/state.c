/*
 * The state herd-notify keeps between runs, in a small file of lines
 * escaped as records (herd-records(5)):
 *   #herd-notify-state 1
 *   r KEY HOST STATUS SHA256 HISTORY FLAPPING LAST_MS   a host's last result
 *   s TARGET HOST EVENT SENT_MS OPEN                    the last message sent
 * KEY names a command and selection.  The file is locked (flock on
 * FILE.lock) from reading to writing, and written by rename: separate
 * herd-notify processes share it.  Entries not touched for 30 days go.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notify.h"

#define STATE_KEEP_MS (30LL * 86400000)

char *
state_default_path(void)
{
	char *dir = herd_state_dir(), *path;

	if (!dir)
		return NULL;
	path = xasprintf("%s/notify.state", dir);
	free(dir);
	return path;
}

/* mkdir -p the directory of PATH, each made 0700. */
static int
make_dirs(const char *path)
{
	char *d = xstrdup(path), *p;
	int rc = 0;

	for (p = d + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(d, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(d);
	return rc;
}

static void
index_r(struct state *st, size_t i)
{
	*herd_map_put(&st->rmap, st->r[i].key, strlen(st->r[i].key), NULL) = i;
}

static void
index_s(struct state *st, size_t i)
{
	*herd_map_put(&st->smap, st->s[i].key, strlen(st->s[i].key), NULL) = i;
}

struct rstate *
state_r(struct state *st, const char *key, const char *host, int create)
{
	char *k = xasprintf("%s\t%s", key, host);
	size_t *i = herd_map_get(&st->rmap, k, strlen(k));
	struct rstate *r;

	if (i || !create) {
		free(k);
		return i ? &st->r[*i] : NULL;
	}
	herd_grow(&st->r, &st->rcap, st->nr, sizeof *st->r);
	r = &st->r[st->nr];
	memset(r, 0, sizeof *r);
	r->key = k;
	index_r(st, st->nr++);
	return r;
}

struct sstate *
state_s(struct state *st, const char *target, const char *host, enum event e, int create)
{
	char *k = xasprintf("%s\t%s\t%s", target, host, event_name(e));
	size_t *i = herd_map_get(&st->smap, k, strlen(k));
	struct sstate *s;

	if (i || !create) {
		free(k);
		return i ? &st->s[*i] : NULL;
	}
	herd_grow(&st->s, &st->scap, st->ns, sizeof *st->s);
	s = &st->s[st->ns];
	memset(s, 0, sizeof *s);
	s->key = k;
	index_s(st, st->ns++);
	return s;
}

static void
copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void
read_line(struct state *st, const struct herd_rec *rec)
{
	struct rstate *r;
	struct sstate *s;
	enum event e;
	long long n;

	if (rec->type == 'r' && rec->nf >= 7) {
		r = state_r(st, herd_rec_str(rec, 0), herd_rec_str(rec, 1), 1);
		copy_field(r->status, sizeof r->status, herd_rec_str(rec, 2));
		copy_field(r->sha, sizeof r->sha, herd_rec_str(rec, 3));
		copy_field(r->hist, sizeof r->hist, herd_rec_str(rec, 4));
		r->flapping = !strcmp(herd_rec_str(rec, 5), "1");
		r->last_ms = herd_rec_num(rec, 6, &n) == 0 ? n : 0;
	} else if (rec->type == 's' && rec->nf >= 5 &&
	    event_parse(herd_rec_str(rec, 2), &e) == 0) {
		s = state_s(st, herd_rec_str(rec, 0), herd_rec_str(rec, 1), e, 1);
		s->sent_ms = herd_rec_num(rec, 3, &n) == 0 ? n : 0;
		s->open = !strcmp(herd_rec_str(rec, 4), "1");
	}
}

int
state_load(struct state *st, const char *path)
{
	struct herd_rec rec = { 0 };
	char *lock;
	FILE *f;

	state_clear(st);
	st->path = xstrdup(path);
	st->lock = -1;
	if (make_dirs(path) < 0) {
		warn("%s: cannot make its directory", path);
		return -1;
	}
	lock = xasprintf("%s.lock", path);
	st->lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (st->lock < 0 || flock(st->lock, LOCK_EX) < 0) {
		warn("%s.lock", path);
		return -1;
	}
	if (!(f = fopen(path, "re"))) {
		if (errno == ENOENT)
			return 0;
		warn("%s", path);
		return -1;
	}
	while (herd_rec_read(f, &rec) > 0)
		read_line(st, &rec);
	if (ferror(f))
		warn("%s", path);
	fclose(f);
	herd_rec_free(&rec);
	return 0;
}

static void
write_r(FILE *f, const struct rstate *r)
{
	size_t klen = strcspn(r->key, "\t");

	herd_rec_start(f, 'r');
	herd_rec_field(f, r->key, klen);
	herd_rec_fields(f, r->key + klen + 1);
	herd_rec_fields(f, r->status);
	herd_rec_fields(f, r->sha);
	herd_rec_fields(f, r->hist);
	herd_rec_fields(f, r->flapping ? "1" : "0");
	herd_rec_fieldnum(f, r->last_ms);
	herd_rec_end(f);
}

static void
write_s(FILE *f, const struct sstate *s)
{
	const char *host = strchr(s->key, '\t') + 1, *ev = strrchr(s->key, '\t') + 1;

	herd_rec_start(f, 's');
	herd_rec_field(f, s->key, (size_t)(host - 1 - s->key));
	herd_rec_field(f, host, (size_t)(ev - 1 - host));
	herd_rec_fields(f, ev);
	herd_rec_fieldnum(f, s->sent_ms);
	herd_rec_fields(f, s->open ? "1" : "0");
	herd_rec_end(f);
}

static void
unlock(struct state *st)
{
	if (st->lock >= 0)
		close(st->lock);
	st->lock = -1;
}

int
state_save(struct state *st, int dry, long long now_ms)
{
	char *tmp;
	FILE *f;
	size_t i;
	int fd, rc = 0;

	if (dry || st->lock < 0 || !st->path) {
		unlock(st);
		return 0;
	}
	tmp = xasprintf("%s.tmp", st->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    !(f = fdopen(fd, "w"))) {
		warn("%s", tmp);
		if (fd >= 0)
			close(fd);
		free(tmp);
		unlock(st);
		return -1;
	}
	fputs("#herd-notify-state 1\n", f);
	for (i = 0; i < st->nr; i++)
		if (st->r[i].last_ms + STATE_KEEP_MS > now_ms)
			write_r(f, &st->r[i]);
	for (i = 0; i < st->ns; i++)
		if (st->s[i].sent_ms + STATE_KEEP_MS > now_ms)
			write_s(f, &st->s[i]);
	/* no fsync: losing the last run's state to a crash only repeats a message */
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, st->path) < 0)
		rc = -1;
	if (rc < 0) {
		warn("%s", st->path);
		unlink(tmp);
	}
	free(tmp);
	unlock(st);
	return rc;
}

void
state_clear(struct state *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++)
		free(st->r[i].key);
	for (i = 0; i < st->ns; i++)
		free(st->s[i].key);
	free(st->r);
	free(st->s);
	herd_map_free(&st->rmap);
	herd_map_free(&st->smap);
	free(st->path);
	if (st->lock > 0)
		close(st->lock);
	memset(st, 0, sizeof *st);
	st->lock = -1;
}
