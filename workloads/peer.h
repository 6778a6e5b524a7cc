/* peer.h - the client of the peer agent (`twinbench serve`, protocol v1:
 * lib/tb_agent.h, docs/peer-protocol.md), for workloads and PID 1.
 *
 * Blocking calls with timeouts, meant for a workload's forked child (the
 * runner's timeout bounds a run as a whole):
 *
 *	struct peer pc;
 *	peer_open(&pc, ctx->peer, ctx->token, PEER_RUN_WAIT_S, err, n);
 *	peer_start(&pc, "iperf3", NULL, &ok, err, n);	ok: port=...
 *	... run the local side against pc.host, tb_agent_get(&ok, "port")
 *	peer_stop(&pc, ctx, err, n);	the peer's figures, side "peer"
 *	peer_close(&pc);
 *
 * Every function that can fail returns 0 or -1 with a message in err[n]
 * that names the peer; an ERR reply's message is the agent's own text
 * ("peer 10.0.0.2:7777: not-running no service was started").
 */
#ifndef PEER_H
#define PEER_H

#include <stddef.h>
#include "tb_agent.h"
#include "tb_workload.h"

#define PEER_RUN_WAIT_S 30	/* a run's wait for an agent already seen */
#define PEER_REPLY_S 3600	/* a reply (START may generate a data set) */

struct peer {
	int fd;			/* -1 when closed */
	char host[16];		/* dotted IPv4 */
	int port;		/* the agent's; services at port + offset */
	char addr[24];		/* "HOST:PORT", for messages */
	int reply_s;		/* PEER_REPLY_S; a caller may lower it */
	struct tb_agent_rb rb;
};

/* "HOST[:PORT]" (IPv4, port default TB_AGENT_PORT, at most 65535 - 4):
 * 0, or -1 with err. */
int peer_split(const char *addr, char *host, size_t hn, int *port, char *err,
	       size_t n);
/* A service port: the agent's port + TB_AGENT_OFF_*. */
int peer_port(const struct peer *p, enum tb_agent_port_off off);

/* Connect (retrying until timeout_s: the peer may still be booting),
 * read the greeting (busy: "peer ADDR is busy with another client"), send
 * HELLO [token=T] and check its OK. */
int peer_open(struct peer *p, const char *addr, const char *token,
	      int timeout_s, char *err, size_t n);
/* Send one request line (no LF) and read its reply: OK or DATA in *reply;
 * ERR is -1 with the agent's code and text in err. */
int peer_call(struct peer *p, const char *line, struct tb_agent_msg *reply,
	      char *err, size_t n);
/* A request answered with DATA len=N, N bytes, then OK: the bytes in *buf
 * (malloc'ed, NUL-terminated, *len of them).  When ERR follows the bytes,
 * -1, and *buf is still set (the caller frees it). */
int peer_data(struct peer *p, const char *line, char **buf, size_t *len,
	      char *err, size_t n);
/* MANIFEST: the peer's JSON. */
int peer_manifest(struct peer *p, char **json, size_t *len, char *err,
		  size_t n);
/* START svc=SVC[ ARGS]; ARGS e.g. "kind=tree seed=2a bytes=1000 files=3"
 * or NULL.  The OK reply (port=, data_port=, module=, ...) in *ok. */
int peer_start(struct peer *p, const char *svc, const char *args,
	       struct tb_agent_msg *ok, char *err, size_t n);
/* STOP: every measurement line of the reply goes to the runner as
 * tb_report_side(ctx, TB_SIDE_PEER, ...); -1 after forwarding them when
 * the agent adds an ERR (tree-mismatch). */
int peer_stop(struct peer *p, struct tb_ctx *ctx, char *err, size_t n);
/* BYE (briefly waiting for its OK) and close; safe to call twice. */
void peer_close(struct peer *p);

#endif
