/* hdiff A B: herd's unified diff of two files, hunks only, like diff -u | tail -n +3. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "herd.h"

static void
slurp(const char *path, struct herd_buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		err(2, "%s", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		herd_buf_add(b, chunk, n);
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct herd_buf a = { 0 }, b = { 0 }, out = { 0 };
	size_t changed;

	if (argc != 3)
		errx(2, "usage: hdiff A B");
	slurp(argv[1], &a);
	slurp(argv[2], &b);
	changed = herd_diff(a.p ? a.p : "", a.len, b.p ? b.p : "", b.len, 3, &out);
	fwrite(out.p ? out.p : "", 1, out.len, stdout);
	herd_buf_free(&a);
	herd_buf_free(&b);
	herd_buf_free(&out);
	return changed ? 1 : 0;
}
