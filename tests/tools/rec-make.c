/*
 * rec-make: write one record for hand-made test input (herd-records(5)).
 *   rec-make [-H] [-x] T [FIELD...]
 *   rec-make -l [-H] [-x]
 * With -l, one record per line of standard input, its type and fields
 * separated by TABs (many records, one process).
 * Writes type T and each FIELD escaped as the format wants, then a line
 * feed.  -H writes the "#herd-records 1" header first.  -x undoes record
 * escapes in each FIELD first (\n \t \r \\ \xHH), so that a field can hold
 * any byte, NUL included.  In an R record a sha256 field (the 6th) of "-"
 * is computed from the status, exit, stdout and stderr fields as herd-run
 * computes it.  Exit status 0, or 2 on usage errors.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "herd.h"

static const char usage[] = "usage: rec-make [-H] [-x] T [FIELD...]\n"
    "       rec-make -l [-H] [-x]\n";

static int unesc;

/* The record of type ARGV[0] with fields ARGV[1..ARGC-1]. */
static void
record(int argc, char **argv)
{
	struct herd_buf *f;
	long long exit_code;
	char hex[65];
	int i, n;

	n = argc - 1;
	f = xcalloc((size_t)n + 10, sizeof *f);
	for (i = 0; i < n; i++) {
		herd_buf_adds(&f[i], argv[i + 1]);
		if (unesc) {
			f[i].len = herd_unescape(f[i].p, f[i].len);
			f[i].p[f[i].len] = '\0';
		}
	}
	/* R run host status exit duration_ms sha256 stdout stderr error hint */
	if (argv[0][0] == 'R' && n >= 6 && f[5].len == 1 && f[5].p[0] == '-') {
		if (herd_parse_int(f[3].p, -1000000, 1000000, &exit_code) < 0)
			exit_code = -1;
		herd_result_hash(f[2].p, exit_code, f[6].p ? f[6].p : "", f[6].len,
		    f[7].p ? f[7].p : "", f[7].len, hex);
		herd_buf_reset(&f[5]);
		herd_buf_adds(&f[5], hex);
	}
	herd_rec_start(stdout, argv[0][0]);
	for (i = 0; i < n; i++)
		herd_rec_field(stdout, f[i].p ? f[i].p : "", f[i].len);
	herd_rec_end(stdout);
	for (i = 0; i < n + 10; i++)
		herd_buf_free(&f[i]);
	free(f);
}

/* Each line of stdin: a record's type and fields, TAB-separated. */
static int
lines(void)
{
	char *line = NULL, *p, **v = NULL;
	size_t cap = 0;
	ssize_t len;
	int n;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		v = xreallocarray(v, (size_t)len + 2, sizeof *v);
		n = 0;
		for (p = line; p; n++)
			v[n] = strsep(&p, "\t");
		if (strlen(v[0]) != 1) {
			fputs(usage, stderr);
			return 2;
		}
		record(n, v);
	}
	free(line);
	free(v);
	return 0;
}

int
main(int argc, char **argv)
{
	int header = 0, many = 0, c, rc = 0;

	while ((c = getopt(argc, argv, "+Hlx")) != -1) {
		switch (c) {
		case 'H':
			header = 1;
			break;
		case 'l':
			many = 1;
			break;
		case 'x':
			unesc = 1;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (many ? argc != 0 : argc < 1 || strlen(argv[0]) != 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (header)
		herd_rec_header(stdout);
	if (many)
		rc = lines();
	else
		record(argc, argv);
	if (fflush(stdout) != 0)
		err(2, "stdout");
	return rc;
}
