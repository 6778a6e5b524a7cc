/* peer_opts.c - --peer, --token and --peer-memory of `twinbench run`, and
 * the kernel parameters they give both sides (DESIGN section 4):
 *
 *   peer VM         bench.role=server bench.net=10.77.0.1/24
 *   client of it    bench.net=10.77.0.2/24 bench.peer=10.77.0.1
 *   client of ADDR  bench.net=dhcp bench.peer=10.0.2.100:P (loopback ADDR,
 *                   through QEMU's forwarding) or bench.peer=ADDR:P
 *   both            bench.token=TEXT with --token
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "tb_util.h"

#define TOKEN_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789-._~+/=:@%"

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > PEER_PORT_MAX)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* a->host and a->port from ADDR[:PORT]; 0, 1 (not an address) or -1. */
static int parse_addr(const char *arg, struct peer_addr *a)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	struct in_addr in;

	if (n >= sizeof(a->host))
		return 1;
	memcpy(a->host, arg, n);
	a->host[n] = '\0';
	if (inet_pton(AF_INET, a->host, &in) != 1)
		return 1;
	a->port = PEER_PORT;
	if (colon && parse_port(colon + 1, &a->port))
		return -1;
	a->loopback = (ntohl(in.s_addr) >> 24) == 127;
	a->kind = PEER_AGENT;
	return 0;
}

int peer_parse(const char *arg, struct peer_addr *a, const char **why)
{
	int r;

	memset(a, 0, sizeof(*a));
	r = parse_addr(arg, a);
	if (r < 0)
		*why = "the agent's port must be 1 to 65531 (it uses the "
		       "port and the next four)";
	else if (r > 0 && !fs_exists(arg))
		*why = "no such image or address";
	else if (r > 0)
		a->kind = PEER_IMAGE;
	return a->kind == PEER_NONE ? -1 : 0;
}

static int valid_token(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= PEER_TOKEN_MAX && strspn(s, TOKEN_CHARS) == n;
}

static int parse_mib(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < 64 ||
	    v > (1u << 20))
		return -1;
	*out = (unsigned)v;
	return 0;
}

int peer_opt(int opt, const char *arg, struct run_opts *o)
{
	struct peer_addr a;
	const char *why = NULL;
	char *msg;
	int r;

	if (opt == 'Q' && peer_parse(arg, &a, &why) == 0)
		o->peer = arg;
	else if (opt == 'K' && valid_token(arg))
		o->token = arg;
	else if (opt == 'K')
		why = "1 to 128 letters, digits or - . _ ~ + / = : @ %";
	else if (opt == 'W' && parse_mib(arg, &o->peer_memory_mib))
		why = "MiB from 64 to 1048576";
	if (!why)
		return 0;
	msg = opt == 'Q' ? tb_strdupf("--peer: %s: %s", arg, why) :
	      tb_strdupf("--%s: %s", opt == 'K' ? "token" : "peer-memory",
			 why);
	r = lab_usage_error("run", msg ? msg : why);
	free(msg);
	return r;
}

const char *peer_check(struct run_opts *o)
{
	struct peer_addr a = { .kind = PEER_NONE };
	const char *why;

	if (o->peer && peer_parse(o->peer, &a, &why))
		return why;
	if (o->token && !o->peer)
		return "--token: only with --peer";
	if (o->peer_memory_mib && a.kind != PEER_IMAGE)
		return "--peer-memory: only with --peer IMAGE";
	if (a.kind == PEER_IMAGE && o->hw.boot == BOOT_PXE)
		return "--peer IMAGE: not with --boot pxe (its first NIC is "
		       "on QEMU's TFTP network; --peer ADDR can share it)";
	if (o->peer && o->hw.nnics == 0) {
		o->hw.nics[0] = NIC_VIRTIO;
		o->hw.nnics = 1;
	}
	return NULL;
}

char *peer_join(const char *a, const char *b)
{
	if (a && *a && b && *b)
		return tb_strdupf("%s %s", a, b);
	return a && *a ? strdup(a) : b ? strdup(b) : NULL;
}

static char *with_token(char *params, const struct run_opts *o)
{
	char *s;

	if (!params || !o->token)
		return params;
	s = tb_strdupf("%s bench.token=%s", params, o->token);
	free(params);
	return s;
}

char *peer_client_params(const struct run_opts *o, const struct peer_addr *a)
{
	char *s;

	if (a->kind == PEER_IMAGE)
		s = strdup("bench.net=" PEER_NET_CLIENT
			   " bench.peer=" PEER_ADDR);
	else
		s = tb_strdupf("bench.net=dhcp bench.peer=%s:%u", a->loopback ?
			       PEER_FWD_ADDR : a->host, a->port);
	return with_token(s, o);
}

char *peer_server_params(const struct run_opts *o)
{
	return with_token(strdup("bench.role=server bench.net="
				 PEER_NET_SERVER), o);
}
