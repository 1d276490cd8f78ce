/*
 * herd push LOCAL REMOTE [HOSTS...]: a file (-r: a directory) to every host,
 *   herd-select SELECTION | herd-run --kind push --stdin-file DATA -- SCRIPT |
 *   herd-hist record | herd-group
 * DATA is LOCAL itself (-r: a tar stream of it in an unlinked temporary
 * file), read once by herd-run and streamed to every host's SCRIPT on the
 * exec channel.  SCRIPT, a POSIX sh script with every value shell-quoted,
 * writes a temporary name in the target directory, checks its size and
 * SHA-256 against LOCAL's before renaming it into place, and removes it on
 * any failure: a dropped connection ends its input early, and the check
 * stops a short copy.  It prints "pushed SIZE SHA256" or, with --checksum
 * and the same content there, "unchanged SIZE SHA256": herd-group's view
 * of a push run (transfer.c) reads that line.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "verb.h"

/* The value of push's or pull's own option NAME (not herd-select's --group). */
const char *
transfer_opt(const struct args *a, const char *name)
{
	size_t i;

	for (i = a->nopt; i-- > 0;)
		if ((a->opt[i].opt->set & (O_PUSH | O_PULL)) &&
		    !strcmp(a->opt[i].opt->name, name))
			return a->opt[i].value ? a->opt[i].value : "";
	return NULL;
}

/* What a transfer cannot go with: a pty (sudo's password) mangles binary data. */
void
check_transfer(const char *verb, const struct args *a)
{
	static const char *const no[] = { "stdin", "stream", "ask-become-pass", "mux",
		"diff-last" };
	const struct given *g;
	size_t i;

	if (a->dashdash)
		errx(HERD_EXIT_USAGE, "%s: no -- : give the paths, then HOSTS...", verb);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if ((g = args_find(a, no[i])))
			errx(HERD_EXIT_USAGE, "%s: %s does not go with %s%s", verb,
			    shown(g->as), verb, !strcmp(no[i], "ask-become-pass") ?
			    " (a password prompt needs a pty, which would mangle the "
			    "data): use --sudo with passwordless sudo" : "");
}

/* LOCAL, REMOTE and the hosts from the words. */
static void
push_words(const struct args *a, const char **local, const char **remote,
    struct herd_strv *hosts)
{
	size_t i;

	if (a->words.n < 2)
		errx(HERD_EXIT_USAGE, "push: give LOCAL REMOTE [HOSTS...]; see herd help push");
	*local = a->words.v[0];
	*remote = a->words.v[1];
	if (!**remote)
		errx(HERD_EXIT_USAGE, "push: the remote path is empty");
	for (i = 2; i < a->words.n; i++)
		herd_strv_add(hosts, a->words.v[i]);
}

void
check_push(struct args *a)
{
	struct herd_strv hosts = { 0 };
	const char *local, *remote;
	struct stat st;
	char *base;

	check_transfer("push", a);
	push_words(a, &local, &remote, &hosts);
	herd_strv_free(&hosts);
	if (stat(local, &st) < 0)
		err(HERD_EXIT_USAGE, "push: %s", shown(local));
	if (S_ISDIR(st.st_mode) && !transfer_opt(a, "recursive"))
		errx(HERD_EXIT_USAGE, "push: %s is a directory: -r pushes a directory",
		    shown(local));
	base = transfer_base(local);
	if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "/"))
		errx(HERD_EXIT_USAGE, "push: %s: name the directory itself (as ../%s)",
		    shown(local), "NAME");
	free(base);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		errx(HERD_EXIT_USAGE, "push: %s is not a regular file", shown(local));
}

/* The last component of PATH (without trailing slashes), to free. */
char *
transfer_base(const char *path)
{
	size_t n = strlen(path);
	const char *p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (p = path + n; p > path && p[-1] != '/'; p--)
		;
	return xstrndup(p, (size_t)(path + n - p));
}

/*
 * A directory's content as one SHA-256, the same on both ends: the path and
 * SHA-256 of every regular file under the current directory, sorted.
 * Modes, links and empty directories are not in it.
 */
#define TREE_HASH "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | " \
	"sha256sum"

/* TREE_HASH of the directory LOCAL, into SHA (65 bytes). */
static void
tree_hash(const char *local, char sha[65])
{
	char *argv[] = { "sh", "-c", "cd -- \"$1\" && " TREE_HASH, "sh", (char *)local, NULL };
	struct herd_buf out = { 0 };
	int fd[2], rc, got;
	pid_t pid;

	if (pipe2(fd, O_CLOEXEC) < 0)
		err(HERD_EXIT_RUNTIME, "pipe");
	pid = spawn("sh", argv, -1, fd[1], -1);
	close(fd[1]);
	got = herd_buf_read_fd(&out, fd[0]);
	close(fd[0]);
	/* sha256sum's line: the hex digest, then "  -" */
	if ((rc = herd_wait(pid)) != 0 || got < 0 || out.len < 64)
		errx(HERD_EXIT_RUNTIME, "push: --checksum: hashing %s failed", shown(local));
	memcpy(sha, out.p, 64);
	sha[64] = '\0';
	herd_buf_free(&out);
}

/* A tar stream of the directory LOCAL in an unlinked temporary file: its fd. */
static int
tar_of(const char *local)
{
	char *base = transfer_base(local), *parent = xstrdup(local);
	int fd = temp_file();
	size_t n = strlen(parent);

	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	if (n > strlen(base))
		parent[n - strlen(base)] = '\0';
	else
		strcpy(parent, ".");
	if (herd_wait(spawn("tar", (char *[]){ "tar", "-c", "-f", "-", "-C", parent, "--", base,
	    NULL }, -1, fd, -1)) != 0)
		errx(HERD_EXIT_RUNTIME, "push: tar of %s failed", shown(local));
	free(base);
	free(parent);
	if (lseek(fd, 0, SEEK_SET) < 0)
		err(HERD_EXIT_RUNTIME, "push: the tar stream");
	return fd;
}

/*
 * The script's start: the target $t (a file's, into an existing directory
 * under its own name BASE), fail(), hash(), the directory $d made or checked.
 */
static void
script_head(struct herd_buf *b, const char *target, const char *base, int mkdir)
{
	herd_buf_adds(b, "set -u\nt=");
	herd_shell_quote(b, target);
	herd_buf_adds(b, "\nfail() { printf 'herd: %s\\n' \"$*\" >&2; exit 1; }\n"
	    "hash() { { sha256sum || shasum -a 256; } <\"$1\" 2>/dev/null; }\n");
	if (base) {
		herd_buf_adds(b, "if [ -d \"$t\" ]; then t=${t%/}/");
		herd_shell_quote(b, base);
		herd_buf_adds(b, "; fi\n");
	}
	herd_buf_adds(b, "case $t in */*) d=${t%/*}; d=${d:-/} ;; *) d=. ;; esac\n"
	    "if [ ! -d \"$d\" ]; then\n");
	if (mkdir)
		herd_buf_adds(b, "\tmkdir -p -- \"$d\" || fail \"cannot create $d\"\n");
	else
		herd_buf_adds(b, "\tfail \"$d: no such directory (--mkdir creates it)\"\n");
	herd_buf_adds(b, "fi\n");
}

/* The data received into INTO, checked: every byte, the same SHA-256. */
static void
script_receive(struct herd_buf *b, const char *into, unsigned long long size,
    const char *sha)
{
	herd_buf_adds(b, "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; "
	    "trap 'exit 141' PIPE\n");
	herd_buf_addf(b, "cat >%s || fail \"writing in $d failed\"\n", into);
	/* the size only to say why: each program started costs the host */
	herd_buf_addf(b, "case $(hash %s) in\n%s\\ *) ;;\n*)\tn=$(wc -c <%s)\n"
	    "\t[ \"$n\" -eq %llu ] || fail \"received $n of %llu bytes: not installed\"\n"
	    "\tfail \"the copy's SHA-256 differs from the local one's: not installed\" ;;\nesac\n",
	    into, sha, into, size, size);
}

/* --preserve: owner and modification time of ST, on the shell word PATH. */
static void
script_preserve(struct herd_buf *b, const char *path, const struct stat *st)
{
	struct tm tm;
	char when[32];

	gmtime_r(&st->st_mtime, &tm);
	strftime(when, sizeof when, "%Y%m%d%H%M.%S", &tm);
	herd_buf_addf(b, "chown %lu:%lu %s || fail \"cannot keep the owner (--preserve)\"\n",
	    (unsigned long)st->st_uid, (unsigned long)st->st_gid, path);
	herd_buf_addf(b, "TZ=UTC0 touch -t %s %s || fail \"cannot keep the modification "
	    "time (--preserve)\"\n", when, path);
}

/* A file to $t through a temporary name beside it. */
static char *
file_script(const struct args *a, const char *target, const char *base,
    const struct stat *st, unsigned long long size, const char *sha)
{
	struct herd_buf b = { 0 };

	script_head(&b, target, base, transfer_opt(a, "mkdir") != NULL);
	herd_buf_adds(&b, "[ -d \"$t\" ] && fail \"$t is a directory\"\n");
	if (transfer_opt(a, "checksum"))
		herd_buf_addf(&b, "if [ -f \"$t\" ]; then case $(hash \"$t\") in %s\\ *) "
		    "echo 'unchanged %llu %s'; exit 0 ;; esac; fi\n", sha, size, sha);
	herd_buf_adds(&b, "tmp=$(mktemp \"$d/.herd-push.XXXXXX\") || "
	    "fail \"cannot write in $d\"\ntrap 'rm -f -- \"$tmp\"' EXIT\n");
	script_receive(&b, "\"$tmp\"", size, sha);
	herd_buf_addf(&b, "chmod %o \"$tmp\" || fail \"cannot set the mode\"\n",
	    (unsigned)(st->st_mode & 07777));
	if (transfer_opt(a, "preserve"))
		script_preserve(&b, "\"$tmp\"", st);
	herd_buf_addf(&b, "mv -f -- \"$tmp\" \"$t\" || fail \"cannot rename into $t\"\n"
	    "trap - EXIT\necho 'pushed %llu %s'\n", size, sha);
	return herd_buf_steal(&b);
}

/*
 * A directory's tar stream unpacked beside $t, then renamed into place: an
 * existing $t is moved aside first and removed after (put back on failure).
 */
static char *
tree_script(const struct args *a, const char *target, const char *base,
    unsigned long long size, const char *sha, const char *tree_sha)
{
	int keep = transfer_opt(a, "preserve") != NULL;
	struct herd_buf b = { 0 };

	script_head(&b, target, NULL, transfer_opt(a, "mkdir") != NULL);
	if (tree_sha)
		herd_buf_addf(&b, "if [ -d \"$t\" ]; then case $(cd -- \"$t\" && "
		    TREE_HASH ") in %s\\ *) echo 'unchanged %llu %s'; exit 0 ;; esac; fi\n",
		    tree_sha, size, sha);
	herd_buf_adds(&b, "[ -e \"$t\" ] && [ ! -d \"$t\" ] && fail \"$t is not a directory\"\n"
	    "tmp=$(mktemp -d \"$d/.herd-push.XXXXXX\") || fail \"cannot write in $d\"\n"
	    "trap 'rm -rf -- \"$tmp\"' EXIT\n");
	script_receive(&b, "\"$tmp/.tar\"", size, sha);
	herd_buf_addf(&b, "mkdir \"$tmp/new\" && tar -x -p %s-f \"$tmp/.tar\" -C \"$tmp/new\" "
	    "|| fail \"unpacking the directory failed\"\n",
	    keep ? "--same-owner " : "--no-same-owner -m ");
	herd_buf_adds(&b, "if [ -d \"$t\" ]; then mv -- \"$t\" \"$tmp/old\" || "
	    "fail \"cannot move the old $t aside\"; fi\nmv -- \"$tmp/new\"/");
	herd_shell_quote(&b, base);
	herd_buf_addf(&b, " \"$t\" || { [ -d \"$tmp/old\" ] && mv -- \"$tmp/old\" \"$t\"; "
	    "fail \"cannot rename into $t\"; }\necho 'pushed %llu %s'\n", size, sha);
	return herd_buf_steal(&b);
}

void
build_push(struct pipeline *pl, const struct args *a)
{
	struct stage *sel = stage_of(pl, SELECT), *run = stage_of(pl, RUN);
	struct herd_strv hosts = { 0 };
	const char *local, *remote;
	char sha[65], tree_sha[65], *base, *target, *script, *selection, *data;
	unsigned long long size;
	struct stat st;
	int fd, tree;
	size_t i;

	push_words(a, &local, &remote, &hosts);
	if ((fd = open(local, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
		err(HERD_EXIT_USAGE, "push: %s", shown(local));
	tree = S_ISDIR(st.st_mode);
	if (tree) {
		close(fd);
		fd = tar_of(local);
		if (transfer_opt(a, "checksum"))
			tree_hash(local, tree_sha);
	}
	if (herd_fd_sha256(fd, sha, &size) < 0)
		err(HERD_EXIT_RUNTIME, "push: reading %s", shown(local));
	base = transfer_base(local);
	target = remote[strlen(remote) - 1] == '/' ? xasprintf("%s%s", remote, base) :
	    xstrdup(remote);
	script = tree ? tree_script(a, target, base, size, sha,
	    transfer_opt(a, "checksum") ? tree_sha : NULL) :
	    file_script(a, target, base, &st, size, sha);
	/* herd-run opens the data again: the file hashed, even if LOCAL is renamed */
	fcntl(fd, F_SETFD, 0);
	data = xasprintf("/dev/fd/%d", fd);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&sel->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--kind");
	herd_strv_add(&run->argv, "push");
	herd_strv_add(&run->argv, "--mux");
	herd_strv_add(&run->argv, "no");
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	herd_strv_add(&run->argv, "--stdin-file");
	herd_strv_add(&run->argv, data);
	herd_strv_add(&run->argv, "--");
	herd_strv_add(&run->argv, script);
	free(data);
	free(selection);
	free(script);
	free(target);
	free(base);
	herd_strv_free(&hosts);
}
