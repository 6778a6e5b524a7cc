/* netstream.c - the 2008 study's `netperf -H <server>` (netserver on the
 * peer), with iperf3 as the reference tool users know.
 *
 * One run: the peer agent starts the server side (netserver, or an
 * iperf3 -s -1 per test), then the pinned static client runs each test of
 * `tests` for `time` seconds against it:
 *
 *   stream   netperf TCP_STREAM (iperf3: client sends)   throughput
 *   maerts   netperf TCP_MAERTS (iperf3 -R: peer sends)  throughput_recv
 *   rr       netperf TCP_RR, `rrsize`-byte request and response:
 *            transactions (/s), latency_mean/p50/p90/p99 (us)
 *
 * Throughput is in Mbit/s (10^6 bit/s, netperf -f m).  netperf's figures
 * are its own omni output selectors; those netserver measured on its side
 * (REMOTE_BYTES_RECVD, REMOTE_BYTES_SENT) and the agent's own figures
 * (peer_cpu_time, peer_rx_bytes, ... and iperf3's server-side
 * peer_throughput) are recorded with "side":"peer", the rest "local".
 * The data connection uses the agent's fixed data port, so a peer behind
 * forwarded ports works.  The timed phase covers the tests only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netrun.h"
#include "netstream.h"
#include "peer.h"
#include "workloads.h"

static const char *const ns_tools[] = { "netperf", "iperf3", NULL };
static const char *const ns_bins[] = { "netperf", "iperf3", NULL };
static const char *const ns_tests[] = { "all", "stream", "maerts", "rr",
	NULL };

static const struct tb_opt ns_opts[] = {
	{ "tool", TB_OPT_ENUM, offsetof(struct ns_params, tool), 0, 0,
	  "netperf", "netperf (the study's tool) or iperf3 (the reference)",
	  ns_tools },
	{ "tests", TB_OPT_ENUM, offsetof(struct ns_params, tests), 0, 0,
	  "all", "all, stream (to the peer), maerts (from the peer) or rr "
	  "(request/response; netperf only)", ns_tests },
	{ "time", TB_OPT_INT, offsetof(struct ns_params, time), 1, 3600,
	  "10", "seconds per test (netperf -l, iperf3 -t; the study: "
	  "netperf's default, 10)", NULL },
	{ "msgsize", TB_OPT_SIZE, offsetof(struct ns_params, msgsize), 0,
	  1048576, "0", "bytes per send (netperf -m, iperf3 -l); 0: the "
	  "tool's default (netperf: the socket buffer size, as the study "
	  "ran it; iperf3: 128K)", NULL },
	{ "rrsize", TB_OPT_INT, offsetof(struct ns_params, rrsize), 1, 65536,
	  "1", "bytes of each request and response of the rr test", NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Does the run include test t (NS_STREAM, NS_MAERTS, NS_RR)? */
int ns_wants(const struct ns_params *p, int t)
{
	return p->tests == NS_ALL || p->tests == t;
}

static int ns_run(struct tb_ctx *ctx, void *params)
{
	struct ns_params *p = params;

	if (nr_ready(ctx) < 0)
		return -1;
	if (p->tool == NS_IPERF3)
		return ns_iperf3(ctx, p);
	return ns_netperf(ctx, p);
}

static void ns_cleanup(struct tb_ctx *ctx, void *params)
{
	char *out = tb_strdupf("%s/netstream.out", ctx->scratch);

	(void)params;
	if (out)
		unlink(out);
	free(out);
}

const struct tb_workload wl_netstream = {
	.name = "netstream",
	.headline = "throughput",
	.help = "TCP throughput and request/response to a peer: netperf "
		"TCP_STREAM, TCP_MAERTS, TCP_RR against netserver (2008 "
		"study), or iperf3 as the reference",
	.opts = ns_opts,
	.params_size = sizeof(struct ns_params),
	.run = ns_run,
	.cleanup = ns_cleanup,
	.tools = ns_bins,
	.needs_peer = 1,
};
