/*
 * The exec path: where herd finds its programs.  In order: $HERD_EXEC_PATH
 * (a colon list, --exec-path=DIR first), the directory of herd's own
 * executable (so that a build tree works as it is, as git's runtime prefix),
 * the directory compiled in, then $PATH.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline.h"

static int
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The directory herd's executable is in, or NULL. */
static const char *
own_dir(void)
{
	static char dir[PATH_MAX];
	static int done;
	ssize_t n;
	char *slash;

	if (!done) {
		done = 1;
		n = readlink("/proc/self/exe", dir, sizeof dir - 1);
		dir[n > 0 ? n : 0] = '\0';
		if ((slash = strrchr(dir, '/')))
			*(slash == dir ? slash + 1 : slash) = '\0';
		else
			dir[0] = '\0';
	}
	return dir[0] ? dir : NULL;
}

/* The directories searched before $PATH, in order, each once. */
static void
exec_dirs(struct herd_strv *dirs)
{
	const char *env = getenv("HERD_EXEC_PATH"), *own = own_dir();
	struct herd_strv from_env = { 0 };
	size_t i;

	if (env)
		herd_strv_split(&from_env, env, ':');
	for (i = 0; i < from_env.n; i++)
		if (*from_env.v[i] && !herd_strv_has(dirs, from_env.v[i]))
			herd_strv_add(dirs, from_env.v[i]);
	herd_strv_free(&from_env);
	if (own && !herd_strv_has(dirs, own))
		herd_strv_add(dirs, own);
	if (!herd_strv_has(dirs, HERD_EXEC_DIR))
		herd_strv_add(dirs, HERD_EXEC_DIR);
}

static char *
in_dirs(const struct herd_strv *dirs, const char *prog)
{
	char *path;
	size_t i;

	for (i = 0; i < dirs->n; i++) {
		if (!*dirs->v[i])
			continue;
		path = xasprintf("%s/%s", dirs->v[i], prog);
		if (executable(path))
			return path;
		free(path);
	}
	return NULL;
}

/* The path of program PROG (to free), or NULL. */
char *
find_program(const char *prog)
{
	struct herd_strv dirs = { 0 };
	const char *path = getenv("PATH");
	char *found;

	exec_dirs(&dirs);
	found = in_dirs(&dirs, prog);
	herd_strv_free(&dirs);
	if (found)
		return found;
	herd_strv_split(&dirs, path ? path : "/usr/bin:/bin", ':');
	found = in_dirs(&dirs, prog);
	herd_strv_free(&dirs);
	return found;
}

/* The exec path as a colon list (to free). */
char *
exec_path(void)
{
	struct herd_strv dirs = { 0 };
	char *list;

	exec_dirs(&dirs);
	list = herd_strv_join(&dirs, ":");
	herd_strv_free(&dirs);
	return list;
}

/* --exec-path=DIR goes first in $HERD_EXEC_PATH, for the programs herd runs too. */
void
set_exec_path(const char *dir)
{
	const char *old = getenv("HERD_EXEC_PATH");
	char *list = old && *old ? xasprintf("%s:%s", dir, old) : xstrdup(dir);

	setenv("HERD_EXEC_PATH", list, 1);
	free(list);
}
