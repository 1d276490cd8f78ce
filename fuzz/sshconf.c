/*
 * herd-run's ssh_config reader (herd-run/ssh*.c).  The first line is the
 * host to look up ("HOST" or "HOST USER"), then lines "-o OPTION" (as
 * herd-run -o), then the ssh_config file.  HOME is a directory of the
 * fuzzer's with .ssh/inc.conf, for Include; while the reader runs it may
 * open the input and files under HOME only (the link wraps fopen): an
 * Include of /dev/zero would read without end.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "../herd-run/sshconf.h"

static const char *const lookups[] = { "web1", "h001", "bastion", "10.0.0.1", "::1" };
static char home[] = "/tmp/herd-fuzz-home.XXXXXX";
static const char *input;	/* the input's file name while the reader runs */

FILE *__real_fopen(const char *, const char *);

FILE *
__wrap_fopen(const char *path, const char *mode)
{
	char real[PATH_MAX];
	size_t n = strlen(home);

	/* reading only: libFuzzer writes its reproducers with fopen too */
	if (input && *mode == 'r' && strcmp(path, input) &&
	    (!realpath(path, real) || strncmp(real, home, n) || (real[n] && real[n] != '/'))) {
		errno = EACCES;
		return NULL;
	}
	return __real_fopen(path, mode);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[64];
	FILE *f;

	(void)argc;
	(void)argv;
	if (!mkdtemp(home))
		abort();
	snprintf(path, sizeof path, "%s/.ssh", home);
	if (mkdir(path, 0700) < 0)
		abort();
	snprintf(path, sizeof path, "%s/.ssh/inc.conf", home);
	if (!(f = fopen(path, "w")))
		abort();
	fputs("Host web*\n  User leaked\n  Port 2222\nHost *\n  IdentityFile ~/.ssh/id_%r\n", f);
	fclose(f);
	setenv("HOME", home, 1);
	setenv("USER", "fuzz", 1);
	return 0;
}

static void
lookup(const struct sshconf *c, const char *host, const char *user)
{
	struct sshhost h;

	memset(&h, 0, sizeof h);
	sshconf_lookup(c, host, user, &h);
	(void)sshconf_strict_name(h.strict);
	sshhost_free(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_strv opts = { 0 };
	struct sshconf *c;
	char *first, *line, *user, *err = NULL;
	size_t i;

	fuzz_split_line(&data, &size, &first);
	while (size > 3 && !memcmp(data, "-o ", 3)) {
		fuzz_split_line(&data, &size, &line);
		herd_strv_add(&opts, line + 3);
		free(line);
	}
	if ((user = strchr(first, ' ')))
		*user++ = '\0';
	input = fuzz_file(0, data, size);
	c = sshconf_load(input, &opts, &err);
	if (!c && !err)
		fuzz_fail("the ssh_config reader failed without saying why");
	if (c) {
		lookup(c, first, user);
		for (i = 0; i < sizeof lookups / sizeof lookups[0]; i++)
			lookup(c, lookups[i], NULL);
		sshconf_free(c);
	}
	input = NULL;
	free(err);
	free(first);
	herd_strv_free(&opts);
	return 0;
}
