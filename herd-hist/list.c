/* herd-hist list and search: the runs, newest first, as a table or JSON Lines. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "hist.h"

#define COMMAND_WIDTH 40

struct query {
	const char *db, *command, *host, *regex;
	long long since_ms;	/* -1: any time */
	long long limit;	/* 0: every run */
	int failed, json;
};

enum { C_ID, C_RUN, C_COMMAND, C_SELECTION, C_KIND, C_SERIES, C_SEQ, C_COMPARE, C_STARTED,
    C_FINISHED, C_HOSTS, C_OK, C_NONZERO, C_FAILED, C_TIMEOUT, C_STATUS };

/* command REGEXP pattern, with PCRE2; the pattern compiled once per statement. */
static void
regexp_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	pcre2_code *re = sqlite3_get_auxdata(ctx, 0);
	pcre2_match_data *md;
	PCRE2_SIZE off;
	int ec, rc;

	if (!re) {
		re = pcre2_compile(sqlite3_value_text(argv[0]), PCRE2_ZERO_TERMINATED, 0, &ec,
		    &off, NULL);
		if (!re) {
			sqlite3_result_error(ctx, "bad regular expression", -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 0, re, (void (*)(void *))pcre2_code_free);
		if (!(re = sqlite3_get_auxdata(ctx, 0)))
			return;
	}
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, sqlite3_value_blob(argv[1]), sqlite3_value_bytes(argv[1]), 0, 0,
	    md, NULL);
	pcre2_match_data_free(md);
	sqlite3_result_int(ctx, rc >= 0);
}

static void
check_regex(const char *s)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int ec;

	if ((re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL))) {
		pcre2_code_free(re);
		return;
	}
	pcre2_get_error_message(ec, msg, sizeof msg);
	errx(HERD_EXIT_USAGE, "bad pattern at offset %zu: %s", (size_t)off, (char *)msg);
}

static sqlite3_stmt *
prepare(struct hist *h, const struct query *q)
{
	struct herd_buf sql = { 0 };
	sqlite3_stmt *st;

	herd_buf_adds(&sql, "SELECT id, run, command, selection, kind, series, seq, compare,"
	    " started_at, finished_at, host_count, ok_count, nonzero_count, failed_count,"
	    " timeout_count, status FROM runs WHERE 1");
	if (q->command)
		herd_buf_adds(&sql, " AND instr(command, :command) > 0");
	if (q->regex)
		herd_buf_adds(&sql, " AND regexp(:regex, command)");
	if (q->host)
		herd_buf_adds(&sql, " AND EXISTS (SELECT 1 FROM results WHERE run_id = runs.id"
		    " AND host = :host)");
	if (q->since_ms >= 0)
		herd_buf_adds(&sql, " AND started_at >= :since");
	if (q->failed)
		herd_buf_adds(&sql, " AND (nonzero_count + failed_count + timeout_count > 0"
		    " OR status = 'interrupted')");
	herd_buf_adds(&sql, " ORDER BY started_at DESC, id DESC");
	if (q->limit)
		herd_buf_addf(&sql, " LIMIT %lld", q->limit);
	st = hist_prepare(h, sql.p);
	herd_buf_free(&sql);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":command"), q->command, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":regex"), q->regex, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":host"), q->host, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":since"), q->since_ms);
	return st;
}

static json_t *
col_text(sqlite3_stmt *st, int i, int null_if_empty)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL ||
	    (null_if_empty && !sqlite3_column_bytes(st, i)))
		return json_null();
	return herd_json_bytes(sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
}

static json_t *
col_num(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, i));
}

static void
print_json(sqlite3_stmt *st)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", col_num(st, C_ID));
	json_object_set_new(o, "run", col_text(st, C_RUN, 0));
	json_object_set_new(o, "command", col_text(st, C_COMMAND, 0));
	json_object_set_new(o, "selection", col_text(st, C_SELECTION, 0));
	json_object_set_new(o, "kind", col_text(st, C_KIND, 1));
	json_object_set_new(o, "series", col_text(st, C_SERIES, 1));
	json_object_set_new(o, "seq", col_num(st, C_SEQ));
	json_object_set_new(o, "compare", col_text(st, C_COMPARE, 1));
	json_object_set_new(o, "started_ms", col_num(st, C_STARTED));
	json_object_set_new(o, "finished_ms", col_num(st, C_FINISHED));
	json_object_set_new(o, "hosts", col_num(st, C_HOSTS));
	json_object_set_new(o, "ok", col_num(st, C_OK));
	json_object_set_new(o, "nonzero", col_num(st, C_NONZERO));
	json_object_set_new(o, "failed", col_num(st, C_FAILED));
	json_object_set_new(o, "timeout", col_num(st, C_TIMEOUT));
	json_object_set_new(o, "status", col_text(st, C_STATUS, 0));
	herd_json_print(stdout, o);
}

/* A column of text for a terminal: made safe, cut to WIDTH characters. */
static char *
cell(sqlite3_stmt *st, int i, size_t width)
{
	struct herd_buf b = { 0 };
	char *s;

	herd_sanitize(&b, sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
	s = herd_buf_steal(&b);
	if (s && strlen(s) > width)
		strcpy(s + width - 3, "...");
	return s ? s : xstrdup("");
}

static void
print_table(sqlite3_stmt *st)
{
	struct herd_strv id = { 0 }, cmd = { 0 }, sel = { 0 }, rest = { 0 };
	size_t i, w[3] = { 2, 7, 5 };
	char tbuf[32], *s;
	long long fail;

	while (sqlite3_step(st) == SQLITE_ROW) {
		herd_strv_add(&id, (const char *)sqlite3_column_text(st, C_ID));
		herd_strv_add(&cmd, s = cell(st, C_COMMAND, COMMAND_WIDTH));
		free(s);
		herd_strv_add(&sel, s = cell(st, C_SELECTION, 24));
		free(s);
		fail = sqlite3_column_int64(st, C_NONZERO) + sqlite3_column_int64(st, C_FAILED) +
		    sqlite3_column_int64(st, C_TIMEOUT);
		s = xasprintf("%-5lld  %-4lld  %-4lld  %s%s", sqlite3_column_int64(st, C_HOSTS),
		    sqlite3_column_int64(st, C_OK), fail,
		    herd_clock(sqlite3_column_int64(st, C_STARTED), tbuf, sizeof tbuf),
		    !strcmp((const char *)sqlite3_column_text(st, C_STATUS), "interrupted") ?
		    "  interrupted" : "");
		herd_strv_add(&rest, s);
		free(s);
	}
	for (i = 0; i < id.n; i++) {
		w[0] = strlen(id.v[i]) > w[0] ? strlen(id.v[i]) : w[0];
		w[1] = strlen(cmd.v[i]) > w[1] ? strlen(cmd.v[i]) : w[1];
		w[2] = strlen(sel.v[i]) > w[2] ? strlen(sel.v[i]) : w[2];
	}
	if (id.n)
		printf("%-*s  %-*s  %-*s  HOSTS  OK    FAIL  TIME\n", (int)w[0], "ID",
		    (int)w[1], "COMMAND", (int)w[2], "GROUP");
	for (i = 0; i < id.n; i++)
		printf("%-*s  %-*s  %-*s  %s\n", (int)w[0], id.v[i], (int)w[1], cmd.v[i],
		    (int)w[2], sel.v[i], rest.v[i]);
	herd_strv_free(&id);
	herd_strv_free(&cmd);
	herd_strv_free(&sel);
	herd_strv_free(&rest);
}

static int
run_query(const struct query *q)
{
	struct hist h;
	sqlite3_stmt *st;

	open_or_die(&h, q->db, HIST_READ);
	if (q->regex && sqlite3_create_function(h.db, "regexp", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, regexp_fn, NULL, NULL) != SQLITE_OK)
		hist_die(&h, "regexp");
	st = prepare(&h, q);
	if (q->json)
		while (sqlite3_step(st) == SQLITE_ROW)
			print_json(st);
	else
		print_table(st);
	if (sqlite3_errcode(h.db) != SQLITE_DONE && sqlite3_errcode(h.db) != SQLITE_OK &&
	    sqlite3_errcode(h.db) != SQLITE_ROW)
		hist_die(&h, "reading the runs");
	sqlite3_finalize(st);
	hist_close(&h);
	return HERD_EXIT_OK;
}

static const char list_usage[] =
    "usage: herd-hist list [--db PATH] [-n N] [--json] [--command STR] [--host NAME]\n"
    "                      [--since DUR] [--failed]\n"
    "       herd-hist search [--db PATH] [-n N] [--json] [-E] PATTERN\n";

static void
parse(int argc, char **argv, struct query *q, int *regex)
{
	static const struct option longopts[] = {
		{ "command", required_argument, NULL, 'C' },
		{ "db", required_argument, NULL, 'd' },
		{ "failed", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "host", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	long long ms;
	int c;

	q->since_ms = -1;
	q->limit = 20;
	while ((c = getopt_long(argc, argv, regex ? "En:h" : "n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': q->command = optarg; break;
		case 'd': q->db = optarg; break;
		case 'E': *regex = 1; break;
		case 'F': q->failed = 1; break;
		case 'H': q->host = optarg; break;
		case 'j': q->json = 1; break;
		case 'n':
			if (herd_parse_int(optarg, 0, 1LL << 40, &q->limit) < 0)
				errx(HERD_EXIT_USAGE, "-n: expected a number of runs, got %s",
				    herd_safe(optarg));
			break;
		case 's':
			if (herd_parse_duration(optarg, &ms) < 0)
				errx(HERD_EXIT_USAGE, "--since: not a duration: %s",
				    herd_safe(optarg));
			q->since_ms = herd_now_ms() - ms;
			break;
		case 'h': fputs(list_usage, stdout); exit(HERD_EXIT_OK);
		default: herd_usage_exit(list_usage);
		}
	}
}

int
cmd_list(int argc, char **argv)
{
	struct query q = { 0 };

	parse(argc, argv, &q, NULL);
	if (optind != argc)
		herd_usage_exit(list_usage);
	return run_query(&q);
}

int
cmd_search(int argc, char **argv)
{
	struct query q = { 0 };
	int regex = 0;

	parse(argc, argv, &q, &regex);
	if (optind + 1 != argc)
		herd_usage_exit(list_usage);
	if (regex) {
		check_regex(argv[optind]);
		q.regex = argv[optind];
	} else {
		q.command = argv[optind];
	}
	return run_query(&q);
}
