/*
 * unit [SUITE...] — run the unit tests of lib/ (every suite, or those
 * named) and end with "N passed, N failed"; exit 1 if any failed.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static long passed, failed;

static const struct {
	const char *name;
	void (*run)(void);
} suites[] = {
	{ "dur", test_dur },
	{ "range", test_range },
	{ "fold", test_fold },
	{ "tagexpr", test_tagexpr },
	{ "host", test_host },
	{ "rec", test_rec },
	{ "lines", test_lines },
	{ "serve", test_serve },
	{ "json", test_json },
	{ "map", test_map },
	{ "text", test_text },
	{ "diff", test_diff },
	{ "mask", test_mask },
};
#define NSUITES (sizeof suites / sizeof suites[0])

void
unit_check(const char *file, int line, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Bytes shown as a record field would hold them: controls escaped. */
static char *
shown(const void *p, size_t n)
{
	struct herd_buf b = { 0 };

	if (!p)
		return xstrdup("(null)");
	herd_buf_addc(&b, '"');
	herd_escape(&b, p, n);
	herd_buf_addc(&b, '"');
	return herd_buf_steal(&b);
}

void
unit_mem(const char *file, int line, const char *what, const void *got,
    size_t gotlen, const void *want, size_t wantlen)
{
	char *g, *w;

	if (got && want ? gotlen == wantlen && !memcmp(got, want, gotlen) : got == want) {
		passed++;
		return;
	}
	g = shown(got, gotlen);
	w = shown(want, wantlen);
	unit_check(file, line, 0, "%s: got %s, want %s", what, g, w);
	free(g);
	free(w);
}

void
unit_str(const char *file, int line, const char *what, const char *got, const char *want)
{
	unit_mem(file, line, what, got, got ? strlen(got) : 0, want, want ? strlen(want) : 0);
}

void
unit_num(const char *file, int line, const char *what, long long got, long long want)
{
	unit_check(file, line, got == want, "%s: got %lld, want %lld", what, got, want);
}

char *
unit_join(const struct herd_strv *sv)
{
	return herd_strv_join(sv, " ");
}

/* The first record of DATA (1), or 0; DATA must stay alive while r is read. */
int
unit_rec_from(const char *data, size_t len, struct herd_rec *r)
{
	FILE *f = fmemopen((void *)data, len, "r");
	int ok;

	if (!f)
		err(3, "fmemopen");
	ok = herd_rec_read(f, r);
	fclose(f);
	return ok;
}

int
main(int argc, char **argv)
{
	size_t i;
	int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 1; k < argc; k++) {
		for (i = 0; i < NSUITES && strcmp(argv[k], suites[i].name); i++)
			;
		if (i == NSUITES)
			errx(2, "no suite %s", argv[k]);
	}
	for (i = 0; i < NSUITES; i++) {
		for (k = 1; k < argc && strcmp(argv[k], suites[i].name); k++)
			;
		if (argc == 1 || k < argc)
			suites[i].run();
	}
	printf("%ld passed, %ld failed\n", passed, failed);
	return failed ? 1 : 0;
}
