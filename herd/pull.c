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
 * (transfer.c) checks one against the other.  With -r, the file sent is a
 * tar of the directory (made in a temporary file on the host first, so
 * that its hash is the hash of what was sent), received as
 * DIR/HOST/REMOTE.herd-tar and unpacked there after the run (after_pull).
 */
#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAR_SUFFIX ".herd-tar"

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
	if (transfer_opt(a, "mkdir") || transfer_opt(a, "checksum") ||
	    transfer_opt(a, "preserve"))
		errx(HERD_EXIT_USAGE, "pull: --mkdir, --checksum and --preserve are push's");
}

/* The file (-r: a tar of the directory) on stdout, its SHA-256 after it on stderr. */
static char *
pull_script(const char *remote, int tree)
{
	struct herd_buf b = { 0 };

	herd_buf_adds(&b, "set -u\nf=");
	herd_shell_quote(&b, remote);
	herd_buf_adds(&b, "\nfail() { printf 'herd: %s\\n' \"$*\" >&2; exit 1; }\n"
	    "hash() { { sha256sum || shasum -a 256; } <\"$1\" 2>/dev/null | cut -c1-64; }\n"
	    "[ -e \"$f\" ] || fail \"missing: $f: no such file\"\n");
	if (tree)
		herd_buf_adds(&b, "[ -d \"$f\" ] || fail \"$f is not a directory\"\n"
		    "case $f in */*) p=${f%/*}; p=${p:-/} ;; *) p=. ;; esac\n"
		    "tmp=$(mktemp) || fail \"cannot make a temporary file\"\n"
		    "trap 'rm -f -- \"$tmp\"' EXIT\n"
		    "tar -c -f \"$tmp\" -C \"$p\" -- \"${f##*/}\" || "
		    "fail \"tar of $f failed (--sudo reads it as root)\"\nf=$tmp\n");
	else
		herd_buf_adds(&b, "[ -f \"$f\" ] || fail \"$f is not a regular file (-r: a "
		    "directory)\"\n[ -r \"$f\" ] || fail \"$f: permission denied (--sudo "
		    "reads it as root)\"\n");
	herd_buf_adds(&b, "cat -- \"$f\" || fail \"reading $f failed\"\n"
	    "printf 'herd-sha256 %s\\n' \"$(hash \"$f\")\" >&2\n");
	return herd_buf_steal(&b);
}

/* DIR/HOST/NAME.herd-tar unpacked into DIR/HOST/NAME's directory: 0, or -1. */
static int
unpack(const char *host_dir, const char *name)
{
	char *tar = xasprintf("%s/%s" TAR_SUFFIX, host_dir, name), *into;
	const char *slash = strrchr(name, '/');
	struct stat st;
	int rc;

	if (stat(tar, &st) < 0) {
		free(tar);
		return 0;	/* nothing came from this host */
	}
	into = slash ? xasprintf("%s/%.*s", host_dir, (int)(slash - name), name) :
	    xstrdup(host_dir);
	rc = herd_wait(spawn("tar", (char *[]){ "tar", "-x", "--no-same-owner", "-f", tar, "-C",
	    into, NULL }, -1, -1, -1)) == 0 ? 0 : -1;
	if (rc == 0)
		unlink(tar);
	else
		warnx("pull: %s: not unpacked; the tar is kept", shown(tar));
	free(tar);
	free(into);
	return rc;
}

/* -r: each host's tar unpacked where the file would be. */
int
after_pull(const struct args *a, int status)
{
	const char *dest = transfer_opt(a, "dest"), *remote;
	struct herd_strv hosts = { 0 };
	struct dirent *de;
	char *name, *dir;
	DIR *d;

	if (!transfer_opt(a, "recursive"))
		return status;
	pull_words(a, &remote, &hosts);
	herd_strv_free(&hosts);
	if (!dest)
		dest = "results";
	if (!(name = local_name(remote)) || !(d = opendir(dest))) {
		free(name);
		return status;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", dest, de->d_name);
		if (unpack(dir, name) < 0 && status == 0)
			status = HERD_EXIT_RUNTIME;
		free(dir);
	}
	closedir(d);
	free(name);
	return status;
}

void
build_pull(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	const char *remote, *dest = transfer_opt(a, "dest");
	struct herd_strv hosts = { 0 };
	char *name, *script, *selection, *tar;
	size_t i;

	pull_words(a, &remote, &hosts);
	if (!(name = local_name(remote)))
		errx(HERD_EXIT_USAGE, "pull: %s: a file's path without .. parts",
		    shown(remote));
	tar = xstrdup(remote);	/* without trailing slashes: -r takes its last part */
	for (i = strlen(tar); i > 1 && tar[i - 1] == '/'; i--)
		tar[i - 1] = '\0';
	script = pull_script(tar, transfer_opt(a, "recursive") != NULL);
	free(tar);
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
	if (transfer_opt(a, "recursive")) {
		tar = xasprintf("%s" TAR_SUFFIX, name);
		herd_strv_add(&run->argv, tar);
		free(tar);
	} else {
		herd_strv_add(&run->argv, name);
	}
	herd_strv_add(&run->argv, "--");
	herd_strv_add(&run->argv, script);
	free(selection);
	free(script);
	free(name);
	herd_strv_free(&hosts);
}
