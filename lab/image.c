/* image.c - partitions of a raw MBR disk image, found by label, and files
 * on its FAT partition.
 *
 * Partitions are never taken by number: the four primary entries of the MBR
 * (16 bytes each at offset 446; type at +4, start LBA at +8, sector count
 * at +12, little endian) are read and each one's file system is asked for
 * its label.  FAT: the boot sector's BPB; sectors-per-FAT16 (offset 22) of
 * 0 means FAT32, whose extended boot signature 0x29 is at 66 and volume
 * label (11 bytes, blank padded) at 71; FAT12/16 have them at 38 and 43.
 * ext2/3/4: the superblock 1024 bytes in, magic 0xEF53 at +56, volume name
 * (16 bytes, NUL padded) at +120.
 *
 * Files on the FAT partition are copied out and in with mtools, `mcopy -i
 * IMAGE@@OFFSET`: no mounting, no root.  MTOOLS_SKIP_CHECK=1 because the
 * geometry of a partition inside an image does not always please mtools.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

#define SECTOR		512
#define MBR_TABLE	446
#define EXT_SB		1024

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t got = pread(fd, buf, n, (off_t)off);

	if (got < 0)
		return -errno;
	return (size_t)got == n ? 0 : -EIO;
}

/* Copy a label, cutting trailing blanks and NULs. */
static void set_label(char dst[17], const unsigned char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\0'))
		dst[--n] = '\0';
}

static int probe_fat(const unsigned char *bs, struct img_part *p)
{
	unsigned bps = le16(bs + 11);
	int fat32 = le16(bs + 22) == 0;
	unsigned sig = fat32 ? 66 : 38, lab = fat32 ? 71 : 43;

	if (bs[510] != 0x55 || bs[511] != 0xaa)
		return 0;
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || bs[13] == 0)
		return 0;
	if (bs[sig] != 0x29)
		return 0;
	p->fs = IMG_FS_FAT;
	set_label(p->label, bs + lab, 11);
	return 1;
}

static int probe_ext(const unsigned char *sb, struct img_part *p)
{
	if (le16(sb + 56) != 0xef53)
		return 0;
	p->fs = IMG_FS_EXT4;
	set_label(p->label, sb + 120, 16);
	return 1;
}

/* Identify the file system of p and read its label. */
static int probe_part(int fd, struct img_part *p)
{
	unsigned char buf[SECTOR];
	int e;

	p->fs = IMG_FS_OTHER;
	p->label[0] = '\0';
	e = read_at(fd, buf, sizeof(buf), p->offset);
	if (e)
		return e;
	if (probe_fat(buf, p))
		return 0;
	e = read_at(fd, buf, sizeof(buf), p->offset + EXT_SB);
	if (e)
		return e;
	probe_ext(buf, p);
	return 0;
}

static int read_table(int fd, uint64_t size, struct img_part parts[4],
		      int *n)
{
	unsigned char mbr[SECTOR];
	const unsigned char *e;
	int i, err;

	err = read_at(fd, mbr, sizeof(mbr), 0);
	if (err)
		return err == -EIO ? -EINVAL : err;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return -EINVAL;
	*n = 0;
	for (i = 0; i < 4; i++) {
		e = mbr + MBR_TABLE + 16 * i;
		if (e[4] == 0 || le32(e + 12) == 0)
			continue;
		parts[*n].index = i + 1;
		parts[*n].offset = (uint64_t)le32(e + 8) * SECTOR;
		parts[*n].size = (uint64_t)le32(e + 12) * SECTOR;
		if (parts[*n].offset + parts[*n].size > size)
			return -ERANGE;
		(*n)++;
	}
	return 0;
}

int img_find(const char *image, const char *label, enum img_fs fs,
	     struct img_part *out)
{
	struct img_part parts[4];
	off_t size;
	int fd, n = 0, i, e;

	fd = open(image, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* the end, not st_size: that is 0 for a block device (a stick) */
	size = lseek(fd, 0, SEEK_END);
	e = size < 0 ? -errno : 0;
	if (!e)
		e = read_table(fd, (uint64_t)size, parts, &n);
	for (i = 0; !e && i < n; i++) {
		e = probe_part(fd, &parts[i]);
		if (!e && parts[i].fs == fs && !strcmp(parts[i].label, label)) {
			*out = parts[i];
			close(fd);
			return 0;
		}
	}
	close(fd);
	return e ? e : -ENXIO;
}

const char *img_strerror(int e)
{
	switch (e) {
	case -EINVAL:
		return "no MBR partition table (not a disk image?)";
	case -ERANGE:
		return "a partition extends beyond the end of the image "
		       "(truncated?)";
	case -ENXIO:
		return "no partition with that label";
	default:
		return strerror(-e);
	}
}

/* ---- files on a FAT partition (mtools) ---- */

static const char *const mtools_env[] = { "MTOOLS_SKIP_CHECK=1", NULL };

static char *drive_spec(const char *image, const struct img_part *p)
{
	return tb_strdupf("%s@@%llu", image, (unsigned long long)p->offset);
}

static int mcopy(const char *const argv[], int quiet)
{
	struct proc_opt o = { .null_stdin = 1, .env = mtools_env };
	struct proc_res r;
	int e, devnull = -1;

	if (quiet) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull < 0)
			return -errno;
		o.err_fd = devnull;
	}
	e = proc_run(argv, &o, &r);
	if (devnull >= 0)
		close(devnull);
	if (e)
		return e;
	return r.status ? -EIO : 0;
}

/* fatpath like "/syslinux.cfg"; local must not exist yet. */
int fat_get(const char *image, const struct img_part *p, const char *fatpath,
	    const char *local, int quiet)
{
	char *spec = drive_spec(image, p), *src = tb_strdupf("::%s", fatpath);
	int e = -ENOMEM;

	if (spec && src) {
		const char *argv[] = { "mcopy", "-n", "-i", spec, src, local,
				       NULL };
		e = mcopy(argv, quiet);
	}
	free(spec);
	free(src);
	return e;
}

/* Replace (or create) fatpath with the content of local. */
int fat_put(const char *image, const struct img_part *p, const char *local,
	    const char *fatpath)
{
	char *spec = drive_spec(image, p), *dst = tb_strdupf("::%s", fatpath);
	int e = -ENOMEM;

	if (spec && dst) {
		const char *argv[] = { "mcopy", "-o", "-i", spec, local, dst,
				       NULL };
		e = mcopy(argv, 0);
	}
	free(spec);
	free(dst);
	return e;
}
