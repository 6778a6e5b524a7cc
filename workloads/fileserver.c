/* fileserver.c - the 2008 study's `dbench -t 300 -D /var/tmp 100`.
 *
 * N dbench clients replay a NetBench file-server trace (create, write,
 * read, stat, rename, unlink, find, lock, flush) on the scratch filesystem
 * for T seconds.  Setup unpacks the shipped load file
 * (<bindir>/../share/dbench/<loadfile>.xz, see fileserver_load.c) into the
 * scratch directory, once per instance.  Run executes the pinned static
 * `<bindir>/dbench -t T -c <loadfile> -D . N` in the scratch directory with
 * its output on a pipe, shows the non-progress lines on the console and
 * reports dbench's own figures: throughput (MB/s, 10^6 bytes of reads and
 * writes per second), ops (operations of the timed phase divided by the
 * length of that phase as dbench ran it, fs_out_phase(): not T, which it
 * overruns by its tick drift) and max_latency (ms); the operation count
 * and the phase's length as information.  dbench 4.0 warms up for T/5 s
 * (integer) before its timed phase and has no option to change that.  The
 * run's timed phase (cpu_time, peak_rss) is dbench's whole run, warm-up
 * and its own cleanup included: dbench gives no hook at its phase
 * boundaries.  dbench's processes stay in the run's process group, so the
 * runner's timeout reaches them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fileserver.h"
#include "workloads.h"

struct fileserver_params {
	int64_t clients, time;
	int loadfile;
};

static const struct tb_opt fileserver_opts[] = {
	{ "clients", TB_OPT_INT, offsetof(struct fileserver_params, clients),
	  1, 1000, "4", "dbench clients (one process each) replaying the "
	  "load at the same time (the 2008 study: 100)", NULL },
	{ "time", TB_OPT_INT, offsetof(struct fileserver_params, time), 2,
	  86400, "10", "seconds of the timed phase (dbench -t; the study: "
	  "300); dbench warms up for time/5 s before it", NULL },
	{ "loadfile", TB_OPT_ENUM,
	  offsetof(struct fileserver_params, loadfile), 0, 0, "client.txt",
	  "client.txt: dbench's default NBENCH load (a NetBench client "
	  "trace)", fs_load_names },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const char *const fileserver_tools[] = {
	"dbench", "../share/dbench/client.txt.xz", NULL,
};

#define FS_GRACE_NS (5ULL * 1000000000ULL)
/* The most one client's tree takes while it works through client.txt */
#define FS_CLIENT_MB 24

/* Run argv with stdin from /dev/null and stdout and stderr on fd out.
 * Returns the pid, or -1. */
static pid_t spawn(char *const argv[], int out)
{
	pid_t pid = fork();
	int n;

	if (pid != 0)
		return pid;
	n = open("/dev/null", O_RDWR);
	if (n < 0 || dup2(n, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

static int need_file(struct tb_ctx *ctx, const char *path, int mode)
{
	if (access(path, mode) == 0)
		return 0;
	tb_fail(ctx, "%s: %s", path,
		errno == ENOENT ? "not found" : strerror(errno));
	return -1;
}

/* A full scratch disk fails the run when dbench meets it, minutes later:
 * say so on the console beforehand when it may happen. */
static void space_warning(const struct fileserver_params *p)
{
	struct statvfs sv;
	double free_mb, need_mb = (double)p->clients * FS_CLIENT_MB;
	char *msg;

	if (statvfs(".", &sv) < 0)
		return;
	free_mb = (double)sv.f_bavail * (double)sv.f_frsize / 1e6;
	if (free_mb >= need_mb)
		return;
	msg = tb_strdupf("fileserver: warning: %lld clients can take up to "
			 "%.0f MB of scratch space, %.0f MB are free\n",
			 (long long)p->clients, need_mb, free_mb);
	if (msg)
		tb_write_all(1, msg, strlen(msg));
	free(msg);
}

static int fileserver_setup(struct tb_ctx *ctx, void *params)
{
	struct fileserver_params *p = params;
	const char *name = fs_load_names[p->loadfile];
	char *db = tb_strdupf("%s/dbench", ctx->bindir);
	char *xz = tb_strdupf("%s/../share/dbench/%s.xz", ctx->bindir, name);
	struct stat st;
	int rc = -1;

	if (!db || !xz)
		tb_fail(ctx, "out of memory");
	else if (need_file(ctx, db, X_OK) == 0 &&
		 need_file(ctx, xz, R_OK) == 0) {
		/* earlier repetitions of this instance left it here */
		if (ctx->rep > 0 && stat(name, &st) == 0 && st.st_size > 0)
			rc = 0;
		else
			rc = fs_load_unpack(ctx, p->loadfile, xz);
	}
	if (rc == 0)
		space_warning(p);
	free(db);
	free(xz);
	return rc;
}

/* What one run reads from dbench's pipe. */
struct fs_pipe {
	int fd;
	size_t len;
	char buf[FS_LINE];
	struct fs_out out;
};

static void take_line(struct fs_pipe *fp, const char *line)
{
	char *echo;

	if (!fs_out_line(&fp->out, line, tb_now_ns()))
		return;
	echo = tb_strdupf("%s\n", line);
	if (echo)
		tb_write_all(1, echo, strlen(echo));
	free(echo);
}

/* Split what is buffered into lines; an over-long line is cut. */
static void split(struct fs_pipe *fp, int eof)
{
	char *nl;

	while ((nl = memchr(fp->buf, '\n', fp->len)) ||
	       fp->len == sizeof(fp->buf) - 1 || (eof && fp->len)) {
		size_t n = nl ? (size_t)(nl - fp->buf) : fp->len;

		fp->buf[n] = '\0';
		take_line(fp, fp->buf);
		n += nl ? 1 : 0;
		memmove(fp->buf, fp->buf + n, fp->len - n);
		fp->len -= n;
	}
}

/* Read what is there: 1 more may come, 0 end of file, -errno. */
static int drain(struct fs_pipe *fp)
{
	ssize_t r = read(fp->fd, fp->buf + fp->len,
			 sizeof(fp->buf) - 1 - fp->len);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	fp->len += (size_t)r;
	split(fp, r == 0);
	return r > 0;
}

/* Read the pipe until every writer closed it, reaping dbench as soon as
 * it exits: its clients stop at their next operation once their parent
 * is gone, not while it is an unreaped zombie.  Gives up on stragglers
 * FS_GRACE_NS after dbench's exit (the runner kills the group later). */
static int follow(struct tb_ctx *ctx, struct fs_pipe *fp, pid_t pid,
		  int *st)
{
	struct rusage ru;
	uint64_t give_up = 0;
	int reaped = 0, rc = 1;

	while (rc > 0) {
		struct pollfd pf = { fp->fd, POLLIN, 0 };
		pid_t w;

		if (poll(&pf, 1, 200) > 0)
			rc = drain(fp);
		if (reaped) {
			if (tb_now_ns() > give_up)
				break;
			continue;
		}
		w = wait4(pid, st, WNOHANG, &ru);
		if (w == pid) {
			tb_phase_child_rss(ctx, ru.ru_maxrss);
			reaped = 1;
			give_up = tb_now_ns() + FS_GRACE_NS;
		} else if (w < 0 && errno != EINTR) {
			return -errno;
		}
	}
	if (rc < 0)
		return rc;
	return reaped ? 0 : tb_wait_child(ctx, pid, st);
}

static void fail_exit(struct tb_ctx *ctx, const struct fs_out *o, int st)
{
	char how[64];
	const char *err = o->first_error;

	if (WIFSIGNALED(st))
		snprintf(how, sizeof(how), "killed by signal %d",
			 WTERMSIG(st));
	else if (WEXITSTATUS(st) == 127)
		snprintf(how, sizeof(how), "cannot execute");
	else
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(st));
	if (err[0] && strcmp(err, o->last) != 0)
		tb_fail(ctx, "dbench: %s: %s (first error: %s)", how, o->last,
			err);
	else
		tb_fail(ctx, "dbench: %s%s%s", how, o->last[0] ? ": " : "",
			o->last);
}

static int judge(struct tb_ctx *ctx, const struct fileserver_params *p,
		 const struct fs_out *o, int st)
{
	char why[160];
	double phase;

	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fail_exit(ctx, o, st);
		return -1;
	}
	if (fs_out_check(o, (long)p->clients, why, sizeof(why)) < 0) {
		tb_fail(ctx, "dbench: cannot read its output: %s; last line: "
			"%s", why, o->last[0] ? o->last : "(none)");
		return -1;
	}
	if ((phase = fs_out_phase(o, why, sizeof(why))) <= 0) {
		tb_fail(ctx, "dbench: %s", why);
		return -1;
	}
	if (why[0]) {
		char *msg = tb_strdupf("fileserver: dbench: %s\n", why);

		if (msg)
			tb_write_all(1, msg, strlen(msg));
		free(msg);
	}
	tb_report(ctx, "throughput", o->mbps, "MB/s", TB_HIGHER);
	tb_report(ctx, "ops", (double)o->ops / phase, "op/s", TB_HIGHER);
	tb_report(ctx, "max_latency", o->max_latency_ms, "ms", TB_LOWER);
	tb_report(ctx, "operations", (double)o->ops, "ops", TB_INFO);
	tb_report(ctx, "phase_seconds", phase, "s", TB_INFO);
	return 0;
}

static int fileserver_run(struct tb_ctx *ctx, void *params)
{
	struct fileserver_params *p = params;
	char *db = tb_strdupf("%s/dbench", ctx->bindir);
	char *t = tb_strdupf("%lld", (long long)p->time);
	char *n = tb_strdupf("%lld", (long long)p->clients);
	struct fs_pipe *fp = calloc(1, sizeof(*fp));
	int pfd[2] = { -1, -1 }, st = 0, rc = -1;
	pid_t pid;

	if (!db || !t || !n || !fp) {
		tb_fail(ctx, "out of memory");
		goto out;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		tb_fail(ctx, "pipe: %s", strerror(errno));
		goto out;
	}
	tb_phase_begin(ctx);
	pid = spawn((char *[]){ db, "-t", t, "-c",
				(char *)fs_load_names[p->loadfile], "-D", ".",
				n, NULL }, pfd[1]);
	close(pfd[1]);
	fs_out_init(&fp->out);
	fp->fd = pfd[0];
	if (pid < 0)
		tb_fail(ctx, "fork: %s", strerror(errno));
	else if ((rc = follow(ctx, fp, pid, &st)) < 0)
		tb_fail(ctx, "dbench: %s", strerror(-rc));
	tb_phase_end(ctx);
	if (pid >= 0 && rc == 0)
		rc = judge(ctx, p, &fp->out, st);
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	free(db);
	free(t);
	free(n);
	free(fp);
	return rc;
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* What a failed or killed dbench may leave: its clients' trees.  The
 * unpacked load file stays for the next repetition. */
static void fileserver_cleanup(struct tb_ctx *ctx, void *params)
{
	(void)ctx;
	(void)params;
	nftw("clients", rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const struct tb_workload wl_fileserver = {
	.name = "fileserver",
	.headline = "throughput",
	.help = "dbench: N clients replay a file-server load on scratch "
		"(2008 study)",
	.opts = fileserver_opts,
	.params_size = sizeof(struct fileserver_params),
	.setup = fileserver_setup,
	.run = fileserver_run,
	.cleanup = fileserver_cleanup,
	.tools = fileserver_tools,
};
