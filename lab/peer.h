/* peer.h - the peer of `twinbench run --peer`: the machine the network
 * workloads of the machine under test (the client) talk to.
 *
 *   --peer IMAGE      a second VM booted from IMAGE as the peer agent
 *                     (bench.role=server), on a private link between the
 *                     two VMs only: QEMU's -netdev dgram, UDP on 127.0.0.1
 *                     (no root, no bridge, no way out); 10.77.0.1/24 the
 *                     peer, 10.77.0.2/24 the client.
 *   --peer ADDR[:P]   an agent that already runs: the client gets a
 *                     user-mode NIC with DHCP; for a loopback ADDR the
 *                     network is restricted and 10.0.2.100:P..P+4 lead to
 *                     ADDR:P..P+4, one `twinbench relay` per connection.
 *
 * Modules: peer_opts (the options and the kernel parameters of both
 * sides), peer_net (the QEMU network of both sides), peer_src (what the
 * peer VM boots: kernel, initrd, command line, scratch disk), peer_run
 * (the client's side and the logs, for cmd_run), peer_vm (the peer VM:
 * its QEMU and the keeper process that stops it), peer_relay (twinbench
 * relay).
 */
#ifndef PEER_H
#define PEER_H

#include <sys/types.h>

#include "lab.h"

#define PEER_PORT		7777	/* the agent; its services P+1..P+4 */
#define PEER_NPORTS		5
#define PEER_PORT_MAX		(65535 - PEER_NPORTS + 1)
#define PEER_NET_SERVER		"10.77.0.1/24"
#define PEER_NET_CLIENT		"10.77.0.2/24"
#define PEER_ADDR		"10.77.0.1"
#define PEER_MAC		"52:54:00:77:00:01"
#define PEER_FWD_ADDR		"10.0.2.100"	/* in QEMU's user network */
#define PEER_SCRATCH_MIB	4096	/* sparse: only what is written */
#define PEER_TOKEN_MAX		128

/* peer_opts.c */
enum peer_kind { PEER_NONE, PEER_IMAGE, PEER_AGENT };
struct peer_addr {
	enum peer_kind kind;
	char host[16];		/* PEER_AGENT: dotted quad */
	unsigned port;		/* PEER_AGENT: the agent's port */
	int loopback;		/* 127.0.0.0/8 */
};
/* An IPv4 ADDR[:PORT] (PEER_AGENT), else an existing path (PEER_IMAGE).
 * 0, or -1 with *why (static text) about arg. */
int peer_parse(const char *arg, struct peer_addr *a, const char **why);
/* --peer, --token, --peer-memory (opt 'Q', 'K', 'W'): 0, or the exit
 * status of a usage error (reported). */
int peer_opt(int opt, const char *arg, struct run_opts *o);
/* The options together; a client NIC added if there is none.  NULL or
 * what is wrong. */
const char *peer_check(struct run_opts *o);
/* "a b", or a copy of the one that is not NULL (NULL if both are). */
char *peer_join(const char *a, const char *b);
/* The kernel parameters of the client and of the peer VM (malloc'ed). */
char *peer_client_params(const struct run_opts *o, const struct peer_addr *a);
char *peer_server_params(const struct run_opts *o);

/* peer_net.c - the link: two UDP ports on 127.0.0.1, one per side. */
struct peer_link {
	unsigned client_port, peer_port;
};
int peer_link_ports(struct peer_link *l);	/* 0 or -errno */
/* -netdev dgram,id=net0,... of one side (peer: 1, client: 0). */
char *peer_link_netdev(const struct peer_link *l, int peer);
/* More options of the client's user-mode network for an agent:
 * restrict=on and the forwarding rules (loopback), else restrict=off.
 * exe: the twinbench binary the rules run (twinbench relay). */
char *peer_agent_user(const struct peer_addr *a, const char *exe);

/* peer_src.c - what the peer VM boots, copied into work. */
struct peer_src {
	char *kernel, *initrd;
	char *append;		/* the menu entry's APPEND line */
	char *scratch;		/* a raw disk: MBR, ext4 BENCHSCRATCH */
	const char *form;	/* "disk.img", "twinbench.iso", "pxe/" */
	const char *failed;	/* what failed, for the message */
};
/* image: --peer IMAGE; profile: the entry to take (NULL: DEFAULT).  0 or
 * -errno with s->failed. */
int peer_src_prepare(const char *image, const char *profile,
		     const char *work, struct peer_src *s);
void peer_src_free(struct peer_src *s);

/* peer_run.c and peer_vm.c - `run --peer` for cmd_run. */
struct run_peer {
	struct peer_addr addr;
	struct peer_link link;
	struct peer_src src;
	char *client_params;	/* for the client's command line */
	char *netdev0, *user0;	/* the client's NIC 0 (qemu_cfg) */
	char *log;		/* the peer VM's serial log */
	char *errlog;		/* its QEMU's stderr */
	pid_t keeper;		/* the process that watches and stops it */
	int stop_fd;		/* closed: the keeper stops the peer VM */
	double t0;		/* when it started (s, monotonic) */
	int started;
};
/* peer_run.c: everything before the boot; client_log: the client's
 * serial log (the peer's is named after it).  0 or -1 (reported). */
int run_peer_prepare(struct run_peer *p, const struct run_opts *o,
		     const char *work, const char *client_log);
/* peer_vm.c: --peer IMAGE: boot the peer VM (a progress line).  0 or -1
 * (reported). */
int run_peer_start(struct run_peer *p, const struct run_opts *o,
		   enum accel accel);
/* Stop the peer VM (QEMU SIGTERM, SIGKILL after a grace) and reap it. */
void run_peer_stop(struct run_peer *p);
/* peer_run.c: after the boot, in --out DIR the log becomes
 * DIR/<id>.peer.serial.log (id: the client's run, or NULL); say where it
 * is. */
void run_peer_logs(struct run_peer *p, const char *dir, const char *id);
void run_peer_free(struct run_peer *p);

/* peer_relay.c - twinbench relay ADDR PORT: stdin/stdout (a connection
 * QEMU's user network accepted from the guest) to a TCP connection. */
int cmd_relay(int argc, char **argv);

#endif
