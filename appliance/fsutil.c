/* fsutil.c - small file helpers the appliance needs beyond lib/. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_util.h"

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf without following symlinks or crossing mount points. */
int fs_rm_rf(const char *path)
{
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
		return errno ? -errno : -EIO;
	return 0;
}

char *fs_read_line(const char *path)
{
	char *text = NULL, *nl;
	size_t len;

	if (tb_read_file(path, &text, &len) < 0)
		return NULL;
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	return text;
}

const char *status_name(enum run_status st)
{
	switch (st) {
	case ST_OK:
		return "ok";
	case ST_SKIPPED:
		return "skipped";
	case ST_TIMEOUT:
		return "timeout";
	default:
		return "failed";
	}
}
