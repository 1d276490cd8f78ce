/*
 * The command bar's commands: [SELECTORS] CMD (on the hosts the selectors
 * pick from the last results, else the tagged hosts, else all), watch CMD
 * [--interval DUR], tail PATH [--grep RE], diff PATH, recipe NAME
 * [k=v...].  A new command stops a watch or a tail.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"

static int
word_is(const char *line, const char *w, const char **rest)
{
	size_t n = strlen(w);

	if (strncmp(line, w, n) || (line[n] && !isspace((unsigned char)line[n])))
		return 0;
	*rest = line + n + strspn(line + n, " \t");
	return 1;
}

/* The hosts a command without selectors runs on: the tagged ones, else all. */
static void
default_hosts(struct dash *d, struct herd_strv *hosts)
{
	size_t i;

	for (i = 0; i < d->nrow; i++)
		if (d->row[i].tagged)
			herd_strv_add(hosts, d->ui->hosts[i].h.name);
	if (!hosts->n)
		target_names(d->ui, hosts);
}

/*
 * OPT VALUE cut from LINE (modified), at its start or at its end: VALUE,
 * or NULL; *LINE then the rest.
 */
static char *
cut_option(char **line, const char *opt)
{
	size_t n = strlen(opt);
	char *s = *line, *v, *end, *last;

	if (!strncmp(s, opt, n) && isspace((unsigned char)s[n])) {
		v = s + n + strspn(s + n, " \t");
		end = v + strcspn(v, " \t");
		if (*end)
			*end++ = '\0';
		*line = end + strspn(end, " \t");
		return v;
	}
	if (!(last = strrchr(s, ' ')) || last == s)
		return NULL;
	for (v = last; v > s && isspace((unsigned char)v[-1]); v--)
		;
	if ((size_t)(v - s) < n || strncmp(v - n, opt, n) || (v - n > s &&
	    !isspace((unsigned char)v[-n - 1])))
		return NULL;
	v[-n] = '\0';
	for (end = v - n; end > s && isspace((unsigned char)end[-1]); end--)
		end[-1] = '\0';
	return last + 1;
}

static int
start(struct dash *d, enum dash_mode mode, const char *shown, const char *remote)
{
	d->mode = mode;
	free(d->command);
	d->command = xstrdup(shown);
	free(d->message);
	d->message = NULL;
	d->rate_at = herd_now_ms();
	if (dash_ask(d, remote, &d->run_hosts, NULL, 0) < 0) {
		dash_message(d, "no hosts to run on");
		return -1;
	}
	return 0;
}

static void
watch(struct dash *d, char *arg)
{
	char *iv = cut_option(&arg, "--interval");
	long long ms = 2000;

	if (!iv)
		iv = cut_option(&arg, "-n");
	if (iv && (herd_parse_duration(iv, &ms) < 0 || ms < 100)) {
		dash_message(d, "watch: --interval: a duration such as 5s (100ms at least)");
		return;
	}
	if (!*arg) {
		dash_message(d, "watch: which command? watch CMD [--interval DUR]");
		return;
	}
	free(d->series);
	d->series = herd_run_id_new(herd_now_ms());
	d->seq = 0;
	d->interval_ms = ms;
	start(d, MODE_WATCH, arg, arg);
}

static void
tail(struct dash *d, char *arg)
{
	struct herd_buf cmd = { 0 };
	char *re = cut_option(&arg, "--grep");

	if (d->has_grep)
		regfree(&d->grep);
	d->has_grep = 0;
	if (re && regcomp(&d->grep, re, REG_EXTENDED | REG_NOSUB) != 0) {
		dash_message(d, "tail: --grep: not a regular expression");
		return;
	}
	d->has_grep = re != NULL;
	if (!*arg || strchr(arg, ' ')) {
		dash_message(d, "tail: which file? tail PATH [--grep RE]");
		return;
	}
	herd_buf_adds(&cmd, "tail -n 10 -F -- ");
	herd_shell_quote(&cmd, arg);
	start(d, MODE_TAIL, arg, cmd.p);
	herd_buf_free(&cmd);
}

static void
diff(struct dash *d, char *arg)
{
	struct herd_buf cmd = { 0 };

	if (!*arg || strchr(arg, ' ')) {
		dash_message(d, "diff: which file? diff PATH");
		return;
	}
	herd_buf_adds(&cmd, "cat -- ");
	herd_shell_quote(&cmd, arg);
	start(d, MODE_DIFF, arg, cmd.p);
	herd_buf_free(&cmd);
}

/* [@SEL] REST: the hosts into d->run_hosts; REST, or NULL (said why). */
static char *
hosts_of(struct dash *d, char *line)
{
	char *rest = line;

	herd_strv_free(&d->run_hosts);
	if (*line == '@') {
		rest = line + strcspn(line, " \t");
		if (*rest)
			*rest++ = '\0';
		rest += strspn(rest, " \t");
		if (dash_pick(d, line, &d->run_hosts) < 0)
			return NULL;
		if (!d->run_hosts.n) {
			dash_message(d, "the selector picks no host; nothing run");
			return NULL;
		}
	} else {
		default_hosts(d, &d->run_hosts);
	}
	return rest;
}

static void
command(struct dash *d, char *line)
{
	const char *arg;
	char *rest;

	if (!(rest = hosts_of(d, line)))
		return;
	if (!*rest)
		dash_message(d, "a command goes after the selector");
	else if (word_is(rest, "watch", &arg))
		watch(d, (char *)arg);
	else if (word_is(rest, "tail", &arg))
		tail(d, (char *)arg);
	else if (word_is(rest, "diff", &arg))
		diff(d, (char *)arg);
	else if (word_is(rest, "recipe", &arg))
		dash_recipe(d, arg);
	else
		start(d, MODE_EXEC, rest, rest);
}

/* LINE (NULL: the last one again), run. */
void
dash_command(struct dash *d, char *line)
{
	char *copy, *end;

	if (!line)
		line = d->last_line;
	if (!line)
		return;
	line += strspn(line, " \t");
	if (!*line)
		return;
	if (d->run_live && d->mode != MODE_WATCH && d->mode != MODE_TAIL) {
		dash_message(d, "a command is running: Ctrl-C cancels it");
		return;
	}
	dash_stop(d);
	copy = xstrdup(line);
	if (line != d->last_line) {
		free(d->last_line);
		d->last_line = xstrdup(line);
	}
	end = copy + strlen(copy);
	while (end > copy && isspace((unsigned char)end[-1]))
		*--end = '\0';
	command(d, copy);
	free(copy);
}

/* A watch's next run stops, a tail or a watch's run in flight is cancelled. */
void
dash_stop(struct dash *d)
{
	int was = d->mode == MODE_WATCH && d->interval_ms;

	d->interval_ms = 0;
	if (d->run_live && (d->mode == MODE_WATCH || d->mode == MODE_TAIL)) {
		dash_cancel(d);
		was = 1;
	}
	if (was)
		dash_message(d, "%s stopped", d->mode == MODE_TAIL ? "tail" : "watch");
	if (d->in_recipe)
		dash_recipe_stop(d);
}

void
dash_tick(struct dash *d, long long now)
{
	if (d->mode == MODE_WATCH && d->interval_ms && !d->run_live && now >= d->next_ms) {
		d->seq++;
		dash_ask(d, d->command, &d->run_hosts, NULL, 0);
	}
}

void
dash_run_ended(struct dash *d)
{
	size_t i, ok = 0, bad = 0;

	for (i = 0; i < d->nrow; i++) {
		if (!d->row[i].in_run)
			continue;
		ok += d->row[i].st == HERD_OK;
		bad += d->row[i].st != HERD_OK;
	}
	if (d->mode == MODE_RECIPE && dash_recipe_next(d))
		return;
	if (d->mode == MODE_WATCH && d->interval_ms) {
		d->next_ms = herd_now_ms() + d->interval_ms;
		return;
	}
	if (d->mode == MODE_TAIL)
		return;
	if (d->cancelled)
		dash_message(d, "cancelled: %zu ok, %zu not ok", ok, bad);
	else if (!d->message)
		dash_message(d, "done: %zu ok, %zu not ok", ok, bad);
}
