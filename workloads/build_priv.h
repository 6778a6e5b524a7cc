/* build_priv.h - shared by build.c and build_make.c (the build workload). */
#ifndef BUILD_PRIV_H
#define BUILD_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "tb_workload.h"

struct build_params {
	int64_t jobs, files, min_mem;
	int link;
	char ccdir[TB_OPT_STRLEN], tree[TB_OPT_STRLEN];
	char archive[TB_OPT_STRLEN];
};

/* The payload archive on BENCHBOOT (see build_payload.c). */
#define BUILD_BOOT_ARCHIVE "/boot/twinbench-build.tar.bz2"

/* The lines of a list file (objects.list, programs.list), in text. */
struct build_list {
	char *text;
	char **line;
	size_t n;
};

struct build_paths {
	char *make, *tcc;	/* <bindir>/make, <bindir>/tcc */
	char *ccdir, *tree;	/* absolute */
	char *work, *log;	/* the copy on scratch, make's output */
	struct build_list objects, programs;
};

/* Set bp->ccdir and bp->tree (see build_payload.c): 0, 1 after tb_skip(),
 * -1 after tb_fail(). */
int build_payload(struct tb_ctx *ctx, const struct build_params *p,
		  struct build_paths *bp);
int build_paths_init(struct tb_ctx *ctx, const struct build_params *p,
		     struct build_paths *bp);
void build_paths_free(struct build_paths *bp);

/* Run make in bp->work: `all` if link, else the first `files` objects
 * (all of them if 0), with jobs parallel jobs; its wall time in *ns.
 * 0, or -1 after tb_fail() with make's last error line. */
int build_make(struct tb_ctx *ctx, const struct build_paths *bp, long jobs,
	       int link, size_t files, uint64_t *ns);
/* tb_fail(): `what` was not made, and make's last error line. */
void build_make_failed(struct tb_ctx *ctx, const struct build_paths *bp,
		       const char *what);

#endif
