#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run.h"

/* What libssh says, and what it means for the user. */
static const struct class {
	const char *needle;	/* in the libssh error, case-insensitive */
	const char *reason;
	const char *hint;
} classes[] = {
	{ "too many open files", "local: out of file descriptors",
	  "raise the open-file limit (ulimit -n) or lower --concurrency" },
	{ "refused", "connect: connection refused",
	  "check that sshd is running and listening on that port" },
	{ "resolve hostname", "DNS: cannot resolve the host name",
	  "check the name, /etc/hosts, or HostName in ssh_config" },
	{ "no route", "connect: no route to host",
	  "check the address and the network path to the host" },
	{ "network is unreachable", "connect: network unreachable",
	  "check the address and the network path to the host" },
	{ "timeout", "connect: timed out",
	  "host down or port filtered? raise --connect-timeout if it is just slow" },
	{ "timed out", "connect: timed out",
	  "host down or port filtered? raise --connect-timeout if it is just slow" },
	{ "reset by peer", "disconnected: connection reset by the host",
	  "sshd dropped the connection (MaxStartups, reboot, OOM?)" },
	{ "disconnected", "disconnected: the host closed the connection",
	  "sshd dropped the connection (MaxStartups, reboot, OOM?)" },
	{ "closed", "disconnected: the host closed the connection",
	  "sshd dropped the connection (MaxStartups, reboot, OOM?)" },
	{ "socket error", "disconnected: socket error",
	  "the connection broke; retry, and check the network and the host" },
	{ "broken pipe", "disconnected: broken pipe",
	  "the connection broke; retry, and check the network and the host" },
};

void
outcome_fail(struct outcome *r, enum job_status status, char *error, const char *hint)
{
	free(r->error);
	r->error = error;
	r->hint = hint;
	r->status = status;
}

/* A hint made for this one (freed with it). */
void
outcome_hint(struct outcome *r, char *hint)
{
	free(r->hint_own);
	r->hint = r->hint_own = hint;
}

void
outcome_copy(struct outcome *dst, const struct outcome *src)
{
	outcome_fail(dst, src->status, src->error ? xstrdup(src->error) : NULL, src->hint);
	if (src->hint && src->hint == src->hint_own)
		outcome_hint(dst, xstrdup(src->hint));
}

void
outcome_free(struct outcome *r)
{
	free(r->error);
	free(r->hint_own);
	memset(r, 0, sizeof *r);
}

/* The error reason and hint from a libssh error message. */
void
classify(struct outcome *j, const char *msg)
{
	size_t i;

	if (!msg)
		msg = "";
	free(j->error);
	j->status = S_FAILED;
	for (i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strcasestr(msg, classes[i].needle)) {
			/* libssh's words only when they say more than ours */
			if (strcasestr(classes[i].reason, msg))
				j->error = xstrdup(classes[i].reason);
			else
				j->error = xasprintf("%s (%s)", classes[i].reason, msg);
			j->hint = classes[i].hint;
			return;
		}
	j->error = xasprintf("ssh: %s", *msg ? msg : "unknown error");
	j->hint = "try ssh -v to the host for details";
}
