/* fuzz.h — what the libFuzzer targets of fuzz/ share (fuzz/README). */
#ifndef HERD_FUZZ_H
#define HERD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "herd.h"

/* Every program's main, renamed by the fuzz build (-Dmain=herd_prog_main). */
int herd_prog_main(int argc, char **argv);

/*
 * Call a program's main as the program would run: exit, err and errx
 * return here with the exit status instead of ending the process, atexit
 * is skipped, and what an exit left allocated is not reported as a leak
 * (the process would have ended).  Returns the exit status.
 */
int fuzz_main(int argc, char **argv);
/*
 * For LLVMFuzzerInitialize of a target that calls fuzz_main: fuzz_main
 * checks for leaks itself, libFuzzer's check (-detect_leaks) is turned off.
 */
void fuzz_main_init(int *argc, char ***argv);

/*
 * A stream reading DATA (which may be empty), buffered in a static buffer
 * of SLOT's (0 or 1): one stream of a slot open at a time.
 */
FILE *fuzz_open(int slot, const void *data, size_t len);

/* A file name whose contents are DATA, until the next call with this slot (0..3). */
const char *fuzz_file(int slot, const void *data, size_t len);

/*
 * A stream that collects what is written to it (slot 0 or 1), empty; the
 * same stream each time, so that its buffer is not allocated afresh.
 */
FILE *fuzz_out(int slot);
/* What was written to it since, valid until fuzz_out(slot) is called again. */
const char *fuzz_out_text(int slot, size_t *len);

/* An oracle failed: say why (sanitizer report stream) and abort, a crash for libFuzzer. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* The first line of DATA (without its LF) and the rest after it. */
void fuzz_split_line(const uint8_t **data, size_t *size, char **line);

#endif
