/* test_agent.c - the peer agent's protocol (lib/tb_agent.h): parsing good
 * and bad lines, replies, framing, DATA, formatting, helpers. */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "tb_agent.h"
#include "tb_workload.h"

static int parse(const char *line, struct tb_agent_msg *m, char *why,
		 size_t n)
{
	return tb_agent_parse(line, strlen(line), m, why, n);
}

static void test_good(struct tap *t)
{
	struct tb_agent_msg m;
	char why[128];

	tap_ok(t, parse("HELLO\n", &m, why, sizeof(why)) == 0 &&
	       !strcmp(m.verb, "HELLO") && m.npairs == 0, "verb alone");
	tap_ok(t, parse("HELLO", &m, why, sizeof(why)) == 0,
	       "no LF is fine for the parser (framing is the reader's)");
	tap_ok(t, parse("START svc=rsync-out kind=tree seed=00ff bytes=10 "
			"files=2\n", &m, why, sizeof(why)) == 0 &&
	       m.npairs == 5 && !strcmp(tb_agent_get(&m, "svc"),
					"rsync-out") &&
	       !strcmp(tb_agent_get(&m, "files"), "2") &&
	       !tb_agent_get(&m, "nope"), "pairs in order");
	tap_ok(t, parse("HELLO token=\n", &m, why, sizeof(why)) == 0 &&
	       !strcmp(tb_agent_get(&m, "token"), ""), "empty value");
	tap_ok(t, parse("HELLO token=a=b==\n", &m, why, sizeof(why)) == 0 &&
	       !strcmp(tb_agent_get(&m, "token"), "a=b=="),
	       "value split at the first '=' may hold '='");
	tap_ok(t, parse("BYE\r\n", &m, why, sizeof(why)) == 0 &&
	       !strcmp(m.verb, "BYE"), "one CR before LF dropped");
	tap_ok(t, parse("X k_1=~!\"#$%&'()*+,-./09:;<>?@AZ[\\]^_`az{|}\n",
			&m, why, sizeof(why)) == 0, "every printable byte but "
	       "space in a value");
}

static void test_bad_one(struct tap *t, const char *line, size_t len,
			 int want, const char *desc)
{
	struct tb_agent_msg m;
	char why[128];
	int rc = tb_agent_parse(line, len, &m, why, sizeof(why));

	tap_ok(t, rc == want && why[0], "%s", desc);
	if (rc != want || !why[0])
		printf("#   rc %d, why '%s'\n", rc, why);
}

static void test_malformed(struct tap *t)
{
	char val[200], many[512];
	int i, k = 0;

#define BAD(s, d) test_bad_one(t, s, sizeof(s) - 1, TB_AGENT_MALFORMED, d)
	BAD("\n", "empty line: no verb");
	BAD(" HELLO\n", "leading space");
	BAD("hello\n", "lowercase verb");
	BAD("HeLLO\n", "mixed-case verb");
	BAD("HELLO1\n", "digit in the verb");
	BAD("ABCDEFGHIJKLMNOPQ\n", "verb of 17 letters");
	BAD("HELLO Token=x\n", "uppercase in a key");
	BAD("HELLO to-ken=x\n", "'-' in a key");
	BAD("HELLO token\n", "word without '='");
	BAD("HELLO =x\n", "empty key");
	BAD("HELLO abcdefghijklmnopq=1\n", "key of 17 bytes");
	BAD("HELLO  token=x\n", "two spaces");
	BAD("HELLO token=x \n", "space at the end");
	BAD("HELLO token=a\tb\n", "tab in a value");
	BAD("HELLO token=\x01\n", "control byte");
	BAD("HELLO token=\x7f\n", "DEL");
	BAD("HELLO token=\xc3\xa9\n", "non-ASCII byte");
	BAD("HELLO\rX\n", "CR inside the line");
	test_bad_one(t, "HELLO token=a\0b\n", 16, TB_AGENT_MALFORMED,
		     "NUL byte");
#undef BAD
	memcpy(val, "HELLO token=", 12);
	memset(val + 12, 'v', 129);
	val[141] = '\n';
	test_bad_one(t, val, 142, TB_AGENT_MALFORMED, "value of 129 bytes");
	val[140] = '\n';
	{
		struct tb_agent_msg m;
		char why[128];

		tap_ok(t, tb_agent_parse(val, 141, &m, why, sizeof(why)) == 0
		       && strlen(tb_agent_get(&m, "token")) == 128,
		       "value of 128 bytes is fine");
	}
	k = snprintf(many, sizeof(many), "START");
	for (i = 0; i < 13; i++)
		k += snprintf(many + k, sizeof(many) - (size_t)k, " k%d=v", i);
	snprintf(many + k, sizeof(many) - (size_t)k, "\n");
	test_bad_one(t, many, strlen(many), TB_AGENT_MALFORMED,
		     "13 pairs: one too many");
	test_bad_one(t, "START a=1 b=2 a=3\n", 18, TB_AGENT_DUPLICATE,
		     "duplicate key");
}

/* "START" and pairs of 128-byte values, content bytes long (+ LF). */
static size_t long_line(char *buf, size_t content)
{
	size_t len = 5;
	char key = 'a';

	memcpy(buf, "START", 5);
	while (len < content) {
		size_t v = content - len - 3;

		if (v > 128)
			v = 128;
		buf[len++] = ' ';
		buf[len++] = key++;
		buf[len++] = '=';
		memset(buf + len, 'v', v);
		len += v;
	}
	buf[len++] = '\n';
	return len;
}

static void test_sizes(struct tap *t)
{
	char line[700];
	struct tb_agent_msg m;
	char why[128];
	size_t n;

	n = long_line(line, 511);
	tap_ok(t, n == 512 && tb_agent_parse(line, n, &m, why, sizeof(why))
	       == 0 && m.npairs == 4, "512 bytes with the LF: fine");
	n = long_line(line, 512);
	tap_ok(t, n == 513 && tb_agent_parse(line, n, &m, why, sizeof(why))
	       == TB_AGENT_OVERSIZED, "513 bytes with the LF: oversized");
	memset(line, 'A', 600);
	tap_ok(t, tb_agent_parse(line, 600, &m, why, sizeof(why)) ==
	       TB_AGENT_OVERSIZED, "600 bytes without LF: oversized");
}

static int reply(const char *line, struct tb_agent_msg *m)
{
	char why[128];

	return tb_agent_parse_reply(line, strlen(line), m, why, sizeof(why));
}

static void test_replies(struct tap *t)
{
	struct tb_agent_msg m;
	size_t len = 0;

	tap_ok(t, reply("OK v=1\n", &m) == 0 && !strcmp(m.verb, "OK") &&
	       !strcmp(tb_agent_get(&m, "v"), "1"), "OK v=1");
	tap_ok(t, reply("ERR unknown-request FROB\n", &m) == 0 &&
	       !strcmp(m.verb, "ERR") && !strcmp(m.code, "unknown-request")
	       && !strcmp(m.text, "FROB"), "ERR code and text");
	tap_ok(t, reply("ERR no-space need=10 have=2 on /x y\n", &m) == 0 &&
	       !strcmp(m.code, "no-space") &&
	       !strcmp(m.text, "need=10 have=2 on /x y"),
	       "ERR text keeps spaces and '='");
	tap_ok(t, reply("ERR token\n", &m) == 0 && !strcmp(m.code, "token")
	       && m.text[0] == '\0', "ERR without text");
	tap_ok(t, reply("ERR\n", &m) < 0 && reply("ERR Bad\n", &m) < 0,
	       "ERR needs a lowercase code");
	tap_ok(t, reply("HELLO\n", &m) < 0, "a request is not a reply");
	tap_ok(t, reply("DATA len=42\n", &m) == 0 &&
	       tb_agent_data_len(&m, 100, &len) == 0 && len == 42,
	       "DATA len=42");
	tap_ok(t, tb_agent_data_len(&m, 41, &len) < 0, "DATA over the limit");
	tap_ok(t, reply("DATA len=-1\n", &m) == 0 &&
	       tb_agent_data_len(&m, 100, &len) < 0 &&
	       reply("DATA len=1 x=2\n", &m) == 0 &&
	       tb_agent_data_len(&m, 100, &len) < 0 &&
	       reply("DATA size=1\n", &m) == 0 &&
	       tb_agent_data_len(&m, 100, &len) < 0, "bad DATA lines");
	tap_ok(t, tb_agent_greeting("TWINBENCH-PEER 1 ready\n", 23) == 1 &&
	       tb_agent_greeting("TWINBENCH-PEER 1 busy\n", 22) == 0 &&
	       tb_agent_greeting("TWINBENCH-PEER 2 ready\n", 23) < 0 &&
	       tb_agent_greeting("TWINBENCH-PEER 1 readyx\n", 24) < 0 &&
	       tb_agent_greeting("SSH-2.0-OpenSSH\n", 16) < 0, "greetings");
}

static void test_format(struct tap *t)
{
	struct tb_agent_msg m, back;
	char line[TB_AGENT_LINE_MAX + 1], why[128];
	int n;

	tb_agent_msg_init(&m, "OK");
	tap_ok(t, tb_agent_add_u64(&m, "port", 7778) == 0 &&
	       tb_agent_add(&m, "module", "data") == 0 &&
	       tb_agent_add(&m, "sha256", "ab12") == 0, "build an OK");
	n = tb_agent_format(&m, line, sizeof(line));
	tap_str(t, n > 0 ? line : NULL, "OK port=7778 module=data "
		"sha256=ab12\n", "format");
	tap_ok(t, tb_agent_parse_reply(line, (size_t)n, &back, why,
				       sizeof(why)) == 0 &&
	       back.npairs == 3 && !strcmp(tb_agent_get(&back, "port"),
					   "7778"), "round trip");
	tap_ok(t, tb_agent_add(&m, "port", "1") < 0, "add refuses a "
	       "duplicate key");
	tap_ok(t, tb_agent_add(&m, "Bad", "1") < 0 &&
	       tb_agent_add(&m, "k", "a b") < 0 &&
	       tb_agent_add(&m, "k", "a\nb") < 0, "add refuses bad words");
	tb_agent_msg_init(&m, "lower");
	tap_ok(t, tb_agent_format(&m, line, sizeof(line)) < 0,
	       "format refuses a bad verb");
	tb_agent_msg_init(&m, "OK");
	tap_ok(t, tb_agent_format(&m, line, 3) < 0, "format: too small");
	n = tb_agent_format_err(line, sizeof(line), "malformed",
				"bad\tkey\n'x'");
	tap_str(t, n > 0 ? line : NULL, "ERR malformed bad key 'x'\n",
		"format_err sanitizes");
	{
		char big[1000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		n = tb_agent_format_err(line, sizeof(line), "failed", big);
		tap_ok(t, n == TB_AGENT_LINE_MAX && line[n - 1] == '\n',
		       "format_err cuts to one line");
	}
	tap_ok(t, tb_agent_format_err(line, sizeof(line), "Bad", "") < 0,
	       "format_err refuses a bad code");
}

static void feed(struct tb_agent_rb *rb, const char *s, size_t n)
{
	size_t room = tb_agent_rb_room(rb);

	if (n > room)
		n = room;
	memcpy(rb->buf + rb->len, s, n);
	tb_agent_rb_filled(rb, n);
}

static void test_framing(struct tap *t)
{
	struct tb_agent_rb rb = { .len = 0 };
	char line[TB_AGENT_LINE_MAX], raw[16], big[600];
	size_t n = 0;

	feed(&rb, "HEL", 3);
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 0, "truncated line: "
	       "wait for more");
	feed(&rb, "LO\nMANIFEST\r\nBY", 15);
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 1 && n == 5 &&
	       !strcmp(line, "HELLO"), "first line");
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 1 && n == 9 &&
	       !strcmp(line, "MANIFEST\r"), "second line keeps its CR for "
	       "the parser");
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 0 && rb.len == 2,
	       "the rest waits");
	feed(&rb, "E\nDATA len=5\nhello", 18);
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 1 &&
	       !strcmp(line, "BYE") && tb_agent_rb_line(&rb, line, &n) == 1
	       && !strcmp(line, "DATA len=5"), "lines before DATA");
	tap_ok(t, tb_agent_rb_take(&rb, raw, 3) == 3 && !memcmp(raw, "hel", 3)
	       && tb_agent_rb_take(&rb, raw, 10) == 2 &&
	       !memcmp(raw, "lo", 2) && rb.len == 0, "DATA bytes taken raw");
	feed(&rb, "x\0y\nOK\n", 7);
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 1 && n == 3 &&
	       line[1] == '\0', "a NUL stays in the line (length 3) for the "
	       "parser to refuse");
	memset(big, 'A', sizeof(big));
	rb.len = 0;
	feed(&rb, big, sizeof(big));
	tap_ok(t, rb.len == TB_AGENT_LINE_MAX &&
	       tb_agent_rb_line(&rb, line, &n) == TB_AGENT_OVERSIZED,
	       "512 bytes without LF: oversized");
	rb.len = 0;
	feed(&rb, big, 511);
	feed(&rb, "\n", 1);
	tap_ok(t, tb_agent_rb_line(&rb, line, &n) == 1 && n == 511,
	       "511 bytes and LF: one line");
}

static void test_helpers(struct tap *t)
{
	static const char *const keys[] = { "svc", "kind", NULL };
	struct tb_agent_msg m;
	struct tb_report_msg r;
	uint64_t v = 0;
	char why[128], line[256];
	int n;

	parse("START svc=x seed=00fF bytes=12 neg=-1 big=99999999999999999999 "
	      "hex=0x1\n", &m, why, sizeof(why));
	tap_ok(t, tb_agent_get_u64(&m, "seed", 16, 0, UINT64_MAX, &v) == 0 &&
	       v == 255, "hex seed");
	tap_ok(t, tb_agent_get_u64(&m, "bytes", 10, 0, 12, &v) == 0 &&
	       v == 12 && tb_agent_get_u64(&m, "bytes", 10, 0, 11, &v) ==
	       -EINVAL, "decimal in range");
	tap_ok(t, tb_agent_get_u64(&m, "neg", 10, 0, 100, &v) == -EINVAL &&
	       tb_agent_get_u64(&m, "big", 10, 0, UINT64_MAX, &v) == -EINVAL
	       && tb_agent_get_u64(&m, "hex", 16, 0, 100, &v) == -EINVAL &&
	       tb_agent_get_u64(&m, "seed", 10, 0, 100, &v) == -EINVAL &&
	       tb_agent_get_u64(&m, "none", 10, 0, 1, &v) == -ENOENT,
	       "bad numbers");
	tap_str(t, tb_agent_unknown_key(&m, keys), "seed", "unknown key");
	tap_ok(t, tb_agent_token_eq("s3cret", "s3cret") &&
	       !tb_agent_token_eq("s3cret", "s3cre") &&
	       !tb_agent_token_eq("s3cret", "s3cret!") &&
	       !tb_agent_token_eq("s3cret", "S3cret") &&
	       tb_agent_token_eq("", ""), "token comparison");
	n = tb_agent_fmt_result(line, sizeof(line), "peer_cpu_time", 0.42,
				"s", TB_INFO);
	tap_str(t, n > 0 ? line : NULL, "R\tpeer_cpu_time\t0.41999999999999998"
		"\ts\tinfo\tpeer\n", "measurement line");
	tap_ok(t, tb_report_parse(line, &r) == 0 && r.kind == 'R' &&
	       r.value == 0.42 && r.side == TB_SIDE_PEER &&
	       r.better == TB_INFO, "the report pipe parses it");
	tap_ok(t, tb_agent_fmt_result(line, sizeof(line), "a b", 1, "s",
				      TB_INFO) < 0 &&
	       tb_agent_fmt_result(line, 8, "peer_x", 1, "s", TB_INFO) < 0,
	       "bad metric, short buffer");
}

static void test_json(struct tap *t)
{
	const char *j = "{\"start\":{\"x\":1},\"end\":{\"streams\":[{"
		"\"receiver\":{\"bits_per_second\":1}}],\"sum_sent\":{"
		"\"bits_per_second\": 2.5e9},\"sum_received\" : {\"seconds\":"
		"1,\"note\":\"bits_per_second\",\"bits_per_second\":"
		"9.25e8},\"cpu_utilization_percent\":{\"host_total\":3.5}}}";
	double v = 0;

	tap_ok(t, tb_agent_json_num(j, "sum_received", "bits_per_second", &v)
	       == 0 && v == 9.25e8, "iperf3 sum_received");
	tap_ok(t, tb_agent_json_num(j, "sum_sent", "bits_per_second", &v) ==
	       0 && v == 2.5e9, "sum_sent");
	tap_ok(t, tb_agent_json_num(j, "cpu_utilization_percent",
				    "host_total", &v) == 0 && v == 3.5,
	       "cpu");
	tap_ok(t, tb_agent_json_num(j, "sum_received", "nope", &v) < 0 &&
	       tb_agent_json_num(j, "nope", "x", &v) < 0 &&
	       tb_agent_json_num("{\"sum_received\":{\"bits_per_second\":"
				 "\"x\"}}", "sum_received", "bits_per_second",
				 &v) < 0 &&
	       tb_agent_json_num("{\"sum_received\":{\"bits_per_se",
				 "sum_received", "bits_per_second", &v) < 0,
	       "missing, not a number, cut short");
}

int main(void)
{
	struct tap t = { 0, 0 };

	test_good(&t);
	test_malformed(&t);
	test_sizes(&t);
	test_replies(&t);
	test_format(&t);
	test_framing(&t);
	test_helpers(&t);
	test_json(&t);
	return tap_done(&t);
}
