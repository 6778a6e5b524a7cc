/* tb_workload.h - the workload descriptor and how workloads report.
 *
 * Each workload is one C file in workloads/ defining a
 * `const struct tb_workload wl_<name>` and listed once in workloads/table.c.
 * The runner forks one child per run (its own process group, so a timeout
 * can SIGTERM then SIGKILL everything it started); the child calls setup
 * (untimed preparation, e.g. generating the seeded input; it may reuse what
 * an earlier repetition left in ctx->scratch), run (the measured work; it
 * times itself and reports with tb_report()), then cleanup.  Workloads never
 * print results themselves: tb_report() writes one line per value to
 * ctx->report_fd and the runner turns them into result records.
 */
#ifndef TB_WORKLOAD_H
#define TB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "tb_opt.h"

enum tb_better { TB_HIGHER, TB_LOWER };

struct tb_ctx {
	const char *scratch;	/* directory on the scratch filesystem */
	const char *bindir;	/* where the pinned static tools live */
	uint64_t seed;		/* deterministic data seed */
	int rep;		/* repetition index, 0-based */
	int report_fd;		/* where tb_report() writes (runner's pipe) */
	const char *instance;	/* instance (section) name */
};

struct tb_workload {
	const char *name;
	const char *help;
	const struct tb_opt *opts;	/* NULL-name-terminated */
	size_t params_size;
	/* All return 0, or -1 after tb_fail(ctx, "reason") / -errno. */
	int (*setup)(struct tb_ctx *ctx, void *params);
	int (*run)(struct tb_ctx *ctx, void *params);
	void (*cleanup)(struct tb_ctx *ctx, void *params);
	/* Optional: extra binaries this workload executes (for the manifest's
	 * sha256 list), relative to ctx->bindir; NULL-terminated. */
	const char *const *tools;
};

/* Report one measured value.  unit e.g. "MB/s", "s", "ratio". */
int tb_report(struct tb_ctx *ctx, const char *metric, double value,
	      const char *unit, enum tb_better better);
/* Say why the run failed or was skipped (printf-like, one line). */
int tb_fail(struct tb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tb_skip(struct tb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));


/* Runner side: one line read from the report pipe.
 * Wire format (tab separated, one per line):
 *   R <metric> <value %.17g> <unit> <higher|lower>
 *   F <reason>          run failed
 *   S <reason>          run skipped
 */
struct tb_report_msg {
	char kind;		/* 'R', 'F' or 'S' */
	char metric[64];
	double value;
	char unit[32];
	enum tb_better better;
	char reason[256];
};
int tb_report_parse(const char *line, struct tb_report_msg *m);

#endif
