/* boot.h - PID 1 only: kernel parameters, mounts, modules, disks, end. */
#ifndef BOOT_H
#define BOOT_H

#include "appliance.h"

enum boot_after { AFTER_POWEROFF, AFTER_REBOOT, AFTER_SHELL };

struct boot_params {
	char *profile;		/* bench.profile, default "default" */
	char *label;		/* bench.label or NULL */
	enum boot_after after;	/* bench.after */
	int server;		/* bench.role=server: the peer agent */
	char *net;		/* bench.net or NULL */
	char *peer;		/* bench.peer or NULL */
	char *token;		/* bench.token or NULL */
	int netwait;		/* bench.netwait: seconds per step */
};

/* boot.c */
void boot_mounts(struct app *a);
void boot_console(struct app *a);
void boot_cmdline(struct app *a, struct boot_params *bp);
void boot_modules(struct app *a);
/* More parameters from QEMU's fw_cfg (opt/org.twinbench/cmdline), after
 * the modules (qemu_fw_cfg) are loaded; they override the command line. */
void boot_fwcfg_params(struct app *a, struct boot_params *bp);
double boot_uptime(void);
void boot_end(struct app *a, enum boot_after after)
	__attribute__((noreturn));

/* net.c: bench.net; NULL when the network is up, else why not
 * (malloc'ed, one sentence). */
char *net_setup(struct app *a, const char *spec, int wait_s);

/* disks.c */
void disks_wait(struct app *a);
void disks_mount(struct app *a);		/* BENCHBOOT, BENCHRES */
void disks_scratch(struct app *a, int format);
void disks_unmount(struct app *a);

#endif
