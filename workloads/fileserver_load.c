/* fileserver_load.c - dbench's load files: shipped xz-compressed, unpacked
 * to the scratch disk, checked against the sha256 of upstream's file.
 *
 * The image holds <bindir>/../share/dbench/<name>.xz (0.5 MB of RAM, not
 * the 26 MB of client.txt).  It is unpacked with busybox's xzcat in the
 * appliance (/bin/busybox), else the xzcat found in PATH (container mode
 * on a host without busybox): the decompressor does not matter, because
 * what it writes must have the sha256 of the file in dbench's source
 * tarball, checked while it is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fileserver.h"
#include "tb_sha256.h"
#include "workloads.h"

#define FS_BUSYBOX "/bin/busybox"
#define FS_CHUNK (64 * 1024)

struct fs_load {
	const char *name;
	const char *sha256;	/* of the unpacked file */
};

/* dbench-4.0/client.txt of dbench_4.0.orig.tar.gz (26214401 bytes) */
static const struct fs_load fs_loads[] = {
	{ "client.txt",
	  "ec2792b86d74ff0c6d091a599ce3ec311fcce86c97f7be86a80fca80c24ce45c" },
};

const char *const fs_load_names[] = { "client.txt", NULL };

/* xzcat <xz> with stdout on fd `out`; never returns */
static void exec_xzcat(const char *xz, int out)
{
	int n = open("/dev/null", O_RDWR);

	if (n < 0 || dup2(n, 0) < 0 || dup2(out, 1) < 0)
		_exit(126);
	if (access(FS_BUSYBOX, X_OK) == 0)
		execl(FS_BUSYBOX, "xzcat", xz, (char *)NULL);
	else
		execlp("xzcat", "xzcat", xz, (char *)NULL);
	_exit(127);
}

/* Copy fd `in` to fd `out`, hashing; 0 or -errno */
static int copy_hash(int in, int out, char hex[65])
{
	unsigned char *buf = malloc(FS_CHUNK), sum[32];
	struct tb_sha256 s;
	ssize_t r;
	int rc = 0, i;

	if (!buf)
		return -ENOMEM;
	tb_sha256_init(&s);
	while (rc == 0 && (r = read(in, buf, FS_CHUNK)) != 0) {
		if (r < 0) {
			rc = errno == EINTR ? 0 : -errno;
			continue;
		}
		tb_sha256_update(&s, buf, (size_t)r);
		rc = tb_write_all(out, buf, (size_t)r);
	}
	free(buf);
	tb_sha256_final(&s, sum);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	return rc;
}

/* xzcat xz > tmp, hashing; 0, or -1 after tb_fail */
static int unpack(struct tb_ctx *ctx, const char *xz, int out, char hex[65])
{
	int pfd[2], st = 0, rc;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return tb_fail(ctx, "pipe: %s", strerror(errno)), -1;
	pid = fork();
	if (pid == 0)
		exec_xzcat(xz, pfd[1]);
	close(pfd[1]);
	rc = pid < 0 ? -errno : copy_hash(pfd[0], out, hex);
	close(pfd[0]);
	if (pid < 0)
		return tb_fail(ctx, "fork: %s", strerror(-rc)), -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* our write error first: xzcat then dies of SIGPIPE */
	if (rc < 0)
		return tb_fail(ctx, "%s: %s", ctx->scratch, strerror(-rc)), -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return tb_fail(ctx, "xzcat %s: failed (status 0x%x)", xz, st),
		       -1;
	return 0;
}

int fs_load_unpack(struct tb_ctx *ctx, int idx, const char *xz)
{
	const struct fs_load *l = &fs_loads[idx];
	char *tmp = tb_strdupf("%s.tmp", l->name), hex[65];
	int fd, rc = -1;

	if (!tmp)
		return tb_fail(ctx, "out of memory"), -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		tb_fail(ctx, "%s/%s: %s", ctx->scratch, tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (unpack(ctx, xz, fd, hex) == 0) {
		if (strcmp(hex, l->sha256) != 0)
			tb_fail(ctx, "%s: unpacks to sha256 %s, not dbench's "
				"%s %s", xz, hex, l->name, l->sha256);
		else if (rename(tmp, l->name) < 0)
			tb_fail(ctx, "%s/%s: %s", ctx->scratch, l->name,
				strerror(errno));
		else
			rc = 0;
	}
	close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
