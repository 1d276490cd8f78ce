/*
 * herd tunnel -L [BIND:]LPORT:RHOST:RPORT [HOSTS...]: a local port per host
 * forwarded to RHOST:RPORT as the host sees it, until Ctrl-C,
 *   herd-select SELECTION | herd-run --forward SPEC | herd-group --tunnel
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb.h"
#include "fwdspec.h"

const char tunnel_help[] =
    "usage: herd tunnel -L [BIND:]LPORT:RHOST:RPORT [options] [HOSTS...]\n"
    "Forwards a local port per selected host to RHOST:RPORT as that host\n"
    "reaches it (ssh -L), all over one kept connection per host, until Ctrl-C:\n"
    "  herd-select SELECTION | herd-run --forward SPEC | herd-group --tunnel\n"
    "The first host gets LPORT, the next LPORT+1, ... in host order, on\n"
    "127.0.0.1 (or BIND); a line per host once its forward is up:\n"
    "  127.0.0.1:8080 \u2192 web-01 \u2192 localhost:80\n"
    "Each local connection is a channel of its own: many at once through one\n"
    "port.  Every port is bound before anything connects: a port in use is\n"
    "an error naming it (exit 3), and nothing is forwarded.  A host that drops\n"
    "is said on one line and connected again with backoff (1s, doubling up to\n"
    "30s) while its port stays; connections made to its port meanwhile are\n"
    "closed.  Ctrl-C closes every port and channel.\n"
    "  -L, --forward SPEC  [BIND:]LPORT:RHOST:RPORT (BIND, RHOST: [IPv6] too)\n"
    "  selection and SSH options as herd exec (herd help exec)\n"
    "Exit: 130 on Ctrl-C; 2 usage error; 3 a port in use (or another system\n"
    "error).\n";

void
check_tunnel(struct args *a)
{
	const char *spec = args_value(a, "forward"), *why;
	struct herd_fwdspec f;

	if (!spec)
		errx(HERD_EXIT_USAGE, "tunnel: which port? give -L [BIND:]LPORT:RHOST:RPORT, "
		    "such as -L 8080:localhost:80");
	if (herd_fwdspec_parse(spec, &f, &why) < 0)
		errx(HERD_EXIT_USAGE, "tunnel: -L %s: %s", shown(spec), why);
	herd_fwdspec_free(&f);
	if (a->dashdash)
		errx(HERD_EXIT_USAGE, "tunnel: no -- : give the HOSTS after -L SPEC");
}

void
build_tunnel(struct pipeline *pl, const struct args *a)
{
	struct stage *run = stage_of(pl, RUN);
	const char *spec = args_value(a, "forward");
	struct herd_strv hosts = { 0 };
	char *selection;
	size_t i;

	for (i = 0; i < a->words.n; i++)
		herd_strv_add(&hosts, a->words.v[i]);
	for (i = 0; i < hosts.n; i++)
		herd_strv_add(&stage_of(pl, SELECT)->argv, hosts.v[i]);
	selection = selection_text(a, &hosts);
	herd_strv_add(&run->argv, "--selection");
	herd_strv_add(&run->argv, selection);
	herd_strv_add(&run->argv, "--forward");
	herd_strv_add(&run->argv, spec ? spec : "SPEC");
	herd_strv_add(&stage_of(pl, GROUP)->argv, "--tunnel");
	free(selection);
	herd_strv_free(&hosts);
}
