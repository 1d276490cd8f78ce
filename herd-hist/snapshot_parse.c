/*
 * The fields of a snapshot, parsed from what the inspection commands
 * printed on a host (snapshot.h).  The bytes are the host's: any line may
 * be cut short, hold NUL or control bytes, or be far too long; such a line
 * gives no field or a field cut to SNAP_*_MAX, never an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

#define MAX_WORDS 8

/* A TAB (the only control byte a line keeps) or any other made a blank. */
static void
blank_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

void
snap_set(struct snap_fields *f, const char *name, const char *value)
{
	char n[SNAP_NAME_MAX + 1], v[SNAP_VALUE_MAX + 1];
	size_t *i;
	int added;

	snprintf(n, sizeof n, "%s", name);
	snprintf(v, sizeof v, "%s", value);
	blank_controls(n);
	blank_controls(v);
	if (!*n || !*v)
		return;
	if ((i = herd_map_get(&f->index, n, strlen(n)))) {
		free(f->value.v[*i]);
		f->value.v[*i] = xstrdup(v);
		return;
	}
	herd_strv_add(&f->name, n);
	herd_strv_add(&f->value, v);
	/* the map's key is the name's own copy, which stays where it is */
	i = herd_map_put(&f->index, f->name.v[f->name.n - 1], strlen(n), &added);
	*i = f->name.n - 1;
}

const char *
snap_get(const struct snap_fields *f, const char *name)
{
	size_t *i = herd_map_get(&f->index, name, strlen(name));

	return i ? f->value.v[*i] : NULL;
}

void
snap_fields_free(struct snap_fields *f)
{
	herd_strv_free(&f->name);
	herd_strv_free(&f->value);
	herd_map_free(&f->index);
	memset(f, 0, sizeof *f);
}

int
snap_volatile(const char *name)
{
	return !strcmp(name, "uptime") || !strcmp(name, "mem_available");
}

/* LINE's words split at blanks (tabs too), at most MAX_WORDS - 1 and the rest. */
static size_t
words(char *line, char **w)
{
	size_t n = 0;
	char *p = line;

	while (n < MAX_WORDS) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		w[n++] = p;
		if (n == MAX_WORDS)
			break;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = 0;
	}
	return n;
}

static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	return s;
}

/* A digits-only word (a number of KiB, of seconds). */
static int
number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 20;
}

/* os-release's VALUE: unquoted, its shell escapes undone. */
static void
os_value(char *v)
{
	char q = *v, *r, *w;

	if (q != '"' && q != '\'')
		return;
	for (r = v + 1, w = v; *r && *r != q; r++) {
		if (q == '"' && *r == '\\' && r[1])
			r++;
		*w++ = *r;
	}
	*w = 0;
}

struct parse {
	struct snap_fields *f;
	char section[32];
	char *os_name, *os_version;
};

static void
os_release(struct parse *p, char *line)
{
	char *eq = strchr(line, '=');

	if (!eq)
		return;
	*eq++ = 0;
	os_value(eq);
	if (!strcmp(line, "PRETTY_NAME"))
		snap_set(p->f, "os", eq);
	else if (!strcmp(line, "NAME") && !p->os_name)
		p->os_name = xstrdup(eq);
	else if (!strcmp(line, "VERSION_ID") && !p->os_version)
		p->os_version = xstrdup(eq);
}

/* NAME TAB VERSION [TAB STATUS]: dpkg's status abbreviation, "ii " installed. */
static void
package(struct parse *p, char *line)
{
	char *name = line, *version, *status, *field;

	if (!(version = strchr(name, '\t')))
		return;
	*version++ = 0;
	if ((status = strchr(version, '\t'))) {
		*status++ = 0;
		if (strlen(status) < 2 || status[1] != 'i')
			return;
	}
	name = trim(name);
	version = trim(version);
	if (strpbrk(name, " \t"))
		return;
	field = xasprintf("package %s", name);
	snap_set(p->f, field, version);
	free(field);
}

/* A unit's state added to what the service has: enabled, running, or both. */
static void
service(struct parse *p, const char *unit, const char *state)
{
	const char *had;
	char *name;
	size_t len = strlen(unit);

	if (len > 8 && !strcmp(unit + len - 8, ".service"))
		len -= 8;
	name = xasprintf("service %.*s", (int)len, unit);
	had = snap_get(p->f, name);
	if (!had)
		snap_set(p->f, name, state);
	else if (strcmp(had, state))
		snap_set(p->f, name, "enabled,running");
	free(name);
}

static int
pseudo_fs(const char *fs, const char *mount)
{
	static const char *const fss[] = { "tmpfs", "devtmpfs", "udev", "none", "shm", "proc",
	    "sysfs", "cgroup", "cgroup2", "devpts", "mqueue" };
	static const char *const under[] = { "/proc", "/sys", "/dev", "/run" };
	size_t i, n;

	for (i = 0; i < sizeof fss / sizeof fss[0]; i++)
		if (!strcmp(fs, fss[i]))
			return 1;
	for (i = 0; i < sizeof under / sizeof under[0]; i++) {
		n = strlen(under[i]);
		if (!strncmp(mount, under[i], n) && (!mount[n] || mount[n] == '/'))
			return 1;
	}
	return 0;
}

/* df -P: FS BLOCKS USED AVAIL CAPACITY MOUNT (the mount may hold blanks). */
static void
df(struct parse *p, char *line)
{
	char *w[6], *s = line, *name;
	size_t n;

	for (n = 0; n < 5; n++) {
		s += strspn(s, " \t");
		if (!*s)
			return;
		w[n] = s;
		s += strcspn(s, " \t");
		if (!*s)
			return;
		*s++ = 0;
	}
	w[5] = trim(s);
	if (!strcmp(w[0], "Filesystem") || *w[5] != '/' || pseudo_fs(w[0], w[5]))
		return;
	if (w[4][0] && w[4][strlen(w[4]) - 1] == '%') {
		name = xasprintf("disk_used %s", w[5]);
		snap_set(p->f, name, w[4]);
		free(name);
	}
	if (number(w[1])) {
		name = xasprintf("disk_size %s", w[5]);
		snap_set(p->f, name, w[1]);
		free(name);
	}
}

static void
meminfo(struct parse *p, char **w, size_t n)
{
	static const char *const keys[][2] = { { "MemTotal:", "mem_total" },
	    { "MemAvailable:", "mem_available" }, { "SwapTotal:", "swap_total" } };
	size_t i;

	for (i = 0; n >= 2 && i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(w[0], keys[i][0]) && number(w[1]))
			snap_set(p->f, keys[i][1], w[1]);
}

/* free -k: "Mem: total used free shared buff/cache available", "Swap: total ..." */
static void
free_k(struct parse *p, char **w, size_t n)
{
	if (n >= 2 && !strcmp(w[0], "Mem:") && number(w[1])) {
		snap_set(p->f, "mem_total", w[1]);
		if (n >= 7 && number(w[6]))
			snap_set(p->f, "mem_available", w[6]);
	} else if (n >= 2 && !strcmp(w[0], "Swap:") && number(w[1])) {
		snap_set(p->f, "swap_total", w[1]);
	}
}

static void
port(struct parse *p, const char *addr, const char *proto)
{
	char *name;

	if (!strchr(addr, ':'))
		return;
	name = xasprintf("port %s", addr);
	snap_set(p->f, name, proto);
	free(name);
}

static void
line_of(struct parse *p, char *line)
{
	const char *s = p->section;
	char *w[MAX_WORDS];
	size_t n;

	if (!strcmp(s, "os-release")) {
		os_release(p, line);
	} else if (!strcmp(s, "kernel") || !strcmp(s, "arch")) {
		if (!snap_get(p->f, s))
			snap_set(p->f, s, trim(line));
	} else if (!strcmp(s, "df")) {
		df(p, line);
	} else if (!strcmp(s, "dpkg") || !strcmp(s, "rpm")) {
		package(p, line);
	} else if ((n = words(line, w)) == 0) {
		return;
	} else if (!strcmp(s, "uptime")) {
		w[0][strcspn(w[0], ".")] = 0;
		if (number(w[0]))
			snap_set(p->f, "uptime", w[0]);
	} else if (!strcmp(s, "enabled") || !strcmp(s, "running")) {
		if (strstr(w[0], ".service"))
			service(p, w[0], s);
	} else if (!strcmp(s, "meminfo")) {
		meminfo(p, w, n);
	} else if (!strcmp(s, "free")) {
		free_k(p, w, n);
	} else if (!strcmp(s, "ss") && n >= 4 && !strcmp(w[0], "LISTEN")) {
		port(p, w[3], "tcp");
	} else if (!strcmp(s, "netstat") && n >= 6 && !strncmp(w[0], "tcp", 3) &&
	    !strcmp(w[5], "LISTEN")) {
		port(p, w[3], "tcp");
	}
}

/* The line's bytes, NUL-terminated, a NUL or control byte (but TAB) made '?'. */
static void
clean_line(struct herd_buf *b, const char *p, size_t len)
{
	size_t i;
	unsigned char c;

	herd_buf_reset(b);
	if (len > 4096)
		len = 4096;
	for (i = 0; i < len; i++) {
		c = (unsigned char)p[i];
		herd_buf_addc(b, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : c);
	}
	if (b->len && b->p[b->len - 1] == '\r')
		b->p[--b->len] = 0;
	if (!b->p)
		herd_buf_adds(b, "");
}

static void
os_fallback(struct parse *p)
{
	char *os;

	if (!snap_get(p->f, "os") && p->os_name) {
		os = p->os_version ? xasprintf("%s %s", p->os_name, p->os_version) :
		    xstrdup(p->os_name);
		snap_set(p->f, "os", os);
		free(os);
	}
	free(p->os_name);
	free(p->os_version);
}

void
snap_parse(const char *out, size_t len, struct snap_fields *f)
{
	struct parse p = { f, "", NULL, NULL };
	struct herd_buf b = { 0 };
	const char *end = out + len, *nl;
	size_t mark = strlen(SNAP_MARK);

	while (out && out < end) {
		nl = memchr(out, '\n', end - out);
		clean_line(&b, out, (nl ? nl : end) - out);
		out = nl ? nl + 1 : end;
		if (!strncmp(b.p, SNAP_MARK, mark)) {
			snprintf(p.section, sizeof p.section, "%s", trim(b.p + mark));
			continue;
		}
		if (*p.section)
			line_of(&p, b.p);
	}
	os_fallback(&p);
	herd_buf_free(&b);
}
