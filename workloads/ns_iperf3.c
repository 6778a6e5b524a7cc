/* ns_iperf3.c - netstream with iperf3 (the reference tool): one
 * `iperf3 -c HOST -p PORT -t TIME -J [-R] [-l SIZE]` per direction, each
 * against a fresh one-off server (iperf3 -s -1) the agent starts.
 *
 * throughput / throughput_recv: what arrived, end.sum_received of the
 * client's JSON (the receiver's count: for -R this machine's own); the
 * sender's figure and the retransmits as information.  The agent adds the
 * server's own JSON figure as peer_throughput (side "peer").
 *
 * The image carries no iperf3 (its source is not fetchable here, see the
 * README); in container mode --bindir may hold one, e.g. Debian's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netrun.h"
#include "netstream.h"
#include "peer.h"
#include "tb_agent.h"
#include "workloads.h"

struct ip_run {
	struct tb_ctx *ctx;
	const struct ns_params *p;
	struct peer *pc;
	char bin[512], out[512], time[16], size[32], port[16];
};

static int report(struct ip_run *r, int recv)
{
	double rx, tx, retr = 0;
	char *json = nr_slurp(r->ctx, r->out);

	if (!json)
		return -1;
	if (tb_agent_json_num(json, "sum_received", "bits_per_second",
			      &rx) < 0 ||
	    tb_agent_json_num(json, "sum_sent", "bits_per_second", &tx) < 0) {
		free(json);
		return tb_fail(r->ctx, "iperf3: no end.sum_received/sum_sent "
			       "in its JSON; full output in %s", r->out), -1;
	}
	tb_agent_json_num(json, "sum_sent", "retransmits", &retr);
	free(json);
	tb_report_side(r->ctx, TB_SIDE_LOCAL, recv ? "throughput_recv" :
		       "throughput", rx / 1e6, "Mbit/s", TB_HIGHER);
	tb_report_side(r->ctx, TB_SIDE_LOCAL, recv ? "sender_throughput_recv"
		       : "sender_throughput", tx / 1e6, "Mbit/s", TB_INFO);
	tb_report_side(r->ctx, TB_SIDE_LOCAL, recv ? "retransmits_recv" :
		       "retransmits", retr, "count", TB_INFO);
	return 0;
}

/* One direction: START iperf3, the client, STOP (the peer's figures). */
static int one(struct ip_run *r, int recv)
{
	struct tb_agent_msg ok;
	char err[256];
	const char *port;
	char *argv[16];
	int k = 0, rc;

	if (peer_start(r->pc, "iperf3", NULL, &ok, err, sizeof(err)) < 0)
		return tb_fail(r->ctx, "peer: START iperf3: %s", err), -1;
	port = tb_agent_get(&ok, "port");
	snprintf(r->port, sizeof(r->port), "%s", port ? port : "");
	argv[k++] = r->bin;
	argv[k++] = "-c";
	argv[k++] = r->pc->host;
	argv[k++] = "-p";
	argv[k++] = r->port;
	argv[k++] = "-t";
	argv[k++] = r->time;
	argv[k++] = "-J";
	if (recv)
		argv[k++] = "-R";
	if (r->p->msgsize > 0) {
		argv[k++] = "-l";
		argv[k++] = r->size;
	}
	argv[k] = NULL;
	rc = port ? nr_run_tool(r->ctx, argv, r->out) : -1;
	if (!port)
		tb_fail(r->ctx, "peer: START iperf3: no port in the reply");
	if (rc == 0)
		rc = report(r, recv);
	if (peer_stop(r->pc, r->ctx, err, sizeof(err)) < 0 && rc == 0) {
		tb_fail(r->ctx, "peer: STOP: %s", err);
		rc = -1;
	}
	return rc;
}

int ns_iperf3(struct tb_ctx *ctx, const struct ns_params *p)
{
	struct ip_run r = { .ctx = ctx, .p = p };
	struct peer pc;
	char err[256];
	int rc = 0;

	if (p->tests == NS_RR)
		return tb_skip(ctx, "iperf3 has no request/response test "
			       "(tests = rr needs tool = netperf)"), -1;
	snprintf(r.bin, sizeof(r.bin), "%s/iperf3", ctx->bindir);
	if (access(r.bin, X_OK) < 0)
		return tb_skip(ctx, "%s: not found: this build carries no "
			       "iperf3 (Debian's archive serves no iperf3 "
			       "source tarball to this builder); give one "
			       "with --bindir", r.bin), -1;
	snprintf(r.out, sizeof(r.out), "%s/netstream.out", ctx->scratch);
	snprintf(r.time, sizeof(r.time), "%lld", (long long)p->time);
	snprintf(r.size, sizeof(r.size), "%lld", (long long)p->msgsize);
	if (peer_open(&pc, ctx->peer, ctx->token, PEER_RUN_WAIT_S, err,
		      sizeof(err)) < 0)
		return tb_fail(ctx, "%s", err), -1;
	r.pc = &pc;
	tb_phase_begin(ctx);
	if (ns_wants(p, NS_STREAM))
		rc = one(&r, 0);
	if (rc == 0 && ns_wants(p, NS_MAERTS))
		rc = one(&r, 1);
	if (rc == 0)
		tb_phase_end(ctx);
	peer_close(&pc);
	return rc;
}
