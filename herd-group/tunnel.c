/*
 * herd-group --tunnel: the view of herd-run --forward's records.  A line
 * per host once its forward is up,
 *   127.0.0.1:8080 → web-01 → localhost:80
 * a line when it drops (and when it is up again), a line when it fails to
 * connect (once, until it is up), and once every host was up or failed,
 * "N tunnels active. Press Ctrl-C to close.".  The port of a host is
 * LPORT plus its place among the H records, as herd-run binds them.
 */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herd.h"
#include "records.h"
#include "fwdspec.h"
#include "tunnel.h"

enum said { NONE, UP, DOWN, FAILED };

struct tunnels {
	struct herd_strv names;		/* in the order of the H records */
	struct herd_map index;		/* name -> its place */
	enum said *said;
	size_t settled, up;
	struct herd_fwdspec spec;
	int have_spec, told;
};

static void
add_host(struct tunnels *t, const struct herd_rec *r)
{
	const char *name = herd_rec_str(r, 0);
	int added;
	size_t *slot;

	if (!*name || herd_map_get(&t->index, name, strlen(name)))
		return;
	herd_strv_add(&t->names, name);
	/* (the map keeps the key: the copy in names) */
	slot = herd_map_put(&t->index, t->names.v[t->names.n - 1], strlen(name), &added);
	*slot = t->names.n - 1;
	t->said = xreallocarray(t->said, t->names.n, sizeof *t->said);
	t->said[t->names.n - 1] = NONE;
}

static void
begin(struct tunnels *t, const struct herd_rec *r)
{
	struct herd_run c;
	const char *why;

	if (herd_run_read(r, &c, &why) < 0)
		return;
	if (!t->have_spec && !strcmp(c.kind, "forward") &&
	    herd_fwdspec_parse(c.command, &t->spec, &why) == 0)
		t->have_spec = 1;
	herd_run_free(&c);
}

/* 127.0.0.1:8080 → web-01 → localhost:80 */
static void
show_up(const struct tunnels *t, size_t i, const char *name, int again)
{
	char *l = herd_fwdspec_addr(t->spec.bind, t->spec.lport + (int)i);
	char *r = herd_fwdspec_addr(t->spec.rhost, t->spec.rport);
	char *sl = herd_safe(l), *sr = herd_safe(r);

	printf("%s \u2192 %s \u2192 %s%s\n", sl, name, sr, again ? " (connected again)" : "");
	free(l);
	free(r);
	free(sl);
	free(sr);
}

static void
state(struct tunnels *t, const struct herd_rec *r)
{
	struct herd_conn_state s;
	const char *why;
	char *name, *reason;
	size_t *i;
	enum said was;

	if (!t->have_spec || herd_conn_state_read(r, &s, &why) < 0)
		return;
	if (!(i = herd_map_get(&t->index, s.host, strlen(s.host))) ||
	    s.state == HERD_CONN_CONNECTING) {
		herd_conn_state_free(&s);
		return;
	}
	was = t->said[*i];
	name = herd_safe(s.host);
	reason = herd_safe(s.reason ? s.reason : "no reason given");
	if (s.state == HERD_CONN_UP && was != UP) {
		show_up(t, *i, name, was != NONE);
		t->said[*i] = UP;
		t->up++;
	} else if (s.state == HERD_CONN_DOWN && was == UP) {
		printf("%s: down: %s; connecting again\n", name, reason);
		t->said[*i] = DOWN;
		t->up--;
	} else if (s.state == HERD_CONN_FAILED && (was == NONE || was == UP)) {
		printf("%s: %s: %s; trying again\n", name, was == UP ? "down" : "failed",
		    reason);
		if (was == UP)
			t->up--;
		t->said[*i] = FAILED;
	}
	if (was == NONE && t->said[*i] != NONE)
		t->settled++;
	if (!t->told && t->settled == t->names.n) {
		printf("%zu tunnel%s active. Press Ctrl-C to close.\n", t->up,
		    t->up == 1 ? "" : "s");
		t->told = 1;
	}
	fflush(stdout);
	free(name);
	free(reason);
	herd_conn_state_free(&s);
}

/* The records of herd-run --forward on stdin, until it ends. */
int
tunnel_view(void)
{
	struct tunnels t = { 0 };
	struct herd_rec r = { 0 };
	const char *why;

	/* Ctrl-C is herd-run's: it closes the ports and ends the records. */
	signal(SIGINT, SIG_IGN);
	while (herd_rec_read(stdin, &r) > 0) {
		switch (r.type) {
		case '#':
			if (herd_rec_check_header(&r, &why) < 0)
				errx(HERD_EXIT_USAGE, "%s", why);
			break;
		case 'H': add_host(&t, &r); break;
		case 'C': begin(&t, &r); break;
		case 'S': state(&t, &r); break;
		}
	}
	if (t.told)
		printf("%zu tunnel%s closed.\n", t.names.n, t.names.n == 1 ? "" : "s");
	if (ferror(stdin))
		err(HERD_EXIT_RUNTIME, "reading the records");
	herd_rec_free(&r);
	free(t.said);
	herd_map_free(&t.index);
	herd_strv_free(&t.names);
	herd_fwdspec_free(&t.spec);
	if (fflush(stdout) != 0)
		err(HERD_EXIT_RUNTIME, "writing the output");
	return HERD_EXIT_OK;
}
