/*
 * A line of input: [SELECTORS] COMMAND, a colon command, +HOSTS or -HOSTS
 * (the target set), or !COMMAND (a local command).
 */
#include <sys/wait.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

/* !COMMAND: sh -c COMMAND here, on the terminal; Ctrl-C is its. */
static void
local_command(const char *cmd)
{
	pid_t pid;
	int status;

	if (!*cmd) {
		fprintf(stderr, "herd-ui: !: a command to run here, e.g. !ls\n");
		return;
	}
	fflush(stdout);
	if ((pid = fork()) < 0) {
		warn("fork");
		return;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ui_sigpipe_drain();
}

/* @SEL COMMAND: COMMAND on the hosts SEL picks from the last run. */
static void
selected_command(struct ui *ui, char *line)
{
	struct herd_strv names = { 0 };
	char *cmd = line + strcspn(line, " \t"), *safe, *desc = NULL;

	if (*cmd)
		*cmd++ = '\0';
	cmd += strspn(cmd, " \t");
	if (!*cmd) {
		safe = herd_safe(line);
		fprintf(stderr, "herd-ui: %s: a command goes after the selector\n", safe);
		free(safe);
		return;
	}
	if (pick_last(ui, line, &names) < 0)
		return;
	safe = herd_safe(line);
	if (!names.n)
		printf("%s: no host of the last run; nothing run\n", safe);
	else
		run_command(ui, cmd, &names, (desc = names_selection(&names)));
	free(desc);
	free(safe);
	herd_strv_free(&names);
}

void
run_line(struct ui *ui, char *line)
{
	struct herd_strv names = { 0 };
	char *end = line + strlen(line), *arg;

	while (isspace((unsigned char)*line))
		line++;
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!*line)
		return;
	switch (*line) {
	case ':':
		arg = line + strcspn(line, " \t");
		if (*arg)
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		colon(ui, line + 1, arg);
		return;
	case '+':
		target_add(ui, line + 1);
		return;
	case '-':
		target_remove(ui, line + 1);
		return;
	case '!':
		local_command(line + 1);
		return;
	case '@':
		selected_command(ui, line);
		return;
	}
	if (!ui->ntarget) {
		fprintf(stderr, "herd-ui: no hosts to run on: add some with +HOSTS or "
		    ":group NAME\n");
		return;
	}
	target_names(ui, &names);
	run_command(ui, line, &names, NULL);
	herd_strv_free(&names);
}
