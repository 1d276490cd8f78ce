/* --ping: one line per host, reachable or not, then how many answered. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "group.h"

static void
ping_json(FILE *f, const struct run *run, const struct row *row)
{
	const struct result *r = row->r;
	const char *why = run_missing_reason(run);
	json_t *obj = json_object();

	json_object_set_new(obj, "host", herd_json_bytes(row->host, strlen(row->host)));
	json_object_set_new(obj, "reachable", json_boolean(r && r->status == HERD_RESULT_OK));
	json_object_set_new(obj, "ms", r ? json_integer(r->duration_ms) : json_null());
	if (!r)
		json_object_set_new(obj, "error", json_string(why ? why : "no result"));
	else
		json_object_set_new(obj, "error", r->error ?
		    herd_json_bytes(r->error, strlen(r->error)) : json_null());
	herd_json_print(f, obj);
}

void
render_ping(FILE *f, const struct run *run, const struct render_opts *o)
{
	struct out out = { f, o };
	int auth = run->command && !strcmp(run->command, "ping --auth");
	const char *why = run_missing_reason(run);
	struct herd_buf name = { 0 }, text = { 0 };
	size_t i, n, width = 0, up = 0;
	struct row *rows = run_rows(run, &n);
	const struct result *r;

	for (i = 0; i < n; i++) {
		herd_buf_reset(&name);
		safe_line(&name, rows[i].host, strlen(rows[i].host));
		if (name.len > width)
			width = name.len;
	}
	for (i = 0; i < n; i++) {
		r = rows[i].r;
		up += r && r->status == HERD_RESULT_OK;
		if (o->json) {
			ping_json(f, run, &rows[i]);
			continue;
		}
		herd_buf_reset(&name);
		safe_line(&name, rows[i].host, strlen(rows[i].host));
		herd_buf_reset(&text);
		if (!r)
			herd_buf_adds(&text, why ? why : "no result");
		else if (r->error)
			safe_line(&text, r->error, strlen(r->error));
		else
			herd_buf_adds(&text, "");
		if (r && r->status == HERD_RESULT_OK)
			fprintf(f, "  %-*s  %s%s%s (%lldms)\n", (int)width, name.p,
			    color(&out, GREEN), auth ? "logged in" : "reachable",
			    color(&out, RESET), r->duration_ms);
		else
			fprintf(f, "  %-*s  %s%s%s (%s)\n", (int)width, name.p,
			    color(&out, RED), !r ? "no result" : auth ? "failed" :
			    "unreachable", color(&out, RESET), text.p);
	}
	if (!o->json)
		fprintf(f, "%zu/%zu hosts %s%s\n", up, n, auth ? "logged in" : "reachable",
		    run_cut_short(run) ? "; the run was cut short" : "");
	herd_buf_free(&name);
	herd_buf_free(&text);
	free(rows);
}
