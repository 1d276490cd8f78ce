/* Waiting for a child process. */
#include <errno.h>
#include <sys/wait.h>

#include "herd.h"

/* PID's exit status, a signal as 128 + it; HERD_EXIT_RUNTIME if it cannot be had. */
int
herd_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return HERD_EXIT_RUNTIME;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}
