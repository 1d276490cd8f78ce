/* template.h — text with {{.Name}} placeholders: recipes' steps, notification bodies. */
#ifndef HERD_TEMPLATE_H
#define HERD_TEMPLATE_H

#include <stddef.h>

/*
 * A part is literal text, TEXT[off, off+len), or a placeholder whose name
 * is TEXT[off, off+len) and which starts (its "{{") at AT.
 */
struct herd_tpl_part {
	int placeholder;
	size_t off, len, at;
};
struct herd_tpl {
	char *text;		/* the template up to its first NUL */
	struct herd_tpl_part *part;
	size_t n, cap;
};
/*
 * {{.NAME}}, spaces allowed inside the braces, NAME of letters, digits,
 * '_' and '-'.  0, or -1 with *err ("LINE:COL: what", to free).
 */
int herd_tpl_parse(struct herd_tpl *, const char *text, size_t len, char **err);
void herd_tpl_free(struct herd_tpl *);
/* "LINE:COL: WHAT" for the offset OFF of TEXT, to free. */
char *herd_tpl_where(const char *text, size_t off, const char *what);

#endif
