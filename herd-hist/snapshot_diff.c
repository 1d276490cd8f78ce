/*
 * herd-hist snapshot diff (per host, what changed between two snapshots)
 * and drift (per field, the fleet's majority value and the hosts that
 * differ from it).  Fields that change by themselves (snap_volatile) are
 * not compared; a host's packages, services and ports are summed up.
 */
#include <err.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_int.h"

#define LISTED 5	/* items of a summary named; the others counted */

static const struct {
	const char *prefix, *label, *changed;
} sets[] = {
	{ "package ", "packages", "upgraded" },
	{ "service ", "services", "changed" },
	{ "port ", "ports", "changed" },
};
#define NSETS (sizeof sets / sizeof sets[0])

static int
set_of(const char *name)
{
	size_t i;

	for (i = 0; i < NSETS; i++)
		if (!strncmp(name, sets[i].prefix, strlen(sets[i].prefix)))
			return (int)i;
	return -1;
}

static int
has_set(const struct snap_host *sh, size_t set)
{
	size_t i;

	for (i = 0; i < sh->f.name.n; i++)
		if (set_of(sh->f.name.v[i]) == (int)set)
			return 1;
	return 0;
}

static size_t
count_set(const struct snap_host *sh, size_t set)
{
	size_t i, n = 0;

	for (i = 0; i < sh->f.name.n; i++)
		n += set_of(sh->f.name.v[i]) == (int)set;
	return n;
}

static int
rank(const char *name)
{
	static const char *const order[] = { "os", "kernel", "arch", "disk_used ", "disk_size ",
	    "mem_total", "swap_total" };
	size_t i;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if (!strncmp(name, order[i], strlen(order[i])))
			return (int)i;
	return set_of(name) < 0 ? 7 : 8 + set_of(name);
}

static int
by_rank(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int d = rank(x) - rank(y);

	return d ? d : strcmp(x, y);
}

void
snap_names(struct snap_host *const *hosts, size_t n, int all, struct herd_strv *names)
{
	struct herd_map seen = { 0 };
	size_t i, j;
	int added;

	for (i = 0; i < n; i++)
		for (j = 0; hosts[i] && j < hosts[i]->f.name.n; j++) {
			if (!all && snap_volatile(hosts[i]->f.name.v[j]))
				continue;
			herd_map_put(&seen, hosts[i]->f.name.v[j], strlen(hosts[i]->f.name.v[j]),
			    &added);
			if (added)
				herd_strv_add(names, hosts[i]->f.name.v[j]);
		}
	herd_map_free(&seen);
	if (names->n)
		qsort(names->v, names->n, sizeof *names->v, by_rank);
}

/* A list of items, LISTED at most named: " (a, b, c and 2 more)". */
static void
items(struct herd_buf *b, const struct herd_strv *v)
{
	size_t i;

	herd_buf_adds(b, " (");
	for (i = 0; i < v->n && i < LISTED; i++)
		herd_buf_addf(b, "%s%s", i ? ", " : "", v->v[i]);
	if (v->n > LISTED)
		herd_buf_addf(b, " and %zu more", v->n - LISTED);
	herd_buf_addc(b, ')');
}

static void
add_item(struct herd_strv *v, const char *key, const char *value, const char *value2)
{
	char *k = herd_safe(key), *a = value ? herd_safe(value) : NULL;
	char *c = value2 ? herd_safe(value2) : NULL, *line;

	if (c)
		line = xasprintf("%s %s %s %s", k, a, snap_arrow(), c);
	else if (a)
		line = xasprintf("%s %s", k, a);
	else
		line = xstrdup(k);
	herd_strv_add(v, line);
	free(line);
	free(k);
	free(a);
	free(c);
}

/* "packages: +2 (nginx 1.26.0, curl 8.5.0), -1 (vim), ~3 upgraded (...)" */
static void
set_change(struct herd_buf *b, size_t set, const struct snap_host *a,
    const struct snap_host *z)
{
	struct herd_strv plus = { 0 }, minus = { 0 }, tilde = { 0 };
	size_t i, skip = strlen(sets[set].prefix);
	const char *name, *v;
	int ha = has_set(a, set), hz = has_set(z, set);

	if (ha != hz) {
		herd_buf_addf(b, "   %s: %s %zu\n", sets[set].label, ha ?
		    "none reported now, before" : "reported now, none before:",
		    count_set(ha ? a : z, set));
		return;
	}
	for (i = 0; i < a->f.name.n; i++) {
		name = a->f.name.v[i];
		if (set_of(name) != (int)set)
			continue;
		if (!(v = snap_get(&z->f, name)))
			add_item(&minus, name + skip, NULL, NULL);
		else if (strcmp(v, a->f.value.v[i]))
			add_item(&tilde, name + skip, a->f.value.v[i], v);
	}
	for (i = 0; i < z->f.name.n; i++)
		if (set_of(z->f.name.v[i]) == (int)set && !snap_get(&a->f, z->f.name.v[i]))
			add_item(&plus, z->f.name.v[i] + skip, set == 2 ? NULL : z->f.value.v[i],
			    NULL);
	if (plus.n || minus.n || tilde.n) {
		herd_buf_addf(b, "   %s:", sets[set].label);
		if (plus.n) {
			herd_buf_addf(b, " +%zu", plus.n);
			items(b, &plus);
		}
		if (minus.n) {
			herd_buf_addf(b, "%s -%zu", plus.n ? "," : "", minus.n);
			items(b, &minus);
		}
		if (tilde.n) {
			herd_buf_addf(b, "%s ~%zu %s", plus.n || minus.n ? "," : "", tilde.n,
			    sets[set].changed);
			items(b, &tilde);
		}
		herd_buf_addc(b, '\n');
	}
	herd_strv_free(&plus);
	herd_strv_free(&minus);
	herd_strv_free(&tilde);
}

static void
scalar_change(struct herd_buf *b, const char *name, const char *was, const char *now)
{
	char *n = herd_safe(name), *x = was ? snap_shown(name, was) : xstrdup("(none)");
	char *y = now ? snap_shown(name, now) : xstrdup("(none)");

	herd_buf_addf(b, "   %s: %s %s %s\n", n, x, snap_arrow(), y);
	free(n);
	free(x);
	free(y);
}

/* What changed on a host from A to Z, as the lines shown (empty: nothing). */
static void
host_change(struct herd_buf *b, const struct snap_host *a, const struct snap_host *z)
{
	struct snap_host *both[2] = { (struct snap_host *)a, (struct snap_host *)z };
	struct herd_strv names = { 0 };
	const char *x, *y;
	long long ux, uy;
	char *up;
	size_t i;

	snap_names(both, 2, 0, &names);
	for (i = 0; i < names.n; i++) {
		if (set_of(names.v[i]) >= 0)
			continue;
		x = snap_get(&a->f, names.v[i]);
		y = snap_get(&z->f, names.v[i]);
		if (!x || !y || strcmp(x, y))
			scalar_change(b, names.v[i], x, y);
	}
	for (i = 0; i < NSETS; i++)
		set_change(b, i, a, z);
	x = snap_get(&a->f, "uptime");
	y = snap_get(&z->f, "uptime");
	if (x && y && herd_parse_int(x, 0, 1LL << 50, &ux) == 0 &&
	    herd_parse_int(y, 0, 1LL << 50, &uy) == 0 && uy < ux) {
		up = snap_shown("uptime", y);
		herd_buf_addf(b, "   rebooted (up %s)\n", up);
		free(up);
	}
	herd_strv_free(&names);
}

/* Hosts with the same lines, in the order of their first host. */
struct groups {
	struct herd_strv text;
	struct herd_strv *hosts;
	size_t cap;
	struct herd_map index;
};

static void
group_add(struct groups *g, const char *text, const char *host)
{
	size_t *i = herd_map_get(&g->index, text, strlen(text));
	int added;

	if (!i) {
		herd_strv_add(&g->text, text);
		herd_grow(&g->hosts, &g->cap, g->text.n, sizeof *g->hosts);
		memset(&g->hosts[g->text.n - 1], 0, sizeof *g->hosts);
		i = herd_map_put(&g->index, g->text.v[g->text.n - 1], strlen(text), &added);
		*i = g->text.n - 1;
	}
	herd_strv_add(&g->hosts[*i], host);
}

static void
groups_free(struct groups *g)
{
	size_t i;

	for (i = 0; i < g->text.n; i++)
		herd_strv_free(&g->hosts[i]);
	free(g->hosts);
	herd_strv_free(&g->text);
	herd_map_free(&g->index);
}

static void
hosts_line(const char *what, const struct herd_strv *v)
{
	char *list, *safe;

	if (!v->n)
		return;
	list = herd_fold(v->v, v->n, 1);
	safe = herd_safe(list);
	printf(" %zu host%s %s: %s\n", v->n, v->n == 1 ? "" : "s", what, safe);
	free(list);
	free(safe);
}

static void
diff(const struct snap *a, const struct snap *z)
{
	struct herd_strv only_a = { 0 }, only_z = { 0 }, down = { 0 }, same = { 0 };
	struct groups g = { 0 };
	struct herd_buf b = { 0 };
	const struct snap_host *x, *y;
	char *what, *list, *safe;
	size_t i, *j;

	for (i = 0; i < a->nhost; i++)
		if (!herd_map_get(&z->index, a->host[i].name, strlen(a->host[i].name)))
			herd_strv_add(&only_a, a->host[i].name);
	for (i = 0; i < z->nhost; i++) {
		y = &z->host[i];
		if (!(j = herd_map_get(&a->index, y->name, strlen(y->name)))) {
			herd_strv_add(&only_z, y->name);
			continue;
		}
		x = &a->host[*j];
		if (!x->steps_ok || !y->steps_ok) {
			herd_strv_add(&down, y->name);
			continue;
		}
		herd_buf_reset(&b);
		host_change(&b, x, y);
		if (b.len)
			group_add(&g, b.p, y->name);
		else
			herd_strv_add(&same, y->name);
	}
	printf(" %zu host%s unchanged\n", same.n, same.n == 1 ? "" : "s");
	for (i = 0; i < g.text.n; i++) {
		list = herd_fold(g.hosts[i].v, g.hosts[i].n, 1);
		safe = herd_safe(list);
		printf("\n %zu host%s changed (%s):\n%s", g.hosts[i].n,
		    g.hosts[i].n == 1 ? "" : "s", safe, g.text.v[i]);
		free(list);
		free(safe);
	}
	if (only_a.n || only_z.n || down.n)
		putchar('\n');
	what = xasprintf("only in #%lld", a->id);
	hosts_line(what, &only_a);
	free(what);
	what = xasprintf("only in #%lld", z->id);
	hosts_line(what, &only_z);
	free(what);
	hosts_line("not captured in one of them", &down);
	herd_strv_free(&only_a);
	herd_strv_free(&only_z);
	herd_strv_free(&down);
	herd_strv_free(&same);
	herd_buf_free(&b);
	groups_free(&g);
}

static const char diff_usage[] = "usage: herd-hist snapshot diff [--db PATH] ID1 ID2\n";

int
snap_cmd_diff(int argc, char **argv)
{
	const char *db = NULL;
	struct hist h;
	struct snap a, z;

	snap_opts(argc, argv, diff_usage, &db, NULL, NULL);
	if (optind + 2 != argc)
		herd_usage_exit(diff_usage);
	open_or_die(&h, db, HIST_READ);
	snap_load(&h, snap_lookup(&h, argv[optind]), &a);
	snap_load(&h, snap_lookup(&h, argv[optind + 1]), &z);
	diff(&a, &z);
	snap_free(&a);
	snap_free(&z);
	hist_close(&h);
	return HERD_EXIT_OK;
}

/* --- drift ------------------------------------------------------------------------------- */

/* One field across HOSTS (NULL: not compared): the majority, then those that differ. */
static int
field_drift(const char *name, struct snap_host *const *hosts, size_t n)
{
	struct groups g = { 0 };
	const char *v;
	char *list, *safe, *shown;
	size_t i, best = 0;

	for (i = 0; i < n; i++)
		if (hosts[i] && !(set_of(name) >= 0 && !has_set(hosts[i], (size_t)set_of(name)))) {
			v = snap_get(&hosts[i]->f, name);
			/* "\n" is no value a field can have: it stands for none */
			group_add(&g, v ? v : "\n", hosts[i]->name);
		}
	if (g.text.n < 2) {
		groups_free(&g);
		return 0;
	}
	for (i = 1; i < g.text.n; i++)
		if (g.hosts[i].n > g.hosts[best].n)
			best = i;
	safe = herd_safe(name);
	shown = strcmp(g.text.v[best], "\n") ? snap_shown(name, g.text.v[best]) :
	    xstrdup("(none)");
	printf("%s: %s on %zu host%s\n", safe, shown, g.hosts[best].n,
	    g.hosts[best].n == 1 ? "" : "s");
	free(safe);
	free(shown);
	for (i = 0; i < g.text.n; i++) {
		if (i == best)
			continue;
		list = herd_fold(g.hosts[i].v, g.hosts[i].n, 1);
		safe = herd_safe(list);
		shown = strcmp(g.text.v[i], "\n") ? snap_shown(name, g.text.v[i]) :
		    xstrdup("(none)");
		printf("  %s: %s\n", safe, shown);
		free(list);
		free(safe);
		free(shown);
	}
	groups_free(&g);
	return 1;
}

/* Hosts that report none of a set (no dpkg or rpm, no systemd) are said once. */
static void
sets_missing(struct snap_host *const *hosts, size_t n)
{
	struct herd_strv none = { 0 };
	size_t set, i, some;
	char *what;

	for (set = 0; set < NSETS; set++) {
		for (i = some = 0; i < n; i++)
			if (hosts[i]) {
				if (has_set(hosts[i], set))
					some++;
				else
					herd_strv_add(&none, hosts[i]->name);
			}
		if (some && none.n) {
			what = xasprintf("report%s no %s", none.n == 1 ? "s" : "", sets[set].label);
			hosts_line(what, &none);
			free(what);
		}
		herd_strv_free(&none);
	}
}

static const char drift_usage[] = "usage: herd-hist snapshot drift [--db PATH] ID\n";

int
snap_cmd_drift(int argc, char **argv)
{
	const char *db = NULL;
	struct herd_strv names = { 0 }, down = { 0 };
	struct snap_host **hosts;
	struct hist h;
	struct snap s;
	size_t i, ndiff = 0, ncapt = 0;

	snap_opts(argc, argv, drift_usage, &db, NULL, NULL);
	if (optind + 1 != argc)
		herd_usage_exit(drift_usage);
	open_or_die(&h, db, HIST_READ);
	snap_load(&h, snap_lookup(&h, argv[optind]), &s);
	hosts = xcalloc(s.nhost + 1, sizeof *hosts);
	for (i = 0; i < s.nhost; i++) {
		if (s.host[i].steps_ok) {
			hosts[i] = &s.host[i];
			ncapt++;
		} else {
			herd_strv_add(&down, s.host[i].name);
		}
	}
	snap_names(hosts, s.nhost, 0, &names);
	for (i = 0; i < names.n; i++)
		ndiff += field_drift(names.v[i], hosts, s.nhost);
	if (ndiff)
		putchar('\n');
	sets_missing(hosts, s.nhost);
	hosts_line("not captured", &down);
	if (ndiff)
		printf("%zu of %zu fields differ across %zu hosts\n", ndiff, names.n, ncapt);
	else
		printf("No drift: %zu fields the same on %zu hosts\n", names.n, ncapt);
	herd_strv_free(&names);
	herd_strv_free(&down);
	free(hosts);
	snap_free(&s);
	hist_close(&h);
	return HERD_EXIT_OK;
}
