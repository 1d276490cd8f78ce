#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "herd.h"

void
herd_host_init(struct herd_host *h)
{
	memset(h, 0, sizeof *h);
	h->timeout_ms = -1;
}

void
herd_host_free(struct herd_host *h)
{
	free(h->name);
	free(h->address);
	free(h->user);
	herd_strv_free(&h->tags);
	herd_strv_free(&h->groups);
	herd_host_init(h);
}

static void
strv_copy(struct herd_strv *dst, const struct herd_strv *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		herd_strv_add(dst, src->v[i]);
}

void
herd_host_copy(struct herd_host *dst, const struct herd_host *src)
{
	herd_host_init(dst);
	dst->name = xstrdup(src->name);
	dst->address = xstrdup(src->address ? src->address : src->name);
	dst->user = src->user ? xstrdup(src->user) : NULL;
	dst->port = src->port;
	dst->timeout_ms = src->timeout_ms;
	strv_copy(&dst->tags, &src->tags);
	strv_copy(&dst->groups, &src->groups);
}

int
herd_host_has_tag(const struct herd_host *h, const char *tag)
{
	return herd_strv_has(&h->tags, tag);
}

/*
 * A host's address reaches a shell through ssh_config's %h in a
 * ProxyCommand: a name is letters, digits, '.', '-' and '_', and does not
 * start with '-' (an option to nc or ssh there).
 */
static const char *
name_error(const char *s, size_t n)
{
	size_t i;

	if (n && s[0] == '-')
		return "bad host name: it starts with '-'";
	for (i = 0; i < n; i++) {
		if (isalnum((unsigned char)s[i]) || strchr(".-_", s[i]))
			continue;
		if (s[i] && strchr(";&|<>()$`\\\"'!{}~*?^=%#", s[i]))
			return "bad character in host name: shell metacharacters are "
			    "refused (a ProxyCommand's shell would read them)";
		return "bad character in host name";
	}
	return NULL;
}

/* An IPv6 address, maybe with a %scope (fe80::1%eth0). */
static const char *
v6_error(const char *s, size_t n)
{
	size_t addr = strspn(s, "0123456789abcdefABCDEF:.");

	if (addr > n)
		addr = n;
	if (addr == n || (s[addr] == '%' && addr + 1 < n &&
	    strspn(s + addr + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") >= n - addr - 1))
		return NULL;
	return "bad character in IPv6 address";
}

/*
 * User names go into ssh_config's %r, which libssh hands to a shell in a
 * ProxyCommand: only the portable user-name characters (and '@').
 */
static int
valid_user(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-@", s[i]) || !s[i])
			return 0;
	return 1;
}

int
herd_valid_user(const char *s)
{
	return valid_user(s, strlen(s));
}

static int
parse_port(const char *s, int *port)
{
	long long v;

	if (herd_parse_int(s, 1, 65535, &v) < 0)
		return -1;
	*port = (int)v;
	return 0;
}

/*
 * Parse [user@]host[:port], [user@][v6addr][:port] or a bare IPv6 address.
 * The host's name is the spec without its user part.
 */
int
herd_host_parse(const char *spec, struct herd_host *h, const char **err)
{
	const char *at = strrchr(spec, '@'), *rest = at ? at + 1 : spec;
	const char *host = rest, *colon, *close;
	size_t hostlen;

	herd_host_init(h);
	if (at && !valid_user(spec, (size_t)(at - spec))) {
		*err = "bad user name (letters, digits, '.', '_', '-', '@'; not a leading '-')";
		return -1;
	}
	if (*rest == '[') {
		close = strchr(rest, ']');
		if (!close || close == rest + 1) {
			*err = "unterminated or empty [address]";
			return -1;
		}
		host = rest + 1;
		hostlen = (size_t)(close - host);
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] && !colon) {
			*err = "expected :port after ]";
			return -1;
		}
	} else {
		colon = strchr(rest, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* a bare IPv6 address */
		hostlen = colon ? (size_t)(colon - rest) : strlen(rest);
	}
	if (hostlen == 0) {
		*err = "empty host name";
		return -1;
	}
	if ((*err = *rest == '[' || memchr(host, ':', hostlen) ?
	    v6_error(host, hostlen) : name_error(host, hostlen)))
		return -1;
	if (colon && parse_port(colon + 1, &h->port) < 0) {
		*err = "port must be a number from 1 to 65535";
		return -1;
	}
	h->name = xstrdup(rest);
	h->address = xstrndup(host, hostlen);
	if (at)
		h->user = xstrndup(spec, (size_t)(at - spec));
	return 0;
}

/* H name address port user tags groups timeout_ms */
void
herd_host_write(FILE *out, const struct herd_host *h)
{
	char *tags = herd_strv_join(&h->tags, ","),
	     *groups = herd_strv_join(&h->groups, ",");

	herd_rec_start(out, 'H');
	herd_rec_fields(out, h->name);
	herd_rec_fields(out, h->address);
	if (h->port)
		herd_rec_fieldnum(out, h->port);
	else
		herd_rec_fields(out, "");
	herd_rec_fields(out, h->user);
	herd_rec_fields(out, tags);
	herd_rec_fields(out, groups);
	if (h->timeout_ms >= 0)
		herd_rec_fieldnum(out, h->timeout_ms);
	else
		herd_rec_fields(out, "");
	herd_rec_end(out);
	free(tags);
	free(groups);
}

/* Fill h from an H record; -1 if it is not a usable one. */
int
herd_host_from_rec(const struct herd_rec *r, struct herd_host *h)
{
	const char *s;
	long long v;

	herd_host_init(h);
	if (r->type != 'H' || !*herd_rec_str(r, 0))
		return -1;
	h->name = xstrdup(herd_rec_str(r, 0));
	s = herd_rec_str(r, 1);
	h->address = xstrdup(*s ? s : h->name);
	s = herd_rec_str(r, 2);
	if (*s && parse_port(s, &h->port) < 0)
		goto bad;
	s = herd_rec_str(r, 3);
	if (*s && !herd_valid_user(s))
		goto bad;
	if (*s)
		h->user = xstrdup(s);
	herd_strv_split(&h->tags, herd_rec_str(r, 4), ',');
	herd_strv_split(&h->groups, herd_rec_str(r, 5), ',');
	s = herd_rec_str(r, 6);
	if (*s) {
		if (herd_parse_int(s, 0, INT64_MAX, &v) < 0)
			goto bad;
		h->timeout_ms = v;
	}
	return 0;
bad:
	herd_host_free(h);
	return -1;
}

/* Names may hold any bytes but NUL; JSON gets them as valid UTF-8. */
static json_t *
json_str(const char *s)
{
	return herd_json_bytes(s, strlen(s));
}

static json_t *
strv_json(const struct herd_strv *sv)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sv->n; i++)
		json_array_append_new(a, json_str(sv->v[i]));
	return a;
}

json_t *
herd_host_json(const struct herd_host *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_str(h->name));
	json_object_set_new(o, "address", json_str(h->address));
	json_object_set_new(o, "port", h->port ? json_integer(h->port) : json_null());
	json_object_set_new(o, "user", h->user ? json_str(h->user) : json_null());
	json_object_set_new(o, "tags", strv_json(&h->tags));
	json_object_set_new(o, "groups", strv_json(&h->groups));
	json_object_set_new(o, "timeout_ms",
	    h->timeout_ms >= 0 ? json_integer(h->timeout_ms) : json_null());
	return o;
}

struct herd_host *
herd_hostlist_add(struct herd_hostlist *l)
{
	herd_grow(&l->h, &l->cap, l->n, sizeof *l->h);
	herd_host_init(&l->h[l->n]);
	return &l->h[l->n++];
}

void
herd_hostlist_free(struct herd_hostlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		herd_host_free(&l->h[i]);
	free(l->h);
	memset(l, 0, sizeof *l);
}
