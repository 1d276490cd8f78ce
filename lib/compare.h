/*
 * compare.h — two runs of one command compared host by host: which hosts
 * kept their result, which changed (hosts with the same change together),
 * which came or went.  For herd-hist diff, --diff-last and watch mode.
 */
#ifndef HERD_COMPARE_H
#define HERD_COMPARE_H

#include "records.h"

struct herd_change {
	struct herd_strv hosts;		/* in the new run's order */
	const struct herd_result *old, *new;	/* one host's, for all of them */
};

struct herd_comparison {
	struct herd_strv unchanged;
	struct herd_change *change;
	size_t nchange;
	struct herd_strv added;		/* a result in the new run only */
	struct herd_strv removed;	/* a result in the old run only */
};

/* Compare by result identity (the R record's sha256). */
void herd_compare(const struct herd_result *old, size_t nold,
    const struct herd_result *new, size_t nnew, struct herd_comparison *);
void herd_comparison_free(struct herd_comparison *);
size_t herd_comparison_changed(const struct herd_comparison *);	/* hosts */

/* What is compared of a result, as text: status line when not ok, stdout, stderr lines. */
void herd_compare_text(const struct herd_result *, struct herd_buf *);
/* A change as a unified diff headed by --- OLD_LABEL and +++ NEW_LABEL. */
void herd_change_diff(const struct herd_change *, const char *old_label,
    const char *new_label, struct herd_buf *);

/*
 * The comparison for people, made safe for a terminal:
 *    N hosts unchanged since SINCE
 *    N hosts changed: (each change: hosts, then the diff, indented)
 *    N hosts new since then: / N hosts gone since then:
 * FOLD: host lists as ranges.  The summary line "N unchanged, N changed, N new,
 * N gone" is herd_comparison_summary's.
 */
void herd_comparison_print(FILE *, const struct herd_comparison *, const char *since,
    const char *old_label, const char *new_label, int fold);
void herd_comparison_summary(FILE *, const struct herd_comparison *);
/* {"unchanged": [hosts], "changed": [{"hosts", "diff"}], "added", "removed"} */
struct json_t *herd_comparison_json(const struct herd_comparison *, const char *old_label,
    const char *new_label);

#endif
