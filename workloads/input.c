/* input.c - generated input files on the scratch filesystem. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "workloads.h"

#define WL_CHUNK (256 * 1024)

double wl_seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

static int generate(int fd, uint64_t seed, enum wl_data kind, int64_t size)
{
	struct wl_gen g;
	unsigned char *buf = malloc(WL_CHUNK);
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	wl_gen_init(&g, seed, kind);
	while (size > 0 && rc == 0) {
		size_t n = size > WL_CHUNK ? WL_CHUNK : (size_t)size;

		wl_gen_fill(&g, buf, n);
		rc = tb_write_all(fd, buf, n);
		size -= (int64_t)n;
	}
	free(buf);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	return rc;
}

static int write_input(struct tb_ctx *ctx, const char *path,
		       enum wl_data kind, int64_t size)
{
	char *tmp = tb_strdupf("%s.tmp", path);
	int fd, rc;

	if (!tmp)
		return tb_fail(ctx, "out of memory"), -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		tb_fail(ctx, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	rc = generate(fd, ctx->seed, kind, size);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		tb_fail(ctx, "%s: %s", path, strerror(-rc));
		unlink(tmp);
	}
	free(tmp);
	return rc < 0 ? -1 : 0;
}

int wl_input_file(struct tb_ctx *ctx, const char *prefix, enum wl_data kind,
		  int64_t size, char **path)
{
	struct stat st;
	char *p;

	p = tb_strdupf("%s/%s-%d-%016" PRIx64 "-%" PRId64, ctx->scratch,
		       prefix, (int)kind, ctx->seed, size);
	if (!p)
		return tb_fail(ctx, "out of memory"), -1;
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size) {
		*path = p;
		return 0;
	}
	if (write_input(ctx, p, kind, size) < 0) {
		free(p);
		return -1;
	}
	*path = p;
	return 0;
}
