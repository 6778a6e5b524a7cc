/* build_tar.c - unpack a POSIX ustar archive of regular files and
 * directories (the build workload's payload, made by
 * image-builder/tool-tcc.mk with GNU tar --format=ustar).  Anything else in
 * the archive (links, devices, GNU or pax extensions), an absolute name or
 * a ".." component is an error: the archive is ours, and nothing may land
 * outside the destination.  The input is read to its end: after tar's
 * end-of-archive marker only zero padding (the rest of the last record,
 * up to a whole record of the blocking factor) may follow, anything else
 * is -EBADMSG.  Reading it all matters when the archive comes through a
 * pipe: a reader that stopped at the marker would close the pipe while
 * bzip2 still writes the padding, and bzip2 would die of SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build_fs.h"
#include "tb_util.h"

#define TAR_BLOCK 512

/* Read exactly n bytes; 0 at a clean end of input before the first byte
 * (*got = 0), -EIO for a short read, or -errno. */
static int read_full(int fd, unsigned char *buf, size_t n, size_t *got)
{
	ssize_t r;

	*got = 0;
	while (*got < n) {
		r = read(fd, buf + *got, n - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return *got ? -EIO : 0;
		*got += (size_t)r;
	}
	return 0;
}

/* Octal number field; -1 if malformed. */
static long long tar_num(const unsigned char *f, size_t len)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (f[i] - '0');
	return v;
}

static int tar_checksum_ok(const unsigned char *h)
{
	long long want = tar_num(h + 148, 8), sum = 0;
	size_t i;

	for (i = 0; i < TAR_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return want == sum;
}

/* "dir/prefix/name" of header h, checked; NULL if unsafe or no memory */
static char *tar_path(const char *dir, const unsigned char *h)
{
	char name[101], prefix[156], *p, *s;

	memcpy(name, h, 100);
	name[100] = '\0';
	memcpy(prefix, h + 345, 155);
	prefix[155] = '\0';
	if (!name[0] || name[0] == '/' || prefix[0] == '/')
		return NULL;
	p = prefix[0] ? tb_strdupf("%s/%s", prefix, name) : strdup(name);
	if (!p)
		return NULL;
	for (s = strstr(p, ".."); s; s = strstr(s + 2, ".."))
		if ((s == p || s[-1] == '/') && (s[2] == '/' || !s[2]))
			return free(p), NULL;
	s = tb_strdupf("%s/%s", dir, p);
	free(p);
	return s;
}

/* Copy size bytes of the archive to path, and skip the padding. */
static int tar_file(int fd, const char *path, long long size, mode_t mode)
{
	unsigned char buf[TAR_BLOCK * 16];
	long long left = (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	size_t n, got;
	int out, rc = 0;

	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0)
		return -errno;
	while (rc == 0 && left > 0) {
		n = left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf);
		rc = read_full(fd, buf, n, &got);
		if (rc == 0 && got < n)
			rc = -EIO;
		if (rc == 0 && size > 0)
			rc = tb_write_all(out, buf, size < (long long)n ?
					  (size_t)size : n);
		left -= (long long)n;
		size -= (long long)n;
	}
	if (close(out) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* One member; 1 at the end of the archive. */
static int tar_member(int fd, const char *dir, char **where)
{
	unsigned char h[TAR_BLOCK];
	long long size, mode;
	char *path, *slash;
	size_t got, i;
	int rc;

	if ((rc = read_full(fd, h, TAR_BLOCK, &got)) < 0 || got == 0)
		return rc < 0 ? rc : -EIO;
	for (i = 0; i < TAR_BLOCK && !h[i]; i++)
		;
	if (i == TAR_BLOCK)
		return 1;
	size = tar_num(h + 124, 12);
	mode = tar_num(h + 100, 8);
	if (memcmp(h + 257, "ustar", 5) || !tar_checksum_ok(h) || size < 0 ||
	    mode < 0 || (h[156] != '0' && h[156] != '\0' && h[156] != '5'))
		return -EINVAL;
	if (!(path = tar_path(dir, h)))
		return -EINVAL;
	if ((slash = strrchr(path, '/')) && slash > path) {
		*slash = '\0';
		rc = tb_mkdir_p(path, 0755);
		*slash = '/';
	}
	if (rc == 0 && h[156] == '5')
		rc = tb_mkdir_p(path, 0755);
	else if (rc == 0)
		rc = tar_file(fd, path, size, (mode_t)mode & 0777);
	if (rc && where && !*where)
		*where = strdup(path);
	free(path);
	return rc;
}

/* The rest of the input after the end-of-archive marker, to its end: 0 if
 * it is all zeros, -EBADMSG if not, or -errno. */
static int tar_trailer(int fd)
{
	unsigned char buf[TAR_BLOCK * 16];
	ssize_t r, i;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : 0;
		for (i = 0; i < r; i++)
			if (buf[i])
				return -EBADMSG;
	}
}

int bfs_untar(int fd, const char *dir, char **where)
{
	int rc;

	while ((rc = tar_member(fd, dir, where)) == 0)
		;
	return rc == 1 ? tar_trailer(fd) : rc;
}
