/* peer.c - the peer agent's client (peer.h): connect with retries, lines
 * and DATA with deadlines, the peer's measurements to the runner.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "peer.h"
#include "tb_util.h"

#define CONNECT_TRY_MS 3000	/* one attempt */
#define RETRY_MS 500		/* between attempts */
#define GREETING_MS 10000
#define BYE_MS 2000

static int64_t now_ms(void)
{
	return (int64_t)(tb_now_ns() / 1000000);
}

int peer_split(const char *addr, char *host, size_t hn, int *port, char *err,
	       size_t n)
{
	const char *colon = addr ? strchr(addr, ':') : NULL;
	size_t hl = colon ? (size_t)(colon - addr) : addr ? strlen(addr) : 0;
	struct in_addr ia;
	char *end;
	long v = TB_AGENT_PORT;

	if (!addr || hl == 0 || hl >= hn || hl >= INET_ADDRSTRLEN) {
		snprintf(err, n, "peer '%s': not HOST[:PORT]", addr ? addr :
			 "");
		return -1;
	}
	memcpy(host, addr, hl);
	host[hl] = '\0';
	if (colon) {
		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end)
			v = -1;
	}
	if (inet_pton(AF_INET, host, &ia) != 1 || v < 1 ||
	    v > 65535 - TB_AGENT_OFF_LAST) {
		snprintf(err, n, "peer '%s': not IPv4[:PORT] with a port of "
			 "1-%d", addr, 65535 - TB_AGENT_OFF_LAST);
		return -1;
	}
	*port = (int)v;
	return 0;
}

int peer_port(const struct peer *p, enum tb_agent_port_off off)
{
	return p->port + (int)off;
}

/* One non-blocking connect bounded by ms; the fd (blocking again) or
 * -errno. */
static int connect_once(const struct peer *p, int ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct pollfd pfd;
	int fd, e = 0;
	socklen_t el = sizeof(e);

	inet_pton(AF_INET, p->host, &sa.sin_addr);
	sa.sin_port = htons((uint16_t)p->port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			e = errno;
		} else {
			pfd = (struct pollfd){ fd, POLLOUT, 0 };
			if (poll(&pfd, 1, ms) <= 0)
				e = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
					    &el) < 0)
				e = errno;
		}
	}
	if (e || fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		return -(e ? e : errno);
	}
	return fd;
}

/* Wait for the fd to be readable until deadline; 0 or -ETIMEDOUT. */
static int wait_in(int fd, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		struct pollfd pfd = { fd, POLLIN, 0 };
		int rc;

		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

/* More bytes into the line buffer; 0, or -errno (-EPIPE: closed). */
static int fill(struct peer *p, int64_t deadline)
{
	ssize_t got;
	int rc = wait_in(p->fd, deadline);

	if (rc < 0)
		return rc;
	do
		got = recv(p->fd, p->rb.buf + p->rb.len,
			   tb_agent_rb_room(&p->rb), 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	if (got == 0)
		return -EPIPE;
	tb_agent_rb_filled(&p->rb, (size_t)got);
	return 0;
}

static int read_line(struct peer *p, char *line, size_t *len, int64_t deadline,
		     char *err, size_t n)
{
	for (;;) {
		int rc = tb_agent_rb_line(&p->rb, line, len);

		if (rc == 1)
			return 0;
		if (rc == TB_AGENT_OVERSIZED) {
			snprintf(err, n, "peer %s: reply line too long",
				 p->addr);
			return -1;
		}
		rc = fill(p, deadline);
		if (rc < 0) {
			snprintf(err, n, "peer %s: %s", p->addr, rc == -EPIPE ?
				 "closed the connection" : rc == -ETIMEDOUT ?
				 "no reply in time" : strerror(-rc));
			return -1;
		}
	}
}

static int send_line(struct peer *p, const char *line, char *err, size_t n)
{
	char buf[TB_AGENT_LINE_MAX + 1];
	int k = snprintf(buf, sizeof(buf), "%s\n", line);

	if (p->fd < 0) {
		snprintf(err, n, "peer %s: not connected", p->addr);
		return -1;
	}
	if (k < 0 || (size_t)k > TB_AGENT_LINE_MAX) {
		snprintf(err, n, "peer %s: request longer than a line",
			 p->addr);
		return -1;
	}
	for (const char *s = buf; k > 0;) {
		ssize_t w = send(p->fd, s, (size_t)k, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, n, "peer %s: send: %s", p->addr,
				 strerror(errno));
			return -1;
		}
		s += w;
		k -= (int)w;
	}
	return 0;
}

static int64_t reply_deadline(const struct peer *p)
{
	return now_ms() + (int64_t)(p->reply_s > 0 ? p->reply_s :
				    PEER_REPLY_S) * 1000;
}

/* Read and parse one reply line; ERR is -1 with its text. */
static int read_reply(struct peer *p, struct tb_agent_msg *m,
		      int64_t deadline, char *err, size_t n)
{
	char line[TB_AGENT_LINE_MAX], why[128];
	size_t len;

	if (read_line(p, line, &len, deadline, err, n) < 0)
		return -1;
	if (tb_agent_parse_reply(line, len, m, why, sizeof(why)) < 0) {
		snprintf(err, n, "peer %s: bad reply (%s)", p->addr, why);
		return -1;
	}
	if (!strcmp(m->verb, "ERR")) {
		snprintf(err, n, "peer %s: %s%s%s", p->addr, m->code,
			 m->text[0] ? " " : "", m->text);
		return -1;
	}
	return 0;
}

int peer_call(struct peer *p, const char *line, struct tb_agent_msg *reply,
	      char *err, size_t n)
{
	if (send_line(p, line, err, n) < 0)
		return -1;
	return read_reply(p, reply, reply_deadline(p), err, n);
}

static int read_exact(struct peer *p, char *buf, size_t len,
		      int64_t deadline, char *err, size_t n)
{
	size_t have = 0;

	while ((have += tb_agent_rb_take(&p->rb, buf + have, len - have)) <
	       len) {
		int rc = fill(p, deadline);

		if (rc < 0) {
			snprintf(err, n, "peer %s: DATA cut short (%zu of %zu "
				 "bytes): %s", p->addr, have, len,
				 rc == -EPIPE ? "closed" : strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int peer_data(struct peer *p, const char *line, char **buf, size_t *len,
	      char *err, size_t n)
{
	struct tb_agent_msg m;
	int64_t deadline = reply_deadline(p);

	*buf = NULL;
	*len = 0;
	if (peer_call(p, line, &m, err, n) < 0)
		return -1;
	if (tb_agent_data_len(&m, TB_AGENT_DATA_MAX, len) < 0) {
		snprintf(err, n, "peer %s: %s: no DATA reply", p->addr, line);
		return -1;
	}
	*buf = malloc(*len + 1);
	if (!*buf) {
		snprintf(err, n, "peer %s: DATA: out of memory", p->addr);
		return -1;
	}
	(*buf)[*len] = '\0';
	if (read_exact(p, *buf, *len, deadline, err, n) < 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return read_reply(p, &m, deadline, err, n);
}

int peer_manifest(struct peer *p, char **json, size_t *len, char *err,
		  size_t n)
{
	int rc = peer_data(p, "MANIFEST", json, len, err, n);

	if (rc < 0) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

int peer_start(struct peer *p, const char *svc, const char *args,
	       struct tb_agent_msg *ok, char *err, size_t n)
{
	char line[TB_AGENT_LINE_MAX], why[128];
	struct tb_agent_msg check;
	int k = snprintf(line, sizeof(line), "START svc=%s%s%s", svc,
			 args && *args ? " " : "", args ? args : "");

	if (k < 0 || (size_t)k >= sizeof(line) - 1 ||
	    tb_agent_parse(line, (size_t)k, &check, why, sizeof(why)) < 0) {
		snprintf(err, n, "peer %s: START %s: not a request line",
			 p->addr, svc);
		return -1;
	}
	return peer_call(p, line, ok, err, n);
}

/* Each "R" line of a STOP reply to the runner, as measured by the peer. */
static void forward(struct tb_ctx *ctx, char *text)
{
	char *line, *save = NULL;
	struct tb_report_msg m;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (tb_report_parse(line, &m) == 0 && m.kind == 'R')
			tb_report_side(ctx, TB_SIDE_PEER, m.metric, m.value,
				       m.unit, m.better);
}

int peer_stop(struct peer *p, struct tb_ctx *ctx, char *err, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = peer_data(p, "STOP", &buf, &len, err, n);

	if (buf)
		forward(ctx, buf);
	free(buf);
	return rc;
}

/* Connect until deadline; 0 or -1 with err. */
static int connect_retry(struct peer *p, int64_t deadline, char *err,
			 size_t n)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		struct timespec ts = { 0, RETRY_MS * 1000000L };
		int fd = connect_once(p, left < CONNECT_TRY_MS ?
				      (int)(left > 100 ? left : 100) :
				      CONNECT_TRY_MS);

		if (fd >= 0) {
			p->fd = fd;
			return 0;
		}
		if (now_ms() + RETRY_MS > deadline) {
			snprintf(err, n, "peer %s: no agent answered: %s",
				 p->addr, strerror(-fd));
			return -1;
		}
		nanosleep(&ts, NULL);
	}
}

static int greeting(struct peer *p, char *err, size_t n)
{
	char line[TB_AGENT_LINE_MAX];
	size_t len;
	int g;

	if (read_line(p, line, &len, now_ms() + GREETING_MS, err, n) < 0)
		return -1;
	g = tb_agent_greeting(line, len);
	if (g == 0)
		snprintf(err, n, "peer %s is busy with another client",
			 p->addr);
	else if (g < 0)
		snprintf(err, n, "peer %s: not a twinbench peer agent (v%d): "
			 "'%.60s'", p->addr, TB_AGENT_PROTO, line);
	return g == 1 ? 0 : -1;
}

static int hello(struct peer *p, const char *token, char *err, size_t n)
{
	struct tb_agent_msg m;
	char line[TB_AGENT_LINE_MAX];
	const char *v;

	tb_agent_msg_init(&m, "HELLO");
	if (token && *token && tb_agent_add(&m, "token", token) < 0) {
		snprintf(err, n, "peer %s: the token is not 1-128 printable "
			 "bytes without spaces", p->addr);
		return -1;
	}
	snprintf(line, sizeof(line), "HELLO%s%s", m.npairs ? " token=" : "",
		 m.npairs ? token : "");
	if (peer_call(p, line, &m, err, n) < 0)
		return -1;
	v = tb_agent_get(&m, "v");
	if (strcmp(m.verb, "OK") || !v || strcmp(v, "1")) {
		snprintf(err, n, "peer %s: HELLO: not protocol v1", p->addr);
		return -1;
	}
	return 0;
}

int peer_open(struct peer *p, const char *addr, const char *token,
	      int timeout_s, char *err, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->reply_s = PEER_REPLY_S;
	if (peer_split(addr, p->host, sizeof(p->host), &p->port, err, n) < 0)
		return -1;
	snprintf(p->addr, sizeof(p->addr), "%s:%d", p->host, p->port);
	if (connect_retry(p, now_ms() + (int64_t)(timeout_s > 0 ? timeout_s :
						  1) * 1000, err, n) < 0)
		return -1;
	if (greeting(p, err, n) < 0 || hello(p, token, err, n) < 0) {
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	return 0;
}

void peer_close(struct peer *p)
{
	struct tb_agent_msg m;
	char err[64];

	if (p->fd < 0)
		return;
	if (send_line(p, "BYE", err, sizeof(err)) == 0)
		read_reply(p, &m, now_ms() + BYE_MS, err, sizeof(err));
	close(p->fd);
	p->fd = -1;
}
