/*
 * The line editor: libedit's editline with our own read function, which
 * waits on the terminal, the server (S records change the prompt while it
 * is shown) and Ctrl-C (it clears the line); a history file of its own
 * ($XDG_STATE_HOME/herd/repl_history, 0600); Tab completion (complete.c).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "ui.h"

#define HISTORY_SIZE 1000

static EditLine *el;
static History *hist;
static char *hist_path, *prompt;
static int hist_unsaved;	/* a line entered since the file was written */
static int cancelled;		/* Ctrl-C at the prompt: the line is dropped */

static char *
prompt_fn(EditLine *e)
{
	struct ui *ui;

	el_get(e, EL_CLIENTDATA, &ui);
	free(prompt);
	prompt = prompt_text(ui);
	return prompt;
}

/* A character from the terminal, serving the server and Ctrl-C meanwhile. */
static int
getc_fn(EditLine *e, wchar_t *wc)
{
	static mbstate_t mbs;
	struct pollfd p[3];
	struct ui *ui;
	size_t r;
	char c;
	ssize_t n;

	el_get(e, EL_CLIENTDATA, &ui);
	for (;;) {
		if (ui->prompt_dirty) {
			ui->prompt_dirty = 0;
			el_set(e, EL_REFRESH);
		}
		p[0] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		p[1] = (struct pollfd){ ui_sigpipe[0], POLLIN, 0 };
		p[2] = (struct pollfd){ ui->srv_gone ? -1 : ui->srv_out, POLLIN, 0 };
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return -1;
		if (ui_interrupted) {
			ui_sigpipe_drain();
			cancelled = 1;
			errno = EINTR;
			return -1;
		}
		if (p[2].revents)
			server_read(ui);
		if (ui->srv_gone) {
			warnx("herd-run --serve went away");
			return 0;
		}
		if (!p[0].revents)
			continue;
		if ((n = read(STDIN_FILENO, &c, 1)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		r = mbrtowc(wc, &c, 1, &mbs);
		if (r == (size_t)-2)
			continue;
		if (r == (size_t)-1) {
			memset(&mbs, 0, sizeof mbs);
			*wc = 0xfffd;
		}
		return 1;
	}
}

/* The history file, made 0600 in a directory made 0700 (with its parents). */
static char *
history_path(void)
{
	char *dir = herd_state_dir(), *p, *path;

	if (!dir)
		return NULL;
	for (p = strchr(dir + 1, '/'); ; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			warn("history not kept: %s", dir);
			free(dir);
			return NULL;
		}
		if (!p)
			break;
		*p = '/';
	}
	path = xasprintf("%s/repl_history", dir);
	free(dir);
	return path;
}

void
edit_history_save(void)
{
	HistEvent ev;
	FILE *f;
	int fd;

	if (!hist_path || !hist_unsaved)
		return;
	hist_unsaved = 0;
	if ((fd = open(hist_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    fchmod(fd, 0600) < 0 || !(f = fdopen(fd, "w"))) {
		warn("history not saved: %s", hist_path);
		if (fd >= 0)
			close(fd);
		free(hist_path);
		hist_path = NULL;
		return;
	}
	history(hist, &ev, H_SAVE_FP, f);
	fclose(f);
}

unsigned char complete_fn(EditLine *, int);	/* complete.c */

void
edit_init(struct ui *ui)
{
	HistEvent ev;

	if (!(el = el_init("herd", stdin, stdout, stderr)))
		errx(HERD_EXIT_RUNTIME, "libedit: cannot set up the terminal");
	el_set(el, EL_CLIENTDATA, ui);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_SIGNAL, 0);
	el_set(el, EL_PROMPT, prompt_fn);
	el_set(el, EL_GETCFN, getc_fn);
	hist = history_init();
	history(hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(hist, &ev, H_SETUNIQUE, 1);
	el_set(el, EL_HIST, history, hist);
	if ((hist_path = history_path()))
		history(hist, &ev, H_LOAD, hist_path);
	/* the wide call: the narrow one copies the names and never frees them */
	el_wset(el, EL_ADDFN, L"herd-complete", L"complete a selector, host, name or command",
	    complete_fn);
	el_set(el, EL_BIND, "^I", "herd-complete", NULL);
	el_source(el, NULL);
}

/* The next line (without its line feed, to free), or NULL at end of input. */
char *
edit_line(struct ui *ui)
{
	const char *line;
	int n;

	for (;;) {
		cancelled = 0;
		line = el_gets(el, &n);
		if (cancelled) {
			fputs("^C\n", stdout);
			el_reset(el);
			continue;
		}
		if (!line || n <= 0)
			return NULL;
		return xstrndup(line, strcspn(line, "\n"));
	}
}

void
edit_history(struct ui *ui, const char *line)
{
	HistEvent ev;

	if (!*line)
		return;
	history(hist, &ev, H_ENTER, line);
	hist_unsaved = 1;
}

void
edit_end(struct ui *ui)
{
	el_end(el);
	history_end(hist);
	free(hist_path);
	free(prompt);
}
