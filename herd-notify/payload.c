/*
 * What is sent to a target for a message: a webhook's method, URL, headers
 * and body (its template, or a default JSON object); a Slack message (Block
 * Kit, with a text fallback, within Slack's limits); a script's argv and
 * HERD_* environment.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify.h"

#define SLACK_SECTION 3000	/* characters in a section's text */
#define SLACK_HEADER 150	/* in a header block */
#define SLACK_BLOCKS 50		/* blocks in a message */
#define SLACK_TEXT 3000		/* the fallback text we send */
#define OUTPUT_SHOWN 1000	/* bytes of a host's output shown */

void
message_free(struct message *m)
{
	free(m->run_id);
	free(m->command);
	free(m->selection);
	free(m->hosts);
	free(m->failed);
	free(m->changed);
	free(m->groups);
	free(m->summary);
	herd_buf_free(&m->output);
	memset(m, 0, sizeof *m);
}

static void
set(struct values *v, enum field f, const char *s, size_t len)
{
	v->v[f] = s ? s : "";
	v->len[f] = s ? len : 0;
}

/* NUMBUF holds the time and counts (at least 96 bytes). */
void
message_values(const struct message *m, const struct herd_notifier *t, struct values *v,
    char *numbuf, size_t numlen)
{
	time_t sec = (time_t)(m->time_ms / 1000);
	struct tm tm;
	char *count = numbuf + 40, *total = numbuf + 68;

	memset(v, 0, sizeof *v);
	if (numlen < 96 || !gmtime_r(&sec, &tm) || !strftime(numbuf, 40, "%Y-%m-%dT%H:%M:%SZ", &tm))
		numbuf[0] = 0;
	snprintf(count, 28, "%zu", m->count);
	snprintf(total, 28, "%zu", m->total);
	set(v, F_SUMMARY, m->summary, strlen(m->summary));
	set(v, F_COMMAND, m->command, strlen(m->command));
	set(v, F_SELECTION, m->selection, strlen(m->selection));
	set(v, F_FAILED, m->failed, strlen(m->failed));
	set(v, F_CHANGED, m->changed, strlen(m->changed));
	set(v, F_HOSTS, m->hosts, strlen(m->hosts));
	set(v, F_HOST, m->hosts, strlen(m->hosts));
	set(v, F_GROUP, m->groups, strlen(m->groups));
	set(v, F_TIME, numbuf, strlen(numbuf));
	set(v, F_EVENT, event_name(m->event), strlen(event_name(m->event)));
	set(v, F_RUNID, m->run_id, strlen(m->run_id));
	set(v, F_TARGET, t->name, strlen(t->name));
	set(v, F_COUNT, count, strlen(count));
	set(v, F_TOTAL, total, strlen(total));
	set(v, F_OUTPUT, m->output.p, m->output.len);
}

/* A webhook without a body template: every value, as one JSON object. */
static void
default_body(const struct values *v, struct herd_buf *b)
{
	static const char *const keys[NFIELD] = {
		[F_SUMMARY] = "summary", [F_COMMAND] = "command", [F_SELECTION] = "selection",
		[F_FAILED] = "failed_hosts", [F_CHANGED] = "changed_hosts",
		[F_HOSTS] = "hosts", [F_HOST] = NULL, [F_GROUP] = "groups", [F_TIME] = "time",
		[F_EVENT] = "event", [F_RUNID] = "run_id", [F_TARGET] = "target",
		[F_COUNT] = "count", [F_TOTAL] = "total", [F_OUTPUT] = "output",
	};
	const char *sep = "{";
	int f;

	for (f = 0; f < NFIELD; f++) {
		if (!keys[f])
			continue;
		herd_buf_addf(b, "%s\"%s\":", sep, keys[f]);
		if (f == F_COUNT || f == F_TOTAL) {
			herd_buf_adds(b, v->v[f]);
		} else {
			herd_buf_addc(b, '"');
			json_escape(b, v->v[f], v->len[f]);
			herd_buf_addc(b, '"');
		}
		sep = ",";
	}
	herd_buf_adds(b, "}\n");
}

/* Slack's mrkdwn: &, < and > escaped; at most MAX bytes, cut at a character. */
static void
mrkdwn(struct herd_buf *b, const char *s, size_t len, size_t max)
{
	struct herd_buf clean = { 0 };
	size_t i, start = b->len;

	utf8_clean(&clean, s, len);
	for (i = 0; i < clean.len; i++) {
		if (b->len - start + 8 > max) {
			while (b->len > start && ((unsigned char)b->p[b->len - 1] & 0xc0) == 0x80)
				b->len--;
			if (b->len > start && (unsigned char)b->p[b->len - 1] >= 0xc0)
				b->len--;
			b->p[b->len] = 0;
			herd_buf_adds(b, "\xe2\x80\xa6");
			break;
		}
		switch (clean.p[i]) {
		case '&': herd_buf_adds(b, "&amp;"); break;
		case '<': herd_buf_adds(b, "&lt;"); break;
		case '>': herd_buf_adds(b, "&gt;"); break;
		default: herd_buf_addc(b, clean.p[i]);
		}
	}
	herd_buf_free(&clean);
}

static json_t *
text_obj(const char *type, const char *s)
{
	return json_pack("{s:s, s:s}", "type", type, "text", s);
}

static void
add_section(json_t *blocks, const char *s)
{
	json_array_append_new(blocks, json_pack("{s:s, s:o}", "type", "section", "text",
	    text_obj("mrkdwn", s)));
}

/* The hosts, folded, in sections under Slack's limit (cut between ranges). */
static void
host_sections(json_t *blocks, const char *hosts)
{
	struct herd_buf b = { 0 };
	const char *p = hosts, *comma, *q;
	size_t len;

	while (*p && json_array_size(blocks) < SLACK_BLOCKS - 2) {
		herd_buf_reset(&b);
		/* whole items separated by commas outside brackets */
		for (q = p; *q;) {
			comma = q;
			for (len = 0; comma[len] && comma[len] != ','; len++)
				if (comma[len] == '[')
					len += strcspn(comma + len, "]") - 1;
			if (b.len && b.len + len * 5 + 2 > SLACK_SECTION - 8)
				break;
			if (b.len)
				herd_buf_adds(&b, ", ");
			mrkdwn(&b, q, len, SLACK_SECTION - 8 - b.len);
			q += len;
			while (*q == ',' || *q == ' ')
				q++;
		}
		add_section(blocks, b.p);
		p = q;
	}
	if (*p)
		add_section(blocks, "\xe2\x80\xa6 and more (folded list cut)");
	herd_buf_free(&b);
}

static void
slack_body(const struct message *m, struct herd_buf *out)
{
	json_t *root, *blocks;
	struct herd_buf b = { 0 };
	char *s;
	char tbuf[40];
	struct values v;
	char nb[96];

	message_values(m, &(struct herd_notifier){ .name = "" }, &v, nb, sizeof nb);
	blocks = json_array();
	mrkdwn(&b, "herd: ", 6, SLACK_HEADER);
	mrkdwn(&b, m->summary, strlen(m->summary), SLACK_HEADER - 6);
	json_array_append_new(blocks, json_pack("{s:s, s:o}", "type", "header", "text",
	    text_obj("plain_text", b.p)));
	herd_buf_reset(&b);
	herd_buf_addf(&b, "*%zu/%zu hosts: %s*  `", m->count, m->total, event_name(m->event));
	mrkdwn(&b, m->command, strlen(m->command), 1000);
	herd_buf_adds(&b, "`");
	if (*m->selection) {
		herd_buf_adds(&b, " on ");
		mrkdwn(&b, m->selection, strlen(m->selection), 500);
	}
	add_section(blocks, b.p);
	host_sections(blocks, m->hosts);
	if (m->output.len) {
		herd_buf_reset(&b);
		herd_buf_adds(&b, "```");
		mrkdwn(&b, m->output.p, m->output.len, SLACK_SECTION - 8);
		herd_buf_adds(&b, "```");
		add_section(blocks, b.p);
	}
	snprintf(tbuf, sizeof tbuf, "%s", v.v[F_TIME]);
	herd_buf_reset(&b);
	herd_buf_addf(&b, "run %s \xc2\xb7 %s", m->run_id, tbuf);
	json_array_append_new(blocks, json_pack("{s:s, s:[o]}", "type", "context",
	    "elements", text_obj("mrkdwn", b.p)));
	herd_buf_reset(&b);
	mrkdwn(&b, m->summary, strlen(m->summary), SLACK_TEXT);
	root = json_pack("{s:s, s:o}", "text", b.p, "blocks", blocks);
	s = json_dumps(root, JSON_COMPACT);
	herd_buf_adds(out, s);
	herd_buf_addc(out, '\n');
	free(s);
	json_decref(root);
	herd_buf_free(&b);
}

static void
script_env(const struct values *v, struct herd_strv *env)
{
	static const char *const names[NFIELD] = {
		[F_SUMMARY] = "HERD_SUMMARY", [F_COMMAND] = "HERD_COMMAND",
		[F_SELECTION] = "HERD_SELECTION", [F_FAILED] = "HERD_FAILED_HOSTS",
		[F_CHANGED] = "HERD_CHANGED_HOSTS", [F_HOSTS] = "HERD_HOSTS",
		[F_GROUP] = "HERD_GROUPS", [F_TIME] = "HERD_TIME", [F_EVENT] = "HERD_EVENT",
		[F_RUNID] = "HERD_RUN_ID", [F_TARGET] = "HERD_TARGET",
		[F_COUNT] = "HERD_COUNT", [F_TOTAL] = "HERD_TOTAL", [F_OUTPUT] = "HERD_OUTPUT",
	};
	struct herd_buf b = { 0 };
	int f;

	for (f = 0; f < NFIELD; f++) {
		if (!names[f])
			continue;
		herd_buf_reset(&b);
		herd_buf_addf(&b, "%s=", names[f]);
		/* an environment string ends at a NUL: the rest is dropped */
		herd_buf_add(&b, v->v[f], strnlen(v->v[f], v->len[f]));
		herd_strv_add(env, b.p);
	}
	herd_buf_free(&b);
}

int
payload_make(const struct herd_notifier *t, const struct tpl *tpl, const struct message *m,
    int expand, struct payload *p, char **err)
{
	struct herd_strv words = { 0 };
	struct values v;
	char nb[96];
	size_t i;
	int ctype = 0;

	memset(p, 0, sizeof *p);
	message_values(m, t, &v, nb, sizeof nb);
	if (!strcmp(t->type, "script")) {
		herd_strv_split(&words, t->command, ' ');
		for (i = 0; i < words.n; i++)
			if (*words.v[i])	/* spaces in a row */
				herd_strv_add(&p->argv, words.v[i]);
		herd_strv_free(&words);
		if (!p->argv.n) {
			*err = xstrdup("\"command\" has no words");
			return -1;
		}
		script_env(&v, &p->env);
		return 0;
	}
	p->method = xstrdup(t->method ? t->method : "POST");
	p->url = xstrdup(t->url);
	for (i = 0; i < t->nheaders; i++) {
		herd_strv_add(&p->headers, "");
		free(p->headers.v[p->headers.n - 1]);
		p->headers.v[p->headers.n - 1] = xasprintf("%s: %s", t->headers[i].key,
		    t->headers[i].value);
		if (!strcasecmp(t->headers[i].key, "Content-Type"))
			ctype = 1;
	}
	if (!ctype)
		herd_strv_add(&p->headers, "Content-Type: application/json");
	if (!strcmp(t->type, "slack"))
		slack_body(m, &p->body);
	else if (tpl && tpl->n)
		return tpl_render(tpl, &v, expand, &p->body, err);
	else
		default_body(&v, &p->body);
	return 0;
}

void
payload_free(struct payload *p)
{
	free(p->method);
	free(p->url);
	herd_strv_free(&p->headers);
	herd_buf_free(&p->body);
	herd_strv_free(&p->argv);
	herd_strv_free(&p->env);
	memset(p, 0, sizeof *p);
}

/* scheme://host, the rest hidden: a webhook's path is its secret. */
char *
mask_url(const char *url)
{
	const char *host = strstr(url, "://"), *end;

	if (!host || host == url || strspn(url, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") != (size_t)(host - url))
		return xstrdup("\xe2\x80\xa6");
	host += 3;
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)))
		host = (const char *)memchr(host, '@', (size_t)(end - host)) + 1;
	return xasprintf("%.*s%.*s/\xe2\x80\xa6", (int)(strstr(url, "://") + 3 - url), url,
	    (int)(end - host), host);
}

void
payload_print(FILE *f, const struct herd_notifier *t, const struct message *m,
    const struct payload *p)
{
	struct herd_buf url = { 0 };
	char *shown, *why = NULL;
	size_t i;

	fprintf(f, "--- %s (%s): %s, run %s\n", t->name, t->type, event_name(m->event),
	    m->run_id);
	if (!strcmp(t->type, "script")) {
		shown = herd_strv_join(&p->argv, " ");
		fprintf(f, "exec %s\n", shown);
		free(shown);
		for (i = 0; i < p->env.n; i++) {
			shown = herd_safe(p->env.v[i]);
			fprintf(f, "%s\n", shown);
			free(shown);
		}
		fputc('\n', f);
		return;
	}
	if (env_expand(p->url, &url, &why) < 0) {
		shown = xasprintf("(%s)", why);
		free(why);
	} else {
		shown = mask_url(url.p);
	}
	fprintf(f, "%s %s\n", p->method, shown);
	free(shown);
	herd_buf_free(&url);
	for (i = 0; i < p->headers.n; i++)
		fprintf(f, "%.*s: ***\n", (int)strcspn(p->headers.v[i], ":"), p->headers.v[i]);
	fputc('\n', f);
	fwrite(p->body.p, 1, p->body.len, f);
	if (p->body.len && p->body.p[p->body.len - 1] != '\n')
		fputc('\n', f);
	fputc('\n', f);
}
