/* runio.h - the parent side of one run: pipes, timeout, reaping. */
#ifndef RUNIO_H
#define RUNIO_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "appliance.h"

#define RUNIO_LINE 1024

struct line_buf {
	int fd;			/* -1 once closed */
	char buf[RUNIO_LINE];
	size_t len;
};

struct run_io {
	struct app *a;
	const struct tb_instance *in;
	int rep, warmup;
	uint64_t wall0;		/* wall clock at fork */
	int sig_fd;		/* signalfd for SIGCHLD */
	struct line_buf rep_lb, out_lb;
	int nresults, have_fail, have_skip, have_phase;
	char reason[TB_REASON];
	struct tb_report_msg phase;	/* the P line: ns, value (CPU), rss */
	struct derived derived[MAX_DERIVED];
	size_t nderived;
};

/* Wait for pid, forwarding its report and output lines, enforcing
 * timeout_s (SIGTERM to the group, SIGKILL 5 s later).  Kills what is left
 * of the group, reaps pid into *status.  Returns 1 if it timed out. */
int runio_wait(struct run_io *io, pid_t pid, int timeout_s, int *status);

/* After an ok run: peak_rss (MiB) and cpu_time (s) of its timed phase, as
 * the workload's tb_phase_end() measured them, as two more samples. */
void runio_resources(struct run_io *io);

#endif
