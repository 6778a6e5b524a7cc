/* boot.c - PID 1: mounts, console, kernel parameters, modules, the end.
 *
 * Nothing here is fatal: what fails is said on the console and the boot
 * goes on, because PID 1 must never exit (that is a kernel panic).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "boot.h"
#include "tb_util.h"


static void mount_one(struct app *a, const char *src, const char *dir,
		      const char *type, unsigned long flags, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) < 0 && errno != EBUSY)
		con_printf(&a->con, "twinbench: mount %s on %s: %s\n", type,
			   dir, strerror(errno));
}

void boot_mounts(struct app *a)
{
	mount_one(a, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL);
	mount_one(a, "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL);
	mount_one(a, "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount_one(a, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777");
}

void boot_console(struct app *a)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	a->con.fd = 1;
}

double boot_uptime(void)
{
	char *line = fs_read_line("/proc/uptime");
	double up = line ? strtod(line, NULL) : -1;

	free(line);
	return up;
}

/* Next word of the command line; double quotes group and are dropped. */
static char *next_word(char **s)
{
	char *p = *s, *w, *o;
	int q = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	w = o = p;
	for (; *p && (q || (*p != ' ' && *p != '\t' && *p != '\n')); p++)
		if (*p == '"')
			q = !q;
		else
			*o++ = *p;
	*s = *p ? p + 1 : p;
	*o = '\0';
	return w;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
}

/* bench.role, bench.net, bench.peer, bench.token, bench.netwait */
static int set_net_param(struct app *a, struct boot_params *bp, const char *w)
{
	char *end;
	long v;

	if (!strcmp(w, "bench.role=server") || !strcmp(w, "bench.role=client"))
		bp->server = w[11] == 's';
	else if (!strncmp(w, "bench.role=", 11))
		con_printf(&a->con, "twinbench: %s: use client or server; "
			   "running as client\n", w);
	else if (!strncmp(w, "bench.net=", 10))
		set_str(&bp->net, w + 10);
	else if (!strncmp(w, "bench.peer=", 11))
		set_str(&bp->peer, w + 11);
	else if (!strncmp(w, "bench.token=", 12))
		set_str(&bp->token, w + 12);
	else if (!strncmp(w, "bench.netwait=", 14)) {
		v = strtol(w + 14, &end, 10);
		if (w[14] && !*end && v >= 1 && v <= 3600)
			bp->netwait = (int)v;
		else
			con_printf(&a->con, "twinbench: %s: use 1..3600 "
				   "seconds; keeping %d\n", w, bp->netwait);
	} else
		return 0;
	return 1;
}

static void set_param(struct app *a, struct boot_params *bp, const char *w)
{
	if (set_net_param(a, bp, w))
		return;
	if (!strncmp(w, "bench.profile=", 14)) {
		free(bp->profile);
		bp->profile = strdup(w + 14);
	} else if (!strncmp(w, "bench.label=", 12)) {
		free(bp->label);
		bp->label = strdup(w + 12);
	} else if (!strcmp(w, "bench.after=poweroff")) {
		bp->after = AFTER_POWEROFF;
	} else if (!strcmp(w, "bench.after=reboot")) {
		bp->after = AFTER_REBOOT;
	} else if (!strcmp(w, "bench.after=shell")) {
		bp->after = AFTER_SHELL;
	} else if (!strncmp(w, "bench.after=", 12)) {
		con_printf(&a->con, "twinbench: %s: use poweroff, reboot or "
			   "shell; powering off at the end\n", w);
	}
}

void boot_cmdline(struct app *a, struct boot_params *bp)
{
	char *copy, *s, *w;

	memset(bp, 0, sizeof(*bp));
	bp->netwait = 30;
	a->cmdline = fs_read_line("/proc/cmdline");
	copy = a->cmdline ? strdup(a->cmdline) : NULL;
	for (s = copy; s && (w = next_word(&s));)
		set_param(a, bp, w);
	free(copy);
	if (!bp->profile || !*bp->profile) {
		free(bp->profile);
		bp->profile = strdup("default");
	}
}

#define FWCFG_PARAMS \
	"/sys/firmware/qemu_fw_cfg/by_name/opt/org.twinbench/cmdline/raw"

/* `twinbench run` boots read-only media (the ISO, a PXE tree) with the
 * profile and label in fw_cfg: -fw_cfg name=opt/org.twinbench/cmdline,... */
void boot_fwcfg_params(struct app *a, struct boot_params *bp)
{
	char *text = NULL, *s, *w;
	size_t len;

	if (tb_read_file(FWCFG_PARAMS, &text, &len) < 0)
		return;
	text[strcspn(text, "\n")] = '\0';
	a->fwcfg_params = strdup(text);
	for (s = text; (w = next_word(&s));)
		set_param(a, bp, w);
	con_printf(&a->con, "twinbench: parameters from QEMU fw_cfg: %s\n",
		   a->fwcfg_params ? a->fwcfg_params : "?");
	free(text);
}

/* A shell on the console; returns when it exits. */
static void run_shell(struct app *a)
{
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		con_printf(&a->con, "twinbench: fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		setsid();
		ioctl(0, TIOCSCTTY, 1);
		execl("/bin/sh", "sh", (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(-1, &st, 0);

		if (r == pid || (r < 0 && errno != EINTR))
			break;
	}
}

void boot_end(struct app *a, enum boot_after after)
{
	if (after == AFTER_SHELL) {
		con_printf(&a->con, "twinbench: bench.after=shell: results "
			   "in %s; exit the shell to power off\n",
			   a->run_dir ? a->run_dir : "(none)");
		run_shell(a);
	}
	disks_unmount(a);
	sync();
	if (after == AFTER_REBOOT) {
		con_printf(&a->con, "twinbench: rebooting\n");
		reboot(RB_AUTOBOOT);
	} else {
		con_printf(&a->con, "twinbench: powering off\n");
		reboot(RB_POWER_OFF);
	}
	con_printf(&a->con, "twinbench: reboot: %s\n", strerror(errno));
	if (sysinfo_in_container(NULL, 0))
		exit(0);	/* PID 1 of a container: ending it is the end */
	con_printf(&a->con, "twinbench: halted\n");
	for (;;)
		pause();
}
