/* appliance.h - what the appliance's modules share.
 *
 * One static binary, two modes: PID 1 of the booted image (init.c: mounts,
 * modules, disks, kernel parameters, power off) or an ordinary process
 * (main.c: `twinbench run --results DIR ...`, container mode).  Both end in
 * session.c, which loads the profile, opens a run directory (results.c),
 * runs it (runner.c, child.c) and writes manifest.json, summary.json,
 * console.log and DONE.  All state lives in one struct app, passed down.
 */
#ifndef APPLIANCE_H
#define APPLIANCE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "tb_conline.h"
#include "tb_profile.h"
#include "tb_workload.h"

#define TB_VERSION "0.1.0"
#define TB_REASON 256

enum app_mode { APP_APPLIANCE, APP_CONTAINER };
enum run_status { ST_OK, ST_SKIPPED, ST_FAILED, ST_TIMEOUT };

/* Console: everything printed goes to fd and into buf (console.log);
 * terse: fd gets only the lines a terminal shows (tb_conline.h). */
struct con {
	int fd;
	char *buf;
	size_t len, cap;
	int terse;
	struct tb_conline filter;
};

void con_init(struct con *c, int fd);
void con_terse(struct con *c);		/* from now on, fd gets less */
void con_free(struct con *c);
void con_write(struct con *c, const char *s, size_t n);
void con_printf(struct con *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void con_vprintf(struct con *c, const char *fmt, va_list ap);
void con_log_only(struct con *c, const char *s);	/* not printed */
void con_print_only(struct con *c, const char *s);	/* not logged */

struct app_timings {
	double uptime_at_start;		/* /proc/uptime at our start */
	double modules_s, disk_wait_s, mkfs_s, runner_s;
	int modules_loaded, modules_failed;
	uint64_t wall_start_ns, wall_end_ns;
};

/* The outcome of one run (instance x repetition). */
struct run_rec {
	size_t inst;
	int rep;
	enum run_status status;
	char reason[TB_REASON];
	double seconds;
};

struct app {
	enum app_mode mode;
	struct con con;
	uint64_t mono_start_ns;
	/* inputs */
	char *label;			/* sanitized */
	char *profile_name;
	char *profile_path;		/* NULL when not found */
	const char *profile_source;	/* builtin|BENCHBOOT override|file */
	char *profile_text;
	char *profile_error;		/* why nothing runs, or NULL */
	const char *bindir;
	char *scratch;			/* base scratch directory */
	char *scratch_note;		/* e.g. "no BENCHSCRATCH: /tmp" */
	int scratch_made;		/* we created it (container mode) */
	int keep_scratch;
	char *results_root;		/* contains runs/ */
	char *results_note;		/* e.g. "no BENCHRES: tmpfs only" */
	char *cmdline;
	char *boot_dev, *res_dev, *scratch_dev;
	const char *boot_fs;		/* "vfat" (BENCHBOOT) or "iso9660" */
	char *iso_dev;			/* optical drive with our ISO */
	char *fwcfg_params;		/* parameters from QEMU's fw_cfg */
	char *hardware;			/* JSON from hardware_describe() */
	int scratch_formatted;
	const char *mke2fs;		/* path when it formatted scratch */
	struct app_timings t;
	char *image_id, *image_reason;	/* manifest cache */
	char *scratch_json;		/* scratch_describe() of scratch */
	/* the network: bench.peer/--peer ("ADDR[:PORT]"), its token, why
	 * the network or the peer cannot be used (every run that needs it
	 * fails with that), and the peer agent's manifest (JSON) */
	char *peer, *token, *net_error, *peer_manifest;
	int netwait;			/* seconds the peer may take */
	/* the run */
	struct tb_profile prof;
	int prof_ok;
	char *run_id, *run_dir;
	int samples_fd;
	struct tb_sum *sum;		/* every record written, for summary */
	struct run_rec *runs;
	size_t nruns;
	char *setup_err;		/* why nothing (more) could run */
	char *write_err;		/* the first result that was not written */
	const char *status;		/* "ok" or "failed" */
	char *reason;
};

/* One parameter a workload derived from the machine (tb_derived()). */
struct derived {
	char name[64];
	double value;
};
#define MAX_DERIVED 8

void app_init(struct app *a, enum app_mode mode);
void app_free(struct app *a);

/* session.c: the common path; returns 0 when the run's status is ok. */
int app_session(struct app *a);
/* Find the profile by name (dirs in order) or take a file; fills
 * profile_path/source/text or profile_error. */
void app_find_profile(struct app *a, const char *const *dirs,
		      const char *const *sources);
void app_load_profile_file(struct app *a, const char *path,
			   const char *source);
/* Parse the loaded profile (once); sets prof_ok or profile_error. */
void app_parse_profile(struct app *a);

/* results.c */
int res_open_run(struct app *a);		/* runs/<id>/, samples.jsonl */
/* One record: to samples.jsonl (appended, fsync'ed) and then the console
 * and the summary.  A record that could not be written is still printed
 * and counted, and the run's write_err says so (the run will fail). */
struct res_rec {
	const struct tb_instance *in;
	int rep, warmup;
	const struct tb_report_msg *m;	/* kind 'R', or the outcome's reason */
	enum run_status st;
	uint64_t t0, t1;
	const struct derived *derived;
	size_t nderived;
};
int res_sample(struct app *a, const struct res_rec *r);
/* Note the first failed write of a result file (what, -errno). */
void res_write_failed(struct app *a, const char *what, int err);
int res_write_text(struct app *a, const char *name, const char *text,
		   size_t n);
int res_done(struct app *a);			/* DONE */
char *res_sanitize_label(const char *s);

/* summary.c, manifest.c */
int summary_init(struct app *a);	/* after the profile is parsed */
void summary_status(struct app *a);	/* status, reason from the records */
int summary_write(struct app *a);
int manifest_write(struct app *a, int final);

/* sysinfo.c: system facts as JSON members of the current object. */
struct tb_json;
void sysinfo_json(struct tb_json *j);
const char *sysinfo_hypervisor(char *sig, size_t n);	/* label or NULL */
int sysinfo_container(struct tb_json *j, char *engine, size_t n);
int sysinfo_in_container(char *engine, size_t n);

/* hardware.c: firmware, boot medium, disk and NIC drivers as one JSON
 * object (malloc'ed text, NULL when out of memory). */
char *hardware_describe(const struct app *a);
/* The driver of the controller behind block device sysfs path dev
 * (/sys/block/NAME/device), into out; "" when none. */
void hardware_block_driver(const char *dev, char *out, size_t n);

/* scratch.c: what the scratch directory is on, as a JSON object:
 * {"medium":"disk"|"ram"|"other","fs":…,"source":…,"device":…,
 * "driver":…} (malloc'ed text, NULL when out of memory). */
char *scratch_describe(const char *dir);

/* peercheck.c: wait (bounded) for the peer agent when the profile needs
 * it; sets peer_manifest, or net_error. */
void session_peer(struct app *a);

/* runner.c */
int runner_run(struct app *a);
uint64_t runner_seed(uint64_t profile_seed, const char *instance);

/* child.c: the forked side of one run; never returns. */
struct child_spec {
	const struct tb_instance *in;
	const char *scratch, *bindir;
	uint64_t seed;
	int rep, report_fd, out_fd;
	const char *peer, *token, *net_error;
};
void child_main(const struct child_spec *cs) __attribute__((noreturn));

/* fsutil.c */
int fs_rm_rf(const char *path);
char *fs_read_line(const char *path);	/* first line, or NULL */
const char *status_name(enum run_status st);

/* cli.c: `twinbench run ...` (container mode) */
int cli_run(int argc, char **argv);

/* init.c: PID 1 */
int init_main(void);

#endif
