#include <ctype.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "herd.h"

static const struct {
	const char *name;
	long long ms;
} units[] = {
	{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	{ "d", 86400000 },
};

static long long
unit_ms(const char **sp)
{
	size_t i, best = 0, bestlen = 0, len;

	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		len = strlen(units[i].name);
		if (strncmp(*sp, units[i].name, len) == 0 && len > bestlen) {
			best = i;
			bestlen = len;
		}
	}
	if (!bestlen)
		return -1;
	*sp += bestlen;
	return units[best].ms;
}

/*
 * Parse a duration: one or more <number><unit> terms (units ms s m h d;
 * the number may have a fraction), or a bare number of seconds.
 */
int
herd_parse_duration(const char *s, long long *out)
{
	long double total = 0, v, scale;
	long long u;
	int first = 1;

	if (!*s)
		return -1;
	for (; *s; first = 0) {
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		for (v = 0; isdigit((unsigned char)*s); s++)
			v = v * 10 + (*s - '0');
		if (*s == '.') {
			if (!isdigit((unsigned char)s[1]))
				return -1;
			for (s++, scale = 0.1L; isdigit((unsigned char)*s); s++, scale /= 10)
				v += (*s - '0') * scale;
		}
		if (!*s && first) {
			u = 1000;
		} else if ((u = unit_ms(&s)) < 0) {
			return -1;
		}
		total += v * u;
		if (total > (long double)INT64_MAX / 2)
			return -1;
	}
	*out = (long long)(total + 0.5L);
	return 0;
}

/* Format ms as the shortest exact duration string: 250ms, 30s, 1h30m, 30d. */
const char *
herd_format_duration(long long ms, char *buf, size_t len)
{
	size_t i, o = 0;
	long long q;

	if (ms == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	buf[0] = '\0';
	for (i = sizeof units / sizeof units[0]; i-- > 0 && ms > 0;) {
		q = ms / units[i].ms;
		if (!q)
			continue;
		ms -= q * units[i].ms;
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%lld%s", q,
		    units[i].name);
		if (o >= len)
			break;
	}
	return buf;
}

/* The duration option OPT's value S, or exit 2 saying why. */
long long
herd_duration_arg(const char *opt, const char *s)
{
	long long ms;

	if (herd_parse_duration(s, &ms) < 0)
		errx(HERD_EXIT_USAGE, "%s: expected a duration such as 30s, got %s", opt,
		    herd_safe(s));
	return ms;
}

/* Local time as YYYY-MM-DD HH:MM. */
const char *
herd_clock(long long ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "%lld", ms);
	return buf;
}

long long
herd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
herd_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The shortest interval of a watch (herd-run --every, herd watch --interval):
 * 5s; $HERD_MIN_INTERVAL, for the tests only, can lower it.
 */
long long
herd_watch_min_ms(void)
{
	const char *env = getenv("HERD_MIN_INTERVAL");
	long long ms;

	if (env && herd_parse_duration(env, &ms) == 0)
		return ms;
	return 5000;
}
