/* util.c - clocks, deterministic data and durable files (see tb_util.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "tb_util.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t tb_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t tb_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void tb_rng_seed(struct tb_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t tb_rng_next(struct tb_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return out;
}

uint64_t tb_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

int tb_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync, treating "this file cannot be synced" (EINVAL: a pipe, a tty,
 * some special filesystems) as success. */
static int sync_fd(int fd)
{
	while (fsync(fd)) {
		if (errno == EINTR)
			continue;
		return errno == EINVAL ? 0 : -errno;
	}
	return 0;
}

int tb_fsync_dir(const char *dir)
{
	int fd, rc;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = sync_fd(fd);
	close(fd);
	return rc;
}

int tb_append_fsync(int fd, const void *data, size_t n)
{
	int rc = tb_write_all(fd, data, n);

	return rc ? rc : sync_fd(fd);
}

static int write_tmp(const char *tmp, const void *data, size_t n)
{
	int fd, rc;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	rc = tb_write_all(fd, data, n);
	if (!rc)
		rc = sync_fd(fd);
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

int tb_write_file_atomic(const char *dir, const char *name,
			 const void *data, size_t n)
{
	char *tmp, *dst;
	int rc;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	tmp = tb_strdupf("%s/.%s.tmp", dir, name);
	dst = tb_strdupf("%s/%s", dir, name);
	if (!tmp || !dst) {
		rc = -ENOMEM;
		goto out;
	}
	rc = write_tmp(tmp, data, n);
	if (!rc && rename(tmp, dst))
		rc = -errno;
	if (rc)
		unlink(tmp);
	else
		rc = tb_fsync_dir(dir);
out:
	free(tmp);
	free(dst);
	return rc;
}

static int read_fd(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (cap - n < 2) {
			nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int tb_read_file(const char *path, char **out, size_t *len)
{
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_fd(fd, out, len);
	close(fd);
	return rc;
}

int tb_mkdir_p(const char *path, unsigned mode)
{
	struct stat st;
	char *p, *s;
	int rc = 0;

	if (!*path)
		return -ENOENT;
	p = strdup(path);
	if (!p)
		return -ENOMEM;
	for (s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!rc && stat(path, &st))
		rc = -errno;
	else if (!rc && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	free(p);
	return rc;
}

char *tb_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

#define TB_TMPFS_MAGIC 0x01021994
#define TB_RAMFS_MAGIC 0x858458f6

int tb_dir_in_ram(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf) < 0)
		return -errno;
	return sf.f_type == TB_TMPFS_MAGIC || sf.f_type == TB_RAMFS_MAGIC;
}
