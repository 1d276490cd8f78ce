/*
 * One-shot herd-run's input: the H records of the hosts to run on.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "records.h"
#include "run.h"

/*
 * Read the H records; they are written on too (to PASS), so that later
 * stages know each host's address, port, user and tags.  A host comes once:
 * a later H record with the same name is dropped.  Other records pass
 * through unchanged.
 */
void
read_hosts(FILE *in, struct herd_hostlist *hosts, FILE *pass)
{
	struct herd_rec r = { 0 };
	struct herd_map seen = { 0 };
	struct herd_host h;
	int added;

	const char *why;

	while (herd_rec_read(in, &r)) {
		if (r.type == '#') {
			if (herd_rec_check_header(&r, &why) < 0)
				errx(HERD_EXIT_USAGE, "line %zu: %s", r.line, why);
			continue;
		}
		if (r.type != 'H') {
			if (pass)
				herd_rec_passthrough(pass, &r);
			continue;
		}
		if (herd_host_from_rec(&r, &h) < 0)
			errx(HERD_EXIT_USAGE, "bad H record: %s", herd_safe(r.raw));
		herd_map_put(&seen, h.name, strlen(h.name), &added);
		if (!added) {
			herd_host_free(&h);
			continue;
		}
		*herd_hostlist_add(hosts) = h;
		if (pass)
			herd_rec_passthrough(pass, &r);
	}
	if (ferror(in))
		err(HERD_EXIT_RUNTIME, "reading the host records");
	herd_map_free(&seen);
	herd_rec_free(&r);
}
