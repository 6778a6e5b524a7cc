/* peer_relay.c - `twinbench relay ADDR PORT`: one connection of a guest to
 * an agent on the build host.  QEMU's user-mode network runs it for each
 * connection the guest opens to a guestfwd address (cmd: rules, see
 * peer_net.c) with stdin, stdout and stderr all the guest's end of that
 * connection; it connects to ADDR:PORT and copies both ways until both
 * have ended, passing each end on (shutdown) as it comes.  It never
 * writes anything of its own: stderr is the connection too (it is sent to
 * /dev/null once the arguments are checked).  A refused connection closes
 * the guest's at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"
#include "tb_util.h"

#define RELAY_BUF	65536

static int relay_connect(const char *host, unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd;

	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (errno != EINTR) {
			close(fd);
			return -errno;
		}
	}
	return fd;
}

/* Copy what is there from in to out; 1 at the end of in, 0, or -1. */
static int pass(int in, int out, char *buf)
{
	ssize_t n = read(in, buf, RELAY_BUF);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (n == 0)
		return 1;
	return tb_write_all(out, buf, (size_t)n) ? -1 : 0;
}

/* Guest (fds 0 and 1) <-> sock until both directions have ended. */
static int relay(int sock, char *buf)
{
	struct pollfd pf[2] = {
		{ .fd = 0, .events = POLLIN }, { .fd = sock, .events = POLLIN },
	};
	int r;

	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			r = pass(pf[i].fd, i ? 1 : sock, buf);
			if (r < 0)
				return -1;
			if (r > 0) {
				shutdown(i ? 1 : sock, SHUT_WR);
				pf[i].fd = -1;
			}
		}
	}
	return 0;
}

int cmd_relay(int argc, char **argv)
{
	struct in_addr in;
	unsigned long port = 0;
	char *end = NULL, *buf;
	int sock, null;

	if (argc == 3)
		port = strtoul(argv[2], &end, 10);
	if (argc != 3 || inet_pton(AF_INET, argv[1], &in) != 1 || !end ||
	    *end || port < 1 || port > 65535)
		return lab_usage_error("relay", "needs an IPv4 ADDR and a "
				       "PORT");
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 2);
		close(null);
	}
	signal(SIGPIPE, SIG_IGN);
	sock = relay_connect(argv[1], (unsigned)port);
	if (sock < 0)
		return LAB_EXIT_FAIL;
	buf = malloc(RELAY_BUF);
	if (!buf || relay(sock, buf)) {
		free(buf);
		close(sock);
		return LAB_EXIT_FAIL;
	}
	free(buf);
	close(sock);
	return LAB_EXIT_OK;
}
