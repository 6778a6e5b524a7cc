/* netrun.h - what the network workloads (netstream, transfer) share: the
 * peer's presence, running a pinned tool with its output in a file, and
 * the peer's address split into host and port.
 */
#ifndef NETRUN_H
#define NETRUN_H

#include "tb_workload.h"

/* 0 when the run may talk to the peer; else -1 after tb_skip() (no peer
 * configured) or tb_fail() (the network or the peer did not come up). */
int nr_ready(struct tb_ctx *ctx);

/* Run argv (argv[0] a path) with stdin from /dev/null and stdout+stderr
 * into the file out (truncated), in the run's process group; the child is
 * reaped with tb_wait_child().  0 when it exited 0; else -1 after
 * tb_fail() naming the tool and the end of its output. */
int nr_run_tool(struct tb_ctx *ctx, char *const argv[], const char *out);

/* The text of file path (malloc'ed, NUL-terminated) or NULL after
 * tb_fail(). */
char *nr_slurp(struct tb_ctx *ctx, const char *path);

/* The last line of text that is not empty, copied into line. */
void nr_last_line(const char *text, char *line, size_t n);

/* Split "A,B,C" (commas) into at most max fields of line (modified);
 * the count. */
int nr_split(char *line, char sep, char **f, int max);

/* rm -rf path (a missing path is fine); 0 or -1 after tb_fail(). */
int nr_rm_rf(struct tb_ctx *ctx, const char *path);

/* Parse a finite number filling s; 0 or -1. */
int nr_num(const char *s, double *v);

#endif
