/* peer_src.c - what the peer VM of `twinbench run --peer IMAGE` boots.
 *
 * The peer always boots its kernel directly (-kernel, -initrd, -append),
 * whatever IMAGE is, with the APPEND line of the image's own menu entry
 * (the client's --profile if the menu has it, else DEFAULT) without
 * quiet:
 *
 *   disk.img        /vmlinuz, /initrd.img, /syslinux.cfg of BENCHBOOT
 *                   (mtools)
 *   DIR/disk.img    the same, for an out/guest directory
 *   twinbench.iso   /vmlinuz, /initrd.img, /isolinux/isolinux.cfg
 *                   (xorriso)
 *   pxe/            vmlinuz, initrd.img, pxelinux.cfg/default
 *
 * IMAGE itself is never written or attached (the client may be booting
 * the very same disk.img).  The peer gets a disk of its own instead: a
 * sparse raw file with an MBR and one ext4 partition labelled
 * BENCHSCRATCH (no journal: only the label matters), which the appliance
 * formats again at boot and keeps the agent's data sets on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer.h"
#include "tb_util.h"

#define SCRATCH_START	2048	/* sectors: the partition at 1 MiB */

struct files {
	char *cfg;		/* the boot menu */
};

static int quiet_run(const char *const argv[])
{
	struct proc_opt po = { .null_stdin = 1 };
	struct proc_res r;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), e;

	if (null < 0)
		return -errno;
	po.out_fd = po.err_fd = null;
	e = proc_run(argv, &po, &r);
	close(null);
	return e ? e : r.status ? -EIO : 0;
}

static int from_disk(const char *image, const struct img_part *boot,
		     const char *work, struct peer_src *s, struct files *f)
{
	int e;

	s->kernel = fs_join(work, "peer-vmlinuz");
	s->initrd = fs_join(work, "peer-initrd.img");
	f->cfg = fs_join(work, "peer-syslinux.cfg");
	if (!s->kernel || !s->initrd || !f->cfg)
		return -ENOMEM;
	s->failed = "BENCHBOOT:/vmlinuz";
	e = fat_get(image, boot, "/vmlinuz", s->kernel, 1);
	if (!e) {
		s->failed = "BENCHBOOT:/initrd.img";
		e = fat_get(image, boot, "/initrd.img", s->initrd, 1);
	}
	if (!e) {
		s->failed = "BENCHBOOT:/syslinux.cfg";
		e = fat_get(image, boot, "/syslinux.cfg", f->cfg, 1);
	}
	return e;
}

static int from_iso(const char *image, const char *work, struct peer_src *s,
		    struct files *f)
{
	const char *argv[] = { "xorriso", "-osirrox", "on", "-indev", image,
			       "-extract", "/vmlinuz", NULL,
			       "-extract", "/initrd.img", NULL,
			       "-extract", "/isolinux/isolinux.cfg", NULL,
			       NULL };

	s->kernel = fs_join(work, "peer-vmlinuz");
	s->initrd = fs_join(work, "peer-initrd.img");
	f->cfg = fs_join(work, "peer-isolinux.cfg");
	if (!s->kernel || !s->initrd || !f->cfg)
		return -ENOMEM;
	argv[7] = s->kernel;
	argv[10] = s->initrd;
	argv[13] = f->cfg;
	s->form = "twinbench.iso";
	s->failed = "not a disk.img (no BENCHBOOT partition), twinbench.iso, "
		    "pxe/ or out/guest directory";
	return quiet_run(argv) || !fs_exists(s->kernel) ||
	       !fs_exists(s->initrd) || !fs_exists(f->cfg) ? -EINVAL : 0;
}

static int from_pxe(const char *dir, struct peer_src *s, struct files *f)
{
	s->kernel = fs_join(dir, "vmlinuz");
	s->initrd = fs_join(dir, "initrd.img");
	f->cfg = fs_join(dir, "pxelinux.cfg/default");
	if (!s->kernel || !s->initrd || !f->cfg)
		return -ENOMEM;
	s->form = "pxe/";
	s->failed = "vmlinuz";
	if (!fs_exists(s->kernel))
		return -ENOENT;
	s->failed = "initrd.img";
	return fs_exists(s->initrd) ? 0 : -ENOENT;
}

/* out/guest (its disk.img) or pxe/ */
static int from_dir(const char *dir, const char *work, struct peer_src *s,
		    struct files *f)
{
	char *disk = fs_join(dir, "disk.img");
	char *menu = fs_join(dir, "pxelinux.cfg/default");
	struct img_part boot;
	int e = -ENOMEM;

	if (disk && menu && fs_exists(disk)) {
		s->form = "disk.img";
		s->failed = "disk.img: no BENCHBOOT partition";
		e = img_find(disk, "BENCHBOOT", IMG_FS_FAT, &boot) ? -EINVAL :
		    from_disk(disk, &boot, work, s, f);
	} else if (disk && menu && fs_exists(menu)) {
		e = from_pxe(dir, s, f);
	} else if (disk && menu) {
		s->failed = "a directory without disk.img, and not a pxe/ "
			    "directory";
		e = -EINVAL;
	}
	free(disk);
	free(menu);
	return e;
}

/* The kernel, initrd and menu of image, a file or a directory. */
static int find_files(const char *image, const char *work,
		      struct peer_src *s, struct files *f)
{
	struct img_part boot;
	struct stat st;

	if (stat(image, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return from_dir(image, work, s, f);
	s->form = "disk.img";
	if (img_find(image, "BENCHBOOT", IMG_FS_FAT, &boot) == 0)
		return from_disk(image, &boot, work, s, f);
	return from_iso(image, work, s, f);
}

/* line without the word "quiet" (malloc'ed; NULL: no memory). */
static char *not_quiet(const char *line)
{
	char *out = malloc(strlen(line) + 1), *o = out;
	const char *p = line;
	size_t n;

	while (out && *p) {
		n = strcspn(p, " \t");
		if (n && !(n == 5 && !strncmp(p, "quiet", 5))) {
			if (o > out)
				*o++ = ' ';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
		p += strspn(p, " \t");
	}
	if (out)
		*o = '\0';
	return out;
}

/* s->append: APPEND of the profile's entry, else of DEFAULT, but not
 * quiet (the peer's log is read when it failed: the kernel's messages
 * belong there). */
static int menu_append(const char *cfg, const char *profile,
		       struct peer_src *s)
{
	struct bootcfg c;
	char *text = NULL, *line;
	const char *entry;
	int e;

	s->failed = "the boot menu";
	e = tb_read_file(cfg, &text, NULL);
	if (!e)
		e = bootcfg_parse(text, &c);
	free(text);
	if (e)
		return e;
	entry = profile && bootcfg_has(&c, profile) ? profile : c.deflt;
	line = entry ? bootcfg_append(c.text, entry) : NULL;
	bootcfg_free(&c);
	s->failed = "the boot menu has no DEFAULT entry";
	if (!line)
		return -ENOENT;
	s->append = not_quiet(line);
	free(line);
	return s->append ? 0 : -ENOMEM;
}

/* An MBR with partition 1 (type 83) from 1 MiB to the end. */
static int write_mbr(int fd, uint64_t sectors)
{
	unsigned char mbr[512] = { 0 }, *p = mbr + 446;
	uint32_t start = SCRATCH_START, n = (uint32_t)(sectors - start);

	p[1] = 0xfe, p[2] = 0xff, p[3] = 0xff;	/* CHS: use LBA */
	p[4] = 0x83;
	p[5] = 0xfe, p[6] = 0xff, p[7] = 0xff;
	for (int i = 0; i < 4; i++) {
		p[8 + i] = (unsigned char)(start >> (8 * i));
		p[12 + i] = (unsigned char)(n >> (8 * i));
	}
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	return tb_write_all(fd, mbr, sizeof(mbr));
}

static int make_scratch(const char *work, struct peer_src *s)
{
	uint64_t sectors = ((uint64_t)PEER_SCRATCH_MIB << 11) + SCRATCH_START;
	char *size = tb_strdupf("%uM", PEER_SCRATCH_MIB);
	const char *argv[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-L",
			       "BENCHSCRATCH", "-O", "^has_journal", "-E",
			       "offset=1048576", NULL, size, NULL };
	int fd, e;

	s->failed = "the peer's scratch disk";
	s->scratch = fs_join(work, "peer-scratch.img");
	if (!s->scratch || !size) {
		free(size);
		return -ENOMEM;
	}
	fd = open(s->scratch, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	e = fd < 0 ? -errno : write_mbr(fd, sectors);
	if (!e && ftruncate(fd, (off_t)(sectors * 512)))
		e = -errno;
	if (fd >= 0 && close(fd) && !e)
		e = -errno;
	argv[11] = s->scratch;
	if (!e && quiet_run(argv)) {
		s->failed = "mke2fs (package e2fsprogs) of the peer's scratch "
			    "disk";
		e = -EIO;
	}
	free(size);
	return e;
}

int peer_src_prepare(const char *image, const char *profile,
		     const char *work, struct peer_src *s)
{
	struct files f = { 0 };
	int e;

	memset(s, 0, sizeof(*s));
	e = find_files(image, work, s, &f);
	if (!e)
		e = menu_append(f.cfg, profile, s);
	free(f.cfg);
	if (!e)
		e = make_scratch(work, s);
	if (!e)
		s->failed = NULL;
	return e;
}

void peer_src_free(struct peer_src *s)
{
	free(s->kernel);
	free(s->initrd);
	free(s->append);
	free(s->scratch);
	memset(s, 0, sizeof(*s));
}
