/* selftest.c - a workload that tests the runner, not a platform.
 *
 * It does on request what real workloads do by accident, so that the
 * runner's guarantees can be checked on any machine in seconds: an
 * expensive setup (CPU and memory in the workload process and in a child
 * it reaps) that cpu_time and peak_rss must leave out; a timed phase of
 * known CPU and memory; values reported before the run fails or hangs
 * (which the summary must then leave out); a hang that ignores SIGTERM
 * (the runner must SIGKILL the whole group).  Its figures describe the
 * machine running it, never a platform's performance: its "rep" metric
 * is the repetition's number (to see which ones the statistics took),
 * "value" counts 1..N (information).  No shipped profile except tests runs it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "workloads.h"

struct selftest_params {
	double setup_cpu, cpu, hang;
	int64_t setup_mem, mem, values;
	int ignore_term, fail, phase;
};

#define P(f) offsetof(struct selftest_params, f)
static const struct tb_opt selftest_opts[] = {
	{ "setup_cpu", TB_OPT_DOUBLE, P(setup_cpu), 0, 600, "0",
	  "seconds of CPU burnt in setup, in the workload process and again "
	  "in a child it reaps (untimed)", NULL },
	{ "setup_mem", TB_OPT_SIZE, P(setup_mem), 0, 4.0 * 1024 * 1024 * 1024,
	  "0", "bytes touched in setup, in the process and in the child, then "
	  "freed", NULL },
	{ "cpu", TB_OPT_DOUBLE, P(cpu), 0, 600, "0",
	  "seconds of CPU burnt in the timed phase", NULL },
	{ "mem", TB_OPT_SIZE, P(mem), 0, 4.0 * 1024 * 1024 * 1024, "0",
	  "bytes touched in the timed phase", NULL },
	{ "values", TB_OPT_INT, P(values), 0, 100000, "1",
	  "values reported (metric value, 1..N) after the timed phase", NULL },
	{ "hang", TB_OPT_DOUBLE, P(hang), 0, 86400, "0",
	  "seconds to sleep after reporting", NULL },
	{ "ignore_term", TB_OPT_BOOL, P(ignore_term), 0, 0, "no",
	  "ignore SIGTERM while hanging", NULL },
	{ "fail", TB_OPT_BOOL, P(fail), 0, 0, "no",
	  "fail the run after reporting (and hanging)", NULL },
	{ "phase", TB_OPT_BOOL, P(phase), 0, 0, "yes",
	  "no: do not mark the timed phase (the runner must refuse the run)",
	  NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};
#undef P

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void burn(double s)
{
	double end = cpu_s() + s;
	volatile unsigned long x = 1;

	while (cpu_s() < end)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1;
}

/* Touch n bytes of fresh memory, then give it back. */
static int touch(int64_t n)
{
	unsigned char *p;

	if (n <= 0)
		return 0;
	p = mmap(NULL, (size_t)n, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (int64_t i = 0; i < n; i += 4096)
		p[i] = 1;
	munmap(p, (size_t)n);
	return 0;
}

static int selftest_setup(struct tb_ctx *ctx, void *params)
{
	struct selftest_params *p = params;
	int st, rc;
	pid_t pid;

	if (!p->setup_cpu && !p->setup_mem)
		return 0;
	pid = fork();
	if (pid < 0)
		return tb_fail(ctx, "fork: %s", strerror(errno)), -1;
	if (pid == 0) {
		burn(p->setup_cpu);
		_exit(touch(p->setup_mem) ? 1 : 0);
	}
	burn(p->setup_cpu);
	rc = touch(p->setup_mem);
	if (tb_wait_child(ctx, pid, &st) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) || rc < 0)
		return tb_fail(ctx, "setup: out of memory"), -1;
	return 0;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int selftest_run(struct tb_ctx *ctx, void *params)
{
	struct selftest_params *p = params;
	uint64_t ns;
	int rc;
	uint64_t t0 = tb_now_ns();

	if (p->phase)
		tb_phase_begin(ctx);
	burn(p->cpu);
	rc = touch(p->mem);
	ns = p->phase ? tb_phase_end(ctx) : tb_now_ns() - t0;
	if (rc < 0)
		return tb_fail(ctx, "mem: %s", strerror(-rc)), -1;
	tb_report(ctx, "seconds", wl_seconds(ns), "s", TB_LOWER);
	/* rep/1: a value that differs by repetition (1-based), to see which
	 * repetitions the statistics took */
	tb_report(ctx, "rep", ctx->rep + 1, "rep", TB_HIGHER);
	for (int64_t i = 1; i <= p->values; i++)
		tb_report(ctx, "value", (double)i, "count", TB_INFO);
	if (p->ignore_term)
		signal(SIGTERM, SIG_IGN);
	if (p->hang > 0)
		sleep_s(p->hang);
	if (p->fail)
		return tb_fail(ctx, "failed as asked (fail = yes)"), -1;
	return 0;
}

const struct tb_workload wl_selftest = {
	.name = "selftest",
	.headline = "seconds",
	.help = "tests the runner: expensive setup, known CPU and memory, "
		"hangs, failures (not a benchmark)",
	.opts = selftest_opts,
	.params_size = sizeof(struct selftest_params),
	.setup = selftest_setup,
	.run = selftest_run,
	.cleanup = NULL,
	.tools = NULL,
};
