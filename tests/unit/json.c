/* JSON Lines of the records (lib/records_json.c): every key, in order. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "records.h"
#include "unit.h"

/* OBJ as herd_json_print writes it, without the LF; OBJ is freed. */
static char *
dump(json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(obj);
	return s;
}

#define EQ_JSON(what, obj, want) do { \
	char *got_ = dump(obj); \
	EQ_STR(what, got_, want); \
	free(got_); \
} while (0)

static void
test_run(void)
{
	struct herd_run run = {
		"1764150000000-aa", 1764150000000, "uname -r", "-g web", "", NULL, -1, ""
	};

	EQ_JSON("exec run", herd_run_json(&run),
	    "{\"type\":\"run\",\"run\":\"1764150000000-aa\",\"started_ms\":1764150000000,"
	    "\"command\":\"uname -r\",\"selection\":\"-g web\",\"kind\":null,\"series\":null,"
	    "\"seq\":null,\"compare\":null}");
	run.kind = "watch";
	run.series = "w1";
	run.seq = 0;
	run.compare = "1764140000000-bb";
	run.selection = "";
	EQ_JSON("a run of a series", herd_run_json(&run),
	    "{\"type\":\"run\",\"run\":\"1764150000000-aa\",\"started_ms\":1764150000000,"
	    "\"command\":\"uname -r\",\"selection\":\"\",\"kind\":\"watch\",\"series\":\"w1\","
	    "\"seq\":0,\"compare\":\"1764140000000-bb\"}");
}

static void
test_result(void)
{
	struct herd_result res = { 0 };

	res.run = "r1";
	res.host = "web-01";
	res.status = HERD_NONZERO;
	res.exit_code = 3;
	res.duration_ms = 12;
	memset(res.sha256, 'a', 64);
	herd_buf_add(&res.out, "out\n\xff\x1b", 6);
	herd_buf_add(&res.err, "", 0);
	res.finished_ms = 1764150000012;
	res.flags = HERD_RESULT_TRUNCATED;
	EQ_JSON("a result", herd_result_json(&res),
	    "{\"type\":\"result\",\"host\":\"web-01\",\"status\":\"nonzero\",\"exit\":3,"
	    "\"duration_ms\":12,\"stdout\":\"out\\n\\uFFFD\\u001B\",\"stderr\":\"\","
	    "\"error\":null,\"hint\":null,\"truncated\":true,\"sha256\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"run\":\"r1\",\"finished_ms\":1764150000012,\"streamed\":false}");
	herd_buf_free(&res.out);
	herd_buf_free(&res.err);
	res.status = HERD_FAILED;
	res.exit_code = -1;
	res.error = "connect: connection refused";
	res.hint = "check that sshd is running";
	res.finished_ms = -1;
	res.flags = HERD_RESULT_STREAMED;
	res.sha256[0] = '\0';
	EQ_JSON("a failed result", herd_result_json(&res),
	    "{\"type\":\"result\",\"host\":\"web-01\",\"status\":\"failed\",\"exit\":null,"
	    "\"duration_ms\":12,\"stdout\":\"\",\"stderr\":\"\","
	    "\"error\":\"connect: connection refused\",\"hint\":\"check that sshd is running\","
	    "\"truncated\":false,\"sha256\":\"\",\"run\":\"r1\",\"finished_ms\":null,"
	    "\"streamed\":true}");
}

static void
test_others(void)
{
	struct herd_chunk c = { "r1", "web-01", 'e', 1764150000005, "par\xc3\xa9\0x", 7 };
	struct herd_end e = { "r1", 1764150000100, { 2, 1, 0, 4 } };
	struct herd_conn_state s = { "db\xfe", HERD_CONN_DOWN, 1764150000200, "keepalive: no answer" };

	EQ_JSON("a chunk", herd_chunk_json(&c),
	    "{\"type\":\"chunk\",\"run\":\"r1\",\"host\":\"web-01\",\"stream\":\"stderr\","
	    "\"time_ms\":1764150000005,\"data\":\"par\\u00E9\\u0000x\"}");
	c.stream = 'o';
	c.len = 0;
	EQ_JSON("an empty stdout chunk", herd_chunk_json(&c),
	    "{\"type\":\"chunk\",\"run\":\"r1\",\"host\":\"web-01\",\"stream\":\"stdout\","
	    "\"time_ms\":1764150000005,\"data\":\"\"}");
	EQ_JSON("an end", herd_end_json(&e),
	    "{\"type\":\"end\",\"run\":\"r1\",\"finished_ms\":1764150000100,\"ok\":2,"
	    "\"nonzero\":1,\"failed\":0,\"timeout\":4}");
	EQ_JSON("a state", herd_conn_state_json(&s),
	    "{\"type\":\"state\",\"host\":\"db\\uFFFD\",\"state\":\"down\","
	    "\"time_ms\":1764150000200,\"reason\":\"keepalive: no answer\"}");
	s.state = HERD_CONN_CONNECTING;
	s.reason = NULL;
	s.time_ms = -1;
	EQ_JSON("a state without reason", herd_conn_state_json(&s),
	    "{\"type\":\"state\",\"host\":\"db\\uFFFD\",\"state\":\"connecting\","
	    "\"time_ms\":null,\"reason\":null}");
}

void
test_json(void)
{
	test_run();
	test_result();
	test_others();
}
