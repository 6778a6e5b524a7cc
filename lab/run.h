/* run.h - `twinbench run`, shared by run_opts.c and cmd_run.c. */
#ifndef LAB_RUN_H
#define LAB_RUN_H

#include "lab.h"

#define RUN_MEMORY_MIB	512
#define RUN_CPUS	2
#define RUN_TIMEOUT_S	1800
#define RUN_TIMEOUT_MAX	2000000	/* s; in ms it still fits an int */
#define RUN_PROBE_MS	10000	/* deadline of the KVM probe boot */

struct run_opts {
	const char *image, *profile, *label, *serial_log, *out;
	enum accel accel;
	unsigned memory_mib, cpus, timeout_s;
};

/* 0: go on; -1: help was printed (exit 0); else the exit status. */
int run_parse(int argc, char **argv, struct run_opts *o);

#endif
