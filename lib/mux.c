/*
 * The mux socket's place: a directory only we can enter, and a name that
 * is the hash of the SSH settings, so that a herd-run only ever shares
 * connections made with its own settings (as ControlPath %C).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sha2.h>

#include "conf.h"
#include "mux.h"

/* Refuse a directory someone else could have made, or could enter. */
static int
check_dir(const char *dir, char **why)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		*why = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0) {
		*why = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*why = xasprintf("%s is not a directory: refusing to keep the mux "
		    "socket there", dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*why = xasprintf("%s is owned by uid %ld, not by us (uid %ld): refusing "
		    "to keep the mux socket there", dir, (long)st.st_uid, (long)geteuid());
		return -1;
	}
	if (st.st_mode & 077) {
		*why = xasprintf("%s is open to group or others (mode %04o): refusing to "
		    "keep the mux socket there; chmod 700 it", dir,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

char *
herd_mux_dir(char **why)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *dir;

	if (run && *run == '/')
		dir = xasprintf("%s/herd", run);
	else
		dir = xasprintf("/tmp/herd-%ld", (long)geteuid());
	if (check_dir(dir, why) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* A path as it reads from anywhere: the daemon runs in /. */
static char *
absolute(const char *path)
{
	char *cwd, *abs;

	if (*path == '/' || *path == '~' || !(cwd = getcwd(NULL, 0)))
		return xstrdup(path);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	abs = xasprintf("%s/%s", cwd, path);
	free(cwd);
	return abs;
}

static void
add(SHA2_CTX *ctx, const char *key, const char *value)
{
	SHA256Update(ctx, (const unsigned char *)key, strlen(key) + 1);
	SHA256Update(ctx, (const unsigned char *)value, strlen(value) + 1);
}

static void
add_path(SHA2_CTX *ctx, const char *key, const char *path)
{
	char *abs = absolute(path);

	add(ctx, key, abs);
	free(abs);
}

void
herd_mux_hash(const struct herd_mux_settings *s, char hex[13])
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	char num[32], *config;
	SHA2_CTX ctx;
	size_t i;
	int must;

	SHA256Init(&ctx);
	add(&ctx, "herd-mux", "1");
	/* the config in effect: its defaults (timeouts) are the server's */
	if ((config = herd_conf_locate(s->config, &must))) {
		add_path(&ctx, "c", config);
		free(config);
	}
	if (s->ssh_config)
		add_path(&ctx, "F", s->ssh_config);
	for (i = 0; i < s->nidentities; i++)
		add_path(&ctx, "i", s->identities[i]);
	for (i = 0; i < s->noptions; i++)
		add(&ctx, "o", s->options[i]);
	if (s->user)
		add(&ctx, "l", s->user);
	if (s->port) {
		snprintf(num, sizeof num, "%d", s->port);
		add(&ctx, "p", num);
	}
	if (s->accept_new)
		add(&ctx, "accept-new", "");
	if (s->insecure)
		add(&ctx, "insecure", "");
	if (s->connect_timeout_ms >= 0) {
		snprintf(num, sizeof num, "%lld", s->connect_timeout_ms);
		add(&ctx, "connect-timeout", num);
	}
	SHA256Final(digest, &ctx);
	for (i = 0; i < 6; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

char *
herd_mux_path(const struct herd_mux_settings *s, char **why)
{
	char hex[13], *dir, *path;

	if (!(dir = herd_mux_dir(why)))
		return NULL;
	herd_mux_hash(s, hex);
	path = xasprintf("%s/mux-%s.sock", dir, hex);
	free(dir);
	return path;
}

/* The settings as herd-run options, paths made absolute. */
static void
settings_argv(const struct herd_mux_settings *s, struct herd_strv *argv)
{
	char num[32], *abs;
	size_t i;

	if (s->config) {
		herd_strv_add(argv, "-c");
		herd_strv_add(argv, abs = absolute(s->config));
		free(abs);
	}
	if (s->ssh_config) {
		herd_strv_add(argv, "-F");
		herd_strv_add(argv, abs = absolute(s->ssh_config));
		free(abs);
	}
	for (i = 0; i < s->nidentities; i++) {
		herd_strv_add(argv, "-i");
		herd_strv_add(argv, abs = absolute(s->identities[i]));
		free(abs);
	}
	for (i = 0; i < s->noptions; i++) {
		herd_strv_add(argv, "-o");
		herd_strv_add(argv, s->options[i]);
	}
	if (s->user) {
		herd_strv_add(argv, "-l");
		herd_strv_add(argv, s->user);
	}
	if (s->port) {
		snprintf(num, sizeof num, "%d", s->port);
		herd_strv_add(argv, "-p");
		herd_strv_add(argv, num);
	}
	if (s->accept_new)
		herd_strv_add(argv, "--accept-new");
	if (s->insecure)
		herd_strv_add(argv, "--insecure");
	if (s->connect_timeout_ms >= 0) {
		herd_format_duration(s->connect_timeout_ms, num, sizeof num);
		herd_strv_add(argv, "--connect-timeout");
		herd_strv_add(argv, num);
	}
}

void
herd_mux_argv(const struct herd_mux_settings *s, const char *path,
    long long idle_timeout_ms, struct herd_strv *argv)
{
	char num[64];

	herd_strv_add(argv, "herd-run");
	herd_strv_add(argv, "--serve");
	herd_strv_add(argv, "--socket");
	herd_strv_add(argv, path);
	herd_format_duration(idle_timeout_ms >= 0 ? idle_timeout_ms : HERD_MUX_IDLE_MS,
	    num, sizeof num);
	herd_strv_add(argv, "--idle-timeout");
	herd_strv_add(argv, num);
	settings_argv(s, argv);
}
