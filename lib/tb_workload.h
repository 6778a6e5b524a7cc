/* tb_workload.h - the workload descriptor and how workloads report.
 *
 * Each workload is one C file in workloads/ defining a
 * `const struct tb_workload wl_<name>` and listed once in workloads/table.c.
 * The runner forks one child per run (its own process group, so a timeout
 * can SIGTERM then SIGKILL everything it started); the child calls setup
 * (untimed preparation, e.g. generating the seeded input; it may reuse what
 * an earlier repetition left in ctx->scratch), run (the measured work), then
 * cleanup.  Workloads never print results themselves: tb_report() writes one
 * line per value to ctx->report_fd and the runner turns them into result
 * records.
 *
 * The timed phase: run() brackets exactly the work its figures describe
 * with tb_phase_begin() and tb_phase_end(); the latter returns the elapsed
 * time (what a "seconds" metric reports) and tells the runner the CPU time
 * and peak resident set of that phase alone (phase.c), which become the
 * run's cpu_time and peak_rss.  Child processes started in the phase are
 * reaped with tb_wait_child(), so that their memory is counted.
 *
 * Performance or information: a metric is TB_HIGHER or TB_LOWER when a
 * platform that gives a larger (smaller) value is faster; TB_INFO marks a
 * value that describes the run (a count, a ratio of the data, a setting)
 * and that no report may divide or rank.  A parameter whose value the
 * workload derived from the machine (jobs = 0: one per CPU) is reported
 * with tb_derived() and lands in every record of the run.
 */
#ifndef TB_WORKLOAD_H
#define TB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "tb_opt.h"

enum tb_better { TB_HIGHER, TB_LOWER, TB_INFO };

/* The timed phase's state (phase.c). */
struct tb_phase {
	int state;		/* 0 not begun, 1 running, 2 ended */
	uint64_t t0_ns;
	double cpu0_s;		/* own + reaped children's CPU at begin */
	long child_rss_kib;	/* largest tree reaped during the phase */
	int hwm_reset;		/* own peak RSS was reset at begin */
};

struct tb_ctx {
	const char *scratch;	/* directory on the scratch filesystem */
	const char *bindir;	/* where the pinned static tools live */
	uint64_t seed;		/* deterministic data seed */
	int rep;		/* repetition index, 0-based */
	int report_fd;		/* where tb_report() writes (runner's pipe) */
	const char *instance;	/* instance (section) name */
	/* The peer machine (bench.peer / --peer: "ADDR[:PORT]"), its token,
	 * or NULL; net_error says why the network is not usable (no link,
	 * no address, the peer did not answer in time), else NULL. */
	const char *peer, *token, *net_error;
	struct tb_phase phase;
};

struct tb_workload {
	const char *name;
	/* The metric a report's charts and terminal table show (one it
	 * reports with TB_HIGHER or TB_LOWER); its records say
	 * "headline":true.  CSV and JSON carry every metric. */
	const char *headline;
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
	/* The workload talks to the peer agent (bench.peer / --peer): the
	 * session checks, once, that the peer answers before the runs. */
	int needs_peer;
};

/* Report one measured value.  unit e.g. "MB/s", "s", "ratio". */
int tb_report(struct tb_ctx *ctx, const char *metric, double value,
	      const char *unit, enum tb_better better);
/* Which machine measured a value: a workload that talks to a peer marks
 * every value it reports (records say "side":"local" or "side":"peer");
 * TB_SIDE_NONE is tb_report() and leaves the record unmarked. */
enum tb_side { TB_SIDE_NONE, TB_SIDE_LOCAL, TB_SIDE_PEER };
int tb_report_side(struct tb_ctx *ctx, enum tb_side side, const char *metric,
		   double value, const char *unit, enum tb_better better);
const char *tb_side_name(enum tb_side side);	/* "local", "peer", NULL */
/* A parameter whose value was derived from the machine at run time. */
int tb_derived(struct tb_ctx *ctx, const char *param, double value);

/* phase.c: the timed phase (see above).  begin: 0 or -1 (called twice);
 * end: the phase's length in ns (0 if it never began).  tb_wait_child is
 * waitpid(pid, status, 0) that retries on EINTR and, in a running phase,
 * counts the child's peak RSS; 0 or -errno. */
int tb_phase_begin(struct tb_ctx *ctx);
uint64_t tb_phase_end(struct tb_ctx *ctx);
int tb_wait_child(struct tb_ctx *ctx, int pid, int *status);
/* For a child reaped otherwise (wait4 with WNOHANG): its ru_maxrss. */
void tb_phase_child_rss(struct tb_ctx *ctx, long maxrss_kib);
/* Say why the run failed or was skipped (printf-like, one line). */
int tb_fail(struct tb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tb_skip(struct tb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));


/* Runner side: one line read from the report pipe.
 * Wire format (tab separated, one per line):
 *   R <metric> <value %.17g> <unit> <higher|lower|info> [local|peer]
 *   D <param> <value %.17g>         a derived parameter
 *   P <ns> <cpu_s %.17g> <peak_rss_kib, -1 unknown>   the timed phase
 *   F <reason>          run failed
 *   S <reason>          run skipped
 * For D, metric holds the parameter; for P, value the CPU seconds, ns and
 * rss_kib the rest.
 */
struct tb_report_msg {
	char kind;		/* 'R', 'D', 'P', 'F' or 'S' */
	char metric[64];
	double value;
	char unit[32];
	enum tb_better better;
	enum tb_side side;	/* R: who measured it */
	char reason[256];
	uint64_t ns;
	long rss_kib;
};
int tb_report_parse(const char *line, struct tb_report_msg *m);
/* "higher", "lower" or "info" */
const char *tb_better_name(enum tb_better b);
/* The P line (phase.c writes it once, at tb_phase_end()). */
int tb_report_phase(struct tb_ctx *ctx, uint64_t ns, double cpu_s,
		    long rss_kib);

#endif
