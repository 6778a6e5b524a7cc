/* agent_svc.c - the services a client may START, and their STOP.
 *
 * Each is one fixed argv with numbers the agent computed itself (ports
 * from its own port, paths under its scratch directory): nothing from the
 * wire reaches a command line.  A service runs in its own process group
 * with stdout and stderr in scratch/run/svc.{out,err} (agent_proc.c), and
 * START answers only once it listens, or says why it did not.
 *
 *   netserver  -D -f -4 -p P+1 [-L ADDR]   foreground, no fork per test,
 *                                          so its CPU time is its own
 *   iperf3     -s -1 -p P+3 --json [-B ADDR]
 *   rsync      --daemon --no-detach --port=P+4 --config=run/rsyncd.conf
 *              [--address=ADDR]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent_priv.h"
#include "tb_util.h"

#define ARGV_MAX 12

static const struct {
	const char *svc, *tool;
	enum agent_kind kind;
	int off;
} svcs[] = {
	{ "netserver", "netserver", SVC_NETSERVER, TB_AGENT_OFF_NETSERVER },
	{ "iperf3", "iperf3", SVC_IPERF3, TB_AGENT_OFF_IPERF3 },
	{ "rsync-out", "rsync", SVC_RSYNC_OUT, TB_AGENT_OFF_RSYNC },
	{ "rsync-in", "rsync", SVC_RSYNC_IN, TB_AGENT_OFF_RSYNC },
};
#define NSVCS (sizeof(svcs) / sizeof(svcs[0]))

char *svc_path(const struct agent_cfg *cfg, const char *name)
{
	return tb_strdupf("%s/run%s%s", cfg->scratch, name ? "/" : "",
			  name ? name : "");
}

struct args {
	char *v[ARGV_MAX + 1];
	int n, oom;
};

/* Take s (malloc'ed, or NULL: out of memory). */
static void arg(struct args *a, char *s)
{
	if (!s || a->n == ARGV_MAX) {
		free(s);
		a->oom = 1;
		return;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void args_free(struct args *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

static int any_addr(const struct agent_cfg *cfg)
{
	return !strcmp(cfg->listen, "0.0.0.0");
}

static void build_argv(const struct agent_cfg *cfg, enum agent_kind k,
		       int port, const char *tool, const char *conf,
		       struct args *a)
{
	arg(a, tb_strdupf("%s/%s", cfg->bindir, tool));
	if (k == SVC_NETSERVER) {
		arg(a, strdup("-D"));
		arg(a, strdup("-f"));
		arg(a, strdup("-4"));
		arg(a, strdup("-p"));
		arg(a, tb_strdupf("%d", port));
		if (!any_addr(cfg)) {
			arg(a, strdup("-L"));
			arg(a, strdup(cfg->listen));
		}
	} else if (k == SVC_IPERF3) {
		arg(a, strdup("-s"));
		arg(a, strdup("-1"));
		arg(a, strdup("-p"));
		arg(a, tb_strdupf("%d", port));
		arg(a, strdup("--json"));
		if (!any_addr(cfg)) {
			arg(a, strdup("-B"));
			arg(a, strdup(cfg->listen));
		}
	} else {
		arg(a, strdup("--daemon"));
		arg(a, strdup("--no-detach"));
		arg(a, tb_strdupf("--port=%d", port));
		arg(a, tb_strdupf("--config=%s", conf));
		if (!any_addr(cfg))
			arg(a, tb_strdupf("--address=%s", cfg->listen));
	}
}

/* The rsync services: the data set and the daemon's configuration. */
static int prepare_rsync(const struct agent_cfg *cfg, struct agent_svc *s,
			 const struct tb_agent_msg *req, const char *client,
			 char **conf, struct agent_reply *r)
{
	int out = s->kind == SVC_RSYNC_OUT, rc;

	if (data_spec(req, &s->set, r) < 0)
		return -1;
	if ((out ? data_prepare_out(cfg, &s->set, r) :
	     data_prepare_in(cfg, &s->set, r)) < 0)
		return -1;
	rc = data_rsyncd_conf(cfg, &s->set, out, client, conf);
	if (rc < 0) {
		agent_fail(r, "failed", "rsyncd.conf: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

static void ok_pairs(const struct agent_svc *s, int port,
		     struct agent_reply *r)
{
	tb_agent_add_u64(&r->ok, "port", (uint64_t)port);
	if (s->kind == SVC_NETSERVER)
		tb_agent_add_u64(&r->ok, "data_port", (uint64_t)(port -
				 TB_AGENT_OFF_NETSERVER +
				 TB_AGENT_OFF_NETPERF_DATA));
	if (s->kind == SVC_RSYNC_OUT) {
		tb_agent_add(&r->ok, "module", "data");
		tb_agent_add_u64(&r->ok, "files", (uint64_t)s->set.sum_files);
		tb_agent_add_u64(&r->ok, "bytes", (uint64_t)s->set.sum_bytes);
		tb_agent_add(&r->ok, "sha256", s->set.sha256);
	}
	if (s->kind == SVC_RSYNC_IN)
		tb_agent_add(&r->ok, "module", "in");
}

/* Which service, and may it run here?  Its index, or -1 with r set. */
static int pick(const struct agent_cfg *cfg, const struct tb_agent_msg *req,
		struct agent_reply *r)
{
	const char *name = tb_agent_get(req, "svc");
	char *tool;
	size_t i;

	for (i = 0; name && i < NSVCS; i++)
		if (!strcmp(name, svcs[i].svc))
			break;
	if (!name || i == NSVCS) {
		agent_fail(r, "bad-value", "svc=%s: one of netserver, iperf3, "
			   "rsync-out, rsync-in", name ? name : "(missing)");
		return -1;
	}
	if (svcs[i].kind < SVC_RSYNC_OUT && req->npairs > 1) {
		agent_fail(r, "unknown-key", "%s", strcmp(req->kv[0].key,
			   "svc") ? req->kv[0].key : req->kv[1].key);
		return -1;
	}
	tool = tb_strdupf("%s/%s", cfg->bindir, svcs[i].tool);
	if (!tool || access(tool, X_OK) < 0) {
		agent_fail(r, "unavailable", "%s: %s", tool ? tool :
			   svcs[i].tool, strerror(tool ? errno : ENOMEM));
		free(tool);
		return -1;
	}
	free(tool);
	return (int)i;
}

int svc_start(const struct agent_cfg *cfg, struct agent_svc *s,
	      const struct tb_agent_msg *req, const char *client,
	      struct agent_reply *r)
{
	int i = pick(cfg, req, r), port, rc = -1;
	struct args a = { .n = 0 };
	char *conf = NULL, *run = svc_path(cfg, NULL);

	if (i < 0 || !run || tb_mkdir_p(run, 0755) < 0) {
		if (i >= 0)
			agent_fail(r, "failed", "%s/run: cannot create",
				   cfg->scratch);
		free(run);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->kind = svcs[i].kind;
	s->name = svcs[i].svc;
	port = cfg->port + svcs[i].off;
	if (proc_listening(port) == 1)
		agent_fail(r, "failed", "port %d is already in use", port);
	else if (s->kind < SVC_RSYNC_OUT ||
		 prepare_rsync(cfg, s, req, client, &conf, r) == 0)
		rc = 0;
	if (rc == 0) {
		build_argv(cfg, s->kind, port, svcs[i].tool, conf, &a);
		rc = a.oom ? -1 : proc_spawn(cfg, s, a.v, r);
		if (a.oom)
			agent_fail(r, "internal", "out of memory");
	}
	if (rc == 0 && proc_wait_ready(cfg, s, port, r) < 0) {
		svc_stop(cfg, s, NULL, 0, NULL, NULL);
		rc = -1;
	}
	if (rc == 0)
		ok_pairs(s, port, r);
	args_free(&a);
	free(conf);
	free(run);
	return rc;
}

static void add_line(char *out, size_t n, size_t *len, const char *metric,
		     double v, const char *unit, enum tb_better b)
{
	int w;

	if (!out || *len >= n)
		return;
	w = tb_agent_fmt_result(out + *len, n - *len, metric, v, unit, b);
	if (w > 0)
		*len += (size_t)w;
}

/* iperf3's own receive figures from its --json output. */
static void iperf3_lines(const struct agent_cfg *cfg, char *out, size_t n,
			 size_t *len)
{
	char *path = svc_path(cfg, "svc.out"), *text = NULL;
	size_t tl;
	double bps, cpu;

	if (path && tb_read_file(path, &text, &tl) == 0) {
		if (tb_agent_json_num(text, "sum_received", "bits_per_second",
				      &bps) == 0 && bps > 0)
			add_line(out, n, len, "peer_throughput", bps / 1e6,
				 "Mbit/s", TB_HIGHER);
		if (tb_agent_json_num(text, "cpu_utilization_percent",
				      "host_total", &cpu) == 0)
			add_line(out, n, len, "peer_iperf3_cpu", cpu, "%",
				 TB_INFO);
	}
	free(text);
	free(path);
}

static int tree_lines(const struct agent_cfg *cfg, const struct agent_svc *s,
		      char *out, size_t n, size_t *len, struct agent_reply *r)
{
	struct agent_set got;
	int m = data_check_in(cfg, &s->set, &got, r);

	if (m < 0)
		return -1;
	add_line(out, n, len, "peer_tree_match", m, "bool", TB_INFO);
	add_line(out, n, len, "peer_tree_files", (double)got.sum_files,
		 "files", TB_INFO);
	add_line(out, n, len, "peer_tree_bytes", (double)got.sum_bytes,
		 "bytes", TB_INFO);
	if (!m)
		agent_fail(r, "tree-mismatch", "expected=%s got=%s "
			   "files=%lld/%lld bytes=%lld/%lld", s->set.sha256,
			   got.sha256, (long long)got.sum_files,
			   (long long)s->set.sum_files,
			   (long long)got.sum_bytes,
			   (long long)s->set.sum_bytes);
	return m ? 0 : -1;
}

int svc_stop(const struct agent_cfg *cfg, struct agent_svc *s, char *out,
	     size_t n, size_t *len, struct agent_reply *r)
{
	uint64_t rx, tx;
	double secs;
	int rc = 0;

	proc_terminate(s);
	secs = (double)(tb_now_ns() - s->t0_ns) / 1e9;
	add_line(out, n, len, "peer_seconds", secs, "s", TB_INFO);
	add_line(out, n, len, "peer_cpu_time", proc_children_cpu() - s->cpu0_s,
		 "s", TB_INFO);
	if (s->net_ok && info_net_bytes(&rx, &tx) == 0 && rx >= s->rx0 &&
	    tx >= s->tx0) {
		add_line(out, n, len, "peer_rx_bytes", (double)(rx - s->rx0),
			 "bytes", TB_INFO);
		add_line(out, n, len, "peer_tx_bytes", (double)(tx - s->tx0),
			 "bytes", TB_INFO);
	}
	if (s->kind == SVC_IPERF3)
		iperf3_lines(cfg, out, n, len);
	if (s->kind == SVC_RSYNC_IN && r && s->pid > 0)
		rc = tree_lines(cfg, s, out, n, len, r);
	s->pid = 0;
	return rc;
}
