/* agent.h - the peer agent: `twinbench serve`, and PID 1 booted with
 * bench.role=server.
 *
 * A machine under test (the client) connects over TCP, asks for the
 * counterpart of a network workload (netserver, iperf3, an rsync daemon
 * with a seeded data set) and gets this machine's own measurements and its
 * manifest back.  Protocol v1: lib/tb_agent.h, docs/peer-protocol.md.
 * One client at a time; others get `busy` at once.  Only fixed argvs with
 * validated numbers are run, never a shell.
 */
#ifndef AGENT_H
#define AGENT_H

struct con;

#define AGENT_IDLE_S 60			/* a silent client is closed */
#define AGENT_SERVICE_IDLE_S 3600	/* ... while its service runs */

struct agent_cfg {
	int port;		/* agent port; services at port + 1..4 */
	const char *listen;	/* IPv4 address to listen on */
	const char *token;	/* clients must send it; NULL or "": none */
	const char *scratch;	/* absolute, exists: data sets, configs */
	const char *bindir;	/* netserver, iperf3, rsync */
	int once;		/* return after the first client session */
	int idle_s;		/* AGENT_IDLE_S */
	/* Progress lines ("twinbench serve: ..."): to con when set (PID 1),
	 * else to log_fd. */
	struct con *con;
	int log_fd;
	/* Optional facts PID 1 already has (NULL: the agent finds them):
	 * the image id (sha256 of the initrd) and hardware_describe()'s
	 * JSON. */
	const char *image_id;
	const char *hardware;
};

/* port 7777, listen 0.0.0.0, bindir /usr/bin, idle 60 s, log_fd 2; no
 * token, no scratch (the caller must set one: agent_serve refuses none). */
void agent_cfg_init(struct agent_cfg *cfg);

/* Serve clients until SIGTERM/SIGINT/SIGHUP (or, with once, the end of
 * the first session); services still running are stopped.  0, or -errno
 * when the agent cannot listen or set itself up (-EINVAL: no listen
 * address, bindir or absolute scratch).  Leaves SIGCHLD, SIGTERM, SIGINT
 * and SIGHUP blocked and SIGPIPE ignored in the calling process. */
int agent_serve(const struct agent_cfg *cfg);

/* `twinbench serve [--port P] [--listen ADDR] [--token T] [--scratch DIR]
 * [--bindir DIR] [--idle S] [--once]`: exit status. */
int agent_main(int argc, char **argv);

#endif
