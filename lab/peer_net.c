/* peer_net.c - the QEMU networks of `twinbench run --peer`.
 *
 * The link between the two VMs is QEMU's -netdev dgram (7.2 and later):
 * each side sends its Ethernet frames as UDP datagrams from its own port
 * on 127.0.0.1 to the other's, so the client's local port is the peer's
 * remote port and the other way round.  Nothing else is on that network:
 * no host address, no route out, no root needed.  Both ports are picked
 * free by the kernel (bind to port 0) just before QEMU binds them.
 *
 * An agent on the build host (a loopback ADDR) is reached through the
 * client's user-mode network with restrict=on (no other way out) and one
 * guestfwd rule per port, 10.0.2.100:P+i -> ADDR:P+i.  The rules run a
 * command per connection (cmd:twinbench relay ADDR PORT): the other form,
 * a tcp: chardev, is one connection that QEMU opens when it starts and
 * that every guest connection to the port shares, which the agent's
 * protocols (a control and a data connection, one session per run) cannot
 * work with.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"
#include "tb_util.h"

/* A UDP socket bound to a free port of 127.0.0.1 (kept open). */
static int free_port(int *fd, unsigned *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	if (bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(*fd, (struct sockaddr *)&sa, &len))
		return -errno;
	*port = ntohs(sa.sin_port);
	return 0;
}

int peer_link_ports(struct peer_link *l)
{
	int a = -1, b = -1, e;

	/* both open at once, so that they differ */
	e = free_port(&a, &l->client_port);
	if (!e)
		e = free_port(&b, &l->peer_port);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return e;
}

char *peer_link_netdev(const struct peer_link *l, int peer)
{
	return tb_strdupf("dgram,id=net0,local.type=inet,local.host=127.0.0.1,"
			  "local.port=%u,remote.type=inet,remote.host="
			  "127.0.0.1,remote.port=%u",
			  peer ? l->peer_port : l->client_port,
			  peer ? l->client_port : l->peer_port);
}

/* exe quoted for the shell-like split of the rule's command (GLib's
 * g_shell_parse_argv): 'exe'; NULL if it holds a quote. */
static char *quote_exe(const char *exe)
{
	return strchr(exe, '\'') ? NULL : tb_strdupf("'%s'", exe);
}

/* ",guestfwd=tcp:10.0.2.100:P-cmd:'EXE' relay ADDR P" for P..P+4, commas
 * of EXE doubled. */
static char *forward_rules(const struct peer_addr *a, const char *exe)
{
	char *q = quote_exe(exe), *esc = q ? qemu_opt_escape(q) : NULL;
	char *s = esc ? strdup("") : NULL, *n;

	for (unsigned i = 0; s && i < PEER_NPORTS; i++) {
		n = tb_strdupf("%s,guestfwd=tcp:" PEER_FWD_ADDR ":%u-cmd:%s "
			       "relay %s %u", s, a->port + i, esc, a->host,
			       a->port + i);
		free(s);
		s = n;
	}
	free(esc);
	free(q);
	return s;
}

char *peer_agent_user(const struct peer_addr *a, const char *exe)
{
	char *rules, *s;

	if (!a->loopback)
		return strdup(",restrict=off");
	rules = forward_rules(a, exe);
	s = rules ? tb_strdupf(",restrict=on%s", rules) : NULL;
	free(rules);
	return s;
}
