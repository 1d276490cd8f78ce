/*
 * mux-client: the mux client of herd-run (mux_client.c) alone, for tests.
 *   mux-client [-j] [-s] [-S] [-t MS] [-I FILE] [-F SSH_CONFIG] MODE COMMAND < H records
 * Hands COMMAND on the hosts of the H records read to the mux MODE (auto,
 * no, or a socket path) as one-shot herd-run --mux does: the header and
 * the H records on stdout, then the run's records (-j: JSON objects, no
 * header and H).  -s streams, -S sudo, -t the timeout, -I FILE the
 * commands' stdin.  Exit status that of
 * mux_client_run, or 4 when mux_client_open gave no mux.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../herd-run/listen.h"

int
main(int argc, char **argv)
{
	struct herd_mux_settings s = { .connect_timeout_ms = -1 };
	struct mux_request rq = {
		.timeout_ms = -1, .seq = -1, .selection = "", .kind = "", .series = "",
		.compare = "",
	};
	struct herd_hostlist hosts = { 0 };
	struct herd_rec r = { 0 };
	struct herd_buf in = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;
	int c, fd, rc;

	herd_init(argv[0]);
	while ((c = getopt(argc, argv, "jsSt:I:F:")) != -1) {
		switch (c) {
		case 'I':
			if (!(f = fopen(optarg, "r")))
				err(2, "%s", optarg);
			while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
				herd_buf_add(&in, chunk, n);
			fclose(f);
			rq.stdin_data = in.p ? in.p : "";
			rq.stdin_len = in.len;
			break;
		case 'j': rq.json = 1; break;
		case 's': rq.stream = 1; break;
		case 'S': rq.sudo = 1; break;
		case 't': rq.timeout_ms = atoll(optarg); break;
		case 'F': s.ssh_config = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind != 2)
		errx(2, "usage: mux-client [-j] [-s] [-S] [-t MS] [-I FILE] [-F FILE] MODE "
		    "COMMAND");
	while (herd_rec_read(stdin, &r))
		if (r.type == 'H' && herd_host_from_rec(&r, herd_hostlist_add(&hosts)) < 0)
			errx(2, "bad H record");
	herd_rec_free(&r);
	if ((fd = mux_client_open(argv[optind], &s, -1)) < 0) {
		herd_hostlist_free(&hosts);
		herd_buf_free(&in);
		return 4;
	}
	if (!rq.json) {
		herd_rec_header(stdout);
		for (n = 0; n < hosts.n; n++)
			herd_host_write(stdout, &hosts.h[n]);
	}
	rq.hosts = hosts.h;
	rq.nhosts = hosts.n;
	rq.command = argv[optind + 1];
	rc = mux_client_run(fd, &rq);
	herd_hostlist_free(&hosts);
	herd_buf_free(&in);
	return rc;
}
