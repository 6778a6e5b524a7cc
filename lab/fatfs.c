/* fatfs.c - copy files out of and into a FAT partition inside a disk image
 * with mtools: `mcopy -i IMAGE@@OFFSET`, no mounting, no root.
 * MTOOLS_SKIP_CHECK=1 because the geometry of a partition in an image file
 * does not always please mtools' sanity check.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

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
