/*
 * rec-get: print a field of some records, unescaped, as raw bytes.
 *   rec-get [-l] [-w M=VALUE] T N
 * For every record of type T on stdin (herd-records(5)), write field N
 * (1 is the first field after the type letter) exactly as its bytes, with
 * nothing added; -l ends each with a line feed.  -w only takes the records
 * whose field M is VALUE (rec-get -w 2=h001 R 7: the stdout of host h001).
 * Exit status 0 if some record matched, 1 if none did, 2 on usage errors.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "herd.h"

static const char usage[] = "usage: rec-get [-l] [-w M=VALUE] T N\n";

int
main(int argc, char **argv)
{
	struct herd_rec r = { 0 };
	const char *want = NULL, *eq;
	char num[16];
	long long n, m = 0;
	int lines = 0, found = 0, c;

	while ((c = getopt(argc, argv, "lw:")) != -1) {
		switch (c) {
		case 'l':
			lines = 1;
			break;
		case 'w':
			if (!(eq = strchr(optarg, '=')) ||
			    (size_t)(eq - optarg) >= sizeof num)
				errx(2, "-w: expected M=VALUE, got %s", optarg);
			memcpy(num, optarg, (size_t)(eq - optarg));
			num[eq - optarg] = '\0';
			if (herd_parse_int(num, 1, 1000, &m) < 0)
				errx(2, "-w: bad field number in %s", optarg);
			want = eq + 1;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || strlen(argv[0]) != 1 ||
	    herd_parse_int(argv[1], 1, 1000, &n) < 0) {
		fputs(usage, stderr);
		return 2;
	}
	while (herd_rec_read(stdin, &r)) {
		if (r.type != argv[0][0])
			continue;
		if (want && strcmp(herd_rec_str(&r, (size_t)m - 1), want))
			continue;
		found = 1;
		if ((size_t)n <= r.nf)
			fwrite(r.f[n - 1].p, 1, r.f[n - 1].len, stdout);
		if (lines)
			putchar('\n');
	}
	herd_rec_free(&r);
	if (fflush(stdout) != 0)
		err(2, "stdout");
	return found ? 0 : 1;
}
