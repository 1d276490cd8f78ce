#include <string.h>

#include "herd.h"

/* Characters no shell treats specially anywhere in a word. */
#define PLAIN "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,@+%"

/* S as one word: as it is when it holds only PLAIN characters, else in single quotes. */
static void
quote(struct herd_buf *b, const char *s, const char *plain)
{
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

/* Append s as one word for sh(1) ('\'' for a quote). */
void
herd_shell_quote(struct herd_buf *b, const char *s)
{
	quote(b, s, PLAIN "=");
}

/*
 * The same, with a '=' quoted too: where a command name goes, NAME=VALUE
 * unquoted would set a variable (LD_PRELOAD=...) instead of being a word.
 */
void
herd_shell_word(struct herd_buf *b, const char *s)
{
	quote(b, s, PLAIN);
}
