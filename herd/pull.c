/*
 * herd pull REMOTE [HOSTS...] [--dest DIR]: a file from every host, into
 * DIR/HOST/REMOTE (DIR default ./results),
 *   herd-select SELECTION | herd-run --kind pull --output-dir DIR
 *   --output-name REMOTE -- SCRIPT | herd-hist record | herd-group
 * herd-run writes each host's stdout to its file (never into memory) and
 * renames it into place when SCRIPT exited 0; its R record carries the size
 * and SHA-256 of the bytes received.  SCRIPT (sh, every value quoted) says
 * a missing or unreadable file on stderr, else sends the file and then its
 * SHA-256 on stderr, "herd-sha256 HEX": herd-group's view of a pull run
 * (transfer.c) checks one against the other.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"

/* REMOTE as a relative path: no empty or "." parts; NULL for a ".." part. */
static char *
local_name(const char *remote)
{
	struct herd_buf b = { 0 };
	const char *p = remote, *end;
	size_t n;

	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (!n || (n == 1 && *p == '.'))
			continue;
		if (n == 2 && !strncmp(p, "..", 2)) {
			herd_buf_free(&b);
			return NULL;
		}
		if (b.len)
			herd_buf_addc(&b, '/');
		herd_buf_add(&b, p, n);
	}
	if (!b.len)
		return NULL;
	return herd_buf_steal(&b);
}

static void
pull_words(const struct args *a, const char **remote, struct herd_strv *hosts)
{
	size_t i;

	if (a->words.n < 1)
		errx(HERD_EXIT_USAGE, "pull: give REMOTE [HOSTS...]; see herd help pull");
	*remote = a->words.v[0];
	for (i = 1; i < a->words.n; i++)
		herd_strv_add(hosts, a->words.v[i]);
}

void
check_pull(struct args *a)
{
	struct herd_strv hosts = { 0 };
	const char *remote, *dest = transfer_opt(a, "dest");
	char *name;

	check_transfer("pull", a);
	pull_words(a, &remote, &hosts);
	herd_strv_free(&hosts);
	if (!(name = local_name(remote)))
		errx(HERD_EXIT_USAGE, "pull: %s: a file's path without .. parts (the copy "
		    "goes to DIR/HOST/PATH)", shown(remote));
	free(name);
	if (dest && !*dest)
		errx(HERD_EXIT_USAGE, "pull: --dest: the directory must not be empty");
}

/* The file on stdout, its SHA-256 after it on stderr. */
static char *
pull_script(const char *remote)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "set -u\nf=");
	herd_shell_quote(&b, remote);
	herd_buf_adds(&b, "\nfail() { printf 'herd: %s\\n' \"$*\" >&2; exit 1; }\n"
	    "hash() { { sha256sum || shasum -a 256; } <\"$1\" 2>/dev/null | cut -c1-64; }\n"
	    "[ -e \"$f\" ] || fail \"missing: $f: no such file\"\n"
	    "[ -f \"$f\" ] || fail \"$f is not a regular file\"\n"
	    "[ -r \"$f\" ] || fail \"$f: permission denied (--sudo reads it as root)\"\n"
	    "cat -- \"$f\" || fail \"reading $f failed\"\n"
	    "printf 'herd-sha256 %s\\n' \"$(hash \"$f\")\" >&2\n");
	return herd_buf_steal(&b);
}

void
build_pull(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	const char *remote, *dest = transfer_opt(a, "dest");
	struct herd_strv hosts = { 0 };
	char *name, *script, *selection;
	size_t i;

	pull_words(a, &remote, &hosts);
	if (!(name = local_name(remote)))
		errx(HERD_EXIT_USAGE, "pull: %s: a file's path without .. parts",
		    shown(remote));
	script = pull_script(remote);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&sel->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--kind");
	herd_strv_add(&run->argv, "pull");
	herd_strv_add(&run->argv, "--mux");
	herd_strv_add(&run->argv, "no");
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	herd_strv_add(&run->argv, "--output-dir");
	herd_strv_add(&run->argv, dest ? dest : "results");
	herd_strv_add(&run->argv, "--output-name");
	herd_strv_add(&run->argv, name);
	herd_strv_add(&run->argv, "--");
	herd_strv_add(&run->argv, script);
	free(selection);
	free(script);
	free(name);
	herd_strv_free(&hosts);
}
