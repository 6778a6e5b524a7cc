/* proc.c - run a child process to completion, with an optional deadline.
 *
 * The parent ignores SIGINT and SIGQUIT while it waits (as system() does),
 * so a ^C on the terminal stops the child (QEMU) and twinbench goes on to
 * read back what the guest left.  A child past its deadline gets SIGTERM,
 * then SIGKILL; one that survives even that (stuck in the kernel, as a
 * hanging KVM guest can be) is left behind rather than waited for.  A
 * child gets SIGTERM when twinbench dies, so no QEMU outlives it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

#define PROC_TICK_MS	20
#define PROC_GRACE_MS	3000
#define PROC_KILL_MS	5000

static void proc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void child_fail(int pipefd, int e)
{
	ssize_t unused = write(pipefd, &e, sizeof(e));

	(void)unused;
	_exit(127);
}

/* In the child: redirections, environment, exec.  Never returns. */
static void child_exec(const char *const argv[], const struct proc_opt *o,
		       int pipefd, pid_t parent)
{
	int fd;

	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(127);
	if (o->null_stdin) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0)
			child_fail(pipefd, errno);
	}
	if (o->out_fd > 0 && dup2(o->out_fd, 1) < 0)
		child_fail(pipefd, errno);
	if (o->err_fd > 0 && dup2(o->err_fd, 2) < 0)
		child_fail(pipefd, errno);
	for (const char *const *e = o->env; e && *e; e++)
		if (putenv((char *)*e))
			child_fail(pipefd, errno);
	execvp(argv[0], (char *const *)argv);
	child_fail(pipefd, errno);
}

/* Wait up to ms for pid; 1 when it was reaped (status set), 0 if not. */
static int wait_for(pid_t pid, int ms, int *status)
{
	uint64_t end = tb_now_ns() + (uint64_t)ms * 1000000u;
	pid_t w;

	for (;;) {
		w = waitpid(pid, status, ms < 0 ? 0 : WNOHANG);
		if (w == pid)
			return 1;
		if (w < 0 && errno != EINTR)
			return 1;	/* nothing left to wait for */
		if (ms >= 0 && tb_now_ns() >= end)
			return 0;
		if (w == 0)
			proc_sleep_ms(PROC_TICK_MS);
	}
}

static void wait_child(pid_t pid, const struct proc_opt *o,
		       struct proc_res *r)
{
	int st = 0;

	if (!wait_for(pid, o->timeout_ms > 0 ? o->timeout_ms : -1, &st)) {
		r->timed_out = 1;
		kill(pid, SIGTERM);
		if (!wait_for(pid, PROC_GRACE_MS, &st)) {
			kill(pid, SIGKILL);
			if (!wait_for(pid, PROC_KILL_MS, &st)) {
				r->lost = 1;
				r->status = 128 + SIGKILL;
				return;
			}
		}
	}
	if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->status = 128 + WTERMSIG(st);
	else
		r->status = 255;
}

/* The child's exec errno through a close-on-exec pipe: 0 if it ran. */
static int exec_error(int fd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

int proc_run(const char *const argv[], const struct proc_opt *o,
	     struct proc_res *r)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	uint64_t t0 = tb_now_ns();
	pid_t pid, self = getpid();
	int pfd[2], e;

	memset(r, 0, sizeof(*r));
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid == 0)
		child_exec(argv, o, pfd[1], self);
	e = pid < 0 ? errno : 0;
	close(pfd[1]);
	if (pid > 0) {
		e = exec_error(pfd[0]);
		wait_child(pid, o, r);
	}
	close(pfd[0]);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	r->seconds = (double)(tb_now_ns() - t0) / 1e9;
	return e ? -e : 0;
}

char *proc_slurp_fd(int fd)
{
	size_t len = 0, cap = 256;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf || lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 2) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}
