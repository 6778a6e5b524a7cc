/* tb_agent.h - the peer agent's wire protocol, v1 (docs/peer-protocol.md).
 *
 * Pure text handling, no I/O: the agent (appliance/agent*.c) and its client
 * (workloads/peer.c) both parse and format with these functions.
 *
 * A line is at most TB_AGENT_LINE_MAX bytes including its LF (one CR just
 * before the LF is dropped).  A request is
 *   VERB [key=value]...            VERB [A-Z]{1,16}, up to 12 pairs
 * words separated by single spaces; key [a-z0-9_]{1,16}; the value is 0-128
 * bytes of 0x21-0x7e (printable ASCII but space), split off at the first
 * '=' (so a value may hold '=').  Replies:
 *   TWINBENCH-PEER 1 ready|busy    the greeting (tb_agent_greeting)
 *   OK [key=value]...              like a request
 *   DATA len=N                     then N raw bytes, then OK or ERR
 *   ERR CODE [text]                CODE [a-z0-9-]{1,32}; text printable
 */
#ifndef TB_AGENT_H
#define TB_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include "tb_workload.h"

#define TB_AGENT_PROTO 1
#define TB_AGENT_PORT 7777
#define TB_AGENT_LINE_MAX 512		/* bytes, including the LF */
#define TB_AGENT_VERB_MAX 16
#define TB_AGENT_KEY_MAX 16
#define TB_AGENT_VAL_MAX 128
#define TB_AGENT_PAIRS 12
#define TB_AGENT_CODE_MAX 32
#define TB_AGENT_DATA_MAX (16u << 20)	/* largest DATA payload */

/* Service ports: the agent's port plus these offsets. */
enum tb_agent_port_off {
	TB_AGENT_OFF_NETSERVER = 1,	/* netserver control */
	TB_AGENT_OFF_NETPERF_DATA = 2,	/* netperf data (-- -P ,PORT) */
	TB_AGENT_OFF_IPERF3 = 3,
	TB_AGENT_OFF_RSYNC = 4,		/* rsync daemon */
	TB_AGENT_OFF_LAST = 4
};

struct tb_agent_kv {
	char key[TB_AGENT_KEY_MAX + 1];
	char val[TB_AGENT_VAL_MAX + 1];
};

/* One parsed line.  For an ERR reply, code and text hold its code and the
 * rest (text may be ""); npairs is 0. */
struct tb_agent_msg {
	char verb[TB_AGENT_VERB_MAX + 1];
	int npairs;
	struct tb_agent_kv kv[TB_AGENT_PAIRS];
	char code[TB_AGENT_CODE_MAX + 1];
	char text[TB_AGENT_LINE_MAX];
};

/* Parse errors.  Each also leaves a short reason in err (e.g. "bad key
 * 'Foo'"), without the code. */
enum tb_agent_perr {
	TB_AGENT_MALFORMED = -1,	/* syntax */
	TB_AGENT_DUPLICATE = -2,	/* a key twice; err holds the key */
	TB_AGENT_OVERSIZED = -3,	/* longer than TB_AGENT_LINE_MAX */
};

/* A request (or OK / DATA reply).  line[len]: without or with its LF.
 * 0 or a tb_agent_perr. */
int tb_agent_parse(const char *line, size_t len, struct tb_agent_msg *m,
		   char *err, size_t n);
/* A reply: OK and DATA as above, ERR split into code and text. */
int tb_agent_parse_reply(const char *line, size_t len, struct tb_agent_msg *m,
			 char *err, size_t n);
/* The greeting: 1 ready, 0 busy, -1 not a v1 greeting. */
int tb_agent_greeting(const char *line, size_t len);

/* Building a message: init, then add pairs (-1 when the key or value is
 * not allowed or the message is full). */
void tb_agent_msg_init(struct tb_agent_msg *m, const char *verb);
int tb_agent_add(struct tb_agent_msg *m, const char *key, const char *val);
int tb_agent_add_u64(struct tb_agent_msg *m, const char *key, uint64_t v);
/* The line with its LF into buf[n]: its length, or -1 (does not fit,
 * invalid verb). */
int tb_agent_format(const struct tb_agent_msg *m, char *buf, size_t n);
/* "ERR code text\n": text sanitized (control bytes to spaces) and cut so
 * that the line fits TB_AGENT_LINE_MAX; the length, or -1. */
int tb_agent_format_err(char *buf, size_t n, const char *code,
			const char *text);

/* Looking at a parsed message. */
const char *tb_agent_get(const struct tb_agent_msg *m, const char *key);
/* The first key not in allowed (NULL-terminated), or NULL. */
const char *tb_agent_unknown_key(const struct tb_agent_msg *m,
				 const char *const *allowed);
/* Decimal (base 10) or hex (base 16, no 0x) number in [min, max].
 * 0, -ENOENT (missing) or -EINVAL. */
int tb_agent_get_u64(const struct tb_agent_msg *m, const char *key, int base,
		     uint64_t min, uint64_t max, uint64_t *out);
/* "DATA len=N" with N <= max: 0 and *len, else -1. */
int tb_agent_data_len(const struct tb_agent_msg *m, size_t max, size_t *len);

/* Token comparison whose time does not depend on where they differ. */
int tb_agent_token_eq(const char *a, const char *b);

/* One measurement line of a STOP reply's DATA, in the report pipe's wire
 * format (tb_workload.h) with side "peer"; its length or -1. */
int tb_agent_fmt_result(char *buf, size_t n, const char *metric,
			double value, const char *unit, enum tb_better b);

/* Line framing over a byte stream.  Fill buf[len..] (at most
 * tb_agent_rb_room() bytes), add the count with tb_agent_rb_filled(); take
 * lines with tb_agent_rb_line() and raw bytes with tb_agent_rb_take(). */
struct tb_agent_rb {
	char buf[TB_AGENT_LINE_MAX];
	size_t len;
};
size_t tb_agent_rb_room(const struct tb_agent_rb *r);
void tb_agent_rb_filled(struct tb_agent_rb *r, size_t n);
/* 1: a line (without its LF, NUL-terminated) in out[TB_AGENT_LINE_MAX]
 * and *n its length; 0: no whole line yet; TB_AGENT_OVERSIZED: the buffer
 * is full and holds no LF (the stream cannot be resynchronized). */
int tb_agent_rb_line(struct tb_agent_rb *r, char *out, size_t *n);
/* Move up to max buffered bytes to dst; the count. */
size_t tb_agent_rb_take(struct tb_agent_rb *r, void *dst, size_t max);

/* The number after "key": in the object "obj": of a JSON text, found by
 * scanning (iperf3's --json end.sum_received.bits_per_second); 0 or -1. */
int tb_agent_json_num(const char *json, const char *obj, const char *key,
		      double *v);

#endif
