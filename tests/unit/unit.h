/* unit.h — a small unit-test driver for lib/ (tests/unit/README). */
#ifndef UNIT_H
#define UNIT_H

#include <stddef.h>

#include "herd.h"

/* Each check counts as one test; a failing one prints FILE:LINE and why. */
void unit_check(const char *file, int line, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void unit_str(const char *file, int line, const char *what, const char *got,
    const char *want);
void unit_mem(const char *file, int line, const char *what, const void *got,
    size_t gotlen, const void *want, size_t wantlen);
void unit_num(const char *file, int line, const char *what, long long got,
    long long want);

#define CHECK(cond, ...) unit_check(__FILE__, __LINE__, !!(cond), __VA_ARGS__)
#define EQ_STR(what, got, want) unit_str(__FILE__, __LINE__, (what), (got), (want))
#define EQ_MEM(what, got, gotlen, want, wantlen) \
	unit_mem(__FILE__, __LINE__, (what), (got), (gotlen), (want), (wantlen))
#define EQ_NUM(what, got, want) unit_num(__FILE__, __LINE__, (what), (got), (want))

/* A string vector as one "a b c" string, to free. */
char *unit_join(const struct herd_strv *);
/* Records read from a string (for herd_rec_read). */
int unit_rec_from(const char *data, size_t len, struct herd_rec *);

void test_dur(void);
void test_range(void);
void test_fold(void);
void test_tagexpr(void);
void test_host(void);
void test_rec(void);
void test_lines(void);
void test_serve(void);
void test_json(void);
void test_map(void);
void test_text(void);
void test_diff(void);
void test_mask(void);

#endif
