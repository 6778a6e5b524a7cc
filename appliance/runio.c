/* runio.c - watch one run: report lines, output lines, timeout.
 *
 * The child is a process-group leader.  Its report pipe carries tb_report
 * lines (each becomes a samples.jsonl record at once); its stdout/stderr
 * pipe is copied to the console, prefixed with the instance name.  The
 * loop wakes on pipe data, on SIGCHLD (a signalfd) and at the deadlines.
 * The exit is noticed with WNOWAIT so the group can be killed while its
 * leader's pid is still reserved, and only then reaped.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runio.h"
#include "tb_util.h"

#define KILL_GRACE_NS (5ULL * 1000000000ULL)

/* One result: to samples.jsonl, the console and the summary. */
static void take_result(struct run_io *io, const struct tb_report_msg *m)
{
	struct res_rec r = {
		.in = io->in, .rep = io->rep, .warmup = io->warmup, .m = m,
		.st = ST_OK, .t0 = io->wall0, .t1 = tb_wall_ns(),
		.derived = io->derived, .nderived = io->nderived,
	};

	res_sample(io->a, &r);
}

/* A protocol error of the workload fails the run (first reason kept). */
static void bad_report(struct run_io *io, const char *why)
{
	if (!io->have_fail && !io->have_skip)
		snprintf(io->reason, sizeof(io->reason), "%s", why);
	io->have_fail = 1;
}

static void take_derived(struct run_io *io, const struct tb_report_msg *m)
{
	size_t i;

	for (i = 0; i < io->nderived; i++)
		if (!strcmp(io->derived[i].name, m->metric))
			break;
	if (i == MAX_DERIVED)
		return bad_report(io, "too many derived parameters");
	snprintf(io->derived[i].name, sizeof(io->derived[i].name), "%s",
		 m->metric);
	io->derived[i].value = m->value;
	if (i == io->nderived)
		io->nderived++;
}

static void on_report(struct run_io *io, const char *line)
{
	struct tb_report_msg m;

	if (tb_report_parse(line, &m) < 0) {
		con_printf(&io->a->con, "%s: bad report line ignored: %s\n",
			   io->in->name, line);
		return;
	}
	switch (m.kind) {
	case 'R':
		io->nresults++;
		take_result(io, &m);
		return;
	case 'D':
		take_derived(io, &m);
		return;
	case 'P':
		if (io->have_phase)
			return bad_report(io, "timed phase reported twice");
		io->have_phase = 1;
		io->phase = m;
		return;
	}
	if (!io->have_fail && !io->have_skip)
		snprintf(io->reason, sizeof(io->reason), "%s", m.reason);
	if (m.kind == 'F')
		io->have_fail = 1;
	else
		io->have_skip = 1;
}

static void on_line(struct run_io *io, struct line_buf *lb, const char *l)
{
	if (lb == &io->rep_lb)
		on_report(io, l);
	else
		con_printf(&io->a->con, "  %s: %s\n", io->in->name, l);
}

/* Split complete lines; a full buffer without a newline is one line. */
static void split_lines(struct run_io *io, struct line_buf *lb, int eof)
{
	char *nl;

	while ((nl = memchr(lb->buf, '\n', lb->len)) ||
	       (lb->len == sizeof(lb->buf) - 1) || (eof && lb->len)) {
		size_t n = nl ? (size_t)(nl - lb->buf) : lb->len;

		lb->buf[n] = '\0';
		on_line(io, lb, lb->buf);
		if (nl)
			n++;
		memmove(lb->buf, lb->buf + n, lb->len - n);
		lb->len -= n;
	}
}

static void drain(struct run_io *io, struct line_buf *lb)
{
	while (lb->fd >= 0) {
		ssize_t r = read(lb->fd, lb->buf + lb->len,
				 sizeof(lb->buf) - 1 - lb->len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			close(lb->fd);
			lb->fd = -1;
			split_lines(io, lb, 1);
			break;
		}
		lb->len += (size_t)r;
		split_lines(io, lb, 0);
	}
}

static int child_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid == pid;
}

static void poll_once(struct run_io *io, uint64_t wake_ns)
{
	struct pollfd pf[3] = {
		{ io->sig_fd, POLLIN, 0 },
		{ io->rep_lb.fd, POLLIN, 0 },
		{ io->out_lb.fd, POLLIN, 0 },
	};
	uint64_t now = tb_now_ns();
	int ms = wake_ns > now ? (int)((wake_ns - now) / 1000000) + 1 : 0;
	struct signalfd_siginfo ssi;

	if (ms > 1000)
		ms = 1000;
	if (poll(pf, 3, ms) <= 0)
		return;
	while (read(io->sig_fd, &ssi, sizeof(ssi)) == sizeof(ssi))
		;
	drain(io, &io->rep_lb);
	drain(io, &io->out_lb);
}

int runio_wait(struct run_io *io, pid_t pid, int timeout_s, int *status)
{
	uint64_t deadline = tb_now_ns() + (uint64_t)timeout_s * 1000000000ULL;
	uint64_t kill_at = 0;
	int term = 0;

	while (!child_exited(pid)) {
		uint64_t now = tb_now_ns();

		if (!term && now >= deadline) {
			kill(-pid, SIGTERM);
			term = 1;
			kill_at = now + KILL_GRACE_NS;
		} else if (term == 1 && now >= kill_at) {
			kill(-pid, SIGKILL);
			term = 2;
		}
		poll_once(io, term == 0 ? deadline : term == 1 ? kill_at :
			  now + 1000000000ULL);
	}
	kill(-pid, SIGKILL);
	drain(io, &io->rep_lb);
	drain(io, &io->out_lb);
	*status = 0;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return term != 0;
}

static void resource_sample(struct run_io *io, const char *metric,
			    double value, const char *unit)
{
	struct tb_report_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = 'R';
	snprintf(m.metric, sizeof(m.metric), "%s", metric);
	snprintf(m.unit, sizeof(m.unit), "%s", unit);
	m.value = value;
	m.better = TB_LOWER;
	take_result(io, &m);
}

/* The timed phase's own figures (phase.c), not the process's lifetime:
 * setup and cleanup are not in them. */
void runio_resources(struct run_io *io)
{
	if (io->phase.rss_kib >= 0)
		resource_sample(io, "peak_rss",
				(double)io->phase.rss_kib / 1024.0, "MiB");
	resource_sample(io, "cpu_time", io->phase.value, "s");
}
