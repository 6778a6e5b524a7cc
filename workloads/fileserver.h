/* fileserver.h - the fileserver workload's parts: reading dbench 4.0's
 * output (fileserver_out.c) and its load files (fileserver_load.c).
 *
 * dbench prints a progress line every second, then a table of the
 * operations its clients completed in the timed phase, then one summary:
 *
 *    Operation      Count    AvgLat    MaxLat
 *    ----------------------------------------
 *    NTCreateX      12180     0.120    36.405
 *    ...
 *   Throughput 127.601 MB/sec  2 clients  2 procs  max_latency=59.659 ms
 *
 * The parser is fed one line at a time, keeps what the report needs and
 * says which lines are worth showing on the console.
 */
#ifndef FILESERVER_H
#define FILESERVER_H

#include <stddef.h>
#include <stdint.h>

#define FS_LINE 256

struct fs_out {
	int table;		/* 0 before, 1 in, 2 after the op table */
	int rows;		/* rows of the table */
	int bad_row;		/* a table row did not parse */
	uint64_t ops;		/* sum of the Count column */
	int have_summary;	/* the Throughput line was seen */
	double mbps;		/* Throughput, MB/s (10^6 bytes) */
	long clients;		/* "N clients" of the Throughput line */
	double max_latency_ms;	/* max_latency= of the Throughput line */
	char last[FS_LINE];	/* last non-empty line */
	char first_error[FS_LINE];	/* first line reporting an error */
	/* dbench's timed phase, from the arrival times of its progress
	 * lines (see fs_out_phase) */
	uint64_t tick_first_ns;	/* first progress line of the phase */
	int ticks;		/* progress lines of the phase, from it */
	uint64_t cleanup_ns;	/* the first "cleanup" line */
	double cleanup_t;	/* the elapsed time dbench printed on it */
	int warmup_secs;	/* "minimum warmup N secs" of its header */
	int in_execute;		/* an "execute" line was seen */
};

void fs_out_init(struct fs_out *o);
/* Take one line (without newline) that arrived at now_ns (monotonic).
 * Returns 1 when it is worth showing on the console, 0 for blank lines and
 * the once-a-second progress lines. */
int fs_out_line(struct fs_out *o, const char *line, uint64_t now_ns);
/* The length of dbench's timed phase in seconds, over which its operation
 * counts and throughput are taken, or -1 with the reason in why (a note
 * in why, and dbench's printed figure, when the lines' arrival times do
 * not agree with it).
 * dbench ticks once a second (alarm(1) re-armed by the handler): with a
 * warm-up it restarts its clock at a silent tick, prints one "execute"
 * line per tick, and stops at the tick that prints the first "cleanup"
 * line; without one (time < 5) its clock runs from the first tick's
 * start and every progress line counts.  So the phase is the span from
 * the first counted line to the cleanup line, plus one tick interval
 * (their mean): measured on the arrival times of the lines, it must agree
 * with the elapsed time dbench prints on the cleanup line (rounded to a
 * second). */
double fs_out_phase(const struct fs_out *o, char *why, size_t whylen);
/* 0 when the output holds a complete result for `clients` clients, else
 * -1 with what is missing in why. */
int fs_out_check(const struct fs_out *o, long clients, char *why,
		 size_t whylen);

/* The load files (fileserver_load.c): their names (the loadfile option's
 * choices), and unpacking choice idx from the .xz file at xz into the
 * working directory (the scratch directory), checking its sha256.
 * 0, or -1 after tb_fail(). */
struct tb_ctx;
extern const char *const fs_load_names[];
int fs_load_unpack(struct tb_ctx *ctx, int idx, const char *xz);

#endif
