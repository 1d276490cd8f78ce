/* herd-hist snapshot save, list, show and export. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "snapshot_int.h"

enum { T_HOST, T_OS, T_KERNEL, T_UPTIME, T_MEMORY, T_DISK, T_PACKAGES, T_SERVICES, T_PORTS,
    T_NCOL };
static const char *const heads[T_NCOL] = { "HOST", "OS", "KERNEL", "UPTIME", "MEMORY",
    "DISK /", "PACKAGES", "SERVICES", "PORTS" };

const char *
snap_arrow(void)
{
	return herd_utf8_locale() ? "\u2192" : "->";
}

void
snap_opts(int argc, char **argv, const char *usage, const char **db, int *json,
    long long *limit)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, limit ? "hn:" : "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': *db = optarg; break;
		case 'n':
			if (herd_parse_int(optarg, 0, 1LL << 40, limit) < 0)
				errx(HERD_EXIT_USAGE, "-n: expected a number of snapshots, got %s",
				    herd_safe(optarg));
			break;
		case 'j':
			if (!json)
				herd_usage_exit(usage);
			*json = 1;
			break;
		case 'h': fputs(usage, stdout); exit(HERD_EXIT_OK);
		default: herd_usage_exit(usage);
		}
	}
}

static int
kib_field(const char *name)
{
	return !strcmp(name, "mem_total") || !strcmp(name, "mem_available") ||
	    !strcmp(name, "swap_total") || !strncmp(name, "disk_size ", 10);
}

char *
snap_shown(const char *name, const char *value)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	long long n;
	double v;
	size_t u = 0;

	if (kib_field(name) && herd_parse_int(value, 0, 1LL << 60, &n) == 0) {
		for (v = (double)n; v >= 1024 && u + 1 < sizeof units / sizeof units[0]; u++)
			v /= 1024;
		return xasprintf("%.1f %s", v, units[u]);
	}
	if (!strcmp(name, "uptime") && herd_parse_int(value, 0, 1LL << 50, &n) == 0) {
		if (n >= 86400)
			return xasprintf("%lldd %lldh", n / 86400, n % 86400 / 3600);
		if (n >= 3600)
			return xasprintf("%lldh %lldm", n / 3600, n % 3600 / 60);
		return n >= 60 ? xasprintf("%lldm", n / 60) : xasprintf("%llds", n);
	}
	return herd_safe(value);
}

/* --- save -------------------------------------------------------------------------------- */

static const char save_usage[] = "usage: herd-hist snapshot save [--db PATH] SERIES\n";

int
snap_cmd_save(int argc, char **argv)
{
	const char *db = NULL;
	struct hist h;
	struct snap s;
	char when[32], *list, *why;
	struct herd_strv down = { 0 };
	size_t i;

	snap_opts(argc, argv, save_usage, &db, NULL, NULL);
	if (optind + 1 != argc)
		herd_usage_exit(save_usage);
	open_or_die(&h, db, HIST_WRITE);
	snap_save(&h, argv[optind], &s);
	for (i = 0; i < s.nhost; i++)
		if (!s.host[i].steps_ok || s.host[i].steps_failed)
			herd_strv_add(&down, s.host[i].name);
	herd_clock(s.taken_ms, when, sizeof when);
	if (down.n) {
		list = herd_fold(down.v, down.n, 1);
		why = herd_safe(list);
		printf("Snapshot #%lld saved (%zu host%s, %zu not captured in full: %s, %s)\n",
		    s.id, s.nhost, s.nhost == 1 ? "" : "s", down.n, why, when);
		free(why);
		free(list);
	} else {
		printf("Snapshot #%lld saved (%zu host%s, %s)\n", s.id, s.nhost,
		    s.nhost == 1 ? "" : "s", when);
	}
	herd_strv_free(&down);
	snap_free(&s);
	hist_close(&h);
	return HERD_EXIT_OK;
}

/* --- list -------------------------------------------------------------------------------- */

static const char list_usage[] = "usage: herd-hist snapshot list [--db PATH] [-n N] [--json]\n";

int
snap_cmd_list(int argc, char **argv)
{
	const char *db = NULL;
	long long limit = 20;
	int json = 0;
	struct hist h;
	sqlite3_stmt *st;
	char when[32], *sel;
	json_t *o;

	snap_opts(argc, argv, list_usage, &db, &json, &limit);
	if (optind != argc)
		herd_usage_exit(list_usage);
	open_or_die(&h, db, HIST_READ);
	st = hist_prepare(&h, "SELECT id, taken_at, host_count, failed_count, selection"
	    " FROM snapshots ORDER BY id DESC LIMIT ?");
	sqlite3_bind_int64(st, 1, limit ? limit : -1);
	if (!json)
		printf(" %-5s %-16s  %5s  %6s  %s\n", "ID", "TIME", "HOSTS", "FAILED",
		    "SELECTION");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			o = json_pack("{sI sI sI sI}", "id", sqlite3_column_int64(st, 0),
			    "taken_at_ms", sqlite3_column_int64(st, 1),
			    "hosts", sqlite3_column_int64(st, 2),
			    "failed", sqlite3_column_int64(st, 3));
			json_object_set_new(o, "selection", herd_json_bytes(
			    sqlite3_column_text(st, 4), (size_t)sqlite3_column_bytes(st, 4)));
			herd_json_print(stdout, o);
			continue;
		}
		herd_clock(sqlite3_column_int64(st, 1), when, sizeof when);
		sel = herd_safe((const char *)sqlite3_column_text(st, 4));
		printf(" %-5lld %-16s  %5lld  %6lld  %s\n", sqlite3_column_int64(st, 0), when,
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), sel);
		free(sel);
	}
	sqlite3_finalize(st);
	hist_close(&h);
	return HERD_EXIT_OK;
}

/* --- show -------------------------------------------------------------------------------- */

static const char show_usage[] = "usage: herd-hist snapshot show [--db PATH] ID [HOST]\n";

/* Fields of SH whose name starts with PREFIX (and, if VALUE, whose value has it). */
static size_t
count(const struct snap_host *sh, const char *prefix, const char *value)
{
	size_t i, n = 0, len = strlen(prefix);

	for (i = 0; i < sh->f.name.n; i++)
		if (!strncmp(sh->f.name.v[i], prefix, len) &&
		    (!value || strstr(sh->f.value.v[i], value)))
			n++;
	return n;
}

static char *
cell_count(const struct snap_host *sh, const char *prefix, const char *value)
{
	return count(sh, prefix, NULL) ? xasprintf("%zu", count(sh, prefix, value)) :
	    xstrdup("-");
}

static char *
cell(const struct snap_host *sh, const char *name)
{
	const char *v = snap_get(&sh->f, name);

	return v ? snap_shown(name, v) : xstrdup("-");
}

static void
row(const struct snap_host *sh, char **c)
{
	c[T_HOST] = herd_safe(sh->name);
	c[T_OS] = cell(sh, "os");
	c[T_KERNEL] = cell(sh, "kernel");
	c[T_UPTIME] = cell(sh, "uptime");
	c[T_MEMORY] = cell(sh, "mem_total");
	c[T_DISK] = cell(sh, "disk_used /");
	c[T_PACKAGES] = cell_count(sh, "package ", NULL);
	c[T_SERVICES] = cell_count(sh, "service ", "running");
	c[T_PORTS] = cell_count(sh, "port ", NULL);
}

/* Characters, not bytes: the width of text already made safe. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
pad(const char *s, size_t w, int last)
{
	fputs(s, stdout);
	if (!last)
		printf("%*s", (int)(w - width(s) + 2), "");
}

static void
show_table(const struct snap *s)
{
	char *(*c)[T_NCOL] = xcalloc(s->nhost, sizeof *c), *err;
	size_t w[T_NCOL], i, j;

	for (j = 0; j < T_NCOL; j++)
		w[j] = strlen(heads[j]);
	for (i = 0; i < s->nhost; i++) {
		row(&s->host[i], c[i]);
		for (j = 0; j < T_NCOL; j++)
			if (s->host[i].steps_ok && width(c[i][j]) > w[j])
				w[j] = width(c[i][j]);
	}
	for (j = 0; j < T_NCOL; j++)
		pad(heads[j], w[j], j + 1 == T_NCOL);
	putchar('\n');
	for (i = 0; i < s->nhost; i++) {
		if (!s->host[i].steps_ok) {
			err = herd_safe(s->host[i].error ? s->host[i].error : "failed");
			pad(c[i][T_HOST], w[T_HOST], 0);
			printf("not captured: %s\n", err);
			free(err);
		} else {
			for (j = 0; j < T_NCOL; j++)
				pad(c[i][j], w[j], j + 1 == T_NCOL);
			putchar('\n');
		}
		for (j = 0; j < T_NCOL; j++)
			free(c[i][j]);
	}
	free(c);
}

/* Every field of one host, "name: value". */
static void
show_host(const struct snap *s, const char *name)
{
	size_t *i = herd_map_get(&s->index, name, strlen(name)), j;
	struct herd_strv names = { 0 };
	struct snap_host *sh;
	char *n, *v;

	if (!i)
		errx(HERD_EXIT_USAGE, "snapshot #%lld has no host %s", s->id, herd_safe(name));
	sh = (struct snap_host *)&s->host[*i];
	if (sh->error) {
		v = herd_safe(sh->error);
		printf("%s: %s\n", sh->steps_ok ? "partly captured" : "not captured", v);
		free(v);
	}
	snap_names(&sh, 1, 1, &names);
	for (j = 0; j < names.n; j++) {
		n = herd_safe(names.v[j]);
		v = snap_shown(names.v[j], snap_get(&sh->f, names.v[j]));
		printf("%s: %s\n", n, v);
		free(n);
		free(v);
	}
	herd_strv_free(&names);
}

int
snap_cmd_show(int argc, char **argv)
{
	const char *db = NULL;
	struct hist h;
	struct snap s;
	char when[32], *sel;

	snap_opts(argc, argv, show_usage, &db, NULL, NULL);
	if (optind + 1 != argc && optind + 2 != argc)
		herd_usage_exit(show_usage);
	open_or_die(&h, db, HIST_READ);
	snap_load(&h, snap_lookup(&h, argv[optind]), &s);
	if (optind + 2 == argc) {
		show_host(&s, argv[optind + 1]);
	} else {
		herd_clock(s.taken_ms, when, sizeof when);
		sel = herd_safe(s.selection ? s.selection : "");
		printf("Snapshot #%lld, %s, %zu host%s%s%s%s\n\n", s.id, when, s.nhost,
		    s.nhost == 1 ? "" : "s", *sel ? " (" : "", sel, *sel ? ")" : "");
		free(sel);
		show_table(&s);
	}
	snap_free(&s);
	hist_close(&h);
	return HERD_EXIT_OK;
}

/* --- export ------------------------------------------------------------------------------ */

static const char export_usage[] = "usage: herd-hist snapshot export [--db PATH] [--json] ID\n";

/* A field's JSON: its number for sizes and uptime, else its text. */
static json_t *
value_json(const char *name, const char *value)
{
	long long n;

	if ((kib_field(name) || !strcmp(name, "uptime")) &&
	    herd_parse_int(value, 0, 1LL << 60, &n) == 0)
		return json_integer(n);
	return herd_json_bytes(value, strlen(value));
}

/* "package curl" goes under "packages": {"curl": ...}; "os" under "fields". */
static void
field_json(json_t *host, const char *name, const char *value)
{
	static const char *const plural[][2] = { { "package", "packages" },
	    { "service", "services" }, { "port", "ports" } };
	const char *sp = strchr(name, ' ');
	json_t *obj, *key;
	char *group;
	size_t i;

	if (!sp) {
		json_object_set_new(json_object_get(host, "fields"), name,
		    value_json(name, value));
		return;
	}
	group = xstrndup(name, (size_t)(sp - name));
	for (i = 0; i < sizeof plural / sizeof plural[0]; i++)
		if (!strcmp(group, plural[i][0])) {
			free(group);
			group = xstrdup(plural[i][1]);
			break;
		}
	if (!(obj = json_object_get(host, group))) {
		obj = json_object();
		json_object_set_new(host, group, obj);
	}
	/* a key must be UTF-8: invalid bytes made U+FFFD as in a value */
	key = herd_json_bytes(sp + 1, strlen(sp + 1));
	json_object_set_new(obj, json_string_value(key), value_json(name, value));
	json_decref(key);
	free(group);
}

int
snap_cmd_export(int argc, char **argv)
{
	const char *db = NULL;
	int json = 0;
	struct hist h;
	struct snap s;
	json_t *top, *hosts, *o;
	size_t i, j;

	snap_opts(argc, argv, export_usage, &db, &json, NULL);
	if (optind + 1 != argc)
		herd_usage_exit(export_usage);
	open_or_die(&h, db, HIST_READ);
	snap_load(&h, snap_lookup(&h, argv[optind]), &s);
	top = json_pack("{sI sI}", "id", s.id, "taken_at_ms", s.taken_ms);
	json_object_set_new(top, "series", herd_json_bytes(s.series, strlen(s.series)));
	json_object_set_new(top, "selection", herd_json_bytes(s.selection ? s.selection : "",
	    s.selection ? strlen(s.selection) : 0));
	hosts = json_array();
	for (i = 0; i < s.nhost; i++) {
		o = json_object();
		json_object_set_new(o, "host", herd_json_bytes(s.host[i].name,
		    strlen(s.host[i].name)));
		json_object_set_new(o, "status", json_string(!s.host[i].steps_ok ? "failed" :
		    s.host[i].steps_failed ? "partial" : "ok"));
		json_object_set_new(o, "error", s.host[i].error ? herd_json_bytes(
		    s.host[i].error, strlen(s.host[i].error)) : json_null());
		json_object_set_new(o, "fields", json_object());
		for (j = 0; j < s.host[i].f.name.n; j++)
			field_json(o, s.host[i].f.name.v[j], s.host[i].f.value.v[j]);
		json_array_append_new(hosts, o);
	}
	json_object_set_new(top, "hosts", hosts);
	herd_json_print(stdout, top);
	snap_free(&s);
	hist_close(&h);
	return HERD_EXIT_OK;
}
