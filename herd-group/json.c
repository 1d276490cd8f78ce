/* The grouped view and the view by host as JSON Lines, for jq. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "group.h"

static json_t *
str_or_null(const char *s)
{
	return s ? herd_json_bytes(s, strlen(s)) : json_null();
}

static json_t *
status_json(const struct result *r)
{
	return r ? json_string(status_name(r->status)) : json_null();
}

static json_t *
exit_json(const struct result *r)
{
	return r && r->has_exit ? json_integer(r->exit_code) : json_null();
}

static const char *const label_names[] = {
	"identical", "differs", "exited", "failed", "timeout",
};

static json_t *
diff_json(const struct run *run, const struct group *g)
{
	struct text a, b;
	struct herd_buf d = { 0 };
	json_t *j;

	result_text(&run->results[run->norm->first], &a);
	result_text(&run->results[g->first], &b);
	herd_diff(a.p, a.len, b.p, b.len, 3, &d);
	j = herd_json_bytes(d.p ? d.p : "", d.len);
	text_free(&a);
	text_free(&b);
	herd_buf_free(&d);
	return j;
}

static json_t *
group_json(const struct run *run, const struct group *g)
{
	const struct result *r = &run->results[g->first];
	enum label l = group_label(run, g);
	json_t *obj = json_object(), *hosts = json_array();
	size_t j;

	for (j = 0; j < g->n; j++)
		json_array_append_new(hosts, str_or_null(run->results[g->member[j]].host));
	json_object_set_new(obj, "run", str_or_null(run->id ? run->id : ""));
	json_object_set_new(obj, "label", json_string(label_names[l]));
	json_object_set_new(obj, "status", status_json(r));
	json_object_set_new(obj, "exit", exit_json(r));
	json_object_set_new(obj, "norm", json_boolean(g->norm));
	json_object_set_new(obj, "count", json_integer((json_int_t)g->n));
	json_object_set_new(obj, "hosts", hosts);
	json_object_set_new(obj, "output", herd_json_bytes(r->body->out, r->body->outlen));
	json_object_set_new(obj, "stderr", herd_json_bytes(r->body->err, r->body->errlen));
	json_object_set_new(obj, "error", str_or_null(r->error));
	json_object_set_new(obj, "hint", str_or_null(r->hint));
	json_object_set_new(obj, "diff", l == L_DIFFERS && run->norm ? diff_json(run, g) :
	    json_null());
	return obj;
}

/* The hosts of H records without a result, as one group labelled noresult. */
static json_t *
missing_json(const struct run *run)
{
	json_t *obj = json_object(), *hosts = json_array();
	size_t i;

	for (i = 0; i < run->nmissing; i++)
		json_array_append_new(hosts, str_or_null(run->missing[i]));
	json_object_set_new(obj, "run", str_or_null(run->id ? run->id : ""));
	json_object_set_new(obj, "label", json_string("noresult"));
	json_object_set_new(obj, "status", json_null());
	json_object_set_new(obj, "exit", json_null());
	json_object_set_new(obj, "norm", json_false());
	json_object_set_new(obj, "count", json_integer((json_int_t)run->nmissing));
	json_object_set_new(obj, "hosts", hosts);
	json_object_set_new(obj, "output", json_string(""));
	json_object_set_new(obj, "stderr", json_string(""));
	json_object_set_new(obj, "error", str_or_null(run_missing_reason(run)));
	json_object_set_new(obj, "hint", json_null());
	json_object_set_new(obj, "diff", json_null());
	return obj;
}

json_t *
summary_json(const struct run *run)
{
	struct counts c;
	json_t *obj = json_object(), *top = json_object();

	run_counts(run, &c);
	json_object_set_new(obj, "run", str_or_null(run->id ? run->id : ""));
	json_object_set_new(obj, "command", str_or_null(run->command ? run->command : ""));
	json_object_set_new(obj, "hosts", json_integer((json_int_t)(run->nresults +
	    run->nmissing)));
	json_object_set_new(obj, "succeeded", json_integer((json_int_t)c.succeeded));
	json_object_set_new(obj, "differs", json_integer((json_int_t)c.differs));
	json_object_set_new(obj, "nonzero", json_integer((json_int_t)c.nonzero));
	json_object_set_new(obj, "failed", json_integer((json_int_t)c.failed));
	json_object_set_new(obj, "timeout", json_integer((json_int_t)c.timeout));
	json_object_set_new(obj, "noresult", json_integer((json_int_t)c.noresult));
	json_object_set_new(obj, "cut_short", json_boolean(run_cut_short(run)));
	json_object_set_new(top, "summary", obj);
	return top;
}

void
render_json(FILE *f, const struct run *run, const struct render_opts *o)
{
	const struct group *g;
	enum label l;
	size_t i;

	for (i = 0; i < run->ngroups; i++) {
		g = &run->groups[run->order[i]];
		l = group_label(run, g);
		if (o->errors_only && (l == L_IDENTICAL || l == L_DIFFERS))
			continue;
		herd_json_print(f, group_json(run, g));
	}
	if (run->nmissing)
		herd_json_print(f, missing_json(run));
	herd_json_print(f, summary_json(run));
}

/* One object per host, in natural order (--oneline --json). */
void
render_hosts_json(FILE *f, const struct run *run)
{
	struct row *rows;
	const struct result *r;
	json_t *obj;
	size_t i, n;

	rows = run_rows(run, &n);
	for (i = 0; i < n; i++) {
		r = rows[i].r;
		obj = json_object();
		json_object_set_new(obj, "run", str_or_null(run->id ? run->id : ""));
		json_object_set_new(obj, "host", str_or_null(rows[i].host));
		json_object_set_new(obj, "status", status_json(r));
		json_object_set_new(obj, "exit", exit_json(r));
		json_object_set_new(obj, "ms", r ? json_integer(r->duration_ms) : json_null());
		json_object_set_new(obj, "norm", json_boolean(r && run->groups[r->group].norm));
		json_object_set_new(obj, "output", r ? herd_json_bytes(r->body->out,
		    r->body->outlen) : json_string(""));
		json_object_set_new(obj, "stderr", r ? herd_json_bytes(r->body->err,
		    r->body->errlen) : json_string(""));
		json_object_set_new(obj, "error", r ? str_or_null(r->error) :
		    str_or_null(run_missing_reason(run) ? run_missing_reason(run) :
		    "no result"));
		json_object_set_new(obj, "hint", str_or_null(r ? r->hint : NULL));
		herd_json_print(f, obj);
	}
	free(rows);
}
