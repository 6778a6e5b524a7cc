/* child.c - the forked side of one run.
 *
 * A fresh process group (so a timeout can reach everything it starts),
 * default signal dispositions, stdin from /dev/null, stdout and stderr into
 * the runner's output pipe; then setup, run and cleanup of the workload.
 * Exit 0 when run succeeded, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "appliance.h"

static void child_stdio(int out_fd)
{
	int n = open("/dev/null", O_RDONLY);

	if (n >= 0 && n != 0) {
		dup2(n, 0);
		close(n);
	}
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	if (out_fd > 2)
		close(out_fd);
}

static void child_signals(void)
{
	sigset_t none;
	int s;

	for (s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void child_main(const struct child_spec *cs)
{
	const struct tb_workload *wl = cs->in->wl;
	struct tb_ctx ctx;
	int rc = 0;

	setpgid(0, 0);
	child_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	child_stdio(cs->out_fd);
	memset(&ctx, 0, sizeof(ctx));
	ctx.scratch = cs->scratch;
	ctx.bindir = cs->bindir;
	ctx.seed = cs->seed;
	ctx.rep = cs->rep;
	ctx.report_fd = cs->report_fd;
	ctx.instance = cs->in->name;
	ctx.peer = cs->peer;
	ctx.token = cs->token;
	ctx.net_error = cs->net_error;
	if (chdir(cs->scratch) < 0) {
		tb_fail(&ctx, "%s: %s", cs->scratch, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && wl->setup)
		rc = wl->setup(&ctx, cs->in->params);
	if (rc == 0)
		rc = wl->run(&ctx, cs->in->params);
	if (wl->cleanup)
		wl->cleanup(&ctx, cs->in->params);
	if (rc < -1)
		tb_fail(&ctx, "%s", strerror(-rc));
	_exit(rc == 0 ? 0 : 1);
}
