/*
 * Recipes: the built-in ones, finding one by name (the config's first),
 * their parameters' values from --set, and their steps made commands:
 * every value put in by a placeholder is shell-quoted, so that it is one
 * word of data whatever it holds.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "template.h"

struct builtin {
	const char *name, *description;
	const char *param, *def, *param_description;	/* one parameter at most */
	const char *steps[3];
};

static const struct builtin builtins[] = {
	{ "disk-check", "Disk usage of the root file system", NULL, NULL, NULL,
	  { "df -h /" } },
	{ "log-tail", "The last lines of a log file", "path", "/var/log/syslog",
	  "the log file", { "tail -n 20 -- {{.path}}" } },
	{ "os-version", "The operating system and kernel", NULL, NULL, NULL,
	  { ". /etc/os-release && echo \"$PRETTY_NAME\"; uname -sr" } },
	{ "port-check", "Whether something listens on a TCP port", "port", "22",
	  "the TCP port", { "ss -Hltn sport = :{{.port}} | grep -q . && echo listening "
	  "|| { echo not listening; exit 1; }" } },
	{ "reboot-check", "Whether a reboot is required, and the uptime", NULL, NULL, NULL,
	  { "if [ -e /var/run/reboot-required ]; then echo reboot required; else echo "
	  "no reboot required; fi", "uptime" } },
	{ "service-check", "Whether a systemd service is active; the status where not",
	  "service", "sshd", "the systemd unit",
	  { "systemctl is-active -- {{.service}}",
	    "@differs systemctl status --no-pager -- {{.service}}" } },
	{ "uptime", "Uptime and load", NULL, NULL, NULL, { "uptime" } },
	{ "user-audit", "Accounts with a login shell, and who is logged in", NULL, NULL,
	  NULL, { "getent passwd | awk -F: '$7 !~ /(nologin|false|sync)$/ { print $1 }'",
	  "who" } },
};
#define NBUILTIN (sizeof builtins / sizeof builtins[0])

static const char *const vars[] = { "Host", "Group", "Timestamp" };

static const struct herd_recipe *
builtin(size_t i)
{
	static struct herd_recipe made[NBUILTIN];
	static struct herd_param params[NBUILTIN];
	const struct builtin *b = &builtins[i];
	struct herd_recipe *r = &made[i];
	size_t j;

	if (r->name)
		return r;
	r->name = (char *)b->name;
	r->description = (char *)b->description;
	if (b->param) {
		params[i] = (struct herd_param){ (char *)b->param, (char *)b->def,
		    (char *)b->param_description, 0 };
		r->params = &params[i];
		r->nparams = 1;
	}
	for (j = 0; j < 3 && b->steps[j]; j++)
		herd_strv_add(&r->steps, b->steps[j]);
	return r;
}

const struct herd_recipe *
herd_recipe_find(const struct herd_config *cfg, const char *name, int *is_builtin)
{
	size_t i;

	*is_builtin = 0;
	for (i = 0; i < cfg->nrecipes; i++)
		if (!strcmp(cfg->recipes[i].name, name))
			return &cfg->recipes[i];
	*is_builtin = 1;
	for (i = 0; i < NBUILTIN; i++)
		if (!strcmp(builtins[i].name, name))
			return builtin(i);
	return NULL;
}

void
herd_recipe_names(const struct herd_config *cfg, struct herd_strv *names)
{
	size_t i, j;

	for (i = 0; i < cfg->nrecipes; i++)
		herd_strv_add(names, cfg->recipes[i].name);
	for (i = 0; i < NBUILTIN; i++) {
		for (j = 0; j < cfg->nrecipes && strcmp(cfg->recipes[j].name,
		    builtins[i].name); j++)
			;
		if (j == cfg->nrecipes)
			herd_strv_add(names, builtins[i].name);
	}
}

int
herd_recipe_var(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if (!strcmp(vars[i], name))
			return 1;
	return 0;
}

static const struct herd_param *
param(const struct herd_recipe *r, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < r->nparams; i++)
		if (strlen(r->params[i].name) == len && !strncmp(r->params[i].name, name, len))
			return &r->params[i];
	return NULL;
}

/* "the parameters: a, b" or "no parameters", to free. */
static char *
known_params(const struct herd_recipe *r)
{
	struct herd_buf b = { 0 };
	size_t i;

	herd_buf_adds(&b, r->nparams ? "its parameters: " : "it has no parameters");
	for (i = 0; i < r->nparams; i++)
		herd_buf_addf(&b, "%s%s", i ? ", " : "", r->params[i].name);
	return b.p;
}

/*
 * Where the shell is at the end of TEXT[0, LEN), from state *Q, with BEFORE
 * the byte before TEXT: 0 plain, a quote character inside that quote, 'E'
 * inside bash's $'...' (where \' does not end it), '#' in a comment, '<'
 * after a << (a here-document: its body is not parsed here), '\\' right
 * after a backslash, '$' right after a dollar.  A value is one word only
 * where the state is 0: its quotes mean nothing inside quotes, a comment
 * or a here-document.
 */
static void
shell_state(const char *text, size_t len, char before, int *q)
{
	size_t i;
	char c, prev;

	for (i = 0; i < len; i++) {
		c = text[i];
		prev = i ? text[i - 1] : before;
		switch (*q) {
		case '<':
			continue;
		case '\\':	/* C is escaped */
			*q = 0;
			continue;
		case '$':
			*q = c == '\'' ? 'E' : 0;
			if (*q)
				continue;
			break;
		case '\'':
			if (c == '\'')
				*q = 0;
			continue;
		case 'E':
		case '"':
		case '`':
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == (*q == 'E' ? '\'' : *q))
				*q = 0;
			continue;
		case '#':
			if (c == '\n')
				*q = 0;
			continue;
		}
		if (c == '\\' || c == '$')
			*q = c;
		else if (c == '\'' || c == '"' || c == '`')
			*q = c;
		else if (c == '#' && strchr(" \t\n;&|()<>", prev))
			*q = '#';
		else if (c == '<' && prev == '<')
			*q = '<';
	}
}

int
herd_recipe_check_step(const struct herd_recipe *r, const char *step, char **err)
{
	struct herd_tpl t;
	const struct herd_tpl_part *p;
	char *name, *known, *what;
	size_t i;
	int q = 0;

	if (herd_tpl_parse(&t, step, strlen(step), err) < 0)
		return -1;
	for (i = 0; i < t.n; i++) {
		p = &t.part[i];
		if (!p->placeholder) {
			/*
			 * A literal that is not the first part follows a value,
			 * whose word ends in a quote or a plain byte: "{{.a}}#"
			 * is no comment.
			 */
			shell_state(t.text + p->off, p->len, i ? '\'' : ' ', &q);
			continue;
		}
		if (q) {
			*err = herd_tpl_where(t.text, p->at, q == '<' ? "a placeholder in a "
			    "here-document: its value would not be quoted there" : q == '#' ?
			    "a placeholder in a comment: a value with a newline would end it" :
			    "a placeholder inside quotes, or right after \\ or $: put it "
			    "where a word goes, its value is quoted already");
			herd_tpl_free(&t);
			return -1;
		}
		if (param(r, t.text + p->off, p->len))
			continue;
		name = xstrndup(t.text + p->off, p->len);
		if (!herd_recipe_var(name)) {
			known = known_params(r);
			what = xasprintf("unknown template name {{.%s}} (%s; built-ins: "
			    "{{.Host}} {{.Group}} {{.Timestamp}})", name, known);
			*err = herd_tpl_where(t.text, p->at, what);
			free(what);
			free(known);
			free(name);
			herd_tpl_free(&t);
			return -1;
		}
		free(name);
	}
	herd_tpl_free(&t);
	return 0;
}

/* Whether SETS gives NAME a value. */
static int
is_set(const struct herd_strv *sets, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < sets->n; i++)
		if (!strncmp(sets->v[i], name, len) && sets->v[i][len] == '=')
			return 1;
	return 0;
}

int
herd_recipe_values(const struct herd_recipe *r, const struct herd_strv *sets,
    struct herd_strv *values, char **err)
{
	const struct herd_param *p;
	const char *eq;
	char *known;
	size_t i, k;

	for (i = 0; i < r->nparams; i++)
		herd_strv_add(values, r->params[i].def ? r->params[i].def : "");
	for (i = 0; i < sets->n; i++) {
		if (!(eq = strchr(sets->v[i], '=')) || eq == sets->v[i]) {
			*err = xasprintf("--set %s: expected NAME=VALUE", sets->v[i]);
			return -1;
		}
		if (!(p = param(r, sets->v[i], (size_t)(eq - sets->v[i])))) {
			known = known_params(r);
			*err = xasprintf("recipe %s has no parameter \"%.*s\" (%s)", r->name,
			    (int)(eq - sets->v[i]), sets->v[i], known);
			free(known);
			return -1;
		}
		k = (size_t)(p - r->params);
		free(values->v[k]);
		values->v[k] = xstrdup(eq + 1);
	}
	for (i = 0; i < r->nparams; i++) {
		p = &r->params[i];
		if (p->required && !p->def && !is_set(sets, p->name)) {
			*err = xasprintf("recipe %s needs --set %s=VALUE%s%s%s", r->name,
			    p->name, p->description ? " (" : "",
			    p->description ? p->description : "", p->description ? ")" : "");
			return -1;
		}
	}
	return 0;
}

/* The value of placeholder NAME, or NULL to keep it as written (a host's, not known). */
static const char *
value(const struct herd_recipe *r, const struct herd_recipe_vars *v, const char *name,
    size_t len)
{
	const struct herd_param *p = param(r, name, len);

	if (p)
		return v->values->v[p - r->params];
	if (len == 4 && !strncmp(name, "Host", 4))
		return v->host;
	if (len == 5 && !strncmp(name, "Group", 5))
		return v->host ? (v->group ? v->group : "") : NULL;
	if (len == 9 && !strncmp(name, "Timestamp", 9))
		return v->timestamp;
	return "";	/* herd_recipe_check_step refused it */
}

int
herd_recipe_render(const struct herd_recipe *r, const char *step,
    const struct herd_recipe_vars *v, struct herd_buf *out, char **err)
{
	const struct herd_tpl_part *p;
	struct herd_tpl t;
	const char *val;
	size_t i;

	if (herd_tpl_parse(&t, step, strlen(step), err) < 0)
		return -1;
	for (i = 0; i < t.n; i++) {
		p = &t.part[i];
		if (!p->placeholder)
			herd_buf_add(out, t.text + p->off, p->len);
		else if ((val = value(r, v, t.text + p->off, p->len)))
			herd_shell_word(out, val);
		else
			herd_buf_addf(out, "{{.%.*s}}", (int)p->len, t.text + p->off);
	}
	herd_buf_adds(out, "");
	herd_tpl_free(&t);
	return 0;
}

const char *
herd_recipe_step_command(const char *step, char **selector)
{
	size_t n;

	*selector = NULL;
	step += strspn(step, " \t");
	if (*step != '@')
		return step;
	n = strcspn(step, " \t");
	*selector = xstrndup(step, n);
	step += n;
	return step + strspn(step, " \t");
}
