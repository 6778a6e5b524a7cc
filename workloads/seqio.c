/* seqio.c - sequential I/O like the 2008 study's dd experiments.
 *
 * mode=copy: `dd if=in of=out bs=BS` on the scratch filesystem.  Setup
 *   writes the seeded input once (kept for later repetitions with the same
 *   seed and size; the runner removes the instance directory at the end),
 *   then drops the page cache so every repetition reads from the device.
 *   Run copies it to a new file; cleanup removes the copy.  On a scratch
 *   in RAM (tmpfs: no BENCHSCRATCH) there is no cache to drop: the file is
 *   the cache, and caches_dropped says no (the records name the medium).
 * mode=zero: `dd if=/dev/zero of=/dev/null bs=BS count=SIZE/BS`: memory and
 *   system call speed, no disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "workloads.h"

enum { SEQIO_COPY, SEQIO_ZERO };

struct seqio_params {
	int mode;
	int64_t bs, size;
	int fsync, direct, drop_caches;
	int caches_dropped;	/* state from setup to run, not an option */
};

struct seqio_io {
	int in, out;
	void *buf;
	int64_t done;
};

static const char *const seqio_modes[] = { "copy", "zero", NULL };

static const struct tb_opt seqio_opts[] = {
	{ "mode", TB_OPT_ENUM, offsetof(struct seqio_params, mode), 0, 0,
	  "copy", "copy: file to file on scratch; zero: /dev/zero to /dev/null",
	  seqio_modes },
	{ "bs", TB_OPT_SIZE, offsetof(struct seqio_params, bs), 512,
	  64.0 * 1024 * 1024, "1M", "block size of each read and write", NULL },
	{ "size", TB_OPT_SIZE, offsetof(struct seqio_params, size), 1,
	  1099511627776.0, "64M", "bytes to copy or stream", NULL },
	{ "fsync", TB_OPT_BOOL, offsetof(struct seqio_params, fsync), 0, 0,
	  "no", "copy: fsync the output before stopping the clock", NULL },
	{ "direct", TB_OPT_BOOL, offsetof(struct seqio_params, direct), 0, 0,
	  "no", "copy: O_DIRECT on input and output", NULL },
	{ "drop_caches", TB_OPT_BOOL,
	  offsetof(struct seqio_params, drop_caches), 0, 0, "yes",
	  "copy: drop the page cache before each run (reports caches_dropped)",
	  NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static char *out_path(struct tb_ctx *ctx)
{
	return tb_strdupf("%s/seqio.out", ctx->scratch);
}

static int drop_caches(void)
{
	int fd, rc = 0;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "3\n", 2) != 2)
		rc = -1;
	close(fd);
	return rc;
}

/* A line for the console (the workload's output goes there). */
static void note(struct tb_ctx *ctx, const char *msg)
{
	(void)ctx;
	tb_write_all(1, msg, strlen(msg));
}

static int seqio_setup(struct tb_ctx *ctx, void *params)
{
	struct seqio_params *p = params;
	char *in;

	if (p->mode != SEQIO_COPY)
		return 0;
	if (p->direct && p->size % 4096 != 0)
		return tb_fail(ctx, "direct: size must be a multiple of 4K"),
		       -1;
	if (wl_input_file(ctx, "seqio-in", WL_DATA_RANDOM, p->size, &in) < 0)
		return -1;
	free(in);
	p->caches_dropped = 0;
	if (!p->drop_caches)
		return 0;
	if (tb_dir_in_ram(ctx->scratch) != 0)
		note(ctx, "seqio: scratch is in RAM (or unknown): no page "
		     "cache to drop; this copy measures memory, not a disk\n");
	else if (drop_caches() < 0)
		note(ctx, "seqio: could not drop the page cache (not root?)\n");
	else
		p->caches_dropped = 1;
	return 0;
}

static int open_copy(struct tb_ctx *ctx, const struct seqio_params *p,
		     struct seqio_io *io)
{
	int dflag = p->direct ? O_DIRECT : 0;
	char *in = NULL, *out = out_path(ctx);
	int rc = -1;

	if (out && wl_input_file(ctx, "seqio-in", WL_DATA_RANDOM, p->size,
				 &in) == 0) {
		io->in = open(in, O_RDONLY | O_CLOEXEC | dflag);
		if (io->in < 0)
			tb_fail(ctx, "%s: %s%s", in, strerror(errno),
				p->direct ? " (O_DIRECT refused?)" : "");
		else
			io->out = open(out, O_WRONLY | O_CREAT | O_TRUNC |
				       O_CLOEXEC | dflag, 0644);
		if (io->in >= 0 && io->out < 0)
			tb_fail(ctx, "%s: %s%s", out, strerror(errno),
				p->direct ? " (O_DIRECT refused?)" : "");
		rc = io->in >= 0 && io->out >= 0 ? 0 : -1;
	} else if (!out) {
		tb_fail(ctx, "out of memory");
	}
	free(in);
	free(out);
	return rc;
}

static int pump(struct tb_ctx *ctx, const struct seqio_params *p,
		struct seqio_io *io)
{
	while (io->done < p->size) {
		int64_t left = p->size - io->done;
		size_t want = left < p->bs ? (size_t)left : (size_t)p->bs;
		ssize_t n = read(io->in, io->buf, want);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tb_fail(ctx, "read: %s", strerror(errno)), -1;
		if (n == 0)
			return tb_fail(ctx, "short input after %lld bytes",
				       (long long)io->done), -1;
		rc = tb_write_all(io->out, io->buf, (size_t)n);
		if (rc < 0)
			return tb_fail(ctx, "write: %s", strerror(-rc)), -1;
		io->done += n;
	}
	return 0;
}

static int finish(struct tb_ctx *ctx, const struct seqio_params *p,
		  struct seqio_io *io)
{
	double s;

	if (p->mode == SEQIO_COPY && p->fsync && fsync(io->out) < 0)
		return tb_fail(ctx, "fsync: %s", strerror(errno)), -1;
	if (close(io->out) < 0) {
		io->out = -1;
		return tb_fail(ctx, "close: %s", strerror(errno)), -1;
	}
	io->out = -1;
	s = wl_seconds(tb_phase_end(ctx));
	if (s <= 0)
		s = 1e-9;
	tb_report(ctx, "throughput", (double)p->size / 1e6 / s, "MB/s",
		  TB_HIGHER);
	tb_report(ctx, "seconds", s, "s", TB_LOWER);
	if (p->mode == SEQIO_COPY)
		tb_report(ctx, "caches_dropped", p->caches_dropped, "bool",
			  TB_INFO);
	return 0;
}

static int seqio_run(struct tb_ctx *ctx, void *params)
{
	struct seqio_params *p = params;
	struct seqio_io io = { -1, -1, NULL, 0 };
	int rc = -1;

	if (posix_memalign(&io.buf, 4096, (size_t)p->bs) != 0)
		return tb_fail(ctx, "out of memory for bs=%lld",
			       (long long)p->bs), -1;
	tb_phase_begin(ctx);
	if (p->mode == SEQIO_COPY) {
		rc = open_copy(ctx, p, &io);
	} else {
		io.in = open("/dev/zero", O_RDONLY | O_CLOEXEC);
		io.out = open("/dev/null", O_WRONLY | O_CLOEXEC);
		rc = io.in >= 0 && io.out >= 0 ? 0 : -1;
		if (rc < 0)
			tb_fail(ctx, "/dev/zero or /dev/null: %s",
				strerror(errno));
	}
	if (rc == 0)
		rc = pump(ctx, p, &io);
	if (rc == 0)
		rc = finish(ctx, p, &io);
	if (io.in >= 0)
		close(io.in);
	if (io.out >= 0)
		close(io.out);
	free(io.buf);
	return rc;
}

static void seqio_cleanup(struct tb_ctx *ctx, void *params)
{
	char *out = out_path(ctx);

	(void)params;
	if (out)
		unlink(out);
	free(out);
}

const struct tb_workload wl_seqio = {
	.name = "seqio",
	.headline = "throughput",
	.help = "sequential copy or /dev/zero stream, like dd (2008 study)",
	.opts = seqio_opts,
	.params_size = sizeof(struct seqio_params),
	.setup = seqio_setup,
	.run = seqio_run,
	.cleanup = seqio_cleanup,
	.tools = NULL,
};
