/* agent.c - `twinbench serve`: the peer agent's listener.
 *
 * One process listens; each accepted client gets a forked session
 * (agent_sess.c).  While a session lives, the listener keeps accepting and
 * answers every newcomer `TWINBENCH-PEER 1 busy` at once, so that a long
 * service run never hides behind a silent queue.  Signals come through a
 * signalfd: SIGCHLD reaps the session, SIGTERM/SIGINT end the agent (the
 * session stops its service first).
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "agent_priv.h"
#include "appliance.h"
#include "tb_util.h"

void agent_cfg_init(struct agent_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = TB_AGENT_PORT;
	cfg->listen = "0.0.0.0";
	cfg->bindir = "/usr/bin";
	cfg->idle_s = AGENT_IDLE_S;
	cfg->log_fd = 2;
}

void agent_log(const struct agent_cfg *cfg, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (cfg->con)
		con_printf(cfg->con, "twinbench serve: %s\n", text);
	else
		dprintf(cfg->log_fd, "twinbench serve: %s\n", text);
	free(text);
}

static int listen_on(const struct agent_cfg *cfg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1;

	if (cfg->port < 1 || cfg->port > 65535 - TB_AGENT_OFF_LAST ||
	    inet_pton(AF_INET, cfg->listen, &sa.sin_addr) != 1)
		return -EINVAL;
	sa.sin_port = htons((uint16_t)cfg->port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* SIGCHLD, SIGTERM, SIGINT, SIGHUP blocked and read from a signalfd. */
static int signals_fd(sigset_t *old)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

struct listener {
	const struct agent_cfg *cfg;
	int lfd, sfd;
	pid_t sess;		/* the live session, or 0 */
	int served, quit;
};

static void refuse(struct listener *l, int fd, const char *who)
{
	static const char busy[] = "TWINBENCH-PEER 1 busy\n";

	if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		agent_log(l->cfg, "client %s: busy reply: %s", who,
			  strerror(errno));
	agent_log(l->cfg, "client %s refused: busy with another client",
		  who);
	close(fd);
}

static void start_session(struct listener *l, int fd, const char *who)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0) {
		agent_log(l->cfg, "client %s: fork: %s", who, strerror(errno));
		close(fd);
		return;
	}
	if (pid == 0) {
		close(l->lfd);
		close(l->sfd);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		agent_session(l->cfg, fd, who);
		_exit(0);
	}
	close(fd);
	l->sess = pid;
}

static void on_accept(struct listener *l)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char who[INET_ADDRSTRLEN + 8];
	int fd = accept4(l->lfd, (struct sockaddr *)&sa, &sl, SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			agent_log(l->cfg, "accept: %s", strerror(errno));
		return;
	}
	if (!inet_ntop(AF_INET, &sa.sin_addr, who, sizeof(who)))
		snprintf(who, sizeof(who), "?");
	if (l->sess > 0 || (l->cfg->once && l->served))
		refuse(l, fd, who);
	else
		start_session(l, fd, who);
}

static void on_signal(struct listener *l)
{
	struct signalfd_siginfo si;
	int st;

	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD) {
			agent_log(l->cfg, "signal %u: stopping",
				  si.ssi_signo);
			l->quit = 1;
		}
	while (l->sess > 0 && waitpid(l->sess, &st, WNOHANG) == l->sess) {
		l->sess = 0;
		l->served++;
	}
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

/* End the live session: SIGTERM, then SIGKILL after the stop grace and a
 * little more (the session stops its service in that time). */
static void end_session(struct listener *l)
{
	uint64_t end = tb_now_ns() +
		(uint64_t)(AGENT_STOP_GRACE_S + 3) * 1000000000ull;
	struct timespec ts = { 0, 20000000 };
	int st;

	if (l->sess <= 0)
		return;
	kill(l->sess, SIGTERM);
	while (waitpid(l->sess, &st, WNOHANG) == 0) {
		if (tb_now_ns() > end) {
			kill(l->sess, SIGKILL);
			waitpid(l->sess, &st, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	l->sess = 0;
}

int agent_serve(const struct agent_cfg *cfg)
{
	struct listener l = { .cfg = cfg };
	sigset_t old;	/* left blocked: the caller is about to exit */

	if (!cfg->listen || !cfg->bindir || !cfg->scratch ||
	    cfg->scratch[0] != '/' || cfg->idle_s < 1)
		return -EINVAL;
	l.lfd = listen_on(cfg);
	if (l.lfd < 0)
		return l.lfd;
	l.sfd = signals_fd(&old);
	if (l.sfd < 0) {
		close(l.lfd);
		return l.sfd < -1 ? l.sfd : -errno;
	}
	agent_log(cfg, "listening on %s:%d (services on ports %d-%d), "
		  "token %s, scratch %s", cfg->listen, cfg->port,
		  cfg->port + 1, cfg->port + TB_AGENT_OFF_LAST,
		  cfg->token && *cfg->token ? "required" : "none",
		  cfg->scratch);
	while (!l.quit && !(cfg->once && l.served)) {
		struct pollfd p[2] = { { l.lfd, POLLIN, 0 },
				       { l.sfd, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			on_signal(&l);
		if (!l.quit && (p[0].revents & POLLIN))
			on_accept(&l);
	}
	end_session(&l);
	close(l.lfd);
	close(l.sfd);
	return 0;
}

static const char serve_usage[] =
	"usage: twinbench serve [--port P] [--listen ADDR] [--token T]\n"
	"                       [--scratch DIR] [--bindir DIR] [--idle S] "
	"[--once]\n"
	"The peer agent for network workloads (docs/peer-protocol.md):\n"
	"  --port P       agent port (7777); services use P+1..P+4\n"
	"  --listen ADDR  IPv4 address to listen on (0.0.0.0)\n"
	"  --token T      clients must send HELLO token=T (default: the\n"
	"                 environment's TWINBENCH_TOKEN, else none)\n"
	"  --scratch DIR  data sets and service files (a fresh directory\n"
	"                 under $TMPDIR, removed at the end)\n"
	"  --bindir DIR   netserver, iperf3, rsync (the build's tools\n"
	"                 directory beside the binary, else /usr/bin)\n"
	"  --idle S       close a client silent for S seconds (60)\n"
	"  --once         exit after the first client session\n";

static const struct option serve_opts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "listen", required_argument, NULL, 'l' },
	{ "token", required_argument, NULL, 't' },
	{ "scratch", required_argument, NULL, 's' },
	{ "bindir", required_argument, NULL, 'b' },
	{ "idle", required_argument, NULL, 'i' },
	{ "once", no_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

static int int_arg(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int serve_opts_parse(int argc, char **argv, struct agent_cfg *c)
{
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", serve_opts, NULL)) != -1) {
		int bad = 0;

		switch (o) {
		case 'p': bad = int_arg(optarg, 1, 65535 - TB_AGENT_OFF_LAST,
					&c->port); break;
		case 'l': c->listen = optarg; break;
		case 't': c->token = optarg; break;
		case 's': c->scratch = optarg; break;
		case 'b': c->bindir = optarg; break;
		case 'i': bad = int_arg(optarg, 1, 86400, &c->idle_s); break;
		case 'o': c->once = 1; break;
		default: bad = 1;
		}
		if (bad)
			return -1;
	}
	return optind == argc ? 0 : -1;
}

/* The build's tools directory (.../build/tools beside
 * .../build/appliance/twinbench) when there is one, else /usr/bin. */
static char *default_bindir(void)
{
	char *exe = realpath("/proc/self/exe", NULL), *slash, *dir;
	struct stat st;

	slash = exe ? strrchr(exe, '/') : NULL;
	if (!slash) {
		free(exe);
		return strdup("/usr/bin");
	}
	*slash = '\0';
	dir = tb_strdupf("%s/../tools", exe);
	free(exe);
	if (dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *abs = realpath(dir, NULL);

		free(dir);
		return abs;
	}
	free(dir);
	return strdup("/usr/bin");
}

/* A token must be a protocol value: 1-128 bytes 0x21-0x7e. */
static int token_ok(const char *t)
{
	struct tb_agent_msg m;

	tb_agent_msg_init(&m, "HELLO");
	return !t || !*t || tb_agent_add(&m, "token", t) == 0;
}

/* scratch: the given directory (made, absolute) or a fresh one. */
static char *serve_scratch(const char *want, int *made)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	*made = 0;
	if (want) {
		if (tb_mkdir_p(want, 0755) < 0)
			return NULL;
		return realpath(want, NULL);
	}
	dir = tb_strdupf("%s/twinbench-serve-XXXXXX", tmp && *tmp ? tmp :
			 "/tmp");
	if (dir && !mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	*made = dir != NULL;
	return dir;
}

int agent_main(int argc, char **argv)
{
	struct agent_cfg cfg;
	char *bindir = NULL, *scratch;
	int made, rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		fputs(serve_usage, stdout);
		return 0;
	}
	agent_cfg_init(&cfg);
	cfg.bindir = NULL;
	cfg.token = getenv("TWINBENCH_TOKEN");
	if (serve_opts_parse(argc, argv, &cfg) < 0 || !token_ok(cfg.token)) {
		fputs(serve_usage, stderr);
		return 2;
	}
	bindir = cfg.bindir ? realpath(cfg.bindir, NULL) : default_bindir();
	if (!bindir) {
		warn("%s", cfg.bindir);
		return 1;
	}
	cfg.bindir = bindir;
	scratch = serve_scratch(cfg.scratch, &made);
	if (!scratch) {
		warn("%s", cfg.scratch ? cfg.scratch : "scratch directory");
		free(bindir);
		return 1;
	}
	cfg.scratch = scratch;
	rc = agent_serve(&cfg);
	if (rc < 0)
		warnx("serve on %s:%d: %s", cfg.listen, cfg.port,
		      strerror(-rc));
	if (made)
		fs_rm_rf(scratch);
	free(scratch);
	free(bindir);
	return rc < 0 ? 1 : 0;
}
