/* Durations: herd_parse_duration, herd_format_duration. */
#include <stdio.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in;
	long long ms;		/* -1: refused */
} parse[] = {
	{ "250ms", 250 }, { "30s", 30000 }, { "5m", 300000 }, { "2h", 7200000 },
	{ "30d", 2592000000LL }, { "1h30m", 5400000 }, { "1m1ms", 60001 },
	{ "1d2h3m4s5ms", 93784005 }, { "0", 0 }, { "0s", 0 }, { "0ms", 0 },
	{ "10", 10000 }, { "1.5", 1500 }, { "1.5s", 1500 }, { ".5s", 500 },
	{ "0.25m", 15000 }, { "0.5ms", 1 }, { "0.4ms", 0 },
	{ "007s", 7000 },
	{ "", -1 }, { "s", -1 }, { "ms", -1 }, { "10x", -1 }, { "1.s", -1 },
	{ ".", -1 }, { "1.", -1 }, { "1..5s", -1 }, { "1.5.5", -1 },
	{ "-1s", -1 }, { "+1s", -1 }, { " 1s", -1 }, { "1s ", -1 },
	{ "1h 30m", -1 }, { "1s5", -1 }, { "1H", -1 }, { "1S", -1 }, { "1e3", -1 },
	{ "1sec", -1 }, { "1min", -1 }, { "1w", -1 }, { "0x10", -1 },
	{ "99999999999999999999", -1 }, { "9999999999999d", -1 },
	{ "106751991167d", -1 },
};

static const struct {
	long long ms;
	const char *out;
} format[] = {
	{ 0, "0s" }, { 1, "1ms" }, { 250, "250ms" }, { 999, "999ms" },
	{ 1000, "1s" }, { 1001, "1s1ms" }, { 59999, "59s999ms" }, { 60000, "1m" },
	{ 90000, "1m30s" }, { 3600000, "1h" }, { 5400000, "1h30m" },
	{ 86400000, "1d" }, { 2592000000LL, "30d" }, { 93784005, "1d2h3m4s5ms" },
};

void
test_dur(void)
{
	char buf[64], small[4], what[80];
	long long ms, v;
	size_t i;
	int rc;

	for (i = 0; i < sizeof parse / sizeof parse[0]; i++) {
		ms = -1;
		rc = herd_parse_duration(parse[i].in, &ms);
		snprintf(what, sizeof what, "parse \"%s\"", parse[i].in);
		if (parse[i].ms < 0)
			CHECK(rc == -1, "%s: accepted as %lld ms, want refused", what, ms);
		else
			EQ_NUM(what, rc == 0 ? ms : -2, parse[i].ms);
	}
	for (i = 0; i < sizeof format / sizeof format[0]; i++) {
		snprintf(what, sizeof what, "format %lld", format[i].ms);
		EQ_STR(what, herd_format_duration(format[i].ms, buf, sizeof buf), format[i].out);
	}

	/* What is formatted reads back as the same duration. */
	for (v = 0, rc = 0; v < 200000000LL; v = v * 3 + 7) {
		herd_format_duration(v, buf, sizeof buf);
		if (herd_parse_duration(buf, &ms) < 0 || ms != v) {
			CHECK(0, "format %lld = \"%s\" reads back as %lld", v, buf, ms);
			rc = 1;
		}
	}
	CHECK(!rc, "format/parse round trip");

	/* A short buffer is cut, never overrun, and stays a string. */
	memset(small, 'X', sizeof small);
	herd_format_duration(93784005, small, sizeof small);
	CHECK(memchr(small, '\0', sizeof small) != NULL, "short buffer terminated");
	CHECK(strncmp(small, "1d2", 3) == 0, "short buffer holds the start: %.4s", small);

	CHECK(herd_mono_ms() > 0, "monotonic clock");
	CHECK(herd_now_ms() > 1600000000000LL, "wall clock after 2020");
}
