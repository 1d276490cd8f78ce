/* pipeline.h — stages joined by pipes, run like a shell pipeline. */
#ifndef HERD_PIPELINE_H
#define HERD_PIPELINE_H

#include "herd.h"

#define PIPELINE_MAX 8

struct stage {
	const char *prog;	/* herd-select, herd-run, ... */
	struct herd_strv argv;	/* arguments after the program name */
};

struct pipeline {
	struct stage stage[PIPELINE_MAX];
	int n;
};

struct stage *pipeline_add(struct pipeline *, const char *prog);
int pipeline_explain(struct pipeline *);
int pipeline_run(struct pipeline *);
char *herd_find_program(const char *prog);
int compose_verb(const char *verb, int argc, char **argv, int explain);

#endif
