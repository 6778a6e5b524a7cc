/* peer_vm.c - the peer of `twinbench run --peer` for cmd_run: what both
 * sides need before the boot, and the peer VM itself.
 *
 * The peer VM runs beside the machine under test: machine pc, RUN_CPUS
 * CPUs, --peer-memory (default RUN_MEMORY_MIB), the run's accelerator,
 * virtio-net on the link, its scratch disk on virtio-blk, its kernel
 * booted directly (peer_src.c).  Its serial console goes to its own log
 * only, named after the client's (X.log: X.peer.log; in --out DIR, after
 * the boot, DIR/<run-id>.peer.serial.log); its QEMU's stderr to a file in
 * the run's work directory.
 *
 * A keeper process starts its QEMU (in a process group of its own, so a
 * ^C on the terminal stops only the client) and watches it.  If QEMU ends
 * first, the keeper says so on the terminal at once, with QEMU's first
 * words; the client goes on and its network runs fail on their own
 * bounded waits.  The keeper stops QEMU (SIGTERM, then SIGKILL after a
 * grace) when the read end of its pipe sees EOF: twinbench closed it after
 * the client's QEMU ended, or twinbench is gone.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"
#include "tb_util.h"

#define KEEP_TICK_MS	100
#define KEEP_GRACE_MS	3000	/* SIGTERM to SIGKILL */
#define KEEP_KILL_MS	5000	/* SIGKILL to giving up */
enum { KEEP_STOPPED, KEEP_EARLY, KEEP_LOST };

static double now_s(void)
{
	return (double)tb_now_ns() / 1e9;
}

/* Wait up to ms for pid; 1 when it was reaped (*st set), 0 if not. */
static int reap_within(pid_t pid, int ms, int *st)
{
	struct timespec tick = { 0, KEEP_TICK_MS * 1000000L };
	double end = now_s() + ms / 1000.0;
	pid_t w;

	for (;;) {
		w = waitpid(pid, st, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			return 1;
		if (now_s() >= end)
			return 0;
		nanosleep(&tick, NULL);
	}
}

/* In the keeper's child: the peer's QEMU.  Never returns. */
static void peer_exec(char **argv, const char *errlog, pid_t keeper)
{
	int in = open("/dev/null", O_RDWR);
	int er = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != keeper)
		_exit(127);
	if (in < 0 || dup2(in, 0) < 0 || dup2(in, 1) < 0 ||
	    (er >= 0 && dup2(er, 2) < 0))
		_exit(127);
	execvp(argv[0], argv);
	warn("peer: %s", argv[0]);	/* into errlog */
	_exit(127);
}

/* QEMU's first line on stderr, or "". */
static char *first_words(const char *errlog)
{
	char *text = NULL;

	if (tb_read_file(errlog, &text, NULL))
		return strdup("");
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static void say_early(int st, const char *errlog, double secs)
{
	char *why = first_words(errlog);
	char *how = WIFSIGNALED(st) ?
		    tb_strdupf("killed by signal %d", WTERMSIG(st)) :
		    tb_strdupf("exit status %d", WEXITSTATUS(st));

	warnx("peer: the peer VM ended after %.1f s, before the machine under "
	      "test (QEMU %s%s%s); its network runs will fail", secs,
	      how ? how : "ended", why && *why ? ": " : "", why ? why : "");
	free(how);
	free(why);
}

/* The keeper: watch QEMU until EOF on stop_rd, then stop it. */
static int keep(pid_t qemu, int stop_rd, const char *errlog, double t0)
{
	struct pollfd pf = { .fd = stop_rd, .events = POLLIN };
	int st, n;

	for (;;) {
		if (waitpid(qemu, &st, WNOHANG) == qemu) {
			say_early(st, errlog, now_s() - t0);
			return KEEP_EARLY;
		}
		n = poll(&pf, 1, KEEP_TICK_MS);
		if (n > 0 || (n < 0 && errno != EINTR))
			break;
	}
	kill(qemu, SIGTERM);
	if (reap_within(qemu, KEEP_GRACE_MS, &st))
		return KEEP_STOPPED;
	kill(qemu, SIGKILL);
	return reap_within(qemu, KEEP_KILL_MS, &st) ? KEEP_STOPPED : KEEP_LOST;
}

static void keeper(char **argv, int stop_rd, const char *errlog, double t0)
{
	pid_t self = getpid(), qemu;

	signal(SIGINT, SIG_IGN);	/* ^C stops the client; we stop ours */
	signal(SIGQUIT, SIG_IGN);
	qemu = fork();
	if (qemu == 0)
		peer_exec(argv, errlog, self);
	if (qemu < 0) {
		warn("peer: fork");
		_exit(KEEP_EARLY);
	}
	_exit(keep(qemu, stop_rd, errlog, t0));
}

/* The log's name is taken now: never an old file (--serial-log's is
 * overwritten, as that one is). */
static int reserve_log(const struct run_opts *o, const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_CLOEXEC |
		      (o->serial_log ? O_TRUNC : O_EXCL), 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Fork the keeper of argv; 0 or -errno. */
static int launch(struct run_peer *p, char **argv)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	p->t0 = now_s();
	pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		keeper(argv, pfd[0], p->errlog, p->t0);
	}
	close(pfd[0]);
	if (pid < 0) {
		close(pfd[1]);
		return -errno;
	}
	p->keeper = pid;
	p->stop_fd = pfd[1];
	p->started = 1;
	return 0;
}

static void peer_cfg(const struct run_peer *p, const struct run_opts *o,
		     enum accel accel, struct qemu_cfg *q)
{
	memset(q, 0, sizeof(*q));
	q->qemu = qemu_binary();
	q->accel = accel;
	q->memory_mib = o->peer_memory_mib ? o->peer_memory_mib :
			RUN_MEMORY_MIB;
	q->cpus = RUN_CPUS;
	q->serial_log = p->log;
	q->hw.machine = VM_PC;
	q->hw.bus = BUS_VIRTIO_BLK;
	q->hw.nics[0] = NIC_VIRTIO;
	q->hw.nnics = 1;
	q->hw.fw = FW_BIOS;
	q->hw.boot = BOOT_KERNEL;
	q->disk = p->src.scratch;
	q->kernel = p->src.kernel;
	q->initrd = p->src.initrd;
	q->mac0 = PEER_MAC;
}

int run_peer_start(struct run_peer *p, const struct run_opts *o,
		   enum accel accel)
{
	struct qemu_cfg q;
	char *params, *append, *netdev, **argv;
	int e;

	if (p->addr.kind != PEER_IMAGE)
		return 0;
	peer_cfg(p, o, accel, &q);
	params = peer_server_params(o);
	append = params ? peer_join(p->src.append, params) : NULL;
	netdev = peer_link_netdev(&p->link, 1);
	q.append = append;
	q.netdev0 = netdev;
	argv = append && netdev ? qemu_argv(&q) : NULL;
	e = argv ? reserve_log(o, p->log) : -ENOMEM;
	if (!e) {
		warnx("peer: booting %s (console: %s)", o->peer, p->log);
		e = launch(p, argv);
		if (e)
			unlink(p->log);
	}
	if (e)
		warnx("peer: %s: %s", e == -ENOMEM ? "QEMU command line" :
		      p->log, strerror(-e));
	qemu_argv_free(argv);
	free(netdev);
	free(append);
	free(params);
	return e ? -1 : 0;
}

void run_peer_stop(struct run_peer *p)
{
	int st = 0;
	pid_t w;

	if (!p->started || p->stop_fd < 0)
		return;
	close(p->stop_fd);
	p->stop_fd = -1;
	do
		w = waitpid(p->keeper, &st, 0);
	while (w < 0 && errno == EINTR);
	p->keeper = 0;
	if (w < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == KEEP_LOST)
		warnx("peer: its QEMU could not be stopped (left behind)");
	else if (WEXITSTATUS(st) == KEEP_STOPPED)
		warnx("peer: stopped after %.1f s", now_s() - p->t0);
}
