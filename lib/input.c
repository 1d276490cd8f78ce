#include <err.h>
#include <stdio.h>
#include <unistd.h>

#include "herd.h"

/*
 * A program that reads records from standard input would wait there
 * silently when it is a terminal: nobody types records.  Say so instead.
 */
void
herd_refuse_tty(FILE *in, const char *hint)
{
	if (isatty(fileno(in)))
		errx(HERD_EXIT_USAGE, "reads records (herd-records(5)) on standard input, "
		    "not from a terminal; %s", hint);
}
