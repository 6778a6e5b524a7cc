/* runner.c - run every instance x repetition of a parsed profile.
 *
 * One forked child per run (child.c), watched by runio.c.  Console:
 *   [3/12 compress 2/4] ...                       when a run starts
 *   [3/12 compress 2/4] 41.2 s ok                 when it ends
 *   [3/12 compress 2/4] 1.0 s timeout: exceeded the timeout of 1 s
 * The first `discard` repetitions are marked warm-up.  A run that does not
 * end ok adds one record without metric to samples.jsonl.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runio.h"
#include "tb_util.h"

uint64_t runner_seed(uint64_t profile_seed, const char *instance)
{
	struct tb_rng r;

	tb_rng_seed(&r, profile_seed ^ tb_hash_str(instance));
	return tb_rng_next(&r);
}

static enum run_status judge(struct run_io *io, int timed_out, int st,
			     int timeout_s, char *reason, size_t n)
{
	snprintf(reason, n, "%s", io->reason);
	if (timed_out) {
		snprintf(reason, n, "exceeded the timeout of %d s", timeout_s);
		return ST_TIMEOUT;
	}
	if (io->have_skip && !io->have_fail && !WIFSIGNALED(st))
		return ST_SKIPPED;
	if (io->have_fail)
		return ST_FAILED;
	if (WIFSIGNALED(st))
		snprintf(reason, n, "killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		snprintf(reason, n, "exit status %d", WEXITSTATUS(st));
	else if (io->nresults == 0)
		snprintf(reason, n, "no result");
	else if (!io->have_phase)
		snprintf(reason, n, "the workload did not mark its timed "
			 "phase (tb_phase_begin/tb_phase_end)");
	else
		return ST_OK;
	return ST_FAILED;
}

static pid_t spawn(struct run_io *io, const char *scratch, uint64_t seed)
{
	int rp[2], op[2];
	struct child_spec cs;
	pid_t pid;

	if (pipe2(rp, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(op, O_CLOEXEC) < 0) {
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		cs = (struct child_spec){ io->in, scratch, io->a->bindir, seed,
					  io->rep, rp[1], op[1], io->a->peer,
					  io->a->token, io->a->net_error };
		close(rp[0]);
		close(op[0]);
		child_main(&cs);
	}
	close(rp[1]);
	close(op[1]);
	if (pid < 0) {
		close(rp[0]);
		close(op[0]);
		return -1;
	}
	setpgid(pid, pid);
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
	fcntl(op[0], F_SETFL, O_NONBLOCK);
	io->rep_lb.fd = rp[0];
	io->out_lb.fd = op[0];
	return pid;
}

/* A run that did not end ok gets its outcome record: the rule of
 * tb_summary.h then leaves out the values it reported before. */
static void finish_run(struct run_io *io, struct run_rec *rr)
{
	struct tb_report_msg m;
	struct res_rec r = {
		.in = io->in, .rep = io->rep, .warmup = io->warmup, .m = &m,
		.st = rr->status, .t0 = io->wall0, .t1 = tb_wall_ns(),
		.derived = io->derived, .nderived = io->nderived,
	};

	if (rr->status == ST_OK)
		return;
	memset(&m, 0, sizeof(m));
	m.kind = rr->status == ST_SKIPPED ? 'S' : 'F';
	snprintf(m.reason, sizeof(m.reason), "%s", rr->reason);
	res_sample(io->a, &r);
}

static void run_one(struct app *a, struct run_io *io, const char *scratch,
		    struct run_rec *rr, const char *tag)
{
	uint64_t t0 = tb_now_ns();
	int st = 0, to = 0;
	pid_t pid;

	con_printf(&a->con, "%s ...\n", tag);
	io->wall0 = tb_wall_ns();
	pid = spawn(io, scratch, runner_seed(a->prof.seed, io->in->name));
	if (pid < 0) {
		rr->status = ST_FAILED;
		snprintf(rr->reason, sizeof(rr->reason), "fork: %s",
			 strerror(errno));
	} else {
		to = runio_wait(io, pid, io->in->timeout, &st);
		rr->status = judge(io, to, st, io->in->timeout, rr->reason,
				   sizeof(rr->reason));
		if (rr->status == ST_OK)
			runio_resources(io);
	}
	rr->seconds = (double)(tb_now_ns() - t0) / 1e9;
	con_printf(&a->con, "%s %.1f s %s%s%s%s\n", tag, rr->seconds,
		   status_name(rr->status), rr->status == ST_OK ? "" : ": ",
		   rr->status == ST_OK ? "" : rr->reason,
		   io->warmup ? " (warm-up)" : "");
	finish_run(io, rr);
	while (waitpid(-1, &st, WNOHANG) > 0)
		;	/* orphans of the run, reparented to us */
}

static char *inst_scratch(const struct app *a, const char *name)
{
	return tb_strdupf("%s/%s%s", a->scratch, name[0] == '.' ? "_" : "",
			  name);
}

static void init_io(struct run_io *io, struct app *a, size_t ii, int rep,
		    int sig_fd)
{
	memset(io, 0, sizeof(*io));
	io->a = a;
	io->in = &a->prof.inst[ii];
	io->rep = rep;
	io->warmup = rep < io->in->discard;
	io->sig_fd = sig_fd;
	io->rep_lb.fd = io->out_lb.fd = -1;
}

/* The instance's scratch directory could not be made: every run fails. */
static void fail_run(struct app *a, struct run_io *io, struct run_rec *rr,
		     const char *tag, const char *why)
{
	rr->status = ST_FAILED;
	snprintf(rr->reason, sizeof(rr->reason), "%s", why);
	io->wall0 = tb_wall_ns();
	con_printf(&a->con, "%s 0.0 s failed: %s\n", tag, why);
	finish_run(io, rr);
}

static void run_instance(struct app *a, size_t ii, size_t *idx, size_t total,
			 int sig_fd)
{
	const struct tb_instance *in = &a->prof.inst[ii];
	char *dir = inst_scratch(a, in->name), tag[160], why[TB_REASON] = "";
	int rep, rc = dir ? tb_mkdir_p(dir, 0755) : -ENOMEM;

	if (rc < 0)
		snprintf(why, sizeof(why), "scratch %s: %s",
			 dir ? dir : "", strerror(-rc));
	for (rep = 0; rep < in->repeat; rep++) {
		struct run_io io;
		struct run_rec *rr = &a->runs[a->nruns++];

		init_io(&io, a, ii, rep, sig_fd);
		rr->inst = ii;
		rr->rep = rep;
		++*idx;
		snprintf(tag, sizeof(tag), "[%zu/%zu %s %d/%d]", *idx, total,
			 in->name, rep + 1, in->repeat);
		if (why[0])
			fail_run(a, &io, rr, tag, why);
		else
			run_one(a, &io, dir, rr, tag);
	}
	if (dir && !a->keep_scratch && fs_rm_rf(dir) < 0)
		con_printf(&a->con, "twinbench: %s: cannot remove\n", dir);
	free(dir);
}

int runner_run(struct app *a)
{
	size_t i, total = 0, idx = 0;
	sigset_t set, old;
	int sig_fd;

	for (i = 0; i < a->prof.ninst; i++)
		total += (size_t)a->prof.inst[i].repeat;
	a->runs = calloc(total ? total : 1, sizeof(*a->runs));
	if (!a->runs)
		return -ENOMEM;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -errno;
	}
	for (i = 0; i < a->prof.ninst; i++)
		run_instance(a, i, &idx, total, sig_fd);
	close(sig_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}
