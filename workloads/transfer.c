/* transfer.c - the 2008 study's rsync experiments:
 *
 *   date +%s.%N && rsync -av <server>::kernel /var/tmp && date +%s.%N
 *   rm -fr /var/tmp/(everything)
 *
 * with experiment 1 a Linux 2.6.22.14 tree (23,741 files, 294 MiB) and
 * experiment 2 a 433 MiB ISO.  Here the peer agent generates the seeded
 * data set (workloads/dataset.h: the same bytes on every machine) on its
 * scratch disk and serves it from an rsync daemon; direction = pull runs
 * the pinned static `rsync -av rsync://PEER:PORT/data/ DST/` into an
 * emptied directory of the scratch disk, as the study did.  direction =
 * push generates the same set here (untimed, kept between repetitions)
 * and runs `rsync -av SRC/ rsync://PEER:PORT/in/` into an emptied module
 * of the peer.  The timed phase is rsync alone: seconds (the headline)
 * and throughput (MB/s, 10^6 bytes of file contents per second).  What
 * arrived is checked against the data set's canonical hash after the
 * phase (pull: here; push: by the agent); a difference fails the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dataset.h"
#include "netrun.h"
#include "peer.h"
#include "tb_agent.h"
#include "workloads.h"

enum { TR_TREE, TR_FILE };
enum { TR_PULL, TR_PUSH };

struct tr_params {
	int dataset, direction;
	int64_t files, size;
};

static const char *const tr_datasets[] = { "tree", "file", NULL };
static const char *const tr_directions[] = { "pull", "push", NULL };
static const char *const tr_bins[] = { "rsync", NULL };

static const struct tb_opt tr_opts[] = {
	{ "dataset", TB_OPT_ENUM, offsetof(struct tr_params, dataset), 0, 0,
	  "tree", "tree: a source tree shaped like Linux 2.6.22.14 (the "
	  "study's experiment 1); file: one file (experiment 2, its ISO)",
	  tr_datasets },
	{ "files", TB_OPT_INT, offsetof(struct tr_params, files), 1,
	  DS_MAX_FILES, "23741", "files of the tree (Linux 2.6.22.14: "
	  "23741); ignored for dataset = file", NULL },
	{ "size", TB_OPT_SIZE, offsetof(struct tr_params, size), 0,
	  64.0 * 1024 * 1024 * 1024, "294M", "bytes of file contents (the "
	  "study: 294M for the tree, 433M for the ISO)", NULL },
	{ "direction", TB_OPT_ENUM, offsetof(struct tr_params, direction), 0,
	  0, "pull", "pull: from the peer to this machine (the study's "
	  "client side); push: from here to the peer", tr_directions },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

struct tr_run {
	struct tb_ctx *ctx;
	const struct tr_params *p;
	struct ds_spec spec;
	char bin[512], out[512], local[512], url[256];
	char want[65];		/* the peer's canonical hash of its set */
};

static void tr_spec(const struct tb_ctx *ctx, const struct tr_params *p,
		    struct ds_spec *s)
{
	s->kind = p->dataset == TR_FILE ? DS_FILE : DS_TREE;
	s->seed = ctx->seed;
	s->bytes = p->size;
	s->files = p->dataset == TR_FILE ? 1 : p->files;
}

static int tr_paths(struct tr_run *r)
{
	char key[96];

	tr_spec(r->ctx, r->p, &r->spec);
	if (ds_key(&r->spec, key, sizeof(key)) < 0)
		return tb_fail(r->ctx, "transfer: bad data set (files %lld, "
			       "size %lld)", (long long)r->spec.files,
			       (long long)r->spec.bytes), -1;
	snprintf(r->bin, sizeof(r->bin), "%s/rsync", r->ctx->bindir);
	snprintf(r->out, sizeof(r->out), "%s/transfer.out", r->ctx->scratch);
	if (r->p->direction == TR_PUSH)
		snprintf(r->local, sizeof(r->local), "%s/transfer-%s",
			 r->ctx->scratch, key);
	else
		snprintf(r->local, sizeof(r->local), "%s/transfer-dst",
			 r->ctx->scratch);
	return 0;
}

/* push: the local copy of the data set, made once per instance */
static int tr_setup(struct tb_ctx *ctx, void *params)
{
	struct tr_run r = { .ctx = ctx, .p = params };
	char err[512];

	if (r.p->direction != TR_PUSH || !ctx->peer || ctx->net_error)
		return 0;
	if (tr_paths(&r) < 0)
		return -1;
	if (ds_make(r.local, &r.spec, err, sizeof(err)) < 0)
		return tb_fail(ctx, "%s", err), -1;
	return 0;
}

static int ask_peer(struct tr_run *r, struct peer *pc, char *err, size_t n)
{
	struct tb_agent_msg ok;
	char args[200];
	const char *port, *mod;

	snprintf(args, sizeof(args), "kind=%s seed=%016llx bytes=%lld "
		 "files=%lld", r->spec.kind == DS_FILE ? "file" : "tree",
		 (unsigned long long)r->spec.seed, (long long)r->spec.bytes,
		 (long long)r->spec.files);
	if (peer_start(pc, r->p->direction == TR_PUSH ? "rsync-in" :
		       "rsync-out", args, &ok, err, n) < 0)
		return -1;
	port = tb_agent_get(&ok, "port");
	mod = tb_agent_get(&ok, "module");
	if (!port || !mod) {
		snprintf(err, n, "no port or module in the reply");
		return -1;
	}
	snprintf(r->url, sizeof(r->url), "rsync://%s:%s/%s/", pc->host, port,
		 mod);
	snprintf(r->want, sizeof(r->want), "%s", tb_agent_get(&ok, "sha256") ?
		 tb_agent_get(&ok, "sha256") : "");
	return 0;
}

/* "1,234" -> "1234" in place */
static void strip_commas(char *s)
{
	char *d = s;

	for (; *s; s++)
		if (*s != ',')
			*d++ = *s;
	*d = '\0';
}

/* rsync's own count of bytes on the wire: "sent N bytes  received M". */
static void wire_bytes(struct tr_run *r)
{
	char *text = nr_slurp(r->ctx, r->out), *s, n1[32], n2[32];
	double sent, recvd;

	if (!text)
		return;
	s = strstr(text, "\nsent ");
	if (s && sscanf(s, "\nsent %31s bytes received %31s", n1, n2) == 2) {
		strip_commas(n1);
		strip_commas(n2);
		if (!nr_num(n1, &sent) && !nr_num(n2, &recvd))
			tb_report_side(r->ctx, TB_SIDE_LOCAL, "wire_bytes",
				       sent + recvd, "bytes", TB_INFO);
	}
	free(text);
}

static int tr_copy(struct tr_run *r)
{
	int push = r->p->direction == TR_PUSH;
	char src[600], dst[600];
	char *argv[] = { r->bin, "-av", src, dst, NULL };
	double s;

	snprintf(src, sizeof(src), "%s", push ? r->local : r->url);
	snprintf(dst, sizeof(dst), "%s", push ? r->url : r->local);
	if (push)
		strcat(src, "/");
	tb_phase_begin(r->ctx);
	if (nr_run_tool(r->ctx, argv, r->out) < 0)
		return -1;
	s = wl_seconds(tb_phase_end(r->ctx));
	if (s <= 0)
		s = 1e-9;
	tb_report_side(r->ctx, TB_SIDE_LOCAL, "seconds", s, "s", TB_LOWER);
	tb_report_side(r->ctx, TB_SIDE_LOCAL, "throughput",
		       (double)r->spec.bytes / 1e6 / s, "MB/s", TB_HIGHER);
	tb_report_side(r->ctx, TB_SIDE_LOCAL, "files", (double)r->spec.files,
		       "count", TB_INFO);
	wire_bytes(r);
	return 0;
}

/* pull: what arrived must be the data set the peer announced */
static int tr_verify(struct tr_run *r)
{
	const char *want = r->want[0] ? r->want : NULL;
	struct ds_sum sum;
	char err[512];

	if (ds_hash(r->local, &sum, err, sizeof(err)) < 0)
		return tb_fail(r->ctx, "%s", err), -1;
	if (!want || strcmp(sum.sha256, want))
		return tb_fail(r->ctx, "transfer: %s differs from the peer's "
			       "data set (sha256 %s, expected %s)", r->local,
			       sum.sha256, want ? want : "none"), -1;
	return 0;
}

static int tr_run_fn(struct tb_ctx *ctx, void *params)
{
	struct tr_run r = { .ctx = ctx, .p = params };
	struct peer pc;
	char err[512];
	int rc = -1;

	if (nr_ready(ctx) < 0 || tr_paths(&r) < 0)
		return -1;
	if (r.p->direction == TR_PULL && nr_rm_rf(ctx, r.local) < 0)
		return -1;
	if (peer_open(&pc, ctx->peer, ctx->token, PEER_RUN_WAIT_S, err,
		      sizeof(err)) < 0)
		return tb_fail(ctx, "%s", err), -1;
	if (ask_peer(&r, &pc, err, sizeof(err)) < 0)
		tb_fail(ctx, "peer: START %s: %s", r.p->direction == TR_PUSH ?
			"rsync-in" : "rsync-out", err);
	else if (tr_copy(&r) == 0)
		rc = r.p->direction == TR_PULL ? tr_verify(&r) :
			0;
	if (peer_stop(&pc, ctx, err, sizeof(err)) < 0 && rc == 0) {
		tb_fail(ctx, "peer: STOP: %s", err);
		rc = -1;
	}
	peer_close(&pc);
	return rc;
}

static void tr_cleanup(struct tb_ctx *ctx, void *params)
{
	char *out = tb_strdupf("%s/transfer.out", ctx->scratch);

	(void)params;
	if (out)
		unlink(out);
	free(out);
}

const struct tb_workload wl_transfer = {
	.name = "transfer",
	.headline = "seconds",
	.help = "rsync -av of a seeded data set (a tree shaped like Linux "
		"2.6.22.14, or one ISO-sized file) from a peer's rsync daemon "
		"(2008 study), or to it",
	.opts = tr_opts,
	.params_size = sizeof(struct tr_params),
	.setup = tr_setup,
	.run = tr_run_fn,
	.cleanup = tr_cleanup,
	.tools = tr_bins,
	.needs_peer = 1,
};
