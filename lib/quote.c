#include <string.h>

#include "herd.h"

/*
 * Append s as one word for sh(1): as it is when it holds only characters
 * no shell treats specially, else in single quotes ('\'' for a quote).
 */
void
herd_shell_quote(struct herd_buf *b, const char *s)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,@+%";

	if (*s && strspn(s, plain) == strlen(s)) {
		herd_buf_adds(b, s);
		return;
	}
	herd_buf_addc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			herd_buf_adds(b, "'\\''");
		else
			herd_buf_addc(b, *s);
	herd_buf_addc(b, '\'');
}
