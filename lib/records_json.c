/*
 * The records as JSON Lines objects (herd-records(5), JSON LINES): the same
 * information, a "type" key naming the record.  Text is made valid UTF-8
 * by herd_json_bytes; a field that is empty or not set in the record is
 * null, except text that is data (command, selection, output).
 */
#include <string.h>

#include <jansson.h>

#include "records.h"

static json_t *
text(const char *s)
{
	return herd_json_bytes(s ? s : "", s ? strlen(s) : 0);
}

static json_t *
text_or_null(const char *s)
{
	return s && *s ? text(s) : json_null();
}

static json_t *
num_or_null(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *
object(const char *type)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	return o;
}

json_t *
herd_run_json(const struct herd_run *run)
{
	json_t *o = object("run");

	json_object_set_new(o, "run", text(run->id));
	json_object_set_new(o, "started_ms", num_or_null(run->started_ms));
	json_object_set_new(o, "command", text(run->command));
	json_object_set_new(o, "selection", text(run->selection));
	json_object_set_new(o, "kind", text_or_null(run->kind));
	json_object_set_new(o, "series", text_or_null(run->series));
	json_object_set_new(o, "seq", num_or_null(run->seq));
	json_object_set_new(o, "compare", text_or_null(run->compare));
	return o;
}

/* The keys herd-run --json has always written, then finished_ms and streamed. */
json_t *
herd_result_json(const struct herd_result *res)
{
	json_t *o = object("result");

	json_object_set_new(o, "host", text(res->host));
	json_object_set_new(o, "status", json_string(herd_status_name(res->status)));
	json_object_set_new(o, "exit", num_or_null(res->exit_code));
	json_object_set_new(o, "duration_ms", json_integer(res->duration_ms));
	json_object_set_new(o, "stdout", herd_json_bytes(res->out.p, res->out.len));
	json_object_set_new(o, "stderr", herd_json_bytes(res->err.p, res->err.len));
	json_object_set_new(o, "error", text_or_null(res->error));
	json_object_set_new(o, "hint", text_or_null(res->hint));
	json_object_set_new(o, "truncated", json_boolean(res->flags & HERD_RESULT_TRUNCATED));
	json_object_set_new(o, "sha256", text(res->sha256));
	json_object_set_new(o, "run", text(res->run));
	json_object_set_new(o, "finished_ms", num_or_null(res->finished_ms));
	json_object_set_new(o, "streamed", json_boolean(res->flags & HERD_RESULT_STREAMED));
	return o;
}

json_t *
herd_chunk_json(const struct herd_chunk *c)
{
	json_t *o = object("chunk");

	json_object_set_new(o, "run", text(c->run));
	json_object_set_new(o, "host", text(c->host));
	json_object_set_new(o, "stream", json_string(c->stream == 'e' ? "stderr" : "stdout"));
	json_object_set_new(o, "time_ms", num_or_null(c->time_ms));
	json_object_set_new(o, "data", herd_json_bytes(c->data, c->len));
	return o;
}

json_t *
herd_end_json(const struct herd_end *e)
{
	json_t *o = object("end");
	int i;

	json_object_set_new(o, "run", text(e->run));
	json_object_set_new(o, "finished_ms", num_or_null(e->finished_ms));
	for (i = 0; i < HERD_NSTATUS; i++)
		json_object_set_new(o, herd_status_name((enum herd_status)i),
		    json_integer(e->count[i]));
	return o;
}

json_t *
herd_conn_state_json(const struct herd_conn_state *s)
{
	json_t *o = object("state");

	json_object_set_new(o, "host", text(s->host));
	json_object_set_new(o, "state", json_string(herd_conn_name(s->state)));
	json_object_set_new(o, "time_ms", num_or_null(s->time_ms));
	json_object_set_new(o, "reason", text_or_null(s->reason));
	return o;
}
