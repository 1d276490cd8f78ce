#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipeline.h"

struct stage *
pipeline_add(struct pipeline *pl, const char *prog)
{
	if (pl->n == PIPELINE_MAX)
		errx(HERD_EXIT_RUNTIME, "pipeline too long");
	pl->stage[pl->n].prog = prog;
	return &pl->stage[pl->n++];
}

static void
free_stages(struct pipeline *pl)
{
	int i;

	for (i = 0; i < pl->n; i++)
		herd_strv_free(&pl->stage[i].argv);
}

/* The pipeline as a shell command line, made safe for a terminal. */
int
pipeline_explain(struct pipeline *pl)
{
	struct herd_buf line = { 0 }, safe = { 0 };
	size_t j;
	int i;

	for (i = 0; i < pl->n; i++) {
		if (i)
			herd_buf_adds(&line, " | ");
		herd_buf_adds(&line, pl->stage[i].prog);
		for (j = 0; j < pl->stage[i].argv.n; j++) {
			herd_buf_addc(&line, ' ');
			herd_shell_quote(&line, pl->stage[i].argv.v[j]);
		}
	}
	herd_sanitize(&safe, line.p, line.len);
	printf("%s\n", safe.p);
	herd_buf_free(&line);
	herd_buf_free(&safe);
	free_stages(pl);
	return HERD_EXIT_OK;
}

static volatile sig_atomic_t interrupted;
static pid_t pids[PIPELINE_MAX];
static int npids;

/*
 * Ctrl-C at a terminal (sent by the kernel) reaches every stage by itself;
 * a signal some process sent to herd alone is passed on to the stages.
 */
static void
on_signal(int sig, siginfo_t *info, void *context)
{
	int i;

	interrupted = sig;
	if (info && info->si_code == SI_KERNEL)
		return;
	for (i = 0; i < npids; i++)
		if (pids[i] > 0)
			kill(pids[i], sig);
}

static void
exec_stage(struct stage *s, const sigset_t *mask)
{
	char **argv = xcalloc(s->argv.n + 2, sizeof *argv);
	char *path = find_program(s->prog);
	size_t i;

	if (!path) {
		warnx("%s: not found in the exec path (see herd --exec-path)", s->prog);
		_exit(127);
	}
	argv[0] = (char *)s->prog;
	for (i = 0; i < s->argv.n; i++)
		argv[i + 1] = s->argv.v[i];
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv(path, argv);
	warn("%s", path);
	_exit(127);
}

/*
 * The pipeline's status: 130 when interrupted (SIGINT, SIGTERM, SIGHUP); else the first stage that
 * failed hard (a status of 2 or more, or a signal other than SIGPIPE) —
 * the cause, not its consequences downstream; else the worst of 0 and 1.
 */
static int
pipeline_status(struct pipeline *pl, const int *status)
{
	int i, code, worst = HERD_EXIT_OK;

	if (interrupted)
		return HERD_EXIT_INTERRUPT;
	for (i = 0; i < pl->n; i++) {
		if (WIFSIGNALED(status[i])) {
			if (WTERMSIG(status[i]) == SIGPIPE)
				continue;
			if (WTERMSIG(status[i]) == SIGINT)
				return HERD_EXIT_INTERRUPT;
			warnx("%s was killed by signal %d", pl->stage[i].prog,
			    WTERMSIG(status[i]));
			return 128 + WTERMSIG(status[i]);
		}
		code = WEXITSTATUS(status[i]);
		if (code == HERD_EXIT_INTERRUPT || code == 128 + SIGPIPE)
			continue;
		if (code >= HERD_EXIT_USAGE) {
			warnx("%s failed (exit status %d)", pl->stage[i].prog, code);
			return code;
		}
		if (code > worst)
			worst = code;
	}
	for (i = 0; i < pl->n; i++)
		if (!WIFSIGNALED(status[i]) && WEXITSTATUS(status[i]) == HERD_EXIT_INTERRUPT)
			return HERD_EXIT_INTERRUPT;
	return worst;
}

int
pipeline_run(struct pipeline *pl)
{
	int status[PIPELINE_MAX], in = -1, fd[2], i, left, st, rc;
	struct sigaction sa = { 0 };
	sigset_t block, unblocked;
	pid_t pid;

	/* herd waits for its stages: an inherited "ignore SIGCHLD" would reap them */
	signal(SIGCHLD, SIG_DFL);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fflush(stdout);
	/*
	 * A signal that comes while the stages are forked waits until their
	 * pids are known, or the handler would pass it on to none of them.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	for (i = 0; i < pl->n; i++) {
		if (i + 1 < pl->n && pipe(fd) < 0)
			err(HERD_EXIT_RUNTIME, "pipe");
		if ((pid = fork()) < 0)
			err(HERD_EXIT_RUNTIME, "fork");
		if (pid == 0) {
			if (in >= 0) {
				dup2(in, STDIN_FILENO);
				close(in);
			}
			if (i + 1 < pl->n) {
				dup2(fd[1], STDOUT_FILENO);
				close(fd[0]);
				close(fd[1]);
			}
			exec_stage(&pl->stage[i], &unblocked);
		}
		pids[npids++] = pid;
		if (in >= 0)
			close(in);
		if (i + 1 < pl->n) {
			close(fd[1]);
			in = fd[0];
		}
	}
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	for (i = 0; i < pl->n; i++)
		status[i] = W_EXITCODE(127, 0);	/* a stage that cannot be waited for */
	for (left = pl->n; left > 0;) {
		pid = waitpid(-1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < npids; i++)
			if (pids[i] == pid) {
				status[i] = st;
				pids[i] = -1;
				left--;
			}
	}
	rc = pipeline_status(pl, status);
	free_stages(pl);
	return rc;
}
