/* run_console.h - the serial console of `twinbench run`: the file that
 * keeps all of it, and the terminal that shows the part a person reads.
 *
 * QEMU writes the whole console to the serial log (its chardev logfile=).
 * The terminal gets it all only with --console; else QEMU's stdout is a
 * pipe into a filter process that prints the lines tb_conline_show()
 * keeps: progress, messages, kernel trouble, the outcome in words.
 */
#ifndef RUN_CONSOLE_H
#define RUN_CONSOLE_H

#include <sys/types.h>

#include "lab.h"

struct run_log {
	char *path;		/* the serial log QEMU writes */
	char *id;		/* the run it names (TWINBENCH-RUN) or NULL */
	const char *dir;	/* --out DIR (the log is renamed there) */
};
/* --serial-log FILE; else a new DIR/serial-XXXXXX.log in --out DIR
 * (made if need be), else $TMPDIR/twinbench-serial-XXXXXX.log.  0 or
 * -errno. */
int run_log_open(const struct run_opts *o, struct run_log *l);
/* After the boot: l->id from the log; in --out DIR the log becomes
 * DIR/<run-id>.serial.log unless that exists.  0 or -errno (then l->path
 * is unchanged). */
int run_log_keep(struct run_log *l);
void run_log_free(struct run_log *l);

struct run_term {
	pid_t pid;		/* the filter process, or 0 */
	int fd;			/* QEMU's stdout: the pipe; 0: the terminal */
};
/* Start the filter; t->fd is then the pipe to give QEMU.  0 or -errno. */
int run_term_start(struct run_term *t);
/* QEMU is gone: the filter prints what is left and is waited for (killed
 * first if QEMU was left behind, lost, and still holds the pipe). */
void run_term_end(struct run_term *t, int lost);

#endif
