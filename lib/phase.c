/* phase.c - the timed phase of a run (see tb_workload.h).
 *
 * CPU time: the workload process's own (all its threads) plus that of the
 * children it reaped, as getrusage() counts them, taken at begin and at
 * end; children reaped before the phase (setup's tools) are in both and
 * cancel out.  Peak RSS, like the runner's figure before, is the largest
 * resident set of one process: the workload process's own high-water mark
 * is reset at begin (/proc/self/clear_refs, "5") and read at end
 * (/proc/self/status VmHWM), and each child reaped with tb_wait_child()
 * during the phase adds its own tree's maximum (wait4()).  Where the reset
 * is impossible (no /proc) the peak is unknown (-1), never the lifetime
 * peak of a process that also did the setup.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tb_util.h"
#include "tb_workload.h"

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double cpu_now(void)
{
	struct rusage self, kids;

	if (getrusage(RUSAGE_SELF, &self) < 0 ||
	    getrusage(RUSAGE_CHILDREN, &kids) < 0)
		return 0;
	return tv_s(&self.ru_utime) + tv_s(&self.ru_stime) +
	       tv_s(&kids.ru_utime) + tv_s(&kids.ru_stime);
}

static int hwm_reset(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return 0;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

/* VmHWM of /proc/self/status in KiB, or -1. */
static long hwm_kib(void)
{
	char *text = NULL, *p;
	long kib = -1;

	if (tb_read_file("/proc/self/status", &text, NULL) == 0 &&
	    (p = strstr(text, "\nVmHWM:")) &&
	    sscanf(p, "\nVmHWM: %ld kB", &kib) != 1)
		kib = -1;
	free(text);
	return kib;
}

int tb_phase_begin(struct tb_ctx *ctx)
{
	struct tb_phase *ph = &ctx->phase;

	if (ph->state != 0)
		return -1;
	ph->state = 1;
	ph->child_rss_kib = 0;
	ph->hwm_reset = hwm_reset();
	ph->cpu0_s = cpu_now();
	ph->t0_ns = tb_now_ns();
	return 0;
}

uint64_t tb_phase_end(struct tb_ctx *ctx)
{
	struct tb_phase *ph = &ctx->phase;
	uint64_t ns;
	double cpu;
	long rss = -1;

	if (ph->state != 1)
		return 0;
	ns = tb_now_ns() - ph->t0_ns;
	cpu = cpu_now() - ph->cpu0_s;
	if (ph->hwm_reset && (rss = hwm_kib()) >= 0 &&
	    ph->child_rss_kib > rss)
		rss = ph->child_rss_kib;
	ph->state = 2;
	tb_report_phase(ctx, ns ? ns : 1, cpu, rss);
	return ns ? ns : 1;
}

int tb_wait_child(struct tb_ctx *ctx, int pid, int *status)
{
	struct rusage ru;

	while (wait4(pid, status, 0, &ru) < 0)
		if (errno != EINTR)
			return -errno;
	tb_phase_child_rss(ctx, ru.ru_maxrss);
	return 0;
}

void tb_phase_child_rss(struct tb_ctx *ctx, long maxrss_kib)
{
	if (ctx && ctx->phase.state == 1 &&
	    maxrss_kib > ctx->phase.child_rss_kib)
		ctx->phase.child_rss_kib = maxrss_kib;
}
