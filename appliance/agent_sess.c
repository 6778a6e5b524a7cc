/* agent_sess.c - one client session of the peer agent (a forked child).
 *
 * Greets, then reads lines (framing and parsing in lib/agent_*.c) and
 * answers each request in order.  The client is closed after BYE, a bad
 * token, an oversized line, AGENT_IDLE_S without a whole line
 * (AGENT_SERVICE_IDLE_S while a service runs) or when it goes away; in
 * every case the running service is stopped and reaped before the session
 * ends.  SIGTERM (the listener ending) does the same.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "agent_priv.h"
#include "tb_util.h"

struct sess {
	const struct agent_cfg *cfg;
	int fd, sfd;
	const char *who;
	int hello, closing, gone;
	uint64_t last_ns;		/* the last whole line */
	struct tb_agent_rb rb;
	struct agent_svc svc;
};

void agent_fail(struct agent_reply *r, const char *code, const char *fmt,
		...)
{
	va_list ap;

	snprintf(r->code, sizeof(r->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

static void send_all(struct sess *s, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0 && !s->gone) {
		ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->gone = 1;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void send_err(struct sess *s, const char *code, const char *text)
{
	char line[TB_AGENT_LINE_MAX + 1];
	int n = tb_agent_format_err(line, sizeof(line), code, text);

	if (n > 0)
		send_all(s, line, (size_t)n);
	agent_log(s->cfg, "client %s: ERR %s %s", s->who, code, text);
}

static void send_msg(struct sess *s, const struct tb_agent_msg *m)
{
	char line[TB_AGENT_LINE_MAX + 1];
	int n = tb_agent_format(m, line, sizeof(line));

	if (n < 0)
		send_err(s, "internal", "reply does not fit a line");
	else
		send_all(s, line, (size_t)n);
}

static void send_reply(struct sess *s, const struct agent_reply *r)
{
	if (r->code[0])
		send_err(s, r->code, r->text);
	else
		send_msg(s, &r->ok);
}

/* DATA len=N, the bytes, then the final reply. */
static void send_data(struct sess *s, const char *buf, size_t len,
		      const struct agent_reply *r)
{
	struct tb_agent_msg m;

	tb_agent_msg_init(&m, "DATA");
	tb_agent_add_u64(&m, "len", len);
	send_msg(s, &m);
	send_all(s, buf, len);
	send_reply(s, r);
}

static void ok_reply(struct agent_reply *r)
{
	memset(r, 0, sizeof(*r));
	tb_agent_msg_init(&r->ok, "OK");
}

static const char *const hello_keys[] = { "token", NULL };
static const char *const no_keys[] = { NULL };
static const char *const start_keys[] = { "svc", "kind", "seed", "bytes",
					  "files", NULL };

static void req_hello(struct sess *s, const struct tb_agent_msg *m)
{
	const char *want = s->cfg->token, *got = tb_agent_get(m, "token");
	struct agent_reply r;

	if (want && *want && (!got || !tb_agent_token_eq(want, got))) {
		send_err(s, "token", got ? "wrong token" : "token required");
		s->closing = 1;
		return;
	}
	s->hello = 1;
	ok_reply(&r);
	tb_agent_add_u64(&r.ok, "v", TB_AGENT_PROTO);
	send_reply(s, &r);
}

static void req_manifest(struct sess *s, const struct tb_agent_msg *m)
{
	struct agent_reply r;
	char *json = info_manifest(s->cfg);

	(void)m;
	if (!json) {
		send_err(s, "internal", "manifest: out of memory");
		return;
	}
	ok_reply(&r);
	send_data(s, json, strlen(json), &r);
	free(json);
}

static void req_start(struct sess *s, const struct tb_agent_msg *m)
{
	struct agent_reply r;

	ok_reply(&r);
	if (s->svc.pid > 0) {
		send_err(s, "already-running", s->svc.name);
		return;
	}
	if (svc_start(s->cfg, &s->svc, m, s->who, &r) == 0)
		agent_log(s->cfg, "client %s: START %s (pid %d)", s->who,
			  s->svc.name, (int)s->svc.pid);
	send_reply(s, &r);
}

static void req_stop(struct sess *s, const struct tb_agent_msg *m)
{
	struct agent_reply r;
	char lines[2048];
	size_t len = 0;

	(void)m;
	if (s->svc.pid <= 0) {
		send_err(s, "not-running", "no service was started");
		return;
	}
	ok_reply(&r);
	lines[0] = '\0';
	agent_log(s->cfg, "client %s: STOP %s", s->who, s->svc.name);
	svc_stop(s->cfg, &s->svc, lines, sizeof(lines), &len, &r);
	send_data(s, lines, len, &r);
}

static void req_bye(struct sess *s, const struct tb_agent_msg *m)
{
	struct agent_reply r;

	(void)m;
	ok_reply(&r);
	send_reply(s, &r);
	s->closing = 1;
}

static const struct {
	const char *verb;
	const char *const *keys;
	void (*fn)(struct sess *s, const struct tb_agent_msg *m);
} reqs[] = {
	{ "HELLO", hello_keys, req_hello },
	{ "MANIFEST", no_keys, req_manifest },
	{ "START", start_keys, req_start },
	{ "STOP", no_keys, req_stop },
	{ "BYE", no_keys, req_bye },
};

static void on_line(struct sess *s, const char *line, size_t len)
{
	struct tb_agent_msg m;
	char why[128];
	const char *bad;
	size_t i;
	int rc = tb_agent_parse(line, len, &m, why, sizeof(why));

	if (rc == TB_AGENT_DUPLICATE || rc == TB_AGENT_MALFORMED) {
		send_err(s, rc == TB_AGENT_DUPLICATE ? "duplicate-key" :
			 "malformed", why);
		return;
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (!strcmp(reqs[i].verb, m.verb))
			break;
	if (i == sizeof(reqs) / sizeof(reqs[0])) {
		send_err(s, "unknown-request", m.verb);
		return;
	}
	if (!s->hello && strcmp(m.verb, "HELLO")) {
		send_err(s, "hello-first", "send HELLO first");
		return;
	}
	bad = tb_agent_unknown_key(&m, reqs[i].keys);
	if (bad) {
		send_err(s, "unknown-key", bad);
		return;
	}
	reqs[i].fn(s, &m);
}

/* Every whole line in the buffer; 0, or -1 when the session must end. */
static int take_lines(struct sess *s)
{
	char line[TB_AGENT_LINE_MAX];
	size_t len;
	int rc;

	while (!s->closing && !s->gone &&
	       (rc = tb_agent_rb_line(&s->rb, line, &len)) != 0) {
		if (rc == TB_AGENT_OVERSIZED) {
			send_err(s, "oversized", "a line is at most 512 "
				 "bytes with its LF");
			return -1;
		}
		s->last_ns = tb_now_ns();
		on_line(s, line, len);
	}
	return s->closing || s->gone ? -1 : 0;
}

static int on_readable(struct sess *s)
{
	ssize_t n = recv(s->fd, s->rb.buf + s->rb.len, tb_agent_rb_room(&s->rb),
			 0);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		agent_log(s->cfg, "client %s: %s%s", s->who,
			  n < 0 ? "connection error: " : "disconnected",
			  n < 0 ? strerror(errno) : s->rb.len ? " mid-line" :
			  "");
		s->gone = 1;
		return -1;
	}
	tb_agent_rb_filled(&s->rb, (size_t)n);
	return take_lines(s);
}

/* 0 to go on, -1 on SIGTERM. */
static int on_signal(struct sess *s)
{
	struct signalfd_siginfo si;
	int quit = 0;

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			quit = 1;
	svc_poll(&s->svc);
	return quit ? -1 : 0;
}

/* ms until the idle limit, or -1 when it has passed. */
static int idle_left(const struct sess *s)
{
	uint64_t lim = (uint64_t)(s->svc.pid > 0 ? AGENT_SERVICE_IDLE_S :
				  s->cfg->idle_s) * 1000000000ull;
	uint64_t used = tb_now_ns() - s->last_ns;

	if (used >= lim)
		return -1;
	return (int)((lim - used) / 1000000 + 1);
}

static void sess_loop(struct sess *s)
{
	for (;;) {
		struct pollfd p[2] = { { s->fd, POLLIN, 0 },
				       { s->sfd, POLLIN, 0 } };
		int left = idle_left(s), rc;

		if (left < 0) {
			agent_log(s->cfg, "client %s: idle for %d s: closed",
				  s->who, s->svc.pid > 0 ?
				  AGENT_SERVICE_IDLE_S : s->cfg->idle_s);
			return;
		}
		rc = poll(p, 2, left);
		if (rc < 0 && errno != EINTR)
			return;
		if (rc <= 0)
			continue;
		if (p[1].revents && on_signal(s) < 0)
			return;
		if (p[0].revents && on_readable(s) < 0)
			return;
	}
}

/* Keepalive finds a client whose machine vanished while its service
 * runs; the send timeout bounds a client that does not read. */
static void tune_socket(int fd)
{
	struct timeval tv = { 30, 0 };
	int one = 1, idle = 30, intvl = 10, cnt = 3;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int sess_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Close so that the last reply arrives: a close with unread input sends
 * a reset, which may discard it (an oversized line leaves input behind).
 * Send FIN, then read and drop what comes for up to a second. */
static void linger_close(int fd)
{
	uint64_t end = tb_now_ns() + 1000000000ull;
	char junk[4096];

	shutdown(fd, SHUT_WR);
	while (tb_now_ns() < end) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
		if (p.revents &&
		    recv(fd, junk, sizeof(junk), MSG_DONTWAIT) <= 0)
			break;
	}
	close(fd);
}

void agent_session(const struct agent_cfg *cfg, int fd, const char *who)
{
	static const char ready[] = "TWINBENCH-PEER 1 ready\n";
	struct sess s = { .cfg = cfg, .fd = fd, .who = who };
	char lines[2048];
	size_t len = 0;
	struct agent_reply r;

	s.sfd = sess_signals();
	if (s.sfd < 0) {
		agent_log(cfg, "client %s: signalfd: %s", who,
			  strerror(errno));
		close(fd);
		return;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	tune_socket(fd);
	agent_log(cfg, "client %s connected", who);
	s.last_ns = tb_now_ns();
	send_all(&s, ready, sizeof(ready) - 1);
	if (!s.gone)
		sess_loop(&s);
	if (s.svc.pid > 0) {
		agent_log(cfg, "client %s: stopping %s", who, s.svc.name);
		svc_stop(cfg, &s.svc, lines, sizeof(lines), &len, &r);
	}
	linger_close(fd);
	close(s.sfd);
	agent_log(cfg, "client %s: session ended", who);
}
