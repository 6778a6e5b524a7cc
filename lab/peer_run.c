/* peer_run.c - `twinbench run --peer` before and after the boot: the
 * client's side of the network and its kernel parameters, what the peer
 * VM boots, and where the peer's serial log ends up (peer.h).
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"
#include "tb_util.h"

/* The running twinbench, for the forwarding rules (malloc'ed). */
static char *self_exe(void)
{
	size_t cap = 256;
	char *buf = NULL, *nb;
	ssize_t n;

	for (;;) {
		nb = realloc(buf, cap);
		if (!nb) {
			free(buf);
			return NULL;
		}
		buf = nb;
		n = readlink("/proc/self/exe", buf, cap);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			return buf;
		}
		cap *= 2;
	}
}

/* X.log: X.peer.log; else FILE.peer.log. */
static char *peer_log_name(const char *client)
{
	size_t n = strlen(client);

	if (n > 4 && !strcmp(client + n - 4, ".log"))
		return tb_strdupf("%.*s.peer.log", (int)(n - 4), client);
	return tb_strdupf("%s.peer.log", client);
}

static int prepare_agent(struct run_peer *p)
{
	char *exe = p->addr.loopback ? self_exe() : NULL;

	if (p->addr.loopback && !exe) {
		warn("/proc/self/exe");
		return -1;
	}
	p->user0 = peer_agent_user(&p->addr, exe ? exe : "");
	if (!p->user0)
		warnx("%s: cannot be named in QEMU's guestfwd rules (a quote "
		      "in the path?)", exe ? exe : "twinbench");
	else if (p->addr.loopback)
		warnx("peer: the agent at %s:%u, as %s:%u..%u in the machine "
		      "under test (restricted user-mode network)", p->addr.host,
		      p->addr.port, PEER_FWD_ADDR, p->addr.port,
		      p->addr.port + PEER_NPORTS - 1);
	else
		warnx("peer: the agent at %s:%u, through QEMU's user-mode "
		      "network", p->addr.host, p->addr.port);
	free(exe);
	return p->user0 ? 0 : -1;
}

static int prepare_vm(struct run_peer *p, const struct run_opts *o,
		      const char *work, const char *client_log)
{
	int e = peer_link_ports(&p->link);

	if (e) {
		warnx("peer: no free UDP port on 127.0.0.1: %s", strerror(-e));
		return -1;
	}
	p->netdev0 = peer_link_netdev(&p->link, 0);
	p->log = peer_log_name(client_log);
	p->errlog = fs_join(work, "peer-qemu.err");
	if (!p->netdev0 || !p->log || !p->errlog) {
		warnx("out of memory");
		return -1;
	}
	e = peer_src_prepare(o->peer, o->profile, work, &p->src);
	if (e == -EINVAL)
		warnx("--peer %s: %s", o->peer, p->src.failed);
	else if (e)
		warnx("--peer %s: %s%s%s", o->peer, p->src.failed ?
		      p->src.failed : "", p->src.failed ? ": " : "",
		      strerror(-e));
	return e ? -1 : 0;
}

int run_peer_prepare(struct run_peer *p, const struct run_opts *o,
		     const char *work, const char *client_log)
{
	const char *why;

	memset(p, 0, sizeof(*p));
	p->stop_fd = -1;
	if (!o->peer)
		return 0;
	if (peer_parse(o->peer, &p->addr, &why)) {
		warnx("--peer %s: %s", o->peer, why);
		return -1;
	}
	p->client_params = peer_client_params(o, &p->addr);
	if (!p->client_params) {
		warnx("out of memory");
		return -1;
	}
	if (p->addr.kind == PEER_AGENT)
		return prepare_agent(p);
	return prepare_vm(p, o, work, client_log);
}

void run_peer_logs(struct run_peer *p, const char *dir, const char *id)
{
	char *dest;

	if (!p->started)
		return;
	dest = dir && id ? tb_strdupf("%s/%s.peer.serial.log", dir, id) :
	       NULL;
	if (dest && link(p->log, dest) == 0) {
		unlink(p->log);
		free(p->log);
		p->log = dest;
		dest = NULL;
	} else if (dest) {
		warnx("%s: %s; the peer's log stays in %s", dest,
		      strerror(errno), p->log);
	}
	free(dest);
	warnx("the peer's serial console: %s", p->log);
}

void run_peer_free(struct run_peer *p)
{
	run_peer_stop(p);
	peer_src_free(&p->src);
	free(p->client_params);
	free(p->netdev0);
	free(p->user0);
	free(p->log);
	free(p->errlog);
	memset(p, 0, sizeof(*p));
	p->stop_fd = -1;
}
