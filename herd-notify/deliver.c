/*
 * Delivery: a queue per target, one message at a time, at most one request
 * a second (RATE_MS); HTTP over libcurl's multi interface, polled in the
 * stage's own loop (curl_multi_poll, with standard input as an extra
 * descriptor); scripts forked and exec'd, watched through a pidfd.  A
 * request that times out, fails to connect or gets a 5xx is tried again
 * after 1 s, 2 s, 4 s ... (--retries); a 429 after its Retry-After.  What
 * is given up is said on stderr, with the URL masked.
 */
#include <curl/curl.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notify.h"

#define RATE_MS 1000
#define BACKOFF_MS 1000
#define BACKOFF_MAX_MS 60000
#define CONNECT_MS 5000

extern char **environ;

struct job {
	struct job *next;
	struct payload p;
	char *what;		/* "failure of run ID", for messages */
	int attempts;
	long long due_ms;	/* not before (monotonic) */
	CURL *easy;
	struct curl_slist *hdrs;
	struct herd_buf url;
	pid_t pid;
	int pidfd;
	long long deadline;	/* a script's */
};

struct queue {
	struct job *head, *tail;
	int busy;		/* the head is being sent */
	long long next_ms;	/* the next request not before (monotonic) */
};

struct deliver {
	const struct herd_config *cfg;
	CURLM *multi;
	struct queue *q;
	long long timeout_ms;
	int retries;
	size_t failed;
};

struct deliver *
deliver_new(const struct herd_config *cfg, long long timeout_ms, int retries)
{
	struct deliver *d = xcalloc(1, sizeof *d);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(d->multi = curl_multi_init()))
		errx(HERD_EXIT_RUNTIME, "libcurl cannot be set up");
	d->cfg = cfg;
	d->q = xcalloc(cfg->nnotifiers + 1, sizeof *d->q);
	d->timeout_ms = timeout_ms;
	d->retries = retries;
	return d;
}

static void
job_free(struct job *j)
{
	if (j->easy)
		curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->hdrs);
	herd_buf_free(&j->url);
	payload_free(&j->p);
	free(j->what);
	free(j);
}

void
deliver_add(struct deliver *d, size_t target, struct payload *p, const char *what)
{
	struct queue *q = &d->q[target];
	struct job *j = xcalloc(1, sizeof *j);

	j->p = *p;
	memset(p, 0, sizeof *p);
	j->what = xstrdup(what);
	j->pidfd = -1;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static void
say(struct deliver *d, size_t t, const struct job *j, const char *fmt, const char *why)
{
	const struct herd_notifier *n = &d->cfg->notifiers[t];
	char *url = j->url.p ? mask_url(j->url.p) : NULL;

	warnx("%s: %s not delivered%s%s: %s", n->name, j->what, url ? " to " : "",
	    url ? url : "", why);
	(void)fmt;
	free(url);
	d->failed++;
}

static void
done(struct deliver *d, size_t t)
{
	struct queue *q = &d->q[t];
	struct job *j = q->head;

	q->head = j->next;
	if (!q->head)
		q->tail = NULL;
	q->busy = 0;
	job_free(j);
}

static size_t
discard(char *p, size_t size, size_t n, void *u)
{
	(void)p;
	(void)u;
	return size * n;
}

static int
start_http(struct deliver *d, size_t t, struct job *j)
{
	struct curl_slist *l;
	struct herd_buf h = { 0 };
	char *why = NULL;
	size_t i;

	if (!j->url.p && env_expand(j->p.url, &j->url, &why) < 0) {
		herd_buf_free(&j->url);
		say(d, t, j, NULL, why);
		free(why);
		return -1;
	}
	curl_slist_free_all(j->hdrs);
	j->hdrs = NULL;
	for (i = 0; i < j->p.headers.n; i++) {
		if (env_expand(j->p.headers.v[i], &h, &why) < 0) {
			say(d, t, j, NULL, why);
			free(why);
			herd_buf_free(&h);
			return -1;
		}
		if (!(l = curl_slist_append(j->hdrs, h.p)))
			errx(HERD_EXIT_RUNTIME, "out of memory");
		j->hdrs = l;
	}
	herd_buf_free(&h);
	j->hdrs = curl_slist_append(j->hdrs, "Expect:");
	if (!j->easy && !(j->easy = curl_easy_init()))
		errx(HERD_EXIT_RUNTIME, "libcurl: cannot make a request");
	curl_easy_reset(j->easy);
	curl_easy_setopt(j->easy, CURLOPT_URL, j->url.p);
	curl_easy_setopt(j->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, j->hdrs);
	curl_easy_setopt(j->easy, CURLOPT_USERAGENT, "herd-notify/" HERD_VERSION);
	curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, (long)d->timeout_ms);
	curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(d->timeout_ms < CONNECT_MS ? d->timeout_ms : CONNECT_MS));
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDS, j->p.body.p);
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDSIZE, (long)j->p.body.len);
	if (strcmp(j->p.method, "POST"))
		curl_easy_setopt(j->easy, CURLOPT_CUSTOMREQUEST, j->p.method);
	curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(j->easy, CURLOPT_PRIVATE, (void *)t);
	if (curl_multi_add_handle(d->multi, j->easy) != CURLM_OK) {
		say(d, t, j, NULL, "libcurl refused the request");
		return -1;
	}
	return 0;
}

static int
start_script(struct deliver *d, size_t t, struct job *j)
{
	struct herd_strv env = { 0 };
	char **e;
	pid_t pid;
	int null;

	for (e = environ; *e; e++)
		if (strncmp(*e, "HERD_", 5))
			herd_strv_add(&env, *e);
	for (e = j->p.env.v; e && *e; e++)
		herd_strv_add(&env, *e);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		herd_strv_free(&env);
		say(d, t, j, NULL, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* its stdout is not the records' */
		null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		syscall(SYS_close_range, 3U, ~0U, 0);
		execvpe(j->p.argv.v[0], j->p.argv.v, env.v);
		warn("%s", j->p.argv.v[0]);
		_exit(127);
	}
	herd_strv_free(&env);
	j->pid = pid;
	j->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	j->deadline = herd_mono_ms() + d->timeout_ms;
	return 0;
}

static void
start(struct deliver *d, size_t t, long long now)
{
	struct queue *q = &d->q[t];
	struct job *j = q->head;
	int rc;

	if (!j || q->busy || now < j->due_ms || now < q->next_ms)
		return;
	q->busy = 1;
	q->next_ms = now + RATE_MS;
	j->attempts++;
	rc = !strcmp(d->cfg->notifiers[t].type, "script") ? start_script(d, t, j) :
	    start_http(d, t, j);
	if (rc < 0)
		done(d, t);
}

/* An attempt of the head of T's queue failed for WHY: again later, or given up. */
static void
again(struct deliver *d, size_t t, long long wait_ms, const char *why)
{
	struct queue *q = &d->q[t];
	struct job *j = q->head;
	long long backoff = BACKOFF_MS;
	int i;

	if (j->attempts > d->retries) {
		char *s = xasprintf("%s (%d attempts)", why, j->attempts);

		say(d, t, j, NULL, s);
		free(s);
		done(d, t);
		return;
	}
	for (i = 1; i < j->attempts && backoff < BACKOFF_MAX_MS; i++)
		backoff *= 2;
	j->due_ms = herd_mono_ms() + (wait_ms > backoff ? wait_ms : backoff);
	q->busy = 0;
}

static void
finished_http(struct deliver *d, CURL *easy, CURLcode rc)
{
	void *priv = NULL;
	long code = 0;
	curl_off_t after = -1;
	size_t t;
	char why[160];

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&priv);
	t = (size_t)priv;
	curl_multi_remove_handle(d->multi, easy);
	if (rc != CURLE_OK) {
		snprintf(why, sizeof why, "%s", curl_easy_strerror(rc));
		again(d, t, 0, why);
		return;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		done(d, t);
		return;
	}
	snprintf(why, sizeof why, "HTTP status %ld", code);
	if (code == 429) {
		curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &after);
		again(d, t, after > 0 ? (long long)after * 1000 : 0, why);
	} else if (code >= 500 || code == 408) {
		again(d, t, 0, why);
	} else {
		say(d, t, d->q[t].head, NULL, why);
		done(d, t);
	}
}

static void
reap_scripts(struct deliver *d, long long now)
{
	struct job *j;
	size_t t;
	pid_t r;
	int st;
	char why[64];

	for (t = 0; t < d->cfg->nnotifiers; t++) {
		j = d->q[t].head;
		if (!d->q[t].busy || !j || !j->pid)
			continue;
		if (now > j->deadline && j->deadline)
			kill(j->pid, SIGKILL), j->deadline = 0;
		if ((r = waitpid(j->pid, &st, WNOHANG)) == 0)
			continue;
		if (j->pidfd >= 0)
			close(j->pidfd);
		j->pidfd = -1;
		j->pid = 0;
		if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			done(d, t);
			continue;
		}
		if (r > 0 && WIFSIGNALED(st))
			snprintf(why, sizeof why, "killed by signal %d%s", WTERMSIG(st),
			    j->deadline ? "" : " (timed out)");
		else
			snprintf(why, sizeof why, "exit status %d", r > 0 ? WEXITSTATUS(st) : -1);
		say(d, t, j, NULL, why);
		done(d, t);
	}
}

void
deliver_work(struct deliver *d)
{
	struct CURLMsg *m;
	long long now;
	size_t t;
	int running, left;

	curl_multi_perform(d->multi, &running);
	while ((m = curl_multi_info_read(d->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			finished_http(d, m->easy_handle, m->data.result);
	now = herd_mono_ms();
	reap_scripts(d, now);
	for (t = 0; t < d->cfg->nnotifiers; t++)
		start(d, t, now);
	curl_multi_perform(d->multi, &running);
}

void
deliver_poll(struct deliver *d, int fd, long long wait_ms)
{
	struct curl_waitfd w[64];
	long long now = herd_mono_ms(), next;
	long ct = -1;
	size_t t;
	unsigned n = 0;
	int numfds;
	struct job *j;

	if (fd >= 0)
		w[n++] = (struct curl_waitfd){ .fd = fd, .events = CURL_WAIT_POLLIN };
	for (t = 0; t < d->cfg->nnotifiers; t++) {
		j = d->q[t].head;
		if (!j)
			continue;
		if (d->q[t].busy && j->pid) {
			if (j->pidfd >= 0 && n < 64)
				w[n++] = (struct curl_waitfd){ .fd = j->pidfd,
				    .events = CURL_WAIT_POLLIN };
			next = j->pidfd >= 0 ? j->deadline : now + 10;
		} else if (!d->q[t].busy) {
			next = j->due_ms > d->q[t].next_ms ? j->due_ms : d->q[t].next_ms;
		} else {
			continue;
		}
		if (next - now < wait_ms)
			wait_ms = next - now;
	}
	curl_multi_timeout(d->multi, &ct);
	if (ct >= 0 && ct < wait_ms)
		wait_ms = ct;
	if (wait_ms < 0)
		wait_ms = 0;
	if (wait_ms > 60000)
		wait_ms = 60000;
	/* the caller reads FD whatever: curl does not report a POLLHUP alone */
	curl_multi_poll(d->multi, w, n, (int)wait_ms, &numfds);
}

int
deliver_idle(const struct deliver *d)
{
	size_t t;

	for (t = 0; t < d->cfg->nnotifiers; t++)
		if (d->q[t].head)
			return 0;
	return 1;
}

size_t
deliver_finish(struct deliver *d, const char *why)
{
	struct job *j;
	size_t t;

	for (t = 0; t < d->cfg->nnotifiers; t++) {
		while ((j = d->q[t].head)) {
			if (j->easy && d->q[t].busy)
				curl_multi_remove_handle(d->multi, j->easy);
			if (j->pid) {
				kill(j->pid, SIGKILL);
				waitpid(j->pid, NULL, 0);
				if (j->pidfd >= 0)
					close(j->pidfd);
				j->pid = 0;
			}
			say(d, t, j, NULL, why);
			done(d, t);
		}
	}
	return d->failed;
}

void
deliver_free(struct deliver *d)
{
	if (!d)
		return;
	deliver_finish(d, "stopped");
	curl_multi_cleanup(d->multi);
	curl_global_cleanup();
	free(d->q);
	free(d);
}
