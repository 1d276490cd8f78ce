/* select_int.h — what lib/select.c shares with the files beside it. */
#ifndef HERD_SELECT_INT_H
#define HERD_SELECT_INT_H

#include "conf.h"

/* selcheck.c: 0, or -1 with a message (to free) in *err. */
int herd_select_check_groups(const struct herd_config *, const struct herd_strv *groups,
    char **err);
int herd_select_check_tags(const struct herd_hostlist *inv, const struct herd_strv *exprs,
    const struct herd_tagexpr *, size_t n, char **err);

#endif
