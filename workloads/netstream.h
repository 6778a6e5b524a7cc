/* netstream.h - the netstream workload's parts (netstream.c: options and
 * descriptor; ns_netperf.c, ns_iperf3.c: one tool each). */
#ifndef NETSTREAM_H
#define NETSTREAM_H

#include <stdint.h>
#include "tb_workload.h"

enum { NS_NETPERF, NS_IPERF3 };
enum { NS_ALL, NS_STREAM, NS_MAERTS, NS_RR };

struct ns_params {
	int tool, tests;
	int64_t time, msgsize, rrsize;
};

int ns_wants(const struct ns_params *p, int test);
/* One run with each tool: 0, or -1 after tb_fail()/tb_skip(). */
int ns_netperf(struct tb_ctx *ctx, const struct ns_params *p);
int ns_iperf3(struct tb_ctx *ctx, const struct ns_params *p);

#endif
