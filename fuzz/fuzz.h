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

/* A stream reading DATA (which may be empty). */
FILE *fuzz_open(const void *data, size_t len);

/* A file name whose contents are DATA, until the next call with this slot (0..3). */
const char *fuzz_file(int slot, const void *data, size_t len);

/* What is written to the stream, collected (open_memstream). */
struct fuzz_out {
	FILE *f;
	char *p;
	size_t len;
};
void fuzz_out_open(struct fuzz_out *);
void fuzz_out_close(struct fuzz_out *);	/* p, len then hold the text, to free */

/* An oracle failed: say why (sanitizer report stream) and abort, a crash for libFuzzer. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* The first line of DATA (without its LF) and the rest after it. */
void fuzz_split_line(const uint8_t **data, size_t *size, char **line);

#endif
