/*
 * herd mux status: the S records a mux sends on connect (one per kept
 * connection), folded by state and reason, with the mux's pid and idle
 * timeout.
 */
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mux.h"
#include "records.h"
#include "verb.h"

#define STATUS_WAIT_MS 5000

struct seen {
	struct herd_map index;		/* host -> its place in s */
	struct herd_conn_state *s;
	size_t n, cap;
};

static void
saw(struct seen *sn, struct herd_conn_state *st)
{
	size_t *slot;
	int added;

	herd_grow(&sn->s, &sn->cap, sn->n, sizeof *sn->s);
	slot = herd_map_put(&sn->index, st->host, strlen(st->host), &added);
	if (added) {
		*slot = sn->n;
		sn->s[sn->n++] = *st;
		return;
	}
	/* a later state of the same host; the first copy of its name is the map's key */
	free(sn->s[*slot].reason);
	sn->s[*slot].state = st->state;
	sn->s[*slot].reason = st->reason;
	sn->s[*slot].time_ms = st->time_ms;
	free(st->host);
}

static void
read_line(struct seen *sn, const char *line, size_t len, int *header)
{
	struct herd_rec r = { 0 };
	struct herd_conn_state st;
	const char *why;

	if (!herd_rec_parse(&r, line, len))
		goto out;
	if (r.type == '#' && !*header) {
		if (herd_rec_check_header(&r, &why) < 0)
			errx(HERD_EXIT_RUNTIME, "mux: %s", why);
		*header = 1;
	} else if (r.type == 'S' && herd_conn_state_read(&r, &st, &why) == 0) {
		saw(sn, &st);
	}
out:
	herd_rec_free(&r);
}

/* Everything the mux says until it closes (we said we are done). */
static void
read_states(int fd, struct seen *sn)
{
	struct herd_lines in = { 0 };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long until = herd_mono_ms() + STATUS_WAIT_MS, now;
	const char *line;
	size_t len;
	int header = 0;

	while (!in.eof && (now = herd_mono_ms()) < until) {
		if (poll(&p, 1, (int)(until - now)) < 0 && errno != EINTR)
			err(HERD_EXIT_RUNTIME, "poll");
		if (p.revents && herd_lines_fill(&in, fd) < 0 && errno != EINTR &&
		    errno != EAGAIN)
			herd_lines_eof(&in);
		while (herd_lines_next(&in, &line, &len))
			read_line(sn, line, len, &header);
	}
	herd_lines_free(&in);
}

/* One line per state and reason: "failed (2): h[3-4]: Permission denied". */
static void
print_state(const struct seen *sn, enum herd_conn state)
{
	char **names = xcalloc(sn->n + 1, sizeof *names), *hosts, *safe;
	char *done = xcalloc(sn->n + 1, 1);
	const char *reason;
	size_t i, k, n;

	for (i = 0; i < sn->n; i++) {
		if (done[i] || sn->s[i].state != state)
			continue;
		reason = sn->s[i].reason ? sn->s[i].reason : "";
		for (k = i, n = 0; k < sn->n; k++)
			if (!done[k] && sn->s[k].state == state &&
			    !strcmp(reason, sn->s[k].reason ? sn->s[k].reason : "")) {
				names[n++] = sn->s[k].host;
				done[k] = 1;
			}
		hosts = herd_fold(names, n, 1);
		safe = herd_safe(reason);
		printf("%s (%zu): %s%s%s\n", herd_conn_name(state), n, shown(hosts),
		    *safe ? ": " : "", safe);
		free(safe);
		free(hosts);
	}
	free(done);
	free(names);
}

int
mux_status(const char *path)
{
	static const enum herd_conn order[] = {
		HERD_CONN_UP, HERD_CONN_CONNECTING, HERD_CONN_DOWN, HERD_CONN_FAILED
	};
	struct seen sn = { 0 };
	char idle[80] = "", d[64];
	long long idle_ms;
	pid_t pid, filepid;
	size_t i;
	int fd = herd_mux_connect(path, &pid);

	if (fd < 0 && (errno == ENOENT || errno == ECONNREFUSED))
		return -1;
	if (fd < 0)
		err(HERD_EXIT_RUNTIME, "mux: %s", shown(path));
	shutdown(fd, SHUT_WR);
	read_states(fd, &sn);
	close(fd);
	if (herd_mux_pid_read(path, &filepid, &idle_ms) == 0)
		snprintf(idle, sizeof idle, ", idle timeout %s", idle_ms > 0 ?
		    herd_format_duration(idle_ms, d, sizeof d) : "none");
	printf("mux on %s (pid %ld%s): %zu connection%s\n", shown(path), (long)pid, idle,
	    sn.n, sn.n == 1 ? "" : "s");
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		print_state(&sn, order[i]);
	for (i = 0; i < sn.n; i++)
		herd_conn_state_free(&sn.s[i]);
	free(sn.s);
	herd_map_free(&sn.index);
	return 0;
}
