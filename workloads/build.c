/* build.c - the 2008 study's kernel build ("make defconfig; time make"),
 * kernel-build-like: GNU make runs the pinned tcc over a real C code base,
 * e2fsprogs, many small compiler processes reading many small files.
 *
 * The code base is a tree made at image-build time (image-builder/
 * build-e2fsprogs-tree.sh): e2fsprogs configured for tcc and musl, with a
 * Makefile that repeats e2fsprogs' own build, objects.list and
 * programs.list.  tcc's -B directory holds its headers and libtcc1.a and
 * musl's headers and libraries; build_payload.c finds both.  Setup copies
 * the tree to the scratch filesystem (untimed); run times `make -jN` in the
 * copy; cleanup deletes the copy (the study's `make clean`).  Every object
 * is checked to exist.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "build_fs.h"
#include "build_priv.h"
#include "workloads.h"

static const struct tb_opt build_opts[] = {
	{ "jobs", TB_OPT_INT, offsetof(struct build_params, jobs), 0, 256,
	  "0", "make -jN: parallel compiler processes; 0: one per online CPU",
	  NULL },
	{ "files", TB_OPT_INT, offsetof(struct build_params, files), 0,
	  100000, "0", "compile only the first N objects of the tree "
	  "(objects.list); 0: all", NULL },
	{ "link", TB_OPT_BOOL, offsetof(struct build_params, link), 0, 0,
	  "no", "also make the static libraries and link the programs "
	  "(make all; needs files=0)", NULL },
	{ "ccdir", TB_OPT_STR, offsetof(struct build_params, ccdir), 0, 0,
	  "", "tcc's -B directory (headers, libraries); empty: "
	  "<bindir>/../lib/twinbench-cc", NULL },
	{ "tree", TB_OPT_STR, offsetof(struct build_params, tree), 0, 0, "",
	  "the code base to copy and build; empty: "
	  "<bindir>/../lib/twinbench-build", NULL },
	{ "min_mem", TB_OPT_SIZE, offsetof(struct build_params, min_mem), 0,
	  1099511627776.0, "15M", "skip (saying why) when the kernel's "
	  "MemAvailable is below this: make and tcc need about 15 MiB; 0: "
	  "never skip", NULL },
	{ "archive", TB_OPT_STR, offsetof(struct build_params, archive), 0, 0,
	  "", "tar.bz2 of twinbench-cc/ and twinbench-build/, unpacked on "
	  "scratch; empty: used only without the two directories, from "
	  BUILD_BOOT_ARCHIVE, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const char *const build_tools[] = { "make", "tcc", NULL };

static int tool_path(struct tb_ctx *ctx, const char *name, char **out)
{
	*out = tb_strdupf("%s/%s", ctx->bindir, name);
	if (!*out)
		return tb_fail(ctx, "out of memory"), -1;
	if (access(*out, X_OK) < 0)
		return tb_fail(ctx, "%s: %s", *out, errno == ENOENT ?
			       "not found" : strerror(errno)), -1;
	return 0;
}

void build_paths_free(struct build_paths *bp)
{
	free(bp->make);
	free(bp->tcc);
	free(bp->ccdir);
	free(bp->tree);
	free(bp->work);
	free(bp->log);
	free(bp->objects.text);
	free(bp->objects.line);
	free(bp->programs.text);
	free(bp->programs.line);
	memset(bp, 0, sizeof(*bp));
}

/* Read DIR/NAME into l: one entry per non-empty line. */
static int read_list(struct tb_ctx *ctx, const char *dir, const char *name,
		     struct build_list *l)
{
	char *path = tb_strdupf("%s/%s", dir, name), *s, *save = NULL;
	size_t len, cap = 0;
	int rc;

	if (!path)
		return tb_fail(ctx, "out of memory"), -1;
	rc = tb_read_file(path, &l->text, &len);
	if (rc < 0) {
		tb_fail(ctx, "%s: %s", path, strerror(-rc));
		free(path);
		return -1;
	}
	for (s = strtok_r(l->text, "\n", &save); s && rc == 0;
	     s = strtok_r(NULL, "\n", &save)) {
		if (l->n == cap) {
			char **nl = realloc(l->line, (cap = cap * 2 + 64) *
					    sizeof(*nl));
			if (!nl) {
				rc = -1;
				break;
			}
			l->line = nl;
		}
		l->line[l->n++] = s;
	}
	if (rc < 0)
		tb_fail(ctx, "out of memory");
	else if (l->n == 0)
		tb_fail(ctx, "%s: empty", path);
	free(path);
	return l->n && rc == 0 ? 0 : -1;
}

/* Everything setup and run need; 1 if skipped, -1 after tb_fail(). */
int build_paths_init(struct tb_ctx *ctx, const struct build_params *p,
		     struct build_paths *bp)
{
	int rc;

	memset(bp, 0, sizeof(*bp));
	if ((rc = build_payload(ctx, p, bp)))
		return rc;
	if (tool_path(ctx, "make", &bp->make) < 0 ||
	    tool_path(ctx, "tcc", &bp->tcc) < 0)
		return -1;
	bp->work = tb_strdupf("%s/build-tree", ctx->scratch);
	bp->log = tb_strdupf("%s/build-make.log", ctx->scratch);
	if (!bp->work || !bp->log)
		return tb_fail(ctx, "out of memory"), -1;
	if (read_list(ctx, bp->tree, "objects.list", &bp->objects) < 0 ||
	    read_list(ctx, bp->tree, "programs.list", &bp->programs) < 0)
		return -1;
	if (p->files > (int64_t)bp->objects.n)
		return tb_fail(ctx, "files: %lld is more than the %zu objects "
			       "of %s", (long long)p->files, bp->objects.n,
			       bp->tree), -1;
	if (p->link && p->files)
		return tb_fail(ctx, "link=yes needs files=0 (every object)"),
			-1;
	return 0;
}

/* MemAvailable of /proc/meminfo in bytes, or -1 if unknown. */
static int64_t mem_available(void)
{
	char *text = NULL, *p;
	size_t len;
	long long kb = -1;

	if (tb_read_file("/proc/meminfo", &text, &len) == 0 &&
	    (p = strstr(text, "MemAvailable:")) &&
	    sscanf(p, "MemAvailable: %lld kB", &kb) != 1)
		kb = -1;
	free(text);
	return kb < 0 ? -1 : (int64_t)kb * 1024;
}

/* 1 after tb_skip() if the machine has less than min_mem available: in a
 * small VM (101 MiB with the guest kernel) the kernel then kills make's
 * children, or fails to start them, rather than the build being slow. */
static int mem_check(struct tb_ctx *ctx, const struct build_params *p)
{
	int64_t avail = p->min_mem ? mem_available() : -1;

	if (avail < 0 || avail >= p->min_mem)
		return 0;
	tb_skip(ctx, "%.1f MiB of memory available, min_mem is %.1f MiB: "
		"too little to run make and tcc", avail / 1048576.0,
		p->min_mem / 1048576.0);
	return 1;
}

static int build_setup(struct tb_ctx *ctx, void *params)
{
	struct build_paths bp;
	char *where = NULL;
	int rc;

	if (mem_check(ctx, params))
		return -1;
	rc = build_paths_init(ctx, params, &bp);

	if (rc == 0 && (rc = bfs_remove_tree(bp.work, &where)) < 0)
		tb_fail(ctx, "%s: cannot remove: %s", where ? where : bp.work,
			strerror(-rc));
	else if (rc == 0 && (rc = bfs_copy_tree(bp.tree, bp.work, &where)))
		tb_fail(ctx, "copying %s to %s: %s: %s", bp.tree, bp.work,
			where ? where : "?", strerror(-rc));
	free(where);
	build_paths_free(&bp);
	return rc == 0 ? 0 : -1;
}

/* The objects and programs really made: their count in *n, or -1 after
 * tb_fail() naming the first one missing and make's last error line. */
static int check_outputs(struct tb_ctx *ctx, const struct build_paths *bp,
			 size_t want, int link, long *n)
{
	char *where = NULL, *p;
	struct stat st;
	size_t i;
	int rc = bfs_count(bp->work, ".o", n, &where);

	if (rc < 0) {
		tb_fail(ctx, "%s: %s", where ? where : bp->work,
			strerror(-rc));
		free(where);
		return -1;
	}
	for (i = 0; i < want + (link ? bp->programs.n : 0); i++) {
		const char *f = i < want ? bp->objects.line[i] :
			bp->programs.line[i - want];

		if (!(p = tb_strdupf("%s/%s", bp->work, f)))
			return tb_fail(ctx, "out of memory"), -1;
		rc = stat(p, &st) < 0 || st.st_size == 0 ? -1 : 0;
		free(p);
		if (rc < 0)
			return build_make_failed(ctx, bp, f), -1;
	}
	if ((size_t)*n != want)
		return tb_fail(ctx, "%ld objects in %s, %zu expected", *n,
			       bp->work, want), -1;
	return 0;
}

static int build_run(struct tb_ctx *ctx, void *params)
{
	struct build_params *p = params;
	struct build_paths bp;
	uint64_t ns = 0;
	size_t want = 0;
	long n, jobs = p->jobs ? (long)p->jobs :
		sysconf(_SC_NPROCESSORS_ONLN);
	int rc;
	double s;

	if (jobs < 1)
		jobs = 1;
	if (!p->jobs)	/* one per online CPU: the machine chose it */
		tb_derived(ctx, "jobs", (double)jobs);
	if ((rc = build_paths_init(ctx, p, &bp)) == 0) {
		want = p->files ? (size_t)p->files : bp.objects.n;
		rc = build_make(ctx, &bp, jobs, p->link, (size_t)p->files,
				&ns);
	}
	if (rc == 0)
		rc = check_outputs(ctx, &bp, want, p->link, &n);
	build_paths_free(&bp);
	if (rc)
		return -1;
	s = wl_seconds(ns);
	if (s <= 0)
		s = 1e-9;
	tb_report(ctx, "seconds", s, "s", TB_LOWER);
	tb_report(ctx, "files_per_s", (double)n / s, "files/s", TB_HIGHER);
	tb_report(ctx, "files", (double)n, "files", TB_INFO);
	return 0;
}

static void build_cleanup(struct tb_ctx *ctx, void *params)
{
	char *work = tb_strdupf("%s/build-tree", ctx->scratch);
	char *log = tb_strdupf("%s/build-make.log", ctx->scratch);

	(void)params;
	if (work)
		bfs_remove_tree(work, NULL);
	if (log)
		unlink(log);
	free(work);
	free(log);
}

const struct tb_workload wl_build = {
	.name = "build",
	.headline = "seconds",
	.help = "kernel-build-like: make -jN with tcc over e2fsprogs "
		"(2008 study's kernel build)",
	.opts = build_opts,
	.params_size = sizeof(struct build_params),
	.setup = build_setup,
	.run = build_run,
	.cleanup = build_cleanup,
	.tools = build_tools,
};
