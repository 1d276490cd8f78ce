/*
 * The parser of a fleet snapshot's outputs (herd-hist/snapshot_parse.c):
 * the input is what a host printed for the inspection commands, sections
 * after "@@herd-snapshot NAME" lines.  Every field parsed must have a
 * name and a value within the limits, without a control byte, each name
 * once and found again by snap_get; parsing the same bytes again into the
 * fields gives the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../herd-hist/snapshot.h"

static void
check_text(const char *what, const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (!n || n > max)
		fuzz_fail("a field's %s of %zu bytes", what, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			fuzz_fail("a field's %s holds the control byte %#x", what,
			    (unsigned char)s[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snap_fields f = { 0 }, again = { 0 };
	size_t i;

	snap_parse((const char *)data, size, &f);
	if (f.name.n != f.value.n || f.name.n != f.index.n)
		fuzz_fail("%zu names, %zu values, %zu indexed", f.name.n, f.value.n,
		    f.index.n);
	for (i = 0; i < f.name.n; i++) {
		check_text("name", f.name.v[i], SNAP_NAME_MAX);
		check_text("value", f.value.v[i], SNAP_VALUE_MAX);
		if (snap_get(&f, f.name.v[i]) != f.value.v[i])
			fuzz_fail("field %s is not found again", f.name.v[i]);
		(void)snap_volatile(f.name.v[i]);
	}
	/* the same output parsed on top of its own fields changes nothing */
	snap_parse((const char *)data, size, &again);
	snap_parse((const char *)data, size, &again);
	if (again.name.n != f.name.n)
		fuzz_fail("parsed twice: %zu fields, once: %zu", again.name.n, f.name.n);
	for (i = 0; i < f.name.n; i++)
		if (strcmp(again.name.v[i], f.name.v[i]) || strcmp(again.value.v[i],
		    f.value.v[i]))
			fuzz_fail("parsed twice, field %zu differs", i);
	snap_fields_free(&f);
	snap_fields_free(&again);
	return 0;
}
