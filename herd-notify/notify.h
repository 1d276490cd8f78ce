/* notify.h — herd-notify: records in, the same records out, events to targets. */
#ifndef HERD_NOTIFY_H
#define HERD_NOTIFY_H

#include "conf.h"
#include "mask.h"
#include "records.h"

/* Events; the first four in the order of the HERD_ON_* bits. */
enum event { EV_FAILURE, EV_CHANGE, EV_TIMEOUT, EV_RESOLVE, EV_FLAPPING, NEVENT };
const char *event_name(enum event);
int event_parse(const char *, enum event *);

/* template.c: a body template, JSON text with {{.Name}} placeholders. */
enum field {
	F_SUMMARY, F_COMMAND, F_SELECTION, F_FAILED, F_CHANGED, F_HOSTS, F_HOST,
	F_GROUP, F_TIME, F_EVENT, F_RUNID, F_TARGET, F_COUNT, F_TOTAL, F_OUTPUT, NFIELD
};
extern const char *const field_names[NFIELD];
struct tpl_part {
	int field;		/* -1: literal text */
	size_t off, len;	/* the literal, in the template */
};
struct tpl {
	char *text;
	struct tpl_part *part;
	size_t n, cap;
};
/* 0, or -1 with *err (to free) naming line:col in the template. */
int tpl_parse(struct tpl *, const char *text, size_t len, char **err);
void tpl_free(struct tpl *);
/* Values, each as bytes (any, NUL included); rendered JSON-escaped. */
struct values {
	const char *v[NFIELD];
	size_t len[NFIELD];
};
/* EXPAND: ${NAME} in the template's own text from the environment: -1 with *err if unset. */
int tpl_render(const struct tpl *, const struct values *, int expand, struct herd_buf *out,
    char **err);
/* Bytes as the inside of a JSON string: valid UTF-8, controls as \uXXXX. */
void json_escape(struct herd_buf *, const void *, size_t);
/* Bytes as valid UTF-8 (invalid sequences as U+FFFD). */
void utf8_clean(struct herd_buf *, const void *, size_t);
/* ${NAME} from the environment: 0, or -1 with *err (to free). */
int env_expand(const char *in, struct herd_buf *out, char **err);

/* One message: a run's event, for one target. */
struct message {
	size_t target;
	enum event event;
	char *run_id, *command, *selection, *hosts, *failed, *changed, *groups;
	size_t count, total;
	long long time_ms;
	struct herd_buf output;	/* the first host's output */
	char *summary;
};
void message_free(struct message *);
void message_values(const struct message *, const struct herd_notifier *,
    struct values *, char *numbuf, size_t numlen);

/* payload.c: what is sent. */
struct payload {
	char *method;
	char *url;		/* ${...} not expanded yet */
	struct herd_strv headers;	/* "Name: value", not expanded */
	struct herd_buf body;
	struct herd_strv argv, env;	/* script: env as NAME=value */
};
/* 0, or -1 with *err (to free). */
int payload_make(const struct herd_notifier *, const struct tpl *, const struct message *,
    int expand, struct payload *, char **err);
void payload_free(struct payload *);
/* The URL as it may be shown: scheme://host/… (to free). */
char *mask_url(const char *);
void payload_print(FILE *, const struct herd_notifier *, const struct message *,
    const struct payload *);

/* state.c: what is remembered between runs ($XDG_STATE_HOME/herd/notify.state). */
struct rstate {			/* a host's last result of a command+selection */
	char *key;		/* "KEY\tHOST" (the map's key) */
	char status[16];
	char sha[65];
	char hist[33];		/* o ok, c changed, f failing: the last runs */
	int flapping;
	long long last_ms;
};
struct sstate {			/* the last message of an event about a host to a target */
	char *key;		/* "TARGET\tHOST\tEVENT" */
	long long sent_ms;
	int open;		/* failure, timeout, change: not resolved yet */
};
struct state {
	char *path;
	int lock;
	struct rstate *r;
	size_t nr, rcap;
	struct sstate *s;
	size_t ns, scap;
	struct herd_map rmap, smap;
};
/* Lock and read: 0, or -1 with a warning (the state is then empty). */
int state_load(struct state *, const char *path);
/* Write atomically and unlock; dry: only unlock. */
int state_save(struct state *, int dry, long long now_ms);
void state_clear(struct state *);
struct rstate *state_r(struct state *, const char *key, const char *host, int create);
struct sstate *state_s(struct state *, const char *target, const char *host,
    enum event, int create);
char *state_default_path(void);

/* runs.c: records into runs, runs into messages. */
struct notify;
struct runs;
struct runs *runs_new(void);
void runs_free(struct runs *);
/* A record read; at a run's E, its messages are handed to notify_message. */
void runs_record(struct runs *, struct notify *, const struct herd_rec *);

/* deliver.c: sending, with retries, over libcurl's multi interface. */
struct deliver;
struct deliver *deliver_new(const struct herd_config *, long long timeout_ms, int retries);
void deliver_free(struct deliver *);
void deliver_add(struct deliver *, size_t target, struct payload *, const char *what);
/* Wait for input on FD (-1: none) or the deliveries, at most WAIT ms. */
void deliver_poll(struct deliver *, int fd, long long wait_ms);
void deliver_work(struct deliver *);
int deliver_idle(const struct deliver *);
/* Give up what is left, saying so; the number of messages not delivered in all. */
size_t deliver_finish(struct deliver *, const char *why);

/* herd-notify.c */
struct notify {
	struct herd_config *cfg;
	struct tpl *tpl;		/* per target */
	unsigned char *use;		/* per target: --target */
	unsigned resolve_all;		/* --notify-on-resolve */
	struct herd_mask *mask;
	struct state state;
	const char *state_path;
	int dry;
	int flap_n, flap_m;
	struct deliver *d;
	size_t failed;			/* messages that could not be made */
	long long now_ms;
};
void notify_message(struct notify *, struct message *);
long long notify_now(void);

#endif
