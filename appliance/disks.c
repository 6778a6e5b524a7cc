/* disks.c - PID 1: find BENCHBOOT, BENCHRES and BENCHSCRATCH by label.
 *
 * Labels are read from the superblocks directly: ext2/3/4 (magic 0xEF53 at
 * 1024+56, label at 1024+120) and FAT (boot signature 55 AA; FAT32 label at
 * 71, FAT12/16 at 43).  Only a partition whose superblock says BENCHSCRATCH
 * is ever formatted, and it is checked again right before mke2fs runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "boot.h"
#include "tb_util.h"

#define MKE2FS "/usr/bin/mke2fs"
#define WAIT_MAX_S 10.0
#define ISO_VOLID "TWINBENCH"
/* <linux/cdrom.h> (not in musl's headers): drive status of the disc in
 * the current slot */
#define CDROM_DRIVE_STATUS 0x5326
#define CDSL_CURRENT ((int)(~0U >> 1))
#define CDS_DISC_OK 4

static void copy_label(char *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] && p[i] >= 0x20 && p[i] < 0x7f; i++)
		out[i] = (char)p[i];
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

/* Label and type ("ext4" or "vfat") of dev; 0, or -1 if neither. */
static int probe(const char *dev, char *label, const char **type)
{
	unsigned char b[2048];
	int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n != (ssize_t)sizeof(b))
		return -1;
	if (b[1024 + 56] == 0x53 && b[1024 + 57] == 0xEF) {
		copy_label(label, b + 1024 + 120, 16);
		*type = "ext4";
		return 0;
	}
	if (b[510] != 0x55 || b[511] != 0xAA)
		return -1;
	*type = "vfat";
	if (!memcmp(b + 82, "FAT32", 5)) {
		copy_label(label, b + 71, 11);
		return 0;
	}
	if (!memcmp(b + 54, "FAT1", 4)) {
		copy_label(label, b + 43, 11);
		return 0;
	}
	return -1;
}

/* Not worth reading: virtual devices, optical and floppy drives (an empty
 * one fills the kernel log with I/O errors; scan() asks optical drives
 * whether they hold a disc first), devices of size 0. */
static int skip_dev(const char *name)
{
	char path[300], *size;
	int empty;

	if (name[0] == '.' || !strncmp(name, "loop", 4) ||
	    !strncmp(name, "ram", 3) || !strncmp(name, "zram", 4) ||
	    !strncmp(name, "sr", 2) || !strncmp(name, "fd", 2))
		return 1;
	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	size = fs_read_line(path);
	empty = !size || strtoull(size, NULL, 10) == 0;
	free(size);
	return empty;
}

/* An ISO 9660 volume with our volume id (twinbench.iso in a drive, or
 * dd'ed to a stick)?  An optical drive is asked first whether it holds a
 * disc (reading an empty one fills the kernel log with I/O errors).  The
 * primary volume descriptor: sector 16, type 1, "CD001", id at +40. */
static int is_our_iso(const char *dev, int optical)
{
	unsigned char b[72];
	char id[33];
	int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = -1;

	if (fd < 0)
		return 0;
	if (!optical ||
	    ioctl(fd, CDROM_DRIVE_STATUS, CDSL_CURRENT) == CDS_DISC_OK)
		n = pread(fd, b, sizeof(b), 16 * 2048);
	close(fd);
	if (n != (ssize_t)sizeof(b) || b[0] != 1 || memcmp(b + 1, "CD001", 5))
		return 0;
	copy_label(id, b + 40, 32);
	return !strcmp(id, ISO_VOLID);
}

static void take(char **slot, const char *dev)
{
	if (!*slot)
		*slot = strdup(dev);
}

/* One pass over /sys/class/block; returns how many devices it saw. */
static int scan(struct app *a)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char dev[300], label[20], *bang;
		const char *type;

		if (!strncmp(de->d_name, "sr", 2)) {
			snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
			if (is_our_iso(dev, 1)) {
				n++;
				take(&a->iso_dev, dev);
			}
			continue;
		}
		if (skip_dev(de->d_name))
			continue;
		n++;
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		while ((bang = strchr(dev, '!')))
			*bang = '/';
		if (probe(dev, label, &type) < 0) {
			if (is_our_iso(dev, 0))
				take(&a->iso_dev, dev);
			continue;
		}
		if (!strcmp(type, "vfat") && !strcmp(label, "BENCHBOOT"))
			take(&a->boot_dev, dev);
		else if (!strcmp(type, "ext4") && !strcmp(label, "BENCHRES"))
			take(&a->res_dev, dev);
		else if (!strcmp(type, "ext4") &&
			 !strcmp(label, "BENCHSCRATCH"))
			take(&a->scratch_dev, dev);
	}
	closedir(d);
	return n;
}
/* Until all three labels are there, or one of them (or our ISO) is
 * there and no new device came for 2 s, or no device at all after 8 s (IDE
 * under OVMF on a loaded host can take that long), or
 * 10 s passed.  Without a BENCHBOOT partition, the ISO (if in a drive) is
 * the boot medium. */
void disks_wait(struct app *a)
{
	uint64_t t0 = tb_now_ns();
	double el = 0, changed = 0;
	int last = -1;

	for (;;) {
		int n = scan(a);

		el = (double)(tb_now_ns() - t0) / 1e9;
		if (n != last) {
			last = n;
			changed = el;
		}
		if ((a->boot_dev && a->res_dev && a->scratch_dev) ||
		    el >= WAIT_MAX_S || (n == 0 && el >= 8) ||
		    ((a->res_dev || a->boot_dev || a->iso_dev ||
		      a->scratch_dev) &&
		     el - changed >= 2))
			break;
		usleep(100000);
	}
	a->t.disk_wait_s = el;
	a->boot_fs = "vfat";
	if (!a->boot_dev && a->iso_dev) {
		take(&a->boot_dev, a->iso_dev);
		a->boot_fs = "iso9660";
	}
	con_printf(&a->con, "twinbench: disks after %.1f s: BENCHBOOT %s%s, "
		   "BENCHRES %s, BENCHSCRATCH %s\n", el,
		   a->boot_dev ? a->boot_dev : "-",
		   a->boot_dev && !strcmp(a->boot_fs, "iso9660") ?
		   " (the ISO)" : "",
		   a->res_dev ? a->res_dev : "-",
		   a->scratch_dev ? a->scratch_dev : "-");
}

static int run_mke2fs(struct app *a, const char *dev)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {	/* its chatter; errors go to stderr */
			dup2(null, 0);
			dup2(null, 1);
		}
		execl(MKE2FS, MKE2FS, "-F", "-q", "-t", "ext4", "-L",
		      "BENCHSCRATCH", "-E", "nodiscard", dev, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		con_printf(&a->con, "twinbench: %s %s: exit status %d\n",
			   MKE2FS, dev, WIFEXITED(st) ? WEXITSTATUS(st) :
			   128 + WTERMSIG(st));
		return -EIO;
	}
	return 0;
}

/* Re-check the label, format, mount at /scratch. */
static int scratch_mount(struct app *a)
{
	char label[20];
	const char *type;
	uint64_t t0 = tb_now_ns();
	int rc;

	if (probe(a->scratch_dev, label, &type) < 0 || strcmp(type, "ext4") ||
	    strcmp(label, "BENCHSCRATCH")) {
		con_printf(&a->con, "twinbench: %s: no longer labelled "
			   "BENCHSCRATCH, not formatting it\n", a->scratch_dev);
		return -1;
	}
	rc = run_mke2fs(a, a->scratch_dev);
	a->t.mkfs_s = (double)(tb_now_ns() - t0) / 1e9;
	if (rc < 0)
		return -1;
	a->scratch_formatted = 1;
	a->mke2fs = MKE2FS;
	mkdir("/scratch", 0755);
	if (mount(a->scratch_dev, "/scratch", "ext4", MS_NOATIME, NULL) < 0) {
		con_printf(&a->con, "twinbench: mount %s on /scratch: %s\n",
			   a->scratch_dev, strerror(errno));
		return -1;
	}
	con_printf(&a->con, "twinbench: %s formatted in %.1f s, mounted on "
		   "/scratch\n", a->scratch_dev, a->t.mkfs_s);
	a->scratch = strdup("/scratch");
	return 0;
}

static void results_mount(struct app *a)
{
	mkdir("/results", 0755);
	if (a->res_dev && mount(a->res_dev, "/results", "ext4", 0, NULL) == 0) {
		a->results_root = strdup("/results");
		return;
	}
	if (a->res_dev)
		con_printf(&a->con, "twinbench: mount %s on /results: %s\n",
			   a->res_dev, strerror(errno));
	a->results_note = strdup("no usable BENCHRES partition: results are "
				 "only on the console (TWINBENCH lines) and "
				 "in /tmp/results (tmpfs)");
	con_printf(&a->con, "twinbench: %s\n", a->results_note);
	a->results_root = strdup("/tmp/results");
}

void disks_mount(struct app *a)
{
	mkdir("/boot", 0755);
	if (a->boot_dev && mount(a->boot_dev, "/boot", a->boot_fs, MS_RDONLY |
				 MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		con_printf(&a->con, "twinbench: mount %s on /boot: %s\n",
			   a->boot_dev, strerror(errno));
		free(a->boot_dev);
		a->boot_dev = NULL;
	}
	results_mount(a);
}

/* Format and mount BENCHSCRATCH if asked to, else a directory on /tmp. */
void disks_scratch(struct app *a, int format)
{
	if (format && a->scratch_dev && scratch_mount(a) == 0)
		return;
	if (!format)
		a->scratch_note = strdup("BENCHSCRATCH not formatted: nothing "
					 "runs");
	else
		a->scratch_note = strdup("no usable BENCHSCRATCH partition: "
					 "scratch is /tmp/scratch (tmpfs, in "
					 "RAM)");
	if (format)
		con_printf(&a->con, "twinbench: %s\n", a->scratch_note);
	free(a->scratch);
	a->scratch = strdup("/tmp/scratch");
	if (a->scratch)
		tb_mkdir_p(a->scratch, 0755);
}

static void unmount_one(struct app *a, const char *dir)
{
	if (umount2(dir, 0) == 0 || errno == EINVAL)
		return;
	con_printf(&a->con, "twinbench: umount %s: %s\n", dir,
		   strerror(errno));
	mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL);
}

void disks_unmount(struct app *a)
{
	if (a->scratch_formatted)
		unmount_one(a, "/scratch");
	if (a->res_dev && a->results_root &&
	    !strcmp(a->results_root, "/results"))
		unmount_one(a, "/results");
	if (a->boot_dev)
		unmount_one(a, "/boot");
}
