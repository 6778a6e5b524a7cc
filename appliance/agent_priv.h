/* agent_priv.h - what the peer agent's files share (agent.h is the API).
 *
 * agent.c       `twinbench serve`, the listener: accepts, refuses with
 *               busy while a session lives, forks one session per client
 * agent_sess.c  one client session: lines in, requests, replies
 * agent_svc.c   the services: fixed argv, START, STOP's measurements
 * agent_proc.c  their processes: spawn, readiness, stop, reap
 * agent_data.c  rsync-out/rsync-in: the seeded data sets, rsyncd.conf
 * agent_info.c  MANIFEST's JSON, /proc/net/dev counters
 */
#ifndef AGENT_PRIV_H
#define AGENT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "agent.h"
#include "tb_agent.h"

#define AGENT_STOP_GRACE_S 5		/* SIGTERM, then SIGKILL */
#define AGENT_READY_S 10		/* a service must listen by then */
#define AGENT_MAX_BYTES (64LL << 30)	/* rsync data set limits */
#define AGENT_MAX_FILES 1000000LL

void agent_log(const struct agent_cfg *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An rsync data set as the client asked for it. */
struct agent_set {
	int tree;			/* kind=tree (else file) */
	uint64_t seed;
	int64_t bytes, files;
	char key[128];			/* ds_key() */
	int64_t sum_files, sum_bytes;	/* its ds_hash() */
	char sha256[65];
};

enum agent_kind { SVC_NETSERVER, SVC_IPERF3, SVC_RSYNC_OUT, SVC_RSYNC_IN };

/* The running service (at most one). */
struct agent_svc {
	pid_t pid;			/* 0: none */
	enum agent_kind kind;
	const char *name;
	int exited, status;		/* it ended on its own */
	uint64_t t0_ns;
	double cpu0_s;			/* RUSAGE_CHILDREN at start */
	int net_ok;
	uint64_t rx0, tx0;
	struct agent_set set;		/* rsync-in: what must arrive */
};

/* A reply for the client: an OK line's pairs, or an error. */
struct agent_reply {
	struct tb_agent_msg ok;
	char code[TB_AGENT_CODE_MAX + 1];	/* "" when ok */
	char text[TB_AGENT_LINE_MAX];
};
void agent_fail(struct agent_reply *r, const char *code, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

/* agent_sess.c: serve one accepted client; returns when it is gone. */
void agent_session(const struct agent_cfg *cfg, int fd, const char *who);

/* agent_svc.c */
/* START: 0 with r->ok filled, or -1 with r set; client: the client's
 * address (the rsync daemon allows only it). */
int svc_start(const struct agent_cfg *cfg, struct agent_svc *s,
	      const struct tb_agent_msg *req, const char *client,
	      struct agent_reply *r);
/* Stop (if still running), reap, and append the measurement lines to
 * out[n] (NUL-terminated; *len grows).  0, or -1 with r set (the lines
 * are still there, e.g. tree-mismatch). */
int svc_stop(const struct agent_cfg *cfg, struct agent_svc *s, char *out,
	     size_t n, size_t *len, struct agent_reply *r);
/* Reap the service if it ended on its own (SIGCHLD). */
void svc_poll(struct agent_svc *s);
/* The path of a file of the run directory (scratch/run/NAME). */
char *svc_path(const struct agent_cfg *cfg, const char *name);

/* agent_proc.c: the service process.  spawn: RUSAGE_CHILDREN, net
 * counters and the clock as of the start, then fork + exec of argv
 * (absolute path) in its own group; wait_ready: until port listens;
 * terminate: SIGTERM to the group, SIGKILL after AGENT_STOP_GRACE_S, all
 * reaped.  0 or -1 with r set. */
int proc_spawn(const struct agent_cfg *cfg, struct agent_svc *s,
	       char *const *argv, struct agent_reply *r);
int proc_wait_ready(const struct agent_cfg *cfg, struct agent_svc *s,
		    int port, struct agent_reply *r);
void proc_terminate(struct agent_svc *s);
double proc_children_cpu(void);		/* user + system, s */
int proc_listening(int port);		/* 1, 0, -1: cannot tell */

/* agent_data.c: rsync-out and rsync-in set-up; 0 or -1 with r set. */
int data_spec(const struct tb_agent_msg *req, struct agent_set *set,
	      struct agent_reply *r);
int data_prepare_out(const struct agent_cfg *cfg, struct agent_set *set,
		     struct agent_reply *r);
int data_prepare_in(const struct agent_cfg *cfg, struct agent_set *set,
		    struct agent_reply *r);
/* rsync-in at STOP: hash what arrived, compare; 1 match, 0 mismatch,
 * -1 (r set). */
int data_check_in(const struct agent_cfg *cfg, const struct agent_set *set,
		  struct agent_set *got, struct agent_reply *r);
/* scratch/run/rsyncd.conf for module data (out) or in; 0 or -errno */
int data_rsyncd_conf(const struct agent_cfg *cfg, const struct agent_set *set,
		     int out, const char *client, char **path);

/* agent_info.c */
char *info_manifest(const struct agent_cfg *cfg);	/* JSON, malloc'ed */
int info_net_bytes(uint64_t *rx, uint64_t *tx);		/* 0 or -errno */

#endif
