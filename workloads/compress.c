/* compress.c - the 2008 study's `bzip2 -9` on a seeded corpus.
 *
 * Setup writes the corpus to the scratch directory (streamed, fsync'ed; kept
 * for later repetitions of the same seed and size).  Run executes the pinned
 * static `<bindir>/bzip2 -<level> -c <input>` with its output going to a file
 * on the scratch filesystem, and reports the wall time, the input MB/s and
 * the compression ratio.  Cleanup removes the compressed file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "workloads.h"

struct compress_params {
	int64_t size, level;
	int corpus;
};

static const char *const compress_corpora[] = {
	"mixed", "text", "random", NULL,
};

static const struct tb_opt compress_opts[] = {
	{ "size", TB_OPT_SIZE, offsetof(struct compress_params, size), 1024,
	  64.0 * 1024 * 1024 * 1024, "32M", "bytes of input corpus", NULL },
	{ "level", TB_OPT_INT, offsetof(struct compress_params, level), 1, 9,
	  "9", "bzip2 block size level (-1 .. -9)", NULL },
	{ "corpus", TB_OPT_ENUM, offsetof(struct compress_params, corpus), 0,
	  0, "mixed", "mixed: text, tables, code and random blocks (about "
	  "2.6:1); text: words only; random: incompressible",
	  compress_corpora },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const char *const compress_tools[] = { "bzip2", NULL };

static const enum wl_data corpus_kind[] = {
	WL_DATA_MIXED, WL_DATA_TEXT, WL_DATA_RANDOM,
};

static int compress_setup(struct tb_ctx *ctx, void *params)
{
	struct compress_params *p = params;
	char *bz = tb_strdupf("%s/bzip2", ctx->bindir), *in = NULL;
	int rc;

	if (!bz)
		return tb_fail(ctx, "out of memory"), -1;
	if (access(bz, X_OK) < 0) {
		tb_fail(ctx, "%s: %s", bz,
			errno == ENOENT ? "not found" : strerror(errno));
		free(bz);
		return -1;
	}
	free(bz);
	rc = wl_input_file(ctx, "corpus", corpus_kind[p->corpus], p->size,
			   &in);
	free(in);
	return rc;
}

static void exec_bzip2(const char *bz, const char *level, const char *in,
		       const char *out, const char *errf)
{
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int n = open("/dev/null", O_RDONLY);

	if (o < 0 || e < 0 || n < 0 || dup2(n, 0) < 0 || dup2(o, 1) < 0 ||
	    dup2(e, 2) < 0)
		_exit(126);
	execl(bz, bz, level, "-c", in, (char *)NULL);
	_exit(127);
}

static void tool_error(struct tb_ctx *ctx, const char *bz, int st,
		       const char *errf)
{
	char *msg = NULL, *nl;
	size_t len;

	if (tb_read_file(errf, &msg, &len) == 0 && (nl = strchr(msg, '\n')))
		*nl = 0;
	if (WIFSIGNALED(st))
		tb_fail(ctx, "%s: killed by signal %d", bz, WTERMSIG(st));
	else if (WEXITSTATUS(st) == 127)
		tb_fail(ctx, "%s: cannot execute", bz);
	else
		tb_fail(ctx, "%s: exit status %d%s%s", bz, WEXITSTATUS(st),
			msg && *msg ? ": " : "", msg ? msg : "");
	free(msg);
}

struct compress_paths {
	char *bz, *level, *in, *out, *err;
};

static int paths_init(struct tb_ctx *ctx, const struct compress_params *p,
		      struct compress_paths *cp)
{
	cp->bz = tb_strdupf("%s/bzip2", ctx->bindir);
	cp->level = tb_strdupf("-%d", (int)p->level);
	cp->out = tb_strdupf("%s/compress.bz2", ctx->scratch);
	cp->err = tb_strdupf("%s/compress.err", ctx->scratch);
	cp->in = NULL;
	if (!cp->bz || !cp->level || !cp->out || !cp->err)
		return tb_fail(ctx, "out of memory"), -1;
	return wl_input_file(ctx, "corpus", corpus_kind[p->corpus], p->size,
			     &cp->in);
}

static void paths_free(struct compress_paths *cp)
{
	free(cp->bz);
	free(cp->level);
	free(cp->in);
	free(cp->out);
	free(cp->err);
}

static int report(struct tb_ctx *ctx, const struct compress_params *p,
		  const char *out, uint64_t ns)
{
	struct stat st;
	double s = wl_seconds(ns);

	if (stat(out, &st) < 0)
		return tb_fail(ctx, "%s: %s", out, strerror(errno)), -1;
	if (st.st_size <= 0)
		return tb_fail(ctx, "%s: empty output", out), -1;
	if (s <= 0)
		s = 1e-9;
	tb_report(ctx, "seconds", s, "s", TB_LOWER);
	tb_report(ctx, "throughput", (double)p->size / 1e6 / s, "MB/s",
		  TB_HIGHER);
	tb_report(ctx, "ratio", (double)p->size / (double)st.st_size, "x",
		  TB_INFO);
	return 0;
}

static int compress_run(struct tb_ctx *ctx, void *params)
{
	struct compress_params *p = params;
	struct compress_paths cp;
	uint64_t ns;
	pid_t pid;
	int st, rc = -1;

	if (paths_init(ctx, p, &cp) < 0)
		goto out;
	tb_phase_begin(ctx);
	pid = fork();
	if (pid < 0) {
		tb_fail(ctx, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		exec_bzip2(cp.bz, cp.level, cp.in, cp.out, cp.err);
	if ((rc = tb_wait_child(ctx, pid, &st)) < 0) {
		tb_fail(ctx, "waitpid: %s", strerror(-rc));
		rc = -1;
		goto out;
	}
	ns = tb_phase_end(ctx);
	rc = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		tool_error(ctx, cp.bz, st, cp.err);
	else
		rc = report(ctx, p, cp.out, ns);
out:
	paths_free(&cp);
	return rc;
}

static void compress_cleanup(struct tb_ctx *ctx, void *params)
{
	char *out = tb_strdupf("%s/compress.bz2", ctx->scratch);
	char *err = tb_strdupf("%s/compress.err", ctx->scratch);

	(void)params;
	if (out)
		unlink(out);
	if (err)
		unlink(err);
	free(out);
	free(err);
}

const struct tb_workload wl_compress = {
	.name = "compress",
	.headline = "seconds",
	.help = "bzip2 -9 of a seeded corpus on scratch (2008 study)",
	.opts = compress_opts,
	.params_size = sizeof(struct compress_params),
	.setup = compress_setup,
	.run = compress_run,
	.cleanup = compress_cleanup,
	.tools = compress_tools,
};
