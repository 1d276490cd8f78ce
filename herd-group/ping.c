/* --ping: one line per host, reachable or not, then how many answered. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "group.h"

void
render_ping(FILE *f, const struct run *run, const struct render_opts *o)
{
	const struct result **rows = run_by_host(run);
	int auth = run->command && !strcmp(run->command, "ping --auth");
	struct herd_buf name = { 0 }, why = { 0 };
	size_t i, width = 0, up = 0;
	json_t *obj;

	for (i = 0; i < run->nresults; i++)
		if (strlen(rows[i]->host) > width)
			width = strlen(rows[i]->host);
	for (i = 0; i < run->nresults; i++) {
		const struct result *r = rows[i];
		int ok = r->status == ST_OK;

		up += ok;
		if (o->json) {
			obj = json_object();
			json_object_set_new(obj, "host", herd_json_bytes(r->host,
			    strlen(r->host)));
			json_object_set_new(obj, "reachable", json_boolean(ok));
			json_object_set_new(obj, "ms", json_integer(r->duration_ms));
			json_object_set_new(obj, "error", r->error ?
			    herd_json_bytes(r->error, strlen(r->error)) :
			    json_null());
			herd_json_print(f, obj);
			continue;
		}
		herd_buf_reset(&name);
		herd_sanitize(&name, r->host, strlen(r->host));
		herd_buf_reset(&why);
		herd_sanitize(&why, r->error ? r->error : "", r->error ? strlen(r->error) : 0);
		if (ok)
			fprintf(f, "  %-*s  %s%s%s (%lldms)\n", (int)width, name.p,
			    o->color ? "\033[32m" : "", auth ? "logged in" : "reachable",
			    o->color ? "\033[0m" : "", r->duration_ms);
		else
			fprintf(f, "  %-*s  %s%s%s (%s)\n", (int)width, name.p,
			    o->color ? "\033[31m" : "", auth ? "failed" : "unreachable",
			    o->color ? "\033[0m" : "", why.p);
	}
	if (!o->json)
		fprintf(f, "%zu/%zu hosts %s\n", up, run->nresults,
		    auth ? "logged in" : "reachable");
	herd_buf_free(&name);
	herd_buf_free(&why);
	free(rows);
}
