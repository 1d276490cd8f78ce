/*
 * records.h — the record vocabulary of herd-records(5): one struct, one
 * reader (from a parsed herd_rec) and one writer per record type.  H, the
 * host record, is herd_host_* in herd.h.
 */
#ifndef HERD_RECORDS_H
#define HERD_RECORDS_H

#include "herd.h"

/* A host's status in an R record; the names are herd_status_name's. */
enum herd_status {
	HERD_OK, HERD_NONZERO, HERD_FAILED, HERD_TIMEOUT, HERD_NSTATUS
};
const char *herd_status_name(enum herd_status);
int herd_status_parse(const char *, enum herd_status *);	/* 0 or -1 */

/* A run id: unique across machines, sorting by start time. */
char *herd_run_id_new(long long started_ms);

/* The header line: 0, or -1 with *err for another format or a newer major version. */
int herd_rec_check_header(const struct herd_rec *, const char **err);

/* C: a run begins. */
struct herd_run {
	char *id;
	long long started_ms;
	char *command;
	char *selection;	/* canonical, order-independent */
	char *kind;		/* "" = exec; ping, read, push, pull, tail, forward */
	char *series;		/* "" = none: a watch, a recipe, a snapshot */
	long long seq;		/* its number in the series; -1 none */
	char *compare;		/* the run to compare with; "" none */
};
int herd_run_read(const struct herd_rec *, struct herd_run *, const char **err);
void herd_run_write(FILE *, const struct herd_run *);
void herd_run_free(struct herd_run *);

/* R: a host's result.  flags: */
#define HERD_RESULT_TRUNCATED 1u	/* output beyond the writer's limit dropped */
#define HERD_RESULT_STREAMED 2u	/* its output also went out as L chunks */
struct herd_result {
	char *run, *host;
	enum herd_status status;
	long long exit_code;	/* -1: none (failed, timeout) */
	long long duration_ms;
	char sha256[65];
	struct herd_buf out, err;
	char *error, *hint;	/* NULL: none */
	long long finished_ms;	/* -1: not given */
	unsigned flags;
};
/* 0; 1 with *why (to free): read as failed, for why; -1 with *why: unusable. */
int herd_result_read(const struct herd_rec *, struct herd_result *, char **why);
void herd_result_write(FILE *, const struct herd_result *);
void herd_result_free(struct herd_result *);

/* L: a chunk of a host's output as it arrived; it keeps its line feed. */
struct herd_chunk {
	char *run, *host;
	char stream;		/* 'o' stdout, 'e' stderr */
	long long time_ms;
	const char *data;	/* reading: points into the record */
	size_t len;
};
int herd_chunk_read(const struct herd_rec *, struct herd_chunk *, const char **err);
void herd_chunk_write(FILE *, const char *run, const char *host, char stream,
    long long time_ms, const void *data, size_t len);

/* E: a run ends, with the hosts counted by status. */
struct herd_end {
	char *run;
	long long finished_ms;
	long long count[HERD_NSTATUS];
};
int herd_end_read(const struct herd_rec *, struct herd_end *, const char **err);
void herd_end_write(FILE *, const struct herd_end *);
void herd_end_free(struct herd_end *);

/* Q, X and S (records_serve.c): the protocol of a serving herd-run. */

/* Q: a request to a serving herd-run.  flags: */
#define HERD_REQ_STREAM 1u	/* 's': output as L records too */
#define HERD_REQ_SUDO 2u	/* 'S': the command under sudo, as --sudo */
#define HERD_REQ_STDIN 4u	/* 'i': stdin is the command's input, else EOF */
struct herd_request {
	char *id;		/* the run id it becomes; "" the server makes one */
	char *kind;		/* "" = exec */
	char *command;		/* never empty */
	struct herd_strv hosts;	/* names of H records sent before; none: every host */
	long long timeout_ms;	/* -1: each host's own or the default; 0: none */
	unsigned flags;
	char *selection, *series, *compare;	/* into the run's C record */
	long long seq;		/* -1: none */
	struct herd_buf stdin_data;	/* with HERD_REQ_STDIN */
};
/* 0, or -1 with *err (a static message) for a request that cannot be run. */
int herd_request_read(const struct herd_rec *, struct herd_request *, const char **err);
void herd_request_write(FILE *, const struct herd_request *);
void herd_request_free(struct herd_request *);

/* P: HOST's own command in the request for RUN, which follows. */
struct herd_host_command {
	char *run, *host, *command;
};
int herd_host_command_read(const struct herd_rec *, struct herd_host_command *,
    const char **err);
void herd_host_command_write(FILE *, const struct herd_host_command *);
void herd_host_command_free(struct herd_host_command *);

/* X: cancel a run. */
struct herd_cancel {
	char *run;
};
int herd_cancel_read(const struct herd_rec *, struct herd_cancel *, const char **err);
void herd_cancel_write(FILE *, const struct herd_cancel *);
void herd_cancel_free(struct herd_cancel *);

/* S: a kept connection's state; the names are herd_conn_name's. */
enum herd_conn {
	HERD_CONN_CONNECTING, HERD_CONN_UP, HERD_CONN_DOWN, HERD_CONN_FAILED, HERD_NCONN
};
const char *herd_conn_name(enum herd_conn);
int herd_conn_parse(const char *, enum herd_conn *);	/* 0 or -1 */
struct herd_conn_state {
	char *host;
	enum herd_conn state;
	long long time_ms;	/* -1: not given */
	char *reason;		/* why, for down and failed; NULL: none */
};
int herd_conn_state_read(const struct herd_rec *, struct herd_conn_state *,
    const char **err);
void herd_conn_state_write(FILE *, const struct herd_conn_state *);
void herd_conn_state_free(struct herd_conn_state *);

/*
 * records_json.c: the same information as JSON Lines objects (herd-records(5),
 * JSON LINES), each with a "type" key; for herd_json_print.
 */
struct json_t *herd_run_json(const struct herd_run *);
struct json_t *herd_result_json(const struct herd_result *);
struct json_t *herd_chunk_json(const struct herd_chunk *);
struct json_t *herd_end_json(const struct herd_end *);
struct json_t *herd_conn_state_json(const struct herd_conn_state *);

#endif
