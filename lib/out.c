#include <err.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "herd.h"

/*
 * A write error on stdout is reported once at exit, except EPIPE: a reader
 * that went away (herd-select | head -1) is not an error worth a message.
 */
static void
close_stdout(void)
{
	int failed = fflush(stdout) != 0 || ferror(stdout);

	if (failed && errno != EPIPE) {
		warn("write error");
		_exit(HERD_EXIT_RUNTIME);
	}
	if (failed)
		_exit(128 + SIGPIPE);
}

void
herd_init(const char *argv0)
{
	(void)argv0;
	setlocale(LC_CTYPE, "");
	atexit(close_stdout);
}

void
herd_usage_exit(const char *usage)
{
	fputs(usage, stderr);
	exit(HERD_EXIT_USAGE);
}
