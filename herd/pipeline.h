/* pipeline.h — stages joined by pipes, run like a shell pipeline. */
#ifndef HERD_PIPELINE_H
#define HERD_PIPELINE_H

#include <sys/types.h>

#include "herd.h"

#define PIPELINE_MAX 8

struct stage {
	const char *prog;	/* herd-select, herd-run, ... */
	unsigned role;		/* what the stage is for (verb.h), or 0 */
	struct herd_strv argv;	/* arguments after the program name */
};

struct pipeline {
	struct stage stage[PIPELINE_MAX];
	int n;
};

struct stage *pipeline_add(struct pipeline *, const char *prog);
int pipeline_explain(struct pipeline *);
int pipeline_run(struct pipeline *);

/* spawn.c */
pid_t spawn(const char *prog, char *const argv[], int in, int out, int errfd);

/* execpath.c */
char *find_program(const char *prog);
char *exec_path(void);
void set_exec_path(const char *dir);

/* verbs.c: run or explain a composed verb; -1 when it is not one. */
int compose_verb(const char *verb, int argc, char **argv, int explain);
/* snapshot.c: herd snapshot list|show|diff|drift|export; -1 when ARGV is not one. */
int snapshot_verb(int argc, char **argv, int explain);

/* help.c */
int help(int argc, char **argv);
const char *shown(const char *);
extern const char usage[];

#endif
