/* ns_netperf.c - netstream with netperf 2.7 against the peer's netserver.
 *
 * Each test is one `netperf -H HOST -p PORT -t TEST -l TIME -f m -P 0 --
 * -P ,DATAPORT [-m|-M SIZE | -r REQ,RSP] -o SELECTORS`, whose last line is
 * the selectors' values separated by commas (omni output).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netrun.h"
#include "netstream.h"
#include "peer.h"
#include "workloads.h"

struct np_test {
	int id;			/* NS_STREAM, NS_MAERTS, NS_RR */
	const char *name;	/* netperf -t */
	const char *sel;	/* -o selectors */
	int nsel;
};

static const struct np_test np_tests[] = {
	{ NS_STREAM, "TCP_STREAM",
	  "THROUGHPUT,LOCAL_BYTES_SENT,REMOTE_BYTES_RECVD,ELAPSED_TIME", 4 },
	{ NS_MAERTS, "TCP_MAERTS",
	  "THROUGHPUT,LOCAL_BYTES_RECVD,REMOTE_BYTES_SENT,ELAPSED_TIME", 4 },
	{ NS_RR, "TCP_RR", "TRANSACTION_RATE,MEAN_LATENCY,P50_LATENCY,"
	  "P90_LATENCY,P99_LATENCY,ELAPSED_TIME", 6 },
};

#define NP_SEL_MAX 6

struct np_run {
	struct tb_ctx *ctx;
	const struct ns_params *p;
	char bin[512], out[512], host[64], port[16], dport[24], time[16];
	char size[40];
};

static void report_stream(struct tb_ctx *ctx, int id, const double *v)
{
	int out = id == NS_STREAM;

	tb_report_side(ctx, TB_SIDE_LOCAL, out ? "throughput" :
		       "throughput_recv", v[0], "Mbit/s", TB_HIGHER);
	tb_report_side(ctx, TB_SIDE_LOCAL, out ? "bytes_sent" :
		       "bytes_recvd", v[1], "bytes", TB_INFO);
	tb_report_side(ctx, TB_SIDE_PEER, out ? "peer_bytes_recvd" :
		       "peer_bytes_sent", v[2], "bytes", TB_INFO);
	tb_report_side(ctx, TB_SIDE_LOCAL, out ? "elapsed_send" :
		       "elapsed_recv", v[3], "s", TB_INFO);
}

static void report_rr(struct tb_ctx *ctx, const double *v)
{
	tb_report_side(ctx, TB_SIDE_LOCAL, "transactions", v[0], "1/s",
		       TB_HIGHER);
	tb_report_side(ctx, TB_SIDE_LOCAL, "latency_mean", v[1], "us",
		       TB_LOWER);
	tb_report_side(ctx, TB_SIDE_LOCAL, "latency_p50", v[2], "us",
		       TB_LOWER);
	tb_report_side(ctx, TB_SIDE_LOCAL, "latency_p90", v[3], "us",
		       TB_LOWER);
	tb_report_side(ctx, TB_SIDE_LOCAL, "latency_p99", v[4], "us",
		       TB_LOWER);
	tb_report_side(ctx, TB_SIDE_LOCAL, "elapsed_rr", v[5], "s", TB_INFO);
}

/* The values of the output's last line; 0 or -1 after tb_fail(). */
static int parse_out(struct tb_ctx *ctx, const struct np_test *t,
		     const char *path, double *v)
{
	char *text = nr_slurp(ctx, path), line[512], *f[NP_SEL_MAX + 1];
	int n, i;

	if (!text)
		return -1;
	nr_last_line(text, line, sizeof(line));
	free(text);
	n = nr_split(line, ',', f, NP_SEL_MAX + 1);
	for (i = 0; n == t->nsel && i < n; i++)
		if (nr_num(f[i], &v[i]) < 0 || v[i] < 0)
			break;
	if (n != t->nsel || i != n) {
		tb_fail(ctx, "netperf %s: unexpected output '%s' (expected %d "
			"values: %s); full output in %s", t->name, line,
			t->nsel, t->sel, path);
		return -1;
	}
	return 0;
}

static int run_test(struct np_run *r, const struct np_test *t)
{
	const struct ns_params *p = r->p;
	char *argv[24];
	double v[NP_SEL_MAX];
	int k = 0;

	argv[k++] = r->bin;
	argv[k++] = "-H";
	argv[k++] = r->host;
	argv[k++] = "-p";
	argv[k++] = r->port;
	argv[k++] = "-t";
	argv[k++] = (char *)t->name;
	argv[k++] = "-l";
	argv[k++] = r->time;
	argv[k++] = "-f";
	argv[k++] = "m";
	argv[k++] = "-P";
	argv[k++] = "0";
	argv[k++] = "--";
	argv[k++] = "-P";
	argv[k++] = r->dport;
	if (t->id == NS_RR) {
		snprintf(r->size, sizeof(r->size), "%lld,%lld",
			 (long long)p->rrsize, (long long)p->rrsize);
		argv[k++] = "-r";
		argv[k++] = r->size;
	} else if (p->msgsize > 0) {
		snprintf(r->size, sizeof(r->size), "%lld",
			 (long long)p->msgsize);
		argv[k++] = t->id == NS_STREAM ? "-m" : "-M";
		argv[k++] = r->size;
	}
	argv[k++] = "-o";
	argv[k++] = (char *)t->sel;
	argv[k] = NULL;
	if (nr_run_tool(r->ctx, argv, r->out) < 0 ||
	    parse_out(r->ctx, t, r->out, v) < 0)
		return -1;
	if (t->id == NS_RR)
		report_rr(r->ctx, v);
	else
		report_stream(r->ctx, t->id, v);
	return 0;
}

static int run_tests(struct np_run *r)
{
	size_t i;

	tb_phase_begin(r->ctx);
	for (i = 0; i < sizeof(np_tests) / sizeof(np_tests[0]); i++)
		if (ns_wants(r->p, np_tests[i].id) &&
		    run_test(r, &np_tests[i]) < 0)
			return -1;
	tb_phase_end(r->ctx);
	return 0;
}

int ns_netperf(struct tb_ctx *ctx, const struct ns_params *p)
{
	struct np_run r = { .ctx = ctx, .p = p };
	struct tb_agent_msg ok;
	struct peer pc;
	char err[256];
	const char *cport, *dport;
	int rc = -1;

	snprintf(r.bin, sizeof(r.bin), "%s/netperf", ctx->bindir);
	snprintf(r.out, sizeof(r.out), "%s/netstream.out", ctx->scratch);
	snprintf(r.time, sizeof(r.time), "%lld", (long long)p->time);
	if (peer_open(&pc, ctx->peer, ctx->token, PEER_RUN_WAIT_S, err,
		      sizeof(err)) < 0)
		return tb_fail(ctx, "%s", err), -1;
	if (peer_start(&pc, "netserver", NULL, &ok, err, sizeof(err)) < 0) {
		tb_fail(ctx, "peer: START netserver: %s", err);
		goto out;
	}
	cport = tb_agent_get(&ok, "port");
	dport = tb_agent_get(&ok, "data_port");
	if (!cport || !dport) {
		tb_fail(ctx, "peer: START netserver: no port in the reply");
		goto out;
	}
	snprintf(r.host, sizeof(r.host), "%s", pc.host);
	snprintf(r.port, sizeof(r.port), "%s", cport);
	snprintf(r.dport, sizeof(r.dport), ",%s", dport);
	rc = run_tests(&r);
	if (peer_stop(&pc, ctx, err, sizeof(err)) < 0 && rc == 0) {
		tb_fail(ctx, "peer: STOP: %s", err);
		rc = -1;
	}
out:
	peer_close(&pc);
	return rc;
}
