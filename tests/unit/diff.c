/*
 * Unified diffs: herd_diff's hunks are those of diff -u (less its ---/+++
 * lines) on hand-made pairs and on 300 generated ones, as the generator of
 * tests/group.bats makes them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define TEN "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\n"
#define TEN_NO_LF "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10"

static const struct {
	const char *a, *b;
} hand[] = {
	{ TEN, "l1\nl2\nl3\nl4\nL5\nl6\nl7\nl8\nl9\nl10\n" },	/* a changed line */
	{ TEN, "X\n" TEN },					/* inserted at the start */
	{ TEN, TEN "X\n" },					/* appended */
	{ TEN, "l2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\n" },	/* first line deleted */
	{ TEN, "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\n" },	/* last line deleted */
	{ TEN, "l1\nl2\nl3\nl7\nl8\nl9\nl10\n" },		/* lines deleted inside */
	{ TEN, TEN_NO_LF },					/* final newline lost */
	{ TEN_NO_LF, TEN },					/* final newline gained */
	{ TEN_NO_LF, "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nL10\n" },	/* both changed */
	{ TEN_NO_LF, TEN_NO_LF "X" },				/* last line grows */
	{ "", TEN }, { TEN, "" }, { "", "\n" }, { "x", "" },
	{ TEN, "l1\nL2\nl3\nl4\nl5\nl6\nl7\nl8\nL9\nl10\n" },	/* 6 apart: one hunk */
	{ TEN, "L1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nL9\nl10\n" },	/* 7 apart: two */
	{ "a\nb\na\nb\na\nb\n", "b\na\nb\na\nb\na\n" },		/* ambiguous */
	{ "\n\n\nx\n\n\n", "\n\nx\n\n\n\n" },			/* blank lines */
	{ "a\n", "e\ne\na\na\nd\nc\n" },			/* more than one way */
	{ "}\n}\n}\n", "}\n}\n}\n}\n" },			/* added to a run of equals */
	{ "same\n", "same\n" },
};

/* The generator of tests/group.bats (gen_pair), an awk LCG. */
struct gen {
	uint64_t seed;
	unsigned alpha;
};

static unsigned
rnd(struct gen *g, unsigned n)
{
	g->seed = (g->seed * 69069 + 12345) % 4294967296ULL;
	return (unsigned)(g->seed / 65536 % n);
}

static char
letter(struct gen *g)
{
	return (char)('a' + rnd(g, g->alpha));
}

static void
put_lines(struct gen *g, struct herd_buf *out, const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		herd_buf_addc(out, l[i]);
		if (i < n - 1 || rnd(g, 5))
			herd_buf_addc(out, '\n');
	}
}

static void
gen_pair(unsigned seed, struct herd_buf *a, struct herd_buf *b)
{
	struct gen g = { seed, 0 };
	char A[300], B[300 * 2 + 8], l;
	unsigned n, p, i, r, na = 0, nb = 0;
	int k;

	for (i = 0; i < 3; i++)
		rnd(&g, 2);
	g.alpha = 2 + rnd(&g, rnd(&g, 2) ? 4 : 25);
	n = rnd(&g, 4) ? rnd(&g, 30) : rnd(&g, 300);
	p = 2 + rnd(&g, rnd(&g, 2) ? 6 : 40);
	for (i = 0; i < n; i++) {
		l = letter(&g);
		A[na++] = l;
		r = rnd(&g, p);
		if (r == 0)
			continue;
		if (r == 1) {
			B[nb++] = letter(&g);
			continue;
		}
		if (r == 2)
			B[nb++] = letter(&g);
		B[nb++] = l;
	}
	if (!rnd(&g, p))
		for (k = (int)rnd(&g, 5); k >= 0; k--)
			B[nb++] = letter(&g);
	herd_buf_adds(a, "");
	herd_buf_adds(b, "");
	put_lines(&g, a, A, na);
	put_lines(&g, b, B, nb);
}

static void
write_file(const char *path, const struct herd_buf *b)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
		perror(path);
		exit(3);
	}
}

/* diff -u A B without its first two lines. */
static void
diff_u(const char *dir, struct herd_buf *out)
{
	char cmd[256], chunk[4096];
	size_t n, skip;
	FILE *p;

	snprintf(cmd, sizeof cmd, "diff -u %s/a %s/b", dir, dir);
	if (!(p = popen(cmd, "r"))) {
		perror("diff");
		exit(3);
	}
	herd_buf_adds(out, "");
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		herd_buf_add(out, chunk, n);
	pclose(p);
	for (skip = 0, n = 0; n < out->len && skip < 2; n++)
		skip += out->p[n] == '\n';
	memmove(out->p, out->p + n, out->len - n + 1);
	out->len -= n;
}

/* herd_diff and diff -u agree on A and B; 1 if they do. */
static int
same_as_diff_u(const char *dir, const char *what, const struct herd_buf *a,
    const struct herd_buf *b)
{
	struct herd_buf got = { 0 }, want = { 0 };
	int ok;

	write_file("a", a);
	write_file("b", b);
	herd_buf_adds(&got, "");
	herd_diff(a->p, a->len, b->p, b->len, 3, &got);
	diff_u(dir, &want);
	ok = got.len == want.len && !memcmp(got.p, want.p, got.len);
	if (!ok)
		EQ_MEM(what, got.p, got.len, want.p, want.len);
	herd_buf_free(&got);
	herd_buf_free(&want);
	return ok;
}

void
test_diff(void)
{
	char dir[] = "/tmp/herd-unit-diff.XXXXXX", what[64], old[4096];
	struct herd_buf a = { 0 }, b = { 0 }, out = { 0 };
	size_t i, bad = 0;

	if (!getcwd(old, sizeof old) || !mkdtemp(dir) || chdir(dir) < 0) {
		perror(dir);
		exit(3);
	}
	for (i = 0; i < sizeof hand / sizeof hand[0]; i++) {
		herd_buf_reset(&a);
		herd_buf_reset(&b);
		herd_buf_adds(&a, hand[i].a);
		herd_buf_adds(&b, hand[i].b);
		snprintf(what, sizeof what, "diff of hand-made pair %zu", i);
		CHECK(same_as_diff_u(dir, what, &a, &b), "%s as diff -u", what);
	}
	for (i = 1; i <= 300; i++) {
		herd_buf_reset(&a);
		herd_buf_reset(&b);
		gen_pair((unsigned)i, &a, &b);
		snprintf(what, sizeof what, "diff of generated pair %zu", i);
		if (!same_as_diff_u(dir, what, &a, &b) && ++bad >= 3)
			break;
	}
	CHECK(bad == 0, "300 generated pairs as diff -u: %zu differ", bad);

	herd_buf_adds(&out, "");
	CHECK(herd_diff("x\n", 2, "x\n", 2, 3, &out) == 0 && out.len == 0,
	    "equal texts: no hunk, nothing changed");
	CHECK(herd_diff("x\n", 2, "y\n", 2, 3, &out) == 2, "one line changed counts 2");
	herd_buf_free(&out);
	herd_buf_free(&a);
	herd_buf_free(&b);
	unlink("a");
	unlink("b");
	if (chdir(old) < 0 || rmdir(dir) < 0)
		perror(dir);
}
