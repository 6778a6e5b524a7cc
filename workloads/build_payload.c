/* build_payload.c - where the build workload finds tcc's -B directory and
 * the code base (its payload, about 7 MB unpacked):
 *   1. the ccdir and tree options, when set;
 *   2. <bindir>/../lib/twinbench-cc and <bindir>/../lib/twinbench-build
 *      (container mode on the build host; an image with them in /usr/lib);
 *   3. an archive of both (the archive option, else BUILD_BOOT_ARCHIVE on
 *      BENCHBOOT), unpacked with the pinned bzip2 into
 *      <scratch>/build-payload by the first repetition's setup (untimed):
 *      on the scratch disk, not in the RAM of the initramfs.
 * With none of them the run is skipped, saying so.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "build_fs.h"
#include "build_priv.h"
#include "tb_util.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* *out = realpath(p); fails (or skips, if !given) naming p. */
static int resolve(struct tb_ctx *ctx, const char *p, int given, char **out)
{
	*out = realpath(p, NULL);
	if (*out)
		return 0;
	if (errno == ENOENT && !given)
		return tb_skip(ctx, "%s: not found", p), 1;
	return tb_fail(ctx, "%s: %s", p, strerror(errno)), -1;
}

/* SIGPIPE as default: if the reader stops early, bzip2 dies of it (and
 * unpack_into() reports the reader's error, not bzip2's). */
static void exec_bzip2(const char *bz, const char *archive, int pfd[2])
{
	close(pfd[0]);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(pfd[1], 1) < 0)
		_exit(126);
	execl(bz, bz, "-dc", archive, (char *)NULL);
	_exit(127);
}

/* bzip2 -dc archive | untar into dir.  The reader reads to the end of the
 * stream on success, so bzip2 has written everything and checked the CRC
 * of every block: a bzip2 failure then is a broken archive.  When the
 * reader fails (a bad member, data after the end-of-archive marker) it
 * stops early, bzip2 may die of SIGPIPE, and the reader's error is the
 * one reported. */
static int unpack_into(struct tb_ctx *ctx, const char *archive,
		       const char *dir)
{
	char *bz = tb_strdupf("%s/bzip2", ctx->bindir), *where = NULL;
	int pfd[2], st = 0, rc;
	pid_t pid;

	if (!bz)
		return tb_fail(ctx, "out of memory"), -1;
	if (pipe(pfd) < 0)
		return free(bz), tb_fail(ctx, "pipe: %s", strerror(errno)), -1;
	if ((pid = fork()) == 0)
		exec_bzip2(bz, archive, pfd);
	close(pfd[1]);
	rc = pid < 0 ? -errno : bfs_untar(pfd[0], dir, &where);
	close(pfd[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
	    !(rc && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE))
		rc = (tb_fail(ctx, "%s -dc %s: %s %d", bz, archive,
			      WIFEXITED(st) ? "exit status" : "signal",
			      WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st)),
		      -1);
	else if (rc == -EBADMSG && !where)
		rc = (tb_fail(ctx, "%s: data after the tar end-of-archive "
			      "marker, not zero padding", archive), -1);
	else if (rc)
		rc = (tb_fail(ctx, "%s: unpacking to %s: %s", archive,
			      where ? where : dir, strerror(-rc)), -1);
	free(where);
	free(bz);
	return rc;
}

/* The archive unpacked once into <scratch>/build-payload. */
static int payload_archive(struct tb_ctx *ctx, const char *archive,
			   struct build_paths *bp)
{
	char *dir = tb_strdupf("%s/build-payload", ctx->scratch);
	char *tmp = tb_strdupf("%s/build-payload.tmp", ctx->scratch);
	char *cc = NULL, *tree = NULL;
	int rc = -1;

	if (!dir || !tmp)
		tb_fail(ctx, "out of memory");
	else if (is_dir(dir))
		rc = 0;
	else if (access(archive, R_OK) < 0)
		tb_fail(ctx, "%s: %s", archive, strerror(errno));
	else if (bfs_remove_tree(tmp, NULL) < 0 || mkdir(tmp, 0755) < 0)
		tb_fail(ctx, "%s: %s", tmp, strerror(errno));
	else if (unpack_into(ctx, archive, tmp) == 0 && rename(tmp, dir) < 0)
		tb_fail(ctx, "%s: %s", dir, strerror(errno));
	else if (is_dir(dir))
		rc = 0;
	if (rc == 0) {
		cc = tb_strdupf("%s/twinbench-cc", dir);
		tree = tb_strdupf("%s/twinbench-build", dir);
		rc = cc && tree ? resolve(ctx, cc, 1, &bp->ccdir) : -1;
		if (rc == 0)
			rc = resolve(ctx, tree, 1, &bp->tree);
	}
	free(cc);
	free(tree);
	free(dir);
	free(tmp);
	return rc;
}

int build_payload(struct tb_ctx *ctx, const struct build_params *p,
		  struct build_paths *bp)
{
	char *cc, *tree;
	int rc;

	if (p->archive[0])
		return payload_archive(ctx, p->archive, bp);
	cc = p->ccdir[0] ? strdup(p->ccdir) :
		tb_strdupf("%s/../lib/twinbench-cc", ctx->bindir);
	tree = p->tree[0] ? strdup(p->tree) :
		tb_strdupf("%s/../lib/twinbench-build", ctx->bindir);
	if (!cc || !tree)
		rc = (tb_fail(ctx, "out of memory"), -1);
	else if (p->ccdir[0] || p->tree[0] || (is_dir(cc) && is_dir(tree))) {
		rc = resolve(ctx, cc, p->ccdir[0] != 0, &bp->ccdir);
		if (rc == 0)
			rc = resolve(ctx, tree, p->tree[0] != 0, &bp->tree);
	}
	else if (access(BUILD_BOOT_ARCHIVE, F_OK) == 0)
		rc = payload_archive(ctx, BUILD_BOOT_ARCHIVE, bp);
	else
		rc = (tb_skip(ctx, "no code base to build: neither %s nor %s "
			      "exists", tree, BUILD_BOOT_ARCHIVE), 1);
	free(cc);
	free(tree);
	return rc < 0 ? -1 : rc;
}
