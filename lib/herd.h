/* herd.h — the shared library of the herd suite (libherd.a). */
#ifndef HERD_H
#define HERD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit-code policy, shared by every program (see herd(7)). */
enum {
	HERD_EXIT_OK = 0,	 /* every host ok */
	HERD_EXIT_HOSTS = 1,	 /* some host non-zero, failed or timed out */
	HERD_EXIT_USAGE = 2,	 /* usage or configuration error, and nothing else */
	HERD_EXIT_RUNTIME = 3,	 /* a runtime or system error: I/O, memory, database,
				    a notification target's network */
	HERD_EXIT_INTERRUPT = 130 /* interrupted by SIGINT, SIGTERM or SIGHUP */
};

#define HERD_VERSION "0.1.0"
#define HERD_RECORDS_VERSION 1

/* alloc.c: allocation that cannot fail (the process dies on OOM). */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *cap elements of size sz) so that index n is valid. */
void herd_grow(void *arrp, size_t *cap, size_t n, size_t sz);

/* buf.c: a growable byte buffer, always NUL-terminated. */
struct herd_buf {
	char *p;
	size_t len, cap;
};
void herd_buf_add(struct herd_buf *, const void *, size_t);
void herd_buf_addc(struct herd_buf *, int);
void herd_buf_adds(struct herd_buf *, const char *);
void herd_buf_addf(struct herd_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void herd_buf_reset(struct herd_buf *);
void herd_buf_free(struct herd_buf *);
char *herd_buf_steal(struct herd_buf *);
int herd_buf_read_fd(struct herd_buf *, int fd);	/* to its end; -1 on an error */

/* out.c: standard output handling common to every program. */
void herd_init(const char *argv0);	/* set up stdout checks and locale */
void herd_usage_exit(const char *usage);	/* print usage, exit 2 */
int herd_wait(pid_t pid);	/* its exit status; a signal as 128 + it; 3 if none (wait.c) */

/* input.c: exit 2 with HINT when IN, where records are read, is a terminal. */
void herd_refuse_tty(FILE *in, const char *hint);

/* rec.c: records (herd-records(5)). */
struct herd_field {
	char *p;
	size_t len;
};
struct herd_rec {
	char type;		/* record type letter; '#' for a header */
	size_t nf;		/* fields after the type */
	struct herd_field *f;
	char *raw;		/* the line as read, without its LF */
	size_t rawlen;
	size_t line;		/* its line number in the input, from 1 */
	/* internal */
	size_t rawcap, fcap;
	struct herd_buf data;
};
int herd_rec_read(FILE *, struct herd_rec *);
/* A line already read (from a poll loop): 1, or 0 for an empty line (no record). */
int herd_rec_parse(struct herd_rec *, const char *line, size_t len);
const char *herd_rec_str(const struct herd_rec *, size_t i);
int herd_rec_num(const struct herd_rec *, size_t i, long long *out);
/* Field i as a number, or dflt when it is empty: 0, or -1 when not a number. */
int herd_rec_num_or(const struct herd_rec *, size_t i, long long dflt, long long *out);
void herd_rec_free(struct herd_rec *);
void herd_rec_passthrough(FILE *, const struct herd_rec *);

void herd_rec_header(FILE *);
void herd_rec_start(FILE *, char type);
void herd_rec_field(FILE *, const void *, size_t);
void herd_rec_fields(FILE *, const char *);
void herd_rec_fieldnum(FILE *, long long);
void herd_rec_fieldopt(FILE *, long long);	/* a negative value: empty, "not set" */
void herd_rec_end(FILE *);
void herd_escape(struct herd_buf *, const void *, size_t);
size_t herd_unescape(char *, size_t);

/*
 * lines.c: lines from a non-blocking descriptor, for a poll loop.  Bytes go
 * in as they are read; complete lines come out, without their LF.  At end
 * of input the bytes after the last LF are a last line, as herd_rec_read
 * reads them.
 */
struct herd_lines {
	struct herd_buf buf;
	size_t off;		/* the first byte not handed out */
	size_t scan;		/* bytes from off known to hold no LF */
	int eof;
};
void herd_lines_feed(struct herd_lines *, const void *, size_t);
/* One read(2) into the buffer: bytes read; 0 at end of input (eof set); -1 errno. */
ssize_t herd_lines_fill(struct herd_lines *, int fd);
void herd_lines_eof(struct herd_lines *);
/* 1 with the next line (NUL-terminated, valid until the next call), or 0: none yet. */
int herd_lines_next(struct herd_lines *, const char **line, size_t *len);
size_t herd_lines_pending(const struct herd_lines *);	/* bytes not handed out */
void herd_lines_free(struct herd_lines *);

/* dur.c: durations such as 250ms, 30s, 5m, 2h, 30d, 1h30m; a bare number is seconds. */
int herd_parse_duration(const char *, long long *ms);
long long herd_duration_arg(const char *opt, const char *s);	/* exits 2 if not one */
const char *herd_format_duration(long long ms, char *buf, size_t len);
const char *herd_clock(long long ms, char *buf, size_t len);	/* local YYYY-MM-DD HH:MM */
long long herd_now_ms(void);	/* wall clock, milliseconds since the epoch */
long long herd_mono_ms(void);	/* monotonic clock, milliseconds */
long long herd_watch_min_ms(void);	/* a watch's shortest interval */

/* num.c: strict number parsing. */
int herd_parse_int(const char *, long long min, long long max, long long *out);

/* xdg.c: paths. */
char *herd_default_config_path(void);	/* NULL if no home */
char *herd_data_dir(void);		/* $XDG_DATA_HOME/herd */
char *herd_state_dir(void);		/* $XDG_STATE_HOME/herd */

/* suggest.c: the closest candidate to a misspelt word, or NULL. */
const char *herd_suggest(const char *word, const char *const *cands, size_t n);

/* strv.c: NULL-terminated string vectors and comma lists. */
struct herd_strv {
	char **v;
	size_t n, cap;
};
void herd_strv_add(struct herd_strv *, const char *);
void herd_strv_addn(struct herd_strv *, const char *, size_t);
int herd_strv_has(const struct herd_strv *, const char *);
void herd_strv_split(struct herd_strv *, const char *s, int sep);
char *herd_strv_join(const struct herd_strv *, const char *sep);
void herd_strv_free(struct herd_strv *);

/* host.c: hosts. */
struct herd_host {
	char *name;		/* label, unique in a selection */
	char *address;		/* what to connect to */
	char *user;		/* NULL: ssh_config or the local user */
	int port;		/* 0: ssh_config or 22 */
	long long timeout_ms;	/* -1: the run's default */
	struct herd_strv tags;
	struct herd_strv groups;
	size_t line, column;	/* where the config lists it; 0 if not */
};
void herd_host_init(struct herd_host *);
void herd_host_free(struct herd_host *);
void herd_host_copy(struct herd_host *dst, const struct herd_host *src);
int herd_host_has_tag(const struct herd_host *, const char *);
int herd_valid_user(const char *);
/* Parse [user@]host[:port] or [user@][v6addr]:port; 0 or -1 with *err. */
int herd_host_parse(const char *spec, struct herd_host *, const char **err);
void herd_host_write(FILE *, const struct herd_host *);
int herd_host_from_rec(const struct herd_rec *, struct herd_host *);
struct json_t;
struct json_t *herd_host_json(const struct herd_host *);

struct herd_hostlist {
	struct herd_host *h;
	size_t n, cap;
};
struct herd_host *herd_hostlist_add(struct herd_hostlist *);
void herd_hostlist_free(struct herd_hostlist *);

/* range.c: ClusterShell-style ranges: web-[01-20], db[1-3,7], r[1-2]-n[1-3]. */
int herd_range_expand(const char *pattern, struct herd_strv *out, const char **err);
/* The number of names herd_range_expand would make, or -1 with *err as it would. */
int herd_range_count(const char *pattern, unsigned long long *n, const char **err);
/* Split a comma list of patterns; commas inside [] belong to ranges. */
void herd_range_split(struct herd_strv *, const char *);
int herd_is_glob(const char *);

/* tagexpr.c: comma = AND, !tag = NOT. */
struct herd_tagexpr {
	struct herd_strv want, reject;
};
int herd_tagexpr_parse(const char *, struct herd_tagexpr *, const char **err);
int herd_tagexpr_match(const struct herd_tagexpr *, const struct herd_host *);
void herd_tagexpr_free(struct herd_tagexpr *);
int herd_valid_name(const char *);	/* [A-Za-z0-9_-]+ */

/* hash.c: the identity of a result (herd-records(5)). */
void herd_result_hash(const char *status, long long exit_code, const void *out,
    size_t outlen, const void *err, size_t errlen, char hex[65]);

/* selector.c: the one table of selectors that pick hosts of a run by result. */
enum herd_result_status {
	HERD_RESULT_OK, HERD_RESULT_NONZERO, HERD_RESULT_FAILED, HERD_RESULT_TIMEOUT,
	HERD_RESULT_NONE	/* no result: the run was cut short */
};
struct herd_pick {		/* what a selector sees of one host */
	const char *name;
	enum herd_result_status status;
	int in_norm;		/* its result is the norm's */
	int changed;		/* its result differs from its run before in a series */
	const struct herd_host *host;	/* its H record, or NULL */
};
struct herd_picker {
	const char *name;	/* "@ok"; a name ending in ':' takes what follows */
	const char *synopsis;	/* for lists: "@tag:NAME @tag:!NAME" */
	int (*pick)(const struct herd_pick *, const char *arg);
	const char *help;
};
extern const struct herd_picker herd_pickers[];
extern const size_t herd_npickers;
const struct herd_picker *herd_picker_find(const char *term, const char **arg);
char *herd_picker_list(void);
int herd_pick_hosts(const struct herd_pick *, size_t n, const char *sel, char *picked,
    char **err);

/* diff.c: unified diff hunks (no ---/+++ lines); returns changed lines. */
size_t herd_diff(const char *a, size_t alen, const char *b, size_t blen, int context,
    struct herd_buf *out);

/* fold.c: host lists as ClusterShell-style ranges, in natural order. */
char *herd_fold(char *const *names, size_t n, int fold);
int herd_natural_cmp(const char *, const char *);

/* map.c: the one hash map, byte-string keys (not copied) to size_t values. */
struct herd_map_entry {
	const void *key;	/* NULL: empty slot */
	size_t len, value;
	unsigned long long hash;
};
struct herd_map {
	struct herd_map_entry *e;
	size_t cap, n;
};
unsigned long long herd_hash_bytes(const void *, size_t);
size_t *herd_map_get(const struct herd_map *, const void *key, size_t len);
/* KEY's value, added as 0 if new (*added then 1). */
size_t *herd_map_put(struct herd_map *, const void *key, size_t len, int *added);
void herd_map_free(struct herd_map *);

/* quote.c: a word for sh(1); herd_shell_word quotes a '=' too (a template's values). */
void herd_shell_quote(struct herd_buf *, const char *);
void herd_shell_word(struct herd_buf *, const char *);

/* filehash.c: SHA-256 (hex) and size of FD's bytes to its end; 0, or -1 with errno. */
int herd_fd_sha256(int fd, char hex[65], unsigned long long *size);

/* utf8.c */
size_t herd_utf8_decode(const void *, size_t n, unsigned *cp);

/* sanitize.c: remote bytes made safe for a terminal. */
void herd_sanitize(struct herd_buf *, const void *, size_t);
char *herd_safe(const char *);
int herd_unsafe_char(unsigned cp);	/* a C1 or bidi control */
int herd_utf8_locale(void);		/* the terminal's character set is UTF-8 */

/* json.c */
struct json_t *herd_json_bytes(const void *, size_t);
void herd_json_print(FILE *, struct json_t *);	/* one line, then LF; steals the ref */

#endif
