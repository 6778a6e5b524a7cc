/* agent_proc.c - the peer agent's service processes: fork and exec with
 * clean signals and files, readiness (the port listens), termination of
 * the whole process group, and the CPU time of what was reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "agent_priv.h"
#include "tb_util.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

double proc_children_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Is a TCP socket on port in LISTEN state (IPv4 or IPv6)?  1, 0, or -1
 * when /proc/net/tcp cannot be read. */
int proc_listening(int port)
{
	static const char *const files[] = { "/proc/net/tcp",
					     "/proc/net/tcp6" };
	int found = 0, readable = 0;
	size_t f;

	for (f = 0; f < 2 && !found; f++) {
		char *text = NULL, *line, *save = NULL;
		size_t len;

		if (tb_read_file(files[f], &text, &len) < 0)
			continue;
		readable = 1;
		for (line = strtok_r(text, "\n", &save); line && !found;
		     line = strtok_r(NULL, "\n", &save)) {
			unsigned lport, st;
			char addr[64];

			if (sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %*s %x",
				   addr, &lport, &st) == 3 &&
			    (int)lport == port && st == 0x0A)
				found = 1;
		}
		free(text);
	}
	return found ? 1 : readable ? 0 : -1;
}

/* The last line of scratch/run/svc.err, for error replies. */
static void last_err_line(const struct agent_cfg *cfg, char *out, size_t n)
{
	char *path = svc_path(cfg, "svc.err"), *text = NULL, *end, *start;
	size_t len;

	out[0] = '\0';
	if (!path || tb_read_file(path, &text, &len) < 0) {
		free(path);
		return;
	}
	end = text + len;
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	*end = '\0';
	start = strrchr(text, '\n');
	snprintf(out, n, "%s", start ? start + 1 : text);
	free(text);
	free(path);
}

/* The forked child: own group, plain signals, files, exec. */
static void __attribute__((noreturn))
exec_service(const struct agent_cfg *cfg, char *const *argv)
{
	char *out = svc_path(cfg, "svc.out"), *err = svc_path(cfg, "svc.err");
	char *run = svc_path(cfg, NULL);
	sigset_t none;
	int fd;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (!out || !err || !run || chdir(run) < 0)
		_exit(126);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		dup2(fd, 1);
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		dup2(fd, 2);
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	execv(argv[0], argv);
	dprintf(2, "%s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void describe_status(int st, char *out, size_t n)
{
	if (WIFEXITED(st))
		snprintf(out, n, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(out, n, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(out, n, "ended");
}

/* Wait until the service listens on port; 0, or -1 with r set (and the
 * service reaped or still to be stopped by the caller). */
int proc_wait_ready(const struct agent_cfg *cfg, struct agent_svc *s,
		      int port, struct agent_reply *r)
{
	uint64_t end = tb_now_ns() + AGENT_READY_S * 1000000000ull;
	char why[64], line[256];
	int st, l;

	for (;;) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			describe_status(st, why, sizeof(why));
			last_err_line(cfg, line, sizeof(line));
			agent_fail(r, "failed", "%s %s%s%s", s->name, why,
				   line[0] ? ": " : "", line);
			return -1;
		}
		l = proc_listening(port);
		if (l != 0) {
			if (l < 0)	/* no /proc/net/tcp: give it time */
				sleep_ms(300);
			return 0;
		}
		if (tb_now_ns() > end) {
			agent_fail(r, "failed", "%s does not listen on port "
				   "%d after %d s", s->name, port,
				   AGENT_READY_S);
			return -1;
		}
		sleep_ms(20);
	}
}

int proc_spawn(const struct agent_cfg *cfg, struct agent_svc *s,
		 char *const *argv, struct agent_reply *r)
{
	pid_t pid;

	s->cpu0_s = proc_children_cpu();
	s->net_ok = info_net_bytes(&s->rx0, &s->tx0) == 0;
	s->t0_ns = tb_now_ns();
	s->exited = 0;
	pid = fork();
	if (pid < 0) {
		agent_fail(r, "failed", "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		exec_service(cfg, argv);
	setpgid(pid, pid);
	s->pid = pid;
	return 0;
}

void svc_poll(struct agent_svc *s)
{
	int st;

	if (s->pid > 0 && !s->exited && waitpid(s->pid, &st, WNOHANG) ==
	    s->pid) {
		s->exited = 1;
		s->status = st;
	}
}

/* SIGTERM to the group, SIGKILL after the grace; reap it and whatever of
 * the group came to us (we are a subreaper). */
void proc_terminate(struct agent_svc *s)
{
	uint64_t end = tb_now_ns() + AGENT_STOP_GRACE_S * 1000000000ull;
	int st, i;

	svc_poll(s);
	if (s->pid > 0 && !s->exited) {
		kill(-s->pid, SIGTERM);
		kill(s->pid, SIGTERM);
		while (!s->exited && tb_now_ns() < end) {
			sleep_ms(20);
			svc_poll(s);
		}
		if (!s->exited) {
			kill(-s->pid, SIGKILL);
			if (waitpid(s->pid, &st, 0) == s->pid)
				s->status = st;
			s->exited = 1;
		}
	}
	if (s->pid > 0)
		kill(-s->pid, SIGKILL);
	for (i = 0; i < 100 && waitpid(-1, &st, WNOHANG) >= 0; i++)
		sleep_ms(10);
}
