/* test_peer.c - the peer agent's client (workloads/peer.c) against a
 * scripted fake agent on 127.0.0.1: greeting, HELLO, DATA, ERR, the
 * measurements forwarded to the report pipe, retries and refusals. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "peer.h"
#include "tap.h"

/* One step of the fake agent: the line it expects (NULL: none, just
 * send), then the bytes it answers. */
struct step {
	const char *expect, *reply;
};

static int listen_any(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4) < 0 || getsockname(fd, (struct sockaddr *)&sa,
					     &sl) < 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

static void fake_agent(int lfd, const struct step *st)
{
	int fd = accept(lfd, NULL, NULL);
	FILE *in = fd >= 0 ? fdopen(dup(fd), "r") : NULL;
	char line[1024];

	for (; in && st->reply; st++) {
		if (st->expect) {
			if (!fgets(line, sizeof(line), in))
				_exit(1);
			line[strcspn(line, "\n")] = '\0';
			if (strcmp(line, st->expect)) {
				dprintf(fd, "ERR test-mismatch %s\n", line);
				_exit(1);
			}
		}
		if (write(fd, st->reply, strlen(st->reply)) < 0)
			_exit(1);
	}
	while (in && fgets(line, sizeof(line), in))
		;
	_exit(0);
}

/* Serve script st on a fresh port; the child's pid, *addr "HOST:PORT". */
static pid_t serve(const struct step *st, char *addr, size_t n)
{
	int port, lfd = listen_any(&port);
	pid_t pid;

	if (lfd < 0)
		return -1;
	snprintf(addr, n, "127.0.0.1:%d", port);
	pid = fork();
	if (pid == 0)
		fake_agent(lfd, st);
	close(lfd);
	return pid;
}

static int reap(pid_t pid)
{
	int st = 0;

	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_split(struct tap *t)
{
	char host[16], err[128];
	int port = 0;

	tap_ok(t, peer_split("10.0.0.2", host, sizeof(host), &port, err,
			     sizeof(err)) == 0 && !strcmp(host, "10.0.0.2") &&
	       port == TB_AGENT_PORT, "HOST: default port");
	tap_ok(t, peer_split("10.0.0.2:8000", host, sizeof(host), &port,
			     err, sizeof(err)) == 0 && port == 8000,
	       "HOST:PORT");
	tap_ok(t, peer_split("peer.example:1", host, sizeof(host), &port, err,
			     sizeof(err)) < 0 &&
	       peer_split("10.0.0.2:65532", host, sizeof(host), &port, err,
			  sizeof(err)) < 0 &&
	       peer_split("10.0.0.2:", host, sizeof(host), &port, err,
			  sizeof(err)) < 0 &&
	       peer_split(":7777", host, sizeof(host), &port, err,
			  sizeof(err)) < 0 && strstr(err, "HOST[:PORT]"),
	       "not IPv4, port too high for the services, empty parts");
}

static const struct step session[] = {
	{ NULL, "TWINBENCH-PEER 1 ready\n" },
	{ "HELLO token=s3cret", "OK v=1\n" },
	{ "MANIFEST", "DATA len=13\n{\"schema\":1}\nOK\n" },
	{ "START svc=iperf3", "OK port=7780\n" },
	{ "START svc=rsync-out kind=tree seed=2a bytes=10 files=2",
	  "ERR no-space need=9 have=1 on /s\n" },
	{ "STOP", "DATA len=72\nR\tpeer_seconds\t1.5\ts\tinfo\tpeer\n"
	  "R\tpeer_throughput\t940\tMbit/s\thigher\tpeer\nOK\n" },
	{ "STOP", "DATA len=35\nR\tpeer_tree_match\t0\tbool\tinfo\tpeer\n"
	  "ERR tree-mismatch expected=a got=b\n" },
	{ "BYE", "OK\n" },
	{ NULL, NULL },
};

static void read_pipe(int fd, char *buf, size_t n)
{
	ssize_t got = read(fd, buf, n - 1);

	buf[got > 0 ? got : 0] = '\0';
}

static void test_session(struct tap *t)
{
	struct peer p;
	struct tb_agent_msg ok;
	struct tb_ctx ctx = { .report_fd = -1 };
	char addr[32], err[256], *json = NULL, got[512];
	size_t len = 0;
	int pfd[2];
	pid_t pid;

	if (pipe(pfd) < 0)
		return;
	pid = serve(session, addr, sizeof(addr));
	ctx.report_fd = pfd[1];
	tap_ok(t, peer_open(&p, addr, "s3cret", 5, err, sizeof(err)) == 0,
	       "open: greeting and HELLO");
	p.reply_s = 5;		/* a broken test must not hang */
	tap_ok(t, peer_port(&p, TB_AGENT_OFF_IPERF3) == p.port + 3 &&
	       !strcmp(p.host, "127.0.0.1"), "host and service ports");
	tap_ok(t, peer_manifest(&p, &json, &len, err, sizeof(err)) == 0 &&
	       len == 13 && !strcmp(json, "{\"schema\":1}\n"), "MANIFEST");
	free(json);
	tap_ok(t, peer_start(&p, "iperf3", NULL, &ok, err, sizeof(err)) == 0
	       && !strcmp(tb_agent_get(&ok, "port"), "7780"), "START");
	tap_ok(t, peer_start(&p, "rsync-out", "kind=tree seed=2a bytes=10 "
			     "files=2", &ok, err, sizeof(err)) < 0 &&
	       strstr(err, ": no-space need=9 have=1 on /s"),
	       "an ERR reply: -1 with the agent's code and text");
	tap_ok(t, peer_stop(&p, &ctx, err, sizeof(err)) == 0, "STOP");
	read_pipe(pfd[0], got, sizeof(got));
	tap_str(t, got, "R\tpeer_seconds\t1.5\ts\tinfo\tpeer\n"
		"R\tpeer_throughput\t940\tMbit/s\thigher\tpeer\n",
		"STOP's lines go to the report pipe, side peer");
	tap_ok(t, peer_stop(&p, &ctx, err, sizeof(err)) < 0 &&
	       strstr(err, "tree-mismatch expected=a got=b"),
	       "ERR after DATA: -1");
	read_pipe(pfd[0], got, sizeof(got));
	tap_str(t, got, "R\tpeer_tree_match\t0\tbool\tinfo\tpeer\n",
		"... and the lines before it still forwarded");
	peer_close(&p);
	peer_close(&p);
	tap_ok(t, p.fd == -1 && reap(pid) == 0, "BYE, closed twice safely, "
	       "the fake agent saw every line it expected");
	close(pfd[0]);
	close(pfd[1]);
}

static const struct step busy[] = {
	{ NULL, "TWINBENCH-PEER 1 busy\n" },
	{ NULL, NULL },
};

static const struct step alien[] = {
	{ NULL, "SSH-2.0-OpenSSH_9.2\r\n" },
	{ NULL, NULL },
};

static const struct step bad_token[] = {
	{ NULL, "TWINBENCH-PEER 1 ready\n" },
	{ "HELLO", "ERR token token required\n" },
	{ NULL, NULL },
};

static void test_refusals(struct tap *t)
{
	struct peer p;
	char addr[32], err[256];
	pid_t pid;
	int port, lfd;

	pid = serve(busy, addr, sizeof(addr));
	tap_ok(t, peer_open(&p, addr, NULL, 5, err, sizeof(err)) < 0 &&
	       strstr(err, "is busy with another client") && reap(pid) == 0,
	       "busy");
	pid = serve(alien, addr, sizeof(addr));
	tap_ok(t, peer_open(&p, addr, NULL, 5, err, sizeof(err)) < 0 &&
	       strstr(err, "not a twinbench peer agent"), "not an agent");
	reap(pid);
	pid = serve(bad_token, addr, sizeof(addr));
	tap_ok(t, peer_open(&p, addr, NULL, 5, err, sizeof(err)) < 0 &&
	       strstr(err, "token token required") && p.fd == -1,
	       "HELLO refused");
	reap(pid);
	tap_ok(t, peer_open(&p, "127.0.0.1:1", "a b", 1, err, sizeof(err)) < 0,
	       "nothing listens");
	lfd = listen_any(&port);
	close(lfd);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	tap_ok(t, peer_open(&p, addr, NULL, 1, err, sizeof(err)) < 0 &&
	       strstr(err, "no agent answered: Connection refused"),
	       "retries until the timeout, then says why");
}

int main(void)
{
	struct tap t = { 0, 0 };

	signal(SIGPIPE, SIG_IGN);
	test_split(&t);
	test_session(&t);
	test_refusals(&t);
	return tap_done(&t);
}
