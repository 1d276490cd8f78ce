/*
 * Starting a program beside herd (not as a pipeline's stage), its
 * standard descriptors given, herd's own where -1; herd_wait waits for it.
 */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "pipeline.h"

/*
 * PROG (a path, or a name looked up in $PATH) with ARGV, IN, OUT and ERR as
 * its standard input, output and error.  Descriptors to be closed in it are
 * the caller's to open close-on-exec.
 */
pid_t
spawn(const char *prog, char *const argv[], int in, int out, int errfd)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		err(HERD_EXIT_RUNTIME, "fork");
	if (pid)
		return pid;
	if ((in >= 0 && dup2(in, STDIN_FILENO) < 0) ||
	    (out >= 0 && dup2(out, STDOUT_FILENO) < 0) ||
	    (errfd >= 0 && dup2(errfd, STDERR_FILENO) < 0))
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execvp(prog, argv);
	warn("%s", prog);
	_exit(127);
}
