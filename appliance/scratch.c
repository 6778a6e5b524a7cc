/* scratch.c - what the scratch directory is on.
 *
 * A run whose I/O workloads wrote to RAM must never pass for a disk run:
 * the manifest and every record carry this description, and seqio claims
 * a dropped page cache only on a disk.  The file system and its source come
 * from /proc/self/mountinfo (the mount with the longest mount point that
 * contains the directory); the block device from the directory's st_dev
 * through /sys/dev/block/MAJOR:MINOR, a partition's disk from its parent in
 * sysfs, and the disk's controller driver as hardware.c finds it.
 *   medium "ram":   tmpfs or ramfs (the page cache is the storage)
 *   medium "disk":  a block device (whatever its driver)
 *   medium "other": anything else (overlay, NFS, 9p, virtiofs, FUSE)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_util.h"

struct mnt {
	char point[PATH_MAX], fs[64], source[256];
	size_t best;
};

/* Is mount point p the directory d or above it? */
static size_t covers(const char *p, const char *d)
{
	size_t n = strlen(p);

	if (n == 1 && p[0] == '/')
		return 1;
	if (strncmp(p, d, n) || (d[n] != '/' && d[n] != '\0'))
		return 0;
	return n;
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw" */
static void mount_line(const char *line, const char *dir, struct mnt *m)
{
	char point[PATH_MAX], fs[64], src[256];
	const char *dash = strstr(line, " - ");
	size_t n;

	if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
	    sscanf(dash + 3, "%63s %255s", fs, src) != 2)
		return;
	n = covers(point, dir);
	if (n && n >= m->best) {
		m->best = n;
		memcpy(m->point, point, sizeof(point));
		memcpy(m->fs, fs, sizeof(fs));
		memcpy(m->source, src, sizeof(src));
	}
}

static void find_mount(const char *dir, struct mnt *m)
{
	char *text = NULL, *line, *save = NULL;

	memset(m, 0, sizeof(*m));
	if (tb_read_file("/proc/self/mountinfo", &text, NULL) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		mount_line(line, dir, m);
	free(text);
}

/* The last component of path into out (size n), cut to fit. */
static void copy_base(const char *path, char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	size_t len;

	b = b ? b + 1 : path;
	len = strlen(b) < n ? strlen(b) : n - 1;
	memcpy(out, b, len);
	out[len] = '\0';
}

/* The block device of st_dev: its name and its (disk's) driver. */
static int block_dev(dev_t dev, char *name, size_t nn, char *drv, size_t dn)
{
	char *sys = tb_strdupf("/sys/dev/block/%u:%u", major(dev),
			       minor(dev));
	char real[PATH_MAX], *p;
	int rc = -1;

	name[0] = drv[0] = '\0';
	if (sys && realpath(sys, real)) {
		copy_base(real, name, nn);
		p = tb_strdupf("%s/partition", real);
		if (p && access(p, F_OK) == 0 && strrchr(real, '/'))
			*strrchr(real, '/') = '\0';	/* its disk */
		free(p);
		p = tb_strdupf("%s/device", real);
		if (p)
			hardware_block_driver(p, drv, dn);
		free(p);
		rc = 0;
	}
	free(sys);
	return rc;
}

static const char *medium_of(const char *fs, int have_dev)
{
	if (!strcmp(fs, "tmpfs") || !strcmp(fs, "ramfs"))
		return "ram";
	return have_dev ? "disk" : "other";
}

static void kstr_or_null(struct tb_json *j, const char *k, const char *v)
{
	tb_json_key(j, k);
	v && *v ? tb_json_str(j, v) : tb_json_null(j);
}

char *scratch_describe(const char *dir)
{
	char real[PATH_MAX], name[64], drv[64];
	struct tb_json j;
	struct stat st;
	struct mnt m;
	char *out = NULL;
	int dev_ok;

	if (!dir || !realpath(dir, real) || stat(real, &st) < 0)
		return strdup("{\"medium\":\"unknown\"}");
	find_mount(real, &m);
	dev_ok = major(st.st_dev) != 0 &&
		 block_dev(st.st_dev, name, sizeof(name), drv,
			   sizeof(drv)) == 0;
	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_json_kstr(&j, "medium", medium_of(m.fs, dev_ok));
	kstr_or_null(&j, "fs", m.fs);
	kstr_or_null(&j, "source", m.source);
	kstr_or_null(&j, "device", dev_ok ? name : NULL);
	kstr_or_null(&j, "driver", dev_ok ? drv : NULL);
	tb_json_obj_end(&j);
	if (tb_json_error(&j) == 0)
		out = strdup(j.buf);
	tb_json_free(&j);
	return out;
}
