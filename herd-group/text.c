/*
 * Text for people: remote bytes made safe line by line, fields that must
 * stay on one line, host lists wrapped at the terminal's width, and
 * outputs cut at --lines.
 */
#include <string.h>

#include "group.h"

const char *
color(const struct out *out, const char *code)
{
	return out->o->color ? code : "";
}

/*
 * Bytes made safe for a terminal that stay on one line: a line feed is
 * shown as ^J, so that an error or a host name cannot start a line that
 * looks like one of ours.
 */
void
safe_line(struct herd_buf *b, const void *data, size_t n)
{
	const char *p = data, *end, *nl;

	herd_buf_adds(b, "");
	if (!n)
		return;
	for (end = p + n; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p)))) {
			herd_sanitize(b, p, (size_t)(end - p));
			break;
		}
		herd_sanitize(b, p, (size_t)(nl - p));
		herd_buf_adds(b, "^J");
	}
}

size_t
count_lines(const char *p, size_t n)
{
	const char *end, *nl;
	size_t lines = 0;

	if (!n)
		return 0;
	for (end = p + n; p < end; p = nl ? nl + 1 : end, lines++)
		nl = memchr(p, '\n', (size_t)(end - p));
	return lines;
}

/*
 * A host list ("a, b[1-3], c") made safe, after lead (leadwidth columns
 * wide on the screen), wrapped between names at the terminal's width onto
 * lines that start with indent; tail (safe already) ends its last line.
 */
void
put_hosts(struct out *out, const char *list, const char *lead, size_t leadwidth,
    const char *indent, const char *tail)
{
	struct herd_buf safe = { 0 };
	const char *p, *end, *sep;
	size_t col, len, ind = strlen(indent);

	safe_line(&safe, list, strlen(list));
	fputs(lead, out->f);
	col = leadwidth;
	end = safe.p + safe.len;
	for (p = safe.p; p < end; p = sep ? sep + 2 : end) {
		sep = strstr(p, ", ");
		len = (size_t)((sep ? sep : end) - p);
		if (p != safe.p) {
			/* room for the name, and the comma after it if one follows */
			if (out->o->width && col + 2 + len + (sep != NULL) >
			    (size_t)out->o->width) {
				fprintf(out->f, ",\n%s", indent);
				col = ind;
			} else {
				fputs(", ", out->f);
				col += 2;
			}
		}
		fwrite(p, 1, len, out->f);
		col += len;
	}
	fprintf(out->f, "%s\n", tail);
	herd_buf_free(&safe);
}

void
put_more(struct out *out, long more, const char *indent)
{
	fprintf(out->f, "%s%s... %ld more line%s (--lines 0 for all)%s\n", indent,
	    color(out, DIM), more, more == 1 ? "" : "s", color(out, RESET));
}

/*
 * Each line of remote text, made safe, after indent and prefix; *shown
 * counts the lines shown against --lines, *total all of them.
 */
void
put_lines(struct out *out, const char *p, size_t n, const char *prefix, const char *indent,
    long *shown, long *total)
{
	struct herd_buf line = { 0 };
	const char *end = p + n, *nl;

	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		++*total;
		if (out->o->lines && *shown >= out->o->lines)
			continue;
		herd_buf_reset(&line);
		herd_buf_adds(&line, "");
		herd_sanitize(&line, p, (size_t)((nl ? nl : end) - p));
		fprintf(out->f, "%s%s%s\n", indent, prefix, line.p);
		++*shown;
	}
	herd_buf_free(&line);
}
