/* network.c - the 2008 study's network benchmarks, netstream (netperf's TCP
 * stream) and transfer (rsync from a server), are names this build knows
 * but does not carry yet: they need a peer machine (bench.role, bench.peer,
 * bench.net) and the network set-up of a later release.  A profile may list
 * them, so that a study's profile is complete today; every run of theirs is
 * recorded as skipped with the reason, never silently dropped.
 */
#include "workloads.h"

static const struct tb_opt no_opts[] = {
	{ .name = NULL },
};

static int network_run(struct tb_ctx *ctx, void *params)
{
	(void)params;
	tb_skip(ctx, "%s needs a peer (bench.role/bench.peer) and this "
		"build of twinbench has no network workloads yet",
		ctx->instance);
	return -1;
}

const struct tb_workload wl_netstream = {
	.name = "netstream",
	.headline = "throughput",
	.help = "TCP stream to a peer, like netperf (not in this build: "
		"every run is skipped)",
	.opts = no_opts,
	.params_size = 0,
	.run = network_run,
};

const struct tb_workload wl_transfer = {
	.name = "transfer",
	.headline = "seconds",
	.help = "rsync of a file tree from a peer (not in this build: every "
		"run is skipped)",
	.opts = no_opts,
	.params_size = 0,
	.run = network_run,
};
