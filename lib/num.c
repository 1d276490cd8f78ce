#include <errno.h>
#include <stdlib.h>

#include "herd.h"

/* Parse a whole decimal integer in [min, max]; 0 or -1. */
int
herd_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!*s || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
