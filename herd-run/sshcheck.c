/*
 * The keywords of ssh_config and their values, checked as OpenSSH 9.2
 * checks them when it reads a file: what ssh would refuse is an error.
 */
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshconf_int.h"

static const struct {
	const char *name;
	enum kw kw;
} used[] = {
	{ "host", K_HOST }, { "match", K_MATCH }, { "include", K_INCLUDE },
	{ "ignoreunknown", K_IGNOREUNKNOWN }, { "hostname", K_HOSTNAME },
	{ "user", K_USER }, { "port", K_PORT }, { "identityfile", K_IDENTITYFILE },
	{ "identitiesonly", K_IDENTITIESONLY }, { "proxyjump", K_PROXYJUMP },
	{ "proxycommand", K_PROXYCOMMAND },
	{ "userknownhostsfile", K_USERKNOWNHOSTSFILE },
	{ "globalknownhostsfile", K_GLOBALKNOWNHOSTSFILE },
	{ "stricthostkeychecking", K_STRICT }, { "connecttimeout", K_CONNECTTIMEOUT },
	{ "passwordauthentication", K_PASSWORDAUTH },
	{ "pubkeyauthentication", K_PUBKEYAUTH }, { "kexalgorithms", K_KEX },
};

/* The other keywords of OpenSSH 9.2 (with its aliases and obsolete ones). */
static const char *const others[] = {
	"addkeystoagent", "addressfamily", "afstokenpassing", "batchmode",
	"bindaddress", "bindinterface", "canonicaldomains",
	"canonicalizefallbacklocal", "canonicalizehostname", "canonicalizemaxdots",
	"canonicalizepermittedcnames", "casignaturealgorithms", "certificatefile",
	"challengeresponseauthentication", "checkhostip", "cipher", "ciphers",
	"clearallforwardings", "compression", "compressionlevel",
	"connectionattempts", "controlmaster", "controlpath", "controlpersist",
	"dsaauthentication", "dynamicforward", "enableescapecommandline",
	"enablesshkeysign", "escapechar", "exitonforwardfailure", "fallbacktorsh",
	"fingerprinthash", "forkafterauthentication", "forwardagent", "forwardx11",
	"forwardx11timeout", "forwardx11trusted", "gatewayports",
	"globalknownhostsfile2", "gssapiauthentication", "gssapiclientidentity",
	"gssapidelegatecredentials", "gssapikexalgorithms", "gssapikeyexchange",
	"gssapirenewalforcesrekey", "gssapiserveridentity", "gssapitrustdns",
	"hashknownhosts", "hostbasedacceptedalgorithms", "hostbasedauthentication",
	"hostbasedkeytypes", "hostkeyalgorithms", "hostkeyalias", "identityagent",
	"ipqos", "kbdinteractiveauthentication", "kbdinteractivedevices", "keepalive",
	"kerberosauthentication", "kerberostgtpassing", "knownhostscommand",
	"localcommand", "localforward", "loglevel", "logverbose", "macs",
	"nohostauthenticationforlocalhost", "numberofpasswordprompts",
	"permitlocalcommand", "permitremoteopen", "pkcs11provider",
	"preferredauthentications", "protocol", "proxyusefdpass",
	"pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "rekeylimit",
	"remotecommand", "remoteforward", "requesttty", "requiredrsasize",
	"revokedhostkeys", "rhostsauthentication", "rhostsrsaauthentication",
	"rsaauthentication", "securitykeyprovider", "sendenv", "serveralivecountmax",
	"serveraliveinterval", "sessiontype", "setenv", "skeyauthentication",
	"smartcarddevice", "stdinnull", "streamlocalbindmask",
	"streamlocalbindunlink", "syslogfacility", "tcpkeepalive",
	"tisauthentication", "tunnel", "tunneldevice", "updatehostkeys",
	"useprivilegedport", "userknownhostsfile2", "useroaming", "usersh",
	"verifyhostkeydns", "visualhostkey", "xauthlocation",
};

int
sshconf_fail(const struct line *l, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (l->file)
		*l->err = xasprintf("%s:%zu: %s", l->file, l->lineno, msg ? msg : "");
	else
		*l->err = xasprintf("-o %s: %s", l->text, msg ? msg : "");
	free(msg);
	return -1;
}

int
sshconf_keyword(const char *key, enum kw *kw)
{
	size_t i;

	for (i = 0; i < sizeof used / sizeof used[0]; i++)
		if (!strcasecmp(key, used[i].name)) {
			*kw = used[i].kw;
			return 0;
		}
	for (i = 0; i < sizeof others / sizeof others[0]; i++)
		if (!strcasecmp(key, others[i])) {
			*kw = K_OTHER;
			return 0;
		}
	return -1;
}

/* a2port(): a number from 1 to 65535, or a service name. */
static int
parse_port(const char *s)
{
	struct servent *se;
	long long v;

	if (*s == '+')
		s++;
	if (herd_parse_int(s, 1, 65535, &v) == 0)
		return (int)v;
	if (!isdigit((unsigned char)*s) && (se = getservbyname(s, "tcp")))
		return ntohs((uint16_t)se->s_port);
	return -1;
}

static int
parse_flag(const char *s, int pubkey)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true"))
		return 1;
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false"))
		return 0;
	if (pubkey && (!strcasecmp(s, "unbound") || !strcasecmp(s, "host-bound")))
		return 1;
	return -1;
}

static int
parse_strict(const char *s)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true"))
		return SHK_TRUE;
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off"))
		return SHK_FALSE;
	if (!strcasecmp(s, "ask"))
		return SHK_ASK;
	if (!strcasecmp(s, "accept-new"))
		return SHK_NEW;
	return -1;
}

/* One hop of a ProxyJump: [user@]host[:port], or ssh://[user@]host[:port][/]. */
static int
valid_hop(const char *hop)
{
	char *h = xstrdup(hop), *s = h, *at, *port = NULL, *end;
	int ok = 1;

	if (!strncmp(s, "ssh://", 6)) {
		s += 6;
		if ((end = strchr(s, '/')) && !end[1])
			*end = '\0';
	}
	if ((at = strrchr(s, '@'))) {
		ok = at > s;
		s = at + 1;
	}
	if (*s == '[') {		/* [v6address] or [v6address]:port */
		end = strchr(s, ']');
		ok = ok && end && end > s + 1 && (!end[1] || end[1] == ':');
		if (ok && end[1])
			port = end + 2;
	} else {
		ok = ok && *s && *s != ':';
		if ((port = strchr(s, ':')))
			port++;
	}
	if (ok && port)
		ok = parse_port(port) > 0;
	free(h);
	return ok;
}

static int
check_jump(const struct line *l, const char *jump)
{
	struct herd_strv hops = { 0 };
	size_t i;
	int ok = 1;

	if (!strcasecmp(jump, "none"))
		return 0;
	herd_strv_split(&hops, jump, ',');
	for (i = 0; i < hops.n && ok; i++)
		ok = valid_hop(hops.v[i]);
	herd_strv_free(&hops);
	return ok ? 0 : sshconf_fail(l, "ProxyJump: bad jump host \"%s\"", jump);
}

static int
check_tokens(const struct line *l, const char *key, const char *v, const char *allowed,
    int env)
{
	char *why;

	if (sshconf_check_tokens(v, allowed, env, &why) == 0)
		return 0;
	sshconf_fail(l, "%s \"%s\": %s", key, v, why);
	free(why);
	return -1;
}

/* The value of a keyword herd-run uses, checked as ssh checks it, into D. */
int
sshconf_value(const struct line *l, const char *key, enum kw kw, const char *rest,
    struct herd_strv *words, struct directive *d)
{
	const char *v = words->n ? words->v[0] : NULL;
	int single = kw != K_USERKNOWNHOSTSFILE && kw != K_GLOBALKNOWNHOSTSFILE &&
	    kw != K_PROXYJUMP && kw != K_PROXYCOMMAND && kw != K_IGNOREUNKNOWN;
	size_t i;

	if (!v || !*v)
		return sshconf_fail(l, "%s: missing argument", key);
	if (single && words->n > 1)
		return sshconf_fail(l, "%s: extra arguments at end of line", key);
	d->kw = kw;
	switch (kw) {
	case K_PORT:
		if ((d->num = parse_port(v)) < 0)
			return sshconf_fail(l, "Port: bad port \"%s\" (1 to 65535, or a service "
			    "name)", v);
		return 0;
	case K_IDENTITIESONLY:
	case K_PASSWORDAUTH:
	case K_PUBKEYAUTH:
		if ((d->num = parse_flag(v, kw == K_PUBKEYAUTH)) < 0)
			return sshconf_fail(l, "%s: unsupported option \"%s\" (yes or no)", key, v);
		return 0;
	case K_STRICT:
		if ((d->num = parse_strict(v)) < 0)
			return sshconf_fail(l, "%s: unsupported option \"%s\" (yes, no, ask, "
			    "accept-new or off)", key, v);
		return 0;
	case K_CONNECTTIMEOUT:
		if (!strcasecmp(v, "none"))
			d->num = -1;
		else if (sshconf_parse_time(v, &d->num) < 0)
			return sshconf_fail(l, "%s: invalid time value \"%s\" (seconds, or "
			    "such as 1m30s)", key, v);
		return 0;
	case K_HOSTNAME:
		if (check_tokens(l, key, v, SSH_TOKENS_HOSTNAME, 0) < 0)
			return -1;
		break;
	case K_IDENTITYFILE:
		if (check_tokens(l, key, v, SSH_TOKENS_PATH, 1) < 0)
			return -1;
		break;
	case K_USERKNOWNHOSTSFILE:
		for (i = 0; i < words->n; i++)
			if (check_tokens(l, key, words->v[i], SSH_TOKENS_PATH, 1) < 0)
				return -1;
		break;
	case K_GLOBALKNOWNHOSTSFILE:
		for (i = 0; i < words->n; i++)
			if (check_tokens(l, key, words->v[i], "", 0) < 0)
				return -1;
		break;
	case K_PROXYJUMP:
		if (check_tokens(l, key, v, SSH_TOKENS_PROXY, 0) < 0 ||
		    check_jump(l, v) < 0)
			return -1;
		herd_strv_add(&d->args, v);	/* ssh reads the first word only */
		return 0;
	case K_PROXYCOMMAND:
		if (check_tokens(l, key, rest, SSH_TOKENS_PROXY, 0) < 0)
			return -1;
		herd_strv_add(&d->args, rest);	/* a shell command, as written */
		return 0;
	default:
		break;
	}
	for (i = 0; i < words->n; i++)
		herd_strv_add(&d->args, words->v[i]);
	return 0;
}

/* Match: the criteria OpenSSH 9.2 knows, each with its argument. */
int
sshconf_check_match(const struct line *l, const struct herd_strv *w)
{
	static const char *const bare[] = { "all", "canonical", "final" };
	static const char *const witharg[] = { "exec", "host", "originalhost", "user",
		"localuser" };
	size_t i, k;
	const char *a;
	int found;

	for (i = 0; i < w->n; i++) {
		a = w->v[i][0] == '!' ? w->v[i] + 1 : w->v[i];
		for (found = 0, k = 0; k < sizeof bare / sizeof bare[0]; k++)
			found |= !strcasecmp(a, bare[k]);
		if (found)
			continue;
		for (k = 0; k < sizeof witharg / sizeof witharg[0]; k++)
			found |= !strcasecmp(a, witharg[k]);
		if (!found)
			return sshconf_fail(l, "Match: unsupported attribute \"%s\"", a);
		if (++i >= w->n)
			return sshconf_fail(l, "Match %s: missing argument", a);
	}
	return 0;
}
